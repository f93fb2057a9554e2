"""Exports offered by the workspace: each opens in its own reader and is audited when made."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pypdf import PdfReader
from test_workspace_data import BACK_EN, MIGRAINE_ES, minutes_ago, save, store  # noqa: F401

from workspace import downloads


def _events(store):  # noqa: F811
    return [(e.actor, e.action, e.target) for e in store.audit_events()]


def test_submission_downloads_open_and_are_audited_only_when_made(store):  # noqa: F811
    sid = save(store, MIGRAINE_ES, minutes_ago(2))
    sub = store.get_submission(sid)
    offered = {d.format: d for d in downloads.for_submission(sub)}
    assert set(offered) == {"pdf", "json", "fhir"}
    assert _events(store) == []  # offering a button writes nothing
    made = {f: downloads.audited(d, store, "alice")() for f, d in offered.items()}
    assert "María José Peña" in PdfReader(io.BytesIO(made["pdf"])).pages[0].extract_text()
    assert json.loads(made["json"])["answers"] == MIGRAINE_ES
    assert QuestionnaireResponse.model_validate_json(made["fhir"]).status
    expected = [("alice", "export", f"{f}:{sid}") for f in ("pdf", "json", "fhir")]
    assert sorted(_events(store)) == sorted(expected)
    assert offered["fhir"].file_name.endswith(".fhir.json") and offered["pdf"].mime == "application/pdf"


def test_list_downloads_open_and_name_only_the_count(store):  # noqa: F811
    hostile = {**BACK_EN, "patient.name": '=HYPERLINK("x")'}
    subs = [store.get_submission(save(store, answers, minutes_ago(n)))
            for n, answers in enumerate((MIGRAINE_ES, BACK_EN, hostile))]
    offered = {d.label: d for d in downloads.for_list(subs, "2026-11-24")}
    assert list(offered) == ["CSV", "Excel", "FHIR bundle", "PDF"]
    made = {label: downloads.audited(d, store, "bob")() for label, d in offered.items()}
    table = pd.read_csv(io.BytesIO(made["CSV"]), dtype=str)
    assert sorted(table["patient.name"]) == sorted(["María José Peña", "Tom Baker", "'=HYPERLINK(\"x\")"])
    sheet = openpyxl.load_workbook(io.BytesIO(made["Excel"])).worksheets[0]
    assert sheet.max_row == 4 and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    kinds = [e.resource.get_resource_type() for e in Bundle.model_validate_json(made["FHIR bundle"]).entry]
    assert kinds.count("QuestionnaireResponse") == 3 and kinds[0] == "Questionnaire"  # + its CodeSystems
    assert len(PdfReader(io.BytesIO(made["PDF"])).pages) == 3
    targets = [t for _, action, t in _events(store) if action == "export"]
    assert sorted(targets) == sorted(f"{f}:list of 3" for f in ("csv", "xlsx", "fhir", "pdf"))
    assert all("HYPERLINK" not in t and "Peña" not in t for t in targets)


def test_a_failed_export_is_not_audited(store):  # noqa: F811
    broken = downloads.for_list([], "empty")[-1]  # a PDF of nothing cannot be made
    with pytest.raises(ValueError, match="no submissions"):
        downloads.audited(broken, store, "alice")()
    assert _events(store) == []
