"""The storage commands of ``python -m clinic``: backup, restore, rotate-key, rescore.

Each takes its arguments without the command name and returns an exit status. Messages
name files and counts, never patient data.
"""

from __future__ import annotations

import argparse
import inspect
import sqlite3
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from clinic.config import load_settings
from storage.crypto import format_keys, new_key
from storage.engine import sqlite_path
from storage.errors import StoreError
from storage.health import private_file
from storage.keys import add_key_to_file, remove_keys_from_file
from storage.opening import open_store, rotate, used_key_ids


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def backup(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic backup",
                                     description="Copy the SQLite database to a new file while the app runs.")
    parser.add_argument("dest", type=Path, help="the backup file to create (never overwritten)")
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        store = open_store(settings)
        try:
            store.backup(args.dest)
            count = len(store.list_submissions())
        finally:
            store.close()
    except StoreError as exc:
        return _fail(str(exc))
    print(f"backup written to {args.dest} ({count} submissions). It is encrypted: keep the key "
          "(the key file or SCREENER_ENCRYPTION_KEYS) too, stored apart from the backup.")
    return 0


def restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clinic restore",
        description="Replace the configured SQLite database with a backup. Stop the app first.")
    parser.add_argument("backup", type=Path, help="a file written by `python -m clinic backup`")
    parser.add_argument("--force", action="store_true",
                        help="replace a database that already holds data (a copy of it is kept beside it)")
    args = parser.parse_args(argv)
    settings = load_settings()
    target = sqlite_path(settings.database_url)
    if target is None:
        return _fail("restore works on SQLite only; for PostgreSQL use pg_restore")
    try:
        restore_file(args.backup, Path(target), force=args.force)
        store = open_store(settings)  # proves the key opens the restored data
        count = len(store.list_submissions())
        store.close()
    except StoreError as exc:
        return _fail(str(exc))
    print(f"restored {count} submissions from {args.backup} into {target}")
    return 0


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


def rotate_key(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clinic rotate-key",
        description="Re-encrypt all stored data under the current (first) key. Keep the old key "
                    "configured until this finishes.")
    parser.add_argument("--generate", action="store_true",
                        help="only print a new key (id:base64) to put first in SCREENER_ENCRYPTION_KEYS")
    parser.add_argument("--new-key", action="store_true",
                        help="key file set-up: add a fresh key first in the key file, then re-encrypt")
    parser.add_argument("--retire-old", action="store_true",
                        help="key file set-up: afterwards remove keys no stored value uses any more")
    args = parser.parse_args(argv)
    if args.generate:
        print(format_keys([new_key()]))
        return 0
    settings = load_settings()
    from_env = bool(settings.encryption_keys.strip())
    if from_env and (args.new_key or args.retire_old):
        return _fail("keys come from SCREENER_ENCRYPTION_KEYS: put the new key first there yourself "
                     "(python -m clinic rotate-key --generate prints one), run rotate-key, then drop the old "
                     "one")
    try:
        if args.new_key:
            store = open_store(settings)  # proves the old keys still open everything first
            store.close()
            add_key_to_file(Path(settings.key_file), new_key())
        store = open_store(settings)
        try:
            counts = rotate(store)
            current, unused = store.ring.current.id, set(store.ring.keys) - used_key_ids(store.engine)
        finally:
            store.close()
        if args.retire_old and unused - {current}:
            remove_keys_from_file(Path(settings.key_file), unused - {current})
    except StoreError as exc:
        return _fail(str(exc))
    print(f"re-encrypted {counts['submissions']} submissions, {counts['comments']} comments and "
          f"{counts['results']} scoring results under key {current}")
    old = sorted(unused - {current})
    if old and not args.retire_old:
        print(f"no stored value uses key(s) {', '.join(old)} any more; they may be removed "
              "once every backup made with them has expired")
    return 0


def rescore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic rescore",
                                     description="Score stored submissions that have no result yet.")
    parser.add_argument("--all", action="store_true",
                        help="score every submission again (a new result is added; old ones are kept)")
    args = parser.parse_args(argv)
    try:
        import scoring  # lazily: the store must work even when scoring cannot be imported
    except ImportError as exc:
        return _fail(f"the scoring package cannot be imported: {exc}")
    store = open_store(load_settings())
    done, failed = 0, 0
    try:
        ids = [s.id for s in store.list_submissions()] if args.all else store.unscored()
        for sid in ids:
            sub = store.get_submission(sid)
            try:
                result = _score(scoring.score, sub.answers, sub.submitted_at.date())
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
                failed += 1
                print(f"submission {sid}: not scored ({type(exc).__name__})", file=sys.stderr)
                continue
            store.save_result(sid, result, str(result.get("rules_version", "")))
            done += 1
    finally:
        store.close()
    print(f"scored {done} submission(s); {failed} could not be scored")
    return 1 if failed else 0


def _score(score, answers: dict, as_of) -> dict:
    """``scoring.score`` on the submission's date, as the JSON dict the store keeps."""
    params = inspect.signature(score).parameters
    result = score(answers, as_of=as_of) if "as_of" in params else score(answers, as_of)
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def check(argv: list[str]) -> int:
    """Open the store as the app will: migrate, find or create the key, or refuse clearly."""
    parser = argparse.ArgumentParser(prog="python -m clinic check", description=inspect.getdoc(check))
    parser.parse_args(argv)
    settings = load_settings()
    try:
        store = open_store(settings)
    except StoreError as exc:  # KeyMissing included: the message says what to configure
        return _fail(str(exc))
    with closing(store):
        users = len(store.list_users())
    print(f"storage ready: {store!r}; {users} staff account(s)")
    if not users:
        print("no staff account yet: create one with `python -m clinic create-user NAME`")
    return 0
