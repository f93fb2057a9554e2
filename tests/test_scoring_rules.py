"""The match of each indication, case by case, written from clinical-core.md "The screening rules".

Every threshold on both sides, every "unsure" and unanswered path (a negative criterion needs an
explicit "no"), and the gates. Each case is a minimal valid partial document.
"""

from __future__ import annotations

import pytest
from scoring_cases import (
    CD_STRONG,
    CM_STRONG,
    HA,
    LBP_STRONG,
    MF_STRONG,
    MIGRAINE,
    TENSION,
    TTH_STRONG,
    match,
    run,
)

S, P, U = "strong", "possible", "unlikely"


def cases(table: list[tuple], names: tuple[str, ...] = ("change", "expected")):
    """Parametrize with a table of (case name, *values) rows, each test named by its case."""
    return pytest.mark.parametrize(names, [c[1:] for c in table], ids=[c[0] for c in table])

CHRONIC_MIGRAINE = [
    ("all criteria at their thresholds", {}, S),
    ("14 headache days", {"ha.days": 14}, U),
    ("15 headache days", {"ha.days": 15}, S),
    ("30 headache days", {"ha.days": 30, "ha.migraine_days": 30}, S),
    ("headache days unanswered", {"ha.days": None}, U),
    ("7 migraine days, features hold", {"ha.migraine_days": 7}, P),
    ("8 migraine days", {"ha.migraine_days": 8}, S),
    ("migraine days unanswered, features hold", {"ha.migraine_days": None}, P),
    ("2 months", {"ha.months": 2}, P),
    ("3 months", {"ha.months": 3}, S),
    ("months unanswered", {"ha.months": None}, P),
    ("lasting under 4 h", {"ha.duration": "under_4h"}, P),
    ("lasting 4 h to a day", {"ha.duration": "4h_to_1d"}, S),
    ("lasting over a day", {"ha.duration": "over_1d"}, S),
    ("constant", {"ha.duration": "constant"}, S),
    ("duration unanswered", {"ha.duration": None}, P),
    # v3 (ICHD-3 1.3, US label): strong whatever the character of the typical headache.
    ("no features, 8 migraine days", {"ha.one_side": "no", "ha.throbbing": "no"}, S),
    ("tension-like typical headache, 8 migraine days", {**TENSION, "ha.throbbing": "no"}, S),
    ("no features, 8 migraine days, 2 months",
     {"ha.one_side": "no", "ha.throbbing": "no", "ha.months": 2}, P),
    ("no features, 8 migraine days, under 4 h",
     {"ha.one_side": "no", "ha.throbbing": "no", "ha.duration": "under_4h"}, P),
    ("no features, 7 migraine days", {"ha.one_side": "no", "ha.throbbing": "no", "ha.migraine_days": 7}, U),
    ("no features, migraine days unanswered",
     {"ha.one_side": "no", "ha.throbbing": "no", "ha.migraine_days": None}, U),
    ("one-sided unsure: 1 trait, 8 migraine days", {"ha.one_side": "unsure"}, S),
    ("one-sided unsure: 1 trait, 7 migraine days", {"ha.one_side": "unsure", "ha.migraine_days": 7}, U),
    ("light and noise instead of nausea, 7 days",
     {"ha.nausea": "no", "ha.light": "yes", "ha.sound": "yes", "ha.migraine_days": 7}, P),
    ("light without noise, no nausea, 7 days",
     {"ha.nausea": "no", "ha.light": "yes", "ha.sound": "no", "ha.migraine_days": 7}, U),
    ("light yes, noise unsure, no nausea, 7 days",
     {"ha.nausea": "no", "ha.light": "yes", "ha.sound": "unsure", "ha.migraine_days": 7}, U),
    ("nausea unsure, 7 migraine days", {"ha.nausea": "unsure", "ha.migraine_days": 7}, U),
    ("moderate + worse with activity count as traits, 7 days",
     {"ha.one_side": "no", "ha.throbbing": "no", "ha.severity": "moderate", "ha.worse_activity": "yes",
      "ha.migraine_days": 7}, P),
    ("severe counts as a trait, 7 days",
     {"ha.throbbing": "no", "ha.severity": "severe", "ha.migraine_days": 7}, P),
    ("mild does not count as a trait, 7 days",
     {"ha.throbbing": "no", "ha.severity": "mild", "ha.migraine_days": 7}, U),
    ("headaches: no", {"ha.days": None, "ha.months": None, "ha.migraine_days": None, "ha.duration": None,
                       "ha.one_side": None, "ha.throbbing": None, "ha.nausea": None, "ha.any": "no"}, U),
]


@cases(CHRONIC_MIGRAINE)
def test_chronic_migraine(change, expected):
    assert match("chronic_migraine", CM_STRONG, change) == expected


