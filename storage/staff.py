"""The store's staff part: accounts, login counters and the audit trail (a mixin of ``Store``).

Login attempts are counted *before* a password is checked, in one ``UPDATE ... RETURNING``
that adds one failure and sets the wait or lock in the same statement, and only while the
account is not already waiting. So however many attempts arrive at once (threads, processes,
app replicas), at most ``login_max_failures`` of them reach the password check before the lock:
SQLite serialises the statement (``BEGIN IMMEDIATE``), PostgreSQL re-checks the row's lock
condition after waiting for a concurrent update of the same row. A successful login resets
the count. Names that are not accounts are counted the same way in ``login_misses``, keyed by
a keyed hash of the name (a password typed into the name field is never stored), so they are
delayed and locked exactly like real accounts, across replicas.

``session_generation`` grows whenever an account's sessions must end (deactivated,
reactivated, password reset or changed): each staff session remembers the generation it
logged in with and ends when the stored one differs (workspace/session.py).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Table, case, delete, func, insert, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage import rows
from storage.crypto import KeyRing
from storage.errors import StoreError
from storage.schema import audit_events, login_misses, users
from vocabulary import AuditEvent, User

MISS_RETENTION = timedelta(days=1)  # a name that is not an account is forgotten after a quiet day


@dataclass(frozen=True)
class LoginCount:
    """The result of counting one login attempt."""

    counted: bool  # False: the account (or name) is waiting or locked; do not check the password
    user: User | None  # the account as it is after counting; None for a name that is not one
    failed_logins: int
    locked_until: datetime | None


def miss_key(ring: KeyRing, username: str) -> str:
    """A keyed hash of a name that is not an account (HMAC-SHA256 under a key derived for this)."""
    sub = hmac.new(ring.current.secret, b"screener login miss v1", hashlib.sha256).digest()
    return hmac.new(sub, username.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def _counting(table: Table, where, now: datetime, restart_after: int,
              waits: list[tuple[int, int]]):
    """One UPDATE: +1 failure (1 after a lock that ran out) and its wait, unless already waiting.

    ``waits`` is [(failures, seconds)], largest failure count first: the first threshold the
    new count reaches gives the wait (None below every threshold).
    """
    at = rows.ts(now)
    failed = table.c.failed_logins
    new_count = case((failed >= restart_after, 1), else_=failed + 1)
    wait = case(*[(new_count >= n, rows.ts(now + timedelta(seconds=s))) for n, s in waits],
                else_=null()) if waits else null()
    return (update(table)
            .where(where, or_(table.c.locked_until.is_(None), table.c.locked_until <= at))
            .values(failed_logins=new_count, locked_until=wait))


class StaffStore:
    """Mixed into ``storage.store.Store`` (which provides ``engine``, ``ring``, ``_write``, ``_read``)."""

    ring: KeyRing

    # -- accounts --------------------------------------------------------------------------
    def create_user(self, username: str, password_hash: str, role: str) -> User:
        if not isinstance(username, str) or not 1 <= len(username) <= 64 or username != username.strip():
            raise StoreError("username must be 1 to 64 characters without surrounding spaces")
        if role not in rows.ROLES:
            raise StoreError(f"role must be one of {', '.join(rows.ROLES)}")
        if not password_hash:
            raise StoreError("password_hash must not be empty")
        rows.check_text(username, "username")
        try:
            with self._write("create user") as conn:
                conn.execute(insert(users).values(
                    username=username, password_hash=password_hash, role=role, failed_logins=0,
                    locked_until=None, active=True, created_at=rows.now(), session_generation=0))
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

    def _change_user(self, what: str, username: str, **values) -> User:
        with self._write(what) as conn:
            row = conn.execute(update(users).where(users.c.username == username).values(**values)
                               .returning(*users.c)).first()
        if row is None:
            raise StoreError(f"no user named {username!r}")
        return _user(row)

    def set_login_state(self, username: str, failed_logins: int, locked_until: datetime | None) -> None:
        self._change_user("set login state", username, failed_logins=failed_logins,
                          locked_until=rows.ts(locked_until) if locked_until is not None else None)

    def set_user_active(self, username: str, active: bool) -> User:
        """Switch an account off (or on again); either way its live sessions end."""
        return self._change_user("set user active", username, active=active,
                                 session_generation=users.c.session_generation + 1)

    def set_password(self, username: str, password_hash: str) -> User:
        """A new password hash; clears the lock and ends the account's live sessions."""
        if not password_hash:
            raise StoreError("password_hash must not be empty")
        return self._change_user("set password", username, password_hash=password_hash,
                                 failed_logins=0, locked_until=None,
                                 session_generation=users.c.session_generation + 1)

    def unlock_user(self, username: str) -> User:
        """Clear the failure count and any wait or lock."""
        return self._change_user("unlock user", username, failed_logins=0, locked_until=None)

    def count_active_admins(self) -> int:
        query = select(func.count()).select_from(users).where(users.c.role == "admin",
                                                              users.c.active.is_(True))
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    # -- login attempts --------------------------------------------------------------------
    def count_login_attempt(self, username: str, now: datetime, restart_after: int,
                            waits: list[tuple[int, int]]) -> LoginCount:
        """Count one attempt before its password is checked (see the module docstring)."""
        with self._write("count login attempt") as conn:
            row = conn.execute(_counting(users, users.c.username == username, now, restart_after, waits)
                               .returning(*users.c)).first()
            if row is not None:
                return LoginCount(True, _user(row), row.failed_logins, rows.parse_ts(row.locked_until))
            row = conn.execute(select(users).where(users.c.username == username)).first()
            if row is not None:
                return LoginCount(False, _user(row), row.failed_logins, rows.parse_ts(row.locked_until))
            return self._count_miss(conn, miss_key(self.ring, username), now, restart_after, waits)

    def _count_miss(self, conn: Connection, key: str, now: datetime, restart_after: int,
                    waits: list[tuple[int, int]]) -> LoginCount:
        longest = max([s for _, s in waits], default=0)
        conn.execute(delete(login_misses).where(
            login_misses.c.last_at < rows.ts(now - max(MISS_RETENTION, timedelta(seconds=2 * longest)))))
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(login_misses).values(
            name_key=key, failed_logins=0, locked_until=None, last_at=rows.ts(now))
            .on_conflict_do_nothing(index_elements=["name_key"]))
        counting = _counting(login_misses, login_misses.c.name_key == key, now, restart_after, waits)
        row = conn.execute(counting.values(last_at=rows.ts(now))
                           .returning(login_misses.c.failed_logins, login_misses.c.locked_until)).first()
        counted = row is not None
        if not counted:
            row = conn.execute(select(login_misses).where(login_misses.c.name_key == key)).first()
        return LoginCount(counted, None, row.failed_logins, rows.parse_ts(row.locked_until))

    def record_login(self, username: str, now: datetime) -> None:
        """A successful login: the failure count and any wait are cleared."""
        self._change_user("record login", username, failed_logins=0, locked_until=None,
                          last_login_at=rows.ts(now))

    # -- audit ------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str = "") -> None:
        """Record who did what to which record. Never pass an answer, name, birth date or password.

        Over-long values are cut (ending in "…") rather than refused: an event is never lost.
        """
        with self._write("audit") as conn:
            conn.execute(insert(audit_events).values(at=rows.now(), actor=_cut(actor, 64),
                                                     action=_cut(action, 64), target=_cut(target, 200)))

    def audit_events(self, limit: int = 500) -> list[AuditEvent]:
        """The latest ``limit`` events, newest first."""
        query = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [_event(r) for r in conn.execute(query)]

    def audit_events_between(self, since: datetime, until: datetime) -> list[AuditEvent]:
        """Every event with ``since <= at < until``, oldest first (for the CSV export)."""
        query = (select(audit_events).where(audit_events.c.at >= rows.ts(since),
                                            audit_events.c.at < rows.ts(until))
                 .order_by(audit_events.c.id))
        with self._read() as conn:
            return [_event(r) for r in conn.execute(query)]


def _cut(value: str, limit: int) -> str:
    value = str(value)
    if rows.bad_text(value):  # an audit event is never lost: a broken character becomes U+FFFD
        value = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in value)
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _event(row) -> AuditEvent:
    return AuditEvent(at=rows.parse_ts(row.at), actor=row.actor, action=row.action, target=row.target)


def _user(row) -> User:
    return User(username=row.username, password_hash=row.password_hash, role=row.role,
                failed_logins=row.failed_logins, locked_until=rows.parse_ts(row.locked_until),
                active=bool(row.active), session_generation=row.session_generation,
                last_login_at=rows.parse_ts(row.last_login_at))
