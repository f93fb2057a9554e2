"""The staff login page, the guard every staff page calls first, and the staff navigation.

Password logins follow ``clinic.accounts`` (every attempt counted in the store before the
password is checked, growing delay, temporary lock, same answer for unknown names). Single
sign-on (Streamlit's OIDC ``st.login``) is offered only when an ``[auth]`` section is
configured in ``.streamlit/secrets.toml``; an OIDC user must also have an active account whose
username is their e-mail address.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

import streamlit as st

from clinic import accounts, runtime
from clinic.accounts import normalise_username
from workspace import session

WRONG = "Wrong username or password."
IDLE_CHECK_SECONDS = 20
WIDE_CSS = ("<style>[data-testid='stMainBlockContainer']{max-width:min(1440px,96vw);"
            "padding-top:2.5rem}</style>")


# ---------------------------------------------------------------- password login
def password_login(username: str, password: str) -> str | None:
    """Try a password login; on success the session is logged in and None returned, else a message."""
    name = normalise_username(username)[:64]
    outcome = accounts.log_in(runtime.store(), name, password, session.now(), runtime.settings())
    actor = name if outcome.known else "(unknown user)"
    if outcome.ok:
        session.log_in(outcome.user.username, outcome.user.role, "password",
                       outcome.user.session_generation)
        return None
    if outcome.wait_seconds:
        session.audit(actor, "login_refused", f"wait {outcome.wait_seconds}s")
        return f"Too many failed logins. Try again in {_duration(outcome.wait_seconds)}."
    session.audit(actor, "login_failed", "password")
    return WRONG


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{(seconds + 59) // 60} minutes"


# ---------------------------------------------------------------- single sign-on (OIDC)
def oidc_providers() -> list[str | None]:
    """Providers configured under [auth] in secrets ([None] for a single unnamed one); [] if none."""
    try:
        if not st.secrets.load_if_toml_exists():
            return []
        auth = st.secrets.get("auth")
    except Exception:  # unreadable secrets: no single sign-on, password logins still work
        return []
    if not isinstance(auth, Mapping) or not auth:
        return []
    named = [str(k) for k, v in auth.items()  # a provider section, not [auth.client_kwargs]
             if isinstance(v, Mapping) and ("client_id" in v or "server_metadata_url" in v)]
    return ([None] if "client_id" in auth else []) + named


def _authlib_installed() -> bool:
    return importlib.util.find_spec("authlib") is not None


def _oidc_login_from_cookie() -> str | None:
    """Log in the OIDC identity of this browser if it has an account; a message otherwise."""
    try:
        user_info = st.user
        if not user_info.get("is_logged_in"):
            return None
        email = normalise_username(str(user_info.get("email") or ""))
        verified = user_info.get("email_verified", True) is not False
    except Exception:
        return None
    account = runtime.store().get_user(email) if email and verified else None
    if account is None or not account.active:
        if not st.session_state.get("ws_oidc_refused"):
            known = account is not None
            session.audit(account.username if known else "(unknown user)", "login_failed",
                          "oidc: account deactivated" if known else "oidc: no account")
            st.session_state["ws_oidc_refused"] = True
        return ("Your single sign-on identity has no staff account here, or it is switched off. "
                "Ask an administrator.")
    runtime.store().record_login(account.username, session.now())
    session.log_in(account.username, account.role, "oidc", account.session_generation)
    return None


def _oidc_section() -> None:
    providers = oidc_providers()
    if not providers:
        return
    message = _oidc_login_from_cookie()
    if message is None and session.logged_in_staff():
        st.rerun()
    if message:
        st.error(message)
        st.button("Sign out of single sign-on", on_click=st.logout)
    if not _authlib_installed():
        st.caption("Single sign-on is configured but the Authlib package is not installed.")
        return
    st.divider()
    for provider in providers:
        label = f"Sign in with {provider.title()}" if provider else "Sign in with single sign-on"
        if st.button(label, key=f"ws_sso_{provider or 'default'}", width="stretch"):
            st.login(provider) if provider else st.login()


# ---------------------------------------------------------------- pages and guard
def login_form() -> None:
    notice = st.session_state.pop(session.NOTICE_KEY, None)
    st.title("Staff login")
    if notice:
        st.info(notice)
    with st.form("ws_login", clear_on_submit=True):
        username = st.text_input("Username", key="ws_username", max_chars=64, autocomplete="username")
        password = st.text_input("Password", key="ws_password", type="password",
                                 autocomplete="current-password")  # no max_chars: no length counter
        submitted = st.form_submit_button("Log in", type="primary", width="stretch")
    if submitted:
        message = password_login(username, password)
        if message is None:
            st.rerun()
        st.error(message)
    _oidc_section()
    from workspace.ui import warm_up_grid
    warm_up_grid()  # today's list draws at once after logging in


def login_page() -> None:
    staff = session.checked_staff()
    if staff is None:
        login_form()
        return
    staff = session.touch(staff)
    if st.session_state.pop(session.GOTO_KEY, False):
        from workspace import router
        st.switch_page(router.page("today"))
    nav_bar(staff, "login")
    st.success(f"You are logged in as {staff.username}.")


def require_staff(admin: bool = False) -> session.Staff:
    """The logged-in staff member, or the login form and nothing else (the page stops here)."""
    staff = session.checked_staff()
    if staff is None:
        login_form()
        st.stop()
    staff = session.touch(staff)
    st.session_state.pop(session.GOTO_KEY, None)
    st.set_page_config(page_title="Clinic workspace", layout="wide")
    st.html(WIDE_CSS)  # client-side page links fall back to app.py's centred layout; keep pages wide
    if admin and not staff.is_admin:
        st.error("This page is for administrators.")
        st.stop()
    return staff


@st.fragment(run_every=IDLE_CHECK_SECONDS)
def _idle_watch() -> None:
    """Log off an idle or ended session even when nobody touches the page (not activity); in a
    full run the page has just checked the login, so only the timer's own runs check it."""
    if not session.fragment_run():
        return
    if st.session_state.get(session.STAFF_KEY) is not None and session.logged_in_staff() is None:
        st.rerun(scope="app")  # idle, or the account was switched off or its password reset


MAIN_PAGES = ("today", "detail", "trends")  # as links; the admin pages sit in the "Admin" menu


def nav_bar(staff: session.Staff, current: str) -> None:
    """The staff navigation (the app's own menu is hidden so patients never see it).

    Links to the list, the submission and trends; for admins an "Admin" menu (accounts, audit
    log); the person's own menu (role, My password); Log off. Fits a tablet's 820 px.
    """
    from workspace import router
    from workspace.ui import md
    allowed = router.pages_for(staff)
    names = [n for n in MAIN_PAGES if n in allowed]
    admin = [n for n in allowed if router.PAGES[n][3]]
    columns = st.columns([0.9] * len(names) + ([0.9] if admin else []) + [1.4, 0.8],
                         vertical_alignment="center")
    for column, name in zip(columns, names, strict=False):
        column.page_link(router.page(name), label=router.PAGES[name][1], disabled=name == current)
    if admin:
        with columns[len(names)].popover("Admin", width="stretch"):
            for name in admin:
                st.page_link(router.page(name), label=router.PAGES[name][1], disabled=name == current)
    with columns[-2].popover(f":material/person: {md(staff.username)}", width="stretch"):
        st.caption(f"Role: {staff.role}")
        st.page_link(router.page("password"), label=router.PAGES["password"][1],
                     disabled=current == "password")
    if columns[-1].button("Log off", key="ws_logoff", width="stretch"):
        session.log_off("button")
        st.switch_page(router.page("login"))
    _idle_watch()