def test_chronic_migraine_features_are_a_supporting_reason_and_treatment_is_named():
    plain = [r.text for r in run(CM_STRONG).indication("chronic_migraine").reasons]
    assert any("migraine features (supporting, not required)" in t for t in plain)
    assert not any(t.startswith("On treatment") for t in plain)
    treated = run(CM_STRONG, {"safety.toxin_before": "yes", "toxin.prior_for": ["migraine"]})
    cm = treated.indication("chronic_migraine")
    assert cm.match == S
    assert any(r.text.startswith("On treatment: the pre-treatment baseline decides") for r in cm.reasons)


def test_headaches_unsure_closes_the_headache_rules():
    assert match("chronic_migraine", {"ha.any": "unsure"}) == U
    assert match("tension_type_headache", {"ha.any": "unsure"}) == U


TENSION_TYPE = [
    ("chronic tension-type at the thresholds", {}, S),
    ("14 days: episodic", {"ha.days": 14}, U),
    ("2 months", {"ha.months": 2}, P),
    ("months unanswered", {"ha.months": None}, P),
    ("7 migraine-type days", {"ha.migraine_days": 7}, S),
    ("8 migraine-type days: ICHD-3 1.3 chronic migraine", {"ha.migraine_days": 8}, U),
    ("30 days, 8 migraine-type days", {"ha.days": 30, "ha.migraine_days": 8}, U),
    ("14 days, 8 migraine-type days: episodic", {"ha.days": 14, "ha.migraine_days": 8}, U),
    ("migraine-type days unanswered", {"ha.migraine_days": None}, P),
    ("nausea unsure (needs an explicit no)", {"ha.nausea": "unsure"}, U),
    ("nausea unanswered", {"ha.nausea": None}, U),
    ("nausea yes", {"ha.nausea": "yes"}, U),
    ("one-sided unsure: 1 trait left", {"ha.one_side": "unsure"}, U),
    ("one-sided unsure, mild: 2 traits", {"ha.one_side": "unsure", "ha.severity": "mild"}, S),
    ("moderate and not worse with activity",
     {"ha.one_side": "unsure", "ha.pressing": "unsure", "ha.severity": "moderate",
      "ha.worse_activity": "no"}, S),
    ("severe is not a tension trait", {"ha.one_side": "unsure", "ha.severity": "severe"}, U),
    ("worse with activity unsure is not a trait",
     {"ha.one_side": "unsure", "ha.worse_activity": "unsure"}, U),
    ("light and noise both", {"ha.light": "yes", "ha.sound": "yes"}, U),
    ("light yes, noise no", {"ha.light": "yes", "ha.sound": "no"}, S),
    ("light unsure, noise no", {"ha.light": "unsure", "ha.sound": "no"}, S),
    # v3: "at most one of light and noise" holds only on an explicit no to one of them.
    ("light yes, noise unsure", {"ha.light": "yes", "ha.sound": "unsure"}, U),
    ("light unsure, noise unsure", {"ha.light": "unsure", "ha.sound": "unsure"}, U),
    ("light and noise unanswered", {"ha.light": None}, U),
]


@cases(TENSION_TYPE)
def test_tension_type_headache(change, expected):
    assert match("tension_type_headache", TTH_STRONG, change) == expected


def test_chronic_migraine_counts_exclude_tension_type_with_that_reason():
    result = run(TTH_STRONG, {"ha.migraine_days": 8, "ha.duration": "constant"})
    assert result.indication("tension_type_headache").match == U
    assert result.indication("chronic_migraine").match == S
    texts = [r.text for r in result.indication("tension_type_headache").reasons]
    assert ("≥ 15 headache days with ≥ 8 migraine-type days: ICHD-3 1.3 chronic migraine, which excludes "
            "tension-type headache") in texts


def test_a_tension_type_match_names_the_guideline_alternative():
    for parts in (TTH_STRONG, {**TTH_STRONG, "ha.months": 2}):
        tth = run(parts).indication("tension_type_headache")
        assert tth.match != U and not tth.suggested
        assert any("amitriptyline" in r.text for r in tth.reasons)
    assert not any("amitriptyline" in r.text for r in run(HA).indication("tension_type_headache").reasons)


CERVICAL_DYSTONIA = [
    ("pulls, trick, onset months", {}, S),
    ("onset years", {"neck.onset": "years"}, S),
    ("onset weeks", {"neck.onset": "weeks"}, P),
    ("onset days", {"neck.onset": "days"}, U),
    ("onset days with tremor", {"neck.onset": "days", "neck.tremor": "yes"}, U),
    ("onset unanswered", {"neck.onset": None}, P),
    ("tremor instead of a trick", {"neck.sensory_trick": "no", "neck.tremor": "yes"}, S),
    ("trick and tremor unsure", {"neck.sensory_trick": "unsure", "neck.tremor": "unsure"}, P),
    ("trick unanswered, tremor no", {"neck.sensory_trick": None, "neck.tremor": "no"}, P),
]


