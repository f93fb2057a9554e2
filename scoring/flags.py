"""Red flags (asked and derived) and the triage level (clinical-core.md, "Red flags", "Triage").

Asked red flags are listed when answered "yes" or "unsure", at their own level; derived red
flags when they hold (answer "yes"), with the ids that raised them. Asked flags come first,
each group in the order of the spec's tables.
"""

from __future__ import annotations

from datetime import date

from scoring.helpers import UNSURE, YES, Answers, age, below, yes
from scoring.types import RedFlag, Triage

URGENT, REVIEW, ROUTINE = Triage.URGENT, Triage.REVIEW, Triage.ROUTINE

# Asked red flags, in the spec's table order, with the triage level of a "yes".
ASKED_RED_FLAGS: tuple[tuple[str, Triage], ...] = (
    ("rf.airway_now", URGENT),
    ("rf.thunderclap", URGENT),
    ("rf.fever_stiff_neck", URGENT),
    ("rf.neuro", URGENT),
    ("rf.new_after_50", REVIEW),
    ("rf.pattern_change", REVIEW),
    ("rf.positional", REVIEW),
    ("rf.head_injury", REVIEW),
    ("rf.jaw_scalp", REVIEW),
    ("rf.cancer_immuno", REVIEW),
    ("rf.weight_loss", REVIEW),
    ("rf.saddle", URGENT),
    ("rf.bladder_bowel", URGENT),
    ("rf.leg_weakness", URGENT),
    ("rf.back_fever", REVIEW),
    ("rf.infection_risk", REVIEW),
    ("rf.trauma", REVIEW),
)

DERIVED_RED_FLAGS = ("rf.acute_dystonia", "rf.toxin_spread", "rf.spinal_infection",
                     "rf.giant_cell_arteritis", "rf.neck_recent_onset", "rf.pregnancy_headache")


def asked_red_flags(a: Answers) -> list[RedFlag]:
    return [RedFlag(item, level, a[item], (item,))  # type: ignore[arg-type]
            for item, level in ASKED_RED_FLAGS if a.get(item) in (YES, UNSURE)]


def _acute_dystonia(a: Answers) -> bool:
    return yes(a, "neck.pulls") and a.get("neck.onset") == "days" and yes(a, "neck.new_medicine")


def derived_red_flags(a: Answers, as_of: date) -> list[RedFlag]:
    flags = []
    acute = _acute_dystonia(a)
    if acute:
        flags.append(RedFlag("rf.acute_dystonia", URGENT, YES,
                             ("neck.pulls", "neck.onset", "neck.new_medicine")))
    if yes(a, "safety.swallow_breath") and below(a, "safety.toxin_weeks", 12):
        flags.append(RedFlag("rf.toxin_spread", URGENT, YES, ("safety.swallow_breath", "safety.toxin_weeks")))
    risks = tuple(i for i in ("rf.infection_risk", "rf.cancer_immuno") if yes(a, i))
    if yes(a, "rf.back_fever") and risks:
        flags.append(RedFlag("rf.spinal_infection", URGENT, YES, ("rf.back_fever", *risks)))
    if yes(a, "rf.jaw_scalp") and (years := age(a, as_of)) is not None and years >= 50:
        flags.append(RedFlag("rf.giant_cell_arteritis", URGENT, YES, ("rf.jaw_scalp", "patient.birth_date")))
    if yes(a, "neck.pulls") and a.get("neck.onset") in ("days", "weeks") and not acute:
        flags.append(RedFlag("rf.neck_recent_onset", REVIEW, YES, ("neck.pulls", "neck.onset")))
    if yes(a, "ha.any") and a.get("safety.pregnant") in ("pregnant", "postpartum"):
        if yes(a, "rf.pattern_change"):
            flags.append(RedFlag("rf.pregnancy_headache", URGENT, YES,
                                 ("ha.any", "safety.pregnant", "rf.pattern_change")))
        else:
            flags.append(RedFlag("rf.pregnancy_headache", REVIEW, YES, ("ha.any", "safety.pregnant")))
    return flags


def triage(flags: list[RedFlag]) -> Triage:
    """urgent: any flag at urgent is yes; review: any flag at review is yes, or any urgent-level
    question is answered unsure; routine otherwise."""
    level = ROUTINE
    for f in flags:
        if f.answer == YES:
            if f.level is URGENT:
                return URGENT
            level = REVIEW
        elif f.level is URGENT:  # an urgent-level question answered unsure
            level = REVIEW
    return level
