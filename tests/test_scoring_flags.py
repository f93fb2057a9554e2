"""Red flags and triage, case by case, written from clinical-core.md v3 ("Red flags", "Derived red
flags", "Triage", "Output contract": one entry per derived flag, a text on every flag)."""

from __future__ import annotations

import pytest
from scoring_cases import (
    AS_OF,
    HA,
    birthday_today,
    birthday_tomorrow,
    flag_ids,
    flags,
    run,
)

from questionnaire.answers import InvalidAnswers
from scoring import score

BACK = {"back.pain": "yes"}
LOW_BACK_GATE = {"pain.regions": ["legs"]}
AGE_50 = {"patient.birth_date": birthday_today(50)}
AGE_49 = {"patient.birth_date": birthday_tomorrow(50)}  # 49 on the scoring date
TOXIN_4W = {"safety.toxin_before": "yes", "safety.toxin_weeks": 4}

# The spec's red-flag table: id, level of a "yes", what opens the question.
ASKED = [
    ("rf.airway_now", "urgent", {}),
    ("rf.thunderclap", "urgent", {}),
    ("rf.fever_stiff_neck", "urgent", {}),
    ("rf.neuro", "urgent", {}),
    ("rf.red_eye", "urgent", HA),
    ("rf.thunderclap_3m", "review", {}),
    ("rf.fever_headache", "review", HA),
    ("rf.pattern_change", "review", HA),
    ("rf.posture", "review", HA),
    ("rf.provoked", "review", HA),
    ("rf.head_injury", "review", HA),
    ("rf.pressure_signs", "review", HA),
    ("rf.recent_head_injury", "review", {}),
    ("rf.jaw_claudication", "review", AGE_50),
    ("rf.scalp_tender", "review", AGE_50),
    ("rf.cancer", "review", {}),
    ("rf.immunosuppressed", "review", {}),
    ("rf.weight_loss", "review", {}),
    ("rf.saddle", "urgent", LOW_BACK_GATE),
    ("rf.bladder_bowel", "urgent", LOW_BACK_GATE),
    ("rf.leg_weakness", "urgent", LOW_BACK_GATE),
    ("rf.both_legs", "urgent", LOW_BACK_GATE),
    ("rf.sexual_function", "urgent", LOW_BACK_GATE),
    ("rf.back_fever", "review", BACK),
    ("rf.infection_risk", "review", BACK),
    ("rf.trauma", "review", BACK),
    ("rf.spread_voice", "urgent", TOXIN_4W),
    ("rf.spread_vision", "review", TOXIN_4W),
    ("rf.spread_weakness", "review", TOXIN_4W),
]
ASKED_IDS = [a[0] for a in ASKED]


def _asked(result):
    return [f for f in result.red_flags if f.id in ASKED_IDS]


@pytest.mark.parametrize(("flag", "level", "opens"), ASKED, ids=ASKED_IDS)
def test_asked_red_flag_yes_raises_triage_to_its_level(flag, level, opens):
    result = run(opens, {flag: "yes"})
    assert [(f.id, f.level.value, f.answer) for f in _asked(result)] == [(flag, level, "yes")]
    assert result.red_flags[0].items == (flag,)
    assert result.red_flags[0].text.strip() and "unsure" not in result.red_flags[0].text
    # jaw claudication at 50 or over is also the derived, urgent giant cell arteritis flag
    assert result.triage == ("urgent" if flag == "rf.jaw_claudication" else level)


@pytest.mark.parametrize(("flag", "level", "opens"), ASKED, ids=ASKED_IDS)
def test_asked_red_flag_unsure_is_listed_and_only_urgent_level_raises_review(flag, level, opens):
    result = run(opens, {flag: "unsure"})
    assert flags(result) == [(flag, level, "unsure")]
    assert result.red_flags[0].text.startswith("Answered unsure")
    assert result.triage == ("review" if level == "urgent" else "routine")


@pytest.mark.parametrize(("flag", "level", "opens"), ASKED, ids=ASKED_IDS)
def test_asked_red_flag_no_is_not_listed(flag, level, opens):
    result = run(opens, {flag: "no"})
    assert flags(result) == [] and result.triage == "routine"


