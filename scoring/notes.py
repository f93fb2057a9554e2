"""Notes for the clinician, each with a stable id (clinical-core.md, "Notes"), in table order."""

from __future__ import annotations

from datetime import date

from scoring.evidence import NOTE_TEXTS
from scoring.helpers import Answers, age, at_least, below, migraine_features, yes
from scoring.types import Match, Note

STRONG_OVERUSE = ("triptan", "ergot", "combination", "opioid")
NOT_A_CLASS = ("none", "other")  # preventive codes that do not count as a class


def _note(note_id: str, **values: object) -> Note:
    return Note(note_id, NOTE_TEXTS[note_id].format(**values))


def _medication_overuse(a: Answers) -> bool:
    if at_least(a, "ha.med_days", 15):
        return True
    return at_least(a, "ha.med_days", 10) and any(
        t in STRONG_OVERUSE for t in a.get("ha.med_types", ()))  # type: ignore[union-attr]


def preventive_classes(a: Answers) -> tuple[str, ...]:
    return tuple(c for c in a.get("ha.preventives", ()) if c not in NOT_A_CLASS)  # type: ignore[union-attr]


def notes(a: Answers, as_of: date, migraine_match: Match) -> list[Note]:
    out = []
    if below(a, "ha.days", 15) and migraine_features(a).holds:  # the cheap test first
        out.append(_note("note.episodic_migraine", days=a["ha.days"]))
    if _medication_overuse(a):
        out.append(_note("note.medication_overuse", med_days=a["ha.med_days"],
                         med_types=", ".join(a.get("ha.med_types", ["types not answered"]))))  # type: ignore
    classes = preventive_classes(a)
    if migraine_match is not Match.UNLIKELY and len(classes) < 2:
        out.append(_note("note.prior_auth_preventives", classes=len(classes),
                         preventives=", ".join(a.get("ha.preventives", ["not answered"]))))  # type: ignore
    if yes(a, "back.below_knee"):
        out.append(_note("note.radicular"))
    tried = a.get("back.tried")
    if yes(a, "back.pain") and (tried is None or tried == ["none"]):
        out.append(_note("note.no_conservative_treatment", tried="none" if tried else "not answered"))
    if yes(a, "mf.widespread") and yes(a, "mf.fatigue_sleep"):
        out.append(_note("note.fibromyalgia"))
    if "migraine" in a.get("toxin.prior_for", ()) and a.get("toxin.prior_benefit") in ("none", "under_30"):  # type: ignore
        benefit = "not at all" if a["toxin.prior_benefit"] == "none" else "by under 30%"
        out.append(_note("note.prior_nonresponse", benefit=benefit))
    years = age(a, as_of)
    if years is not None and years < 18:
        out.append(_note("note.paediatric", age=years))
    return out
