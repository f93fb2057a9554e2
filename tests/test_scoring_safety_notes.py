"""Safety flags (and how they raise triage), notes, PEG, PHQ-2 and GAD-2, case by case, written
from clinical-core.md v3 ("Safety", "Triage", "Notes", "Preventive classes", "Mood")."""

from __future__ import annotations

import pytest
from scoring_cases import (
    CM_STRONG,
    HA,
    MIGRAINE,
    birthday_today,
    birthday_tomorrow,
    note_ids,
    run,
    safety_levels,
)

BACK = {"back.pain": "yes"}
TOXIN = {"safety.toxin_before": "yes"}

# ---------------------------------------------------------------- safety
# (item, level of a "yes", whether that "yes" raises triage to review)
YES_NO_SAFETY = [
    ("safety.neuromuscular", "precaution", True),
    ("safety.toxin_allergy", "contraindication", True),
    ("safety.milk_allergy", "precaution", False),
    ("safety.toxin_before", None, False),
    ("safety.blood_thinner", "precaution", False),
    ("safety.swallow_breath", "precaution", True),
    ("safety.skin_infection", "contraindication", True),
    ("safety.antibiotic_injections", "precaution", True),
    ("safety.muscle_relaxant", "precaution", False),
    ("safety.anticholinergic", "precaution", False),
]


@pytest.mark.parametrize(("item", "level", "raises"), YES_NO_SAFETY, ids=[s[0] for s in YES_NO_SAFETY])
def test_yes_no_safety_items(item, level, raises):
    said_yes = run({item: "yes"})
    assert safety_levels(said_yes) == ([(item, level)] if level else [])
    assert said_yes.triage == ("review" if raises else "routine")
    unsure = run({item: "unsure"})
    assert safety_levels(unsure) == [(item, "clarify")] and unsure.triage == "routine"
    assert safety_levels(run({item: "no"})) == []


@pytest.mark.parametrize(("answer", "level", "triage"), [
    (["pregnant"], "precaution", "review"),
    (["postpartum"], "precaution", "review"),
    (["breastfeeding"], "precaution", "routine"),
    (["trying"], "precaution", "routine"),
    (["postpartum", "breastfeeding"], "precaution", "review"),
    (["pregnant", "breastfeeding", "trying"], "precaution", "review"),
    (["breastfeeding", "trying"], "precaution", "routine"),
    (["unsure"], "clarify", "routine"),
    (["no"], None, "routine"),
    (["not_applicable"], None, "routine"),
])
def test_pregnancy_safety_gives_at_most_one_flag(answer, level, triage):
    result = run({"safety.pregnant": answer})
    assert safety_levels(result) == ([("safety.pregnant", level)] if level else [])
    assert result.triage == triage


@pytest.mark.parametrize(("answers", "expected", "triage"), [
    ({"safety.toxin_weeks": 11}, [("safety.toxin_weeks", "precaution")], "routine"),
    ({"safety.toxin_weeks": 12}, [], "routine"),
    ({"toxin.prior_side_effects": ["none"]}, [], "routine"),
    ({"toxin.prior_side_effects": ["eyelid_droop"]}, [("toxin.prior_side_effects", "precaution")], "routine"),
    ({"toxin.prior_side_effects": ["other"]}, [("toxin.prior_side_effects", "precaution")], "routine"),
    ({"toxin.prior_side_effects": ["swallowing"]}, [("toxin.prior_side_effects", "precaution")], "review"),
    ({"toxin.prior_side_effects": ["eyelid_droop", "neck_weakness"]},
     [("toxin.prior_side_effects", "precaution")], "review"),
])
def test_prior_toxin_safety(answers, expected, triage):
    result = run(TOXIN, answers)
    assert safety_levels(result) == expected and result.triage == triage


def test_many_ordinary_precautions_leave_triage_routine():
    result = run({"safety.milk_allergy": "yes", "safety.blood_thinner": "yes",
                  "safety.muscle_relaxant": "yes", "safety.anticholinergic": "yes",
                  "safety.pregnant": ["trying"], "safety.toxin_allergy": "unsure"},
                 TOXIN, {"safety.toxin_weeks": 3, "toxin.prior_side_effects": ["other"]})
    assert len(result.safety) == 8 and result.triage == "routine"


def test_safety_raises_triage_to_review_but_never_lowers_urgent():
    assert run({"safety.toxin_allergy": "yes"}).triage == "review"
    assert run({"safety.toxin_allergy": "yes", "rf.neuro": "yes"}).triage == "urgent"


