"""The current tables, for queries. The migrations (storage/migrations.py) create them.

Times are text, ISO 8601 in UTC with microseconds and a ``Z``, so they sort as strings on
both SQLite and PostgreSQL. Encrypted columns end in ``_enc`` and hold crypto.py blobs.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def of_a_submission() -> tuple[Column, Column]:
    """The first columns of every table of rows about one submission: the row's own id, and the
    submission it is about (indexed). New columns each call: a column belongs to one table."""
    return (Column("id", Integer, primary_key=True, autoincrement=True),
            Column("submission_id", String(32), ForeignKey("submissions.id"), nullable=False, index=True))


schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

submissions = Table(
    "submissions", metadata,
    Column("id", String(32), primary_key=True),
    Column("submitted_at", String(32), nullable=False, index=True),
    Column("stored_at", String(32), nullable=False, index=True),  # indexed since migration 5
    Column("language", String(8), nullable=False),
    Column("questionnaire_version", String(64), nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("answers_enc", LargeBinary, nullable=False),  # name, birth date, typed text: sealed
    Column("patient_key", String(100), index=True),  # keyed HMAC of name + birth date
    Column("patient_enc", LargeBinary),  # name and birth date alone, sealed (what the list opens)
    Index("ix_submissions_day", "submitted_at", "language", "id"),
)

results = Table(
    "results", metadata,
    *of_a_submission(),
    Column("scored_at", String(32), nullable=False),
    Column("rules_version", String(64), nullable=False),
    # Clear, for the list to filter and sort on (docs/security.md, "Results at rest"):
    Column("triage", String(16)),
    Column("red_flags_urgent", Integer),
    Column("red_flags_review", Integer),
    Column("contraindications", Integer),
    Column("precautions", Integer),
    Column("clarify", Integer),
    Column("suggested", String(200)),  # " id1 id2 " (suggested indication ids), or ""
    # Sealed: the whole scoring result (reasons, flags and their texts, notes, scores)
    Column("key_id", String(32)),
    Column("result_enc", LargeBinary),
    Column("rescore", Boolean, nullable=False, default=False),  # v9: saved by a later re-score
    Index("ix_results_list", "submission_id", "id", "triage", "red_flags_urgent", "red_flags_review",
          "contraindications", "precautions", "clarify", "suggested"),  # covering: see migration 5
)

users = Table(
    "users", metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", String(32)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
    Column("session_generation", Integer, nullable=False, default=0),  # v7: sessions end when it grows
    Column("last_login_at", String(32)),  # v7
)

login_misses = Table(  # v7: failed logins of names that are not accounts (storage/staff.py)
    "login_misses", metadata,
    Column("name_key", String(64), primary_key=True),  # keyed hash of the typed name, never the name
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", String(32)),
    Column("last_at", String(32), nullable=False, index=True),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200), nullable=False, default=""),
)

reviews = Table(
    "reviews", metadata,
    *of_a_submission(),
    Column("username", String(64), nullable=False),
    Column("reviewed_at", String(32), nullable=False),
    Column("undone", Boolean, nullable=False, default=False),  # v8: a row that undoes "reviewed"
)

voids = Table(  # v8: a voided submission stays stored; the reason is sealed (it may hold patient words)
    "voids", metadata,
    Column("submission_id", String(32), ForeignKey("submissions.id"), primary_key=True),
    Column("voided_by", String(64), nullable=False),
    Column("voided_at", String(32), nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("reason_enc", LargeBinary, nullable=False),
)

record_numbers = Table(  # v8: medical record numbers staff attach; the newest row of a submission counts
    "record_numbers", metadata,
    *of_a_submission(),
    Column("mrn_key", String(100), nullable=False, index=True),  # keyed HMAC of the MRN
    Column("key_id", String(32), nullable=False),
    Column("mrn_enc", LargeBinary, nullable=False),
    Column("attached_by", String(64), nullable=False),
    Column("attached_at", String(32), nullable=False),
)

comments = Table(
    "comments", metadata,
    *of_a_submission(),
    Column("version", Integer, nullable=False),
    Column("author", String(64), nullable=False),
    Column("written_at", String(32), nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("text_enc", LargeBinary, nullable=False),
    UniqueConstraint("submission_id", "version", name="uq_comment_version"),
)

key_checks = Table(
    "key_checks", metadata,
    Column("key_id", String(32), primary_key=True),
    Column("check_enc", LargeBinary, nullable=False),  # a known text sealed with that key
    Column("created_at", String(32), nullable=False),
)