@pytest.mark.parametrize(("flag", "opens"), [
    ("rf.red_eye", {"ha.any": "unsure"}),
    ("rf.fever_headache", {"ha.any": "unsure"}),
    ("rf.posture", {"ha.any": "unsure"}),
    ("rf.pressure_signs", {"ha.any": "unsure"}),
    ("rf.jaw_claudication", {"ha.any": "no", "patient.birth_date": birthday_today(71)}),  # no headaches
    ("rf.scalp_tender", {"patient.birth_date": birthday_today(50)}),
    ("rf.recent_head_injury", {"ha.any": "no"}),
    ("rf.saddle", {"back.pain": "unsure"}),
    ("rf.saddle", {"pain.regions": ["lower_back"]}),
    ("rf.bladder_bowel", {"pain.regions": ["buttocks_hips"]}),
    ("rf.both_legs", {"pain.regions": ["legs", "neck"]}),
    ("rf.sexual_function", {"back.pain": "unsure"}),
    ("rf.back_fever", {"back.pain": "unsure"}),
    ("rf.spread_voice", {"safety.toxin_before": "yes", "safety.toxin_weeks": 11}),
])
def test_gates_open_on_unsure_on_regions_and_at_50(flag, opens):
    assert (flag, "yes") in [(f[0], f[2]) for f in flags(run(opens, {flag: "yes"}))]


@pytest.mark.parametrize(("flag", "closed"), [
    ("rf.red_eye", {"ha.any": "no"}),
    ("rf.jaw_claudication", {"patient.birth_date": birthday_tomorrow(50)}),  # 49
    ("rf.jaw_claudication", {}),  # no birth date
    ("rf.scalp_tender", {"ha.any": "yes", "patient.birth_date": birthday_today(30)}),
    ("rf.both_legs", {"back.pain": "no", "pain.regions": ["neck", "upper_back", "arms"]}),
    ("rf.sexual_function", {}),
    ("rf.back_fever", {"back.pain": "no", "pain.regions": ["lower_back"]}),
    ("rf.spread_voice", {"safety.toxin_before": "yes", "safety.toxin_weeks": 12}),
    ("rf.spread_vision", {"safety.toxin_before": "no"}),
])
def test_a_closed_gate_refuses_the_answer(flag, closed):
    with pytest.raises(InvalidAnswers) as caught:
        score({**closed, flag: "no"}, AS_OF)
    assert flag in caught.value.items


# ---------------------------------------------------------------- derived red flags
NECK = {"neck.pulls": "yes"}


def derived(result, flag_id):
    return [(f.level.value, f.items) for f in result.red_flags if f.id == flag_id]


@pytest.mark.parametrize(("answers", "expected"), [
    ({"neck.onset": "days", "neck.new_medicine": "yes"},
     [("rf.acute_dystonia", "urgent", ("neck.pulls", "neck.onset", "neck.new_medicine"))]),
    ({"neck.onset": "days", "neck.new_medicine": "unsure"},
     [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "days", "neck.new_medicine": "no"},
     [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "weeks", "neck.new_medicine": "yes"},
     [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "months", "neck.new_medicine": "yes"}, []),
    ({}, []),
])
def test_neck_derived_flags(answers, expected):
    result = run(NECK, answers)
    assert [(f.id, f.level.value, f.items) for f in result.red_flags] == expected
    assert all(f.answer == "yes" and f.text for f in result.red_flags)
    assert result.triage == (expected[0][1] if expected else "routine")


SWALLOW = ("safety.toxin_weeks", "safety.swallow_breath")


