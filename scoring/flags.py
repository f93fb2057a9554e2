"""Red flags (asked and derived) and the triage level (clinical-core.md, "Red flags", "Triage").

Asked red flags are listed when answered "yes" or "unsure", at their own level; derived red
flags when they hold (answer "yes"), with the ids that raised them; a derived flag that becomes
urgent is one entry, at urgent. Asked flags come first, each group in the order of the spec's
tables. Every flag has a clinician text (scoring/flag_texts.py); one raised by an answer the v2
upgrade mapped names that v2 answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from scoring.flag_texts import ASKED_TEXTS, COMPRESSION, DERIVED_TEXTS, UNSURE_PREFIX, from_v2
from scoring.helpers import UNSURE, YES, Answers, age, below, includes, yes
from vocabulary import RedFlag, Triage

URGENT, REVIEW, ROUTINE = Triage.URGENT, Triage.REVIEW, Triage.ROUTINE
BIRTH = "patient.birth_date"

# Asked red flags, in the spec's table order, with the triage level of a "yes".
ASKED_RED_FLAGS: tuple[tuple[str, Triage], ...] = (
    ("rf.airway_now", URGENT),
    ("rf.thunderclap", URGENT),
    ("rf.fever_stiff_neck", URGENT),
    ("rf.neuro", URGENT),
    ("rf.red_eye", URGENT),
    ("rf.thunderclap_3m", REVIEW),
    ("rf.fever_headache", REVIEW),
    ("rf.pattern_change", REVIEW),
    ("rf.posture", REVIEW),
    ("rf.provoked", REVIEW),
    ("rf.head_injury", REVIEW),
    ("rf.pressure_signs", REVIEW),
    ("rf.recent_head_injury", REVIEW),
    ("rf.jaw_claudication", REVIEW),
    ("rf.scalp_tender", REVIEW),
    ("rf.cancer", REVIEW),
    ("rf.immunosuppressed", REVIEW),
    ("rf.weight_loss", REVIEW),
    ("rf.saddle", URGENT),
    ("rf.bladder_bowel", URGENT),
    ("rf.leg_weakness", URGENT),
    ("rf.both_legs", URGENT),
    ("rf.sexual_function", URGENT),
    ("rf.back_fever", REVIEW),
    ("rf.infection_risk", REVIEW),
    ("rf.trauma", REVIEW),
    ("rf.spread_voice", URGENT),
    ("rf.spread_vision", REVIEW),
    ("rf.spread_weakness", REVIEW),
)
URGENT_QUESTIONS = tuple(item for item, level in ASKED_RED_FLAGS if level is URGENT)

SPREAD_ITEMS = {"rf.spread_voice": "voice", "rf.spread_vision": "vision", "rf.spread_weakness": "weakness"}
COMPRESSION_SIGNS = {"rf.saddle": "saddle numbness", "rf.bladder_bowel": "bladder or bowel trouble",
                     "rf.leg_weakness": "worsening leg weakness", "rf.both_legs": "symptoms in both legs",
                     "rf.sexual_function": "new sexual dysfunction"}

Sources = Mapping[str, str]  # v3 id -> the v2 id the upgrade read it from
# A derived rule: (answers, age or None) -> (level, items that raised it, text) or None.
Derived = tuple[Triage, tuple[str, ...], str]


def _v2(sources: Sources, items: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for i in items:
        v2 = sources.get(i)
        if v2 is not None and v2 not in found:
            found.append(v2)
    return found


def asked_red_flags(a: Answers, sources: Sources) -> list[RedFlag]:
    flags = []
    for item, level in ASKED_RED_FLAGS:
        answer = a.get(item)
        if answer == YES or answer == UNSURE:
            text = ASKED_TEXTS[item] if answer == YES else UNSURE_PREFIX + ASKED_TEXTS[item]
            flags.append(RedFlag(item, level, answer, (item,), from_v2(text, _v2(sources, (item,)))))
    return flags


def _held(a: Answers, items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(i for i in items if a.get(i) == YES)


def acute_dystonia(a: Answers) -> bool:
    return yes(a, "neck.pulls") and a.get("neck.onset") == "days" and yes(a, "neck.new_medicine")


def new_or_changed(a: Answers) -> tuple[str, ...]:
    """The items that make a headache new (first started in the last year) or changed."""
    new = ("ha.first_started",) if a.get("ha.first_started") == "under_1y" else ()
    return new + _held(a, ("rf.pattern_change",))


def _acute_dystonia(a: Answers, years: int | None) -> Derived | None:
    if acute_dystonia(a):
        return URGENT, ("neck.pulls", "neck.onset", "neck.new_medicine"), DERIVED_TEXTS["rf.acute_dystonia"]
    return None


def _toxin_spread(a: Answers, years: int | None) -> Derived | None:
    if not below(a, "safety.toxin_weeks", 12):
        return None
    swallow = _held(a, ("safety.swallow_breath",))
    spread = _held(a, tuple(SPREAD_ITEMS))
    if len(spread) < 2:
        spread = ()
    if not (swallow or spread):
        return None
    now = ", ".join(SPREAD_ITEMS[i] for i in spread) + " symptoms now" if spread else ""
    why = "; ".join(filter(None, ["trouble swallowing or breathing" if swallow else "", now]))
    return URGENT, ("safety.toxin_weeks", *swallow, *spread), DERIVED_TEXTS["rf.toxin_spread"].format(why=why)


def _spinal_infection(a: Answers, years: int | None) -> Derived | None:
    risks = _held(a, ("rf.infection_risk", "rf.immunosuppressed"))
    if not (yes(a, "rf.back_fever") and risks):
        return None
    why = " and ".join({"rf.infection_risk": "an infection risk (drug injection, recent spine procedure)",
                        "rf.immunosuppressed": "a weakened immune system"}[r] for r in risks)
    return URGENT, ("rf.back_fever", *risks), DERIVED_TEXTS["rf.spinal_infection"].format(why=why)


def _giant_cell_arteritis(a: Answers, years: int | None) -> Derived | None:
    if years is None or years < 50:
        return None
    jaw = _held(a, ("rf.jaw_claudication",))
    changed = new_or_changed(a)
    scalp = ("rf.scalp_tender", *changed) if yes(a, "rf.scalp_tender") and changed else ()
    if not (jaw or scalp):
        return None
    why = " and ".join(filter(None, ["jaw claudication" if jaw else "",
                                     "scalp tenderness with a new or changed headache" if scalp else ""]))
    return (URGENT, (BIRTH, *jaw, *scalp),
            DERIVED_TEXTS["rf.giant_cell_arteritis"].format(age=years, why=why))


def _anticoagulant_head_injury(a: Answers, years: int | None) -> Derived | None:
    if yes(a, "safety.blood_thinner") and yes(a, "rf.recent_head_injury"):
        return (URGENT, ("safety.blood_thinner", "rf.recent_head_injury"),
                DERIVED_TEXTS["rf.anticoagulant_head_injury"])
    return None


def _neck_recent_onset(a: Answers, years: int | None) -> Derived | None:
    if yes(a, "neck.pulls") and a.get("neck.onset") in ("days", "weeks") and not acute_dystonia(a):
        return REVIEW, ("neck.pulls", "neck.onset"), DERIVED_TEXTS["rf.neck_recent_onset"]
    return None


def _pregnancy_headache(a: Answers, years: int | None) -> Derived | None:
    changed = new_or_changed(a)
    if not changed:
        return None
    items = (*changed, "safety.pregnant")
    if includes(a, "safety.pregnant", "postpartum"):
        return URGENT, items, DERIVED_TEXTS["rf.pregnancy_headache"].format(when="after birth")
    if includes(a, "safety.pregnant", "pregnant"):
        return REVIEW, items, DERIVED_TEXTS["rf.pregnancy_headache"].format(when="in pregnancy")
    return None


def _new_after_50(a: Answers, years: int | None) -> Derived | None:
    if years is not None and years >= 50 and a.get("ha.first_started") == "under_1y":
        return REVIEW, (BIRTH, "ha.first_started"), DERIVED_TEXTS["rf.new_after_50"].format(age=years)
    return None


def _recent_onset(a: Answers, years: int | None) -> Derived | None:
    if a.get("ha.first_started") != "under_1y" or (years is not None and years >= 50):
        return None
    if years is None:
        return REVIEW, ("ha.first_started",), DERIVED_TEXTS["rf.recent_onset"].format(age=" (age not known)")
    return (REVIEW, ("ha.first_started", BIRTH),
            DERIVED_TEXTS["rf.recent_onset"].format(age=f", at {years}"))


def _anticoagulant_headache(a: Answers, years: int | None) -> Derived | None:
    changed = new_or_changed(a)
    if yes(a, "safety.blood_thinner") and changed:
        return REVIEW, ("safety.blood_thinner", *changed), DERIVED_TEXTS["rf.anticoagulant_headache"]
    return None


def _spinal_malignancy(a: Answers, years: int | None) -> Derived | None:
    if not yes(a, "back.pain"):
        return None
    course = (("back.months",) if below(a, "back.months", 3) else ()) + _held(a, ("back.worsening",))
    older = years is not None and years >= 50 and yes(a, "rf.weight_loss")
    risk = _held(a, ("rf.cancer",)) + ((BIRTH, "rf.weight_loss") if older else ())
    if not (course and risk):
        return None
    why = "; ".join(filter(None, [
        "recent back pain (under 3 months)" if "back.months" in course else "",
        "worsening or night pain" if "back.worsening" in course else "",
        "a history of cancer" if "rf.cancer" in risk else "",
        f"unexplained weight loss at {years}" if older else ""]))
    signs = _held(a, tuple(COMPRESSION_SIGNS))
    compression = COMPRESSION.format(signs=", ".join(COMPRESSION_SIGNS[s] for s in signs)) if signs else ""
    text = DERIVED_TEXTS["rf.spinal_malignancy"].format(why=why, compression=compression)
    return URGENT if signs else REVIEW, ("back.pain", *course, *risk, *signs), text


DERIVED_RULES: tuple[tuple[str, Callable[[Answers, int | None], Derived | None]], ...] = (
    ("rf.acute_dystonia", _acute_dystonia),
    ("rf.toxin_spread", _toxin_spread),
    ("rf.spinal_infection", _spinal_infection),
    ("rf.giant_cell_arteritis", _giant_cell_arteritis),
    ("rf.anticoagulant_head_injury", _anticoagulant_head_injury),
    ("rf.neck_recent_onset", _neck_recent_onset),
    ("rf.pregnancy_headache", _pregnancy_headache),
    ("rf.new_after_50", _new_after_50),
    ("rf.recent_onset", _recent_onset),
    ("rf.anticoagulant_headache", _anticoagulant_headache),
    ("rf.spinal_malignancy", _spinal_malignancy),
)


def derived_red_flags(a: Answers, as_of: date, sources: Sources) -> list[RedFlag]:
    years = age(a, as_of)
    flags = []
    for flag_id, rule in DERIVED_RULES:
        held = rule(a, years)
        if held is not None:
            level, items, text = held
            flags.append(RedFlag(flag_id, level, YES, items, from_v2(text, _v2(sources, items))))
    return flags


def triage(flags: list[RedFlag], safety_raises: bool) -> Triage:
    """urgent: any flag at urgent is yes; review: any flag at review is yes, or any urgent-level
    question is answered unsure, or a contraindication or a serious precaution holds
    (``safety_raises``, scoring/safety.py); routine otherwise."""
    level = REVIEW if safety_raises else ROUTINE
    for f in flags:
        if f.answer == YES:
            if f.level is URGENT:
                return URGENT
            level = REVIEW
        elif f.level is URGENT:  # an asked question whose own row says urgent, answered unsure
            level = REVIEW
    return level
