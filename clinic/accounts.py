"""Staff accounts: Argon2 password hashes, the password policy and the login policy.

No Streamlit, no clock of its own. Every decision takes ``now`` from the caller, so the
policy is tested without waiting and the pages pass the real time.

Login policy (docs/workspace.md):
- every attempt is counted in the store *before* its password is checked, in one atomic
  statement (storage/staff.py), so parallel attempts cannot outrun the count;
- after a failed login the account must wait before the next try: 0, 1, 2, 4, 8 ... seconds,
  capped at ``MAX_DELAY_SECONDS``; after ``login_max_failures`` failures in a row it is locked
  for ``login_lock_seconds``; a successful login clears both; an admin can unlock;
- an unknown username, an inactive account and a wrong password give the same answer, after
  the same work (an Argon2 verification against a dummy hash), so no one learns which names exist;
- staff are logged off after ``staff_idle_seconds`` without activity.

Password policy: 12 to 1024 characters, not only spaces, not the username, and a zxcvbn score
of at least ``MIN_STRENGTH`` (of 4) with the username and the clinic's words as known inputs.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from clinic.config import Settings
from vocabulary import User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_DELAY_SECONDS = 30
ROLES = ("clinician", "admin")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,63}$")
MIN_STRENGTH = 3  # zxcvbn score, 0 (too guessable) to 4 (very unguessable)
STRENGTH_CHARS = 72  # zxcvbn judges at most this many characters (its own limit)
CLINIC_WORDS = ("clinic", "clinica", "screener", "screening", "botulinum", "botox", "toxin",
                "migraine", "headache", "pain", "staff", "admin", "nurse", "doctor", "workspace")
STRENGTH_NAMES = ("too guessable", "very guessable", "somewhat guessable", "safely unguessable",
                  "very unguessable")


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
    """The Argon2id hash of ``password`` (the caller has applied ``check_password``)."""
    _check_length(password)
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


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password: at most {MAX_PASSWORD_LENGTH} characters")


def check_password(password: str, username: str = "") -> None:
    """Refuse a password that is too short, too long, the username, or easy to guess (zxcvbn)."""
    _check_length(password)
    if not password.strip():
        raise AccountError("password: must not be only spaces")
    if username and normalise_username(password) == normalise_username(username):
        raise AccountError("password: must not be the username")
    words = [normalise_username(username), *re.split(r"[@._+-]+", normalise_username(username))]
    verdict = zxcvbn(password[:STRENGTH_CHARS], user_inputs=[w for w in words if w] + list(CLINIC_WORDS))
    if verdict["score"] < MIN_STRENGTH:
        feedback = verdict.get("feedback") or {}
        why = " ".join([feedback.get("warning") or "", *(feedback.get("suggestions") or [])]).strip()
        raise AccountError(f"password: too easy to guess ({STRENGTH_NAMES[verdict['score']]}, "
                           f"needs at least {STRENGTH_NAMES[MIN_STRENGTH]})"
                           + (f". {why}" if why else "") + " A few unrelated words make a good password.")


# ---------------------------------------------------------------- login policy
@dataclass(frozen=True)
class LoginOutcome:
    ok: bool
    wait_seconds: int = 0  # > 0: refused without checking the password; try again later
    user: User | None = None  # the account, only when ok
    known: bool = False  # the name is an account (for the audit actor; never shown)


def delay_after(failures: int, settings: Settings) -> int:
    """Seconds to wait after ``failures`` failed logins in a row: 0, 1, 2, 4 ... then the lock."""
    if failures <= 0:
        return 0
    if failures >= settings.login_max_failures:
        return settings.login_lock_seconds
    return min(2 ** (failures - 2) if failures > 1 else 0, MAX_DELAY_SECONDS)


def wait_steps(settings: Settings) -> list[tuple[int, int]]:
    """``delay_after`` as thresholds for the store: [(failures, seconds)], largest count first."""
    steps: list[tuple[int, int]] = []
    for failures in range(1, settings.login_max_failures + 1):
        wait = delay_after(failures, settings)
        if wait and (not steps or steps[-1][1] != wait):
            steps.append((failures, wait))
    return steps[::-1]


def seconds_to_wait(locked_until: datetime | None, now: datetime) -> int:
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, int((locked_until - now).total_seconds() + 0.999))


def log_in(store, username: str, password: str, now: datetime, settings: Settings) -> LoginOutcome:
    """One login attempt: counted first (atomically, in the store), then the password checked.

    A try during a wait or the lock is refused without checking the password, even when right.
    """
    name = normalise_username(username)[:64]
    if len(password) > MAX_PASSWORD_LENGTH:
        password = ""  # no account has a longer one; still checked, so it costs the same work
    count = store.count_login_attempt(name, now, settings.login_max_failures, wait_steps(settings))
    known = count.user is not None
    if not count.counted:
        return LoginOutcome(False, max(1, seconds_to_wait(count.locked_until, now)), known=known)
    user = count.user
    usable = user is not None and user.active
    if verify_password(user.password_hash if usable else _dummy_hash(), password) and usable:
        store.record_login(user.username, now)
        return LoginOutcome(True, user=user, known=True)
    return LoginOutcome(False, known=known)


def is_idle(last_activity: datetime, now: datetime, settings: Settings) -> bool:
    """True when staff have been inactive for ``staff_idle_seconds`` or longer (log them off)."""
    return (now - last_activity).total_seconds() >= settings.staff_idle_seconds