@cases(CERVICAL_DYSTONIA)
def test_cervical_dystonia(change, expected):
    assert match("cervical_dystonia", CD_STRONG, change) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    ({"neck.pulls": "no", "neck.tremor": "yes"}, P),
    ({"neck.pulls": "unsure", "neck.tremor": "yes"}, P),
    ({"neck.tremor": "yes"}, P),
    ({"neck.pulls": "no", "neck.tremor": "no"}, U),
    ({"neck.pulls": "unsure", "neck.tremor": "unsure"}, U),
    ({"neck.pulls": "no"}, U),
    ({}, U),
])
def test_cervical_dystonia_without_pulling(answers, expected):
    assert match("cervical_dystonia", answers) == expected


LOW_BACK = [
    ("3 months, spasms, nothing below the knee", {}, S),
    ("2 months with spasms", {"back.months": 2}, P),
    ("months unanswered, spasms", {"back.months": None}, P),
    ("pain below the knee", {"back.below_knee": "yes"}, P),
    ("below the knee unsure (needs an explicit no)", {"back.below_knee": "unsure"}, P),
    ("below the knee unanswered", {"back.below_knee": None}, P),
    ("no spasms, 3 months", {"back.spasms": "no"}, P),
    ("no spasms, 2 months", {"back.spasms": "no", "back.months": 2}, U),
    ("spasms unsure, 2 months", {"back.spasms": "unsure", "back.months": 2}, U),
    ("spasms and months unanswered", {"back.spasms": None, "back.months": None}, U),
]


@cases(LOW_BACK)
def test_low_back_pain(change, expected):
    assert match("low_back_pain", LBP_STRONG, change) == expected


MYOFASCIAL = [
    ("knots, familiar pain, spreads, widespread no", {}, S),
    ("no spread, 3 months", {"mf.spreads": "no", "mf.months": 3}, S),
    ("no spread, 2 months", {"mf.spreads": "no", "mf.months": 2}, P),
    ("spread unsure, 2 months", {"mf.spreads": "unsure", "mf.months": 2}, P),
    ("spread unsure, months unanswered", {"mf.spreads": "unsure"}, P),
    ("familiar pain unsure", {"mf.press_familiar": "unsure"}, P),
    ("familiar pain no", {"mf.press_familiar": "no"}, P),
    ("widespread with fatigue", {"mf.widespread": "yes", "mf.fatigue_sleep": "yes"}, P),
    ("widespread, no fatigue", {"mf.widespread": "yes", "mf.fatigue_sleep": "no"}, S),
    # v3: the fibromyalgia pattern must be ruled out by an explicit no.
    ("widespread, fatigue unsure", {"mf.widespread": "yes", "mf.fatigue_sleep": "unsure"}, P),
    ("widespread, fatigue unanswered", {"mf.widespread": "yes"}, P),
    ("widespread unsure", {"mf.widespread": "unsure"}, P),
    ("widespread unanswered", {"mf.widespread": None}, P),
]


@cases(MYOFASCIAL)
def test_myofascial_pain(change, expected):
    assert match("myofascial_pain", MF_STRONG, change) == expected


@pytest.mark.parametrize("answer", ["no", "unsure"])
@pytest.mark.parametrize(("indication", "gate"), [("low_back_pain", "back.pain"),
                                                  ("myofascial_pain", "mf.knots")])
def test_low_back_and_myofascial_pain_need_their_gate_yes(indication, gate, answer):
    assert match(indication, {gate: answer}) == U


def test_all_five_listed_strongest_first_ties_in_fixed_order():
    result = run(CM_STRONG, MF_STRONG, {"neck.tremor": "yes"})
    assert [(i.id, i.match.value) for i in result.indications] == [
        ("chronic_migraine", S), ("myofascial_pain", S), ("cervical_dystonia", P),
        ("tension_type_headache", U), ("low_back_pain", U)]
    assert [i.id for i in run({}).indications] == [
        "cervical_dystonia", "chronic_migraine", "tension_type_headache", "low_back_pain", "myofascial_pain"]


