"""Red flags, triage, safety flags, notes and PEG, case by case, written from clinical-core.md."""

from __future__ import annotations

import pytest
from scoring_cases import (
    AS_OF,
    CM_STRONG,
    HA,
    MIGRAINE,
    birthday_today,
    birthday_tomorrow,
    flags,
    note_ids,
    run,
    safety_levels,
)

from questionnaire.answers import InvalidAnswers
from scoring import score

BACK = {"back.pain": "yes"}
LOW_BACK_GATE = {"pain.regions": ["legs"]}

# The spec's red-flag table: id, level of a "yes", what opens the question.
ASKED = [
    ("rf.airway_now", "urgent", {}),
    ("rf.thunderclap", "urgent", {}),
    ("rf.fever_stiff_neck", "urgent", {}),
    ("rf.neuro", "urgent", {}),
    ("rf.new_after_50", "review", HA),
    ("rf.pattern_change", "review", HA),
    ("rf.positional", "review", HA),
    ("rf.head_injury", "review", HA),
    ("rf.jaw_scalp", "review", HA),
    ("rf.cancer_immuno", "review", {}),
    ("rf.weight_loss", "review", {}),
    ("rf.saddle", "urgent", LOW_BACK_GATE),
    ("rf.bladder_bowel", "urgent", LOW_BACK_GATE),
    ("rf.leg_weakness", "urgent", LOW_BACK_GATE),
    ("rf.back_fever", "review", BACK),
    ("rf.infection_risk", "review", BACK),
    ("rf.trauma", "review", BACK),
]


@pytest.mark.parametrize(("flag", "level", "opens"), ASKED, ids=[a[0] for a in ASKED])
def test_asked_red_flag_yes_raises_triage_to_its_level(flag, level, opens):
    result = run(opens, {flag: "yes"})
    assert flags(result) == [(flag, level, "yes")]
    assert result.red_flags[0].items == (flag,)
    assert result.triage == level


@pytest.mark.parametrize(("flag", "level", "opens"), ASKED, ids=[a[0] for a in ASKED])
def test_asked_red_flag_unsure_is_listed_and_only_urgent_level_raises_review(flag, level, opens):
    result = run(opens, {flag: "unsure"})
    assert flags(result) == [(flag, level, "unsure")]
    assert result.triage == ("review" if level == "urgent" else "routine")


@pytest.mark.parametrize(("flag", "level", "opens"), ASKED, ids=[a[0] for a in ASKED])
def test_asked_red_flag_no_is_not_listed(flag, level, opens):
    result = run(opens, {flag: "no"})
    assert flags(result) == [] and result.triage == "routine"


@pytest.mark.parametrize(("flag", "opens"), [
    ("rf.new_after_50", {"ha.any": "unsure"}),
    ("rf.jaw_scalp", {"ha.any": "unsure"}),
    ("rf.saddle", {"back.pain": "unsure"}),
    ("rf.saddle", {"pain.regions": ["lower_back"]}),
    ("rf.bladder_bowel", {"pain.regions": ["buttocks_hips"]}),
    ("rf.leg_weakness", {"pain.regions": ["legs", "neck"]}),
    ("rf.back_fever", {"back.pain": "unsure"}),
    ("rf.trauma", {"back.pain": "unsure"}),
])
def test_gates_open_on_unsure_and_on_regions(flag, opens):
    assert (flag, "yes") in [(f[0], f[2]) for f in flags(run(opens, {flag: "yes"}))]


@pytest.mark.parametrize(("flag", "closed"), [
    ("rf.new_after_50", {"ha.any": "no"}),
    ("rf.new_after_50", {}),
    ("rf.saddle", {"back.pain": "no", "pain.regions": ["neck", "upper_back", "arms"]}),
    ("rf.saddle", {}),
    ("rf.back_fever", {"back.pain": "no", "pain.regions": ["lower_back"]}),
])
def test_a_closed_gate_refuses_the_answer(flag, closed):
    with pytest.raises(InvalidAnswers) as caught:
        score({**closed, flag: "no"}, AS_OF)
    assert flag in caught.value.items


