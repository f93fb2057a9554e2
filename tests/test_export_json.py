"""JSON export: answers, result and metadata, exactly as stored, one object or a list."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import patients
import pytest
import samples
from hypothesis import given
from hypothesis import strategies as st

from export.jsondoc import FORMAT, from_json, to_json
from vocabulary import Comment

NAMES = ["José Núñez Peña", "محمد علي", "Zoë 😀👍🏽", "=HYPERLINK(\"x\")", "  spaces  "]


@pytest.mark.parametrize("name", NAMES)
def test_one_submission_round_trips_exactly(name):
    doc = patients.spanish_migraine() | {"patient.name": name, "visit.concern": "a\r\nb\n«c» 🙁"}
    when = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    sub = samples.scored(doc, reviewed_by="dr.ana", reviewed_at=when,
                         comments=(Comment("dr.ana", "Véase — ok", when, 1), Comment("dr.bo", "v2", when, 2)))
    raw = to_json(sub)
    assert json.dumps(name, ensure_ascii=False).encode("utf-8") in raw  # not \u-escaped
    data = json.loads(raw)
    assert data["format"] == FORMAT and data["answers"] == doc and data["result"] == sub.result.as_stored()
    assert data["triage"] == sub.result.triage and data["rules_version"] == sub.rules_version
    assert from_json(raw) == sub


def test_a_stored_name_the_kiosk_now_refuses_is_still_exported_exactly():
    name = "\u200fمحمد علي\u200f"  # stored before the kiosk refused format characters
    sub = samples.submission(patients.spanish_migraine() | {"patient.name": name}, samples.hand_result())
    assert from_json(to_json(sub)) == sub


def test_derived_scores_and_per_indication_suggested_and_direction():
    sub = samples.scored(patients.spanish_migraine())
    data = json.loads(to_json(sub))
    assert data["format_version"] == 2
    derived = data["derived"]
    assert [derived[k] for k in ("peg", "phq2", "gad2")] == [sub.result.peg, sub.result.phq2, sub.result.gad2]
    assert (derived["preventive_classes"], derived["preventive_class_names"]) == (1, ["antiepileptic"])
    assert derived["indications"] == {
        i.id: {"suggested": i.suggested, "evidence_direction": i.evidence_direction}
        for i in sub.result.indications}
    stored = samples.hand_result(matches={"tension_type_headache": "strong"}, v2=True)
    v2 = samples.submission(samples.V2_ANSWERS, stored)
    back = json.loads(to_json(v2))
    assert back["result"] == v2.result.as_stored()  # stored as scored, never rewritten
    assert back["derived"]["indications"]["tension_type_headache"] == {
        "suggested": False, "evidence_direction": "probably_ineffective"}

def test_a_rescored_result_says_so_beside_the_result_and_reads_back_marked():
    original = samples.scored(samples.answers(patient__name="Rosa Rescored"))
    rescored = replace(original, result=replace(original.result, rescore=True))
    data, plain = json.loads(to_json(rescored)), json.loads(to_json(original))
    assert (data["rescore"], plain["rescore"]) == (True, False)
    assert data["result"] == plain["result"] and "rescore" not in data["result"]  # the contract's object
    back = from_json(to_json(rescored))
    assert back == rescored and back.rescored and not from_json(to_json(original)).rescored
    older = {k: v for k, v in data.items() if k != "rescore"}  # a document written before the key
    assert from_json(json.dumps(older)).rescored is False


def test_a_list_gives_a_json_list_in_order():
    subs = [samples.scored(patients.answers(patient__name=f"P{n}"), sub_id=f"id{n}") for n in range(3)]
    data = json.loads(to_json(subs))
    assert [d["id"] for d in data] == ["id0", "id1", "id2"]
    assert from_json(to_json(subs)) == subs
    assert json.loads(to_json([])) == []


def test_unscored_submission_has_null_result():
    sub = samples.submission(patients.answers(), None)
    data = json.loads(to_json(sub))
    assert data["result"] is None and data["triage"] is None
    assert from_json(to_json(sub)) == sub


def test_reading_something_else_names_the_format():
    with pytest.raises(ValueError, match="format must be"):
        from_json(b'{"id": "x"}')


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
def test_any_text_round_trips(text):
    sub = samples.submission(patients.answers(patient__name=text, visit__concern=text), None)
    assert from_json(to_json(sub)).answers == sub.answers
