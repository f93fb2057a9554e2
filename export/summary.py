"""What every screen and export says about a submission in the same words.

Pure helpers over ``storage.records.Submission`` and the stored scoring result dict
(clinical-core.md, "Output contract of the scoring"). A stored result is shown as it was
scored: nothing here rewrites it. What a version-2 result lacks (``suggested``,
``evidence_direction``) is derived here, in one place, from the contract's fixed table, and
every list, screen and export asks these functions (issue 9: one definition).
"""

from __future__ import annotations

from datetime import date

from questionnaire.answers import age_on
from scoring import engine as scoring_engine
from scoring import notes as scoring_notes
from storage.records import Submission
from vocabulary import (  # noqa: F401 - named here too: the exporters read them from summary
    DIRECTION_WORDS,
    DIRECTIONS,
    EVIDENCE_WORDS,
    FIXED_DIRECTION,
    INDICATION_NAMES,
    INDICATIONS,
    LANGUAGE_NAMES,
    MATCHES,
    PATTERN_MATCHES,
    TRIAGE_LEVELS,
    evidence_direction,
    suggested,
)

# The scoring's own formulas (issue 9: one definition), for answers without a stored score.
FORMULAS = {"peg": scoring_engine.peg, "phq2": scoring_notes.phq2, "gad2": scoring_notes.gad2}
GROUP_TITLES = {"suggested": "Suggested to discuss",
                "not_recommended": "Pattern present, toxin not recommended",
                "unlikely": "Unlikely"}
SAFETY_ORDER = {"contraindication": 0, "precaution": 1, "clarify": 2}
LONG_DURATIONS = ("4h_to_1d", "over_1d", "constant")  # a typical headache of 4 h or longer


# -- the indications ------------------------------------------------------------------------------

def group(ind: dict) -> str:
    """"suggested", "not_recommended" (pattern present, toxin not recommended) or "unlikely"."""
    if suggested(ind):
        return "suggested"
    return "not_recommended" if ind.get("match") in PATTERN_MATCHES else "unlikely"


def grouped(result: dict | None) -> dict[str, list[dict]]:
    """The result's indications in the contract's three groups, each in stored order."""
    groups: dict[str, list[dict]] = {g: [] for g in GROUP_TITLES}
    for ind in (result or {}).get("indications", []):
        groups[group(ind)].append(ind)
    return groups


def suggested_ids(result: dict | None) -> list[str]:
    return [i["id"] for i in grouped(result)["suggested"]]


def status_words(ind: dict) -> str:
    """The regulatory status and the evidence direction in words: "FDA-approved · effective"."""
    status = EVIDENCE_WORDS.get(ind.get("evidence"), str(ind.get("evidence")))
    direction = evidence_direction(ind)
    return f"{status} · {DIRECTION_WORDS.get(direction, direction)}" if direction else status


def alternatives(ind: dict) -> list[str]:
    """Reasons of a not-recommended pattern that name the guideline alternative (else all)."""
    reasons = [r.get("text", "") for r in ind.get("reasons", [])]
    naming = [r for r in reasons if "alternative" in r.casefold() or "guideline" in r.casefold()]
    return naming or reasons


def suggested_by_indication(sub: Submission) -> dict[str, bool | None]:
    """Indication id -> suggested, in the fixed order; None for every one when unscored."""
    found = {i["id"]: suggested(i) for i in (sub.result or {}).get("indications", [])}
    return {ind: found.get(ind) for ind in INDICATIONS}


def directions(sub: Submission) -> dict[str, str | None]:
    found = {i["id"]: evidence_direction(i) for i in (sub.result or {}).get("indications", [])}
    return {ind: found.get(ind) for ind in INDICATIONS}


# -- flags ----------------------------------------------------------------------------------------

def safety_in_order(result: dict | None) -> list[dict]:
    """Safety flags, contraindications first, then precautions, then clarify (stable)."""
    flags = (result or {}).get("safety", [])
    return sorted(flags, key=lambda f: SAFETY_ORDER.get(f.get("level"), len(SAFETY_ORDER)))