# ---------------------------------------------------------------- derived red flags
NECK = {"neck.pulls": "yes"}


@pytest.mark.parametrize(("answers", "expected"), [
    ({"neck.onset": "days", "neck.new_medicine": "yes"},
     [("rf.acute_dystonia", "urgent", ("neck.pulls", "neck.onset", "neck.new_medicine"))]),
    ({"neck.onset": "days", "neck.new_medicine": "unsure"},
     [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "days", "neck.new_medicine": "no"},
     [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "days"}, [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "weeks", "neck.new_medicine": "yes"},
     [("rf.neck_recent_onset", "review", ("neck.pulls", "neck.onset"))]),
    ({"neck.onset": "months", "neck.new_medicine": "yes"}, []),
    ({"neck.onset": "years"}, []),
    ({}, []),
])
def test_neck_derived_flags(answers, expected):
    result = run(NECK, answers)
    assert [(f.id, f.level.value, f.items) for f in result.red_flags] == expected
    assert all(f.answer == "yes" for f in result.red_flags)
    assert result.triage == (expected[0][1] if expected else "routine")


TOXIN = {"safety.toxin_before": "yes"}


@pytest.mark.parametrize(("answers", "spread"), [
    ({"safety.swallow_breath": "yes", "safety.toxin_weeks": 11}, True),
    ({"safety.swallow_breath": "yes", "safety.toxin_weeks": 0}, True),
    ({"safety.swallow_breath": "yes", "safety.toxin_weeks": 12}, False),
    ({"safety.swallow_breath": "yes"}, False),
    ({"safety.swallow_breath": "unsure", "safety.toxin_weeks": 2}, False),
    ({"safety.swallow_breath": "no", "safety.toxin_weeks": 2}, False),
])
def test_toxin_spread(answers, spread):
    result = run(TOXIN, answers)
    derived = [(f.id, f.level.value, f.items) for f in result.red_flags]
    expected = [("rf.toxin_spread", "urgent", ("safety.swallow_breath", "safety.toxin_weeks"))]
    assert derived == (expected if spread else [])
    assert (result.triage == "urgent") == spread


@pytest.mark.parametrize(("answers", "items"), [
    ({"rf.back_fever": "yes", "rf.infection_risk": "yes"}, ("rf.back_fever", "rf.infection_risk")),
    ({"rf.back_fever": "yes", "rf.cancer_immuno": "yes"}, ("rf.back_fever", "rf.cancer_immuno")),
    ({"rf.back_fever": "yes", "rf.infection_risk": "yes", "rf.cancer_immuno": "yes"},
     ("rf.back_fever", "rf.infection_risk", "rf.cancer_immuno")),
    ({"rf.back_fever": "yes", "rf.infection_risk": "unsure", "rf.cancer_immuno": "no"}, None),
    ({"rf.back_fever": "unsure", "rf.infection_risk": "yes"}, None),
    ({"rf.back_fever": "yes"}, None),
])
@pytest.mark.parametrize("back", ["yes", "unsure"])
def test_spinal_infection(answers, items, back):
    result = run({"back.pain": back}, answers)
    derived = [f for f in result.red_flags if f.id == "rf.spinal_infection"]
    if items is None:
        assert derived == []
    else:
        assert [(f.level.value, f.answer, f.items) for f in derived] == [("urgent", "yes", items)]
        assert result.triage == "urgent"


@pytest.mark.parametrize(("birth", "arteritis"), [
    (birthday_today(50), True),
    (birthday_tomorrow(50), False),  # 49 on the scoring date
    (birthday_today(80), True),
    (None, False),
])
def test_giant_cell_arteritis_at_50(birth, arteritis):
    result = run(HA, {"rf.jaw_scalp": "yes", "patient.birth_date": birth})
    ids = [f.id for f in result.red_flags]
    assert ids == (["rf.jaw_scalp", "rf.giant_cell_arteritis"] if arteritis else ["rf.jaw_scalp"])
    assert result.triage == ("urgent" if arteritis else "review")
    if arteritis:
        assert result.red_flags[1].items == ("rf.jaw_scalp", "patient.birth_date")


