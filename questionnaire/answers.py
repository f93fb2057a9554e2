"""Validation of an answers document against the bank: the one check kiosk and scoring share.

``check_answers`` returns every problem, each naming its item, so that a command line can
list them all and the kiosk can show each beside its field in the patient's language.

Rules (clinical-core.md, "Answer types" and "Core data elements"): types, ranges, options,
codes that stand alone, codes that may not go together (``simple`` with ``paracetamol`` or
``nsaid``), texts (questionnaire/texts.py), dates; an unknown id, a retired v2 id (named with
what replaced it), a retired id together with one of its replacements (both named), ``null``,
and an answer to an item that is not asked are errors. An answer to an item that is not asked
counts as unanswered for every later condition; when a controlling item's own value is invalid,
the items that depend on it are not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from questionnaire.bank import Bank, Item
from questionnaire.conditions import _ISO_DATE, MAX_AGE, Condition, Test, age_on
from questionnaire.texts import normalise, refused_character

__all__ = ["MAX_AGE", "InvalidAnswers", "Problem", "age_on", "check_answers", "check_value",
           "normalise", "require_valid", "retired_conflicts"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one answer. ``code`` keys the bank's patient messages."""

    item: str
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, bank: Bank, language: str = "en") -> str:
        """The patient-facing message, in ``language``."""
        return bank.message(self.code, language, **self.params)

    def describe(self, bank: Bank) -> str:
        """A clinician/command-line message: the item id, then what is allowed."""
        return f"{self.item}: {self.text(bank, 'en')}"


class InvalidAnswers(ValueError):
    """An answers document that cannot be scored; ``problems`` names every bad item."""

    def __init__(self, problems: list[Problem], bank: Bank):
        self.problems = problems
        self.items = [p.item for p in problems]
        super().__init__("; ".join(p.describe(bank) for p in problems))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


Check = Callable[[object, date], "Problem | None"]  # a non-null answer -> its problem, or None


def _choice_check(item: Item) -> Check:
    item_id, codes = item.id, frozenset(item.codes)

    def check(value: object, as_of: date) -> Problem | None:
        return None if isinstance(value, str) and value in codes else Problem(item_id, "not_an_option")
    return check


def _number_check(item: Item) -> Check:
    item_id, low, high = item.id, item.minimum, item.maximum

    def check(value: object, as_of: date) -> Problem | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return Problem(item_id, "whole_number", {"min": low, "max": high})
        if not low <= value <= high:  # type: ignore[operator]
            return Problem(item_id, "out_of_range", {"min": low, "max": high})
        return None
    return check


def _option_names(item: Item, code: str, key: str) -> dict[str, str]:
    """``{key_en: English text, key_es: Spanish text}`` of one option, for a message."""
    return {f"{key}_{lang}": text for lang, text in item.option(code).text.items()}


def _multi_check(item: Item) -> Check:
    codes = frozenset(item.codes)

    def check(value: object, as_of: date) -> Problem | None:
        if not isinstance(value, list) or not value:
            return Problem(item.id, "pick_one_or_more")
        if any(not isinstance(v, str) or v not in codes for v in value):
            return Problem(item.id, "not_an_option")
        if len(set(value)) != len(value):
            return Problem(item.id, "duplicate_choice")
        alone = next((c for c in item.exclusive if c in value), None)
        if alone is not None and len(value) > 1:
            return Problem(item.id, "exclusive_choice", _option_names(item, alone, "none"))
        for code, others in item.not_with.items():
            clash = next((o for o in others if o in value), None) if code in value else None
            if clash is not None:
                return Problem(item.id, "not_with", _option_names(item, code, "code")
                               | _option_names(item, clash, "other"))
        return None
    return check


def _text_check(item: Item) -> Check:
    def check(value: object, as_of: date) -> Problem | None:
        if not isinstance(value, str):
            return Problem(item.id, "wrong_type_text")
        refused = refused_character(value, item.multiline)
        if refused:
            return Problem(item.id, refused[0], {"char": refused[1]})
        length = len(normalise(value).strip())
        if length < item.min_len:
            return Problem(item.id, "empty")
        if length > item.max_len:
            return Problem(item.id, "too_long", {"max": item.max_len, "length": length})
        return None
    return check


def _date_check(item: Item) -> Check:
    def check(value: object, as_of: date) -> Problem | None:
        try:  # the pattern first: fromisoformat also takes "2019-W01-1"
            if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
                raise ValueError
            when = date.fromisoformat(value)
        except ValueError:
            return Problem(item.id, "bad_date")
        if when > as_of:
            return Problem(item.id, "future_date")
        if age_on(when, as_of) > MAX_AGE:
            return Problem(item.id, "age_range", {"max": MAX_AGE})
        return None
    return check


_CHECK_BUILDERS: dict[str, Callable[[Item], Check]] = {
    "yn": _choice_check, "choice": _choice_check, "int": _number_check, "nrs": _number_check,
    "multi": _multi_check, "text": _text_check, "date": _date_check,
}


def check_value(item: Item, value: object, as_of: date) -> Problem | None:
    """The problem with one answer to ``item``, or None when it is allowed."""
    if value is None:
        return Problem(item.id, "null")
    return _CHECK_BUILDERS.get(item.type, _date_check)(item)(value, as_of)


# item id -> (bank position, asked-when test or None, the codes of a yes/no or choice item or None,
# value check, the items its condition reads through gates): built once per bank.
Plan = dict[str, tuple[int, "Test | None", "frozenset[str] | None", Check, frozenset]]


