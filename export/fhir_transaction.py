"""An EHR-ready FHIR ``transaction`` Bundle: what a record system needs to file a submission.

Per submission, three entries (fullUrls are ``urn:uuid:`` values, so the server links them as it
creates them):

- ``Patient``: the name as typed (``name.text``), ``birthDate``, ``gender`` (female, male,
  other; "prefer not to say" is ``unknown``) and, when the submission has a medical record number
  (``Submission.mrn``, read only when the record has it), an ``identifier`` of type ``MR``.
  With an MRN the entry is a conditional create: ``POST Patient`` with
  ``ifNoneExist: identifier=<system>|<mrn>``, so a patient the EHR already holds is referenced,
  never created twice nor overwritten. Without one it is a plain ``POST``.
- ``QuestionnaireResponse``: the answers (``export.fhir.response_dict``) with ``subject``
  referencing the Patient and ``questionnaire`` the canonical ``url|version``. ``POST`` with
  ``ifNoneExist`` on the submission identifier, so sending the same file twice files it once.
- ``RiskAssessment`` (scored submissions): the scoring result (``export.fhir.risk_assessment``)
  with ``subject`` the Patient and ``basis`` the QuestionnaireResponse. ``POST``.

A list of submissions is one transaction with these entries for each; submissions of one MRN
share one Patient entry. Resources are plain dicts written as they come; the tests validate
their shape with fhir.resources and the npm ``fhir`` validator.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from export import fhir
from questionnaire.bank import Bank, load_bank
from vocabulary import Submission

MRN_SYSTEM = "urn:botox-screener:mrn"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
GENDER = {"female": "female", "male": "male", "other": "other", "prefer_not": "unknown"}
_NAMESPACE = uuid.UUID("0b7e6f52-41c4-4d55-9a3e-5e1f0c2b7d90")


def mrn(sub: Submission) -> str | None:
    """The medical record number when the record carries one (a later store field), else None."""
    value = getattr(sub, "mrn", None)
    return str(value).strip() or None if value else None


def _urn(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, kind + '|' + key)}"


def patient_url(sub: Submission) -> str:
    number = mrn(sub)
    return _urn("patient-mrn", number) if number else _urn("patient-of", sub.id)


def patient(sub: Submission) -> dict:
    data: dict = {"resourceType": "Patient"}
    number = mrn(sub)
    if number:
        data["identifier"] = [{"type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MR",
                                                    "display": "Medical record number"}]},
                               "system": MRN_SYSTEM, "value": number}]
    if sub.name.strip():
        data["name"] = [{"text": sub.name}]
    gender = GENDER.get(str(sub.answers.get("patient.sex")))
    if gender:
        data["gender"] = gender
    if sub.answers.get("patient.birth_date"):
        data["birthDate"] = str(sub.answers["patient.birth_date"])
    return data


def _patient_entry(sub: Submission) -> dict:
    number = mrn(sub)
    request = {"method": "POST", "url": "Patient"}
    if number:
        request["ifNoneExist"] = f"identifier={MRN_SYSTEM}|{number}"
    return {"fullUrl": patient_url(sub), "resource": patient(sub), "request": request}


def _response(sub: Submission, bank: Bank) -> dict:
    data = fhir.response_dict(sub, bank)
    for key in ("id", "contained", "extension"):  # the result travels as its own resource here
        data.pop(key, None)
    data["subject"] = {"reference": patient_url(sub), "display": sub.name or "(no name)"}
    return data


def _risk(sub: Submission, bank: Bank, response_url: str) -> dict:
    data = fhir.risk_assessment(sub, bank)
    data.pop("id", None)
    data["subject"] = {"reference": patient_url(sub), "display": sub.name or "(no name)"}
    data["basis"] = [{"reference": response_url}]
    return data


def entries(sub: Submission, bank: Bank, with_patient: bool = True) -> list[dict]:
    """The transaction entries of one submission (its Patient first unless already sent)."""
    response_url = _urn("response", sub.id)
    out = [_patient_entry(sub)] if with_patient else []
    out.append({"fullUrl": response_url, "resource": _response(sub, bank),
                "request": {"method": "POST", "url": "QuestionnaireResponse",
                            "ifNoneExist": f"identifier={fhir.SUBMISSION_SYSTEM}|{sub.id}"}})
    if sub.result is not None:
        out.append({"fullUrl": _urn("risk", sub.id), "resource": _risk(sub, bank, response_url),
                    "request": {"method": "POST", "url": "RiskAssessment"}})
    return out


def _all_entries(subs: Iterable[Submission], bank: Bank) -> Iterator[dict]:
    sent: set[str] = set()  # patient fullUrls already in the bundle (one per MRN)
    for sub in subs:
        url = patient_url(sub)
        yield from entries(sub, bank, with_patient=url not in sent)
        sent.add(url)


def transaction(subs: Submission | Iterable[Submission], bank: Bank | None = None) -> dict:
    """The transaction Bundle as a plain dict."""
    bank = bank or load_bank()
    subs = [subs] if isinstance(subs, Submission) else subs
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(_all_entries(subs, bank))}


def write_transaction(subs: Iterable[Submission], out: BinaryIO, bank: Bank | None = None) -> None:
    """The transaction Bundle, written entry by entry as the submissions come."""
    bank = bank or load_bank()
    fhir.write_entries(out, {"resourceType": "Bundle", "type": "transaction"}, _all_entries(subs, bank))
