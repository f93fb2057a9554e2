"""One SQLAlchemy engine per store, with SQLite tuned for no data loss.

SQLite: WAL journal, ``synchronous=FULL`` (a commit is on disk before it returns), foreign
keys on, ``secure_delete`` (freed pages zeroed), a busy timeout, and write transactions that
take the write lock up front (``BEGIN IMMEDIATE``) so two writers never deadlock half-way.
Read-only work asks for ``BEGIN DEFERRED`` through the ``sqlite_begin`` execution option.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return parsed.database or None


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("database_url must name a SQLite file (an in-memory database loses data)")
        Path(parsed.database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _tune_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise ValueError(f"database_url: unsupported database '{parsed.get_backend_name()}' "
                     "(use sqlite:///path or postgresql+psycopg://user@host/db)")


def make_private(url: str) -> None:
    """The SQLite file (and its WAL and shared-memory files) readable by the app's user only."""
    path = sqlite_path(url)
    if path is None:
        return
    for suffix in ("", "-wal", "-shm"):
        file = Path(path + suffix)
        if file.exists() and file.stat().st_uid == os.geteuid() and file.stat().st_mode & 0o077:
            file.chmod(0o600)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed: nothing old lingers in the file
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql("BEGIN DEFERRED" if mode == "DEFERRED" else "BEGIN IMMEDIATE")
