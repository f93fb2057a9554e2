"""Small helpers for the scoring tests: minimal valid partial answers documents, written by hand."""

from __future__ import annotations

from datetime import date, timedelta

from scoring import ScreeningResult, score

AS_OF = date(2026, 11, 24)

HA = {"ha.any": "yes"}
# Migraine features: 2 of 4 traits (one-sided, throbbing) and nausea.
MIGRAINE = {"ha.one_side": "yes", "ha.throbbing": "yes", "ha.nausea": "yes"}
CM_STRONG = {**HA, "ha.days": 15, "ha.months": 3, "ha.migraine_days": 8, "ha.duration": "4h_to_1d",
             **MIGRAINE}
# Tension features: not one-sided, pressing; nausea no; light no (at most one of light and noise).
TENSION = {"ha.one_side": "no", "ha.pressing": "yes", "ha.nausea": "no", "ha.light": "no"}
# Chronic tension-type: strong needs ha.migraine_days answered and under 8 (v3).
TTH_STRONG = {**HA, "ha.days": 15, "ha.months": 3, "ha.migraine_days": 0, **TENSION}
CD_STRONG = {"neck.pulls": "yes", "neck.sensory_trick": "yes", "neck.onset": "months"}
LBP_STRONG = {"back.pain": "yes", "back.months": 3, "back.spasms": "yes", "back.below_knee": "no"}
# Myofascial strong needs the fibromyalgia pattern ruled out explicitly (v3): widespread = no here.
MF_STRONG = {"mf.knots": "yes", "mf.press_familiar": "yes", "mf.spreads": "yes", "mf.widespread": "no"}


def doc(*parts: dict) -> dict:
    """Merge parts left to right; a value of None removes the id (an unanswered item)."""
    merged: dict = {}
    for part in parts:
        merged.update(part)
    return {k: v for k, v in merged.items() if v is not None}


def run(*parts: dict, as_of: date = AS_OF) -> ScreeningResult:
    return score(doc(*parts), as_of)


def match(indication: str, *parts: dict) -> str:
    return run(*parts).indication(indication).match.value


def birthday_today(years: int, as_of: date = AS_OF) -> str:
    """A birth date whose ``years``-th birthday is ``as_of``: age ``years`` that day."""
    return date(as_of.year - years, as_of.month, as_of.day).isoformat()


def birthday_tomorrow(years: int, as_of: date = AS_OF) -> str:
    """A birth date whose ``years``-th birthday is the day after ``as_of``: age ``years - 1``."""
    return (date(as_of.year - years, as_of.month, as_of.day) + timedelta(days=1)).isoformat()


def flags(result: ScreeningResult) -> list[tuple[str, str, str]]:
    return [(f.id, f.level.value, f.answer) for f in result.red_flags]


def flag_ids(result: ScreeningResult) -> list[str]:
    return [f.id for f in result.red_flags]


def note_ids(result: ScreeningResult) -> list[str]:
    return [n.id for n in result.notes]


def safety_levels(result: ScreeningResult) -> list[tuple[str, str]]:
    return [(f.id, f.level.value) for f in result.safety]