@pytest.mark.parametrize(("answers", "expected"), [
    ({"safety.swallow_breath": "yes", "safety.toxin_weeks": 11}, SWALLOW),
    ({"safety.swallow_breath": "yes", "safety.toxin_weeks": 0}, SWALLOW),
    ({"safety.swallow_breath": "yes", "safety.toxin_weeks": 12}, None),
    ({"safety.swallow_breath": "yes"}, None),
    ({"safety.swallow_breath": "unsure", "safety.toxin_weeks": 2}, None),
    # v3: two or more spread items present now
    ({"safety.toxin_weeks": 2, "rf.spread_vision": "yes", "rf.spread_weakness": "yes"},
     ("safety.toxin_weeks", "rf.spread_vision", "rf.spread_weakness")),
    ({"safety.toxin_weeks": 11, "rf.spread_voice": "yes", "rf.spread_vision": "yes",
      "rf.spread_weakness": "yes"},
     ("safety.toxin_weeks", "rf.spread_voice", "rf.spread_vision", "rf.spread_weakness")),
    ({"safety.toxin_weeks": 2, "rf.spread_vision": "yes", "rf.spread_weakness": "unsure"}, None),
    ({"safety.toxin_weeks": 2, "rf.spread_vision": "yes"}, None),
    ({"safety.toxin_weeks": 2, "safety.swallow_breath": "yes", "rf.spread_vision": "yes"},
     ("safety.toxin_weeks", "safety.swallow_breath")),
])
def test_toxin_spread(answers, expected):
    result = run({"safety.toxin_before": "yes"}, answers)
    assert derived(result, "rf.toxin_spread") == ([("urgent", expected)] if expected else [])
    if expected:
        assert result.triage == "urgent"


@pytest.mark.parametrize(("answers", "items"), [
    ({"rf.back_fever": "yes", "rf.infection_risk": "yes"}, ("rf.back_fever", "rf.infection_risk")),
    ({"rf.back_fever": "yes", "rf.immunosuppressed": "yes"}, ("rf.back_fever", "rf.immunosuppressed")),
    ({"rf.back_fever": "yes", "rf.infection_risk": "yes", "rf.immunosuppressed": "yes"},
     ("rf.back_fever", "rf.infection_risk", "rf.immunosuppressed")),
    ({"rf.back_fever": "yes", "rf.cancer": "yes"}, None),  # v3 reads immunosuppression, not cancer
    ({"rf.back_fever": "yes", "rf.infection_risk": "unsure", "rf.immunosuppressed": "no"}, None),
    ({"rf.back_fever": "unsure", "rf.infection_risk": "yes"}, None),
])
@pytest.mark.parametrize("back", ["yes", "unsure"])
def test_spinal_infection(answers, items, back):
    result = run({"back.pain": back}, answers)
    assert derived(result, "rf.spinal_infection") == ([("urgent", items)] if items else [])


@pytest.mark.parametrize(("answers", "items"), [
    ({**AGE_50, "rf.jaw_claudication": "yes"}, ("patient.birth_date", "rf.jaw_claudication")),
    ({**AGE_49, "ha.any": "yes", "rf.pattern_change": "yes"}, None),
    ({"patient.birth_date": birthday_today(71), "ha.any": "no", "rf.jaw_claudication": "yes"},
     ("patient.birth_date", "rf.jaw_claudication")),  # no headaches at all
    ({**AGE_50, "rf.scalp_tender": "yes"}, None),  # scalp alone: not without a new or changed headache
    ({**AGE_50, **HA, "rf.scalp_tender": "yes", "ha.first_started": "under_1y"},
     ("patient.birth_date", "rf.scalp_tender", "ha.first_started")),
    ({**AGE_50, **HA, "rf.scalp_tender": "yes", "ha.first_started": "1_to_5y"}, None),
    ({**AGE_50, **HA, "rf.scalp_tender": "yes", "rf.pattern_change": "yes"},
     ("patient.birth_date", "rf.scalp_tender", "rf.pattern_change")),
    ({**AGE_50, **HA, "rf.scalp_tender": "yes", "rf.pattern_change": "unsure"}, None),
    ({**AGE_50, "rf.jaw_claudication": "unsure", "rf.scalp_tender": "unsure"}, None),
])
def test_giant_cell_arteritis(answers, items):
    result = run(answers)
    assert derived(result, "rf.giant_cell_arteritis") == ([("urgent", items)] if items else [])
    if items:
        assert result.triage == "urgent"


