"""FHIR R4 (R4B models): the Questionnaire, responses and bundles, parsed back by fhir.resources."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import patients
import pytest
import samples
from conftest import AS_OF
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhirpathpy import evaluate
from fhirpathpy.models import models
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answers_documents

from export import fhir
from export import fhir_questionnaire as fq
from questionnaire.answers import check_answers
from questionnaire.bank import load_bank
from questionnaire.conditions import parse_condition

BANK = load_bank()
Q_JSON = json.loads(fq.questionnaire(BANK).model_dump_json(exclude_none=True))
TYPES = {"yn": ("choice", False), "choice": ("choice", False), "multi": ("choice", True),
         "int": ("integer", None), "nrs": ("integer", None), "date": ("date", None)}


@pytest.fixture(scope="module")
def q_json(bank) -> dict:
    return json.loads(fq.questionnaire(bank).model_dump_json(exclude_none=True))


def _questions(q: dict) -> list[dict]:
    """The questions of the bank's sections (not the hidden group of retired v2 questions)."""
    return [i for group in q["item"] if group["linkId"] != fq.RETIRED_GROUP for i in group["item"]]


def _ext(node: dict, url: str):
    return next((e for e in node.get("extension", []) if e["url"] == url), None)


def _spanish(node: dict, key: str) -> str:
    ext = _ext(node[f"_{key}"], fq.TRANSLATION)
    parts = {p["url"]: p for p in ext["extension"]}
    assert parts["lang"]["valueCode"] == "es"
    return parts["content"]["valueString"]


# -- the Questionnaire ---------------------------------------------------------------------------

def test_questionnaire_validates_and_parses_back(bank, q_json):
    again = Questionnaire.model_validate_json(json.dumps(q_json))
    assert again.version == bank.version and again.url == fq.QUESTIONNAIRE_URL
    assert [i["linkId"] for i in _questions(q_json)] == [i.id for i in bank.items]
    assert [g["linkId"] for g in q_json["item"]] == [s.id for s in bank.sections] + [fq.RETIRED_GROUP]


def test_retired_v2_questions_are_a_hidden_read_only_group(bank, q_json):
    group = q_json["item"][-1]
    assert group["readOnly"] is True and _ext(group, fq.HIDDEN)["valueBoolean"] is True
    expected = [(r.id, r.label) for r in bank.retired.values()]
    assert [(i["linkId"], i["text"]) for i in group["item"]] == expected
    assert {i["linkId"] for i in group["item"]}.isdisjoint(i.id for i in bank.items)


def test_every_item_is_typed_and_translated(bank, q_json):
    for item, q in zip(bank.items, _questions(q_json), strict=True):
        if item.type == "text":
            assert q["type"] == ("text" if item.multiline else "string")
            assert q["maxLength"] == item.max_len
        else:
            fhir_type, repeats = TYPES[item.type]
            assert q["type"] == fhir_type
            assert q.get("repeats", None) == repeats
        assert (q["text"], _spanish(q, "text")) == (item.text["en"], item.text["es"])
        assert q["code"][0]["display"] == item.label
        assert q["required"] is (not item.optional)
        if item.type in ("int", "nrs"):
            assert _ext(q, fq.MIN_VALUE)["valueInteger"] == item.minimum
            assert _ext(q, fq.MAX_VALUE)["valueInteger"] == item.maximum
        if item.type in ("yn", "choice", "multi"):
            codes = [o["valueCoding"]["code"] for o in q["answerOption"]]
            assert codes == list(item.codes)
            texts = [bank.yn_text[c] if item.type == "yn" else item.option(c).text for c in codes]
            assert [(o["valueCoding"]["display"], _spanish(o["valueCoding"], "display"))
                    for o in q["answerOption"]] == [(t["en"], t["es"]) for t in texts]
        if item.help:
            assert _spanish(q["item"][0], "text") == item.help["es"]


def test_yn_items_offer_yes_no_unsure_and_none_is_exclusive(q_json):
    by_id = {q["linkId"]: q for q in _questions(q_json)}
    codes = [o["valueCoding"]["code"] for o in by_id["rf.thunderclap"]["answerOption"]]
    assert codes == ["yes", "no", "unsure"]
    none = [o for o in by_id["ha.preventives"]["answerOption"] if o["valueCoding"]["code"] == "none"][0]
    assert _ext(none, fq.OPTION_EXCLUSIVE)["valueBoolean"] is True


