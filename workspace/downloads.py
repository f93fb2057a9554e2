"""The exports staff can download, each written to the audit log when its file is made.

The formats offered come from ``export.formats`` (the same table the command line reads): every
format offered for one submission on the detail page, every format offered for a list on the
list page. A download's bytes are made only when its button is clicked (``workspace.ui.download_row``),
so the list page does not build files on every rerun; the audit event is written at that
moment: who, which format, which submission or how many. The bytes then reach only that
session's browser (``clinic.web.deliver_file``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from export import formats
from vocabulary import Submission

Progress = formats.Progress


@dataclass(frozen=True)
class Download:
    format: str
    label: str
    file_name: str
    target: str  # what the audit log names: a submission id, or "list of N"
    build: Callable[[Progress | None], bytes]
    count: int = 1  # submissions in the file, for the progress bar

    @property
    def mime(self) -> str:
        return formats.get(self.format).mime


def for_submission(sub: Submission) -> list[Download]:
    """Every format offered for one submission (PDF, JSON, FHIR, FHIR for the EHR)."""
    stem = f"submission-{sub.id[:12]}"
    return [Download(f.id, f.label, f"{stem}.{f.extension}", sub.id,
                     (lambda _progress=None, f=f: f.one_to_bytes(sub)))
            for f in formats.offered(formats.ONE)]


def for_list(subs: Sequence[Submission], tag: str) -> list[Download]:
    """Every format offered for a list (CSV, Excel, JSON, FHIR bundle, FHIR for the EHR, PDF)."""
    subs = list(subs)
    target = f"list of {len(subs)}"
    return [Download(f.id, f.list_label, f"submissions-{tag}.{f.extension}", target,
                     (lambda progress=None, f=f: f.to_bytes(subs, progress)), len(subs))
            for f in formats.offered(formats.LIST)]


def audited(download: Download, store, username: str,
            progress: Progress | None = None) -> Callable[[], bytes]:
    """``download.build`` that also records the export (format and target only, never content)."""
    def make() -> bytes:
        data = download.build(progress)
        store.audit(username, "export", f"{download.format}:{download.target}")
        return data
    return make
