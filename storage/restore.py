"""Restoring an SQLite backup into the configured database file (``python -m clinic restore``)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from storage.errors import StoreError
from storage.health import private_file


def restore_file(source: Path, target: Path, force: bool = False) -> Path | None:
    """Copy backup ``source`` into database ``target``; returns where the old data was kept."""
    if not source.is_file():
        raise StoreError(f"restore: no backup file at {source}")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"restore: {source} is not a SQLite database ({exc})") from None
    if ok != "ok" or "schema_migrations" not in tables:
        raise StoreError(f"restore: {source} is not a healthy screener backup ({ok})")
    kept = None
    if target.exists() and _has_data(target):
        if not force:
            raise StoreError(f"restore: {target} already holds submissions; add --force to replace "
                             "it (a copy is kept beside it)")
        kept = target.with_name(f"{target.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        private_file(kept)
        _copy(target, kept)
    if not target.exists():
        private_file(target)
    _copy(source, target)
    return kept


def _has_data(path: Path) -> bool:
    with closing(sqlite3.connect(path)) as conn:
        try:
            return conn.execute("SELECT count(*) FROM submissions").fetchone()[0] > 0
        except sqlite3.OperationalError:
            return False


def _copy(source: Path, dest: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