# (parts, [(id, match, suggested)] in the listed order): suggested first, then the other strong or
# possible ones (toxin not recommended), then unlikely; strongest first within a group, ties fixed.
LIST_ORDER = [
    ("tension-type strong is listed after a possible suggested one",
     (TTH_STRONG, LBP_STRONG, {"back.months": 2}),
     [("low_back_pain", P, True), ("tension_type_headache", S, False), ("cervical_dystonia", U, False),
      ("chronic_migraine", U, False), ("myofascial_pain", U, False)]),
    ("suggested strong before suggested possible, ties in the fixed order",
     (TTH_STRONG, CD_STRONG, LBP_STRONG, {"back.months": 2}, MF_STRONG),
     [("cervical_dystonia", S, True), ("myofascial_pain", S, True), ("low_back_pain", P, True),
      ("tension_type_headache", S, False), ("chronic_migraine", U, False)]),
    ("tension-type possible alone",
     ({**TTH_STRONG, "ha.months": 2},),
     [("tension_type_headache", P, False), ("cervical_dystonia", U, False), ("chronic_migraine", U, False),
      ("low_back_pain", U, False), ("myofascial_pain", U, False)]),
    ("chronic migraine and tension-like headache: migraine suggested, tension-type unlikely",
     (TTH_STRONG, {"ha.migraine_days": 10, "ha.duration": "4h_to_1d"}),
     [("chronic_migraine", S, True), ("cervical_dystonia", U, False), ("tension_type_headache", U, False),
      ("low_back_pain", U, False), ("myofascial_pain", U, False)]),
]


@cases(LIST_ORDER, ("parts", "expected"))
def test_list_order_groups_suggested_first(parts, expected):
    result = run(*parts)
    assert [(i.id, i.match.value, i.suggested) for i in result.indications] == expected
    assert [i["suggested"] for i in result.to_dict()["indications"]] == [e[2] for e in expected]


DIRECTION = {"cervical_dystonia": "effective", "chronic_migraine": "effective",
             "tension_type_headache": "probably_ineffective", "low_back_pain": "possibly_effective",
             "myofascial_pain": "insufficient"}
STRONG_PARTS = {"cervical_dystonia": CD_STRONG, "chronic_migraine": CM_STRONG,
                "tension_type_headache": TTH_STRONG, "low_back_pain": LBP_STRONG,
                "myofascial_pain": MF_STRONG}
POSSIBLE_PARTS = {"cervical_dystonia": {**CD_STRONG, "neck.onset": "weeks"},
                  "chronic_migraine": {**CM_STRONG, "ha.months": 2},
                  "tension_type_headache": {**TTH_STRONG, "ha.months": 2},
                  "low_back_pain": {**LBP_STRONG, "back.months": 2}, "myofascial_pain": {"mf.knots": "yes"}}


@pytest.mark.parametrize("indication", list(DIRECTION))
@pytest.mark.parametrize("level", [S, P, U])
def test_suggested_and_evidence_direction_per_indication(indication, level):
    parts = {S: STRONG_PARTS, P: POSSIBLE_PARTS, U: {}}[level].get(indication, {})
    result = run(parts).indication(indication)
    assert result.match == level
    assert result.evidence_direction == DIRECTION[indication]
    assert result.suggested is (level != U and indication != "tension_type_headache")


def test_evidence_status_is_fixed_per_indication():
    status = {i.id: i.evidence.value for i in run({}).indications}
    assert status == {"cervical_dystonia": "fda_approved", "chronic_migraine": "fda_approved",
                      "tension_type_headache": "off_label", "low_back_pain": "off_label",
                      "myofascial_pain": "off_label"}


@pytest.mark.parametrize(("indication", "must_say"), [
    ("chronic_migraine", ["AAN 2016 Level A", "2010", "Cochrane 2018"]),
    ("cervical_dystonia", ["AAN 2016", "Level B", "AAN 2008"]),
    ("tension_type_headache", ["AAN 2016 Level B", "ineffective"]),
    ("low_back_pain", ["AAN 2008 Level C", "retired"]),
    ("myofascial_pain", ["Not rated by AAN (2008, 2016)", "Level U"]),
])
def test_evidence_text_cites_each_level_with_its_year(indication, must_say):
    text = run({}).indication(indication).evidence_text
    for phrase in must_say:
        assert phrase in text


def test_safety_flags_never_change_a_match():
    plain = run(CM_STRONG, CD_STRONG)
    unsafe = run(CM_STRONG, CD_STRONG, {"safety.toxin_allergy": "yes", "safety.skin_infection": "yes",
                                        "safety.pregnant": ["pregnant"]})
    assert [(i.id, i.match) for i in unsafe.indications] == [(i.id, i.match) for i in plain.indications]
    assert unsafe.safety and not plain.safety


def test_the_migraine_base_cases_are_what_they_claim():
    """Guard the fixtures: the features helper needs 2 traits and nausea, and these give exactly that."""
    assert set(MIGRAINE) == {"ha.one_side", "ha.throbbing", "ha.nausea"}
    assert match("tension_type_headache", HA, TENSION, {"ha.days": 15}) == P
