"""The store: every read and write of submissions, results, reviews, comments, users, audit.

Pages never hold SQL; they call these methods. A submission row is written once and never
changed in content (rescoring appends a result, review and comments append rows). Answers
and comments are sealed with AES-GCM before they reach the database.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage import health as health_checks
from storage import rows
from storage.crypto import KeyRing, patient_key
from storage.engine import is_sqlite, sqlite_path
from storage.errors import StorageFull, StoreError
from storage.records import AuditEvent, Comment, NewSubmission, Submission, User
from storage.schema import audit_events, comments, results, reviews, submissions, users

log = logging.getLogger("storage")
CHUNK = 500
MAX_COMMENT = 5000


class Store:
    def __init__(self, engine: Engine, ring: KeyRing, key_file: Path | None = None) -> None:
        self.engine = engine
        self.ring = ring
        self.key_file = key_file
        self._last_failure: str | None = None

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- transactions ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self, what: str) -> Iterator[Connection]:
        """A write transaction holding the lock from its start; full disk -> StorageFull."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            if health_checks.is_full(exc):
                self._last_failure = f"last {what} failed: the database or its disk is full"
                log.error("%s failed: storage full", what)
                raise StorageFull(f"{what} failed: the database or its disk is full; nothing was "
                                  "saved. Free disk space, then try again.") from None
            log.error("%s failed: %s", what, type(exc.orig).__name__)
            raise StoreError(f"{what} failed: the database refused the write "
                             f"({type(exc.orig).__name__})") from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="DEFERRED")
            with conn.begin():
                yield conn

    # -- submissions ----------------------------------------------------------------------
    def save_submission(self, new: NewSubmission) -> str:
        """Store a new submission (and its result, if scored); durable before this returns."""
        rows.check_new(new)
        name = str(new.answers.get("patient.name", "") or "")
        birth = str(new.answers.get("patient.birth_date", "") or "")
        for _ in range(3):
            sid = uuid.uuid4().hex
            values = dict(
                id=sid, submitted_at=rows.ts(new.submitted_at), stored_at=rows.now(),
                language=new.language, questionnaire_version=new.questionnaire_version,
                key_id=self.ring.current.id, answers_enc=rows.seal_answers(self.ring, sid, new.answers),
                patient_key=patient_key(self.ring.current, name, birth) if name and birth else None,
            )
            try:
                with self._write("submit") as conn:
                    conn.execute(insert(submissions).values(**values))
                    if new.result is not None:
                        self._insert_result(conn, sid, new.result, new.rules_version)
            except IntegrityError:
                continue  # a random id collided (never in practice): draw another, overwrite nothing
            self._last_failure = None
            return sid
        raise StoreError("submit failed: could not draw a free submission id")

    def _insert_result(self, conn: Connection, sid: str, result: dict, rules_version: str | None) -> None:
        version = rules_version or str(result.get("rules_version") or "")
        if not version:
            raise StoreError("rules_version is required with a result")
        triage = result.get("triage")
        conn.execute(insert(results).values(
            submission_id=sid, scored_at=rows.now(), rules_version=version,
            triage=triage if isinstance(triage, str) else None, result_json=rows.result_json(result)))

    def save_result(self, id: str, result: dict, rules_version: str) -> None:
        """Append a scoring result; the newest one is what reads return, older ones are kept."""
        if not isinstance(result, dict):
            raise StoreError("result must be the scoring JSON object")
        with self._write("save result") as conn:
            self._require(conn, id)
            self._insert_result(conn, id, result, rules_version)

    def results_of(self, id: str) -> list[dict]:
        """Every scoring result of a submission, oldest first: {scored_at, rules_version, result}."""
        query = select(results).where(results.c.submission_id == id).order_by(results.c.id)
        with self._read() as conn:
            return [{"scored_at": rows.parse_ts(r.scored_at), "rules_version": r.rules_version,
                     "result": json.loads(r.result_json)} for r in conn.execute(query)]

    def get_submission(self, id: str) -> Submission | None:
        with self._read() as conn:
            row = conn.execute(select(submissions).where(submissions.c.id == id)).first()
            return self._hydrate(conn, [row])[0] if row is not None else None

    def list_submissions(self, since: datetime | None = None, until: datetime | None = None
                         ) -> list[Submission]:
        """Submissions with ``since <= submitted_at < until``, newest first."""
        query = select(submissions).order_by(submissions.c.submitted_at.desc(), submissions.c.id)
        if since is not None:
            query = query.where(submissions.c.submitted_at >= rows.ts(since))
        if until is not None:
            query = query.where(submissions.c.submitted_at < rows.ts(until))
        with self._read() as conn:
            return self._hydrate(conn, conn.execute(query).all())

    def unscored(self) -> list[str]:
        """Ids of submissions with no scoring result, oldest first."""
        scored = select(results.c.submission_id)
        query = (select(submissions.c.id).where(submissions.c.id.not_in(scored))
                 .order_by(submissions.c.submitted_at, submissions.c.id))
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def visits_of(self, name: str, birth_date: str) -> list[Submission]:
        """Every submission of this patient (same name ignoring case and spaces, same birth date)."""
        if not name.strip() or not birth_date.strip():
            return []
        keys = self.ring.patient_keys(name, birth_date)
        query = (select(submissions).where(submissions.c.patient_key.in_(keys))
                 .order_by(submissions.c.submitted_at, submissions.c.id))
        with self._read() as conn:
            return self._hydrate(conn, conn.execute(query).all())

    def mark_reviewed(self, id: str, username: str) -> None:
        with self._write("mark reviewed") as conn:
            self._require(conn, id)
            conn.execute(insert(reviews).values(submission_id=id, username=username,
                                                reviewed_at=rows.now()))

    def add_comment(self, id: str, username: str, text: str) -> Comment:
        """Add a comment as the next version; earlier versions stay as they were."""
        if not isinstance(text, str) or not text.strip():
            raise StoreError("comment text must not be empty")
        if len(text) > MAX_COMMENT:
            raise StoreError(f"comment text must be at most {MAX_COMMENT} characters")
        written = rows.now()
        for _ in range(5):
            try:
                with self._write("add comment") as conn:
                    self._require(conn, id)
                    version = 1 + (conn.execute(select(func.max(comments.c.version))
                                                .where(comments.c.submission_id == id)).scalar() or 0)
                    blob = self.ring.seal(text.encode(), rows.comment_context(id, version))
                    conn.execute(insert(comments).values(
                        submission_id=id, version=version, author=username, written_at=written,
                        key_id=self.ring.current.id, text_enc=blob))
                return Comment(author=username, text=text, written_at=rows.parse_ts(written),
                               version=version)
            except IntegrityError:
                continue  # PostgreSQL: another writer took this version number first
        raise StoreError("add comment failed: too many writers at once; try again")

    def _require(self, conn: Connection, id: str) -> None:
        """The submission exists; in a write, its row is locked (PostgreSQL) so writers queue."""
        query = select(submissions.c.id).where(submissions.c.id == id).with_for_update()
        if conn.execute(query).first() is None:
            raise StoreError(f"no submission with id {id!r}")

    def _hydrate(self, conn: Connection, found) -> list[Submission]:
        ids = [r.id for r in found]
        latest_result, latest_review, notes = {}, {}, {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start:start + CHUNK]
            newest = select(func.max(results.c.id)).where(results.c.submission_id.in_(part)) \
                .group_by(results.c.submission_id)
            for r in conn.execute(select(results).where(results.c.id.in_(newest))):
                latest_result[r.submission_id] = r
            newest = select(func.max(reviews.c.id)).where(reviews.c.submission_id.in_(part)) \
                .group_by(reviews.c.submission_id)
            for r in conn.execute(select(reviews).where(reviews.c.id.in_(newest))):
                latest_review[r.submission_id] = r
            for c in conn.execute(select(comments).where(comments.c.submission_id.in_(part))
                                  .order_by(comments.c.version)):
                notes.setdefault(c.submission_id, []).append(c)
        return [rows.to_submission(self.ring, r, latest_result.get(r.id), latest_review.get(r.id),
                                   notes.get(r.id, [])) for r in found]

    # -- users --------------------------------------------------------------------------------
    def create_user(self, username: str, password_hash: str, role: str) -> User:
        if not isinstance(username, str) or not 1 <= len(username) <= 64 or username != username.strip():
            raise StoreError("username must be 1 to 64 characters without surrounding spaces")
        if role not in rows.ROLES:
            raise StoreError(f"role must be one of {', '.join(rows.ROLES)}")
        if not password_hash:
            raise StoreError("password_hash must not be empty")
        try:
            with self._write("create user") as conn:
                conn.execute(insert(users).values(
                    username=username, password_hash=password_hash, role=role, failed_logins=0,
                    locked_until=None, active=True, created_at=rows.now()))
        except IntegrityError:
            raise StoreError(f"a user named {username!r} already exists") from None
        return User(username=username, password_hash=password_hash, role=role)

    def get_user(self, username: str) -> User | None:
        with self._read() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        return _user(row) if row is not None else None

    def list_users(self) -> list[User]:
        with self._read() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]

    def set_login_state(self, username: str, failed_logins: int, locked_until: datetime | None) -> None:
        with self._write("set login state") as conn:
            done = conn.execute(update(users).where(users.c.username == username).values(
                failed_logins=failed_logins,
                locked_until=rows.ts(locked_until) if locked_until is not None else None))
            if done.rowcount == 0:
                raise StoreError(f"no user named {username!r}")

    def set_user_active(self, username: str, active: bool) -> None:
        with self._write("set user active") as conn:
            done = conn.execute(update(users).where(users.c.username == username).values(active=active))
            if done.rowcount == 0:
                raise StoreError(f"no user named {username!r}")

    # -- audit --------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str = "") -> None:
        """Record who did what to which record. Never pass an answer, name or birth date.

        Over-long values are cut (ending in "…") rather than refused: an event is never lost.
        """
        with self._write("audit") as conn:
            conn.execute(insert(audit_events).values(at=rows.now(), actor=_cut(actor, 64),
                                                     action=_cut(action, 64), target=_cut(target, 200)))

    def audit_events(self, limit: int = 500) -> list[AuditEvent]:
        query = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [AuditEvent(at=rows.parse_ts(r.at), actor=r.actor, action=r.action, target=r.target)
                    for r in conn.execute(query)]

    # -- front-desk alerts (storage/alerts.py) ----------------------------------------------------
    def raise_alert(self, tablet: str, at: datetime) -> int:
        """A kiosk tablet calls the front desk: its name and the time only. Audited."""
        from storage import alerts

        with self._write("raise alert") as conn:
            alert_id = alerts.insert_alert(conn, tablet, at)
        self.audit(f"kiosk:{tablet}", "front-desk alert", f"alert {alert_id}")
        return alert_id

    def open_alerts(self) -> list:
        """Alerts nobody has acknowledged yet, oldest first."""
        from storage import alerts

        with self._read() as conn:
            return alerts.open_alerts(conn)

    def acknowledge_alert(self, id: int, username: str) -> bool:
        """Close an alert (False if someone closed it first). Audited."""
        from storage import alerts

        with self._write("acknowledge alert") as conn:
            closed = alerts.acknowledge(conn, int(id), username)
        if closed:
            self.audit(username, "acknowledge front-desk alert", f"alert {id}")
        return closed

    # -- operations ---------------------------------------------------------------------------
    def health(self) -> list[str]:
        """Problems staff must see now; empty when all is well."""
        problems = [self._last_failure] if self._last_failure else []
        problems += health_checks.space_problems(self.engine)
        if self.key_file is not None:
            problems += health_checks.key_file_problems(self.key_file)
        with contextlib.suppress(DBAPIError):
            waiting = len(self.unscored())
            if waiting:
                problems.append(f"{waiting} submission(s) have no scoring result yet "
                                "(run: python -m clinic rescore)")
        return problems

    def backup(self, dest: Path) -> None:
        """Copy the database to ``dest`` with SQLite's online backup (safe while in use)."""
        if not is_sqlite(self.engine):
            raise StoreError("backup: this store is on PostgreSQL; back it up with pg_dump "
                             "(pg_dump --format=custom --file=FILE DBNAME)")
        health_checks.sqlite_copy(self.engine, Path(dest))

    def database_path(self) -> str | None:
        return sqlite_path(self.engine.url.render_as_string(hide_password=False))

    def close(self) -> None:
        self.engine.dispose()


def _cut(value: str, limit: int) -> str:
    value = str(value)
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _user(row) -> User:
    return User(username=row.username, password_hash=row.password_hash, role=row.role,
                failed_logins=row.failed_logins, locked_until=rows.parse_ts(row.locked_until),
                active=bool(row.active))