@pytest.mark.parametrize(("answers", "expected"), [
    ({"safety.blood_thinner": "yes", "rf.recent_head_injury": "yes"}, "urgent"),
    ({"safety.blood_thinner": "yes", "rf.recent_head_injury": "unsure"}, None),
    ({"safety.blood_thinner": "unsure", "rf.recent_head_injury": "yes"}, None),
    ({"safety.blood_thinner": "yes", **HA, "rf.head_injury": "yes"}, None),  # no time frame: not this flag
])
def test_anticoagulant_head_injury(answers, expected):
    result = run(answers)
    got = [f for f in result.red_flags if f.id == "rf.anticoagulant_head_injury"]
    assert [f.level.value for f in got] == ([expected] if expected else [])
    if expected:
        assert "CT head scan within 8 hours (NICE NG232)" in got[0].text and result.triage == "urgent"


CHANGED = {**HA, "rf.pattern_change": "yes"}
NEW = {**HA, "ha.first_started": "under_1y"}


@pytest.mark.parametrize(("answers", "expected"), [
    ({**NEW, "safety.pregnant": ["postpartum"]}, ("urgent", ("ha.first_started", "safety.pregnant"))),
    ({**NEW, "safety.pregnant": ["postpartum", "breastfeeding"]},
     ("urgent", ("ha.first_started", "safety.pregnant"))),
    ({**CHANGED, "safety.pregnant": ["pregnant"]}, ("review", ("rf.pattern_change", "safety.pregnant"))),
    ({**CHANGED, "safety.pregnant": ["pregnant", "postpartum"]},
     ("urgent", ("rf.pattern_change", "safety.pregnant"))),
    ({**HA, "ha.first_started": "over_5y", "rf.pattern_change": "no", "safety.pregnant": ["pregnant"]}, None),
    ({**HA, "safety.pregnant": ["postpartum"]}, None),  # a long-standing, unchanged headache
    ({**CHANGED, "safety.pregnant": ["breastfeeding"]}, None),
    ({**CHANGED, "safety.pregnant": ["trying"]}, None),
    ({**HA, "rf.pattern_change": "unsure", "safety.pregnant": ["postpartum"]}, None),
])
def test_pregnancy_headache(answers, expected):
    result = run(answers)
    assert derived(result, "rf.pregnancy_headache") == ([expected] if expected else [])
    if expected:
        flag = next(f for f in result.red_flags if f.id == "rf.pregnancy_headache")
        assert "check blood pressure now" in flag.text


@pytest.mark.parametrize(("answers", "expected"), [
    ({**NEW, **AGE_50}, [("rf.new_after_50", "review", ("patient.birth_date", "ha.first_started"))]),
    ({**NEW, **AGE_49}, [("rf.recent_onset", "review", ("ha.first_started", "patient.birth_date"))]),
    (NEW, [("rf.recent_onset", "review", ("ha.first_started",))]),  # birth date unanswered
    ({**HA, **AGE_50, "ha.first_started": "1_to_5y"}, []),
    ({"ha.any": "unsure", "ha.first_started": "under_1y", **AGE_50},
     [("rf.new_after_50", "review", ("patient.birth_date", "ha.first_started"))]),
])
def test_new_headache_flags(answers, expected):
    result = run(answers)
    assert [(f.id, f.level.value, f.items) for f in result.red_flags] == expected
    assert result.triage == ("review" if expected else "routine")


@pytest.mark.parametrize(("answers", "items"), [
    ({"safety.blood_thinner": "yes", **NEW}, ("safety.blood_thinner", "ha.first_started")),
    ({"safety.blood_thinner": "yes", **CHANGED}, ("safety.blood_thinner", "rf.pattern_change")),
    ({"safety.blood_thinner": "yes", **HA, "ha.first_started": "over_5y"}, None),
    ({"safety.blood_thinner": "unsure", **CHANGED}, None),
])
def test_anticoagulant_headache_is_review_only(answers, items):
    assert derived(run(answers), "rf.anticoagulant_headache") == ([("review", items)] if items else [])


SPINE = {"back.pain": "yes", "back.months": 2, "rf.cancer": "yes"}


