"""The audit log, for administrators: who did what, when (never an answer), and its CSV export.

The export holds every event of the chosen local days (not only the latest ``LIMIT``), oldest
first, with each text cell neutralised against spreadsheet formulas (export/tabular.py), and is
itself audited (``export_audit_log``, the date range) when the file is made.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date

import pandas as pd
import streamlit as st

from clinic import runtime
from export.tabular import neutralise
from vocabulary import AuditEvent
from workspace import session, views
from workspace.login import nav_bar, require_staff

LIMIT = 5000


def event_rows(events: list[AuditEvent]) -> list[dict]:
    return [{"When": views.local_time(e.at).strftime("%Y-%m-%d %H:%M:%S"), "Who": e.actor,
             "Action": e.action, "Target": e.target} for e in events]


CSV_COLUMNS = ["when_utc", "when_local", "who", "action", "target"]


def audit_csv(events: list[AuditEvent]) -> bytes:
    """The events as CSV (UTF-8 with a BOM, so spreadsheets read it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([e.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                         views.local_time(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                         neutralise(e.actor), neutralise(e.action), neutralise(e.target)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_export(store, username: str, first: date, last: date) -> Callable[[], bytes]:
    """The CSV of local days ``first``..``last``, made (and audited) when the button is clicked."""
    def make() -> bytes:
        since, until = views.day_bounds(first, last)
        data = audit_csv(store.audit_events_between(since, until))
        store.audit(username, "export_audit_log", f"{first.isoformat()}..{last.isoformat()}")
        return data
    return make


def filter_events(events: list[AuditEvent], first: date, last: date, actors: list[str],
                  actions: list[str], target: str) -> list[AuditEvent]:
    """Events on local days ``first``..``last`` by any of ``actors`` doing any of ``actions``."""
    since, until = views.day_bounds(first, last)
    needle = target.strip().lower()
    return [e for e in events if since <= e.at < until
            and (not actors or e.actor in actors) and (not actions or e.action in actions)
            and (not needle or needle in e.target.lower())]


def audit_page() -> None:
    staff = require_staff(admin=True)
    nav_bar(staff, "audit")
    st.header("Audit log", divider="gray")
    events = runtime.store().audit_events(LIMIT)
    if not st.session_state.get("ws_audit_seen"):
        session.audit(staff.username, "view_audit_log")
        st.session_state["ws_audit_seen"] = True
    today = date.today()
    top = st.columns([2, 2, 2, 2], vertical_alignment="bottom")
    picked = top[0].date_input("Dates", value=(today, today), key="ws_audit_dates", format="YYYY-MM-DD")
    first, last = (picked[0], picked[-1]) if isinstance(picked, (tuple, list)) and picked else (today, today)
    actors = top[1].multiselect("Who", sorted({e.actor for e in events}), key="ws_audit_who",
                                placeholder="All")
    actions = top[2].multiselect("Action", sorted({e.action for e in events}), key="ws_audit_action",
                                 placeholder="All")
    target = top[3].text_input("Target contains", key="ws_audit_target")
    shown = filter_events(events, first, last, actors, actions, target)
    st.caption(f"{len(shown)} event(s) shown, newest first (the latest {LIMIT} are searched).")
    st.download_button("CSV of every event on these dates", key="ws_audit_csv", on_click="ignore",
                       data=csv_export(runtime.store(), staff.username, first, last),
                       file_name=f"audit-{first.isoformat()}-to-{last.isoformat()}.csv", mime="text/csv",
                       icon=":material/download:")
    st.dataframe(pd.DataFrame(event_rows(shown), columns=["When", "Who", "Action", "Target"]),
                 hide_index=True, width="stretch", height=560)