def _response(answers: dict) -> dict:
    """A bare QuestionnaireResponse holding ``answers`` (typed as FHIR types them)."""
    def value(v):
        if isinstance(v, int):
            return {"valueInteger": v}
        if isinstance(v, str) and len(v) == 10 and v[4] == "-":
            return {"valueDate": v}
        return {"valueCoding": {"code": v}}
    items = [{"linkId": k, "answer": [value(v) for v in (vs if isinstance(vs, list) else [vs])]}
             for k, vs in answers.items()]
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "item": [{"linkId": "g", "item": items}]}


def _enabled(q: dict, answers: dict) -> bool:
    """FHIR R4 enableWhen semantics, written out independently of the exporter; an SDC
    enableWhenExpression is evaluated by fhirpathpy (a FHIRPath engine) over the response."""
    expression = _ext(q, fq.ENABLE_WHEN_EXPRESSION)
    if expression is not None:
        assert "enableWhen" not in q  # SDC: only permitted when the item has no enableWhen
        qr = _response(answers)
        result = evaluate(qr, expression["valueExpression"]["expression"], {"resource": qr}, models["r4"])
        assert result in ([True], [False]), result  # SDC: the expression must give a boolean
        return result == [True]
    if "enableWhen" not in q:
        return True
    results = []
    for check in q["enableWhen"]:
        given_ = answers.get(check["question"])
        values = given_ if isinstance(given_, list) else ([] if given_ is None else [given_])
        if "answerCoding" in check:
            results.append(any(v == check["answerCoding"]["code"] for v in values))
        else:
            n = check["answerInteger"]
            ints = [v for v in values if isinstance(v, int)]
            results.append(any(v >= n if check["operator"] == ">=" else v < n for v in ints))
    assert len(results) == 1 or q["enableBehavior"] in ("any", "all")
    return any(results) if q.get("enableBehavior") == "any" else all(results)


def _loose_value(item):
    """Any value of the item's kind (validity does not matter for asked-when)."""
    if item.type in ("yn", "choice"):
        return st.sampled_from(item.codes)
    if item.type == "multi":
        return st.lists(st.sampled_from(item.codes), min_size=1, max_size=3, unique=True)
    if item.type in ("int", "nrs"):
        return st.integers(item.minimum, item.maximum)
    if item.type == "date":  # ages around every age threshold, on the day the form is filled
        return st.integers(0, 120 * 366).map(lambda days: (date.today() - timedelta(days=days)).isoformat())
    return st.just("x")


@given(st.fixed_dictionaries({}, optional={i.id: _loose_value(i) for i in BANK.items}))
def test_enable_when_agrees_with_the_bank_on_any_answers(answers):
    for item, q in zip(BANK.items, _questions(Q_JSON), strict=True):  # the form is filled today
        assert _enabled(q, answers) == BANK.is_asked(item, answers, date.today()), item.id


@pytest.mark.parametrize(("years", "days", "asked"),
                         [(50, 0, True), (50, -1, False), (49, 0, False), (80, 3, True)])
def test_the_age_condition_is_an_sdc_expression_exact_on_the_birthday(q_json, years, days, asked):
    today = date.today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    born = (birthday - timedelta(days=days)).isoformat()
    for item_id in ("rf.jaw_claudication", "rf.scalp_tender"):
        q = {q["linkId"]: q for q in _questions(q_json)}[item_id]
        assert _ext(q, fq.ENABLE_WHEN_EXPRESSION)["valueExpression"]["language"] == "text/fhirpath"
        assert _enabled(q, {"patient.birth_date": born}) is asked
        assert BANK.is_asked(item_id, {"patient.birth_date": born}, today) is asked
    assert _enabled(q, {}) is False  # no birth date: not asked


def test_low_back_gate_is_any_of_five_checks(q_json):
    saddle = {q["linkId"]: q for q in _questions(q_json)}["rf.saddle"]
    assert saddle["enableBehavior"] == "any"
    pairs = [(c["question"], c["answerCoding"]["code"]) for c in saddle["enableWhen"]]
    assert pairs == [("back.pain", "yes"), ("back.pain", "unsure"), ("pain.regions", "lower_back"),
                     ("pain.regions", "buttocks_hips"), ("pain.regions", "legs")]


