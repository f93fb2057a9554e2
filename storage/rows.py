"""Turning rows into records and back: times, JSON, and the sealed columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from storage.crypto import KeyRing
from storage.errors import StoreError
from storage.records import Comment, NewSubmission, Submission

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
LANGUAGES = ("en", "es")
ROLES = ("clinician", "admin")


def ts(moment: datetime) -> str:
    """A stored time: UTC, fixed width, so text order is time order. Naive times are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_ts(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value)  # the stored form ends in Z: always UTC


def now() -> str:
    return ts(datetime.now(UTC))


def submission_context(submission_id: str) -> str:
    return f"submission:{submission_id}"


def comment_context(submission_id: str, version: int) -> str:
    return f"comment:{submission_id}:{version}"


def check_new(new: NewSubmission) -> None:
    """Refuse a malformed submission before anything is written; messages name the field."""
    if not isinstance(new.answers, dict):
        raise StoreError("answers must be a JSON object {item id: value}")
    if new.language not in LANGUAGES:
        raise StoreError(f"language must be one of {', '.join(LANGUAGES)}")
    if not isinstance(new.questionnaire_version, str) or not new.questionnaire_version:
        raise StoreError("questionnaire_version must be a non-empty text")
    if not isinstance(new.submitted_at, datetime):
        raise StoreError("submitted_at must be a datetime")
    if new.result is not None and not isinstance(new.result, dict):
        raise StoreError("result must be the scoring JSON object or None")


def seal_answers(ring: KeyRing, submission_id: str, answers: dict) -> bytes:
    payload = json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode()
    return ring.seal(payload, submission_context(submission_id))


def open_answers(ring: KeyRing, submission_id: str, blob: bytes) -> dict:
    return json.loads(ring.open(bytes(blob), submission_context(submission_id)).decode())


def result_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def to_submission(ring: KeyRing, row, result_row, review_row, comment_rows) -> Submission:
    comments = tuple(
        Comment(author=c.author, written_at=parse_ts(c.written_at), version=c.version,
                text=ring.open(bytes(c.text_enc), comment_context(row.id, c.version)).decode())
        for c in comment_rows
    )
    return Submission(
        id=row.id,
        answers=open_answers(ring, row.id, row.answers_enc),
        language=row.language,
        questionnaire_version=row.questionnaire_version,
        submitted_at=parse_ts(row.submitted_at),
        result=json.loads(result_row.result_json) if result_row is not None else None,
        rules_version=result_row.rules_version if result_row is not None else None,
        triage=result_row.triage if result_row is not None else None,
        reviewed_by=review_row.username if review_row is not None else None,
        reviewed_at=parse_ts(review_row.reviewed_at) if review_row is not None else None,
        comments=comments,
    )
