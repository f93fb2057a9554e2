"""What every ``python -m clinic`` command shares: the parser, strict dates, the errors and
their exit codes, and opening the store without creating anything.

Exit codes (one place, clinic/__main__.py): 0 done, 1 refused (the store, a key, a file or the
data said no), 2 bad usage (an option, a setting). An expected error prints one line naming
what to change, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vocabulary import calendar_day

OK, REFUSED, BAD_USAGE = 0, 1, 2


class UsageError(ValueError):
    """A bad option; the message names it and what it allows (exit 2)."""


class Refused(RuntimeError):
    """The command cannot be done as asked; the message says why (exit 1)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would exit; clinic/__main__.py decides the status
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, one line of help, how it reads its options, what it does."""

    name: str
    about: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, object], int]  # (options, settings) -> exit status


def day(text: str) -> date:
    """A calendar day written exactly YYYY-MM-DD (no week dates such as 2026-W48-2, no ordinals)."""
    try:
        return calendar_day(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date written YYYY-MM-DD (e.g. 2026-11-24), got {text!r}") from None


def actor() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{getpass.getuser()}"[:64]


def open_existing(settings):
    """The configured store, only when both the database and its key already exist.

    For commands that read or change existing data (export, list-users, backup, rotate-key,
    rescore, the account commands but create-user): they never create a key or a database.
    ``python -m clinic check`` (and ``create-user``) open with ``storage.open_store``, which
    creates both on a first start (``make run``).
    """
    from storage import open_store
    from storage.engine import sqlite_path

    path = sqlite_path(settings.database_url)
    if path is not None and not Path(path).is_file():
        raise Refused(f"no database at {path} (SCREENER_DATABASE_URL); nothing was created. "
                      "Start the app or run `python -m clinic check` once to create it.")
    if not settings.encryption_keys.strip() and not Path(settings.key_file).is_file():
        raise Refused(f"no encryption key: neither SCREENER_ENCRYPTION_KEYS nor the key file "
                      f"{settings.key_file} (SCREENER_KEY_FILE); nothing was created.")
    return open_store(settings)
