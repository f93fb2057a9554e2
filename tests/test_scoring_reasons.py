"""Reasons a clinician can check: values and ids behind each match, what kept it from being
stronger, and what was unsure or unanswered (clinical-core.md, "The screening rules")."""

from __future__ import annotations

import pytest
from scoring_cases import CD_STRONG, CM_STRONG, LBP_STRONG, MF_STRONG, TTH_STRONG, run

from questionnaire.bank import load_bank

BANK = load_bank()


def reasons(indication: str, *parts: dict) -> list[tuple[str, tuple[str, ...]]]:
    return [(r.text, r.items) for r in run(*parts).indication(indication).reasons]


def test_the_issue_example_reads_as_written():
    found = reasons("chronic_migraine", CM_STRONG, {"ha.days": 20, "ha.months": 12, "ha.migraine_days": 12})
    assert found[0] == (
        "20 headache days a month for 12 months; 12 migraine-type days; lasting 4 h to a day",
        ("ha.days", "ha.months", "ha.migraine_days", "ha.duration"))


def test_a_strong_match_has_no_shortfall():
    for base, indication in [(CM_STRONG, "chronic_migraine"), (TTH_STRONG, "tension_type_headache"),
                             (CD_STRONG, "cervical_dystonia"), (LBP_STRONG, "low_back_pain"),
                             (MF_STRONG, "myofascial_pain")]:
        texts = [text for text, _ in reasons(indication, base)]
        assert not any(t.startswith(("Not strong", "Not possible")) for t in texts)


@pytest.mark.parametrize(("indication", "parts", "prefix", "item", "value"), [
    ("chronic_migraine", [CM_STRONG, {"ha.months": 2}], "Not strong", "ha.months", "answered 2"),
    ("chronic_migraine", [CM_STRONG, {"ha.migraine_days": 7}], "Not strong", "ha.migraine_days",
     "answered 7"),
    ("chronic_migraine", [CM_STRONG, {"ha.days": 14}], "Not possible", "ha.days", "answered 14"),
    ("chronic_migraine", [CM_STRONG, {"ha.duration": "under_4h"}], "Not strong", "ha.duration", "under 4 h"),
    ("tension_type_headache", [TTH_STRONG, {"ha.days": 14}], "Not possible", "ha.days", "episodic"),
    ("tension_type_headache", [TTH_STRONG, {"ha.nausea": "unsure"}], "Not possible", "ha.nausea", "tension"),
    ("cervical_dystonia", [CD_STRONG, {"neck.onset": "weeks"}], "Not strong", "neck.onset",
     "1 week to 3 months"),
    ("cervical_dystonia", [CD_STRONG, {"neck.onset": "days"}], "Not possible", "neck.onset", "acute"),
    ("low_back_pain", [LBP_STRONG, {"back.below_knee": "unsure"}], "Not strong", "back.below_knee", "unsure"),
    ("low_back_pain", [LBP_STRONG, {"back.spasms": "no", "back.months": 2}], "Not possible", "back.months",
     "answered 2"),
    ("myofascial_pain", [MF_STRONG, {"mf.widespread": "yes", "mf.fatigue_sleep": "yes"}], "Not strong",
     "mf.fatigue_sleep", "fibromyalgia"),
    # v3
    ("tension_type_headache", [TTH_STRONG, {"ha.migraine_days": None}], "Not strong", "ha.migraine_days",
     "fewer than 8 migraine-type days (answered) (not answered)"),
    ("tension_type_headache", [TTH_STRONG, {"ha.light": "unsure"}], "Not possible", "ha.light",
     "light = no or noise = no"),
    ("myofascial_pain", [MF_STRONG, {"mf.widespread": "unsure"}], "Not strong", "mf.widespread",
     "widespread unsure"),
])
def test_what_kept_the_match_from_being_stronger(indication, parts, prefix, item, value):
    gaps = [(t, i) for t, i in reasons(indication, *parts) if t.startswith(prefix)]
    assert len(gaps) == 1
    text, items = gaps[0]
    assert item in items and value in text


@pytest.mark.parametrize(("indication", "parts", "item"), [
    ("chronic_migraine", [CM_STRONG, {"ha.nausea": "unsure"}], "ha.nausea"),
    ("tension_type_headache", [TTH_STRONG, {"ha.one_side": "unsure"}], "ha.one_side"),
    ("cervical_dystonia", [CD_STRONG, {"neck.sensory_trick": "unsure"}], "neck.sensory_trick"),
    ("cervical_dystonia", [{"neck.pulls": "unsure"}], "neck.pulls"),
    ("low_back_pain", [{"back.pain": "unsure"}], "back.pain"),
    ("myofascial_pain", [MF_STRONG, {"mf.spreads": "unsure"}], "mf.spreads"),
])
def test_unsure_answers_are_named(indication, parts, item):
    unsure = [(t, i) for t, i in reasons(indication, *parts) if t.startswith("Answered unsure")]
    assert unsure and item in unsure[0][1] and item in unsure[0][0]


@pytest.mark.parametrize(("indication", "parts", "item"), [
    ("chronic_migraine", [CM_STRONG, {"ha.duration": None}], "ha.duration"),
    ("low_back_pain", [LBP_STRONG, {"back.months": None}], "back.months"),
    ("cervical_dystonia", [CD_STRONG, {"neck.onset": None}], "neck.onset"),
    ("myofascial_pain", [{"mf.knots": "yes"}], "mf.press_familiar"),
])
def test_unanswered_asked_items_are_named(indication, parts, item):
    missing = [(t, i) for t, i in reasons(indication, *parts) if t.startswith("Not answered")]
    assert missing and item in missing[0][1]


def test_items_that_were_not_asked_are_not_called_unanswered():
    for indication in ("chronic_migraine", "low_back_pain", "myofascial_pain"):
        gone = reasons(indication, {"ha.any": "no", "back.pain": "no", "mf.knots": "no"})
        assert len(gone) == 1 and "not asked" in gone[0][0]


def test_every_reason_names_known_ids_and_has_text():
    result = run(CM_STRONG, CD_STRONG, LBP_STRONG, MF_STRONG,
                 {"ha.nausea": "unsure", "back.below_knee": None})
    for indication in result.indications:
        assert indication.reasons
        for reason in indication.reasons:
            assert reason.text.strip() and reason.items
            assert all(BANK.has(i) for i in reason.items)


def test_id_migraine_is_reported_but_decides_nothing():
    positive = reasons("chronic_migraine", CM_STRONG, {"ha.disabled": "yes", "ha.light": "yes"})
    negative = reasons("chronic_migraine", CM_STRONG, {"ha.disabled": "no", "ha.nausea": "yes"})
    assert any(t.startswith("ID-Migraine positive") for t, _ in positive)
    assert any(t.startswith("ID-Migraine negative") for t, _ in negative)
    assert run(CM_STRONG, {"ha.disabled": "no"}).indication("chronic_migraine").match == "strong"
