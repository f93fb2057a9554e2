"""Reading a version 2 document under v3 (clinical-core.md, "Reading a version 2 document"), row by
row, a whole stored v2 document, the error for a retired id beside its replacement, and the
re-score marker. Written from the v3 text; v2 documents are written here by hand."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from scoring_cases import AS_OF, HA, birthday_today, birthday_tomorrow, flag_ids, run, safety_levels
from strategies import answers_documents

from questionnaire.answers import InvalidAnswers
from questionnaire.bank import load_bank
from scoring import Triage, score, score_batch, upgrade
from scoring.upgrade import REPLACEMENTS

BANK = load_bank()
AGE_72 = {"patient.birth_date": birthday_today(72)}


@pytest.mark.parametrize("value", ["yes", "no", "unsure"])
@pytest.mark.parametrize(("retired", "opens", "replacements"), [
    ("rf.cancer_immuno", {}, ("rf.cancer", "rf.immunosuppressed")),
    ("rf.positional", HA, ("rf.posture", "rf.provoked")),
    ("rf.positional", {"ha.any": "unsure"}, ("rf.posture", "rf.provoked")),
    ("rf.jaw_scalp", {**HA, "patient.birth_date": birthday_today(50)},
     ("rf.jaw_claudication", "rf.scalp_tender")),
])
def test_a_retired_question_is_read_as_both_replacements(retired, opens, replacements, value):
    up = upgrade({**opens, retired: value}, AS_OF)
    assert retired not in up.answers
    assert {r: up.answers[r] for r in replacements} == dict.fromkeys(replacements, value)
    assert dict(up.sources) == dict.fromkeys(replacements, retired)
    assert up.upgraded and up.v2_ids == (retired,)


@pytest.mark.parametrize("birth", [birthday_tomorrow(50), None])  # 49 on the scoring date; no birth date
@pytest.mark.parametrize("value", ["yes", "no", "unsure"])
def test_jaw_scalp_under_50_or_without_a_birth_date_is_not_carried_over(birth, value):
    doc = {**HA, "rf.jaw_scalp": value, **({"patient.birth_date": birth} if birth else {})}
    up = upgrade(doc, AS_OF)
    assert "rf.jaw_scalp" not in up.answers and "rf.jaw_claudication" not in up.answers
    assert "rf.scalp_tender" not in up.answers and dict(up.sources) == {}
    result = score(doc, AS_OF)
    assert result.red_flags == () and result.triage is Triage.ROUTINE


def test_jaw_scalp_uses_the_scoring_date_for_age():
    doc = {**HA, "rf.jaw_scalp": "yes", "patient.birth_date": "1976-11-24"}
    assert "rf.jaw_claudication" in upgrade(doc, AS_OF).answers  # 50 on 2026-11-24
    assert "rf.jaw_claudication" not in upgrade(doc, AS_OF.replace(day=23)).answers  # 49 the day before


def test_jaw_scalp_yes_at_72_gives_the_arteritis_flag_from_the_v2_answer():
    result = score({**HA, **AGE_72, "rf.jaw_scalp": "yes"}, AS_OF)
    assert flag_ids(result) == ["rf.jaw_claudication", "rf.scalp_tender", "rf.giant_cell_arteritis"]
    assert result.triage is Triage.URGENT
    assert all(f.text.endswith("(from the v2 answer `rf.jaw_scalp`)") for f in result.red_flags)


@pytest.mark.parametrize(("value", "first_started"), [("yes", "under_1y"), ("no", None), ("unsure", None)])
def test_new_after_50_becomes_first_started_under_a_year_only_on_yes(value, first_started):
    up = upgrade({**HA, "rf.new_after_50": value}, AS_OF)
    assert "rf.new_after_50" not in up.answers
    assert up.answers.get("ha.first_started") == first_started
    assert dict(up.sources) == ({"ha.first_started": "rf.new_after_50"} if first_started else {})


@pytest.mark.parametrize(("birth", "flag"), [(birthday_today(50), "rf.new_after_50"),
                                              (birthday_tomorrow(50), "rf.recent_onset"),
                                              (None, "rf.recent_onset")])
def test_a_v2_new_after_50_yes_raises_the_derived_flag_naming_the_v2_answer(birth, flag):
    doc = {**HA, "rf.new_after_50": "yes", **({"patient.birth_date": birth} if birth else {})}
    result = score(doc, AS_OF)
    assert flag_ids(result) == [flag] and result.triage is Triage.REVIEW
    assert result.red_flags[0].text.endswith("(from the v2 answer `rf.new_after_50`)")


def test_a_v2_new_after_50_unsure_leaves_no_flag_and_no_note():
    result = score({**HA, **AGE_72, "rf.new_after_50": "unsure"}, AS_OF)
    assert result.red_flags == () and result.notes == () and result.triage is Triage.ROUTINE


def test_a_v2_cancer_immuno_yes_raises_both_flags_and_the_derived_ones_naming_it():
    result = score({"back.pain": "yes", "back.months": 2, "rf.cancer_immuno": "yes", "rf.back_fever": "yes"},
                   AS_OF)
    assert flag_ids(result) == ["rf.cancer", "rf.immunosuppressed", "rf.back_fever", "rf.spinal_infection",
                                "rf.spinal_malignancy"]
    texts = {f.id: f.text for f in result.red_flags}
    for flag in ("rf.cancer", "rf.immunosuppressed", "rf.spinal_infection", "rf.spinal_malignancy"):
        assert texts[flag].endswith("(from the v2 answer `rf.cancer_immuno`)"), flag
    assert "v2" not in texts["rf.back_fever"]  # not raised by an upgraded answer
    assert result.upgraded_from == ("rf.cancer_immuno",)


def test_a_v2_positional_yes_names_the_v2_answer():
    result = score({**HA, "rf.positional": "yes"}, AS_OF)
    assert flag_ids(result) == ["rf.posture", "rf.provoked"]
    assert all("from the v2 answer `rf.positional`" in f.text for f in result.red_flags)


@pytest.mark.parametrize("code", ["pregnant", "postpartum", "breastfeeding", "trying", "no", "unsure",
                                  "not_applicable"])
def test_a_v2_single_pregnancy_code_becomes_a_list(code):
    up = upgrade({"safety.pregnant": code}, AS_OF)
    assert up.answers["safety.pregnant"] == [code]
    assert up.postpartum_unknown is (code == "breastfeeding")
    assert dict(up.sources) == {}  # no flag says "from the v2 answer" for it


def test_a_v2_breastfeeding_gives_postpartum_unknown_right_after_the_pregnancy_flag():
    result = score({"safety.pregnant": "breastfeeding", "safety.toxin_allergy": "unsure"}, AS_OF)
    assert safety_levels(result) == [
        ("safety.pregnant", "precaution"), ("safety.postpartum_unknown", "clarify"),
        ("safety.toxin_allergy", "clarify")]
    assert "ask" in result.safety[1].text and "12 weeks" in result.safety[1].text
    assert result.triage is Triage.ROUTINE  # breastfeeding alone and a clarify flag do not raise triage
    v3 = score({"safety.pregnant": ["breastfeeding"]}, AS_OF)
    assert safety_levels(v3) == [("safety.pregnant", "precaution")]


def test_a_v2_postpartum_is_postpartum_under_v3_and_a_changed_headache_is_urgent():
    result = score({**HA, "safety.pregnant": "postpartum", "rf.pattern_change": "yes"}, AS_OF)
    assert flag_ids(result) == ["rf.pattern_change", "rf.pregnancy_headache"]
    assert result.triage is Triage.URGENT


def test_a_v2_simple_analgesic_is_kept_and_counts_as_one_class():
    doc = {**HA, "ha.med_days": 10, "ha.med_types": ["simple", "triptan"]}
    assert upgrade(doc, AS_OF).answers == doc
    assert "note.medication_overuse" in [n.id for n in run(doc).notes]
    with pytest.raises(InvalidAnswers) as caught:
        score({**HA, "ha.med_days": 10, "ha.med_types": ["simple", "paracetamol"]}, AS_OF)
    assert caught.value.items == ["ha.med_types"]


PAIRS = [(retired, new) for retired, replacements in REPLACEMENTS.items() for new in replacements]


@pytest.mark.parametrize(("retired", "new"), PAIRS, ids=[f"{r}+{n}" for r, n in PAIRS])
def test_a_retired_id_with_one_of_its_replacements_is_an_error_naming_both(retired, new):
    doc = {**HA, **AGE_72, retired: "no", new: "under_1y" if new == "ha.first_started" else "no"}
    with pytest.raises(InvalidAnswers) as caught:
        score(doc, AS_OF)
    assert caught.value.items == [retired, new]
    assert retired in str(caught.value) and new in str(caught.value)
    batch = next(score_batch([json.dumps(doc)], AS_OF))
    assert batch["items"] == [retired, new] and batch["line"] == 1


def test_the_upgrade_table_names_the_banks_retired_ids_and_replacements():
    assert {r: BANK.retired[r].replaced_by for r in BANK.retired} == REPLACEMENTS
    assert not any(BANK.has(r) for r in REPLACEMENTS)


@pytest.mark.parametrize(("doc", "named"), [
    ({**HA, "rf.positional": "maybe"}, "rf.positional"),  # not a yes/no answer: left as written
    ({"ha.any": "no", "rf.positional": "yes"}, "rf.positional"),  # not asked in v2 either
    ({"rf.cancer_immuno": None}, "rf.cancer_immuno"),
    ({"safety.pregnant": "expecting"}, "safety.pregnant"),
])
def test_a_bad_v2_answer_is_named_as_written(doc, named):
    with pytest.raises(InvalidAnswers) as caught:
        score(doc, AS_OF)
    assert caught.value.items == [named]


def test_the_upgrade_never_changes_its_input_and_is_frozen():
    doc = {**HA, "rf.positional": "yes", "safety.pregnant": "breastfeeding"}
    snapshot = dict(doc)
    up = upgrade(doc, AS_OF)
    assert doc == snapshot
    with pytest.raises(dataclasses.FrozenInstanceError):
        up.notes = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        up.answers["rf.posture"] = "no"  # type: ignore[index]
    assert len(up.notes) == 2 and all("v2" in n or "read as" in n for n in up.notes)


@given(answers_documents(BANK, AS_OF))
def test_the_upgrade_changes_nothing_in_a_v3_document(doc):
    up = upgrade(doc, AS_OF)
    assert up.answers is doc and dict(up.sources) == {} and up.notes == () and not up.postpartum_unknown


# A whole stored v2 submission, as the v2 kiosk saved it (v2 ids and v2 value shapes).
V2_SUBMISSION = {
    "patient.name": "Stored Patient", "patient.birth_date": "1954-03-02", "patient.sex": "female",
    "patient.language": "es", "visit.main_problem": "headache", "visit.concern": "dolor de cabeza nuevo",
    "pain.regions": ["head", "lower_back"], "peg.pain": 7, "peg.enjoyment": 6, "peg.activity": 6,
    "neck.pulls": "no", "neck.tremor": "no", "neck.pain": 2,
    "ha.any": "yes", "ha.days": 20, "ha.months": 4, "ha.duration": "4h_to_1d", "ha.one_side": "yes",
    "ha.throbbing": "yes", "ha.pressing": "no", "ha.severity": "severe", "ha.worse_activity": "yes",
    "ha.nausea": "yes", "ha.light": "yes", "ha.sound": "yes", "ha.aura": "no", "ha.migraine_days": 12,
    "ha.disabled": "yes", "ha.med_days": 12, "ha.med_types": ["simple", "other"],
    "ha.preventives": ["topiramate", "valproate"],
    "back.pain": "yes", "back.months": 1, "back.spasms": "no", "back.below_knee": "no",
    "back.tried": ["physio"],
    "mf.knots": "no", "mf.widespread": "no",
    "rf.airway_now": "no", "rf.thunderclap": "no", "rf.fever_stiff_neck": "no", "rf.neuro": "no",
    "rf.new_after_50": "yes", "rf.pattern_change": "no", "rf.positional": "no", "rf.head_injury": "no",
    "rf.jaw_scalp": "yes", "rf.cancer_immuno": "yes", "rf.weight_loss": "no",
    "rf.saddle": "no", "rf.bladder_bowel": "no", "rf.leg_weakness": "no",
    "rf.back_fever": "no", "rf.infection_risk": "no", "rf.trauma": "no",
    "safety.pregnant": "not_applicable", "safety.neuromuscular": "no", "safety.toxin_allergy": "no",
    "safety.milk_allergy": "no", "safety.toxin_before": "no", "safety.blood_thinner": "yes",
    "safety.swallow_breath": "no", "safety.skin_infection": "no", "safety.antibiotic_injections": "no",
}


def test_a_whole_v2_submission_scores_under_v3():
    result = score(V2_SUBMISSION, AS_OF, rescore=True)  # 72 on the scoring date
    assert flag_ids(result) == [
        "rf.jaw_claudication", "rf.scalp_tender", "rf.cancer", "rf.immunosuppressed",
        "rf.giant_cell_arteritis", "rf.new_after_50", "rf.anticoagulant_headache", "rf.spinal_malignancy"]
    assert result.triage is Triage.URGENT and result.rescore and not result.alerts
    texts = {f.id: f.text for f in result.red_flags}
    assert texts["rf.giant_cell_arteritis"].endswith(
        "(from the v2 answers `rf.jaw_scalp`, `rf.new_after_50`)")
    assert texts["rf.new_after_50"].endswith("(from the v2 answer `rf.new_after_50`)")
    assert texts["rf.spinal_malignancy"].endswith("(from the v2 answer `rf.cancer_immuno`)")
    assert texts["rf.anticoagulant_headache"].endswith("(from the v2 answer `rf.new_after_50`)")
    assert set(result.upgraded_from) == {"rf.jaw_scalp", "rf.cancer_immuno", "rf.new_after_50",
                                         "rf.positional"}
    matches = {i.id: i.match.value for i in result.indications}
    assert matches["chronic_migraine"] == "strong" and result.indications[0].id == "chronic_migraine"
    notes = [n.id for n in result.notes]
    # topiramate + valproate: one class (v3 table); simple + other: one class on 12 days, not overuse
    assert notes == ["note.prior_auth_preventives"]
    assert (result.phq2, result.gad2) == (None, None)  # mood items are new in v3: absent
    assert [s.id for s in result.safety] == ["safety.blood_thinner"]
    out = result.to_dict()
    assert "rescore" not in out and json.loads(json.dumps(out)) == out


def test_a_whole_v2_submission_scores_the_same_through_the_batch_path():
    line = json.dumps(V2_SUBMISSION, ensure_ascii=False)
    assert next(score_batch([line], AS_OF)) == score(V2_SUBMISSION, AS_OF).to_dict()


def downgrade(doc: dict) -> dict:
    """A v3 document written as the v2 kiosk would have stored it, where v2 could say the same:
    a pair of replacements with one answer becomes the retired question, ``ha.first_started`` =
    under_1y becomes ``rf.new_after_50`` = yes, a one-code ``safety.pregnant`` a string."""
    v2 = dict(doc)
    for retired, (first, second) in (("rf.cancer_immuno", ("rf.cancer", "rf.immunosuppressed")),
                                     ("rf.positional", ("rf.posture", "rf.provoked")),
                                     ("rf.jaw_scalp", ("rf.jaw_claudication", "rf.scalp_tender"))):
        if first in v2 and v2.get(second) == v2[first]:
            v2[retired] = v2.pop(first)
            del v2[second]
    if v2.get("ha.first_started") == "under_1y":
        del v2["ha.first_started"]
        v2["rf.new_after_50"] = "yes"
    pregnant = v2.get("safety.pregnant")
    if isinstance(pregnant, list) and len(pregnant) == 1:
        v2["safety.pregnant"] = pregnant[0]
    return v2


@given(answers_documents(BANK, AS_OF))
def test_a_v2_document_reads_back_as_the_v3_document_it_says(doc):
    v2 = downgrade(doc)
    assert dict(upgrade(v2, AS_OF).answers) == doc
    now, then = score(doc, AS_OF), score(v2, AS_OF, rescore=True)
    assert [(i.id, i.match) for i in then.indications] == [(i.id, i.match) for i in now.indications]
    assert [(f.id, f.level, f.answer, f.items) for f in then.red_flags] == \
        [(f.id, f.level, f.answer, f.items) for f in now.red_flags]
    for old, new in zip(then.red_flags, now.red_flags, strict=True):
        assert old.text == new.text or (old.text.startswith(new.text + " (from the v2 answer")), old.id
    expected = [f.id for f in now.safety]
    if v2.get("safety.pregnant") == "breastfeeding":  # a lone v2 code: ask about a recent birth
        expected.insert(1, "safety.postpartum_unknown")  # right after safety.pregnant
    assert [f.id for f in then.safety] == expected
    assert then.notes == now.notes and then.triage == now.triage and then.rescore
