"""What can go wrong with the storage itself: a full disk, low space, a readable key file."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from storage.engine import sqlite_path
from storage.errors import StoreError
from storage.keys import key_file_problems

__all__ = ["is_full", "key_file_problems", "private_file", "private_folder", "space_problems", "sqlite_copy"]

LOW_SPACE_BYTES = 200 * 1024 * 1024
NEARLY_FULL = 0.95
SQLITE_FULL = 13
PG_DISK_FULL = "53100"


def is_full(exc: DBAPIError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlite_errorcode", None) == SQLITE_FULL or "database or disk is full" in str(orig):
        return True
    if getattr(orig, "sqlstate", None) == PG_DISK_FULL:
        return True
    return isinstance(getattr(orig, "__cause__", None), OSError) and orig.__cause__.errno == errno.ENOSPC


def space_problems(engine: Engine) -> list[str]:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        return []
    problems = []
    free = shutil.disk_usage(Path(path).parent).free
    if free < LOW_SPACE_BYTES:
        problems.append(f"low free disk space for the database: {free // (1024 * 1024)} MB left")
    raw = engine.raw_connection()
    try:
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        limit = raw.execute("PRAGMA max_page_count").fetchone()[0]
    finally:
        raw.close()
    if limit and limit - pages < max((1 - NEARLY_FULL) * limit, 64):
        problems.append(f"the database is nearly full ({pages} of {limit} pages used)")
    return problems


def sqlite_copy(engine: Engine, dest: Path) -> None:
    """Online backup of the store's SQLite file into a new file ``dest`` (never overwritten)."""
    if dest.exists():
        raise StoreError(f"backup: {dest} already exists; choose a new file name")
    private_file(dest)
    raw = engine.raw_connection()
    target = sqlite3.connect(dest)
    try:
        raw.driver_connection.backup(target)
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        raw.close()
    if ok != "ok":
        raise StoreError(f"backup: the copy at {dest} failed its integrity check: {ok}")


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) so that the folder itself is 0700 from the start."""
    if folder.exists():
        return
    private_folder(folder.parent)
    try:
        os.mkdir(folder, 0o700)  # the umask can only take bits away from 0700
    except FileExistsError:
        return
    os.chmod(folder, 0o700)


def private_file(path: Path) -> None:
    """A new, empty file of mode 0600 from its first byte (SQLite then writes into it, and gives
    its journal the same mode); refuses to replace an existing one."""
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError(f"{path} already exists; choose a new file name") from None
    os.fchmod(fd, 0o600)
    os.close(fd)
