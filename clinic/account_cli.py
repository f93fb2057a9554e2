"""The account commands: ``python -m clinic create-user | list-users | deactivate | reactivate |
reset-password | unlock | change-password``. Each is audited with the actor ``cli:<os user>``.

Passwords are asked twice on the terminal, or read from standard input with
``--password-stdin`` (one line; ``change-password`` reads two: the current one, then the new
one), so scripts never put a password on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

from clinic import account_admin
from clinic.accounts import MIN_PASSWORD_LENGTH, AccountError, normalise_username


def _actor() -> str:
    """Who ran the command, for the audit log (as ``python -m clinic export`` does)."""
    return f"cli:{getpass.getuser()}"[:64]


def _open_store():
    from clinic.config import load_settings
    from storage import open_store
    return open_store(load_settings())


def _parser(command: str, about: str, password: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m clinic {command}", description=about)
    p.add_argument("username", help="the login name (for single sign-on: the person's e-mail)")
    if password:
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input (for scripts)")
    return p


def _read_password(from_stdin: bool, what: str = "Password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"{what} (at least {MIN_PASSWORD_LENGTH} characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise AccountError("password: the two entries differ")
    return first


def _run(command: str, action, store) -> int:
    """Run ``action(store)``; an AccountError is printed with the command's name, exit 2."""
    opened = store is None
    try:
        store = _open_store() if opened else store
        message = action(store)
    except AccountError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 2
    finally:
        if opened and store is not None:
            store.close()
    print(message)
    return 0


def cli_create_user(argv: list[str], store=None) -> int:
    p = _parser("create-user", "Create a staff account. The password is asked twice.")
    p.add_argument("--admin", action="store_true", help="an administrator (manages accounts, audit log)")
    args = p.parse_args(argv)
    role = "admin" if args.admin else "clinician"
    try:
        account_admin.check_username(args.username)
        password = _read_password(args.password_stdin)
    except AccountError as exc:
        print(f"create-user: {exc}", file=sys.stderr)
        return 2

    def create(s) -> str:
        account_admin.create_user(s, args.username, password, role, actor=_actor())
        return f"Created {role} account {normalise_username(args.username)!r}."
    return _run("create-user", create, store)


def cli_list_users(argv: list[str], store=None) -> int:
    argparse.ArgumentParser(prog="python -m clinic list-users",
                            description="List staff accounts (no passwords or hashes).").parse_args(argv)

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
    return _run("list-users", listing, store)


def _simple(command: str, about: str, act, done: str, argv: list[str], store) -> int:
    """A command that takes only a username: ``act(store, name)``, then ``done`` with its name."""
    args = _parser(command, about, password=False).parse_args(argv)
    return _run(command, lambda s: done.format(repr(act(s, args.username).username)), store)


def cli_deactivate(argv: list[str], store=None) -> int:
    return _simple("deactivate", "Switch an account off; its open sessions end.",
                   lambda s, name: account_admin.set_active(s, name, False, _actor()),
                   "Deactivated {}; its sessions have ended.", argv, store)


def cli_reactivate(argv: list[str], store=None) -> int:
    return _simple("reactivate", "Switch an account on again.",
                   lambda s, name: account_admin.set_active(s, name, True, _actor()),
                   "Reactivated {}.", argv, store)


def cli_unlock(argv: list[str], store=None) -> int:
    return _simple("unlock", "Clear a locked account's failed logins and lock.",
                   lambda s, name: account_admin.unlock(s, name, _actor()), "Unlocked {}.", argv, store)


def cli_reset_password(argv: list[str], store=None) -> int:
    args = _parser("reset-password", "Set a new password for an account (its open sessions end).") \
        .parse_args(argv)
    try:
        password = _read_password(args.password_stdin, "New password")
    except AccountError as exc:
        print(f"reset-password: {exc}", file=sys.stderr)
        return 2
    return _run("reset-password", lambda s: f"New password set for "
                f"{account_admin.reset_password(s, args.username, password, _actor()).username!r}; "
                "its sessions have ended.", store)


def cli_change_password(argv: list[str], store=None) -> int:
    args = _parser("change-password", "Change your own password (asks the current one first).") \
        .parse_args(argv)
    try:
        if args.password_stdin:
            current, new = sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")
        else:
            current = getpass.getpass("Current password: ")
            new = _read_password(False, "New password")
    except AccountError as exc:
        print(f"change-password: {exc}", file=sys.stderr)
        return 2

    def change(s) -> str:
        from clinic.config import load_settings
        user = account_admin.change_own_password(s, args.username, current, new, datetime.now(UTC),
                                                 load_settings())
        return f"Password changed for {user.username!r}."
    return _run("change-password", change, store)
