"""Validation of an answers document against the bank: the one check kiosk and scoring share.

``check_answers`` returns every problem, each naming its item, so that a command line can
list them all and the kiosk can show each beside its field in the patient's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from questionnaire.bank import Bank, Item

MAX_AGE = 120
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


def age_on(birth: date, on: date) -> int:
    """Whole years from ``birth`` to ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bad_control(text: str, multiline: bool) -> bool:
    allowed = {"\n", "\r"} if multiline else set()
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text)


def _check_text(item: Item, value: object) -> Problem | None:
    if not isinstance(value, str):
        return Problem(item.id, "wrong_type_text")
    if _bad_control(value, item.multiline):
        return Problem(item.id, "control_chars")
    length = len(value.strip())
    if length < item.min_len:
        return Problem(item.id, "empty")
    if length > item.max_len:
        return Problem(item.id, "too_long", {"max": item.max_len, "length": length})
    return None


def _check_date(item: Item, value: object, as_of: date) -> Problem | None:
    try:
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):  # fromisoformat takes "2019-W01-1"
            raise ValueError
        when = date.fromisoformat(value)
    except ValueError:
        return Problem(item.id, "bad_date")
    if when > as_of:
        return Problem(item.id, "future_date")
    if age_on(when, as_of) > MAX_AGE:
        return Problem(item.id, "age_range", {"max": MAX_AGE})
    return None


def _check_multi(item: Item, value: object) -> Problem | None:
    if not isinstance(value, list) or not value:
        return Problem(item.id, "pick_one_or_more")
    if any(not isinstance(v, str) or v not in item.codes for v in value):
        return Problem(item.id, "not_an_option")
    if len(set(value)) != len(value):
        return Problem(item.id, "duplicate_choice")
    if item.exclusive and item.exclusive in value and len(value) > 1:
        none = item.option(item.exclusive)
        names = {f"none_{lang}": text for lang, text in none.text.items()}
        return Problem(item.id, "exclusive_choice", names)
    return None


def check_value(item: Item, value: object, as_of: date) -> Problem | None:
    """The problem with one answer to ``item``, or None when it is allowed."""
    if value is None:
        return Problem(item.id, "null")
    if item.type in ("yn", "choice"):
        ok = isinstance(value, str) and value in item.codes
        return None if ok else Problem(item.id, "not_an_option")
    if item.type in ("int", "nrs"):
        if not _is_int(value):
            return Problem(item.id, "whole_number", {"min": item.minimum, "max": item.maximum})
        if not item.minimum <= value <= item.maximum:
            return Problem(item.id, "out_of_range", {"min": item.minimum, "max": item.maximum})
        return None
    if item.type == "multi":
        return _check_multi(item, value)
    if item.type == "text":
        return _check_text(item, value)
    return _check_date(item, value, as_of)


def _cross_item(answers: Mapping[str, object]) -> list[Problem]:
    days, migraine = answers.get("ha.days"), answers.get("ha.migraine_days")
    if _is_int(days) and _is_int(migraine) and migraine > days:
        return [Problem("ha.migraine_days", "migraine_days_above_days", {"days": days})]
    return []


def check_answers(bank: Bank, answers: object, as_of: date, *, complete: bool = False,
                  only: set[str] | None = None) -> list[Problem]:
    """Every problem with ``answers``, in bank order, unknown ids first.

    ``complete`` also asks for every asked, non-optional item (the kiosk's submit check);
    ``only`` limits the check to those item ids (the kiosk's per-screen check).
    """
    if not isinstance(answers, dict):
        return [Problem("(document)", "not_an_object")]
    problems = [Problem(str(k), "unknown_item") for k in answers if not bank.has(k)]
    gates = bank.gates
    for item in bank.items:
        if only is not None and item.id not in only:
            continue
        if item.id in answers:  # asked-when is evaluated only where it matters (speed)
            asked = item.when is None or item.when.holds(answers, gates)  # = bank.is_asked, inlined
            problem = check_value(item, answers[item.id], as_of) if asked else Problem(item.id, "not_asked")
            if problem:
                problems.append(problem)
        elif complete and not item.optional and bank.is_asked(item, answers):
            problems.append(Problem(item.id, "required"))
    cross = _cross_item(answers)
    return problems + [p for p in cross if only is None or p.item in only]


def require_valid(bank: Bank, answers: object, as_of: date) -> dict:
    """``answers`` itself when valid; otherwise ``InvalidAnswers`` naming every bad item."""
    problems = check_answers(bank, answers, as_of)
    if problems:
        raise InvalidAnswers(problems, bank)
    return answers  # type: ignore[return-value]