def test_jaw_scalp_unsure_at_70_is_not_arteritis():
    result = run(HA, {"rf.jaw_scalp": "unsure", "patient.birth_date": birthday_today(70)})
    assert flags(result) == [("rf.jaw_scalp", "review", "unsure")] and result.triage == "routine"


@pytest.mark.parametrize(("answers", "expected"), [
    ({"safety.pregnant": "pregnant"}, ("review", ("ha.any", "safety.pregnant"))),
    ({"safety.pregnant": "postpartum"}, ("review", ("ha.any", "safety.pregnant"))),
    ({"safety.pregnant": "pregnant", "rf.pattern_change": "yes"},
     ("urgent", ("ha.any", "safety.pregnant", "rf.pattern_change"))),
    ({"safety.pregnant": "postpartum", "rf.pattern_change": "unsure"},
     ("review", ("ha.any", "safety.pregnant"))),
    ({"safety.pregnant": "breastfeeding"}, None),
    ({"safety.pregnant": "trying"}, None),
    ({"safety.pregnant": "unsure"}, None),
])
def test_pregnancy_headache(answers, expected):
    result = run(HA, answers)
    derived = [(f.level.value, f.items) for f in result.red_flags if f.id == "rf.pregnancy_headache"]
    assert derived == ([expected] if expected else [])
    if expected:
        assert result.triage == expected[0]


def test_pregnancy_needs_headaches_yes():
    assert run({"ha.any": "unsure", "safety.pregnant": "pregnant"}).red_flags == ()


# ---------------------------------------------------------------- triage and order
@pytest.mark.parametrize(("answers", "triage"), [
    ({}, "routine"),
    ({"rf.weight_loss": "yes"}, "review"),
    ({"rf.weight_loss": "unsure"}, "routine"),
    ({"rf.neuro": "unsure"}, "review"),
    ({"rf.neuro": "unsure", "rf.weight_loss": "unsure"}, "review"),
    ({"rf.neuro": "yes", "rf.weight_loss": "yes"}, "urgent"),
    ({"rf.airway_now": "yes", "rf.thunderclap": "no"}, "urgent"),
])
def test_triage_levels(answers, triage):
    assert run(answers).triage == triage


def test_red_flags_asked_in_table_order_then_derived_in_table_order():
    result = run(HA, NECK, BACK, {
        "rf.trauma": "yes", "rf.airway_now": "unsure", "rf.jaw_scalp": "yes", "rf.saddle": "yes",
        "rf.cancer_immuno": "yes", "rf.back_fever": "yes", "neck.onset": "days", "neck.new_medicine": "yes",
        "safety.pregnant": "pregnant", "patient.birth_date": birthday_today(60)})
    assert [f.id for f in result.red_flags] == [
        "rf.airway_now", "rf.jaw_scalp", "rf.cancer_immuno", "rf.saddle", "rf.back_fever", "rf.trauma",
        "rf.acute_dystonia", "rf.spinal_infection", "rf.giant_cell_arteritis", "rf.pregnancy_headache"]


# ---------------------------------------------------------------- safety
YES_NO_SAFETY = [
    ("safety.neuromuscular", "precaution"),
    ("safety.toxin_allergy", "contraindication"),
    ("safety.milk_allergy", "precaution"),
    ("safety.toxin_before", None),
    ("safety.blood_thinner", "precaution"),
    ("safety.swallow_breath", "precaution"),
    ("safety.skin_infection", "contraindication"),
    ("safety.antibiotic_injections", "precaution"),
]


