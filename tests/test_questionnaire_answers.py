"""Answer validation and branching, case by case from the spec's answer-type table."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from strategies import answers_documents, random_document

from questionnaire.answers import InvalidAnswers, age_on, check_answers, require_valid, retired_conflicts
from questionnaire.bank import load_bank
from questionnaire.conditions import parse_condition

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


# ---------------------------------------------------------------- version 3 items and rules
TOXIN_MIGRAINE = {"toxin.prior_for": ["migraine"]}
BORN_50_TODAY = "1976-11-24"  # 50 on AS_OF
BORN_49 = "1976-11-25"  # 50 tomorrow

V3_CASES = [
    # new headache items
    ({"ha.first_started": "under_1y"}, []),
    ({"ha.first_started": "1_to_5y"}, []),
    ({"ha.first_started": "last_year"}, [("ha.first_started", "not_an_option")]),
    ({"ha.any": "unsure", "back.pain": "yes", "ha.first_started": "over_5y"}, []),  # asked on unsure too
    ({"ha.any": "no", "ha.first_started": "over_5y"}, [("ha.first_started", "not_asked")]),
    ({"ha.cgrp_now": "yes"}, []),
    ({"ha.any": "unsure", "ha.cgrp_now": "yes"}, [("ha.cgrp_now", "not_asked")]),  # asked on yes only
    # the acute-medicine codes: paracetamol and nsaid offered, a stored `simple` valid alone
    ({"ha.med_days": 2, "ha.med_types": ["paracetamol", "nsaid"]}, []),
    ({"ha.med_days": 2, "ha.med_types": ["simple"]}, []),
    ({"ha.med_days": 2, "ha.med_types": ["simple", "triptan"]}, []),
    ({"ha.med_days": 2, "ha.med_types": ["simple", "paracetamol"]}, [("ha.med_types", "not_with")]),
    ({"ha.med_days": 2, "ha.med_types": ["nsaid", "simple"]}, [("ha.med_types", "not_with")]),
    ({"ha.med_days": 2, "ha.med_types": ["aspirin"]}, [("ha.med_types", "not_an_option")]),
    # new red-flag questions and their conditions
    ({"rf.red_eye": "yes", "rf.fever_headache": "unsure", "rf.posture": "no", "rf.provoked": "no",
      "rf.pressure_signs": "no"}, []),
    ({"ha.any": "no", "rf.red_eye": "no"}, [("rf.red_eye", "not_asked")]),
    ({"ha.any": "no", "rf.posture": "no"}, [("rf.posture", "not_asked")]),
    ({"ha.any": "no", "rf.thunderclap_3m": "yes", "rf.recent_head_injury": "yes", "rf.cancer": "no",
      "rf.immunosuppressed": "unsure"}, []),  # always asked
    ({"rf.both_legs": "yes", "rf.sexual_function": "no"}, []),
    ({"back.pain": "no", "rf.both_legs": "no"}, [("rf.both_legs", "not_asked")]),
    ({"back.pain": "no", "pain.regions": ["legs"], "rf.sexual_function": "no"}, []),  # low-back gate
    ({"back.worsening": "yes"}, []),
    ({"back.pain": "unsure", "back.worsening": "no"}, []),
    ({"back.pain": "no", "back.worsening": "no"}, [("back.worsening", "not_asked")]),
    # the age condition: asked at 50 or over on the scoring date, never without a birth date
    ({"patient.birth_date": BORN_50_TODAY, "rf.jaw_claudication": "yes", "rf.scalp_tender": "no"}, []),
    ({"patient.birth_date": BORN_49, "rf.jaw_claudication": "yes"}, [("rf.jaw_claudication", "not_asked")]),
    ({"patient.birth_date": BORN_49, "rf.scalp_tender": "no"}, [("rf.scalp_tender", "not_asked")]),
    ({"rf.jaw_claudication": "no"}, [("rf.jaw_claudication", "not_asked")]),
    ({"ha.any": "no", "patient.birth_date": "1940-01-01", "rf.scalp_tender": "no"}, []),  # no headache needed
    # an invalid birth date controls the age items: they are not checked at all
    ({"patient.birth_date": "1950-02-30", "rf.jaw_claudication": "yes"},
     [("patient.birth_date", "bad_date")]),
    ({"patient.birth_date": "2031-01-01", "rf.scalp_tender": "yes"}, [("patient.birth_date", "future_date")]),
    # toxin spread questions: asked under 12 weeks
    ({"safety.toxin_weeks": 11, "rf.spread_voice": "yes", "rf.spread_vision": "no",
      "rf.spread_weakness": "unsure"}, []),
    ({"safety.toxin_weeks": 12, "rf.spread_voice": "no"}, [("rf.spread_voice", "not_asked")]),
    ({"safety.toxin_weeks": 0, "rf.spread_weakness": "no"}, []),
    # an invalid controlling value: its dependents are not checked
    ({"safety.toxin_weeks": 2000, "rf.spread_voice": "yes"}, [("safety.toxin_weeks", "out_of_range")]),
    ({"ha.any": "maybe", "ha.days": 3, "ha.med_days": 40}, [("ha.any", "not_an_option")]),
    # an answer to an item not asked counts as unanswered for later conditions
    ({"safety.toxin_before": "no", "safety.toxin_weeks": 5, "rf.spread_voice": "yes"},
     [("safety.toxin_weeks", "not_asked"), ("rf.spread_voice", "not_asked")]),
    ({"ha.any": "no", "ha.med_days": 3, "ha.med_types": ["triptan"]},
     [("ha.med_days", "not_asked"), ("ha.med_types", "not_asked")]),
    # toxin for migraine
    ({**TOXIN_MIGRAINE, "toxin.migraine_cycles": 1, "toxin.headache_days_change": "fewer_under_30"}, []),
    ({**TOXIN_MIGRAINE, "toxin.migraine_cycles": 60}, []),
    ({**TOXIN_MIGRAINE, "toxin.migraine_cycles": 0}, [("toxin.migraine_cycles", "out_of_range")]),
    ({**TOXIN_MIGRAINE, "toxin.migraine_cycles": 61}, [("toxin.migraine_cycles", "out_of_range")]),
    ({**TOXIN_MIGRAINE, "toxin.headache_days_change": "fewer"},
     [("toxin.headache_days_change", "not_an_option")]),
    ({"toxin.prior_for": ["back", "migraine"], "toxin.headache_days_change": "not_fewer"}, []),
    ({"toxin.prior_for": ["back"], "toxin.migraine_cycles": 2}, [("toxin.migraine_cycles", "not_asked")]),
    ({"toxin.migraine_cycles": 2}, [("toxin.migraine_cycles", "not_asked")]),
    # mood: int[0,3]
    ({"mood.interest": 0, "mood.down": 3, "mood.nervous": 1, "mood.worry": 2}, []),
    ({"mood.down": 4}, [("mood.down", "out_of_range")]),
    ({"mood.worry": -1}, [("mood.worry", "out_of_range")]),
    ({"mood.nervous": "2"}, [("mood.nervous", "whole_number")]),
    ({"mood.interest": 1.0}, [("mood.interest", "whole_number")]),
    # safety
    ({"safety.muscle_relaxant": "yes", "safety.anticholinergic": "unsure"}, []),
    ({"safety.muscle_relaxant": "sometimes"}, [("safety.muscle_relaxant", "not_an_option")]),
]

PREGNANT_CASES = [
    (["no"], []), (["unsure"], []), (["not_applicable"], []), (["pregnant"], []),
    (["postpartum", "breastfeeding"], []), (["pregnant", "trying"], []),
    (["no", "pregnant"], ["exclusive_choice"]), (["breastfeeding", "unsure"], ["exclusive_choice"]),
    (["not_applicable", "trying"], ["exclusive_choice"]), (["no", "unsure"], ["exclusive_choice"]),
    (["unsure", "not_applicable"], ["exclusive_choice"]),
    ("no", ["pick_one_or_more"]),  # a v2 single code: the upgrade makes it a list first
    ([], ["pick_one_or_more"]), (["pregnant", "pregnant"], ["duplicate_choice"]),
]

RETIRED_CASES = [
    ({"rf.positional": "no"}, [("rf.positional", "retired")]),
    ({"rf.cancer_immuno": "yes"}, [("rf.cancer_immuno", "retired")]),
    ({"rf.jaw_scalp": "unsure"}, [("rf.jaw_scalp", "retired")]),
    ({"rf.new_after_50": "yes"}, [("rf.new_after_50", "retired")]),
    ({"rf.positional": "no", "rf.posture": "yes"},
     [("rf.positional", "retired_with_replacement"), ("rf.posture", "retired_with_replacement")]),
    ({"rf.cancer_immuno": "no", "rf.immunosuppressed": "no"},
     [("rf.cancer_immuno", "retired_with_replacement"), ("rf.immunosuppressed", "retired_with_replacement")]),
    ({"rf.new_after_50": "no", "ha.first_started": "over_5y"},
     [("rf.new_after_50", "retired_with_replacement"), ("ha.first_started", "retired_with_replacement")]),
]


@pytest.mark.parametrize(("extra", "expected"), V3_CASES + RETIRED_CASES)
def test_v3_answer_checks(bank, extra, expected):
    problems = check_answers(bank, {**BASE, **extra}, AS_OF)
    assert [(p.item, p.code) for p in problems] == expected


@pytest.mark.parametrize(("value", "codes"), PREGNANT_CASES)
def test_pregnancy_codes_no_unsure_and_not_applicable_stand_alone(bank, value, codes):
    problems = check_answers(bank, {"safety.pregnant": value}, AS_OF)
    assert [p.code for p in problems] == codes
    assert all(p.item == "safety.pregnant" for p in problems)


def test_standing_alone_message_names_the_code_chosen_in_the_patients_language(bank):
    (problem,) = check_answers(bank, {"safety.pregnant": ["pregnant", "unsure"]}, AS_OF)
    assert "“No sé”" in problem.text(bank, "es") and "“I don't know”" in problem.text(bank, "en")
    (problem,) = check_answers(bank, {"safety.pregnant": ["not_applicable", "trying"]}, AS_OF)
    assert "“No aplica en mi caso”" in problem.text(bank, "es")


def test_simple_with_paracetamol_message_names_both_options(bank):
    (problem,) = check_answers(bank, {"ha.any": "yes", "ha.med_days": 3,
                                      "ha.med_types": ["simple", "paracetamol"]}, AS_OF)
    assert "Acetaminophen (Tylenol) alone" in problem.text(bank, "en")
    assert "paracetamol (Tylenol) solo" in problem.text(bank, "es")


def test_retired_message_says_retired_in_v3_and_what_it_is_read_as(bank):
    (problem,) = check_answers(bank, {"rf.jaw_scalp": "no"}, AS_OF)
    assert "retired in version 3" in problem.describe(bank)
    assert "rf.jaw_claudication and rf.scalp_tender" in problem.text(bank, "en")
    assert "rf.jaw_claudication y rf.scalp_tender" in problem.text(bank, "es")


def test_retired_with_replacement_names_both(bank):
    problems = retired_conflicts(bank, {"rf.positional": "no", "rf.provoked": "no", "rf.posture": "no"})
    assert [p.item for p in problems] == ["rf.positional", "rf.posture", "rf.positional", "rf.provoked"]
    for p in problems:
        assert "rf.positional" in p.text(bank, "en") and p.params["replacement"] in p.text(bank, "es")
    assert retired_conflicts(bank, {"rf.positional": "no"}) == []
    assert retired_conflicts(bank, {"rf.posture": "no", "rf.provoked": "yes"}) == []


def test_a_valid_v3_document_has_no_retired_id_problem_and_scores_its_age_items(bank):
    doc = {**BASE, "patient.birth_date": "1960-05-05", "rf.jaw_claudication": "no", "rf.scalp_tender": "no"}
    assert check_answers(bank, doc, AS_OF) == []
    # the same answers the day before the 50th birthday: the age items are not asked
    assert [p.code for p in check_answers(bank, doc, date(2010, 5, 4))] == ["not_asked", "not_asked"]


# ---------------------------------------------------------------- texts (issue 11)
DECOMPOSED_E = "e\u0301"  # é as two code points; NFC makes it one

TEXT_CASES = [
    # (item, value, expected code or None, the character named)
    ("patient.name", "Ann\u202eLee", "format_chars", "U+202E"),  # right-to-left override
    ("patient.name", "Ann\u200bLee", "format_chars", "U+200B"),  # zero-width space
    ("patient.name", "\ufeffAnn", "format_chars", "U+FEFF"),  # byte-order mark
    ("patient.name", "Ann\u00adLee", "format_chars", "U+00AD"),  # soft hyphen
    ("visit.concern", "fine\u2067text", "format_chars", "U+2067"),  # Cf refused in every text
    ("meds.list", "ibuprofen\u200d", "format_chars", "U+200D"),
    ("patient.name", "Ann\u2028Lee", "line_separator", "U+2028"),
    ("patient.name", "Ann\u2029Lee", "line_separator", "U+2029"),
    ("visit.concern", "line one\u2028line two", None, None),  # a line break in a multi-line text
    ("visit.concern", "one\u2029two", None, None),
    ("patient.name", "Ann\ud800", "lone_surrogate", "U+D800"),
    ("visit.concern", "\udfffbroken", "lone_surrogate", "U+DFFF"),
    ("patient.name", "A\u202e\ud83d", "lone_surrogate", "U+D83D"),  # the surrogate is named first
    ("patient.name", "Ann\x85Lee", "control_chars", "U+0085"),  # NEL: a C1 control
    ("patient.name", "Ann\tLee", "control_chars", "U+0009"),
    ("visit.concern", "tab\there", "control_chars", "U+0009"),
    ("visit.concern", "a\r\nb", None, None),
    ("patient.name", "Zoë Ñandú 李", None, None),
    ("patient.name", "👩‍⚕️", "format_chars", "U+200D"),  # an emoji joined by ZWJ (Cf) is refused
    ("patient.name", "\U0001d54f", None, None),  # astral letters are fine
    # lengths count the NFC form
    ("patient.name", DECOMPOSED_E * 100, None, None),  # 200 code points typed, 100 after NFC
    ("patient.name", "x" * 99 + DECOMPOSED_E, None, None),
    ("patient.name", DECOMPOSED_E * 101, "too_long", None),
    ("patient.name", "\u00a0 \u3000", "empty", None),  # only white space
]


@pytest.mark.parametrize(("item_id", "value", "code", "char"), TEXT_CASES)
def test_text_answers(bank, item_id, value, code, char):
    problems = check_answers(bank, {item_id: value}, AS_OF)
    assert [(p.item, p.code) for p in problems] == ([(item_id, code)] if code else [])
    if char:
        (problem,) = problems
        for lang in ("en", "es"):
            assert char in problem.text(bank, lang)  # names what is wrong, in the patient's language
        assert problem.describe(bank).startswith(f"{item_id}: ")
        assert value not in problem.describe(bank)  # never echoes what was typed


def test_too_long_counts_code_points_after_nfc(bank):
    (problem,) = check_answers(bank, {"patient.name": DECOMPOSED_E * 101}, AS_OF)
    assert problem.params == {"max": 100, "length": 101}


def test_every_new_message_exists_in_both_languages(bank):
    for code in ("format_chars", "line_separator", "lone_surrogate", "not_with", "retired",
                 "retired_with_replacement"):
        for lang in ("en", "es"):
            assert bank.messages[code][lang].strip()


# ---------------------------------------------------------------- the shared generator
@settings(max_examples=150)
@given(doc=answers_documents(load_bank(), AS_OF, skip=5))
def test_generated_documents_are_valid_v3_documents(doc):
    bank = load_bank()
    assert check_answers(bank, doc, AS_OF) == []
    assert not set(doc) & set(bank.retired)
    types = set(doc.get("ha.med_types", []))
    assert "simple" not in types or not {"paracetamol", "nsaid"} & types


def test_random_documents_cover_the_v3_branches():
    bank = load_bank()
    docs = [random_document(bank, AS_OF, random.Random(seed), skip=0) for seed in range(300)]
    assert all(check_answers(bank, d, AS_OF, complete=True) == [] for d in docs)
    seen = {k for d in docs for k in d}
    assert {"rf.jaw_claudication", "rf.spread_voice", "toxin.migraine_cycles", "mood.worry"} <= seen
    assert any("simple" in d.get("ha.med_types", []) for d in docs)
    assert any(len(d.get("safety.pregnant", [])) > 1 for d in docs)


# ---------------------------------------------------------------- conditions
AGE_50 = parse_condition({"age_min": 50}, "test")


@pytest.mark.parametrize(("answers", "as_of", "holds"), [
    ({"patient.birth_date": "1976-11-24"}, AS_OF, True),  # the 50th birthday
    ({"patient.birth_date": "1976-11-25"}, AS_OF, False),  # the day before it
    ({"patient.birth_date": "1976-02-29"}, date(2026, 2, 28), False),  # leap-day birthday
    ({"patient.birth_date": "1976-02-29"}, date(2026, 3, 1), True),
    ({"patient.birth_date": "1906-11-24"}, AS_OF, True),  # 120 years old: still a valid age
    ({"patient.birth_date": "1950-01-01"}, AS_OF, True),
    ({}, AS_OF, False),  # unanswered
    ({"patient.birth_date": None}, AS_OF, False),
    ({"patient.birth_date": "1950-02-30"}, AS_OF, False),  # not a date
    ({"patient.birth_date": "01/01/1950"}, AS_OF, False),
    ({"patient.birth_date": 1950}, AS_OF, False),
    ({"patient.birth_date": "2030-01-01"}, AS_OF, False),  # after the scoring date
    ({"patient.birth_date": "1900-01-01"}, AS_OF, False),  # an age above 120
])
def test_age_condition(answers, as_of, holds):
    assert AGE_50.holds(answers, {}, as_of) is holds
    assert AGE_50.compile({})(answers, as_of) is holds


@pytest.mark.parametrize("seed", range(40))
def test_compiled_tests_agree_with_holds_on_any_scoring_date(bank, seed):
    rng = random.Random(seed)
    as_of = date(2020, 1, 1) + (date(2030, 1, 1) - date(2020, 1, 1)) * rng.random()
    doc = random_document(bank, AS_OF, rng, skip=20)
    for item_id, (item, test) in bank.asked_tests.items():
        if test is not None:
            assert test(doc, as_of) is item.when.holds(doc, bank.gates, as_of), item_id


def test_the_scoring_date_changes_what_is_asked(bank):
    doc = {"patient.birth_date": "1976-06-15"}
    assert not bank.is_asked("rf.scalp_tender", doc, date(2026, 6, 14))
    assert bank.is_asked("rf.scalp_tender", doc, date(2026, 6, 15))
    asked = {i.id for i in bank.asked_items(doc, date(2026, 6, 15))}
    assert {"rf.jaw_claudication", "rf.scalp_tender"} <= asked
    kept = bank.prune({**doc, "rf.scalp_tender": "yes"}, date(2026, 6, 14))
    assert kept == doc
