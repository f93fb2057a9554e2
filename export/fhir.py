"""Submissions as FHIR R4B resources: plain dicts written as JSON (their shape validated by the
fhir.resources R4B models in the tests; ``questionnaire_response`` and ``bundle`` return models).

- ``questionnaire_response(sub)``: a ``QuestionnaireResponse`` whose items mirror the
  Questionnaire (one group per section; linkId = item id; item text = the Questionnaire's),
  answers typed (valueCoding with the item's answer system, the code and exactly the
  Questionnaire's display for it; valueInteger, valueString, valueDate; a multi answer is
  several answers; a text of nothing but white space such as U+2028, which FHIR's string cannot
  hold, is a text/plain valueAttachment). The subject is a display-only reference (the patient's
  name as typed). Answers to v2 ids the bank retired sit in a group of their own.
- The scoring result travels inside it as a contained ``RiskAssessment`` (id "scoring",
  referenced by the extension ``EXT_SCORING``): one prediction per indication (outcome =
  indication, qualitativeRisk = the standard risk-probability code of the match, the match
  itself, ``suggested`` and the evidence direction as extensions, rationale = evidence and
  reasons), the triage as ``EXT_TRIAGE``, the derived scores (PEG, PHQ-2, GAD-2, preventive
  classes) as extensions, red and safety flags named in a note, the exact result JSON as
  ``EXT_RESULT`` (as stored), and ``EXT_RESCORE`` (valueBoolean: true when the result was saved by
  a later re-score, which is never a new alert).
- ``write_bundle(subs, out)`` (``bundle_dict``, ``bundle``): a ``Bundle`` of type collection, written
  entry by entry as compact JSON: the Questionnaire, the CodeSystems our own
  codes come from (``export.fhir_codes``), then one response per submission.
- ``answers_from_response`` and ``result_from_response`` read them back.
"""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from collections.abc import Iterable
from datetime import date
from typing import BinaryIO

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from export import fhir_codes, summary
from export.fhir_codes import DIRECTION_SYSTEM, INDICATION_SYSTEM, MATCH_SYSTEM
from export.fhir_questionnaire import (
    QUESTIONNAIRE_URL,
    RETIRED_GROUP,
    answer_display,
    answer_system,
    questionnaire_dict,
)
from questionnaire.bank import Bank, Item, load_bank
from vocabulary import IndicationResult, ScreeningResult, Submission, result_from_dict

SUBMISSION_SYSTEM = "urn:botox-screener:submission"
RULES_SYSTEM = "urn:botox-screener:rules-version"
EXT_SCORING = "urn:botox-screener:fhir:scoring"
EXT_TRIAGE = "urn:botox-screener:fhir:triage"
EXT_RESULT = "urn:botox-screener:fhir:scoring-result"
EXT_RESCORE = "urn:botox-screener:fhir:rescore"  # valueBoolean: saved by a later re-score, never an alert
EXT_MATCH = "urn:botox-screener:fhir:match"
EXT_SUGGESTED = "urn:botox-screener:fhir:suggested"
EXT_DIRECTION = "urn:botox-screener:fhir:evidence-direction"
EXT_SCORE = "urn:botox-screener:fhir:score:"  # + peg, phq2, gad2, preventive_classes
EXT_PREVENTIVE_CLASS = "urn:botox-screener:fhir:preventive-class"
YN_DISPLAY = {"yes": "Yes", "no": "No", "unsure": "Unsure"}
UNLISTED_GROUP = "unlisted"  # answers to ids the current bank does not know at all
_NAMESPACE = uuid.UUID("6f1c1d1e-8a4b-4f59-9a57-2b0c7f0e5a11")
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_FHIR_STRING = re.compile(r"[ \r\n\t\S]")  # the R4 string type: at least one of these
TEXT_ATTACHMENT = "text/plain; charset=utf-8"


def fhir_id(value: str) -> str:
    """``value`` when it is a valid FHIR id, else a stable UUID made from it."""
    return value if _FHIR_ID.match(value) else str(uuid.uuid5(_NAMESPACE, value))


def _typed(item: Item | None, value: object, bank: Bank, retired: str | None = None) -> list[dict]:
    """The FHIR answers of one stored answer (codes with the Questionnaire's own display)."""
    values = value if isinstance(value, list) else [value]
    if retired is not None and value in YN_DISPLAY:
        return [{"valueCoding": {"system": answer_system(retired), "code": value,
                                 "display": bank.yn_text[value]["en"]}}]
    if item is not None and item.type in ("yn", "choice", "multi"):
        answers = []
        for code in values:
            display = answer_display(item, str(code), bank) or YN_DISPLAY.get(code, str(code))
            coding = {"system": answer_system(item.id), "code": code, "display": display}
            answers.append({"valueCoding": coding})
        return answers
    if item is not None and item.type == "date":
        return [{"valueDate": value}]
    out = []
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool):
            out.append({"valueInteger": v})
        else:
            out.append(_text_answer(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)))
    return out