@pytest.mark.parametrize(("item", "level"), YES_NO_SAFETY)
def test_yes_no_safety_items(item, level):
    assert safety_levels(run({item: "yes"})) == ([(item, level)] if level else [])
    assert safety_levels(run({item: "unsure"})) == [(item, "clarify")]
    assert safety_levels(run({item: "no"})) == []


@pytest.mark.parametrize(("answer", "level"), [
    ("pregnant", "precaution"), ("postpartum", "precaution"), ("breastfeeding", "precaution"),
    ("trying", "precaution"), ("unsure", "clarify"), ("no", None), ("not_applicable", None)])
def test_pregnancy_safety(answer, level):
    assert safety_levels(run({"safety.pregnant": answer})) == ([("safety.pregnant", level)] if level else [])


@pytest.mark.parametrize(("answers", "expected"), [
    ({"safety.toxin_weeks": 11}, [("safety.toxin_weeks", "precaution")]),
    ({"safety.toxin_weeks": 12}, []),
    ({"toxin.prior_side_effects": ["none"]}, []),
    ({"toxin.prior_side_effects": ["eyelid_droop"]}, [("toxin.prior_side_effects", "precaution")]),
    ({"toxin.prior_side_effects": ["other"]}, [("toxin.prior_side_effects", "precaution")]),
])
def test_prior_toxin_safety(answers, expected):
    assert safety_levels(run(TOXIN, answers)) == expected


def test_safety_flags_follow_the_table_order_with_a_text_each():
    result = run({"safety.antibiotic_injections": "yes", "safety.pregnant": "unsure",
                  "safety.toxin_before": "yes", "safety.toxin_weeks": 4,
                  "toxin.prior_side_effects": ["swallowing"], "safety.toxin_allergy": "unsure",
                  "safety.skin_infection": "yes"})
    assert safety_levels(result) == [
        ("safety.pregnant", "clarify"), ("safety.toxin_allergy", "clarify"),
        ("safety.toxin_weeks", "precaution"),
        ("toxin.prior_side_effects", "precaution"), ("safety.skin_infection", "contraindication"),
        ("safety.antibiotic_injections", "precaution")]
    assert all(f.text.strip() for f in result.safety)


# ---------------------------------------------------------------- notes
MIGRAINE_HA = {**HA, **MIGRAINE}


@pytest.mark.parametrize(("answers", "noted"), [
    ({**MIGRAINE_HA, "ha.days": 14}, True),
    ({**MIGRAINE_HA, "ha.days": 0}, True),
    ({**MIGRAINE_HA, "ha.days": 15}, False),
    (MIGRAINE_HA, False),
    ({**HA, "ha.days": 10, "ha.one_side": "yes", "ha.throbbing": "unsure", "ha.nausea": "yes"}, False),
])
def test_note_episodic_migraine(answers, noted):
    assert ("note.episodic_migraine" in note_ids(run(answers))) == noted


@pytest.mark.parametrize(("days", "types", "noted"), [
    (15, ["simple"], True),
    (14, ["simple"], False),
    (10, ["triptan"], True),
    (9, ["triptan"], False),
    (10, ["ergot"], True),
    (10, ["combination"], True),
    (10, ["opioid", "simple"], True),
    (10, ["simple", "other"], False),
    (10, None, False),
    (15, None, True),
])
def test_note_medication_overuse(days, types, noted):
    result = run(HA, {"ha.med_days": days, "ha.med_types": types})
    assert ("note.medication_overuse" in note_ids(result)) == noted


@pytest.mark.parametrize(("base", "preventives", "noted"), [
    (CM_STRONG, ["topiramate"], True),
    (CM_STRONG, ["topiramate", "beta_blocker"], False),
    (CM_STRONG, ["none"], True),
    (CM_STRONG, ["other", "topiramate"], True),
    (CM_STRONG, ["cgrp_antibody", "gepant"], False),
    (CM_STRONG, None, True),
    ({**CM_STRONG, "ha.months": 2}, ["none"], True),  # possible
    ({**CM_STRONG, "ha.days": 14}, ["none"], False),  # unlikely
])
def test_note_prior_auth_preventives(base, preventives, noted):
    result = run(base, {"ha.preventives": preventives})
    assert ("note.prior_auth_preventives" in note_ids(result)) == noted


