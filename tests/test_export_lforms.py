"""Interoperability with a real FHIR client: NLM's LHC-Forms reads our Questionnaire and responses.

For a Spanish and an English version-3 submission (built from the bank, every asked item
answered), LHC-Forms in Debian's chromium renders the Questionnaire, merges the response and
gives back every answer (``roundtrip_differences`` empty, as many answered items as we sent),
and the npm ``fhir`` validator reports no error and no warning on either resource. A stored
version-2 submission with retired ids keeps its answers too. See tests/lforms.py.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import samples
from documents import document
from lforms import fhir_validate, lforms_check, lforms_work  # noqa: F401  (fixtures)
from patients import spanish_headache

from export import fhir
from export import fhir_questionnaire as fq
from questionnaire.bank import load_bank

pytestmark = pytest.mark.browser
BANK = load_bank()
AS_OF = date.today()  # the form computes the age condition on the day it is filled

ENGLISH = {  # neck, back and muscle-knot patterns, toxin before, a birth in the last 12 weeks
    "patient.name": "Margaret O'Neill", "patient.birth_date": "1958-07-30", "patient.sex": "female",
    "visit.main_problem": "neck", "visit.concern": "My neck pulls to the right.\nWorse when I'm tired.",
    "meds.list": "Baclofen 10 mg", "pain.regions": ["neck", "shoulders", "lower_back", "legs"],
    "peg.pain": 7, "peg.enjoyment": 6, "peg.activity": 8,
    "neck.pulls": "yes", "neck.direction": ["turns_right", "shoulder_up"], "neck.sensory_trick": "yes",
    "neck.onset": "years", "neck.new_medicine": "no", "neck.tremor": "unsure", "neck.pain": 6,
    "back.pain": "yes", "back.months": 18, "back.spasms": "yes", "back.spasm_days": 3,
    "back.below_knee": "no", "back.worsening": "no", "back.tried": ["physio", "nsaid"],
    "mf.knots": "yes", "mf.where": ["neck", "shoulders_upper_back"], "mf.press_familiar": "yes",
    "mf.spreads": "yes", "mf.months": 9, "mf.widespread": "no",
    "rf.weight_loss": "unsure", "mood.interest": 2, "mood.down": 1, "mood.nervous": 3, "mood.worry": 2,
    "safety.pregnant": ["postpartum", "breastfeeding"], "safety.toxin_before": "yes",
    "safety.toxin_weeks": 20,
    "toxin.prior_for": ["neck", "cosmetic"], "toxin.prior_benefit": "30_to_50",
    "toxin.prior_side_effects": ["eyelid_droop"], "safety.muscle_relaxant": "yes",
}


def _answered_items(response: dict) -> int:
    return sum(1 for group in response["item"] for item in group["item"] if item.get("answer"))


def _round_trip(check, sub, name: str) -> dict:
    questionnaire = fq.questionnaire_dict(BANK)
    response = json.loads(fhir.to_fhir_json(sub, BANK))
    report = check(questionnaire, response, name)
    assert report["render_error"] is None and report["console_errors"] == []
    assert (report["questionnaire_valid"], report["questionnaire_messages"]) == (True, [])
    assert (report["response_valid"], report["response_messages"]) == (True, [])
    assert report["roundtrip_differences"] == []
    assert report["lforms_answered_items"] == _answered_items(response) == len(sub.answers)
    return report


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_answer_of_a_v3_submission_comes_back_from_lhc_forms(lforms_check, language):  # noqa: F811
    doc = (spanish_headache(BANK, AS_OF, rf__pattern_change="unsure") if language == "es"
           else document(BANK, AS_OF, ENGLISH))
    age_gated = {"rf.jaw_claudication", "rf.scalp_tender"}
    assert age_gated <= set(doc)  # both patients are 50 or over: the SDC expression must enable them
    assert len(doc) >= 60
    sub = samples.scored(doc, sub_id=f"lforms-{language}", submitted_at=samples.WHEN.replace(
        year=AS_OF.year, month=AS_OF.month, day=AS_OF.day))
    _round_trip(lforms_check, sub, f"v3-{language}")


def test_a_bundle_with_its_code_systems_validates_without_a_warning(fhir_validate):  # noqa: F811
    subs = [samples.scored(spanish_headache(BANK, AS_OF, rf__thunderclap_3m="yes"), sub_id="b-es"),
            samples.scored(document(BANK, AS_OF, ENGLISH), sub_id="b-en"),
            samples.submission(samples.V2_ANSWERS, samples.hand_result(v2=True), sub_id="b-v2")]
    bundle = json.loads(fhir.to_fhir_json(subs, BANK))
    assert [e["resource"]["resourceType"] for e in bundle["entry"]].count("CodeSystem") == 3
    assert fhir_validate(bundle, "bundle") == {"valid": True, "messages": []}


def test_a_stored_v2_submission_keeps_its_retired_answers(lforms_check):  # noqa: F811
    sub = samples.submission(samples.V2_ANSWERS, samples.hand_result(v2=True), sub_id="lforms-v2")
    assert {"rf.positional", "rf.cancer_immuno", "rf.jaw_scalp", "rf.new_after_50"} <= set(sub.answers)
    _round_trip(lforms_check, sub, "v2")
