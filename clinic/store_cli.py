"""The storage commands of ``python -m clinic``: check, backup, restore, rotate-key, rescore.

Each is a ``Command`` (clinic/command_line.py): options, then ``run(args, settings)``; a
``StoreError`` or ``Refused`` becomes exit 1 in clinic/__main__.py. Messages name files and
counts, never patient data.
"""

from __future__ import annotations

import inspect
import sys
from contextlib import closing
from pathlib import Path

from clinic.command_line import Command, Refused, open_existing
from storage import open_store
from storage.crypto import format_keys, new_key
from storage.engine import sqlite_path
from storage.keys import add_key_to_file, remove_keys_from_file
from storage.opening import rotate, used_key_ids
from storage.restore import restore_file
from vocabulary import ScreeningResult, result_from_dict


def _no_options(parser) -> None:
    pass


def check(args, settings) -> int:
    """Open the store as the app will: migrate, find or create the key, or refuse clearly."""
    with closing(open_store(settings)) as store:  # creates the key on a first start, by design
        users = len(store.list_users())
        print(f"storage ready: {store!r}; {users} staff account(s)")
    if not users:
        print("no staff account yet: create one with `python -m clinic create-user NAME`")
    return 0


def _backup_options(parser) -> None:
    parser.add_argument("dest", type=Path, help="the backup file to create (never overwritten)")


def backup(args, settings) -> int:
    with closing(open_existing(settings)) as store:
        store.backup(args.dest)
        count = len(store.list_submissions())
    print(f"backup written to {args.dest} ({count} submissions). It is encrypted: keep the key "
          "(the key file or SCREENER_ENCRYPTION_KEYS) too, stored apart from the backup.")
    return 0


def _restore_options(parser) -> None:
    parser.add_argument("backup", type=Path, help="a file written by `python -m clinic backup`")
    parser.add_argument("--force", action="store_true",
                        help="replace a database that already holds data (a copy of it is kept beside it)")


def restore(args, settings) -> int:
    target = sqlite_path(settings.database_url)
    if target is None:
        raise Refused("restore works on SQLite only; for PostgreSQL use pg_restore")
    restore_file(args.backup, Path(target), force=args.force)
    with closing(open_existing(settings)) as store:  # proves the key opens the restored data
        count = len(store.list_submissions())
    print(f"restored {count} submissions from {args.backup} into {target}")
    return 0


def _rotate_options(parser) -> None:
    parser.add_argument("--generate", action="store_true",
                        help="only print a new key (id:base64) to put first in SCREENER_ENCRYPTION_KEYS")
    parser.add_argument("--new-key", action="store_true",
                        help="key file set-up: add a fresh key first in the key file, then re-encrypt")
    parser.add_argument("--retire-old", action="store_true",
                        help="key file set-up: afterwards remove keys no stored value uses any more")


def rotate_key(args, settings) -> int:
    if args.generate:
        print(format_keys([new_key()]))
        return 0
    if settings.encryption_keys.strip() and (args.new_key or args.retire_old):
        raise Refused("keys come from SCREENER_ENCRYPTION_KEYS: put the new key first there yourself "
                      "(python -m clinic rotate-key --generate prints one), run rotate-key, then drop the "
                      "old one")
    if args.new_key:
        open_existing(settings).close()  # proves the old keys still open everything first
        add_key_to_file(Path(settings.key_file), new_key())
    with closing(open_existing(settings)) as store:
        counts = rotate(store)
        current, unused = store.ring.current.id, set(store.ring.keys) - used_key_ids(store.engine)
    if args.retire_old and unused - {current}:
        remove_keys_from_file(Path(settings.key_file), unused - {current})
    print(f"re-encrypted {counts['submissions']} submissions, {counts['comments']} comments and "
          f"{counts['results']} scoring results under key {current}")
    old = sorted(unused - {current})
    if old and not args.retire_old:
        print(f"no stored value uses key(s) {', '.join(old)} any more; they may be removed "
              "once every backup made with them has expired")
    return 0


def _rescore_options(parser) -> None:
    parser.add_argument("--all", action="store_true",
                        help="score every submission again (a new result is added; old ones are kept)")


def rescore(args, settings) -> int:
    try:
        import scoring  # lazily: the store must work even when scoring cannot be imported
    except ImportError as exc:
        raise Refused(f"the scoring package cannot be imported: {exc}") from None
    done, failed = 0, 0
    with closing(open_existing(settings)) as store:
        ids = [s.id for s in store.list_submissions()] if args.all else store.unscored()
        for sid in ids:
            sub = store.get_submission(sid)
            try:
                result = _score(scoring.score, sub.answers, sub.submitted_at.date())
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
                failed += 1
                print(f"submission {sid}: not scored ({type(exc).__name__})", file=sys.stderr)
                continue
            store.save_result(sid, result, result.rules_version)
            done += 1
    print(f"scored {done} submission(s); {failed} could not be scored")
    return 1 if failed else 0


def _score(score, answers: dict, as_of) -> ScreeningResult:
    """``scoring.score`` on the submission's date (a ``ScreeningResult``; the store seals its JSON)."""
    params = inspect.signature(score).parameters
    result = score(answers, as_of=as_of) if "as_of" in params else score(answers, as_of)
    return result if isinstance(result, ScreeningResult) else result_from_dict(result)


COMMANDS = (
    Command("check", "open the store as the app will (creates the key and database on a first start)",
            _no_options, check),
    Command("backup", "copy the database to a file (SQLite online backup)", _backup_options, backup),
    Command("restore", "replace the database with a backup file (stop the app first)", _restore_options,
            restore),
    Command("rotate-key", "re-encrypt stored data under the current (first) key; keep the old key "
            "configured until this finishes", _rotate_options, rotate_key),
    Command("rescore", "score stored submissions that have no result yet", _rescore_options, rescore),
)
