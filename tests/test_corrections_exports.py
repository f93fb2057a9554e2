"""A voided submission is shown as void in every export (CSV and XLSX `void` column, JSON
`void`, FHIR QuestionnaireResponse status `entered-in-error`, a VOID badge on the PDF), and a
kept one is not; the void reason is never exported. Real store (SQLite), real readers."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from fhir.resources.R4B.bundle import Bundle
from openpyxl import load_workbook
from patients import BACK_EN, MIGRAINE_ES
from pypdf import PdfReader
from test_workspace_data import save

from clinic.config import Settings
from export import fhir, jsondoc, pdf, tabular
from storage import open_store

REASON = "QUIXOTIC reason words"


def _subs(tmp_path):
    store = open_store(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_file=str(tmp_path / "k")))
    try:
        voided = save(store, BACK_EN, datetime(2026, 11, 24, 9, tzinfo=UTC))
        kept = save(store, MIGRAINE_ES, datetime(2026, 11, 24, 10, tzinfo=UTC))
        store.void_submission(voided, "dr.a", REASON)
        return {s.id: s for s in store.list_submissions()}, voided, kept
    finally:
        store.close()


def test_every_export_says_which_submission_is_void(tmp_path):
    subs, voided, kept = _subs(tmp_path)
    chosen = [subs[voided], subs[kept]]
    table = list(csv.DictReader(io.StringIO(tabular.to_csv(chosen).decode("utf-8-sig"))))
    assert {r["submission_id"]: r["void"] for r in table} == {voided: "yes", kept: "no"}
    sheet = load_workbook(io.BytesIO(tabular.to_xlsx(chosen)), read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    at, sid = lines[0].index("void"), lines[0].index("submission_id")
    assert {r[sid]: r[at] for r in lines[1:] if r[sid]} == {voided: "yes", kept: "no"}
    docs = json.loads(jsondoc.to_json(chosen))
    docs = docs if isinstance(docs, list) else docs.get("submissions", docs)
    assert {d["id"]: d["void"] for d in docs} == {voided: True, kept: False}
    bundle = Bundle.model_validate_json(fhir.to_fhir_json(chosen))
    status = {e.resource.identifier.value: e.resource.status for e in bundle.entry
              if e.resource.get_resource_type() == "QuestionnaireResponse"}
    assert status == {voided: "entered-in-error", kept: "completed"}
    first_pages = [PdfReader(io.BytesIO(pdf.to_pdf(s))).pages[0].extract_text() for s in chosen]
    assert "VOID" in first_pages[0] and "VOID" not in first_pages[1]
    everything = b"".join([tabular.to_csv(chosen), jsondoc.to_json(chosen), fhir.to_fhir_json(chosen)])
    assert b"QUIXOTIC" not in everything
