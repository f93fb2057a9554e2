"""Today's list: urgent first, then review, then routine, newest first; filters; live; exports.

The list is one page (50 rows) read with ``Store.list_page``: filtered in the database, and only
the page's names and results are decrypted. It lives in a fragment that reruns on a timer, so
new submissions appear without a reload and an urgent arrival is announced; a click on a row
reruns only that fragment before the detail opens.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from clinic import runtime
from questionnaire.bank import load_bank
from storage import StoreError
from vocabulary import INDICATION_NAMES, INDICATIONS, LANGUAGE_NAMES, LANGUAGES, TRIAGE_LEVELS
from workspace import downloads, list_view, session, warm_up
from workspace.alerts import front_desk_alerts
from workspace.login import nav_bar, require_staff
from workspace.ui import download_row

REFRESH_SECONDS = 5  # a new submission is on screen within this (plus one page read)
PAGE_SIZE = 50
GEN_KEY = "ws_list_gen"  # bumped after opening a submission, so the pickers start empty again
SHOWN_KEY = "ws_list_shown"  # ids in the order last shown: a click opens what was on screen
PAGE_KEY = "ws_list_page"  # (filters, page number)
URGENT_CHECKED_KEY = "ws_urgent_checked"  # when this screen last looked for urgent arrivals
URGENT_SEEN_KEY = "ws_urgent_seen"  # ids of urgent arrivals already announced on this screen
ARRIVAL_MARGIN = timedelta(seconds=60)
URGENT_NEW_KEY = "ws_urgent_new"  # urgent arrivals since the list was opened, not yet opened
EXPORT_KEY = "ws_export_ready"
TABLE_KEY = "ws_list_table"  # the page's rows as last drawn, and the table made of them
OPENED_KEY = "ws_list_opened"  # this session's page rows as last opened (names, results): not
# decrypted again on each rerun; in this session's state only, gone with the login ("ws_")
COLUMNS = {  # pixel widths: at a tablet's 820 px every column is on screen, none scrolls away;
    # a long name or many flags wrap onto more lines (taller rows) instead of being cut
    # coloured labels without a pandas Styler (which would cost more than the rest of the table)
    "Triage": st.column_config.MultiselectColumn("Triage", width=114,
                                                 help="CI: a contraindication is listed · R: re-scored later",
                                                 options=list(list_view.TRIAGE_COLOURS),
                                                 color=list(list_view.TRIAGE_COLOURS.values())),
    "Time": st.column_config.TextColumn("Time", width=54),
    "Name": st.column_config.TextColumn("Name", width=124),
    "Age": st.column_config.NumberColumn("Age", width=38, format="%d"),
    "Language": st.column_config.TextColumn("Lang", width=44),
    "Warning signs": st.column_config.TextColumn("Warning signs", width=116, help="!! urgent · (unsure)"),
    "Safety": st.column_config.TextColumn("Safety", width=102,
                                          help="CI contraindication · P precaution · Ask: to clarify"),
    "Suggested": st.column_config.TextColumn("Suggested", width=92,  # "myofascial" on one line
                                             help="Suggested to discuss"),
    "Reviewed": st.column_config.TextColumn("✓", width=28, help="Reviewed"),
}
FILTER_KEYS = ("ws_dates", "ws_name", "ws_triage", "ws_indication", "ws_language", "ws_warning",
               "ws_contra", "ws_hide_reviewed", "ws_show_void")


def _defaults() -> dict:
    today = date.today()
    return {"ws_dates": (today, today), "ws_name": "", "ws_triage": [], "ws_indication": [],
            "ws_language": [], "ws_warning": False, "ws_contra": False, "ws_hide_reviewed": False,
            "ws_show_void": False}


def _restore_filters() -> None:
    """Keep the filters while the clinician visits other pages (Streamlit drops unseen widgets' state)."""
    defaults = _defaults()
    for key in FILTER_KEYS:
        if key not in st.session_state:
            st.session_state[key] = st.session_state.get(f"{key}_kept", defaults[key])


def _keep_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[f"{key}_kept"] = st.session_state[key]


def _date_range() -> tuple[date, date]:
    picked = st.session_state.get("ws_dates")
    if isinstance(picked, (tuple, list)) and len(picked) in (1, 2):
        return picked[0], picked[-1]
    return date.today(), date.today()


def _filters() -> dict:
    _restore_filters()
    top = st.columns([2.2, 3], vertical_alignment="bottom")
    top[0].date_input("Dates", key="ws_dates", format="YYYY-MM-DD")
    top[1].text_input("Search by name", key="ws_name", placeholder="Any part of the name")
    row = st.columns([1.2, 2, 1.2], vertical_alignment="bottom")
    row[0].multiselect("Triage", TRIAGE_LEVELS, key="ws_triage", placeholder="All")
    row[1].multiselect("Suggested indication", INDICATIONS, key="ws_indication",
                       format_func=INDICATION_NAMES.get, placeholder="All")
    row[2].multiselect("Language", LANGUAGES, key="ws_language", format_func=LANGUAGE_NAMES.get,
                       placeholder="All")
    toggles = st.columns(4)
    toggles[0].toggle("Any warning sign", key="ws_warning")
    toggles[1].toggle("Contraindication", key="ws_contra")
    toggles[2].toggle("Hide reviewed", key="ws_hide_reviewed")
    toggles[3].toggle("Show voided", key="ws_show_void")
    _keep_filters()
    first, last = _date_range()
    state = st.session_state
    return {"first": first, "last": last, "triage": state.ws_triage or None,
            "indication": state.ws_indication or None, "language": state.ws_language or None,
            "warning_signs": state.ws_warning, "safety": "contraindication" if state.ws_contra else None,
            "reviewed": False if state.ws_hide_reviewed else None,
            "voided": None if state.ws_show_void else False, "name_query": state.ws_name.strip() or None}


def _query(chosen: dict) -> dict:
    """The store's arguments for these filters (without the page)."""
    since, until = list_view.day_bounds(chosen["first"], chosen["last"])
    keep = ("triage", "indication", "language", "warning_signs", "safety", "reviewed", "voided", "name_query")
    return {"since": since, "until": until, **{k: chosen[k] for k in keep}}


def _page_number(chosen: dict) -> int:
    """The page to show; back to the first page when the filters change."""
    signature = repr(sorted(chosen.items()))
    kept = st.session_state.get(PAGE_KEY)
    if not kept or kept[0] != signature:
        st.session_state[PAGE_KEY] = (signature, 0)
        return 0
    return kept[1]


def _set_page(chosen: dict, number: int) -> None:
    st.session_state[PAGE_KEY] = (repr(sorted(chosen.items())), number)


def _open(submission_id: str) -> None:
    session.select_submission(submission_id)
    session.touch(st.session_state[session.STAFF_KEY])
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1
    waiting = st.session_state.get(URGENT_NEW_KEY, [])
    st.session_state[URGENT_NEW_KEY] = [i for i in waiting if i != submission_id]
    from workspace import router
    st.switch_page(router.page("detail"))


def _announce_urgent(store) -> None:
    """A toast for each urgent submission that arrives while the list is open, and a banner
    until it is opened. Ids only: no name is kept or shown in the announcement."""
    checked, now = st.session_state.get(URGENT_CHECKED_KEY), datetime.now(UTC)
    st.session_state[URGENT_CHECKED_KEY] = now
    # a margin, so that a submission stamped just before the last check but committed just
    # after it (or by a server whose clock is a little behind) is not missed; seen ids once only
    found = store.urgent_arrivals((checked or now) - ARRIVAL_MARGIN)
    if checked is None:  # the first look at the list: urgent rows are on top already
        st.session_state[URGENT_SEEN_KEY] = found
        return
    seen = st.session_state.get(URGENT_SEEN_KEY, [])
    arrived = [i for i in found if i not in set(seen)]
    st.session_state[URGENT_SEEN_KEY] = (seen + arrived)[-500:]
    if arrived:
        st.toast(f"New URGENT submission ({len(arrived)}): at the top of today's list",
                 icon=":material/emergency:")
    waiting = st.session_state.get(URGENT_NEW_KEY, []) + arrived
    st.session_state[URGENT_NEW_KEY] = waiting
    if waiting:
        st.error(f"{len(waiting)} new urgent submission(s) arrived while this list was open: "
                 "open them first.", icon=":material/emergency:")


def _grid_height(count: int, row_px: int | None) -> int | str:
    if row_px is None:
        return "auto" if count <= 10 else 560
    return min(620, HEADER_PX + count * row_px + 2)  # whole rows up to about a screenful


HEADER_PX = 36
TEXT_WIDTHS = {name: c["width"] for name, c in COLUMNS.items() if c["type_config"]["type"] == "text"}


def _frame(rows, multi_day: bool) -> tuple[pd.DataFrame, int | None]:
    """The table's cells, fitted to the tablet's columns, and the row height (None when every
    cell fits one line). Made again only when the page's rows (or today's date, for the ages)
    changed since this session last drew them: kept in this session's state only."""
    drawn = (rows, multi_day, date.today())
    kept = st.session_state.get(TABLE_KEY)
    if kept is not None and kept[0] == drawn:
        return kept[1], kept[2]
    shown, tall = list_view.fit_page([{**r, "Name": list_view.hyphen_breaks(r["Name"], TEXT_WIDTHS["Name"])}
                                      for r in list_view.table_rows(load_bank(), rows, with_date=multi_day)],
                                     TEXT_WIDTHS)
    frame = pd.DataFrame(shown, columns=list(COLUMNS))
    st.session_state[TABLE_KEY] = (drawn, frame, tall)
    return frame, tall


def _table(rows, multi_day: bool) -> None:
    gen = st.session_state.get(GEN_KEY, 0)
    frame, tall = _frame(rows, multi_day)
    event = st.dataframe(frame, hide_index=True, column_config=COLUMNS,
                         on_select="rerun", selection_mode="single-row", key=f"ws_table_{gen}",
                         width="stretch", row_height=tall, height=_grid_height(len(rows), tall))
    picked_rows = event.selection.rows if event is not None else []
    shown_before = st.session_state.get(SHOWN_KEY, [])  # the rows the person clicked in
    st.session_state[SHOWN_KEY] = [r.id for r in rows]
    if picked_rows and picked_rows[0] < len(shown_before):
        _open(shown_before[picked_rows[0]])
    labels = {r.id: list_view.choice_label(r) for r in rows}
    picked = st.selectbox("Open a submission", list(labels), index=None, format_func=labels.get,
                          placeholder="Click a row above, or choose here (this page)", key=f"ws_pick_{gen}")
    if picked:
        _open(picked)


def _pager(chosen: dict, page) -> None:
    if page.pages <= 1:
        return
    left, middle, right = st.columns([1, 2, 1], vertical_alignment="center")
    left.button("‹ Previous", key="ws_prev", disabled=page.page == 0, width="stretch",
                on_click=_set_page, args=(chosen, page.page - 1))
    middle.caption(f"Page {page.page + 1} of {page.pages} ({page.page_size} a page)")
    right.button("Next ›", key="ws_next", disabled=page.page + 1 >= page.pages, width="stretch",
                 on_click=_set_page, args=(chosen, page.page + 1))


def _clicked() -> str | None:
    """The submission a click on a row (or the picker) just chose, read from the widgets' state
    before the list is read again: opening it needs no page read."""
    gen, state = st.session_state.get(GEN_KEY, 0), st.session_state
    table = state.get(f"ws_table_{gen}")
    rows = table["selection"]["rows"] if table else []
    shown = state.get(SHOWN_KEY, [])
    if rows and rows[0] < len(shown):
        return shown[rows[0]]
    picked = state.get(f"ws_pick_{gen}")
    return picked if picked in shown else None


@st.fragment(run_every=REFRESH_SECONDS)
def live_list(chosen: dict) -> None:
    """The list itself; reruns alone every few seconds (not the page around it)."""
    if session.fragment_run() and session.logged_in_staff() is None:  # a full run: page checked
        st.rerun(scope="app")  # a timer rerun: logged off (idle, or account disabled) meanwhile
    clicked = _clicked()
    if clicked is not None:
        _open(clicked)
    store = runtime.store()
    _announce_urgent(store)
    try:
        page = store.list_page(**_query(chosen), page=_page_number(chosen), page_size=PAGE_SIZE,
                               opened=st.session_state.setdefault(OPENED_KEY, {}))
    except StoreError as exc:
        st.error(str(exc))
        return
    st.caption(list_view.summary_line(page.total, page.urgent, page.not_reviewed))
    if not page.rows:
        st.info("No submissions match these filters.")
        return
    _table(page.rows, multi_day=chosen["first"] != chosen["last"])
    _pager(chosen, page)


def _matching(chosen: dict) -> list:
    """Every submission the filters match, in list order, fully read (for an export only)."""
    store, query, ids, number = runtime.store(), _query(chosen), [], 0
    while True:
        page = store.list_page(**query, page=number, page_size=500)
        ids += [r.id for r in page.rows]
        number += 1
        if number >= page.pages:
            break
    found = {s.id: s for s in store.list_submissions(query["since"], query["until"])}
    return [found[i] for i in ids if i in found]


def _exports(staff, chosen: dict) -> None:
    with st.expander("Export this list"):
        signature = repr(sorted(chosen.items()))
        if st.session_state.get(EXPORT_KEY) != signature:
            if st.button("Prepare the files", key="ws_export_prepare"):
                st.session_state[EXPORT_KEY] = signature
                st.rerun()
            return
        subs = _matching(chosen)
        first, last = chosen["first"].isoformat(), chosen["last"].isoformat()
        tag = first if first == last else f"{first}_to_{last}"
        st.caption(f"{len(subs)} submission(s)")
        download_row(downloads.for_list(subs, tag), staff, "ws_list_export")


def today_page() -> None:
    staff = require_staff()
    nav_bar(staff, "today")
    front_desk_alerts(runtime.store(), staff)
    for problem in runtime.store().health():
        st.warning(problem, icon=":material/warning:")
    st.header("Today's list", divider="gray")
    chosen = _filters()
    if chosen["first"] > chosen["last"]:
        st.error("Dates: the first day must not be after the last.")
        return
    live_list(chosen)
    _exports(staff, chosen)
    warm_up.detail_page()  # once per server process, after the list is on screen