def label(bank, some_id: str) -> str:
    """The clinician wording of an item, derived or retired id; the id itself when unknown."""
    try:
        return bank.label(some_id)
    except KeyError:
        return some_id


def red_flag_words(bank, flag: dict) -> str:
    """A red flag in clinician words: its own ``text`` (v3), else the question's label (a v2
    result has no text); an "unsure" answer always says so."""
    text = str(flag.get("text") or "").strip() or label(bank, flag["id"])
    unsure = flag.get("answer") == "unsure" and "unsure" not in text.casefold()
    return text + (" (answered unsure)" if unsure else "")


def safety_words(bank, flag: dict) -> str:
    return safety_line(label(bank, flag["id"]), flag)


def safety_line(label: str, flag: dict) -> str:
    """A safety flag in one line: its own text (which names what it is about), else its label;
    never the label and then the label again as its text."""
    text = str(flag.get("text") or "").strip()
    return text or label


def routine_caveat(result: dict | None) -> str | None:
    """For a result scored routine that still lists a red flag (a stored v2 result: an "unsure"
    review-level answer) or a contraindication: the words that keep "routine" from reading as
    "no warning signs". None otherwise."""
    if not result or result.get("triage") != "routine":
        return None
    flags = result.get("red_flags", [])
    contraindications = [f for f in result.get("safety", []) if f.get("level") == "contraindication"]
    said = []
    if flags:
        unsure = sum(f.get("answer") == "unsure" for f in flags)
        said.append(f"{len(flags)} warning sign(s) listed"
                    + (f", {unsure} answered unsure" if unsure else ""))
    if contraindications:
        said.append(f"{len(contraindications)} contraindication(s)")
    return f"Scored routine, but {' and '.join(said)}: read them before the consult" if said else None


# -- numbers --------------------------------------------------------------------------------------

def age(sub: Submission) -> int | None:
    """Whole years from the birth date to the day of submission; None when unknown."""
    try:
        born = date.fromisoformat(sub.birth_date)
    except ValueError:
        return None
    return age_on(born, sub.submitted_at.date())


def _scored_or_derived(sub: Submission, key: str):
    """A score as the stored result has it (shown as scored), else the scoring's own formula."""
    if sub.result is not None and key in sub.result:
        return sub.result[key]
    return FORMULAS[key](sub.answers)


def peg(sub: Submission) -> float | None:
    return _scored_or_derived(sub, "peg")


def phq2(sub: Submission) -> int | None:
    return _scored_or_derived(sub, "phq2")


def gad2(sub: Submission) -> int | None:
    return _scored_or_derived(sub, "gad2")


def preventive_classes(sub: Submission) -> list[str]:
    """The distinct preventive classes among ``ha.preventives`` (the spec's class table)."""
    codes = sub.answers.get("ha.preventives")
    return list(scoring_notes.preventive_classes(sub.answers)) if isinstance(codes, list) else []


def derived_scores(sub: Submission) -> dict[str, object]:
    """The derived scores every export carries, under stable names."""
    classes = preventive_classes(sub)
    return {"peg": peg(sub), "phq2": phq2(sub), "gad2": gad2(sub),
            "preventive_classes": len(classes), "preventive_class_names": classes}


def triage(sub: Submission) -> str | None:
    return sub.triage or (sub.result or {}).get("triage")


def matches(sub: Submission) -> dict[str, str | None]:
    """Indication id -> match, in the fixed order; None for every one when unscored."""
    found = {i["id"]: i.get("match") for i in (sub.result or {}).get("indications", [])}
    return {ind: found.get(ind) for ind in INDICATIONS}


def ids(sub: Submission, key: str) -> list[str]:
    """The ids of the result's red_flags, safety or notes, in stored order."""
    return [entry["id"] for entry in (sub.result or {}).get(key, [])]
