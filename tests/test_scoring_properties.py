"""Properties of the scoring over random valid documents from the bank (tests/strategies.py)."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st
from scoring_cases import AS_OF
from strategies import answers_documents, random_document

from questionnaire.answers import InvalidAnswers, check_answers
from questionnaire.bank import load_bank
from scoring import Match, Triage, score
from scoring.evidence import INDICATION_ORDER

BANK = load_bank()
DOCS = answers_documents(BANK, AS_OF)
HEADACHE_DOCS = answers_documents(BANK, AS_OF, fixed={"ha.any": "yes"})
URGENT_QUESTIONS = ["rf.airway_now", "rf.thunderclap", "rf.fever_stiff_neck", "rf.neuro", "rf.red_eye",
                    "rf.saddle", "rf.bladder_bowel", "rf.leg_weakness", "rf.both_legs", "rf.sexual_function",
                    "rf.spread_voice"]


def matches(result) -> dict[str, Match]:
    return {i.id: i.match for i in result.indications}


def weaker_or_equal(after: Match, before: Match) -> bool:
    return after.rank >= before.rank


@given(DOCS)
def test_every_valid_document_scores(doc):
    assert check_answers(BANK, doc, AS_OF) == []
    result = score(doc, AS_OF)
    out = result.to_dict()
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert sorted(i["id"] for i in out["indications"]) == sorted(INDICATION_ORDER)
    # suggested first, then the other strong or possible ones, then unlikely; strongest first in each
    groups = [(0 if i.suggested else 2 if i.match is Match.UNLIKELY else 1, i.match.rank)
              for i in result.indications]
    assert groups == sorted(groups)
    for i in result.indications:
        recommended = i.evidence_direction != "probably_ineffective"
        assert i.suggested is (i.match is not Match.UNLIKELY and recommended)
    assert result.triage in Triage
    if any(f.answer == "yes" and f.level is Triage.URGENT for f in result.red_flags):
        assert result.triage is Triage.URGENT
    for reason in (r for i in result.indications for r in i.reasons):
        assert reason.text and all(BANK.has(item) for item in reason.items)


def _answered(doc: dict, kinds: tuple[str, ...]) -> list[str]:
    return [k for k in doc if BANK.item(k).type in kinds]


def _mutations(doc: dict, data) -> tuple[dict, str]:
    kind = data.draw(st.sampled_from(["range", "unknown", "unasked", "null", "option", "type", "migraine",
                                      "multi", "text"]))
    bad = dict(doc)
    if kind == "range":
        numbers = _answered(doc, ("int", "nrs"))
        assume(numbers)
        item = BANK.item(data.draw(st.sampled_from(numbers)))
        bad[item.id] = data.draw(st.sampled_from([item.minimum - 1, item.maximum + 1]))
        return bad, item.id
    if kind == "unknown":
        bad["zz.not_in_bank"] = "yes"
        return bad, "zz.not_in_bank"
    if kind == "unasked":
        unasked = [i for i in BANK.items
                   if not BANK.is_asked(i, doc, AS_OF) and i.type in ("yn", "nrs", "int")]
        assume(unasked)
        item = data.draw(st.sampled_from(unasked))
        bad[item.id] = "no" if item.type == "yn" else item.minimum
        return bad, item.id
    if kind == "null":
        assume(doc)
        item_id = data.draw(st.sampled_from(sorted(doc)))
        bad[item_id] = None
        return bad, item_id
    if kind == "option":
        coded = _answered(doc, ("yn", "choice"))
        assume(coded)
        item_id = data.draw(st.sampled_from(coded))
        bad[item_id] = "maybe"
        return bad, item_id
    if kind == "type":
        numbers = _answered(doc, ("int", "nrs"))
        assume(numbers)
        item_id = data.draw(st.sampled_from(numbers))
        bad[item_id] = data.draw(st.sampled_from([str(doc[item_id]), float(doc[item_id]), True]))
        return bad, item_id
    if kind == "multi":
        multis = _answered(doc, ("multi",))
        assume(multis)
        item = BANK.item(data.draw(st.sampled_from(multis)))
        choices = [[], [doc[item.id][0]] * 2, [*doc[item.id], "not_a_code"]]
        if item.exclusive:
            choices.append([item.exclusive[0], next(c for c in item.codes if c not in item.exclusive)])
        bad[item.id] = data.draw(st.sampled_from(choices))
        return bad, item.id
    if kind == "text":
        texts = _answered(doc, ("text",))
        assume(texts)
        item = BANK.item(data.draw(st.sampled_from(texts)))
        choices = ["x" * (item.max_len + 1), "bad\x00byte", "tab\there" if not item.multiline else "\x07"]
        if item.min_len:
            choices.append("   ")
        bad[item.id] = data.draw(st.sampled_from(choices))
        return bad, item.id
    assume(isinstance(doc.get("ha.days"), int) and doc["ha.days"] < 30)
    bad["ha.migraine_days"] = doc["ha.days"] + 1
    return bad, "ha.migraine_days"


@given(DOCS, st.data())
def test_every_invalid_document_is_refused_naming_the_item(doc, data):
    bad, item = _mutations(doc, data)
    note(f"mutated {item}")
    with pytest.raises(InvalidAnswers) as caught:
        score(bad, AS_OF)
    assert item in caught.value.items


@given(DOCS, st.data())
def test_an_urgent_red_flag_from_no_to_yes_never_lowers_triage(doc, data):
    answered_no = [q for q in URGENT_QUESTIONS if doc.get(q) == "no"]
    assume(answered_no)
    question = data.draw(st.sampled_from(answered_no))
    before = score(doc, AS_OF).triage
    after = score({**doc, question: "yes"}, AS_OF).triage
    assert after.rank >= before.rank and after is Triage.URGENT


def _unsure_to(doc: dict, item: str, answer: str) -> dict:
    """Change one answer, then drop answers no longer asked (items newly asked stay unanswered)."""
    return BANK.prune({**doc, item: answer}, AS_OF)


YN_ITEMS = tuple(i.id for i in BANK.items if i.type == "yn")


def _opener(item_id: str) -> dict:
    """The fewest answers that make ``item_id`` asked: found on seeded random documents, then
    trimmed one answer at a time while the item stays asked (so it follows the bank, whatever
    form its asked-when takes: an answer, a gate, the age)."""
    rng = random.Random(item_id)
    for _ in range(500):
        doc = random_document(BANK, AS_OF, rng, skip=0)
        if item_id in doc:
            break
    else:
        raise AssertionError(f"no random document asks {item_id}")
    opener = {k: v for k, v in doc.items() if k != item_id}
    for key in list(opener):
        trimmed = BANK.prune({k: v for k, v in opener.items() if k != key}, AS_OF)
        if BANK.is_asked(item_id, trimmed, AS_OF):
            opener = trimmed
    return opener


OPENERS = {item_id: _opener(item_id) for item_id in YN_ITEMS}


@st.composite
def opened_documents(draw):
    """(a yes/no item drawn from ALL of them, a valid document in which it is asked and "unsure")."""
    item_id = draw(st.sampled_from(YN_ITEMS))
    return item_id, draw(answers_documents(BANK, AS_OF, fixed={**OPENERS[item_id], item_id: "unsure"}))


# The yes/no items the match rules read, drawn uniformly below so every pattern occurs.
RULE_ITEMS = ("neck.pulls", "neck.sensory_trick", "neck.tremor", "ha.one_side", "ha.throbbing", "ha.pressing",
              "ha.worse_activity", "ha.nausea", "ha.light", "ha.sound", "back.spasms", "back.below_knee",
              "mf.press_familiar", "mf.spreads", "mf.widespread", "mf.fatigue_sleep")


@st.composite
def pattern_documents(draw):
    """Neck, headache, back and muscle-knot documents with the numbers on both sides of every
    threshold and the yes/no answers the rules read drawn uniformly, so the answers decide the
    matches (random documents rarely reach those patterns)."""
    days = draw(st.sampled_from([14, 15, 30]))
    fixed = {"ha.any": "yes", "ha.days": days, "ha.months": draw(st.sampled_from([2, 3])),
             "ha.migraine_days": min(days, draw(st.sampled_from([0, 7, 8]))),
             "ha.severity": draw(st.sampled_from(["mild", "moderate", "severe"])),
             "ha.duration": draw(st.sampled_from(["under_4h", "constant"])),
             "neck.onset": draw(st.sampled_from(["days", "weeks", "months"])), "back.pain": "yes",
             "back.months": draw(st.sampled_from([2, 3])), "mf.knots": "yes",
             "mf.months": draw(st.sampled_from([2, 3]))}
    fixed.update({i: draw(st.sampled_from(["yes", "no", "unsure"])) for i in RULE_ITEMS})
    return draw(answers_documents(BANK, AS_OF, skip=0, fixed=fixed))


def test_every_yes_no_item_has_an_opener():
    for item_id, opener in OPENERS.items():
        assert BANK.is_asked(item_id, opener, AS_OF), item_id
        assert check_answers(BANK, {**opener, item_id: "unsure"}, AS_OF) == [], item_id


def assert_unsure_property(doc: dict, item: str) -> None:
    """The contract's guaranteed property ("How rules read answers") for ``item``: with it answered
    "unsure", changing it to "yes" or to "no" (every other answer unchanged; items that stop being
    asked are dropped, items that become asked stay unanswered) never makes any indication's
    match weaker, and changing it to "yes" never lowers triage."""
    unsure = _unsure_to(doc, item, "unsure")
    before = score(unsure, AS_OF)
    for answer in ("yes", "no"):
        after = score(_unsure_to(unsure, item, answer), AS_OF)
        for ind in INDICATION_ORDER:
            assert weaker_or_equal(matches(before)[ind], matches(after)[ind]), (item, answer, ind)
        if answer == "yes":
            assert after.triage.rank >= before.triage.rank, item


@given(opened_documents())
def test_the_unsure_property_over_every_yes_no_item(case):
    item, doc = case
    assert_unsure_property(doc, item)


@given(DOCS, st.data())
def test_the_unsure_property_on_random_documents(doc, data):
    asked = [i for i in YN_ITEMS if BANK.is_asked(i, doc, AS_OF)]
    assume(asked)
    assert_unsure_property(doc, data.draw(st.sampled_from(asked)))


@given(pattern_documents())
def test_the_unsure_property_where_the_answers_decide_the_match(doc):
    """v2 broke this: tension features read "not both light and noise" and myofascial "unless both
    widespread and fatigue", so "unsure" could beat "yes". Every rule item asked is checked."""
    for item in RULE_ITEMS:
        if BANK.is_asked(item, doc, AS_OF):
            assert_unsure_property(doc, item)


