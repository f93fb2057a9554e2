"""Validation of an answers document against the bank: the one check kiosk and scoring share.

``check_answers`` returns every problem, each naming its item, so that a command line can
list them all and the kiosk can show each beside its field in the patient's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from questionnaire.bank import Bank, Item
from questionnaire.conditions import _ISO_DATE, MAX_AGE, Test, age_on

__all__ = ["MAX_AGE", "InvalidAnswers", "Problem", "age_on", "check_answers", "check_value", "require_valid"]


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


# Control characters (Unicode category Cc, a fixed set) and lone surrogates (Cs): never allowed,
# except line breaks in a multi-line text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

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
            none = item.option(alone)
            names = {f"none_{lang}": text for lang, text in none.text.items()}
            return Problem(item.id, "exclusive_choice", names)
        return None
    return check


def _text_check(item: Item) -> Check:
    control = _CONTROL_MULTILINE if item.multiline else _CONTROL

    def check(value: object, as_of: date) -> Problem | None:
        if not isinstance(value, str):
            return Problem(item.id, "wrong_type_text")
        if control.search(value):
            return Problem(item.id, "control_chars")
        length = len(value.strip())
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
# value check): built once per bank.
Plan = dict[str, tuple[int, "Test | None", "frozenset[str] | None", Check]]


def _plan(bank: Bank) -> Plan:
    plan = bank.derived_tables.get("answers.plan")
    if plan is None:  # two threads may both build it: the same table, and setdefault keeps one
        tests = bank.asked_tests
        plan = {i.id: (n, tests[i.id][1], frozenset(i.codes) if i.type in ("yn", "choice") else None,
                       _CHECK_BUILDERS.get(i.type, _date_check)(i)) for n, i in enumerate(bank.items)}
        plan = bank.derived_tables.setdefault("answers.plan", plan)
    return plan  # type: ignore[return-value]


def _check_one(item_id: str, entry: tuple, answers: Mapping[str, object], as_of: date) -> Problem | None:
    _, asked, _, check = entry
    if asked is not None and not asked(answers, as_of):
        return Problem(item_id, "not_asked")
    value = answers[item_id]
    return Problem(item_id, "null") if value is None else check(value, as_of)


def _cross_item(answers: Mapping[str, object]) -> list[Problem]:
    days, migraine = answers.get("ha.days"), answers.get("ha.migraine_days")
    if _is_int(days) and _is_int(migraine) and migraine > days:
        return [Problem("ha.migraine_days", "migraine_days_above_days", {"days": days})]
    return []


def _given(plan: Plan, answers: dict, as_of: date, only: set[str] | None) -> list[Problem]:
    """The problems of the answers given: unknown ids first, then the rest in bank order.

    Walks the answers, not the whole bank, with the checks of ``_check_one`` inlined: this loop
    runs once per answer in a batch.
    """
    unknown, found = [], []
    for item_id, value in answers.items():
        entry = plan.get(item_id)
        if entry is None:
            unknown.append(Problem(str(item_id), "unknown_item"))
            continue
        if only is not None and item_id not in only:
            continue
        position, asked, options, check = entry
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
    found.sort(key=_position)
    return unknown + [problem for _, problem in found]


def _position(found: tuple[int, Problem]) -> int:
    return found[0]


def _complete(bank: Bank, plan: Plan, answers: dict, as_of: date, only: set[str] | None) -> list[Problem]:
    """Every problem in bank order, an asked, non-optional, unanswered item included."""
    problems = []
    for item in bank.items:
        if only is not None and item.id not in only:
            continue
        if item.id in answers:
            problem = _check_one(item.id, plan[item.id], answers, as_of)
            if problem:
                problems.append(problem)
        elif not item.optional and bank.is_asked(item, answers, as_of):
            problems.append(Problem(item.id, "required"))
    return problems


def check_answers(bank: Bank, answers: object, as_of: date, *, complete: bool = False,
                  only: set[str] | None = None) -> list[Problem]:
    """Every problem with ``answers``, in bank order, unknown ids first.

    ``complete`` also asks for every asked, non-optional item (the kiosk's submit check);
    ``only`` limits the check to those item ids (the kiosk's per-screen check).
    """
    if not isinstance(answers, dict):
        return [Problem("(document)", "not_an_object")]
    plan = _plan(bank)
    if complete:
        problems = [Problem(str(k), "unknown_item") for k in answers if k not in plan]
        problems += _complete(bank, plan, answers, as_of, only)
    else:
        problems = _given(plan, answers, as_of, only)
    cross = _cross_item(answers)
    return problems + [p for p in cross if only is None or p.item in only]


def require_valid(bank: Bank, answers: object, as_of: date) -> dict:
    """``answers`` itself when valid; otherwise ``InvalidAnswers`` naming every bad item."""
    problems = check_answers(bank, answers, as_of)
    if problems:
        raise InvalidAnswers(problems, bank)
    return answers  # type: ignore[return-value]