def test_safety_flags_follow_the_table_order_with_a_text_each():
    result = run({"safety.antibiotic_injections": "yes", "safety.pregnant": ["unsure"],
                  "safety.toxin_before": "yes", "safety.toxin_weeks": 4, "safety.anticholinergic": "yes",
                  "toxin.prior_side_effects": ["swallowing"], "safety.toxin_allergy": "unsure",
                  "safety.skin_infection": "yes", "safety.muscle_relaxant": "unsure"})
    assert safety_levels(result) == [
        ("safety.pregnant", "clarify"), ("safety.toxin_allergy", "clarify"),
        ("safety.toxin_weeks", "precaution"),
        ("toxin.prior_side_effects", "precaution"), ("safety.skin_infection", "contraindication"),
        ("safety.antibiotic_injections", "precaution"), ("safety.muscle_relaxant", "clarify"),
        ("safety.anticholinergic", "precaution")]
    assert all(f.text.strip() for f in result.safety)


# ---------------------------------------------------------------- notes
MIGRAINE_HA = {**HA, **MIGRAINE}
ON_TOXIN_FOR_MIGRAINE = {**TOXIN, "toxin.prior_for": ["migraine"]}


@pytest.mark.parametrize(("answers", "expected"), [
    ({**MIGRAINE_HA, "ha.days": 14}, ["note.episodic_migraine"]),
    ({**MIGRAINE_HA, "ha.days": 0}, ["note.episodic_migraine"]),
    ({**MIGRAINE_HA, "ha.days": 15}, []),
    (MIGRAINE_HA, []),
    ({**HA, "ha.days": 10, "ha.one_side": "yes", "ha.throbbing": "unsure", "ha.nausea": "yes"}, []),
    # v3: on toxin for migraine, the treated note replaces the episodic one
    ({**MIGRAINE_HA, "ha.days": 14, **ON_TOXIN_FOR_MIGRAINE}, ["note.treated_migraine"]),
    ({**HA, "ha.days": 3, **ON_TOXIN_FOR_MIGRAINE}, ["note.treated_migraine"]),
    ({**HA, "ha.days": 15, **ON_TOXIN_FOR_MIGRAINE}, []),
    ({**MIGRAINE_HA, "ha.days": 14, **TOXIN, "toxin.prior_for": ["neck"]}, ["note.episodic_migraine"]),
])
def test_episodic_and_treated_migraine_notes(answers, expected):
    ids = note_ids(run(answers))
    assert [i for i in ids if i in ("note.episodic_migraine", "note.treated_migraine")] == expected


@pytest.mark.parametrize(("days", "types", "noted"), [
    (15, ["paracetamol"], True),
    (14, ["paracetamol"], False),
    (14, ["nsaid"], False),
    (14, ["simple"], False),  # a stored v2 code
    (10, ["triptan"], True),
    (9, ["triptan"], False),
    (10, ["ergot"], True),
    (10, ["combination"], True),
    (10, ["opioid", "nsaid"], True),
    # ICHD-3 8.2.6: two or more classes on 10 or more days
    (10, ["paracetamol", "nsaid"], True),
    (9, ["paracetamol", "nsaid"], False),
    (10, ["simple", "other"], False),  # `other` is no class
    (10, ["paracetamol", "other"], False),
    (10, ["simple", "triptan"], True),
    (10, None, False),
    (15, None, True),
])
def test_note_medication_overuse(days, types, noted):
    result = run(HA, {"ha.med_days": days, "ha.med_types": types})
    assert ("note.medication_overuse" in note_ids(result)) == noted
    if noted:
        text = next(n.text for n in result.notes if n.id == "note.medication_overuse")
        assert "does not rule out" in text and "more than 3 months" in text and f"{days} days" in text


@pytest.mark.parametrize(("base", "preventives", "noted", "says"), [
    (CM_STRONG, ["topiramate"], True, "1 preventive medicine(s) from 1 class(es)"),
    (CM_STRONG, ["topiramate", "beta_blocker"], False, ""),
    (CM_STRONG, ["topiramate", "valproate"], True, "2 preventive medicine(s) from 1 class(es)"),
    (CM_STRONG, ["tricyclic", "snri"], True, "2 preventive medicine(s) from 1 class(es)"),
    (CM_STRONG, ["tricyclic", "candesartan"], False, ""),
    (CM_STRONG, ["none"], True, "0 preventive medicine(s) from 0 class(es)"),
    (CM_STRONG, ["other", "topiramate"], True, "1 preventive medicine(s) from 1 class(es)"),
    (CM_STRONG, ["cgrp_antibody", "gepant"], False, ""),
    (CM_STRONG, None, True, "0 preventive medicine(s) from 0 class(es)"),
    ({**CM_STRONG, "ha.months": 2}, ["none"], True, ""),  # possible
    ({**CM_STRONG, "ha.days": 14}, ["none"], False, ""),  # unlikely
])
def test_note_prior_auth_preventives_counts_classes(base, preventives, noted, says):
    result = run(base, {"ha.preventives": preventives})
    assert ("note.prior_auth_preventives" in note_ids(result)) == noted
    if says:
        assert says in next(n.text for n in result.notes if n.id == "note.prior_auth_preventives")