@given(DOCS, st.data())
def test_unsure_is_never_stronger_than_either_explicit_answer(doc, data):
    """The v2 property the v2 contract broke, on random documents as they come: "unsure" satisfies
    neither a positive nor a negative criterion, so it never beats "yes" or "no"."""
    unsure = [k for k, v in doc.items() if v == "unsure" and BANK.item(k).type == "yn"]
    assume(unsure)
    item = data.draw(st.sampled_from(unsure))
    base = matches(score(doc, AS_OF))
    for answer in ("yes", "no"):
        other = matches(score(_unsure_to(doc, item, answer), AS_OF))
        for ind in INDICATION_ORDER:
            assert weaker_or_equal(base[ind], other[ind]), (item, answer, ind)


@given(opened_documents())
def test_unsure_to_no_never_raises_triage(case):
    """No warning sign or serious precaution is read on a "no": triage can only fall (an unsure
    urgent-level answer gives review)."""
    item, doc = case
    unsure = _unsure_to(doc, item, "unsure")
    assert score(_unsure_to(unsure, item, "no"), AS_OF).triage.rank <= score(unsure, AS_OF).triage.rank


@pytest.mark.parametrize(("doc", "item", "indication"), [
    ({"ha.any": "yes", "ha.days": 20, "ha.months": 6, "ha.migraine_days": 2, "ha.one_side": "unsure",
      "ha.pressing": "yes", "ha.nausea": "no", "ha.light": "no"}, "ha.one_side", "tension_type_headache"),
    ({"ha.any": "yes", "ha.days": 20, "ha.months": 6, "ha.migraine_days": 2, "ha.one_side": "no",
      "ha.pressing": "yes", "ha.nausea": "no", "ha.light": "unsure", "ha.sound": "yes"}, "ha.light",
     "tension_type_headache"),
    ({"mf.knots": "yes", "mf.press_familiar": "yes", "mf.spreads": "yes", "mf.widespread": "unsure"},
     "mf.widespread", "myofascial_pain"),
])
def test_unsure_to_no_can_raise_a_match_through_a_negative_criterion(doc, item, indication):
    """The property allows "no" to strengthen a match: a negative criterion ("X = no") holds only on
    an explicit "no", so "unsure" is weaker than "no" there, never stronger."""
    assert score(doc, AS_OF).indication(indication).match is Match.POSSIBLE or \
        score(doc, AS_OF).indication(indication).match is Match.UNLIKELY
    assert score(_unsure_to(doc, item, "no"), AS_OF).indication(indication).match is Match.STRONG


