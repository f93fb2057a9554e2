"""The account commands: ``python -m clinic create-user | list-users | deactivate | reactivate |
reset-password | unlock | change-password``. Each is audited with the actor ``cli:<os user>``.

Passwords are asked twice on the terminal, or read from standard input with
``--password-stdin`` (one line; ``change-password`` reads two: the current one, then the new
one), so scripts never put a password on the command line. An ``AccountError`` (a name or
password the rules refuse, an account that exists or does not) exits 2, as it always has.
Only ``create-user`` may create the store on a first start; the others need it to exist.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

from clinic import account_admin
from clinic.accounts import MIN_PASSWORD_LENGTH, AccountError, normalise_username
from clinic.command_line import Command, Parser, actor, open_existing


def _username(p: argparse.ArgumentParser, password: bool = True) -> None:
    p.add_argument("username", help="the login name (for single sign-on: the person's e-mail)")
    if password:
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input (for scripts)")


def _read_password(from_stdin: bool, what: str = "Password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"{what} (at least {MIN_PASSWORD_LENGTH} characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise AccountError("password: the two entries differ")
    return first


def _with_store(settings, store, action, create: bool = False) -> str:
    """``action(store)`` on the given store, else on the configured one (opened, then closed)."""
    if store is not None:
        return action(store)
    if create:
        from storage import open_store
        opened = open_store(settings)
    else:
        opened = open_existing(settings)
    try:
        return action(opened)
    finally:
        opened.close()


def _create_options(p) -> None:
    _username(p)
    p.add_argument("--admin", action="store_true", help="an administrator (manages accounts, audit log)")


def create_user(args, settings, store=None) -> str:
    role = "admin" if args.admin else "clinician"
    account_admin.check_username(args.username)
    password = _read_password(args.password_stdin)

    def create(s) -> str:
        account_admin.create_user(s, args.username, password, role, actor=actor())
        return f"Created {role} account {normalise_username(args.username)!r}."
    return _with_store(settings, store, create, create=True)


def list_users(args, settings, store=None) -> str:
    def listing(s) -> str:
        rows = account_admin.account_rows(s, datetime.now(UTC))
        lines = [f"{'username':<40} {'role':<10} {'state':<22} last login"]
        for r in rows:
            state = "deactivated" if not r.active else (
                f"locked ({r.locked_seconds} s more)" if r.locked_seconds else "active")
            last = r.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if r.last_login_at else "never"
            lines.append(f"{r.username:<40} {r.role:<10} {state:<22} {last}")
        if not rows:
            return "No accounts yet (create one with: python -m clinic create-user)."
        return "\n".join(lines)
    return _with_store(settings, store, listing)


def _simple(act, done: str):
    """A command that takes only a username: ``act(store, name)``, then ``done`` with its name."""
    def run(args, settings, store=None) -> str:
        return _with_store(settings, store, lambda s: done.format(repr(act(s, args.username).username)))
    return run


def reset_password(args, settings, store=None) -> str:
    password = _read_password(args.password_stdin, "New password")
    return _with_store(settings, store, lambda s: f"New password set for "
                       f"{account_admin.reset_password(s, args.username, password, actor()).username!r}; "
                       "its sessions have ended.")


def change_password(args, settings, store=None) -> str:
    if args.password_stdin:
        current, new = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
    else:
        current = getpass.getpass("Current password: ")
        new = _read_password(False, "New password")

    def change(s) -> str:
        user = account_admin.change_own_password(s, args.username, current, new, datetime.now(UTC), settings)
        return f"Password changed for {user.username!r}."
    return _with_store(settings, store, change)


def _account_command(name: str, about: str, configure, action) -> Command:
    """A ``Command`` whose AccountError exits 2 with the command's name, as it always has."""
    def run(args, settings, store=None) -> int:
        try:
            message = action(args, settings, store)
        except AccountError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return 2
        print(message)
        return 0
    return Command(name, about, configure, run)


COMMANDS = (
    _account_command("create-user", "create a clinician or admin account (the password is asked twice)",
                     _create_options, create_user),
    _account_command("list-users", "list staff accounts and their state (no passwords or hashes)",
                     lambda p: None, list_users),
    _account_command("deactivate", "switch an account off (its open sessions end)",
                     lambda p: _username(p, password=False),
                     _simple(lambda s, n: account_admin.set_active(s, n, False, actor()),
                             "Deactivated {}; its sessions have ended.")),
    _account_command("reactivate", "switch an account on again", lambda p: _username(p, password=False),
                     _simple(lambda s, n: account_admin.set_active(s, n, True, actor()), "Reactivated {}.")),
    _account_command("reset-password", "set a new password for an account (its open sessions end)",
                     _username, reset_password),
    _account_command("unlock", "clear a locked account's failed logins and lock",
                     lambda p: _username(p, password=False),
                     _simple(lambda s, n: account_admin.unlock(s, n, actor()), "Unlocked {}.")),
    _account_command("change-password", "change your own password (asks the current one first)",
                     _username, change_password),
)
_BY_NAME = {c.name: c for c in COMMANDS}


def _direct(name: str, argv: list[str], store) -> int:
    """Run one account command on ``store`` (tests and scripts that hold a store already)."""
    from clinic.config import load_settings

    command = _BY_NAME[name]
    parser = Parser(prog=f"python -m clinic {name}", description=command.about)
    command.configure(parser)
    return command.run(parser.parse_args(argv), load_settings(), store)


def cli_create_user(argv: list[str], store=None) -> int:
    return _direct("create-user", argv, store)

