"""Safety flags before botulinum toxin (clinical-core.md, "Safety before botulinum toxin", "Safety").

Each flag has a level and a plain reason. They never change a match; they stand beside it.
Order: the spec's safety table, ``safety.postpartum_unknown`` (a v2 single-code "breastfeeding")
right after ``safety.pregnant``. Since v3 a contraindication, or a serious precaution, raises
triage to at least review (``raises_triage``).
"""

from __future__ import annotations

from questionnaire.bank import Bank
from scoring.evidence import CLARIFY_TEXT, SAFETY_TEXTS
from scoring.helpers import UNSURE, YES, Answers
from vocabulary import SafetyFlag, SafetyLevel

CONTRA, PRECAUTION, CLARIFY = SafetyLevel.CONTRAINDICATION, SafetyLevel.PRECAUTION, SafetyLevel.CLARIFY

# Yes/no safety items in table order, with the level of a "yes" (None: no flag on yes).
YES_NO_SAFETY: dict[str, SafetyLevel | None] = {
    "safety.neuromuscular": PRECAUTION,
    "safety.toxin_allergy": CONTRA,
    "safety.milk_allergy": PRECAUTION,
    "safety.toxin_before": None,
    "safety.blood_thinner": PRECAUTION,
    "safety.swallow_breath": PRECAUTION,
    "safety.skin_infection": CONTRA,
    "safety.antibiotic_injections": PRECAUTION,
    "safety.muscle_relaxant": PRECAUTION,
    "safety.anticholinergic": PRECAUTION,
}
PREGNANCY_PRECAUTION = ("pregnant", "postpartum", "breastfeeding", "trying")
POSTPARTUM_UNKNOWN = "safety.postpartum_unknown"

# Serious precautions (clinical-core.md, "Triage"): each raises triage to at least review.
SERIOUS_YES = ("safety.neuromuscular", "safety.swallow_breath", "safety.antibiotic_injections")
SERIOUS_CODES = (("safety.pregnant", ("pregnant", "postpartum")),
                 ("toxin.prior_side_effects", ("swallowing", "neck_weakness")))

# The whole safety table in order: where each id's flag (if any) comes from.
SAFETY_ORDER = ("safety.pregnant", "safety.neuromuscular", "safety.toxin_allergy", "safety.milk_allergy",
                "safety.toxin_before", "safety.toxin_weeks", "toxin.prior_side_effects",
                "safety.blood_thinner", "safety.swallow_breath", "safety.skin_infection",
                "safety.antibiotic_injections", "safety.muscle_relaxant", "safety.anticholinergic")


def _flag(item: str, level: SafetyLevel, answer: object, bank: Bank) -> SafetyFlag:
    if level is CLARIFY:
        return SafetyFlag(item, level, CLARIFY_TEXT.format(label=bank.label(item)))
    shown = ", ".join(answer) if isinstance(answer, list) else answer
    return SafetyFlag(item, level, SAFETY_TEXTS[item, level].format(answer=shown))


def _level(item: str, value: object) -> SafetyLevel | None:
    """The level of the flag the answer ``value`` (never None) to ``item`` raises, if any."""
    if item == "safety.pregnant":  # a multi: at most one flag, whatever the number of codes
        if any(code in PREGNANCY_PRECAUTION for code in value):  # type: ignore[attr-defined]
            return PRECAUTION
        return CLARIFY if UNSURE in value else None  # type: ignore[operator]
    if item == "safety.toxin_weeks":
        return PRECAUTION if value < 12 else None  # type: ignore[operator]
    if item == "toxin.prior_side_effects":
        return PRECAUTION if any(code != "none" for code in value) else None  # type: ignore[attr-defined]
    if value == UNSURE:
        return CLARIFY
    return YES_NO_SAFETY[item] if value == YES else None


def safety_flags(a: Answers, bank: Bank, postpartum_unknown: bool = False) -> list[SafetyFlag]:
    """The flags in table order; ``postpartum_unknown``: the v2 document said only "breastfeeding"."""
    flags = []
    for item in SAFETY_ORDER:
        value = a.get(item)
        if value is not None and (level := _level(item, value)) is not None:
            flags.append(_flag(item, level, value, bank))
        if item == "safety.pregnant" and postpartum_unknown:
            flags.append(SafetyFlag(POSTPARTUM_UNKNOWN, CLARIFY, SAFETY_TEXTS[POSTPARTUM_UNKNOWN, CLARIFY]))
    return flags


def raises_triage(a: Answers, flags: list[SafetyFlag]) -> bool:
    """A contraindication, or a serious precaution, holds: triage is at least review."""
    if any(f.level is CONTRA for f in flags):
        return True
    if any(a.get(item) == YES for item in SERIOUS_YES):
        return True
    return any(isinstance(value := a.get(item), list) and any(c in value for c in codes)
               for item, codes in SERIOUS_CODES)