@given(HEADACHE_DOCS, st.data())
def test_more_headache_days_never_lower_the_chronic_migraine_match(doc, data):
    assume(isinstance(doc.get("ha.days"), int) and doc["ha.days"] < 30)
    more = data.draw(st.integers(doc["ha.days"] + 1, 30))
    before = score(doc, AS_OF).indication("chronic_migraine").match
    after = score({**doc, "ha.days": more}, AS_OF).indication("chronic_migraine").match
    assert weaker_or_equal(before, after)


@given(DOCS)
def test_scoring_is_a_pure_function(doc):
    snapshot = json.dumps(doc, sort_keys=True)
    first, second = score(doc, AS_OF), score(dict(doc), AS_OF)
    assert first == second and first.to_dict() == second.to_dict()
    assert json.dumps(doc, sort_keys=True) == snapshot  # the answers are not touched


ASKED_ORDER = ["rf.airway_now", "rf.thunderclap", "rf.fever_stiff_neck", "rf.neuro", "rf.red_eye",
               "rf.thunderclap_3m", "rf.fever_headache", "rf.pattern_change", "rf.posture", "rf.provoked",
               "rf.head_injury", "rf.pressure_signs", "rf.recent_head_injury", "rf.jaw_claudication",
               "rf.scalp_tender", "rf.cancer", "rf.immunosuppressed", "rf.weight_loss", "rf.saddle",
               "rf.bladder_bowel", "rf.leg_weakness", "rf.both_legs", "rf.sexual_function", "rf.back_fever",
               "rf.infection_risk", "rf.trauma", "rf.spread_voice", "rf.spread_vision", "rf.spread_weakness"]


@given(DOCS)
def test_every_red_flag_question_answered_yes_or_unsure_is_listed_first_in_table_order(doc):
    result = score(doc, AS_OF)
    asked = [(q, doc[q]) for q in ASKED_ORDER if doc.get(q) in ("yes", "unsure")]
    assert [(f.id, f.answer) for f in result.red_flags[:len(asked)]] == asked
    assert all(f.answer == "yes" and f.id not in ASKED_ORDER for f in result.red_flags[len(asked):])


@given(DOCS, st.data())
def test_safety_answers_never_change_a_match(doc, data):
    safety_items = [i for i in BANK.items if i.section == "safety" and BANK.is_asked(i, doc, AS_OF)]
    changed = dict(doc)
    for item in safety_items:
        if item.type in ("yn", "choice"):
            changed[item.id] = data.draw(st.sampled_from(item.codes))
    changed = BANK.prune(changed, AS_OF)
    assert matches(score(changed, AS_OF)) == matches(score(doc, AS_OF))
