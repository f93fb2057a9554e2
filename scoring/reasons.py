"""Building the reasons a clinician reads beside each match.

Three kinds, in this order for every indication:
1. what was found (the answers behind the match, with their values);
2. what kept the match from being stronger (each unmet criterion of the next level, with the
   answer it saw: "needs ≥ 3 months at this frequency (answered 2)");
3. which answers the rules read were "unsure" or left unanswered (neither counts, ever).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from questionnaire.bank import Bank
from scoring.helpers import UNSURE, Answers
from vocabulary import Match, Reason


class Check(NamedTuple):
    """One criterion of a match level: whether it holds, what it needs, what it saw (internal, so a
    NamedTuple: cheaper to build than a frozen dataclass, as immutable)."""

    ok: bool
    need: str
    got: str
    items: tuple[str, ...]


def found(parts: Iterable[tuple[str, tuple[str, ...]]]) -> Reason | None:
    """Join statements into one reason: "20 headache days a month; lasting 4 h to a day"."""
    texts, items = [], []
    for text, ids in parts:
        if text:
            texts.append(text)
            for i in ids:
                if i not in items:
                    items.append(i)
    return Reason("; ".join(texts), tuple(items)) if texts else None


def shortfall(level: Match, checks: Iterable[Check]) -> Reason | None:
    """The unmet criteria of ``level``, or None when every one is met."""
    missing = [c for c in checks if not c.ok]
    if not missing:
        return None
    items: list[str] = []
    for c in missing:
        for i in c.items:
            if i not in items:
                items.append(i)
    text = "; ".join([f"needs {c.need} ({c.got})" for c in missing])
    return Reason(f"Not {level._value_}: {text}", tuple(items))


def uncertain(bank: Bank, a: Answers, as_of: date, read: tuple[str, ...]) -> list[Reason]:
    """The asked items the rules read that were answered "unsure" or left unanswered."""
    unsure, missing = [], []
    asked = bank.asked_tests  # item id -> (item, compiled asked-when or None), as bank.is_asked
    for i in read:
        value = a.get(i)
        if value == UNSURE:
            unsure.append(i)
        elif value is None and ((test := asked[i][1]) is None or test(a, as_of)):
            missing.append(i)
    out = []
    if unsure:
        out.append(Reason("Answered unsure, so not counted either way: " + _labels(bank, unsure),
                          tuple(unsure)))
    if missing:
        out.append(Reason("Not answered, so not counted: " + _labels(bank, missing), tuple(missing)))
    return out


def _labels(bank: Bank, ids: list[str]) -> str:
    return "; ".join([f"{bank.item(i).label} ({i})" for i in ids])
