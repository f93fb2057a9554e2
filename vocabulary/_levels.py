"""The level enums of clinical-core.md, each defined once for the whole repository."""

from __future__ import annotations

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

# The plain values, for code that filters stored dicts and command-line choices.
TRIAGE_LEVELS = tuple(t.value for t in Triage)
MATCHES = tuple(m.value for m in Match)
SAFETY_LEVELS = tuple(s.value for s in SafetyLevel)
DIRECTIONS = tuple(d.value for d in EvidenceDirection)
PATTERN_MATCHES = (Match.STRONG.value, Match.POSSIBLE.value)  # a pattern is present at these
EVIDENCE_WORDS = {Evidence.FDA_APPROVED.value: "FDA-approved", Evidence.OFF_LABEL.value: "Off-label"}
DIRECTION_WORDS = {EvidenceDirection.EFFECTIVE.value: "effective",
                   EvidenceDirection.POSSIBLY_EFFECTIVE.value: "possibly effective",
                   EvidenceDirection.PROBABLY_INEFFECTIVE.value: "probably ineffective",
                   EvidenceDirection.INSUFFICIENT.value: "insufficient evidence"}
