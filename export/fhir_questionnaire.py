"""The item bank as a FHIR R4B ``Questionnaire`` (validated with fhir.resources R4B models).

Mapping (docs/exports.md, "FHIR"):
- one ``group`` per bank section (linkId = section id), holding its items; linkId = item id;
- yn -> choice with answerOption yes/no/unsure; choice -> choice; multi -> choice, repeats;
  int/nrs -> integer with minValue/maxValue extensions (nrs also a slider itemControl);
  text -> string (text when multi-line) with maxLength; date -> date;
- English text with the Spanish as a translation extension on ``_text`` (also titles, option
  displays and help texts, which are ``display`` children with itemControl "help");
- asked-when conditions -> enableWhen where one suffices (see ``enable_when``): "`X` ∈ {…}" and
  "`X` includes c, d" are one enableWhen per code with enableBehavior "any". A condition FHIR's
  enableWhen cannot say exactly (the *age* ≥ 50 condition, or a mix of "and" and "or") has no
  enableWhen (SDC: the extension is only permitted when the item has no enableWhen) and is
  carried as an SDC ``enableWhenExpression`` (a FHIRPath boolean over the response; the age is
  computed from the ``patient.birth_date`` answer on ``today()``, the day the form is filled,
  which is the scoring date of a kiosk visit), plus the exact bank condition as JSON under
  ``EXT_ASKED_WHEN``.
- ``answer_display(item, code, bank)`` is the display text of an answer code, the same string
  the Questionnaire's answerOption carries, for QuestionnaireResponse answers (a renderer such as
  LHC-Forms matches an answer to its option by code *and* display).
"""

from __future__ import annotations

import json
from dataclasses import asdict

from fhir.resources.R4B.questionnaire import Questionnaire

from questionnaire.bank import YN_CODES, Bank, Item, load_bank
from questionnaire.conditions import Condition

QUESTIONNAIRE_URL = "urn:botox-screener:questionnaire"
ITEM_SYSTEM = "urn:botox-screener:item"  # item.code: code = item id, display = clinician label
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
ENABLE_WHEN_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
EXT_ASKED_WHEN = "urn:botox-screener:fhir:asked-when"
HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
RETIRED_GROUP = "retired-v2"  # the v2 questions retired in v3: read-only, hidden, never asked
FHIR_TYPES = {"yn": "choice", "choice": "choice", "multi": "choice", "int": "integer", "nrs": "integer",
              "date": "date"}


def answer_system(item_id: str) -> str:
    """The code system of one item's answer codes (codes are unique only within an item)."""
    return f"{ITEM_SYSTEM}:{item_id}"


def translated(texts: dict, key: str) -> dict:
    """``{key: English, _key: {translation extension: Spanish}}`` from a {language: text} table."""
    return {key: texts["en"], f"_{key}": {"extension": [{"url": TRANSLATION, "extension": [
        {"url": "lang", "valueCode": "es"}, {"url": "content", "valueString": texts["es"]}]}]}}


# -- asked-when conditions ------------------------------------------------------------------------

def _equals(item_id: str, value: str) -> dict:
    return {"question": item_id, "operator": "=",
            "answerCoding": {"system": answer_system(item_id), "code": value}}


def _flat(cond: Condition, gates) -> tuple[list[dict], str | None] | None:
    """(enableWhen list, behaviour) saying exactly ``cond``, or None when FHIR cannot."""
    if cond.kind == "gate":
        return _flat(gates[cond.gate], gates)
    if cond.kind in ("in", "includes"):
        checks = [_equals(cond.item, v) for v in cond.values]
        return checks, ("any" if len(checks) > 1 else None)
    if cond.kind in ("min", "below"):
        return [{"question": cond.item, "operator": ">=" if cond.kind == "min" else "<",
                 "answerInteger": cond.number}], None
    if cond.kind == "age_min":
        return None  # the age is computed from a date: no enableWhen can say it
    parts = [_flat(p, gates) for p in cond.parts]
    if any(p is None for p in parts):
        return None
    if cond.kind == "any" and all(b in (None, "any") for _, b in parts):
        return [c for checks, _ in parts for c in checks], "any"
    if cond.kind == "all" and all(b in (None, "all") for _, b in parts):
        return [c for checks, _ in parts for c in checks], "all"
    return None


def _fhirpath(cond: Condition, gates) -> str:
    """``cond`` as a FHIRPath boolean over the response (SDC enableWhenExpression)."""
    if cond.kind == "gate":
        return _fhirpath(gates[cond.gate], gates)
    if cond.kind in ("any", "all"):
        joiner = " or " if cond.kind == "any" else " and "
        return "(" + joiner.join(_fhirpath(p, gates) for p in cond.parts) + ")"
    answers = f"%resource.repeat(item).where(linkId = '{cond.item}').answer.value"
    if cond.kind == "age_min":  # whole years on today() at least N; false with no birth date
        return f"{answers}.where(($this + {cond.number} years) <= today()).exists()"
    if cond.kind in ("in", "includes"):
        codes = " | ".join(f"'{v}'" for v in cond.values)
        return f"{answers}.code.intersect({codes}).exists()"
    operator = ">=" if cond.kind == "min" else "<"
    return f"{answers}.where($this {operator} {cond.number}).exists()"


