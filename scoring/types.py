"""The scoring's result types and level enums: defined once in ``vocabulary`` (issue 9), named
here too so ``scoring.types`` keeps working for the rule modules."""

from vocabulary import (
    Evidence,
    EvidenceDirection,
    IndicationResult,
    Match,
    Note,
    Reason,
    RedFlag,
    SafetyFlag,
    SafetyLevel,
    ScreeningResult,
    Triage,
)

__all__ = ["Evidence", "EvidenceDirection", "IndicationResult", "Match", "Note", "Reason", "RedFlag",
           "SafetyFlag", "SafetyLevel", "ScreeningResult", "Triage"]
