"""Answer validation and branching, case by case from the spec's answer-type table."""

from __future__ import annotations

from datetime import date

import pytest

from questionnaire.answers import InvalidAnswers, age_on, check_answers, require_valid

AS_OF = date(2026, 11, 24)
BASE = {"ha.any": "yes", "back.pain": "yes", "neck.pulls": "yes", "safety.toxin_before": "yes"}

# (answers added to BASE, expected (item, code) problems; [] means valid)
CASES = [
    ({"ha.days": 30}, []),
    ({"ha.days": 31}, [("ha.days", "out_of_range")]),
    ({"ha.days": -1}, [("ha.days", "out_of_range")]),
    ({"ha.days": 4.5}, [("ha.days", "whole_number")]),
    ({"ha.days": True}, [("ha.days", "whole_number")]),
    ({"ha.days": "12"}, [("ha.days", "whole_number")]),
    ({"ha.days": 10, "ha.migraine_days": 10}, []),
    ({"ha.days": 10, "ha.migraine_days": 11}, [("ha.migraine_days", "migraine_days_above_days")]),
    ({"safety.toxin_weeks": 1040}, []),
    ({"safety.toxin_weeks": 1041}, [("safety.toxin_weeks", "out_of_range")]),
    ({"peg.pain": 10}, []),
    ({"peg.pain": 11}, [("peg.pain", "out_of_range")]),
    ({"ha.one_side": "unsure"}, []),
    ({"ha.one_side": "Yes"}, [("ha.one_side", "not_an_option")]),
    ({"ha.severity": "extreme"}, [("ha.severity", "not_an_option")]),
    ({"ha.preventives": ["none"]}, []),
    ({"ha.preventives": ["none", "topiramate"]}, [("ha.preventives", "exclusive_choice")]),
    ({"ha.preventives": []}, [("ha.preventives", "pick_one_or_more")]),
    ({"ha.preventives": ["topiramate", "topiramate"]}, [("ha.preventives", "duplicate_choice")]),
    ({"ha.preventives": "topiramate"}, [("ha.preventives", "pick_one_or_more")]),
    ({"back.tried": ["none", "physio"]}, [("back.tried", "exclusive_choice")]),
    ({"patient.name": "  José Núñez  "}, []),
    ({"patient.name": "   "}, [("patient.name", "empty")]),
    ({"patient.name": "x" * 100}, []),
    ({"patient.name": "x" * 101}, [("patient.name", "too_long")]),
    ({"patient.name": "Ann\nLee"}, [("patient.name", "control_chars")]),
    ({"patient.name": "Ann\x00"}, [("patient.name", "control_chars")]),
    ({"visit.concern": "line one\nline two"}, []),
    ({"visit.concern": "bell\x07"}, [("visit.concern", "control_chars")]),
    ({"visit.concern": "y" * 501}, [("visit.concern", "too_long")]),
    ({"patient.name": 42}, [("patient.name", "wrong_type_text")]),
    ({"patient.birth_date": "2026-11-24"}, []),
    ({"patient.birth_date": "2026-11-25"}, [("patient.birth_date", "future_date")]),
    ({"patient.birth_date": "1905-11-25"}, []),
    ({"patient.birth_date": "1905-11-24"}, [("patient.birth_date", "age_range")]),
    ({"patient.birth_date": "2026-02-30"}, [("patient.birth_date", "bad_date")]),
    ({"patient.birth_date": "24/11/1970"}, [("patient.birth_date", "bad_date")]),
    ({"ha.days": None}, [("ha.days", "null")]),
    ({"ha.dayz": 3}, [("ha.dayz", "unknown_item")]),
    ({"back.spasm_days": 3}, [("back.spasm_days", "not_asked")]),
    ({"back.spasms": "unsure", "back.spasm_days": 3}, [("back.spasm_days", "not_asked")]),
    ({"ha.med_days": 0, "ha.med_types": ["simple"]}, [("ha.med_types", "not_asked")]),
    ({"ha.med_days": 1, "ha.med_types": ["simple"]}, []),
]


