"""Managing staff accounts: create, deactivate, reactivate, reset a password, unlock, change
one's own password. The admin screen (workspace/accounts_page.py) and the commands
(clinic/account_cli.py) both call these, so both check and audit the same way.

Each operation is audited as (actor, action, target username); a password never is.
Deactivating an account, resetting or changing its password ends its live sessions
(``session_generation``, see storage/staff.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clinic.accounts import (
    ROLES,
    AccountError,
    check_password,
    check_username,
    hash_password,
    log_in,
    normalise_username,
    seconds_to_wait,
)
from clinic.config import Settings
from vocabulary import User


@dataclass(frozen=True)
class AccountRow:
    """One line of the account list: no hash, nothing secret."""

    username: str
    role: str
    active: bool
    locked_seconds: int  # > 0: waiting or locked for this many seconds more
    failed_logins: int
    last_login_at: datetime | None


def account_rows(store, now: datetime) -> list[AccountRow]:
    return [AccountRow(u.username, u.role, u.active, seconds_to_wait(u.locked_until, now),
                       u.failed_logins, u.last_login_at) for u in store.list_users()]


def _existing(store, username: str) -> User:
    user = store.get_user(normalise_username(username))
    if user is None:
        raise AccountError(f"username: no account named {normalise_username(username)!r}")
    return user


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


def set_active(store, username: str, active: bool, actor: str) -> User:
    """Deactivate (its live sessions end) or reactivate an account."""
    user = _existing(store, username)
    if not active and user.username == normalise_username(actor):
        raise AccountError("username: you cannot deactivate your own account")
    if not active and user.role == "admin" and user.active and store.count_active_admins() <= 1:
        raise AccountError("username: this is the last active administrator; create or "
                           "reactivate another administrator first")
    changed = store.set_user_active(user.username, active)
    store.audit(actor, "deactivate_user" if not active else "reactivate_user", user.username)
    return changed


def reset_password(store, username: str, new_password: str, actor: str) -> User:
    """An administrator sets a new password; the lock is cleared and live sessions end."""
    user = _existing(store, username)
    check_password(new_password, user.username)
    changed = store.set_password(user.username, hash_password(new_password))
    store.audit(actor, "reset_password", user.username)
    return changed


def unlock(store, username: str, actor: str) -> User:
    """Clear a locked account's failure count and lock (the person can try again at once)."""
    user = _existing(store, username)
    changed = store.unlock_user(user.username)
    store.audit(actor, "unlock_user", user.username)
    return changed


def change_own_password(store, username: str, current: str, new_password: str, now: datetime,
                        settings: Settings) -> User:
    """Change one's own password after proving the current one.

    The current password goes through the login counter like a login, so this form cannot be
    used to guess passwords faster than the login page. Other sessions of the account end; the
    caller keeps its own session by taking the returned ``session_generation``.
    """
    name = normalise_username(username)
    if new_password == current:
        raise AccountError("new password: must differ from the current one")
    check_password(new_password, name)
    outcome = log_in(store, name, current, now, settings)
    if outcome.wait_seconds:
        raise AccountError(f"current password: too many failed tries; wait {outcome.wait_seconds} s")
    if not outcome.ok:
        store.audit(name, "change_password_failed", name)
        raise AccountError("current password: that is not your current password")
    changed = store.set_password(name, hash_password(new_password))
    store.audit(name, "change_password", name)
    return changed