@pytest.mark.parametrize(("raw", "exact"), [
    ({"item": "a", "in": ["yes"]}, True),
    ({"item": "a", "min": 1}, True),
    ({"all": [{"item": "a", "in": ["yes"]}, {"item": "b", "below": 12}]}, True),
    ({"any": [{"item": "a", "in": ["yes", "unsure"]}, {"item": "b", "includes": ["x", "y"]}]}, True),
    ({"all": [{"item": "a", "in": ["yes", "unsure"]}, {"item": "b", "min": 3}]}, False),
    ({"any": [{"all": [{"item": "a", "in": ["yes"]}, {"item": "b", "min": 3}]}, {"item": "c", "in": ["no"]}]},
     False),
])
def test_conditions_fhir_cannot_say_carry_an_expression_and_the_exact_condition(raw, exact):
    cond = parse_condition(raw, "test")
    fields = fq.enable_when(cond, {})
    assert ("enableWhen" in fields) is exact
    if not exact:
        urls = [e["url"] for e in fields["extension"]]
        assert urls == [fq.ENABLE_WHEN_EXPRESSION, fq.EXT_ASKED_WHEN]
        assert parse_condition(_json_condition(fields["extension"][1]["valueString"]), "t") == cond
        assert "%resource.repeat(item)" in fields["extension"][0]["valueExpression"]["expression"]


def _json_condition(text: str) -> dict:
    """The exporter's JSON of a Condition back into the bank's TOML shape."""
    data = json.loads(text)
    kind = data["kind"]
    if kind in ("any", "all"):
        return {kind: [_json_condition(json.dumps(p)) for p in data["parts"]]}
    arg = data["number"] if kind in ("min", "below") else data["values"]
    return {"item": data["item"], kind: arg}


# -- responses -----------------------------------------------------------------------------------

def _round_trip(sub, bank) -> QuestionnaireResponse:
    raw = fhir.to_fhir_json(sub, bank)
    return QuestionnaireResponse.model_validate_json(raw)


UNICODE_NAMES = ["José Núñez Peña", "محمد علي", "Zoë 😀👍🏽", "=HYPERLINK(\"x\")", "  Ana  "]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_response_round_trips_answers_exactly(bank, name):
    doc = patients.spanish_migraine() | {"patient.name": name,
                                        "visit.concern": "Línea 1\r\nLínea 2 — «dolor» 🙁\n"}
    sub = samples.scored(doc)
    back = _round_trip(sub, bank)
    assert fhir.answers_from_response(back, bank) == doc
    assert back.subject.display == name
    assert back.identifier.value == sub.id and back.language == "es"
    assert back.questionnaire == f"{fq.QUESTIONNAIRE_URL}|{sub.questionnaire_version}"


def test_response_keeps_the_scoring_result_retrievable(bank):
    sub = samples.scored(patients.spanish_migraine())
    back = _round_trip(sub, bank)
    assert fhir.result_from_response(back) == sub.result
    risk = back.contained[0]
    assert risk.get_resource_type() == "RiskAssessment"
    triage = [e.valueCode for e in risk.extension if e.url == fhir.EXT_TRIAGE]
    assert triage == [sub.result.triage]
    def ext(node, url):
        return next(e for e in node.extension if e.url == url)
    matches = {p.outcome.coding[0].code: ext(p, fhir.EXT_MATCH).valueCoding.code for p in risk.prediction}
    assert matches == {i.id: i.match for i in sub.result.indications}
    by_id = {p.outcome.coding[0].code: p for p in risk.prediction}
    suggested = {i: ext(p, fhir.EXT_SUGGESTED).valueBoolean for i, p in by_id.items()}
    assert suggested == {i.id: i.suggested for i in sub.result.indications}
    directions = {i: ext(p, fhir.EXT_DIRECTION).valueCoding.code for i, p in by_id.items()}
    assert directions == {i.id: i.evidence_direction for i in sub.result.indications}
    risk_codes = {p.qualitativeRisk.coding[0].system for p in risk.prediction}
    assert risk_codes == {"http://terminology.hl7.org/CodeSystem/risk-probability"}
    scores = {e.url.removeprefix(fhir.EXT_SCORE): e.valueDecimal or e.valueInteger for e in risk.extension
              if e.url.startswith(fhir.EXT_SCORE)}
    assert scores == {"peg": sub.result.peg, "phq2": sub.result.phq2, "gad2": sub.result.gad2,
                      "preventive_classes": 1}
    assert [e.valueCode for e in risk.extension if e.url == fhir.EXT_PREVENTIVE_CLASS] == ["antiepileptic"]
    assert back.extension[0].valueReference.reference == "#scoring"


def test_a_rescored_result_carries_the_rescore_extension_and_reads_back_marked(bank):
    original = samples.scored(samples.answers(patient__name="Rosa Rescored"))
    rescored = replace(original, result=replace(original.result, rescore=True))
    def marker(sub):
        risk = _round_trip(sub, bank).contained[0]
        return [e.valueBoolean for e in risk.extension if e.url == fhir.EXT_RESCORE]
    assert (marker(rescored), marker(original)) == ([True], [False])
    back = fhir.result_from_response(_round_trip(rescored, bank))
    assert back == rescored.result and back.rescore
    assert not fhir.result_from_response(_round_trip(original, bank)).rescore


