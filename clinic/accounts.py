"""Staff accounts: Argon2 password hashes, the login policy and the ``create-user`` command.

Pure: no Streamlit, no clock of its own. Every decision takes ``now`` from the caller, so the
policy is tested without waiting and the pages pass the real time.

Login policy (docs/workspace.md):
- after a failed login the account must wait before the next try: 0, 1, 2, 4, 8 ... seconds,
  capped at ``MAX_DELAY_SECONDS``; after ``login_max_failures`` failures in a row it is locked
  for ``login_lock_seconds``; a successful login clears both;
- an unknown username, an inactive account and a wrong password give the same answer, after
  the same work (an Argon2 verification against a dummy hash), so no one learns which names exist;
- staff are logged off after ``staff_idle_seconds`` without activity.
"""

from __future__ import annotations

import argparse
import getpass
import re
import secrets
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clinic.config import Settings
from storage.records import User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_DELAY_SECONDS = 30
ROLES = ("clinician", "admin")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,63}$")


class AccountError(ValueError):
    """A username or password that cannot be used; the message says what is allowed."""


# ---------------------------------------------------------------- hashing
@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, the library's current recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random secret, verified when the username is unknown (same work, same answer)."""
    return _hasher().hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_username(username: str) -> str:
    """Usernames are compared in lower case (they are often e-mail addresses, as for OIDC)."""
    return username.strip().lower()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountError("username: 2 to 64 characters, letters, digits and . _ @ + - only, "
                           "starting with a letter or digit (an e-mail address works)")
    return name


def check_password(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password: at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise AccountError("password: must not be only spaces")
    if username and normalise_username(password) == normalise_username(username):
        raise AccountError("password: must not be the username")


# ---------------------------------------------------------------- login policy
@dataclass(frozen=True)
class LoginState:
    """What the store keeps per account between attempts."""

    failed_logins: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LoginOutcome:
    ok: bool
    state: LoginState  # the state to save for the account (unchanged when refused while waiting)
    wait_seconds: int = 0  # > 0: refused without checking the password; try again later
    user: User | None = None  # the account, only when ok


def delay_after(failures: int, settings: Settings) -> int:
    """Seconds to wait after ``failures`` failed logins in a row: 0, 1, 2, 4 ... then the lock."""
    if failures <= 0:
        return 0
    if failures >= settings.login_max_failures:
        return settings.login_lock_seconds
    return min(2 ** (failures - 2) if failures > 1 else 0, MAX_DELAY_SECONDS)


def seconds_to_wait(state: LoginState, now: datetime) -> int:
    if state.locked_until is None or state.locked_until <= now:
        return 0
    return max(1, int((state.locked_until - now).total_seconds() + 0.999))


def after_failure(state: LoginState, now: datetime, settings: Settings) -> LoginState:
    failures = state.failed_logins + 1
    if state.failed_logins >= settings.login_max_failures:  # a lock has expired: start again
        failures = 1
    wait = delay_after(failures, settings)
    return LoginState(failures, now + timedelta(seconds=wait) if wait else None)


def attempt_login(user: User | None, password: str, now: datetime, settings: Settings,
                  unknown: LoginState | None = None) -> LoginOutcome:
    """Decide one login attempt; the caller saves ``outcome.state``.

    ``unknown`` is the state kept for a name that is not an account (``UnknownNames``), so that
    unknown names are delayed and locked exactly like real ones.
    """
    state = LoginState(user.failed_logins, user.locked_until) if user else (unknown or LoginState())
    wait = seconds_to_wait(state, now)
    if wait:
        return LoginOutcome(False, state, wait)
    password_hash = user.password_hash if user and user.active else _dummy_hash()
    if verify_password(password_hash, password) and user is not None and user.active:
        return LoginOutcome(True, LoginState(), 0, user)
    return LoginOutcome(False, after_failure(state, now, settings))


class UnknownNames:
    """Login states of names that are not accounts, in memory, at most ``limit`` names (oldest dropped)."""

    def __init__(self, limit: int = 10_000):
        self._states: OrderedDict[str, LoginState] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, name: str) -> LoginState:
        with self._lock:
            return self._states.get(name, LoginState())

    def put(self, name: str, state: LoginState) -> None:
        with self._lock:
            self._states.pop(name, None)
            if state != LoginState():
                self._states[name] = state
            while len(self._states) > self._limit:
                self._states.popitem(last=False)


def is_idle(last_activity: datetime, now: datetime, settings: Settings) -> bool:
    """True when staff have been inactive for ``staff_idle_seconds`` or longer (log them off)."""
    return (now - last_activity).total_seconds() >= settings.staff_idle_seconds


# ---------------------------------------------------------------- python -m clinic create-user
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m clinic create-user",
                                description="Create a staff account. The password is asked twice.")
    p.add_argument("username", help="the login name; for single sign-on use the person's e-mail")
    p.add_argument("--admin", action="store_true", help="an administrator (can read the audit log)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input (for scripts)")
    return p


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password (at least {MIN_PASSWORD_LENGTH} characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise AccountError("password: the two entries differ")
    return first


def create_user(store, username: str, password: str, role: str, actor: str = "cli") -> User:
    """Create an account in ``store`` after checking the name and password."""
    if role not in ROLES:
        raise AccountError(f"role: one of {', '.join(ROLES)}")
    name = check_username(username)
    check_password(password, name)
    if store.get_user(name) is not None:
        raise AccountError(f"username: {name!r} already exists")
    user = store.create_user(name, hash_password(password), role)
    store.audit(actor, "create_user", name)
    return user


def cli_create_user(argv: list[str], store=None) -> int:
    args = _parser().parse_args(argv)
    role = "admin" if args.admin else "clinician"
    try:
        check_username(args.username)
        password = _read_password(args.password_stdin)
        if store is None:
            from clinic.config import load_settings
            from storage import open_store
            store = open_store(load_settings())
        create_user(store, args.username, password, role)
    except AccountError as exc:
        print(f"create-user: {exc}", file=sys.stderr)
        return 2
    print(f"Created {role} account {normalise_username(args.username)!r}.")
    return 0