def _text_answer(text: str) -> dict:
    """valueString, or for text FHIR's string cannot hold (only white space such as U+2028 or
    U+00A0, which the optional 500-character texts allow) the exact UTF-8 as a text attachment."""
    if _FHIR_STRING.search(text):
        return {"valueString": text}
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return {"valueAttachment": {"contentType": TEXT_ATTACHMENT, "data": data}}


def _items(sub: Submission, bank: Bank) -> list[dict]:
    groups = []
    for section in bank.sections:
        answered = [i for i in bank.in_section(section.id) if i.id in sub.answers]
        if answered:
            groups.append({"linkId": section.id, "text": section.title["en"], "item": [
                {"linkId": i.id, "text": i.text["en"], "answer": _typed(i, sub.answers[i.id], bank)}
                for i in answered]})
    retired = [k for k in sub.answers if not bank.has(k) and k in bank.retired]
    if retired:
        groups.append({"linkId": RETIRED_GROUP, "text": "Answers to v2 questions retired in v3",
                       "item": [{"linkId": k, "text": bank.retired[k].label,
                                 "answer": _typed(None, sub.answers[k], bank, k)} for k in retired]})
    unlisted = [k for k in sub.answers if not bank.has(k) and k not in bank.retired]
    if unlisted:
        groups.append({"linkId": UNLISTED_GROUP, "text": "Answers to items not in this questionnaire version",
                       "item": [{"linkId": k, "answer": _typed(None, sub.answers[k], bank)}
                                for k in unlisted]})
    return groups


def _rationale(ind: IndicationResult) -> str:
    reasons = " ".join(f"- {r.text}" for r in ind.reasons)
    return f"Evidence: {ind.evidence.value}. {ind.evidence_text} Reasons: {reasons}".strip()


def _prediction(ind: IndicationResult) -> dict:
    match = ind.match.value
    return {
        "extension": [{"url": EXT_MATCH, "valueCoding": fhir_codes.coding(MATCH_SYSTEM, match)},
                      {"url": EXT_SUGGESTED, "valueBoolean": ind.suggested},
                      {"url": EXT_DIRECTION,
                       "valueCoding": fhir_codes.coding(DIRECTION_SYSTEM, ind.evidence_direction.value)}],
        "outcome": {"coding": [fhir_codes.coding(INDICATION_SYSTEM, ind.id)]},
        "qualitativeRisk": {"coding": [fhir_codes.risk_probability(match)], "text": match},
        "rationale": _rationale(ind),
    }


def _scores(sub: Submission) -> list[dict]:
    """The derived scores as extensions (an unanswered score is left out, never 0)."""
    scores = summary.derived_scores(sub)
    out = [{"url": EXT_SCORE + "peg", "valueDecimal": scores["peg"]}] if scores["peg"] is not None else []
    out += [{"url": EXT_SCORE + key, "valueInteger": scores[key]}
            for key in ("phq2", "gad2", "preventive_classes") if scores[key] is not None]
    out += [{"url": EXT_PREVENTIVE_CLASS, "valueCode": name} for name in scores["preventive_class_names"]]
    return out


def _flag_note(result: ScreeningResult, bank: Bank) -> list[str]:
    flags = [f"red flag {f.id} ({f.level.value}, {f.answer}): {summary.red_flag_words(bank, f)}"
             for f in result.red_flags]
    flags += [f"safety {f.id} ({f.level.value}): {summary.safety_words(bank, f)}"
              for f in summary.safety_in_order(result)]
    return flags + [f"note {n.id}" for n in result.notes]


def risk_assessment(sub: Submission, bank: Bank | None = None) -> dict:
    """The scoring result of ``sub`` (a scored one) as a RiskAssessment dict (id "scoring")."""
    bank = bank or load_bank()
    result = sub.result
    flags = _flag_note(result, bank)
    data = {
        "resourceType": "RiskAssessment", "id": "scoring", "status": "final",
        "extension": [{"url": EXT_TRIAGE, "valueCode": result.triage.value}, *_scores(sub),
                      {"url": EXT_RESULT, "valueString": json.dumps(result.as_stored(), ensure_ascii=False)},
                      {"url": EXT_RESCORE, "valueBoolean": result.rescore}],
        "subject": {"display": sub.name or "(no name)"},
        "occurrenceDateTime": sub.submitted_at.isoformat(),
        "method": {"coding": [{"system": RULES_SYSTEM, "code": sub.rules_version or "unknown"}]},
        "prediction": [_prediction(ind) for ind in result.indications],
    }
    if flags:
        data["note"] = [{"text": "; ".join(flags)}]
    return data


def response_dict(sub: Submission, bank: Bank | None = None) -> dict:
    bank = bank or load_bank()
    data = {
        "resourceType": "QuestionnaireResponse", "id": fhir_id(sub.id), "language": sub.language,
        "identifier": {"system": SUBMISSION_SYSTEM, "value": sub.id},
        "questionnaire": f"{QUESTIONNAIRE_URL}|{sub.questionnaire_version}",
        "status": "entered-in-error" if sub.void else "completed",
        "subject": {"display": sub.name or "(no name)"},
        "authored": sub.submitted_at.isoformat(), "item": _items(sub, bank),
    }
    if sub.result is not None:
        data["contained"] = [risk_assessment(sub, bank)]
        data["extension"] = [{"url": EXT_SCORING, "valueReference": {"reference": "#scoring"}}]
    return data