@pytest.mark.parametrize(("answers", "expected"), [
    ({**BACK, "back.below_knee": "yes", "back.tried": ["physio"]}, ["note.radicular"]),
    ({**BACK, "back.below_knee": "unsure", "back.tried": ["physio"]}, []),
    (BACK, ["note.no_conservative_treatment"]),
    ({**BACK, "back.tried": ["none"]}, ["note.no_conservative_treatment"]),
    ({**BACK, "back.tried": ["nsaid"]}, []),
    ({"back.pain": "unsure"}, []),
    ({"mf.widespread": "yes", "mf.fatigue_sleep": "yes"}, ["note.fibromyalgia"]),
    ({"mf.widespread": "yes", "mf.fatigue_sleep": "unsure"}, []),
    ({"mf.widespread": "unsure"}, []),
])
def test_back_and_widespread_notes(answers, expected):
    assert note_ids(run(answers)) == expected


@pytest.mark.parametrize(("prior_for", "benefit", "noted"), [
    (["migraine"], "none", True),
    (["migraine", "neck"], "under_30", True),
    (["migraine"], "30_to_50", False),
    (["migraine"], "over_50", False),
    (["migraine"], "unsure", False),
    (["migraine"], None, False),
    (["neck"], "none", False),
])
def test_note_prior_nonresponse(prior_for, benefit, noted):
    result = run(TOXIN, {"toxin.prior_for": prior_for, "toxin.prior_benefit": benefit})
    assert ("note.prior_nonresponse" in note_ids(result)) == noted


@pytest.mark.parametrize(("birth", "noted"), [
    (birthday_tomorrow(18), True),  # 17 on the scoring date
    (birthday_today(18), False),
    (birthday_today(0), True),
    (None, False),
])
def test_note_paediatric(birth, noted):
    assert ("note.paediatric" in note_ids(run({"patient.birth_date": birth}))) == noted


def test_notes_follow_the_table_order_with_a_text_each():
    result = run({**CM_STRONG, "ha.days": 14, "ha.migraine_days": 8, "ha.med_days": 14,
                  "ha.med_types": ["triptan"]}, BACK, {"back.below_knee": "yes"},
                 {"mf.widespread": "yes", "mf.fatigue_sleep": "yes"}, TOXIN,
                 {"toxin.prior_for": ["migraine"], "toxin.prior_benefit": "none"},
                 {"patient.birth_date": birthday_tomorrow(18)})
    assert note_ids(result) == ["note.episodic_migraine", "note.medication_overuse", "note.radicular",
                                "note.no_conservative_treatment", "note.fibromyalgia",
                                "note.prior_nonresponse", "note.paediatric"]
    assert all(n.text.strip() for n in result.notes)


# ---------------------------------------------------------------- PEG
@pytest.mark.parametrize(("values", "peg"), [
    ((5, 5, 5), 5.0), ((6, 6, 7), 6.3), ((6, 7, 7), 6.7), ((0, 0, 1), 0.3), ((0, 1, 1), 0.7),
    ((0, 0, 0), 0.0), ((10, 10, 10), 10.0), ((9, 10, 10), 9.7), ((3, 4, 5), 4.0),
])
def test_peg_is_the_mean_to_one_decimal(values, peg):
    assert run(dict(zip(("peg.pain", "peg.enjoyment", "peg.activity"), values, strict=True))).peg == peg


@pytest.mark.parametrize("missing", ["peg.pain", "peg.enjoyment", "peg.activity"])
def test_peg_is_null_when_any_is_unanswered(missing):
    answers = {"peg.pain": 4, "peg.enjoyment": 5, "peg.activity": 6}
    del answers[missing]
    assert run(answers).peg is None
    assert run(answers).to_dict()["peg"] is None
