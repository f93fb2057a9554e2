"""The screening rules of clinical-core.md as a pure function: answers + date -> ScreeningResult.

    from scoring import score, RULES_VERSION
    result = score(answers, as_of=date(2026, 11, 24))
    result.triage, result.indications, result.to_dict()
    score(stored_answers, as_of=visit_date, rescore=True)   # a re-score: never a new alert
    upgrade(stored_v2_answers, as_of=visit_date)           # the v2 -> v3 reading alone

No Streamlit, database or file access here (a test scans the imports); validation is the
questionnaire's (questionnaire.answers), shared with the kiosk.
"""

from scoring.engine import RULES_VERSION, score, score_batch, score_valid
from scoring.upgrade import Upgraded, upgrade
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

__all__ = [
    "RULES_VERSION", "Evidence", "EvidenceDirection", "IndicationResult", "Match", "Note", "Reason",
    "RedFlag", "SafetyFlag", "SafetyLevel", "ScreeningResult", "Triage", "Upgraded", "score", "score_batch",
    "score_valid", "upgrade",
]
