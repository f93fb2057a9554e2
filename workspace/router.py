"""Which staff pages exist for this browser session.

Logged out: only the staff login page (``/staff``). Logged in: today's list, the detail of the
chosen submission, trends, one's own password, and for admins the accounts and the audit log.
The router's check is the first line only: every staff page checks the login itself
(``login.require_staff``).

Single sign-on returns to the app's root URL (Streamlit's ``/oauth2callback`` always redirects
there). A browser that carries a sign-on identity is a staff browser, so the root then opens
the staff login page, which logs the person in and opens today's list (not the kiosk).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import streamlit as st

from workspace import session

# name -> ("module:function" of the page, title, url_path, admins only). The router names its
# pages and imports none of them: a page imports the router to link to another, never the reverse.
PAGES = {
    "login": ("workspace.login:login_page", "Staff login", "staff", False),
    "today": ("workspace.today:today_page", "Today's list", "today", False),
    "detail": ("workspace.detail:detail_page", "Submission", "submission", False),
    "trends": ("workspace.trends:trends_page", "Trends", "trends", False),
    "password": ("workspace.accounts_page:password_page", "My password", "password", False),
    "accounts": ("workspace.accounts_page:accounts_page", "Accounts", "accounts", True),
    "audit": ("workspace.audit_log:audit_page", "Audit log", "audit", True),
}


def _runner(target: str) -> Callable[[], None]:
    """The page function, imported when the page runs (so the router imports no page module)."""
    module, function = target.split(":")

    def run() -> None:
        getattr(importlib.import_module(module), function)()
    run.__name__ = function
    return run


def page(name: str, default: bool = False) -> st.Page:
    """The st.Page for ``name``; pages are told apart by url_path, so a new object is the same page."""
    target, title, url_path, _ = PAGES[name]
    return st.Page(_runner(target), title=title, url_path=url_path, default=default)


def pages_for(staff: session.Staff | None, ended: bool = False) -> list[str]:
    """Page names for ``staff``; after a logoff the clinician pages stay (each shows the login form)
    so that a clinician logged off on /today sees the login form there, not the kiosk."""
    if staff is None:
        return [n for n, spec in PAGES.items() if not spec[3]] if ended else ["login"]
    return [name for name, spec in PAGES.items() if not spec[3] or staff.is_admin]


def sso_identity() -> bool:
    """True when this browser carries a single sign-on identity (Streamlit's ``st.login`` cookie)."""
    try:
        return bool(st.user.get("is_logged_in"))
    except Exception:  # no [auth] configured, or an unreadable cookie: no identity
        return False


def staff_pages(default_login: bool = False) -> list[st.Page]:
    """The staff pages; with ``default_login`` the login page is served at the root URL."""
    staff = session.check_for_this_run()  # the page opened next takes this check (one a run)
    names = pages_for(staff, ended=staff is None and session.had_login())
    return [page(name, default=default_login and name == "login") for name in names]
