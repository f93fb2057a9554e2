"""Versioned schema migrations: an ordered list, applied at open, each once.

A migration is never edited after release: change the schema by appending a new one.
Each migration builds the tables it introduces from its own snapshot, so an old database
upgrades through exactly the steps a new one went through. All of them run in one
transaction holding the write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock),
so processes opening the store at the same moment cannot apply one twice.

Frozen snapshots repeat on purpose: the tables a step creates are written out here column by
column (with the same SQLAlchemy types storage/schema.py imports), never built from
storage/schema.py or from one another, so a later change to the current schema, or to one
step, can never change what an older step did. ``duplicates`` lists some of them (the v1 and v8
tables beside schema.py's); they stay.
"""

from __future__ import annotations

import json
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
    update,
)

from storage import listing, rows
from storage.crypto import KeyRing
from storage.errors import StoreError
from storage.schema import schema_migrations

PG_MIGRATION_LOCK = 72_640_517


@dataclass(frozen=True)
class Migration:
    """One step. A step that re-seals stored data says when it needs the key (``needs_key``
    tells from the database whether there is data to seal); it is then called with the ring
    as ``apply(conn, ring)``. ``after`` runs once the step's transaction has committed."""

    version: int
    name: str
    apply: Callable[..., None]
    needs_key: Callable[[Connection], bool] | None = None
    after: Callable[[Engine], None] | None = None


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


RESULTS_SEALED = 5
BATCH = 500
_COUNT_COLUMNS = ("red_flags_urgent", "red_flags_review", "contraindications", "precautions", "clarify")
LIST_INDEX = ("submission_id", "id", "triage", *_COUNT_COLUMNS, "suggested")


def _v5_has_data(conn: Connection) -> bool:
    return any(conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in ("submissions", "results"))


def _v5_tables() -> tuple[Table, Table]:
    md = MetaData()
    res = Table("results", md, Column("id", Integer, primary_key=True), Column("submission_id", String(32)),
                Column("scored_at", String(32)), Column("result_json", Text), Column("key_id", String(32)),
                Column("result_enc", LargeBinary), Column("suggested", String(200)),
                *[Column(c, Integer) for c in _COUNT_COLUMNS])
    subs = Table("submissions", md, Column("id", String(32), primary_key=True),
                 Column("answers_enc", LargeBinary), Column("patient_enc", LargeBinary))
    return res, subs


def _v5_seal_results(conn: Connection, ring: KeyRing | None) -> None:
    """Results sealed at rest; the list's clear columns filled from each result; the name and
    birth date sealed on their own beside the answers; the clear result_json dropped."""
    blob = LargeBinary().compile(dialect=conn.dialect)
    added = [("key_id", "VARCHAR(32)"), ("result_enc", blob), *[(c, "INTEGER") for c in _COUNT_COLUMNS],
             ("suggested", "VARCHAR(200)")]
    for name, kind in added:
        conn.execute(text(f"ALTER TABLE results ADD COLUMN {name} {kind}"))
    conn.execute(text(f"ALTER TABLE submissions ADD COLUMN patient_enc {blob}"))
    res, subs = _v5_tables()
    last = 0
    while batch := conn.execute(select(res.c.id, res.c.submission_id, res.c.scored_at, res.c.result_json)
                                .where(res.c.id > last).order_by(res.c.id).limit(BATCH)).all():
        for r in batch:
            result = json.loads(r.result_json)
            clear = listing.result_columns(result)
            sealed = rows.seal_result(ring, r.submission_id, r.scored_at, result)
            conn.execute(update(res).where(res.c.id == r.id).values(
                key_id=ring.current.id, result_enc=sealed, suggested=clear["suggested"],
                **{c: clear[c] for c in _COUNT_COLUMNS}))
        last = batch[-1].id
    last = ""
    while batch := conn.execute(select(subs.c.id, subs.c.answers_enc).where(subs.c.id > last)
                                .order_by(subs.c.id).limit(BATCH)).all():
        for r in batch:
            answers = rows.open_answers(ring, r.id, r.answers_enc)
            conn.execute(update(subs).where(subs.c.id == r.id).values(
                patient_enc=rows.seal_patient(ring, r.id, answers)))
        last = batch[-1].id
    conn.execute(text("ALTER TABLE results DROP COLUMN result_json"))
    # covering indexes: the list reads its columns from these, never from the rows that carry
    # the sealed blobs (a SQLite row's later columns sit behind its blob's overflow pages)
    conn.execute(text(f"CREATE INDEX ix_results_list ON results ({', '.join(LIST_INDEX)})"))
    conn.execute(text("CREATE INDEX ix_submissions_day ON submissions (submitted_at, language, id)"))
    conn.execute(text("CREATE INDEX ix_submissions_stored_at ON submissions (stored_at)"))


