"""The exports staff can download, each written to the audit log when its file is made.

A download's bytes are made only when its button is clicked (``workspace.ui.download_row``
runs ``make`` in the button's callback), so the list page does not build four files on every
rerun; the audit event is written at that moment: who, which format, which submission or how
many. The bytes then reach only that session's browser (``clinic.web.deliver_file``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from storage.records import Submission

CSV, XLSX, PDF, JSON, FHIR = "csv", "xlsx", "pdf", "json", "fhir"
MIME = {
    CSV: "text/csv", XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf", JSON: "application/json", FHIR: "application/fhir+json",
}
LABELS = {CSV: "CSV", XLSX: "Excel", PDF: "PDF", JSON: "JSON", FHIR: "FHIR"}
EXTENSION = {CSV: "csv", XLSX: "xlsx", PDF: "pdf", JSON: "json", FHIR: "fhir.json"}


@dataclass(frozen=True)
class Download:
    format: str
    label: str
    file_name: str
    target: str  # what the audit log names: a submission id, or "list of N"
    build: Callable[[], bytes]

    @property
    def mime(self) -> str:
        return MIME[self.format]


def _builders(formats: Sequence[str]) -> dict[str, Callable]:
    from export import fhir, jsondoc, pdf, tabular
    table = {PDF: pdf.to_pdf, JSON: jsondoc.to_json, CSV: tabular.to_csv, XLSX: tabular.to_xlsx,
             FHIR: fhir.to_fhir_json}
    return {f: table[f] for f in formats}


def for_submission(sub: Submission) -> list[Download]:
    """PDF, JSON and FHIR of one submission."""
    stem = f"submission-{sub.id[:12]}"
    build = _builders((PDF, JSON, FHIR))
    return [Download(f, LABELS[f], f"{stem}.{EXTENSION[f]}", sub.id, (lambda f=f: build[f](sub)))
            for f in (PDF, JSON, FHIR)]


def for_list(subs: Sequence[Submission], tag: str) -> list[Download]:
    """CSV, Excel, FHIR bundle and PDF (one page each) of a filtered list."""
    subs = list(subs)
    target = f"list of {len(subs)}"
    build = _builders((CSV, XLSX, FHIR, PDF))
    labels = {**LABELS, FHIR: "FHIR bundle"}
    return [Download(f, labels[f], f"submissions-{tag}.{EXTENSION[f]}", target, (lambda f=f: build[f](subs)))
            for f in (CSV, XLSX, FHIR, PDF)]


def audited(download: Download, store, username: str) -> Callable[[], bytes]:
    """``download.build`` that also records the export (format and target only, never content)."""
    def make() -> bytes:
        data = download.build()
        store.audit(username, "export", f"{download.format}:{download.target}")
        return data
    return make