@pytest.mark.parametrize(("base", "cgrp", "noted"), [
    (CM_STRONG, "yes", True),
    ({**CM_STRONG, "ha.months": 2}, "yes", True),
    (CM_STRONG, "unsure", False),
    (CM_STRONG, "no", False),
    ({**CM_STRONG, "ha.days": 14}, "yes", False),
])
def test_note_cgrp_combination(base, cgrp, noted):
    assert ("note.cgrp_combination" in note_ids(run(base, {"ha.cgrp_now": cgrp}))) == noted


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


@pytest.mark.parametrize(("cycles", "change", "noted"), [
    (2, "fewer_under_30", True),
    (2, "not_fewer", True),
    (60, "not_fewer", True),
    (1, "not_fewer", False),  # after a single cycle it never fires
    (1, "fewer_under_30", False),
    (2, "fewer_30_to_49", False),
    (2, "fewer_50_plus", False),
    (2, "unsure", False),
    (None, "not_fewer", False),
    (2, None, False),
])
def test_note_prior_nonresponse_after_two_cycles(cycles, change, noted):
    result = run(ON_TOXIN_FOR_MIGRAINE, {"toxin.migraine_cycles": cycles,
                                         "toxin.headache_days_change": change, "toxin.prior_benefit": "none"})
    assert ("note.prior_nonresponse" in note_ids(result)) == noted


def test_prior_benefit_alone_no_longer_gives_the_nonresponse_note():
    result = run(ON_TOXIN_FOR_MIGRAINE, {"toxin.prior_benefit": "none"})
    assert "note.prior_nonresponse" not in note_ids(result)


@pytest.mark.parametrize(("birth", "noted"), [
    (birthday_tomorrow(18), True),  # 17 on the scoring date
    (birthday_today(18), False),
    (birthday_today(0), True),
    (None, False),
])
def test_note_paediatric(birth, noted):
    assert ("note.paediatric" in note_ids(run({"patient.birth_date": birth}))) == noted


MOOD = ("mood.interest", "mood.down", "mood.nervous", "mood.worry")


@pytest.mark.parametrize(("values", "phq2", "gad2", "expected"), [
    ((0, 0, 0, 0), 0, 0, []),
    ((1, 1, 1, 1), 2, 2, []),
    ((2, 1, 1, 2), 3, 3, ["note.depression_screen", "note.anxiety_screen"]),
    ((3, 0, 2, 0), 3, 2, ["note.depression_screen"]),
    ((0, 2, 3, 0), 2, 3, ["note.anxiety_screen"]),
    ((3, 3, 3, 3), 6, 6, ["note.depression_screen", "note.anxiety_screen"]),
    ((3, None, None, 3), None, None, []),
])
def test_phq2_gad2_and_their_screen_notes(values, phq2, gad2, expected):
    result = run({k: v for k, v in zip(MOOD, values, strict=True) if v is not None})
    assert (result.phq2, result.gad2) == (phq2, gad2)
    assert (result.to_dict()["phq2"], result.to_dict()["gad2"]) == (phq2, gad2)
    assert note_ids(result) == expected
    if "note.depression_screen" in expected:
        assert "self-harm" in result.notes[0].text and "same day" in result.notes[0].text


def test_notes_follow_the_table_order_with_a_text_each():
    result = run({**CM_STRONG, "ha.days": 14, "ha.migraine_days": 8, "ha.med_days": 14,
                  "ha.med_types": ["triptan"], "ha.cgrp_now": "yes"}, BACK, {"back.below_knee": "yes"},
                 {"mf.widespread": "yes", "mf.fatigue_sleep": "yes"}, ON_TOXIN_FOR_MIGRAINE,
                 {"toxin.migraine_cycles": 2, "toxin.headache_days_change": "not_fewer"},
                 {"patient.birth_date": birthday_tomorrow(18)},
                 {"mood.interest": 3, "mood.down": 3, "mood.nervous": 3, "mood.worry": 3})
    assert note_ids(result) == ["note.treated_migraine", "note.medication_overuse", "note.radicular",
                                "note.no_conservative_treatment", "note.fibromyalgia",
                                "note.prior_nonresponse", "note.paediatric", "note.depression_screen",
                                "note.anxiety_screen"]
    assert all(n.text.strip() for n in result.notes)
    chronic = run(CM_STRONG, {"ha.cgrp_now": "yes", "ha.preventives": ["none"]})
    assert note_ids(chronic) == ["note.prior_auth_preventives", "note.cgrp_combination"]


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
