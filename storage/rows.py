"""Turning rows into records and back: times, JSON, and the sealed columns."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from storage.crypto import KeyRing
from storage.errors import StoreError
from vocabulary import LANGUAGES, Comment, NewSubmission, ScreeningResult, Submission, result_from_dict

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

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


def patient_context(submission_id: str) -> str:
    return f"patient:{submission_id}"


def result_context(submission_id: str, scored_at: str) -> str:
    return f"result:{submission_id}:{scored_at}"


def bad_text(value: str) -> bool:
    """True when ``value`` cannot be stored as UTF-8 (a lone surrogate such as "\\ud800")."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(value: object, what: str) -> None:
    """Refuse a text that cannot be stored, naming the item, before any write starts."""
    if isinstance(value, str) and bad_text(value):
        raise StoreError(f"{what}: holds a lone surrogate (a broken character such as \\ud800), "
                         "which cannot be stored; retype it")


def check_staff_text(text: object, what: str, limit: int, username: str, why: str = "") -> None:
    """A text staff wrote (a comment, a void reason) and its author, refused naming the field:
    empty (``why`` says what to write), longer than ``limit`` characters, or not storable."""
    if not isinstance(text, str) or not text.strip():
        raise StoreError(f"{what}: must not be empty{why}")
    if len(text) > limit:
        raise StoreError(f"{what}: at most {limit} characters (got {len(text)})")
    check_text(text, what)
    check_text(username, "username")


def check_document(doc: object, what: str) -> None:
    """``check_text`` on every key and text inside a JSON-like value; names the first bad item."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            check_text(key, f"{what}: an item id")
            check_document(value, f"{what} item {key!r}" if isinstance(key, str) and not bad_text(key)
                           else what)
    elif isinstance(doc, (list, tuple)):
        for value in doc:
            check_document(value, what)
    else:
        check_text(doc, what)


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
    check_document(new.answers, "answers")
    check_text(new.questionnaire_version, "questionnaire_version")
    if new.result is not None:
        result_document(new.result)


def seal_answers(ring: KeyRing, submission_id: str, answers: dict) -> bytes:
    payload = json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode()
    return ring.seal(payload, submission_context(submission_id))


def open_answers(ring: KeyRing, submission_id: str, blob: bytes) -> dict:
    return json.loads(ring.open(bytes(blob), submission_context(submission_id)).decode())


def result_document(result: ScreeningResult | Mapping) -> dict:
    """What the store seals for a result: ``to_dict()`` of a ``ScreeningResult``; a result given
    as its JSON object (one an older version saved, or an import) as it is, once it reads as one.
    Refuses anything else naming the field, before any write starts."""
    if isinstance(result, ScreeningResult):
        return result.to_dict()
    if not isinstance(result, Mapping):
        raise StoreError("result must be a ScreeningResult (the scoring's result) or None")
    check_document(result, "result")
    try:
        result_from_dict(result)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoreError(f"result: not a scoring result object ({type(exc).__name__}: {exc})") from None
    return dict(result)


def result_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def seal_result(ring: KeyRing, submission_id: str, scored_at: str, result: dict) -> bytes:
    return ring.seal(result_json(result).encode(), result_context(submission_id, scored_at))


def unseal_result(ring: KeyRing, submission_id: str, scored_at: str, blob: bytes) -> dict:
    """A sealed result as the JSON object stored (results are sealed since migration 5)."""
    return json.loads(ring.open(bytes(blob), result_context(submission_id, scored_at)).decode())


def open_result_json(ring: KeyRing, result_row) -> dict:
    """The scoring result of a ``results`` row as the JSON object stored."""
    return unseal_result(ring, result_row.submission_id, result_row.scored_at, result_row.result_enc)


def open_result(ring: KeyRing, result_row) -> ScreeningResult:
    """The scoring result of a ``results`` row as typed objects, marked when it is a re-score."""
    return result_from_dict(open_result_json(ring, result_row), rescore=bool(result_row.rescore))


def seal_patient(ring: KeyRing, submission_id: str, answers: dict) -> bytes:
    """Name and birth date alone, sealed apart from the answers: the list opens only these."""
    who = {"name": str(answers.get("patient.name", "") or ""),
           "birth_date": str(answers.get("patient.birth_date", "") or "")}
    return ring.seal(json.dumps(who, ensure_ascii=False).encode(), patient_context(submission_id))


def open_patient(ring: KeyRing, submission_id: str, blob: bytes | None) -> dict:
    if blob is None:
        return {"name": "", "birth_date": ""}
    return json.loads(ring.open(bytes(blob), patient_context(submission_id)).decode())


def to_submission(ring: KeyRing, row, result_row, review_row, comment_rows, void=None,
                  mrn=None) -> Submission:
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
        result=open_result(ring, result_row) if result_row is not None else None,
        rules_version=result_row.rules_version if result_row is not None else None,
        triage=result_row.triage if result_row is not None else None,
        reviewed_by=review_row.username if review_row is not None else None,
        reviewed_at=parse_ts(review_row.reviewed_at) if review_row is not None else None,
        comments=comments,
        void=void,
        mrn=mrn,
    )
