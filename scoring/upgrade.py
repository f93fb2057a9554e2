"""Reading a version 2 answers document under v3 (clinical-core.md, "Reading a version 2 document").

    from scoring.upgrade import upgrade
    up = upgrade(stored_answers, as_of=visit_date)   # -> Upgraded(answers, sources, notes, ...)

The scoring applies it to every document before validation; it changes nothing in a v3
document (the same mapping comes back, with no sources and no notes). It uses the scoring date
only for the age in the ``rf.jaw_scalp`` row. ``sources`` maps each v3 answer the upgrade wrote
to the v2 id it was read from, so flags raised by it can say "from the v2 answer `rf.jaw_scalp`".
A document that holds a retired id together with one of its v3 replacements is an
``InvalidAnswers`` error naming both (``questionnaire.answers.retired_conflicts``). A retired id
whose value is not a yes/no answer is left as written, and its problem names that value, not a
v3 id it never held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from questionnaire.answers import InvalidAnswers, Problem, retired_conflicts
from questionnaire.bank import load_bank
from questionnaire.conditions import age

YN = ("yes", "no", "unsure")
# Each retired v2 yes/no question and the v3 items a v2 answer is read as (same value).
RETIRED_YN: dict[str, tuple[str, ...]] = {
    "rf.cancer_immuno": ("rf.cancer", "rf.immunosuppressed"),
    "rf.positional": ("rf.posture", "rf.provoked"),
    "rf.jaw_scalp": ("rf.jaw_claudication", "rf.scalp_tender"),
}
NEW_AFTER_50 = "rf.new_after_50"  # now a derived flag; a v2 "yes" is read as ha.first_started
REPLACEMENTS: dict[str, tuple[str, ...]] = {**RETIRED_YN, NEW_AFTER_50: ("ha.first_started",)}
JAW_SCALP_AGE = 50  # v3 asks rf.jaw_claudication and rf.scalp_tender at age 50 or over only
PREGNANT = "safety.pregnant"
PREGNANCY_CODES = ("pregnant", "postpartum", "breastfeeding", "trying", "no", "unsure", "not_applicable")

EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Upgraded:
    """A document read under v3: its answers, where each upgraded answer came from, and what the
    upgrade did (clinician words; ids and codes only, never patient text)."""

    answers: Mapping[str, object]
    sources: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # v3 id -> the v2 id it was read from
    notes: tuple[str, ...] = ()
    postpartum_unknown: bool = False  # a v2 single-code "breastfeeding": safety.postpartum_unknown

    @property
    def upgraded(self) -> bool:
        """Whether the document held any v2 answer the upgrade changed."""
        return bool(self.notes)

    @property
    def v2_ids(self) -> tuple[str, ...]:
        """The v2 ids the upgrade read, in the order their v3 answers were written."""
        return tuple(dict.fromkeys(self.sources.values()))


def _needs_upgrade(doc: Mapping[str, object]) -> bool:
    return isinstance(doc.get(PREGNANT), str) or any(k in doc for k in REPLACEMENTS)


def upgrade(answers: Mapping[str, object], as_of: date) -> Upgraded:
    """``answers`` read under v3 on the scoring date ``as_of`` (see the module docstring).

    Never changes ``answers``. Raises ``InvalidAnswers`` for a retired id given together with one
    of its replacements (both named). Anything that is not a mapping comes back as it is, for the
    validation to refuse.
    """
    if not isinstance(answers, Mapping) or not _needs_upgrade(answers):
        return Upgraded(answers)
    bank = load_bank()
    problems = retired_conflicts(bank, answers)  # the questionnaire's own check, both ids named
    if problems:
        raise InvalidAnswers(problems, bank)
    doc = dict(answers)
    sources: dict[str, str] = {}
    notes: list[str] = []
    for retired, replacements in RETIRED_YN.items():
        value = doc.get(retired)
        if value not in YN:
            continue  # absent, or not a yes/no answer: left for the validation to name
        del doc[retired]
        if retired == "rf.jaw_scalp" and not _fifty_or_over(doc, as_of):
            notes.append(f"{retired} = {value} not carried over: v3 asks its replacements at age "
                         f"{JAW_SCALP_AGE} or over only, and the age on {as_of.isoformat()} is under "
                         f"{JAW_SCALP_AGE} or not known")
            continue
        for new in replacements:
            doc[new] = value
            sources[new] = retired
        read_as = " and ".join(f"{new} = {value}" for new in replacements)
        notes.append(f"{retired} = {value} read as {read_as}")
    _new_after_50(doc, sources, notes)
    postpartum_unknown = _pregnancy(doc, notes)
    return Upgraded(MappingProxyType(doc), MappingProxyType(sources), tuple(notes), postpartum_unknown)


def _fifty_or_over(doc: Mapping[str, object], as_of: date) -> bool:
    years = age(doc, as_of)
    return years is not None and years >= JAW_SCALP_AGE


def _new_after_50(doc: dict, sources: dict[str, str], notes: list[str]) -> None:
    value = doc.get(NEW_AFTER_50)
    if value not in YN:
        return
    del doc[NEW_AFTER_50]
    if value == "yes":  # the v2 question said the headaches started within the last year
        doc["ha.first_started"] = "under_1y"
        sources["ha.first_started"] = NEW_AFTER_50
        notes.append(f"{NEW_AFTER_50} = yes read as ha.first_started = under_1y")
    else:
        notes.append(f"{NEW_AFTER_50} = {value} removed; ha.first_started stays unanswered")


def _pregnancy(doc: dict, notes: list[str]) -> bool:
    """A v2 single code becomes a list of that code; True for a lone v2 "breastfeeding"."""
    value = doc.get(PREGNANT)
    if not isinstance(value, str) or value not in PREGNANCY_CODES:
        return False  # a v3 list, absent, or not a code: left for the validation
    doc[PREGNANT] = [value]
    notes.append(f'{PREGNANT} = "{value}" (a v2 single code) read as ["{value}"]')
    return value == "breastfeeding"


def name_as_written(problems: list[Problem], up: Upgraded) -> list[Problem]:
    """Problems of upgraded answers named by the v2 id the document holds (each once); a retired id
    left in place because its value is not a yes/no answer is named for that value."""
    out: list[Problem] = []
    for p in problems:
        if p.item in up.sources:
            p = Problem(up.sources[p.item], p.code, p.params)
        elif p.item in REPLACEMENTS and p.item in up.answers and p.code == "retired":
            p = Problem(p.item, "null" if up.answers[p.item] is None else "not_an_option")
        if p not in out:
            out.append(p)
    return out
