"""Asked-when conditions: small structured expressions over an answers document.

A condition is one of
    {item = ID, in = [codes]}        the answer is one of the codes (yn or choice)
    {item = ID, min = N}             a whole-number answer of at least N
    {item = ID, below = N}           a whole-number answer below N
    {item = ID, includes = [codes]}  a multi answer holds at least one of the codes
    {age_min = N}                    the patient's age on the scoring date is at least N
    {gate = NAME}                    a named gate of the bank
    {any = [conditions]} / {all = [conditions]}
A condition on an unanswered item is false (clinical-core.md, "Core data elements"); so is
``age_min`` when ``patient.birth_date`` is unanswered or not a valid birth date on ``as_of``.

Every test takes the scoring date ``as_of`` (required): the kiosk passes today, a stored
submission its visit date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

Answers = Mapping[str, object]
Test = Callable[[Answers, date], bool]

BIRTH_DATE = "patient.birth_date"
MAX_AGE = 120
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def age_on(birth: date, on: date) -> int:
    """Whole years from ``birth`` to ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age(answers: Answers, as_of: date) -> int | None:
    """The patient's age in whole years on ``as_of``; None when the birth date is unanswered or
    invalid (not ``YYYY-MM-DD``, after ``as_of``, or an age above ``MAX_AGE``)."""
    value = answers.get(BIRTH_DATE)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        born = date.fromisoformat(value)
    except ValueError:
        return None
    years = age_on(born, as_of)
    return years if born <= as_of and years <= MAX_AGE else None


@dataclass(frozen=True)
class Condition:
    kind: str  # "in", "min", "below", "includes", "age_min", "gate", "any", "all"
    item: str | None = None  # for "age_min": patient.birth_date, the item it reads
    values: tuple = ()
    number: int | None = None
    parts: tuple[Condition, ...] = ()
    gate: str | None = None

    def items(self) -> set[str]:
        """Every item id this condition reads (through parts, not through gates)."""
        found = {self.item} if self.item else set()
        for part in self.parts:
            found |= part.items()
        return found

    def holds(self, answers: Answers, gates: Mapping[str, Condition], as_of: date) -> bool:
        if self.kind == "gate":
            return gates[self.gate].holds(answers, gates, as_of)
        if self.kind == "any":
            return any(p.holds(answers, gates, as_of) for p in self.parts)
        if self.kind == "all":
            return all(p.holds(answers, gates, as_of) for p in self.parts)
        if self.kind == "age_min":
            years = age(answers, as_of)
            return years is not None and years >= self.number  # type: ignore[operator]
        value = answers.get(self.item)
        if value is None:
            return False
        if self.kind == "in":
            return value in self.values
        if self.kind == "includes":
            return isinstance(value, list) and any(v in value for v in self.values)
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return value >= self.number if self.kind == "min" else value < self.number

    def compile(self, gate_tests: Mapping[str, Test]) -> Test:
        """The same test as ``holds`` as one plain function of (answers, as_of), built once per bank.

        ``gate_tests`` maps gate names to their compiled tests; it is read when the test runs,
        so gates may be compiled in any order.
        """
        if self.kind == "gate":
            name = self.gate
            return lambda a, as_of: gate_tests[name](a, as_of)
        if self.kind in ("any", "all"):
            parts = tuple(p.compile(gate_tests) for p in self.parts)
            if self.kind == "any":
                return lambda a, as_of: any(p(a, as_of) for p in parts)
            return lambda a, as_of: all(p(a, as_of) for p in parts)
        return _leaf(self.kind, self.item, self.values, self.number)


def _leaf(kind: str, item: str | None, values: tuple, number: int | None) -> Test:
    if kind == "in":
        if len(values) == 1:
            only = values[0]
            return lambda a, as_of: (v := a.get(item)) is not None and v == only
        return lambda a, as_of: (v := a.get(item)) is not None and v in values
    if kind == "includes":
        return lambda a, as_of: isinstance(v := a.get(item), list) and any(x in v for x in values)
    if kind == "age_min":
        return lambda a, as_of: (years := age(a, as_of)) is not None and years >= number

    def whole(v: object) -> bool:
        return v is not None and not isinstance(v, bool) and isinstance(v, int)
    if kind == "min":
        return lambda a, as_of: whole(v := a.get(item)) and v >= number
    return lambda a, as_of: whole(v := a.get(item)) and v < number


_LEAF_KEYS = {"in", "min", "below", "includes"}


def parse_condition(raw: object, where: str) -> Condition:
    """Build a Condition from bank data; ``where`` names the item for error messages."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a condition must be a table, got {raw!r}")
    if "gate" in raw:
        return Condition("gate", gate=str(raw["gate"]))
    if "age_min" in raw:
        if len(raw) != 1 or isinstance(raw["age_min"], bool) or not isinstance(raw["age_min"], int):
            raise ValueError(f"{where}: 'age_min' stands alone and needs a whole number of years")
        return Condition("age_min", item=BIRTH_DATE, number=raw["age_min"])
    for combiner in ("any", "all"):
        if combiner in raw:
            parts = raw[combiner]
            if not isinstance(parts, list) or not parts:
                raise ValueError(f"{where}: '{combiner}' needs a non-empty list of conditions")
            return Condition(combiner, parts=tuple(parse_condition(p, where) for p in parts))
    keys = _LEAF_KEYS & raw.keys()
    if "item" not in raw or len(keys) != 1:
        raise ValueError(f"{where}: a condition needs 'item' and one of {sorted(_LEAF_KEYS)}, or 'age_min'")
    kind = keys.pop()
    arg = raw[kind]
    if kind in ("min", "below"):
        if not isinstance(arg, int):
            raise ValueError(f"{where}: '{kind}' needs a whole number")
        return Condition(kind, item=str(raw["item"]), number=arg)
    if not isinstance(arg, list) or not arg:
        raise ValueError(f"{where}: '{kind}' needs a non-empty list of codes")
    return Condition(kind, item=str(raw["item"]), values=tuple(arg))