@pytest.mark.parametrize(("answers", "expected"), [
    (SPINE, ("review", ("back.pain", "back.months", "rf.cancer"))),
    ({**SPINE, "back.months": 3}, None),  # 3 months, not worsening
    ({**SPINE, "back.months": 3, "back.worsening": "yes"},
     ("review", ("back.pain", "back.worsening", "rf.cancer"))),
    ({**SPINE, "back.months": 30, "back.worsening": "unsure"}, None),
    ({**SPINE, "back.months": None}, None),
    ({**SPINE, "rf.cancer": "no", "rf.weight_loss": "yes", **AGE_50},
     ("review", ("back.pain", "back.months", "patient.birth_date", "rf.weight_loss"))),
    ({**SPINE, "rf.cancer": "no", "rf.weight_loss": "yes", **AGE_49}, None),
    ({**SPINE, "rf.cancer": "unsure"}, None),
    ({**SPINE, "rf.saddle": "yes"}, ("urgent", ("back.pain", "back.months", "rf.cancer", "rf.saddle"))),
    ({**SPINE, "rf.both_legs": "yes", "rf.sexual_function": "yes"},
     ("urgent", ("back.pain", "back.months", "rf.cancer", "rf.both_legs", "rf.sexual_function"))),
    ({**SPINE, "rf.leg_weakness": "unsure"}, ("review", ("back.pain", "back.months", "rf.cancer"))),
    ({"back.pain": "unsure", "rf.cancer": "yes"}, None),
])
def test_spinal_malignancy(answers, expected):
    result = run(answers)
    got = [f for f in result.red_flags if f.id == "rf.spinal_malignancy"]
    assert [(f.level.value, f.items) for f in got] == ([expected] if expected else [])  # one entry
    if expected:
        assert "possible spinal malignancy: prompt imaging" in got[0].text.lower()
        assert ("cauda equina" in got[0].text) == (expected[0] == "urgent")


# ---------------------------------------------------------------- triage and order
@pytest.mark.parametrize(("answers", "triage"), [
    ({}, "routine"),
    ({"rf.weight_loss": "yes"}, "review"),
    ({"rf.weight_loss": "unsure"}, "routine"),
    ({"rf.neuro": "unsure"}, "review"),
    ({**HA, "rf.red_eye": "unsure"}, "review"),
    ({"rf.thunderclap_3m": "unsure"}, "routine"),
    ({"rf.neuro": "yes", "rf.weight_loss": "yes"}, "urgent"),
    ({"rf.airway_now": "yes", "rf.thunderclap": "no"}, "urgent"),
    # a review-level question whose "yes" feeds an urgent derived flag does not count when unsure
    ({"safety.blood_thinner": "yes", "rf.recent_head_injury": "unsure"}, "routine"),
])
def test_triage_levels(answers, triage):
    assert run(answers).triage == triage


def test_the_issue_case_thunderclap_six_weeks_ago_with_fever_is_review_with_both_flags():
    result = run(HA, {"rf.thunderclap": "no", "rf.thunderclap_3m": "yes", "rf.fever_headache": "yes",
                      "rf.fever_stiff_neck": "no"})
    assert result.triage == "review"
    assert flag_ids(result) == ["rf.thunderclap_3m", "rf.fever_headache"]


def test_red_flags_asked_in_table_order_then_derived_in_table_order():
    result = run(HA, NECK, BACK, {
        "rf.trauma": "yes", "rf.airway_now": "unsure", "rf.jaw_claudication": "yes", "rf.saddle": "yes",
        "rf.immunosuppressed": "yes", "rf.back_fever": "yes", "neck.onset": "days",
        "neck.new_medicine": "yes",
        "safety.pregnant": ["pregnant"], "rf.pattern_change": "yes", "patient.birth_date": birthday_today(60),
        "safety.blood_thinner": "yes", "rf.recent_head_injury": "yes", "ha.first_started": "under_1y",
        "back.months": 1, "rf.cancer": "yes"})
    assert flag_ids(result) == [
        "rf.airway_now", "rf.pattern_change", "rf.recent_head_injury", "rf.jaw_claudication", "rf.cancer",
        "rf.immunosuppressed", "rf.saddle", "rf.back_fever", "rf.trauma",
        "rf.acute_dystonia", "rf.spinal_infection", "rf.giant_cell_arteritis", "rf.anticoagulant_head_injury",
        "rf.pregnancy_headache", "rf.new_after_50", "rf.anticoagulant_headache", "rf.spinal_malignancy"]
    assert all(f.text.strip() for f in result.red_flags)
    assert len(set(flag_ids(result))) == len(result.red_flags)  # one entry per flag
