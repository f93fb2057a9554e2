"""Properties of the scoring over random valid documents from the bank (tests/strategies.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st
from scoring_cases import AS_OF
from strategies import answers_documents

from questionnaire.answers import InvalidAnswers, check_answers
from questionnaire.bank import load_bank
from scoring import Match, Triage, score
from scoring.evidence import INDICATION_ORDER

BANK = load_bank()
DOCS = answers_documents(BANK, AS_OF)
HEADACHE_DOCS = answers_documents(BANK, AS_OF, fixed={"ha.any": "yes"})
URGENT_QUESTIONS = ["rf.airway_now", "rf.thunderclap", "rf.fever_stiff_neck", "rf.neuro", "rf.saddle",
                    "rf.bladder_bowel", "rf.leg_weakness"]
# Items some rule reads as a negative criterion ("= no"): there an explicit "no" can raise a match.
NEGATIVE_CRITERIA = {"ha.one_side": "tension_type_headache", "ha.worse_activity": "tension_type_headache",
                     "ha.nausea": "tension_type_headache", "back.below_knee": "low_back_pain"}


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
    ranks = [i.match.rank for i in result.indications]
    assert ranks == sorted(ranks)
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
    """Change one answer, then drop answers no longer asked (all else equal, as far as valid)."""
    return BANK.prune({**doc, item: answer}, AS_OF)


@given(DOCS, st.data())
def test_unsure_to_no_never_raises_triage_or_a_positively_read_match(doc, data):
    unsure = [k for k, v in doc.items() if v == "unsure" and BANK.item(k).type == "yn"]
    assume(unsure)
    item = data.draw(st.sampled_from(unsure))
    before, after = score(doc, AS_OF), score(_unsure_to(doc, item, "no"), AS_OF)
    assert after.triage.rank <= before.triage.rank
    for ind, match in matches(after).items():
        if NEGATIVE_CRITERIA.get(item) != ind:
            assert weaker_or_equal(match, matches(before)[ind]), (item, ind)


@given(DOCS, st.data())
def test_unsure_is_never_stronger_than_either_explicit_answer(doc, data):
    """"unsure" satisfies neither a positive nor a negative criterion, so it never beats yes or no."""
    unsure = [k for k, v in doc.items() if v == "unsure" and BANK.item(k).type == "yn"]
    assume(unsure)
    item = data.draw(st.sampled_from(unsure))
    base = matches(score(doc, AS_OF))
    for answer in ("yes", "no"):
        other = matches(score(_unsure_to(doc, item, answer), AS_OF))
        for ind in INDICATION_ORDER:
            assert weaker_or_equal(base[ind], other[ind]), (item, answer, ind)


def test_unsure_to_no_can_raise_a_match_through_a_negative_criterion():
    """Why the property above exempts negative criteria: the spec reads "ha.one_side = no" as a
    tension-type trait, so an explicit "no" can complete the pattern that "unsure" did not."""
    doc = {"ha.any": "yes", "ha.days": 20, "ha.months": 6, "ha.one_side": "unsure", "ha.pressing": "yes",
           "ha.nausea": "no", "ha.light": "no"}
    assert score(doc, AS_OF).indication("tension_type_headache").match is Match.UNLIKELY
    after = score({**doc, "ha.one_side": "no"}, AS_OF)
    assert after.indication("tension_type_headache").match is Match.STRONG


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


ASKED_ORDER = ["rf.airway_now", "rf.thunderclap", "rf.fever_stiff_neck", "rf.neuro", "rf.new_after_50",
               "rf.pattern_change", "rf.positional", "rf.head_injury", "rf.jaw_scalp", "rf.cancer_immuno",
               "rf.weight_loss", "rf.saddle", "rf.bladder_bowel", "rf.leg_weakness", "rf.back_fever",
               "rf.infection_risk", "rf.trauma"]


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