def _reads(cond: Condition | None, gates: Mapping[str, Condition]) -> frozenset[str]:
    """Every item ``cond`` reads, through its gates too."""
    if cond is None:
        return frozenset()
    if cond.kind == "gate":
        return _reads(gates[cond.gate], gates)
    found = {cond.item} if cond.item else set()
    for part in cond.parts:
        found |= _reads(part, gates)
    return frozenset(found)


def _plan(bank: Bank) -> Plan:
    plan = bank.derived_tables.get("answers.plan")
    if plan is None:  # two threads may both build it: the same table, and setdefault keeps one
        tests = bank.asked_tests
        plan = {i.id: (n, tests[i.id][1], frozenset(i.codes) if i.type in ("yn", "choice") else None,
                       _CHECK_BUILDERS.get(i.type, _date_check)(i), _reads(i.when, bank.gates))
                for n, i in enumerate(bank.items)}
        plan = bank.derived_tables.setdefault("answers.plan", plan)
    return plan  # type: ignore[return-value]


def retired_conflicts(bank: Bank, answers: Mapping[str, object]) -> list[Problem]:
    """A retired v2 id answered together with one of its v3 replacements: one problem on each,
    both named. Call it BEFORE the v2 -> v3 upgrade (which removes the retired ids)."""
    problems = []
    for old, retired in bank.retired.items():
        if old in answers:
            for new in retired.replaced_by:
                if new in answers:
                    params = {"retired": old, "replacement": new}
                    problems += [Problem(old, "retired_with_replacement", params),
                                 Problem(new, "retired_with_replacement", params)]
    return problems


def _unknown(bank: Bank, answers: Mapping[str, object], plan: Plan) -> list[Problem]:
    """Ids that are not items: retired ones (named with their replacements), then the rest."""
    problems = retired_conflicts(bank, answers)
    clashed = {p.item for p in problems}
    for key in answers:
        if key in plan or key in clashed:
            continue
        retired = bank.retired.get(key)
        if retired is None:
            problems.append(Problem(str(key), "unknown_item"))
        else:
            problems.append(Problem(key, "retired", {"read_as_en": " and ".join(retired.replaced_by),
                                                     "read_as_es": " y ".join(retired.replaced_by)}))
    return problems


def _given(plan: Plan, answers: dict, as_of: date) -> list[tuple[int, Problem]]:
    """The problems of the answers given, judged on the whole document (the fast path).

    Walks the answers, not the whole bank, with the checks inlined: this loop runs once per
    answer in a batch. Exact whenever it finds nothing; otherwise ``_in_order`` decides.
    """
    found = []
    for item_id, value in answers.items():
        entry = plan.get(item_id)
        if entry is None:
            continue
        position, asked, options, check, _ = entry
        if asked is not None and not asked(answers, as_of):
            problem = Problem(item_id, "not_asked")
        elif value is None:
            problem = Problem(item_id, "null")
        elif options is not None:  # yes/no or one choice: the commonest answers, checked here
            if isinstance(value, str) and value in options:
                continue
            problem = Problem(item_id, "not_an_option")
        else:
            problem = check(value, as_of)
        if problem:
            found.append((position, problem))
    return found


def _in_order(bank: Bank, plan: Plan, answers: dict, as_of: date, complete: bool) -> list[Problem]:
    """Every problem in bank order. Conditions see only the answers that count so far (asked and
    valid); an item whose condition reads an invalid answer is not checked."""
    counted: dict[str, object] = {}
    invalid: set[str] = set()
    problems = []
    for item in bank.items:
        _, asked, _, check, reads = plan[item.id]
        if reads & invalid:
            invalid.add(item.id)  # depends on an invalid answer: not checked, nor its dependents
            continue
        is_asked = asked is None or asked(counted, as_of)
        if item.id not in answers:
            if complete and is_asked and not item.optional:
                problems.append(Problem(item.id, "required"))
            continue
        value = answers[item.id]
        problem = (Problem(item.id, "not_asked") if not is_asked else
                   Problem(item.id, "null") if value is None else check(value, as_of))
        if problem is None:
            counted[item.id] = value
            continue
        if problem.code != "not_asked":  # a not-asked answer just counts as unanswered
            invalid.add(item.id)
        problems.append(problem)
    return problems


def _cross_item(answers: Mapping[str, object]) -> list[Problem]:
    days, migraine = answers.get("ha.days"), answers.get("ha.migraine_days")
    if _is_int(days) and _is_int(migraine) and migraine > days:
        return [Problem("ha.migraine_days", "migraine_days_above_days", {"days": days})]
    return []


def check_answers(bank: Bank, answers: object, as_of: date, *, complete: bool = False,
                  only: set[str] | None = None) -> list[Problem]:
    """Every problem with ``answers``, in bank order, unknown and retired ids first.

    ``complete`` also asks for every asked, non-optional item (the kiosk's submit check);
    ``only`` limits the report to those item ids (the kiosk's per-screen check); unknown and
    retired ids are always reported.
    """
    if not isinstance(answers, dict):
        return [Problem("(document)", "not_an_object")]
    plan = _plan(bank)
    unknown = _unknown(bank, answers, plan) if any(k not in plan for k in answers) else []
    problems = []
    if complete or _given(plan, answers, as_of):
        problems = _in_order(bank, plan, answers, as_of, complete)
    problems += _cross_item(answers)
    return unknown + [p for p in problems if only is None or p.item in only]


def require_valid(bank: Bank, answers: object, as_of: date) -> dict:
    """``answers`` itself when valid; otherwise ``InvalidAnswers`` naming every bad item."""
    problems = check_answers(bank, answers, as_of)
    if problems:
        raise InvalidAnswers(problems, bank)
    return answers  # type: ignore[return-value]