def test_answers_are_typed(bank):
    sub = samples.scored(patients.spanish_migraine())
    data = json.loads(fhir.to_fhir_json(sub, bank))
    by_id = {i["linkId"]: i["answer"] for g in data["item"] for i in g["item"]}
    assert by_id["ha.days"] == [{"valueInteger": 20}]
    assert by_id["patient.birth_date"] == [{"valueDate": "1971-02-03"}]
    assert [a["valueCoding"]["code"] for a in by_id["ha.med_types"]] == ["triptan", "nsaid"]
    assert by_id["ha.any"][0]["valueCoding"]["system"] == fq.answer_system("ha.any")
    assert by_id["meds.list"] == [{"valueString": "sumatriptán 50 mg, ibuprofeno"}]


@pytest.mark.parametrize("text", ["\u2028", "\u00a0\u00a0", "\u3000", " ", "\n", "a\u00a0b"])
def test_white_space_texts_fhir_strings_cannot_hold_still_round_trip(bank, text):
    doc = patients.answers(visit__concern=text, meds__list=text)
    back = _round_trip(samples.submission(doc, None), bank)
    assert fhir.answers_from_response(back, bank) == doc


def test_unscored_submission_has_no_contained_result(bank):
    back = _round_trip(samples.submission(patients.answers(), None), bank)
    assert back.contained is None and fhir.result_from_response(back) is None


def test_bundle_is_a_collection_with_the_questionnaire_first(bank):
    subs = [samples.scored(patients.spanish_migraine(), sub_id="a1"),
            samples.scored(patients.answers(patient__name="@SUM(A1)"), sub_id="b2")]
    back = Bundle.model_validate_json(fhir.to_fhir_json(subs, bank))
    assert back.type == "collection"
    kinds = [e.resource.get_resource_type() for e in back.entry]
    assert kinds == ["Questionnaire", "CodeSystem", "CodeSystem", "CodeSystem",
                     "QuestionnaireResponse", "QuestionnaireResponse"]
    for sub, entry in zip(subs, back.entry[4:], strict=True):
        assert fhir.answers_from_response(entry.resource, bank) == sub.answers
    assert len({e.fullUrl for e in back.entry}) == 6


def test_every_code_of_ours_in_a_bundle_is_defined_by_a_code_system_it_declares(bank):
    sub = samples.scored(patients.spanish_migraine())
    data = json.loads(fhir.to_fhir_json([sub], bank))
    declared = {(r["url"], c["code"]): c["display"] for e in data["entry"]
                if (r := e["resource"])["resourceType"] == "CodeSystem" for c in r["concept"]}
    risk = data["entry"][-1]["resource"]["contained"][0]
    used = [p["outcome"]["coding"][0] for p in risk["prediction"]]
    used += [e["valueCoding"] for p in risk["prediction"] for e in p["extension"] if "valueCoding" in e]
    assert len(used) == 15
    for coding in used:
        assert declared[(coding["system"], coding["code"])] == coding["display"]


def test_response_answers_carry_the_questionnaire_codes_and_display_texts(bank, q_json):
    options = {(q["linkId"], o["valueCoding"]["code"]): o["valueCoding"]["display"]
               for q in _questions(q_json) for o in q.get("answerOption", [])}
    texts = {q["linkId"]: q["text"] for q in _questions(q_json)}
    doc = patients.spanish_migraine()
    data = json.loads(fhir.to_fhir_json(samples.scored(doc), bank))
    codings = 0
    for group in data["item"]:
        for item in group["item"]:
            assert item["text"] == texts[item["linkId"]]
            for answer in item["answer"]:
                if "valueCoding" in answer:
                    coding = answer["valueCoding"]
                    assert coding["display"] == options[(item["linkId"], coding["code"])]
                    codings += 1
    assert codings == sum(len(v) if isinstance(v, list) else 1 for k, v in doc.items()
                          if bank.item(k).type in ("yn", "choice", "multi"))


def test_ids_that_are_not_fhir_ids_become_stable_uuids():
    assert fhir.fhir_id("abc-123.x") == "abc-123.x"
    assert fhir.fhir_id("has space/slash") == fhir.fhir_id("has space/slash") != "has space/slash"


# -- property: any valid answers document round-trips --------------------------------------------

@settings(max_examples=60)
@given(st.data())
def test_any_valid_answers_round_trip_through_fhir(data):
    bank = BANK
    doc = data.draw(answers_documents(bank, AS_OF, skip=20))
    assert check_answers(bank, doc, AS_OF) == []
    sub = samples.submission(doc, None)
    assert fhir.answers_from_response(_round_trip(sub, bank), bank) == doc
