"""Accounts (admins): list, create, deactivate or reactivate, reset a password, unlock.
My password (every staff member): change one's own password.

Every action goes through ``clinic.account_admin`` (the same checks and audit events as the
commands). Passwords live only in the form's widgets and are cleared on submit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clinic import account_admin, runtime
from clinic.accounts import MIN_PASSWORD_LENGTH, ROLES, AccountError
from workspace import session, views
from workspace.login import nav_bar, require_staff
from workspace.ui import md

RULES = (f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess: a few unrelated words "
         "work well. Not your username, not the clinic's name.")
DONE_KEY = "ws_accounts_done"  # the last action's confirmation, shown once after the rerun


def _state(row: account_admin.AccountRow) -> str:
    if not row.active:
        return "deactivated"
    return f"locked ({row.locked_seconds} s more)" if row.locked_seconds else "active"


def _when(moment) -> str:
    return views.local_time(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"


def account_table(rows: list[account_admin.AccountRow]) -> pd.DataFrame:
    return pd.DataFrame([{"Username": r.username, "Role": r.role, "State": _state(r),
                          "Failed logins": r.failed_logins, "Last login": _when(r.last_login_at)}
                         for r in rows], columns=["Username", "Role", "State", "Failed logins", "Last login"])


def _new_password(prefix: str) -> tuple[str, str]:
    """Two password fields (cleared on submit): both entries, for ``_checked``."""
    first = st.text_input("New password", type="password", key=f"{prefix}_pw1", help=RULES,
                          autocomplete="new-password")
    second = st.text_input("Same password again", type="password", key=f"{prefix}_pw2",
                           autocomplete="new-password")
    return first, second


def _checked(entries: tuple[str, str]) -> str:
    if entries[0] != entries[1]:
        raise AccountError("password: the two entries differ")
    return entries[0]


def _done(message: str) -> None:
    st.session_state[DONE_KEY] = message
    st.rerun()


def _create_form(actor: str) -> None:
    with st.form("ws_acc_create", clear_on_submit=True):
        st.subheader("Create an account")
        username = st.text_input("Username (for single sign-on: the person's e-mail)", key="ws_acc_new_name",
                                 max_chars=64)
        role = st.radio("Role", ROLES, horizontal=True, key="ws_acc_new_role")
        password = _new_password("ws_acc_new")
        if st.form_submit_button("Create account", type="primary"):
            try:
                user = account_admin.create_user(runtime.store(), username, _checked(password), role,
                                                 actor=actor)
            except AccountError as exc:
                st.error(md(str(exc)))
                return
            _done(f"Created {user.role} account {user.username}.")


def _manage(actor: str, rows: list[account_admin.AccountRow]) -> None:
    st.subheader("Change an account")
    names = [r.username for r in rows]
    chosen = st.selectbox("Account", names, index=None, key="ws_acc_pick", placeholder="Choose an account")
    if chosen is None:
        return
    row = next(r for r in rows if r.username == chosen)
    store = runtime.store()
    left, middle = st.columns(2)
    try:
        if left.button("Unlock", key="ws_acc_unlock", disabled=not (row.locked_seconds or row.failed_logins),
                       help="Clear failed logins and the lock", width="stretch"):
            account_admin.unlock(store, chosen, actor)
            _done(f"Unlocked {chosen}.")
        label = "Deactivate" if row.active else "Reactivate"
        if middle.button(label, key="ws_acc_active", width="stretch",
                         help="Switches the account off; its open sessions end" if row.active else None):
            account_admin.set_active(store, chosen, not row.active, actor)
            _done(f"{label}d {chosen}." + (" Its sessions have ended." if row.active else ""))
    except AccountError as exc:
        st.error(md(str(exc)))
    with st.form("ws_acc_reset", clear_on_submit=True):
        st.markdown("**Reset the password** (the person's open sessions end)")
        password = _new_password("ws_acc_reset")
        if st.form_submit_button("Set new password"):
            try:
                account_admin.reset_password(store, chosen, _checked(password), actor)
            except AccountError as exc:
                st.error(md(str(exc)))
                return
            _done(f"New password set for {chosen}. Tell them in person, not by e-mail.")


def accounts_page() -> None:
    staff = require_staff(admin=True)
    nav_bar(staff, "accounts")
    st.header("Accounts", divider="gray")
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(md(done))
    rows = account_admin.account_rows(runtime.store(), session.now())
    st.dataframe(account_table(rows), hide_index=True, width="stretch")
    st.caption("Single sign-on is the recommended way in: create the account with the person's "
               "e-mail; the password is then only a fallback. A lock ends by itself after the lock "
               "time; Unlock ends it now.")
    _manage(staff.username, rows)
    _create_form(staff.username)


def password_page() -> None:
    staff = require_staff()
    nav_bar(staff, "password")
    st.header("My password", divider="gray")
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(md(done))
    with st.form("ws_own_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password", key="ws_own_current",
                                autocomplete="current-password")
        password = _new_password("ws_own")
        submitted = st.form_submit_button("Change password", type="primary")
    if submitted:
        try:
            user = account_admin.change_own_password(runtime.store(), staff.username, current,
                                                     _checked(password), session.now(), runtime.settings())
        except AccountError as exc:
            st.error(md(str(exc)))
            return
        session.keep_session(user.session_generation)
        _done("Your password is changed. Your other open sessions have ended.")