@pytest.mark.parametrize(("extra", "expected"), CASES)
def test_answer_checks(bank, extra, expected):
    problems = check_answers(bank, {**BASE, **extra}, AS_OF)
    assert [(p.item, p.code) for p in problems] == expected


def test_every_problem_has_a_message_in_both_languages(bank):
    for extra, _expected in CASES:
        for problem in check_answers(bank, {**BASE, **extra}, AS_OF):
            for lang in ("en", "es"):
                assert problem.text(bank, lang).strip()
            assert problem.describe(bank).startswith(problem.item + ": ")


def test_out_of_range_message_names_the_range(bank):
    (problem,) = check_answers(bank, {**BASE, "ha.days": 45}, AS_OF)
    assert "0" in problem.text(bank, "es") and "30" in problem.text(bank, "es")


def test_require_valid_names_every_bad_item(bank):
    with pytest.raises(InvalidAnswers) as info:
        require_valid(bank, {**BASE, "ha.days": 99, "nope": 1, "peg.pain": -2}, AS_OF)
    assert info.value.items == ["nope", "peg.pain", "ha.days"]
    assert "ha.days" in str(info.value) and "nope" in str(info.value)


def test_not_an_object_is_refused(bank):
    assert [p.code for p in check_answers(bank, ["ha.any"], AS_OF)] == ["not_an_object"]


def test_complete_asks_for_every_asked_required_item(bank):
    missing = {p.item for p in check_answers(bank, {"ha.any": "no"}, AS_OF, complete=True)}
    assert "ha.days" not in missing and "patient.name" in missing
    assert "visit.concern" not in missing  # optional
    assert {"rf.posture", "ha.days"}.isdisjoint(missing)


@pytest.mark.parametrize(("answers", "asked"), [
    ({"ha.any": "yes"}, True), ({"ha.any": "unsure"}, True), ({"ha.any": "no"}, False), ({}, False)])
def test_headache_red_flags_open_on_yes_and_unsure(bank, answers, asked):
    assert bank.is_asked("rf.posture", answers, AS_OF) is asked
    assert bank.is_asked("ha.days", answers, AS_OF) is (answers.get("ha.any") == "yes")


@pytest.mark.parametrize(("answers", "asked"), [
    ({"back.pain": "yes"}, True), ({"back.pain": "unsure"}, True), ({"back.pain": "no"}, False),
    ({"back.pain": "no", "pain.regions": ["legs"]}, True),
    ({"back.pain": "no", "pain.regions": ["buttocks_hips", "head"]}, True),
    ({"back.pain": "no", "pain.regions": ["lower_back"]}, True),
    ({"back.pain": "no", "pain.regions": ["upper_back", "neck"]}, False), ({}, False)])
def test_low_back_gate(bank, answers, asked):
    assert bank.is_asked("rf.saddle", answers, AS_OF) is asked


def test_prune_drops_answers_of_sections_that_became_hidden(bank):
    answers = {"ha.any": "no", "ha.days": 20, "ha.med_days": 3, "ha.med_types": ["simple"],
               "rf.posture": "no", "back.pain": "no", "patient.name": "A"}
    assert bank.prune(answers, AS_OF) == {"ha.any": "no", "back.pain": "no", "patient.name": "A"}


def test_prune_follows_chains(bank):
    answers = {"back.pain": "no", "back.spasms": "yes", "back.spasm_days": 3}
    assert bank.prune(answers, AS_OF) == {"back.pain": "no"}


@pytest.mark.parametrize(("born", "on", "age"), [
    ("1976-11-24", "2026-11-24", 50), ("1976-11-25", "2026-11-24", 49),
    ("2008-02-29", "2026-02-28", 17), ("2008-02-29", "2026-03-01", 18)])
def test_age_on(born, on, age):
    assert age_on(date.fromisoformat(born), date.fromisoformat(on)) == age


def test_exclusive_choice_message_names_the_option_in_the_patients_language(bank):
    (problem,) = check_answers(bank, {**BASE, "ha.preventives": ["none", "snri"]}, AS_OF)
    assert "“Ninguna”" in problem.text(bank, "es")
    assert "“None of these”" in problem.text(bank, "en")
