"""Which staff pages exist for this browser session.

Logged out: only the staff login page (``/staff``). Logged in: today's list, the detail of the
chosen submission, trends, and for admins the audit log. The router's check is the first
line only: every staff page checks the login itself (``login.require_staff``).
"""

from __future__ import annotations

import streamlit as st

from workspace import audit_log, detail, login, session, today, trends

# name -> (function, title, url_path, admins only)
PAGES = {
    "login": (login.login_page, "Staff login", "staff", False),
    "today": (today.today_page, "Today's list", "today", False),
    "detail": (detail.detail_page, "Submission", "submission", False),
    "trends": (trends.trends_page, "Trends", "trends", False),
    "audit": (audit_log.audit_page, "Audit log", "audit", True),
}


def page(name: str) -> st.Page:
    """The st.Page for ``name``; pages are told apart by url_path, so a new object is the same page."""
    function, title, url_path, _ = PAGES[name]
    return st.Page(function, title=title, url_path=url_path)


def pages_for(staff: session.Staff | None, ended: bool = False) -> list[str]:
    """Page names for ``staff``; after a logoff the clinician pages stay (each shows the login form)
    so that a clinician logged off on /today sees the login form there, not the kiosk."""
    if staff is None:
        return [n for n, spec in PAGES.items() if not spec[3]] if ended else ["login"]
    return [name for name, spec in PAGES.items() if not spec[3] or staff.is_admin]


def staff_pages() -> list[st.Page]:
    staff = session.logged_in_staff()
    return [page(name) for name in pages_for(staff, ended=staff is None and session.had_login())]