def questionnaire_response(sub: Submission, bank: Bank | None = None) -> QuestionnaireResponse:
    """One submission as a validated R4B ``QuestionnaireResponse`` (for tests and readers; the
    export itself writes the plain dict, whose shape the tests validate)."""
    return QuestionnaireResponse.model_validate(response_dict(sub, bank))


def _entry(sub: Submission, bank: Bank) -> dict:
    return {"fullUrl": f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'submission|' + sub.id)}",
            "resource": response_dict(sub, bank)}


def _head_entries(bank: Bank) -> list[dict]:
    entries = [{"fullUrl": f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'questionnaire|' + bank.version)}",
                "resource": questionnaire_dict(bank)}]
    return entries + [{"fullUrl": system, "resource": resource}
                      for system, resource in fhir_codes.code_systems()]


def bundle_dict(subs: Iterable[Submission], bank: Bank | None = None) -> dict:
    """The collection Bundle as a plain dict: the Questionnaire, our CodeSystems, the responses."""
    bank = bank or load_bank()
    entries = _head_entries(bank) + [_entry(s, bank) for s in subs]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def bundle(subs: Iterable[Submission], bank: Bank | None = None) -> Bundle:
    """The collection Bundle as a validated R4B model."""
    return Bundle.model_validate(bundle_dict(subs, bank))


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_entries(out: BinaryIO, head: dict, entries: Iterable[dict]) -> None:
    """A Bundle written entry by entry: ``head`` (resourceType, type ...) then ``"entry":[...]``.
    Compact JSON (json's C encoder; an indented dump runs its pure-Python one, 5x slower), one
    entry per line: the same document as ``json.dumps(head | {"entry": list(entries)})``."""
    out.write(_compact(head)[:-1].encode("utf-8") + b',"entry":[')
    first = True
    for entry in entries:
        out.write(b"\n" if first else b",\n")
        out.write(_compact(entry).encode("utf-8"))
        first = False
    out.write(b"]}\n" if first else b"\n]}\n")


def write_bundle(subs: Iterable[Submission], out: BinaryIO, bank: Bank | None = None) -> None:
    """The collection Bundle, one response written per submission as it comes."""
    bank = bank or load_bank()
    entries = (*_head_entries(bank),)
    write_entries(out, {"resourceType": "Bundle", "type": "collection"},
                  _chain(entries, (_entry(s, bank) for s in subs)))


def _chain(first: Iterable[dict], rest: Iterable[dict]) -> Iterable[dict]:
    yield from first
    yield from rest


def write_response(sub: Submission, out: BinaryIO, bank: Bank | None = None) -> None:
    out.write(_dumps(response_dict(sub, bank)).encode("utf-8"))


def to_fhir_json(subs: Submission | Iterable[Submission], bank: Bank | None = None) -> bytes:
    """UTF-8 JSON: one QuestionnaireResponse for one submission, a Bundle for a list."""
    out = io.BytesIO()
    if isinstance(subs, Submission):
        write_response(subs, out, bank)
    else:
        write_bundle(subs, out, bank)
    return out.getvalue()


# -- reading back ---------------------------------------------------------------------------------

def _walk(items) -> Iterable:
    for item in items or []:
        yield item
        yield from _walk(item.item)


def _value(answer) -> object:
    if answer.valueCoding is not None:
        return answer.valueCoding.code
    if answer.valueDate is not None:
        return answer.valueDate.isoformat() if isinstance(answer.valueDate, date) else str(answer.valueDate)
    if answer.valueInteger is not None:
        return answer.valueInteger
    if answer.valueAttachment is not None:  # fhir.resources hands base64Binary back decoded
        data = answer.valueAttachment.data
        return (data if isinstance(data, bytes) else base64.b64decode(data)).decode("utf-8")
    return answer.valueString


def answers_from_response(response: QuestionnaireResponse, bank: Bank | None = None) -> dict:
    """The answers document a response carries (multi items as lists of codes)."""
    bank = bank or load_bank()
    answers = {}
    for item in _walk(response.item):
        if not item.answer:
            continue
        values = [_value(a) for a in item.answer]
        multi = bank.has(item.linkId) and bank.item(item.linkId).type == "multi"
        answers[item.linkId] = values if multi or len(values) > 1 else values[0]
    return answers


def result_from_response(response: QuestionnaireResponse) -> ScreeningResult | None:
    """The exact scoring result carried by the contained RiskAssessment (marked when it was a
    re-score), or None."""
    for resource in response.contained or []:
        if resource.get_resource_type() == "RiskAssessment":
            found = {ext.url: ext for ext in resource.extension or []}
            if EXT_RESULT in found:
                rescore = EXT_RESCORE in found and found[EXT_RESCORE].valueBoolean is True
                return result_from_dict(json.loads(found[EXT_RESULT].valueString), rescore=rescore)
    return None
