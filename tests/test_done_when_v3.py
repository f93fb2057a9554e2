"""Issue 8, "Done when": a Spanish-speaking patient reports a thunderclap headache six weeks ago
(``rf.thunderclap_3m`` = yes) with fever (``rf.fever_headache`` = yes). The real scoring triages
her ``review`` with both flags, and both are named in the detail view (AppTest on the real
app.py), the consult PDF (text read back with pypdf), the CSV and the FHIR response that NLM's
LHC-Forms reads back in chromium, and in today's list (its row names both warning signs).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from lforms import lforms_check, lforms_work  # noqa: F401  (fixtures)
from patients import BANK, spanish_headache
from pypdf import PdfReader
from test_workspace_apptest import goto, log_in, new_app, store  # noqa: F401  (store: fixture)
from test_workspace_data import add_user, minutes_ago, save

from export import fhir, pdf, tabular
from export import fhir_questionnaire as fq
from workspace import list_view, session

pytestmark = pytest.mark.browser
FLAGS = ("rf.thunderclap_3m", "rf.fever_headache")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_thunderclap_six_weeks_ago_with_fever_is_review_with_both_flags_named_everywhere(
        store, lforms_check):  # noqa: F811
    doc = spanish_headache(BANK, date.today(), rf__thunderclap_3m="yes", rf__fever_headache="yes")
    assert doc["patient.language"] == "es" and doc["rf.thunderclap"] == "no"  # not in the last 4 weeks
    sid = save(store, doc, minutes_ago(2))
    sub = store.get_submission(sid)
    assert sub.triage == sub.result.triage == "review"
    flags = {f.id: f for f in sub.result.red_flags}
    assert set(flags) == set(FLAGS)
    assert all((f.level, f.answer) == ("review", "yes") for f in flags.values())
    texts = [flags[f].text for f in FLAGS]

    # today's list: triage and both warning signs named in the patient's row
    add_user(store, "alice")
    at = log_in(new_app(), "alice")
    row = at.dataframe[0].value.set_index("Name").loc["José Núñez Peña"]
    assert row["Triage"].casefold().startswith("review")
    for flag_id in FLAGS:
        assert list_view.short_label(BANK, flags[flag_id]) in row["Warning signs"], flag_id

    # the detail view
    at.session_state[session.SELECTED_KEY] = sid
    goto(at, "submission")
    warnings = [w.value.replace("\\", "") for w in at.warning]  # our words are Markdown-escaped
    assert warnings[0].startswith("Review")
    for flag_id, text in zip(FLAGS, texts, strict=True):
        assert any(text in w and flag_id in w for w in warnings), flag_id
    shown = " ".join(e.value for e in [*at.markdown, *at.caption, *at.warning, *at.success, *at.info])
    assert "no warning signs" not in shown.casefold()

    # the consult PDF
    page = _flat(PdfReader(io.BytesIO(pdf.to_pdf(sub, BANK))).pages[0].extract_text())
    assert "REVIEW" in page and "José Núñez Peña" in page
    red_flags = page[page.index("Red flags"):page.index("Safety before toxin")]
    for text in texts:
        assert _flat(text) in red_flags

    # the CSV
    header, row = list(csv.reader(io.StringIO(tabular.to_csv([sub], BANK).decode("utf-8-sig"), newline="")))
    cells = dict(zip(header, row, strict=True))
    assert (cells["triage"], cells["language"]) == ("review", "es")
    assert cells["red_flags"] == ";".join(FLAGS)
    assert cells["red_flag_names"] == " | ".join(texts)
    assert (cells["rf.thunderclap_3m"], cells["rf.fever_headache"]) == ("yes", "yes")

    # the FHIR response, as LHC-Forms reads it back
    response = json.loads(fhir.to_fhir_json(sub, BANK))
    report = lforms_check(fq.questionnaire_dict(BANK), response, "done-when")
    assert report["roundtrip_differences"] == [] and report["response_messages"] == []
    answers = {i["linkId"]: i["answer"] for g in response["item"] for i in g["item"]}
    for flag_id in FLAGS:  # LHC-Forms gave back exactly these answers (no difference), named by item
        assert [a["valueCoding"]["code"] for a in answers[flag_id]] == ["yes"]
    risk = response["contained"][0]
    assert [e["valueCode"] for e in risk["extension"] if e["url"] == fhir.EXT_TRIAGE] == ["review"]
    note = risk["note"][0]["text"]
    for flag_id, text in zip(FLAGS, texts, strict=True):
        assert f"red flag {flag_id} (review, yes): {text}" in note
