"""Today's list: submissions newest first with urgent ones on top, filters, exports of the list."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from clinic import runtime
from export import filters
from export.summary import INDICATIONS, LANGUAGE_NAMES, TRIAGE_LEVELS
from workspace import downloads, session, views
from workspace.login import nav_bar, require_staff
from workspace.ui import download_row

GEN_KEY = "ws_list_gen"  # bumped after opening a submission, so the pickers start empty again
SHOWN_KEY = "ws_list_shown"  # ids in the order last shown: a click opens what was on screen, even
# if a new submission arrived and moved the rows in between
COLUMNS = {
    "Triage": st.column_config.TextColumn("Triage", width="small"),
    "Name": st.column_config.TextColumn("Name", width="medium"),
    "Age": st.column_config.NumberColumn("Age", width="small", format="%d"),
    "Time": st.column_config.TextColumn("Time", width="small"),
    "Language": st.column_config.TextColumn("Language", width="small"),
    "Suggested": st.column_config.TextColumn("Suggested (strong / possible)", width="large"),
    "PEG": st.column_config.NumberColumn("PEG", width="small", format="%.1f"),
    "Reviewed": st.column_config.TextColumn("Reviewed", width="small"),
}


def _date_range() -> tuple[date, date]:
    today = date.today()
    picked = st.session_state.get("ws_dates", (today, today))
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, (tuple, list)) and len(picked) == 1:
        return picked[0], picked[0]
    return today, today


FILTER_KEYS = ("ws_dates", "ws_name", "ws_triage", "ws_indication", "ws_language", "ws_hide_reviewed")


def _restore_filters() -> None:
    """Keep the filters while the clinician visits other pages (Streamlit drops unseen widgets' state)."""
    today = date.today()
    defaults = {"ws_dates": (today, today), "ws_name": "", "ws_triage": [], "ws_indication": [],
                "ws_language": [], "ws_hide_reviewed": False}
    for key in FILTER_KEYS:
        if key not in st.session_state:
            st.session_state[key] = st.session_state.get(f"{key}_kept", defaults[key])


def _keep_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[f"{key}_kept"] = st.session_state[key]


def _filters() -> dict:
    _restore_filters()
    top = st.columns([2.2, 3], vertical_alignment="bottom")
    top[0].date_input("Dates", key="ws_dates", format="YYYY-MM-DD")
    name_query = top[1].text_input("Search by name", key="ws_name", placeholder="Any part of the name")
    row = st.columns([1.2, 2, 1.2, 1], vertical_alignment="bottom")
    triage = row[0].multiselect("Triage", TRIAGE_LEVELS, key="ws_triage", placeholder="All")
    indication = row[1].multiselect("Suggested indication", INDICATIONS, key="ws_indication",
                                    format_func=views.indication_name, placeholder="All")
    language = row[2].multiselect("Language", list(LANGUAGE_NAMES), key="ws_language",
                                  format_func=LANGUAGE_NAMES.get, placeholder="All")
    hide_reviewed = row[3].toggle("Hide reviewed", key="ws_hide_reviewed")
    _keep_filters()
    first, last = _date_range()
    return {"first": first, "last": last, "triage": triage or None, "indication": indication or None,
            "language": language or None, "name_query": name_query.strip() or None,
            "hide_reviewed": hide_reviewed}


def _selection(chosen: dict) -> list:
    since, until = views.day_bounds(chosen["first"], chosen["last"])
    found = runtime.store().list_submissions(since, until)
    found = filters.select(found, triage=chosen["triage"], indication=chosen["indication"],
                           language=chosen["language"], name_query=chosen["name_query"])
    if chosen["hide_reviewed"]:
        found = [s for s in found if not s.reviewed_by]
    return views.list_order(found)


def _open(submission_id: str) -> None:
    session.select_submission(submission_id)
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1
    from workspace import router
    st.switch_page(router.page("detail"))


def _summary_line(subs: list) -> str:
    urgent = sum(s.triage == "urgent" for s in subs)
    waiting = sum(not s.reviewed_by for s in subs)
    return f"{len(subs)} submission(s) · {urgent} urgent · {waiting} not reviewed yet"


def _table(subs: list, multi_day: bool) -> None:
    gen = st.session_state.get(GEN_KEY, 0)
    frame = pd.DataFrame(views.list_rows(subs, with_date=multi_day), columns=list(COLUMNS))
    styled = frame.style.map(lambda v: f"background-color: {views.TRIAGE_COLOUR.get(v, '')}; font-weight: 600"
                             if v in views.TRIAGE_COLOUR else "", subset=["Triage"])
    styled = styled.format({"PEG": "{:.1f}", "Age": "{:.0f}"}, na_rep="")
    event = st.dataframe(styled, hide_index=True, column_config=COLUMNS, on_select="rerun",
                         selection_mode="single-row", key=f"ws_table_{gen}", width="stretch")
    rows = event.selection.rows if event is not None else []
    shown_before = st.session_state.get(SHOWN_KEY, [])  # the rows the person clicked in
    ids = [s.id for s in subs]
    st.session_state[SHOWN_KEY] = ids
    if rows and rows[0] < len(shown_before):
        _open(shown_before[rows[0]])
    labels = {s.id: views.choice_label(s) for s in subs}
    picked = st.selectbox("Open a submission", ids, index=None, format_func=labels.get,
                          placeholder="Click a row above, or choose here", key=f"ws_pick_{gen}")
    if picked:
        _open(picked)


def today_page() -> None:
    staff = require_staff()
    nav_bar(staff, "today")
    __import__("workspace.alerts").alerts.front_desk_alerts(runtime.store(), staff)
    for problem in runtime.store().health():
        st.warning(problem, icon=":material/warning:")
    st.header("Today's list", divider="gray")
    chosen = _filters()
    try:
        subs = _selection(chosen)
    except ValueError as exc:
        st.error(str(exc))
        return
    st.caption(_summary_line(subs))
    if not subs:
        st.info("No submissions match these filters.")
        return
    _table(subs, multi_day=chosen["first"] != chosen["last"])
    with st.expander(f"Export these {len(subs)} submission(s)"):
        tag = chosen["first"].isoformat() if chosen["first"] == chosen["last"] else \
            f"{chosen['first'].isoformat()}_to_{chosen['last'].isoformat()}"
        download_row(downloads.for_list(subs, tag), staff, "ws_list_export")
