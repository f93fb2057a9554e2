"""The patient kiosk page: language, short question screens, review, submit, thank-you.

All of one patient's data lives in ``st.session_state["kiosk.visit"]`` (a ``flow.Visit``)
and in the widgets' own state, whose keys carry the visit's random token. A reset deletes
every key of the session, so nothing of a patient can be reached after submit or idle.
Callbacks here change state only; ``kiosk.screens`` draws. The idle clock runs in the
browser (``kiosk.browser_side.helper``): a waiting tablet costs the server nothing.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, date, datetime

import streamlit as st

from drawing import bodymap
from kiosk import flow, idle, screens
from kiosk.browser_side import tapped_region
from kiosk.renderer import widget_key
from kiosk.scoring_link import is_urgent, score_answers
from kiosk.ui_text import load_ui_text
from questionnaire.bank import Bank, load_bank

VISIT = "kiosk.visit"
HELD_RETRY_SECONDS = 30  # a held submission (failed save, then idle) is retried this often
RETAP_SECONDS = 0.6  # a second tap on the same choice this soon after the first is a slip
log = logging.getLogger(__name__)


def reset_session(screen: str = flow.LANGUAGE, urgent: bool = False, language: str = "en") -> flow.Visit:
    """Forget everything this browser session holds and start a fresh visit."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    visit = flow.Visit(last_activity=idle.clock(), screen=screen, urgent=urgent, thanks_language=language)
    st.session_state[VISIT] = visit
    return visit


def _visit() -> flow.Visit:
    visit = st.session_state.get(VISIT)
    return visit if isinstance(visit, flow.Visit) else reset_session()


# ---------------------------------------------------------------- answers (callbacks)
def record(item_id: str, value: object, key: str) -> None:
    """A widget changed: keep the answer (never losing one to a slip), then maybe move on."""
    bank, visit, today = load_bank(), _visit(), date.today()
    item, old = bank.item(item_id), visit.answers.get(item_id)
    visit.last_activity = idle.clock()
    if value is None and old is not None and flow.one_tap(item):
        st.session_state[key] = old  # a second quick tap on the chosen answer: keep it
        return
    if item.type == "multi" and isinstance(value, list) and _slipped(visit, item_id, old, value):
        st.session_state[key] = old
        return
    visit.answers = flow.record(bank, visit.answers, item_id, value, today)
    visit.problems.pop(item_id, None)
    problem = flow.typed_problem(bank, item_id, value, today)
    if problem:
        visit.problems[item_id] = problem
    visit.called_at = None
    _update_urgent(bank, visit, today)
    flow.after_answer(bank, visit, item_id, today)


def _slipped(visit: flow.Visit, item_id: str, old: object, new: list) -> bool:
    """True when ``new`` only takes off the choice that was put on a moment ago."""
    before, now = set(old) if isinstance(old, list) else set(), time.monotonic()
    added, removed = set(new) - before, before - set(new)
    if len(added) == 1 and not removed:
        visit.last_toggle = (item_id, next(iter(added)), now)
    last = visit.last_toggle
    if added or len(removed) != 1 or last is None:
        return False
    return last[:2] == (item_id, next(iter(removed))) and now - last[2] < RETAP_SECONDS


def tapped_body(item_id: str) -> None:
    """A tap on the body picture: the region goes on or off, and the name buttons follow."""
    visit, bank = _visit(), load_bank()
    code = tapped_region(widget_key(visit.token, item_id, "tap"))
    if not code:
        return
    key = widget_key(visit.token, item_id)
    now = bodymap.toggle(list(visit.answers.get(item_id) or []), code, bank.item(item_id).codes)
    if _slipped(visit, item_id, visit.answers.get(item_id), now):
        return
    st.session_state[key] = now
    record(item_id, now, key)


def _update_urgent(bank: Bank, visit: flow.Visit, today: date) -> None:
    """Once an urgent warning sign is answered, the instruction stays for the rest of the visit."""
    if not visit.urgent:
        result = score_answers(flow.valid_answers(bank, visit.answers, today), today)
        visit.urgent = is_urgent(result)


# ---------------------------------------------------------------- moves (callbacks)
def _touch() -> flow.Visit:
    visit = _visit()
    visit.last_activity, visit.called_at = idle.clock(), None
    return visit


def choose_language(code: str) -> None:
    flow.choose_language(load_bank(), _touch(), code, date.today())


def go_next() -> None:
    flow.go_next(load_bank(), _touch(), date.today())


def go_back() -> None:
    flow.go_back(load_bank(), _touch(), date.today())


def go_change(screen: str) -> None:
    flow.go_change(_touch(), screen)


def done() -> None:
    reset_session()


def urgent_seen() -> None:
    _touch().urgent_seen = True


def set_view(what: str) -> None:
    visit = _visit()
    setattr(visit, what, bool(st.session_state.get(f"tool.{what}")))


def call_front_desk() -> None:
    """An alert for the staff: the tablet's name and the time, nothing of the answers."""
    from clinic.runtime import store

    visit = _visit()
    try:
        store().raise_alert(tablet_name(), datetime.now(UTC))
    except Exception as exc:  # noqa: BLE001 - the patient is told to go to the desk instead
        log.error("kiosk: front-desk alert not stored (%s)", type(exc).__name__)
        visit.called_at = -1.0
        return
    visit.called_at = idle.clock()


def tablet_name() -> str:
    """This tablet's name, from its start address (``/?tablet=Room-2``); letters, digits, - _ ."""
    raw = str(st.query_params.get("tablet", "") or "")
    name = re.sub(r"[^A-Za-z0-9 _.-]", "", raw).strip()[:40]
    return name or "kiosk"


def submit() -> None:
    from kiosk.submit import submit as store_submission

    bank, visit, today = load_bank(), _touch(), date.today()
    if not flow.go_review(bank, visit, today):
        return
    outcome = store_submission(bank, visit, today, datetime.now(UTC))
    if outcome.saved:
        reset_session(flow.THANKS, urgent=visit.urgent or outcome.urgent, language=visit.language)
    else:
        visit.save_failed = True


def expired() -> None:
    """The browser says the time is up: the thank-you ends, a held save is retried, a visit ends."""
    visit = _visit()
    if visit.screen == flow.THANKS:
        reset_session()
    elif visit.held:
        submit()
    elif visit.save_failed:
        visit.held = True  # hide the answers of a failed save instead of erasing them
    else:
        reset_session()


def kiosk_page() -> None:
    screens.draw(load_bank(), load_ui_text(), _visit())