def _v5_scrub(engine: Engine) -> None:
    """SQLite: no page of the old clear results left in the file or its WAL (secure_delete is on
    for every connection; VACUUM rewrites the file; the WAL is emptied)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        if not _v5_has_data(conn):
            return  # a fresh database: nothing was ever clear
    raw = engine.raw_connection()  # outside any transaction: VACUUM cannot run inside one
    try:
        db = raw.driver_connection
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


def _v7_staff_sessions_and_login_misses(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0"))
    conn.execute(text("ALTER TABLE users ADD COLUMN last_login_at VARCHAR(32)"))
    md = MetaData()
    Table("login_misses", md,
          Column("name_key", String(64), primary_key=True),
          Column("failed_logins", Integer, nullable=False),
          Column("locked_until", String(32)),
          Column("last_at", String(32), nullable=False, index=True))
    md.create_all(conn)


def _v6_front_desk_alerts(conn: Connection) -> None:
    from storage.alerts import create_table

    create_table(conn)


CORRECTIONS = 8


def _v8_corrections_and_record_numbers(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE reviews ADD COLUMN undone BOOLEAN NOT NULL DEFAULT FALSE"))
    md = MetaData()
    Table("submissions", md, Column("id", String(32), primary_key=True))
    Table("voids", md,
          Column("submission_id", String(32), ForeignKey("submissions.id"), primary_key=True),
          Column("voided_by", String(64), nullable=False),
          Column("voided_at", String(32), nullable=False),
          Column("key_id", String(32), nullable=False),
          Column("reason_enc", LargeBinary, nullable=False))
    Table("record_numbers", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("submission_id", String(32), ForeignKey("submissions.id"), nullable=False, index=True),
          Column("mrn_key", String(100), nullable=False, index=True),
          Column("key_id", String(32), nullable=False),
          Column("mrn_enc", LargeBinary, nullable=False),
          Column("attached_by", String(64), nullable=False),
          Column("attached_at", String(32), nullable=False))
    md.create_all(conn, tables=[md.tables["voids"], md.tables["record_numbers"]])


RESCORE = 9


def _v9_rescore_marker(conn: Connection) -> None:
    """Every result stored before this step was saved at submit time: an original."""
    conn.execute(text("ALTER TABLE results ADD COLUMN rescore BOOLEAN NOT NULL DEFAULT FALSE"))


MIGRATIONS: list[Migration] = [
    Migration(1, "submissions, results, users, audit", _v1_core),
    Migration(2, "reviews and versioned comments", _v2_review_and_comments),
    Migration(3, "patient_key lookup hash", _v3_patient_key),
    Migration(4, "key check values", _v4_key_checks),
    Migration(RESULTS_SEALED, "results sealed at rest; list columns; patient name sealed apart",
              _v5_seal_results, needs_key=_v5_has_data, after=_v5_scrub),
    Migration(6, "front-desk alerts from kiosk tablets", _v6_front_desk_alerts),
    Migration(7, "staff session generation, last login, login misses", _v7_staff_sessions_and_login_misses),
    Migration(CORRECTIONS, "voids, undone reviews, record numbers", _v8_corrections_and_record_numbers),
    Migration(RESCORE, "results marked as re-scores", _v9_rescore_marker),
]
LATEST = MIGRATIONS[-1].version


def applied_versions(conn: Connection) -> set[int]:
    return set(conn.execute(select(schema_migrations.c.version)).scalars())


def migrate(engine: Engine, upto: int | None = None, ring: KeyRing | None = None) -> list[int]:
    """Apply every migration not yet applied (up to ``upto``); return the versions applied now.

    Without ``ring``, stops before the first step that needs the key to re-seal stored data
    (``open_store`` then finds the key and calls again with it).
    """
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
            if m.needs_key is not None:
                if ring is None and m.needs_key(conn):
                    break
                m.apply(conn, ring)
            else:
                m.apply(conn)
            conn.execute(insert(schema_migrations).values(
                version=m.version, name=m.name, applied_at=datetime.now(UTC).isoformat()))
            done.append(m.version)
    for m in MIGRATIONS:
        if m.version in done and m.after is not None:
            m.after(engine)
    return done


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return max(applied_versions(conn), default=0)
