"""The result types of the scoring: frozen dataclasses and the level enums, each defined once.

``ScreeningResult.to_dict()`` is the output contract of clinical-core.md ("Output contract of
the scoring"): key order and values exactly as shown there, so two runs print the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Match(StrEnum):
    """How well the patient's pattern fits an indication (clinicians only)."""

    STRONG = "strong"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"

    @property
    def rank(self) -> int:
        """0 for strong, 1 for possible, 2 for unlikely: sorts strongest first."""
        return _MATCH_RANK[self]


class Triage(StrEnum):
    """How soon a person must look at the response; also the level of a red flag."""

    URGENT = "urgent"
    REVIEW = "review"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        """0 for routine, 1 for review, 2 for urgent: higher is more pressing."""
        return _TRIAGE_RANK[self]


class SafetyLevel(StrEnum):
    """What a safety flag asks of the clinician before any injection."""

    CONTRAINDICATION = "contraindication"
    PRECAUTION = "precaution"
    CLARIFY = "clarify"


class Evidence(StrEnum):
    """The regulatory status of botulinum toxin for an indication (US onabotulinumtoxinA label)."""

    FDA_APPROVED = "fda_approved"
    OFF_LABEL = "off_label"


class EvidenceDirection(StrEnum):
    """What the evidence says toxin does for an indication (clinical-core.md, evidence table)."""

    EFFECTIVE = "effective"
    POSSIBLY_EFFECTIVE = "possibly_effective"
    PROBABLY_INEFFECTIVE = "probably_ineffective"
    INSUFFICIENT = "insufficient"


_MATCH_RANK = {Match.STRONG: 0, Match.POSSIBLE: 1, Match.UNLIKELY: 2}
_TRIAGE_RANK = {Triage.ROUTINE: 0, Triage.REVIEW: 1, Triage.URGENT: 2}


@dataclass(frozen=True, slots=True)
class Reason:
    """One checkable statement behind a match, with the item ids it rests on."""

    text: str
    items: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"text": self.text, "items": list(self.items)}


@dataclass(frozen=True, slots=True)
class IndicationResult:
    id: str
    match: Match
    evidence: Evidence
    evidence_text: str
    reasons: tuple[Reason, ...]
    evidence_direction: EvidenceDirection
    suggested: bool  # match strong or possible, and the direction not probably_ineffective

    def to_dict(self) -> dict:
        # ``_value_`` is the enum's plain str (Enum's own attribute; faster than ``.value``).
        return {"id": self.id, "match": self.match._value_, "suggested": self.suggested,
                "evidence": self.evidence._value_, "evidence_direction": self.evidence_direction._value_,
                "evidence_text": self.evidence_text,
                "reasons": [{"text": r.text, "items": list(r.items)} for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A warning sign: a question answered yes/unsure, or a derived flag (answer "yes")."""

    id: str
    level: Triage  # URGENT or REVIEW
    answer: str  # "yes" or "unsure"
    items: tuple[str, ...]
    text: str  # clinician wording; a derived flag says why it was derived

    def to_dict(self) -> dict:
        return {"id": self.id, "level": self.level._value_, "answer": self.answer, "items": list(self.items),
                "text": self.text}


@dataclass(frozen=True, slots=True)
class SafetyFlag:
    id: str
    level: SafetyLevel
    text: str

    def to_dict(self) -> dict:
        return {"id": self.id, "level": self.level._value_, "text": self.text}


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    text: str

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Everything the scoring concludes from one answers document on one scoring date."""

    triage: Triage
    indications: tuple[IndicationResult, ...]  # suggested, other strong/possible, unlikely
    red_flags: tuple[RedFlag, ...]  # asked (table order) before derived (table order)
    safety: tuple[SafetyFlag, ...]
    notes: tuple[Note, ...]
    peg: float | None
    rules_version: str
    phq2: int | None = None
    gad2: int | None = None
    # Outside the output JSON (the contract's object has no such keys); see docs/scoring.md.
    rescore: bool = False  # a re-score of a stored submission: never a new alert
    upgraded_from: tuple[str, ...] = ()  # the v2 ids the upgrade read (empty for a v3 document)

    def indication(self, indication_id: str) -> IndicationResult:
        return next(i for i in self.indications if i.id == indication_id)

    @property
    def alerts(self) -> bool:
        """Whether this result may show the patient the urgent instruction: never for a re-score."""
        return self.triage is Triage.URGENT and not self.rescore

    def to_dict(self) -> dict:
        """The spec's output JSON object, keys in the spec's order."""
        return {
            "triage": self.triage._value_,
            "indications": [i.to_dict() for i in self.indications],
            "red_flags": [f.to_dict() for f in self.red_flags],
            "safety": [f.to_dict() for f in self.safety],
            "notes": [n.to_dict() for n in self.notes],
            "peg": self.peg,
            "phq2": self.phq2,
            "gad2": self.gad2,
            "rules_version": self.rules_version,
        }