def _condition_json(cond: Condition) -> str:
    def strip(data: dict) -> dict:
        return {k: ([strip(p) for p in v] if k == "parts" else v)
                for k, v in data.items() if v not in (None, ())}
    return json.dumps(strip(asdict(cond)), ensure_ascii=False, sort_keys=True)


def enable_when(cond: Condition | None, gates) -> dict:
    """The Questionnaire.item fields that make the item enabled exactly when ``cond`` holds."""
    if cond is None:
        return {}
    flat = _flat(cond, gates)
    if flat is not None:
        checks, behaviour = flat
        return {"enableWhen": checks} | ({"enableBehavior": behaviour} if behaviour else {})
    return {"extension": [
        {"url": ENABLE_WHEN_EXPRESSION,
         "valueExpression": {"language": "text/fhirpath", "expression": _fhirpath(cond, gates)}},
        {"url": EXT_ASKED_WHEN, "valueString": _condition_json(cond)}]}


# -- items ----------------------------------------------------------------------------------------

def _option_texts(item: Item, bank: Bank) -> list[tuple[str, dict]]:
    """(code, {language: text}) of every valid answer code, the hidden v2 ones included (so a
    stored v2 response still matches an option)."""
    if item.type == "yn":
        return [(code, bank.yn_text[code]) for code in item.codes]
    return [(o.code, o.text) for o in item.options]


def answer_display(item: Item, code: str, bank: Bank) -> str | None:
    """The Questionnaire's display of ``code`` for ``item`` (its English text), or None."""
    return next((texts["en"] for c, texts in _option_texts(item, bank) if c == code), None)


def _options(item: Item, bank: Bank) -> list[dict]:
    options = []
    for code, texts in _option_texts(item, bank):
        coding = {"system": answer_system(item.id), "code": code} | translated(texts, "display")
        option = {"valueCoding": coding}
        if code in item.exclusive:
            option["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
        options.append(option)
    return options


def _type_fields(item: Item, bank: Bank) -> dict:
    if item.type == "text":
        return {"type": "text" if item.multiline else "string", "maxLength": item.max_len}
    fields: dict = {"type": FHIR_TYPES[item.type]}
    if item.type in ("yn", "choice", "multi"):
        fields["answerOption"] = _options(item, bank)
        fields["repeats"] = item.type == "multi"
    if item.type in ("int", "nrs"):
        fields["extension"] = [{"url": MIN_VALUE, "valueInteger": item.minimum},
                               {"url": MAX_VALUE, "valueInteger": item.maximum}]
        if item.type == "nrs":
            fields["extension"].append({"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
                {"system": ITEM_CONTROL_SYSTEM, "code": "slider"}]}})
    return fields


def question(item: Item, bank: Bank) -> dict:
    """One bank item as a Questionnaire.item dict."""
    data = {"linkId": item.id, "code": [{"system": ITEM_SYSTEM, "code": item.id, "display": item.label}]}
    data |= translated(item.text, "text")
    data |= _type_fields(item, bank)
    data["required"] = not item.optional
    condition = enable_when(item.when, bank.gates)
    data["extension"] = data.get("extension", []) + condition.pop("extension", [])
    data |= condition
    if not data["extension"]:
        del data["extension"]
    if item.help:
        data["item"] = [{"linkId": f"{item.id}.help", "type": "display", **translated(item.help, "text"),
                         "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
                             {"system": ITEM_CONTROL_SYSTEM, "code": "help"}]}}]}]
    return data


def _retired_group(bank: Bank) -> list[dict]:
    """A hidden, read-only group of the retired v2 yes/no questions, so that the response of a
    stored v2 submission keeps its answers to them and still matches this Questionnaire."""
    if not bank.retired:
        return []
    def options(item_id: str) -> list[dict]:
        return [{"valueCoding": {"system": answer_system(item_id), "code": code,
                                 "display": bank.yn_text[code]["en"]}} for code in YN_CODES]
    items = [{"linkId": r.id, "code": [{"system": ITEM_SYSTEM, "code": r.id, "display": r.label}],
              "text": r.label, "type": "choice", "readOnly": True, "required": False,
              "answerOption": options(r.id)} for r in bank.retired.values()]
    return [{"linkId": RETIRED_GROUP, "type": "group", "text": "Answers to v2 questions retired in v3",
             "readOnly": True, "extension": [{"url": HIDDEN, "valueBoolean": True}], "item": items}]


def questionnaire_dict(bank: Bank | None = None) -> dict:
    bank = bank or load_bank()
    groups = []
    for section in bank.sections:
        items = [question(i, bank) for i in bank.in_section(section.id)]
        if items:
            groups.append({"linkId": section.id, "type": "group", **translated(section.title, "text"),
                           "item": items})
    groups += _retired_group(bank)
    return {
        "resourceType": "Questionnaire", "id": "botox-screener", "url": QUESTIONNAIRE_URL,
        "version": bank.version, "name": "BotoxScreener", "language": "en", "status": "active",
        **translated({"en": "Pain clinic screening questionnaire",
                      "es": "Cuestionario de evaluación de la clínica del dolor"}, "title"),
        "subjectType": ["Patient"], "item": groups,
    }


def questionnaire(bank: Bank | None = None) -> Questionnaire:
    """The bank as a validated R4B ``Questionnaire``."""
    return Questionnaire.model_validate(questionnaire_dict(bank))
