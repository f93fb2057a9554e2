"""The store: every read and write of submissions, results, reviews, comments, users, audit.

Pages never hold SQL; they call these methods. A submission row is written once and never
changed in content (rescoring appends a result, review and comments append rows). Answers
and comments are sealed with AES-GCM before they reach the database.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, exists, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage import health as health_checks
from storage import listing, rows
from storage.corrections import CorrectionsStore, latest_mrn_rows, open_mrn, open_void
from storage.crypto import KeyRing, patient_key
from storage.engine import is_sqlite, sqlite_path
from storage.errors import StorageFull, StoreError
from storage.schema import comments, results, reviews, submissions, voids
from storage.staff import StaffStore
from vocabulary import MAX_COMMENT, Comment, ListPage, NewSubmission, ScreeningResult, Submission

log = logging.getLogger("storage")
CHUNK = 500


class Store(StaffStore, CorrectionsStore):  # accounts, audit: staff.py; void, MRN: corrections.py
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
                patient_enc=rows.seal_patient(self.ring, sid, new.answers),
                patient_key=patient_key(self.ring.current, name, birth) if name and birth else None,
            )
            try:
                with self._write("submit") as conn:
                    conn.execute(insert(submissions).values(**values))
                    if new.result is not None:
                        self._insert_result(conn, sid, new.result, new.rules_version, rescore=False)
            except IntegrityError:
                continue  # a random id collided (never in practice): draw another, overwrite nothing
            self._last_failure = None
            return sid
        raise StoreError("submit failed: could not draw a free submission id")

    def _insert_result(self, conn: Connection, sid: str, result: ScreeningResult | Mapping,
                       rules_version: str | None, *, rescore: bool) -> None:
        result = rows.result_document(result)  # the JSON object sealed: the bytes of every version
        version = rules_version or str(result.get("rules_version") or "")
        if not version:
            raise StoreError("rules_version is required with a result")
        scored_at = rows.now()
        conn.execute(insert(results).values(
            submission_id=sid, scored_at=scored_at, rules_version=version, rescore=rescore,
            key_id=self.ring.current.id,
            result_enc=rows.seal_result(self.ring, sid, scored_at, result), **listing.result_columns(result)))

    def save_result(self, id: str, result: ScreeningResult | Mapping, rules_version: str) -> None:
        """Append a re-score (marked so: never a new alert); the newest result is what reads
        return, older ones are kept. ``result``: a ``ScreeningResult`` (or its JSON object)."""
        if result is None:
            raise StoreError("result must be a ScreeningResult (the scoring's result)")
        rows.result_document(result)
        rows.check_text(rules_version, "rules_version")
        with self._write("save result") as conn:
            self._require(conn, id)
            self._insert_result(conn, id, result, rules_version, rescore=True)

    def results_of(self, id: str) -> list[dict]:
        """Every scoring result of a submission, oldest first: {scored_at, rules_version, rescore,
        result} (``result`` a ``ScreeningResult``)."""
        query = select(results).where(results.c.submission_id == id).order_by(results.c.id)
        with self._read() as conn:
            return [{"scored_at": rows.parse_ts(r.scored_at), "rules_version": r.rules_version,
                     "rescore": bool(r.rescore), "result": rows.open_result(self.ring, r)}
                    for r in conn.execute(query)]

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

    def list_page(self, since: datetime | None, until: datetime | None, *, triage=None, indication=None,
                  language=None, warning_signs: bool = False, safety=None, reviewed: bool | None = None,
                  name_query: str | None = None, voided: bool | None = False, page: int = 0,
                  page_size: int = listing.PAGE_SIZE, opened: dict | None = None) -> ListPage:
        """One page of the clinician's list of ``since <= submitted_at < until``, filtered in SQL.

        Order: urgent, then review (and not yet scored), then routine; newest first within each.
        ``triage``/``indication``/``language``/``safety`` take one value or several (any matches;
        ``indication`` = suggested to discuss; ``safety`` levels contraindication, precaution,
        clarify); ``warning_signs`` keeps rows with any red flag; ``reviewed`` True/False keeps
        reviewed / not yet reviewed ones; ``name_query`` keeps names holding every word (case and
        accents ignored), which opens the names of the range's rows, never answers or results.
        ``voided``: False (the default) leaves voided submissions out, True keeps only them,
        None keeps both.
        Only the page's rows are decrypted (name, birth date, result). Bad values: StoreError.
        ``opened``: the caller's memo of the rows it was last given (one browser session's
        ``st.session_state``, never shared): rows still on the page are not opened again.
        """
        with self._read() as conn:
            return listing.read_page(conn, self.ring, since, until, triage=triage, indication=indication,
                                     language=language, warning_signs=warning_signs, safety=safety,
                                     reviewed=reviewed, voided=voided, name_query=name_query, page=page,
                                     page_size=page_size, opened=opened)

    def urgent_arrivals(self, stored_after: datetime) -> list[str]:
        """Ids of urgent submissions stored after ``stored_after``, newest first.

        By arrival (stored time, indexed), not by visit time: a submission the kiosk held and
        saved late still counts as an arrival; a rescore is never an arrival. Clear columns only.
        """
        with self._read() as conn:
            found = conn.execute(listing.urgent_query(), {"stored_after": rows.ts(stored_after)})
            return list(found.scalars())

    def unscored(self) -> list[str]:
        """Ids of submissions with no scoring result, oldest first."""
        scored = exists().where(results.c.submission_id == submissions.c.id)
        query = select(submissions.c.id).where(~scored).order_by(submissions.c.submitted_at, submissions.c.id)
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def unscored_count(self) -> int:
        """How many submissions have no scoring result (two index counts in one statement:
        cheap on every page). Every result belongs to a stored submission (foreign key)."""
        total = select(func.count()).select_from(submissions).scalar_subquery()
        scored = select(func.count(results.c.submission_id.distinct())).scalar_subquery()
        with self._read() as conn:
            return int(conn.execute(select(total - scored)).scalar() or 0)

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
        rows.check_text(username, "username")
        with self._write("mark reviewed") as conn:
            self._require(conn, id)
            conn.execute(insert(reviews).values(submission_id=id, username=username,
                                                reviewed_at=rows.now(), undone=False))

    def add_comment(self, id: str, username: str, text: str) -> Comment:
        """Add a comment as the next version; earlier versions stay as they were."""
        rows.check_staff_text(text, "comment text", MAX_COMMENT, username)
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
        latest_result, latest_review, notes, voided, mrns = {}, {}, {}, {}, {}
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
            for v in conn.execute(select(voids).where(voids.c.submission_id.in_(part))):
                voided[v.submission_id] = open_void(self.ring, v)
            mrns.update({sid: open_mrn(self.ring, m) for sid, m in latest_mrn_rows(conn, part).items()})
        reviewed = {sid: r for sid, r in latest_review.items() if not r.undone}
        return [rows.to_submission(self.ring, r, latest_result.get(r.id), reviewed.get(r.id),
                                   notes.get(r.id, []), voided.get(r.id), mrns.get(r.id)) for r in found]

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
            waiting = self.unscored_count()
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

