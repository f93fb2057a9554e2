"""What every screen and export says about a submission in the same words.

Pure helpers over ``vocabulary.Submission`` and its stored result, read back by the store as
the vocabulary's typed objects (``ScreeningResult``; clinical-core.md, "Output contract of the
scoring"). A stored result is shown as it was scored: nothing here rewrites it or decides again
what the scoring decided; a version-2 result reads ``suggested`` and ``evidence_direction`` from
the contract's fixed table (``vocabulary.result_from_dict``), and every list, screen and export
asks these functions (issue 9: one definition).
"""

from __future__ import annotations

from datetime import date

from questionnaire.answers import age_on
from scoring import engine as scoring_engine
from scoring import notes as scoring_notes
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
    IndicationResult,
    ListRow,
    Match,
    RedFlag,
    SafetyFlag,
    SafetyLevel,
    ScreeningResult,
    Submission,
    Triage,
)

# The scoring's own formulas (issue 9: one definition), for answers without a stored score.
FORMULAS = {"peg": scoring_engine.peg, "phq2": scoring_notes.phq2, "gad2": scoring_notes.gad2}
GROUP_TITLES = {"suggested": "Suggested to discuss",
                "not_recommended": "Pattern present, toxin not recommended",
                "unlikely": "Unlikely"}
SAFETY_ORDER = {SafetyLevel.CONTRAINDICATION: 0, SafetyLevel.PRECAUTION: 1, SafetyLevel.CLARIFY: 2}
LONG_DURATIONS = ("4h_to_1d", "over_1d", "constant")  # a typical headache of 4 h or longer


# -- the indications ------------------------------------------------------------------------------

def group(ind: IndicationResult) -> str:
    """"suggested", "not_recommended" (pattern present, toxin not recommended) or "unlikely"."""
    if ind.suggested:
        return "suggested"
    return "unlikely" if ind.match is Match.UNLIKELY else "not_recommended"


def grouped(result: ScreeningResult | None) -> dict[str, list[IndicationResult]]:
    """The result's indications in the contract's three groups, each in stored order."""
    groups: dict[str, list[IndicationResult]] = {g: [] for g in GROUP_TITLES}
    for ind in result.indications if result is not None else ():
        groups[group(ind)].append(ind)
    return groups


def suggested_ids(result: ScreeningResult | None) -> list[str]:
    return [i.id for i in grouped(result)["suggested"]]


def status_words(ind: IndicationResult) -> str:
    """The regulatory status and the evidence direction in words: "FDA-approved · effective"."""
    return f"{EVIDENCE_WORDS[ind.evidence]} · {DIRECTION_WORDS[ind.evidence_direction]}"


def alternatives(ind: IndicationResult) -> list[str]:
    """Reasons of a not-recommended pattern that name the guideline alternative (else all)."""
    reasons = [r.text for r in ind.reasons]
    naming = [r for r in reasons if "alternative" in r.casefold() or "guideline" in r.casefold()]
    return naming or reasons


def _by_indication(sub: Submission, attribute: str) -> dict[str, object]:
    """Indication id -> that attribute of its result, in the fixed order; None when unscored."""
    found = {i.id: getattr(i, attribute) for i in sub.result.indications} if sub.result is not None else {}
    return {ind: found.get(ind) for ind in INDICATIONS}


def suggested_by_indication(sub: Submission) -> dict[str, bool | None]:
    """Indication id -> suggested, in the fixed order; None for every one when unscored."""
    return _by_indication(sub, "suggested")


def directions(sub: Submission) -> dict[str, str | None]:
    return {ind: d and d.value for ind, d in _by_indication(sub, "evidence_direction").items()}


# -- flags ----------------------------------------------------------------------------------------

RED_FLAG_ORDER = {Triage.URGENT: 0, Triage.REVIEW: 1}


def red_flags_in_order(result: ScreeningResult | None) -> list[RedFlag]:
    """Red flags, urgent ones first, each level in stored order (stable)."""
    return sorted(result.red_flags if result is not None else (), key=lambda f: RED_FLAG_ORDER[f.level])


def safety_in_order(result: ScreeningResult | None) -> list[SafetyFlag]:
    """Safety flags, contraindications first, then precautions, then clarify (stable)."""
    return sorted(result.safety if result is not None else (), key=lambda f: SAFETY_ORDER[f.level])


def label(bank, some_id: str) -> str:
    """The clinician wording of an item, derived or retired id; the id itself when unknown."""
    try:
        return bank.label(some_id)
    except KeyError:
        return some_id


def red_flag_words(bank, flag: RedFlag) -> str:
    """A red flag in clinician words: its own ``text`` (v3), else the question's label (a v2
    result has no text); an "unsure" answer always says so."""
    text = flag.text.strip() or label(bank, flag.id)
    unsure = flag.answer == "unsure" and "unsure" not in text.casefold()
    return text + (" (answered unsure)" if unsure else "")


def safety_words(bank, flag: SafetyFlag) -> str:
    """A safety flag in one line: its own text (which names what it is about), else its label;
    never the label and then the label again as its text."""
    return flag.text.strip() or label(bank, flag.id)


def routine_caveat(result: ScreeningResult | None) -> str | None:
    """For a result scored routine that still lists a red flag (a stored v2 result: an "unsure"
    review-level answer) or a contraindication: the words that keep "routine" from reading as
    "no warning signs". None otherwise."""
    if result is None or result.triage is not Triage.ROUTINE:
        return None
    flags = result.red_flags
    contraindications = [f for f in result.safety if f.level is SafetyLevel.CONTRAINDICATION]
    said = []
    if flags:
        unsure = sum(f.answer == "unsure" for f in flags)
        said.append(f"{len(flags)} warning sign(s) listed"
                    + (f", {unsure} answered unsure" if unsure else ""))
    if contraindications:
        said.append(f"{len(contraindications)} contraindication(s)")
    return f"Scored routine, but {' and '.join(said)}: read them before the consult" if said else None


# -- numbers --------------------------------------------------------------------------------------

def age(record: Submission | ListRow) -> int | None:
    """Whole years from the birth date to the day of submission (of a submission or a list row);
    None when unknown."""
    try:
        born = date.fromisoformat(record.birth_date)
    except ValueError:
        return None
    return age_on(born, record.submitted_at.date())


def _scored_or_derived(sub: Submission, key: str):
    """A score as the stored result has it (shown as scored), else (unscored, or a v2 result
    without PHQ-2/GAD-2) the scoring's own formula."""
    scored = getattr(sub.result, key) if sub.result is not None else None
    return scored if scored is not None else FORMULAS[key](sub.answers)


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
    return sub.triage or (sub.result.triage.value if sub.result is not None else None)


def matches(sub: Submission) -> dict[str, str | None]:
    """Indication id -> match, in the fixed order; None for every one when unscored."""
    return {ind: m and m.value for ind, m in _by_indication(sub, "match").items()}


def ids(sub: Submission, key: str) -> list[str]:
    """The ids of the result's red_flags, safety or notes, in stored order."""
    return [entry.id for entry in getattr(sub.result, key)] if sub.result is not None else []
