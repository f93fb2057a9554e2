"""The clinic's shared words: levels, indications, languages, limits, the result and record types.

A leaf package: it imports only the standard library, so the scoring, the store, the exports
and both screens can all import it without pulling in each other (docs/extending.md).
"""

from vocabulary._indications import (
    FIXED_DIRECTION,
    INDICATION_NAMES,
    INDICATION_SHORT_NAMES,
    INDICATION_STATUS,
    INDICATIONS,
    evidence_direction,
    is_suggested,
    suggested,
)
from vocabulary._levels import (
    DIRECTION_WORDS,
    DIRECTIONS,
    EVIDENCE_WORDS,
    MATCHES,
    PATTERN_MATCHES,
    SAFETY_LEVELS,
    TRIAGE_LEVELS,
    Evidence,
    EvidenceDirection,
    Match,
    SafetyLevel,
    Triage,
)
from vocabulary._limits import LANGUAGE_NAMES, LANGUAGES, MAX_COMMENT, calendar_day
from vocabulary._records import AuditEvent, Comment, ListPage, ListRow, NewSubmission, Submission, User, Void
from vocabulary._result import (
    IndicationResult,
    Note,
    Reason,
    RedFlag,
    SafetyFlag,
    ScreeningResult,
    result_from_dict,
)

__all__ = [
    "AuditEvent", "Comment", "ListPage", "ListRow", "NewSubmission", "Submission", "User", "Void",
    "DIRECTIONS", "DIRECTION_WORDS", "EVIDENCE_WORDS", "FIXED_DIRECTION", "INDICATIONS", "INDICATION_NAMES",
    "INDICATION_SHORT_NAMES", "INDICATION_STATUS", "LANGUAGES", "LANGUAGE_NAMES", "MATCHES", "MAX_COMMENT",
    "PATTERN_MATCHES",
    "SAFETY_LEVELS", "TRIAGE_LEVELS", "Evidence", "EvidenceDirection", "IndicationResult", "Match", "Note",
    "Reason", "RedFlag", "SafetyFlag", "SafetyLevel", "ScreeningResult", "Triage", "calendar_day",
    "evidence_direction",
    "is_suggested", "result_from_dict", "suggested",
]
