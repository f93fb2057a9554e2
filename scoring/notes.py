"""Notes for the clinician, each with a stable id (clinical-core.md, "Notes"), in table order."""

from __future__ import annotations

from datetime import date

from scoring.evidence import NOTE_TEXTS
from scoring.helpers import Answers, age, at_least, below, includes, migraine_features, yes
from vocabulary import Match, Note

# Acute medicines of ha.med_types: each code but `other` is one class (ICHD-3 8.2); a stored v2
# `simple` is one simple-analgesic class, like `paracetamol` or `nsaid`.
ACUTE_CLASSES = ("paracetamol", "nsaid", "simple", "triptan", "ergot", "combination", "opioid")
OVERUSED_AT_10 = ("triptan", "ergot", "combination", "opioid")

# Preventive classes (clinical-core.md, "Preventive classes"): payers count classes, not drugs.
PREVENTIVE_CLASS = {"topiramate": "antiepileptic", "valproate": "antiepileptic",
                    "beta_blocker": "beta_blocker", "tricyclic": "antidepressant", "snri": "antidepressant",
                    "candesartan": "ace_arb", "cgrp_antibody": "cgrp_antibody", "gepant": "gepant"}
NONRESPONSE = {"fewer_under_30": "fewer by under 30%", "not_fewer": "not fewer"}
SCREEN_POSITIVE = 3  # PHQ-2 and GAD-2 cut-off (Kroenke 2003, 2007)


def _note(note_id: str, **values: object) -> Note:
    return Note(note_id, NOTE_TEXTS[note_id].format(**values))


def preventive_classes(a: Answers) -> tuple[str, ...]:
    """The distinct preventive classes among the codes chosen, in first-chosen order."""
    found: list[str] = []
    for code in a.get("ha.preventives", ()):  # type: ignore[union-attr]
        cls = PREVENTIVE_CLASS.get(code)
        if cls is not None and cls not in found:
            found.append(cls)
    return tuple(found)


def preventive_medicines(a: Answers) -> tuple[str, ...]:
    """The ha.preventives codes that name a medicine (not `none`, not `other`)."""
    return tuple(c for c in a.get("ha.preventives", ()) if c in PREVENTIVE_CLASS)  # type: ignore[union-attr]


def acute_classes(a: Answers) -> tuple[str, ...]:
    return tuple(c for c in a.get("ha.med_types", ()) if c in ACUTE_CLASSES)  # type: ignore[union-attr]


def medication_overuse(a: Answers) -> bool:
    if at_least(a, "ha.med_days", 15):
        return True
    if not at_least(a, "ha.med_days", 10):
        return False
    classes = acute_classes(a)
    return any(c in OVERUSED_AT_10 for c in classes) or len(classes) >= 2


def _sum(a: Answers, first: str, second: str) -> int | None:
    x, y = a.get(first), a.get(second)
    return None if x is None or y is None else x + y  # type: ignore[operator]


def phq2(a: Answers) -> int | None:
    return _sum(a, "mood.interest", "mood.down")


def gad2(a: Answers) -> int | None:
    return _sum(a, "mood.nervous", "mood.worry")


def _headache_notes(a: Answers, migraine_match: Match) -> list[Note]:
    out = []
    treated = includes(a, "toxin.prior_for", "migraine")
    if not treated and below(a, "ha.days", 15) and migraine_features(a).holds:  # the cheap tests first
        out.append(_note("note.episodic_migraine", days=a["ha.days"]))
    if treated and below(a, "ha.days", 15):
        out.append(_note("note.treated_migraine", days=a["ha.days"]))
    if medication_overuse(a):
        out.append(_note("note.medication_overuse", med_days=a["ha.med_days"],
                         med_types=", ".join(a.get("ha.med_types", ["types not answered"]))))  # type: ignore
    chronic = migraine_match is not Match.UNLIKELY
    classes = preventive_classes(a)
    if chronic and len(classes) < 2:
        out.append(_note("note.prior_auth_preventives", classes=len(classes),
                         medicines=len(preventive_medicines(a)),
                         preventives=", ".join(a.get("ha.preventives", ["not answered"]))))  # type: ignore
    if chronic and yes(a, "ha.cgrp_now"):
        out.append(_note("note.cgrp_combination"))
    return out


def notes(a: Answers, as_of: date, migraine_match: Match) -> list[Note]:
    out = _headache_notes(a, migraine_match)
    if yes(a, "back.below_knee"):
        out.append(_note("note.radicular"))
    tried = a.get("back.tried")
    if yes(a, "back.pain") and (tried is None or tried == ["none"]):
        out.append(_note("note.no_conservative_treatment", tried="none" if tried else "not answered"))
    if yes(a, "mf.widespread") and yes(a, "mf.fatigue_sleep"):
        out.append(_note("note.fibromyalgia"))
    change = a.get("toxin.headache_days_change")
    if at_least(a, "toxin.migraine_cycles", 2) and change in NONRESPONSE:
        out.append(_note("note.prior_nonresponse", cycles=a["toxin.migraine_cycles"],
                         change=NONRESPONSE[change]))  # type: ignore[index]
    years = age(a, as_of)
    if years is not None and years < 18:
        out.append(_note("note.paediatric", age=years))
    for note_id, total in (("note.depression_screen", phq2(a)), ("note.anxiety_screen", gad2(a))):
        if total is not None and total >= SCREEN_POSITIVE:
            out.append(_note(note_id, score=total))
    return out
