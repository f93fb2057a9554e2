"""Versioned schema migrations: an ordered list, applied at open, each once.

A migration is never edited after release: change the schema by appending a new one.
Each migration builds the tables it introduces from its own snapshot, so an old database
upgrades through exactly the steps a new one went through. All of them run in one
transaction holding the write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock),
so processes opening the store at the same moment cannot apply one twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    text,
)

from storage.errors import StoreError
from storage.schema import schema_migrations

PG_MIGRATION_LOCK = 72_640_517


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _v1_core(conn: Connection) -> None:
    md = MetaData()
    Table("submissions", md,
          Column("id", String(32), primary_key=True),
          Column("submitted_at", String(32), nullable=False, index=True),
          Column("stored_at", String(32), nullable=False),
          Column("language", String(8), nullable=False),
          Column("questionnaire_version", String(64), nullable=False),
          Column("key_id", String(32), nullable=False),
          Column("answers_enc", LargeBinary, nullable=False))
    Table("results", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("submission_id", String(32), ForeignKey("submissions.id"), nullable=False, index=True),
          Column("scored_at", String(32), nullable=False),
          Column("rules_version", String(64), nullable=False),
          Column("triage", String(16)),
          Column("result_json", Text, nullable=False))
    Table("users", md,
          Column("username", String(64), primary_key=True),
          Column("password_hash", Text, nullable=False),
          Column("role", String(16), nullable=False),
          Column("failed_logins", Integer, nullable=False),
          Column("locked_until", String(32)),
          Column("active", Boolean, nullable=False),
          Column("created_at", String(32), nullable=False))
    Table("audit_events", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("at", String(32), nullable=False),
          Column("actor", String(64), nullable=False),
          Column("action", String(64), nullable=False),
          Column("target", String(200), nullable=False))
    md.create_all(conn)


def _v2_review_and_comments(conn: Connection) -> None:
    md = MetaData()
    Table("submissions", md, Column("id", String(32), primary_key=True))
    Table("reviews", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("submission_id", String(32), ForeignKey("submissions.id"), nullable=False, index=True),
          Column("username", String(64), nullable=False),
          Column("reviewed_at", String(32), nullable=False))
    Table("comments", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("submission_id", String(32), ForeignKey("submissions.id"), nullable=False, index=True),
          Column("version", Integer, nullable=False),
          Column("author", String(64), nullable=False),
          Column("written_at", String(32), nullable=False),
          Column("key_id", String(32), nullable=False),
          Column("text_enc", LargeBinary, nullable=False),
          UniqueConstraint("submission_id", "version", name="uq_comment_version"))
    md.create_all(conn, tables=[md.tables["reviews"], md.tables["comments"]])


def _v3_patient_key(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE submissions ADD COLUMN patient_key VARCHAR(100)"))
    conn.execute(text("CREATE INDEX ix_submissions_patient_key ON submissions (patient_key)"))


def _v4_key_checks(conn: Connection) -> None:
    md = MetaData()
    Table("key_checks", md,
          Column("key_id", String(32), primary_key=True),
          Column("check_enc", LargeBinary, nullable=False),
          Column("created_at", String(32), nullable=False))
    md.create_all(conn)


def _v6_front_desk_alerts(conn: Connection) -> None:
    from storage.alerts import create_table

    create_table(conn)


MIGRATIONS: list[Migration] = [
    Migration(1, "submissions, results, users, audit", _v1_core),
    Migration(2, "reviews and versioned comments", _v2_review_and_comments),
    Migration(3, "patient_key lookup hash", _v3_patient_key),
    Migration(4, "key check values", _v4_key_checks),
    Migration(6, "front-desk alerts from kiosk tablets", _v6_front_desk_alerts),
]
LATEST = MIGRATIONS[-1].version


def applied_versions(conn: Connection) -> set[int]:
    return set(conn.execute(select(schema_migrations.c.version)).scalars())


def migrate(engine: Engine, upto: int | None = None) -> list[int]:
    """Apply every migration not yet applied (up to ``upto``); return the versions applied now."""
    done: list[int] = []
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        schema_migrations.create(conn, checkfirst=True)
        have = applied_versions(conn)
        unknown = sorted(v for v in have if v > LATEST)
        if unknown:
            raise StoreError(f"the database has schema version {unknown[-1]}, newer than this app knows "
                             f"({LATEST}): run the newer app, or restore a backup made by this version")
        for m in MIGRATIONS:
            if m.version in have or (upto is not None and m.version > upto):
                continue
            m.apply(conn)
            conn.execute(insert(schema_migrations).values(
                version=m.version, name=m.name, applied_at=datetime.now(UTC).isoformat()))
            done.append(m.version)
    return done


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return max(applied_versions(conn), default=0)
