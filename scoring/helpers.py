"""Reading a validated answers document the way the spec's rules read it.

"How rules read answers" (clinical-core.md): a positive criterion holds only on that explicit
answer, a negative criterion only on an explicit "no"; "unsure" and unanswered satisfy neither,
and a threshold on an unanswered number does not hold. Every helper here follows that, and the
derived helpers (migraine features, tension features, ID-Migraine, age) say which items made
them hold so the reasons can name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from questionnaire.answers import age_on

Answers = Mapping[str, object]

YES, NO, UNSURE = "yes", "no", "unsure"

# Clinician phrases for choice codes the reasons quote.
PHRASES = {
    "ha.duration": {"under_4h": "under 4 h", "4h_to_1d": "4 h to a day", "over_1d": "over a day",
                    "constant": "constant"},
    "neck.onset": {"days": "under a week ago", "weeks": "1 week to 3 months ago",
                   "months": "3 to 12 months ago", "years": "over a year ago"},
}


def yes(a: Answers, item: str) -> bool:
    return a.get(item) == YES


def no(a: Answers, item: str) -> bool:
    return a.get(item) == NO


def includes(a: Answers, item: str, code: str) -> bool:
    """A multi answer holds ``code`` ("`X` includes c")."""
    value = a.get(item)
    return isinstance(value, list) and code in value


def at_least(a: Answers, item: str, n: int) -> bool:
    """A threshold: holds only on an answered number of at least ``n``."""
    value = a.get(item)
    return value is not None and value >= n  # type: ignore[operator]


def below(a: Answers, item: str, n: int) -> bool:
    """A threshold: holds only on an answered number below ``n``."""
    value = a.get(item)
    return value is not None and value < n  # type: ignore[operator]


def shown(a: Answers, item: str) -> str:
    """An answer as the reasons quote it: the value, or "not answered"."""
    value = a.get(item)
    if value is None:
        return "not answered"
    if isinstance(value, str):
        phrases = PHRASES.get(item)
        return value if phrases is None else phrases.get(value, value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def says(a: Answers, item: str, what: str) -> str:
    """``what`` followed by the answer, for statements like "sensory trick: yes"."""
    return f"{what}: {shown(a, item)}"


def age(a: Answers, as_of: date) -> int | None:
    """Whole years from ``patient.birth_date`` to the scoring date; None when unanswered."""
    birth = a.get("patient.birth_date")
    return None if birth is None else age_on(date.fromisoformat(birth), as_of)  # type: ignore[arg-type]


class Pattern(NamedTuple):
    """A derived helper: whether it holds, which parts held, which items it read (internal, so a
    NamedTuple: cheaper to build than a frozen dataclass, as immutable)."""

    holds: bool
    found: tuple[str, ...]  # clinician words for the parts that held
    items: tuple[str, ...]


MIGRAINE_ITEMS = ("ha.one_side", "ha.throbbing", "ha.severity", "ha.worse_activity",
                  "ha.nausea", "ha.light", "ha.sound")
TENSION_ITEMS = ("ha.one_side", "ha.pressing", "ha.severity", "ha.worse_activity",
                 "ha.nausea", "ha.light", "ha.sound")
ID_MIGRAINE_ITEMS = ("ha.disabled", "ha.nausea", "ha.light")


def migraine_features(a: Answers) -> Pattern:
    """>= 2 of {one-sided, throbbing, moderate/severe, worse with activity} and
    >= 1 of {nausea, (light and noise)} (ICHD-3 1.1 C and D)."""
    severity = a.get("ha.severity")
    traits = [w for w, ok in (("one-sided", yes(a, "ha.one_side")), ("throbbing", yes(a, "ha.throbbing")),
                              (f"{severity}", severity in ("moderate", "severe")),
                              ("worse with activity", yes(a, "ha.worse_activity"))) if ok]
    light_and_sound = yes(a, "ha.light") and yes(a, "ha.sound")
    company = [w for w, ok in (("nausea", yes(a, "ha.nausea")), ("light and noise bother", light_and_sound))
               if ok]
    return Pattern(len(traits) >= 2 and len(company) >= 1, tuple(traits + company), MIGRAINE_ITEMS)


def tension_features(a: Answers) -> Pattern:
    """>= 2 of {not one-sided, pressing, mild/moderate, not worse with activity} and nausea = no
    and (light = no or noise = no): at most one of the two, read only on an explicit "no"
    (ICHD-3 2.2/2.3; v2 read "not both yes", which let "unsure" count as "no")."""
    severity = a.get("ha.severity")
    traits = [w for w, ok in (("not one-sided", no(a, "ha.one_side")), ("pressing", yes(a, "ha.pressing")),
                              (f"{severity}", severity in ("mild", "moderate")),
                              ("not worse with activity", no(a, "ha.worse_activity"))) if ok]
    no_nausea = no(a, "ha.nausea")
    quiet = [w for w, ok in (("light does not bother", no(a, "ha.light")),
                             ("noise does not bother", no(a, "ha.sound"))) if ok]
    extras = (["no nausea"] if no_nausea else []) + quiet
    return Pattern(len(traits) >= 2 and no_nausea and bool(quiet), tuple(traits + extras), TENSION_ITEMS)


def id_migraine(a: Answers) -> Pattern:
    """ID-Migraine (Lipton 2003): positive at >= 2 of disabled, nausea, light."""
    found = [w for w, ok in (("kept from activities", yes(a, "ha.disabled")), ("nausea", yes(a, "ha.nausea")),
                             ("light bothers", yes(a, "ha.light"))) if ok]
    return Pattern(len(found) >= 2, tuple(found), ID_MIGRAINE_ITEMS)
