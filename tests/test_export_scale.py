"""Exports of 10,000 submissions read back whole (issue 10, part 2 and its tests).

Each export is streamed from a generator into a file, then read back with the library a
receiving system would use: pandas for the CSV, openpyxl for the workbook, ``json`` plus
fhir.resources for the FHIR Bundle (every submission present; a sample of entries validated
by the models and their answers compared exactly).
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from export_load import submission_id, submissions
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from export import fhir, formats, tabular
from questionnaire.bank import load_bank

COUNT = 10_000
SAMPLE = range(0, COUNT, 997)  # eleven entries across the file, the first and a late one


@pytest.fixture(scope="module")
def expected():
    return {s.id: s for s in submissions(COUNT)}


def _write(tmp_path, fmt: str):
    path = tmp_path / f"all.{formats.get(fmt).extension}"
    with open(path, "wb") as fh:
        formats.get(fmt).write(submissions(COUNT), fh)
    return path


def test_csv_of_ten_thousand_reads_back_every_row_and_column(tmp_path, expected):
    table = pd.read_csv(_write(tmp_path, "csv"), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table.columns) == tabular.columns()
    assert len(table) == COUNT and list(table["submission_id"]) == [submission_id(n) for n in range(COUNT)]
    for n in SAMPLE:
        sub, row = expected[submission_id(n)], table.iloc[n]
        assert tabular.restore(row["patient.name"]) == sub.name
        assert row["triage"] == sub.result.triage
        assert row["red_flags"] == ";".join(f["id"] for f in sub.result.to_dict()["red_flags"])
        assert (row["comments"] != "") == bool(sub.comments)


def test_xlsx_of_ten_thousand_reads_back_every_row_and_column(tmp_path, expected):
    book = openpyxl.load_workbook(_write(tmp_path, "xlsx"), read_only=True)
    sheet = book["Submissions"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    assert header == tabular.columns()
    name_at, triage_at = header.index("patient.name"), header.index("triage")
    seen = 0
    for n, row in enumerate(rows):
        assert len(row) <= len(header)
        assert row[0] == submission_id(n)
        if n in SAMPLE:
            sub = expected[row[0]]
            assert tabular.restore(row[name_at]) == sub.name and row[triage_at] == sub.result.triage
        seen += 1
    assert seen == COUNT
    legend = [r[0] for r in book["Columns"].iter_rows(min_row=2, values_only=True)]
    assert legend == tabular.columns()
    book.close()


def test_fhir_bundle_of_ten_thousand_parses_back_with_every_submission(tmp_path, expected):
    data = json.loads(_write(tmp_path, "fhir").read_bytes())
    entries = data["entry"]
    Questionnaire.model_validate(entries[0]["resource"])
    responses = [e["resource"] for e in entries if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    assert [r["identifier"]["value"] for r in responses] == [submission_id(n) for n in range(COUNT)]
    assert len({e["fullUrl"] for e in entries}) == len(entries)
    bank = load_bank()
    for n in SAMPLE:
        response = QuestionnaireResponse.model_validate(responses[n])
        sub = expected[submission_id(n)]
        assert fhir.answers_from_response(response, bank) == sub.answers
        assert fhir.result_from_response(response) == sub.result
