"""Who is logged in to this browser session, idle logoff, and the audit trail.

The logged-in staff member lives only in this session's ``st.session_state`` (never in a
module global or a cache). ``logged_in_staff`` is the one check every staff page and the
router make: it logs off a session that has been idle for ``staff_idle_seconds``, one whose
account has been removed or deactivated, and one whose account's ``session_generation`` has
grown since it logged in (deactivated and reactivated, or a password reset or changed
elsewhere: every live session of that account ends on its next rerun, at most 20 s later
through the page's timer).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from clinic import runtime
from clinic.accounts import is_idle

STAFF_KEY = "ws_staff"
SELECTED_KEY = "ws_selected"  # the submission chosen in the list (never a query parameter)
VIEWED_KEY = "ws_viewed"  # the submission whose view was last audited
NOTICE_KEY = "ws_notice"  # a message for the login page (e.g. "logged off after inactivity")
GOTO_KEY = "ws_goto"  # after a login: open today's list
ENDED_KEY = "ws_ended"  # this session had a staff login that ended (idle or logoff)
CHECKED_KEY = "ws_checked_this_run"  # the router's check of this very script run (see checked_staff)
_KEPT = (NOTICE_KEY, ENDED_KEY)  # every other "ws_" key belongs to one login and goes with it
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Staff:
    username: str
    role: str  # "clinician" or "admin"
    via: str  # "password" or "oidc"
    last_activity: datetime
    generation: int = 0  # the account's session_generation at login

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def now() -> datetime:
    return datetime.now(UTC)


def audit(actor: str, action: str, target: str = "") -> None:
    """Record who did what (never an answer). A failing audit is logged, never shown to patients."""
    try:
        runtime.store().audit(actor, action, target)
    except Exception:  # the action itself already happened; keep the page usable
        _LOG.exception("audit write failed for action %s", action)


def _forget() -> None:
    for key in [k for k in st.session_state if str(k).startswith("ws_") and k not in _KEPT]:
        del st.session_state[key]


def log_in(username: str, role: str, via: str, generation: int = 0) -> None:
    _forget()
    st.session_state[STAFF_KEY] = Staff(username, role, via, now(), generation)
    st.session_state[GOTO_KEY] = True
    audit(username, "login", via)


def log_off(reason: str = "button") -> None:
    """Forget the staff member and everything they had open in this session."""
    staff = st.session_state.get(STAFF_KEY)
    _forget()
    if staff is None:
        return
    st.session_state[ENDED_KEY] = True
    audit(staff.username, "logoff", reason)
    if reason == "session_ended":
        st.session_state[NOTICE_KEY] = ("Your session has ended: your account was changed (password "
                                         "reset or account switched off). Log in again.")
    elif reason == "idle":
        minutes = max(1, runtime.settings().staff_idle_seconds // 60)
        unit = "minute" if minutes == 1 else "minutes"
        st.session_state[NOTICE_KEY] = f"You were logged off after {minutes} {unit} without activity."
    else:
        st.session_state[NOTICE_KEY] = "You are logged off."
    if staff.via == "oidc":
        _oidc_logout()


def _oidc_logout() -> None:
    try:
        st.logout()
    except Exception:  # SSO configuration removed meanwhile: our own session is already gone
        _LOG.warning("st.logout failed after a staff logoff")


def logged_in_staff() -> Staff | None:
    """The staff member of this session, or None (after logging off an idle or removed account)."""
    staff = st.session_state.get(STAFF_KEY)
    if not isinstance(staff, Staff):
        return None
    if is_idle(staff.last_activity, now(), runtime.settings()):
        log_off("idle")
        return None
    user = runtime.store().get_user(staff.username)
    if user is None or not user.active:
        log_off("account_disabled")
        return None
    if user.session_generation != staff.generation:
        log_off("session_ended")
        return None
    if user.role != staff.role:
        staff = replace(staff, role=user.role)
        st.session_state[STAFF_KEY] = staff
    return staff


def check_for_this_run() -> Staff | None:
    """The router's ``logged_in_staff``, remembered for the page that the same run opens next
    (``checked_staff``): one account read a rerun, not two. Every full run passes the router
    first, so the mark is always this run's own."""
    staff = logged_in_staff()
    st.session_state[CHECKED_KEY] = staff is not None
    return staff


def checked_staff() -> Staff | None:
    """``logged_in_staff``, unless the router has just checked it in this run (the mark is used
    once, and never in a fragment's own run, which the router does not pass); a page opened
    without the router (a test's page function) checks itself."""
    staff = st.session_state.get(STAFF_KEY)
    if st.session_state.pop(CHECKED_KEY, False) and not fragment_run() and isinstance(staff, Staff):
        return staff
    return logged_in_staff()


def fragment_run() -> bool:
    """This script run is a fragment's own (its timer or one of its widgets), not a full run of
    the page: the router and the page's login check did not run before it."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def keep_session(generation: int) -> None:
    """This session changed its own account (its password): it stays logged in, others end."""
    staff = st.session_state.get(STAFF_KEY)
    if isinstance(staff, Staff):
        st.session_state[STAFF_KEY] = replace(staff, generation=generation)


def had_login() -> bool:
    """True after a staff login in this session ended: its pages still answer, with the login form."""
    return bool(st.session_state.get(ENDED_KEY))


def touch(staff: Staff) -> Staff:
    """Record activity: a staff page ran because the person did something."""
    staff = replace(staff, last_activity=now())
    st.session_state[STAFF_KEY] = staff
    return staff


def select_submission(submission_id: str) -> None:
    st.session_state[SELECTED_KEY] = submission_id


def selected_submission() -> str | None:
    return st.session_state.get(SELECTED_KEY)


def audit_view_once(staff: Staff, submission_id: str) -> None:
    """Audit opening a submission once per opening, not on every rerun of the detail page."""
    if st.session_state.get(VIEWED_KEY) != submission_id:
        audit(staff.username, "view_submission", submission_id)
        st.session_state[VIEWED_KEY] = submission_id
