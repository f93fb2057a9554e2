"""The EHR-ready transaction Bundle (issue 10, part 6): Patient, QuestionnaireResponse and
RiskAssessment linked by urn:uuid fullUrls, a request per entry, MRN conditional create;
validated by fhir.resources and by the npm ``fhir`` validator (no error, no warning)."""

from __future__ import annotations

import dataclasses
import json

import patients
import pytest
import samples
from export_load import submissions
from fhir.resources.R4B.bundle import Bundle
from lforms import fhir_validate, lforms_work  # noqa: F401  (fixtures)

from export import fhir, formats
from export import fhir_transaction as ft
from export.fhir_questionnaire import QUESTIONNAIRE_URL
from questionnaire.bank import load_bank
from vocabulary import Submission

BANK = load_bank()


def with_mrn(sub: Submission, mrn: str | None) -> Submission:
    """The stored record with a medical record number attached (``Submission.mrn``)."""
    return dataclasses.replace(sub, mrn=mrn)


def _by_type(bundle: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        out.setdefault(entry["resource"]["resourceType"], []).append(entry)
    return out


def test_one_submission_gives_patient_response_and_risk_linked_by_urn_uuid():
    sub = next(submissions(1))  # José Núñez Peña, male, born 1971-02-03, scored
    bundle = ft.transaction(sub, BANK)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "transaction"
    kinds = _by_type(bundle)
    (patient,), (response,) = kinds["Patient"], kinds["QuestionnaireResponse"]
    (risk,) = kinds["RiskAssessment"]
    assert patient["resource"] == {"resourceType": "Patient", "name": [{"text": sub.name}],
                                   "gender": "male", "birthDate": "1971-02-03"}
    assert patient["request"] == {"method": "POST", "url": "Patient"}
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])
    assert response["resource"]["subject"]["reference"] == patient["fullUrl"]
    assert response["resource"]["questionnaire"] == f"{QUESTIONNAIRE_URL}|{sub.questionnaire_version}"
    assert response["request"] == {"method": "POST", "url": "QuestionnaireResponse",
                                   "ifNoneExist": f"identifier={fhir.SUBMISSION_SYSTEM}|{sub.id}"}
    assert risk["resource"]["subject"]["reference"] == patient["fullUrl"]
    assert risk["resource"]["basis"] == [{"reference": response["fullUrl"]}]
    assert risk["request"] == {"method": "POST", "url": "RiskAssessment"}
    parsed = Bundle.model_validate(bundle).entry[1].resource
    assert fhir.answers_from_response(parsed, BANK) == sub.answers


def test_a_known_mrn_is_the_identifier_and_a_conditional_create_shared_by_its_visits():
    first, second, other = list(submissions(3))
    bundle = ft.transaction([with_mrn(first, "MRN-0042"), with_mrn(second, " MRN-0042 "),
                             with_mrn(other, None)], BANK)
    Bundle.model_validate(bundle)
    patients = _by_type(bundle)["Patient"]
    assert len(patients) == 2  # two visits of MRN-0042 share one Patient entry
    known = patients[0]
    assert known["resource"]["identifier"][0]["value"] == "MRN-0042"
    assert known["resource"]["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert known["request"] == {"method": "POST", "url": "Patient",
                                "ifNoneExist": f"identifier={ft.MRN_SYSTEM}|MRN-0042"}
    assert "identifier" not in patients[1]["resource"]
    responses = _by_type(bundle)["QuestionnaireResponse"]
    assert [r["resource"]["subject"]["reference"] for r in responses] == [
        known["fullUrl"], known["fullUrl"], patients[1]["fullUrl"]]
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])


@pytest.mark.parametrize(("sex", "gender"), [("female", "female"), ("male", "male"),
                                             ("other", "other"), ("prefer_not", "unknown")])
def test_sex_answers_map_to_administrative_gender(sex, gender):
    sub = samples.submission(patients.answers(patient__sex=sex), None)
    patient = ft.patient(sub)
    assert patient["gender"] == gender
    assert "RiskAssessment" not in _by_type(ft.transaction(sub, BANK))  # unscored: no assessment


def test_the_streamed_file_is_the_transaction_dict():
    subs = list(submissions(6))
    data = formats.get("fhir-transaction").to_bytes(iter(subs))
    assert json.loads(data) == ft.transaction(subs, BANK)
    assert formats.get("fhir-transaction").one_to_bytes(subs[0]) == formats.get(
        "fhir-transaction").to_bytes([subs[0]])


def test_the_npm_fhir_validator_finds_no_error_and_no_warning(fhir_validate):  # noqa: F811
    subs = list(submissions(4))
    unscored = samples.submission(patients.answers(patient__sex="prefer_not"), None)
    bundle = ft.transaction([with_mrn(subs[0], "MRN-0042"), with_mrn(subs[1], "MRN-0042"),
                             subs[2], subs[3], unscored], BANK)
    assert fhir_validate(bundle, "transaction") == {"valid": True, "messages": []}
