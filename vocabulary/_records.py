"""The records the store keeps and hands out. Frozen: a stored submission is never changed in place.

The store (``storage``) reads and writes them; the exports and both screens only read them, so
they live here, below all of them, with the standard library alone (no SQL, no cryptography).
A stored result is a ``ScreeningResult`` (the vocabulary's typed objects), never a dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from vocabulary._result import ScreeningResult


@dataclass(frozen=True)
class NewSubmission:
    """What the kiosk hands to the store when a patient submits."""

    answers: dict = field(repr=False)  # the answers document, {item id: value}; never in a repr
    language: str  # "en" or "es"
    questionnaire_version: str
    submitted_at: datetime  # timezone-aware, UTC
    # None when it could not be scored yet. The store seals ``result.to_dict()``; it also takes the
    # result's JSON object as an older version stored it (storage/rows.py ``result_document``).
    result: ScreeningResult | None = None
    rules_version: str | None = None


@dataclass(frozen=True)
class Comment:
    author: str
    text: str = field(repr=False)
    written_at: datetime
    version: int  # 1, 2, ... per submission; a new comment never replaces an old one


@dataclass(frozen=True)
class Void:
    voided_by: str
    voided_at: datetime
    reason: str = field(repr=False)  # sealed at rest: it may hold patient words


@dataclass(frozen=True)
class Submission:
    """A stored submission, decrypted, with its latest scoring result and review state."""

    id: str
    answers: dict = field(repr=False)  # never in a repr: a logged record must not leak a name
    language: str
    questionnaire_version: str
    submitted_at: datetime
    result: ScreeningResult | None  # the latest result; ``result.rescore`` marks a re-score
    rules_version: str | None
    triage: str | None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    comments: tuple[Comment, ...] = field(default_factory=tuple, repr=False)
    void: Void | None = None  # set when staff voided it (storage/corrections.py); never deleted
    mrn: str | None = field(default=None, repr=False)  # the medical record number staff attached

    @property
    def name(self) -> str:
        return str(self.answers.get("patient.name", ""))

    @property
    def birth_date(self) -> str:
        return str(self.answers.get("patient.birth_date", ""))

    @property
    def rescored(self) -> bool:
        """The result it carries was saved by a later re-score (never an alert)."""
        return self.result is not None and self.result.rescore


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str = field(repr=False)
    role: str  # "clinician" or "admin"
    failed_logins: int = 0
    locked_until: datetime | None = None
    active: bool = True
    session_generation: int = 0  # grows when the account's live sessions must end
    last_login_at: datetime | None = None


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor: str  # username, or "kiosk"
    action: str  # login, login_failed, logoff, view_submission, export, submit, ...
    target: str = ""  # submission id, export format, ...; never an answer


@dataclass(frozen=True)
class ListRow:
    """One row of the clinician's list: clear columns, and the page's decrypted name and result."""

    id: str
    submitted_at: datetime
    language: str
    triage: str | None  # None: not scored yet
    rules_version: str | None
    red_flags_urgent: int
    red_flags_review: int
    contraindications: int
    precautions: int
    clarify: int
    suggested: tuple[str, ...]  # suggested indication ids, in the result's order
    reviewed_by: str | None
    name: str = field(repr=False)
    birth_date: str = field(repr=False)
    result: ScreeningResult | None = field(repr=False)  # the latest result, to name the flags
    void: bool = False  # voided by staff (shown only when the list asks for voided rows)

    @property
    def rescored(self) -> bool:
        """Its latest result was saved by a later re-score."""
        return self.result is not None and self.result.rescore


@dataclass(frozen=True)
class ListPage:
    """One page of a filtered list, with counts over every match (not only this page)."""

    rows: tuple[ListRow, ...]
    total: int  # submissions matching the filters
    urgent: int  # of those, urgent
    not_reviewed: int  # of those, not reviewed yet
    page: int  # 0-based, after clamping to the last page
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))
