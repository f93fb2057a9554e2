"""The patient kiosk page: language, one section per screen, review, submit, thank-you.

All of one patient's data lives in ``st.session_state["kiosk.visit"]`` (a ``flow.Visit``)
and in the widgets' own state, whose keys carry the visit's random token. A reset deletes
every key of the session, so nothing of a patient can be reached after submit or idle.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import streamlit as st

from kiosk import flow, idle
from kiosk.renderer import Renderer, answer_text, md_escape
from kiosk.scoring_link import score_answers
from kiosk.ui_text import UiText, load_ui_text
from questionnaire.bank import Bank, load_bank

VISIT = "kiosk.visit"
THANKS_SHOWN = "kiosk.thanks_shown_at"
HELD_RETRY_SECONDS = 30  # a held submission (failed save, then idle) is retried this often
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _css() -> str:
    return "<style>" + Path(__file__).with_name("style.css").read_text(encoding="utf-8") + "</style>"


def reset_session(screen: str = flow.LANGUAGE, urgent: bool = False, language: str = "en") -> flow.Visit:
    """Forget everything this browser session holds and start a fresh visit."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    visit = flow.Visit(last_activity=idle.clock(), screen=screen, urgent=urgent, thanks_language=language)
    st.session_state[VISIT] = visit
    if screen == flow.THANKS:
        st.session_state[THANKS_SHOWN] = idle.clock()
    return visit


def _visit() -> flow.Visit:
    visit = st.session_state.get(VISIT)
    return visit if isinstance(visit, flow.Visit) else reset_session()


# ---------------------------------------------------------------- callbacks (state only)
def _record(item_id: str, value: object) -> None:
    bank, visit = load_bank(), _visit()
    visit.answers = flow.record(bank, visit.answers, item_id, value)
    visit.problems.pop(item_id, None)
    visit.last_activity = idle.clock()
    _update_urgent(bank, visit)


def _update_urgent(bank: Bank, visit: flow.Visit) -> None:
    """Once an urgent warning sign is answered, the instruction stays for the rest of the visit."""
    if not visit.urgent:
        result = score_answers(flow.valid_answers(bank, visit.answers, date.today()), date.today())
        visit.urgent = bool(result and result.get("triage") == "urgent")


def _touch() -> None:
    _visit().last_activity = idle.clock()


def _choose_language(code: str) -> None:
    flow.choose_language(load_bank(), _visit(), code)
    _touch()


def _next() -> None:
    _touch()
    flow.go_next(load_bank(), _visit(), date.today())


def _back() -> None:
    _touch()
    flow.go_back(load_bank(), _visit())


def _change(section: str) -> None:
    _touch()
    flow.go_change(_visit(), section)


def _review() -> None:
    _touch()
    flow.go_review(load_bank(), _visit(), date.today())


def _done() -> None:
    reset_session()


def _submit() -> None:
    from kiosk.submit import submit

    bank, visit = load_bank(), _visit()
    _touch()
    if not flow.go_review(bank, visit, date.today()):
        return
    outcome = submit(bank, visit, date.today(), datetime.now(UTC))
    if outcome.saved:
        reset_session(flow.THANKS, urgent=visit.urgent or outcome.urgent, language=visit.language)
    else:
        visit.save_failed = True


# ---------------------------------------------------------------- screens
def _urgent_banner(ui: UiText, lang: str) -> None:
    with st.container(key="urgent"):
        st.error(ui("urgent", lang), icon=":material/emergency:")


def _language_screen(ui: UiText) -> None:
    st.header(ui("welcome", "en"))
    st.header(ui("welcome", "es"))
    left, right = st.columns(2)
    with st.container(key="language"):
        left.button(ui("choose_english", "en"), key="lang.en", on_click=_choose_language, args=("en",),
                    width="stretch", type="primary")
        right.button(ui("choose_spanish", "es"), key="lang.es", on_click=_choose_language, args=("es",),
                     width="stretch", type="primary")


def _section_screen(bank: Bank, ui: UiText, visit: flow.Visit) -> None:
    lang = visit.language
    section = next(s for s in bank.sections if s.id == visit.screen)
    step = flow.step_of(bank, visit.answers, visit.screen)
    if step:
        st.progress(step[0] / step[1], text=ui("progress", lang, step=step[0], total=step[1]))
    st.header(md_escape(section.title[lang]))
    if section.intro:
        st.caption(md_escape(section.intro[lang]))
    if visit.problems:
        st.warning(ui("screen_has_problems", lang))
    renderer = Renderer(bank, ui, lang, visit.token, _record)
    for item in flow.shown_items(bank, visit.answers, visit.screen):
        problem = visit.problems.get(item.id)
        renderer.item(item, visit.answers, problem.text(bank, lang) if problem else None)
    back, forward = st.columns(2)
    back.button(ui("back", lang), key="nav.back", on_click=_back, width="stretch")
    last = flow.next_screen(bank, visit.answers, visit.screen) == flow.REVIEW
    label = "back_to_review" if visit.return_to_review else "review" if last else "next"
    forward.button(ui(label, lang), key="nav.next", on_click=_next, width="stretch", type="primary")


def _review_screen(bank: Bank, ui: UiText, visit: flow.Visit) -> None:
    lang = visit.language
    st.header(ui("review_title", lang))
    st.caption(md_escape(ui("review_intro", lang)))
    if visit.save_failed:
        st.error(ui("save_failed", lang), icon=":material/warning:")
    for screen in flow.section_screens(bank, visit.answers):
        section = next(s for s in bank.sections if s.id == screen)
        with st.container(border=True, key=f"review-{screen}"):
            title, change = st.columns([3, 1], vertical_alignment="center")
            title.subheader(md_escape(section.title[lang]))
            change.button(ui("change", lang), key=f"change.{screen}", on_click=_change, args=(screen,),
                          width="stretch")
            for item in flow.shown_items(bank, visit.answers, screen):
                st.caption(md_escape(item.text[lang]))
                value = visit.answers.get(item.id)
                # Patient answers are plain text, never Markdown or HTML.
                missing = value is None
                st.text(ui("not_answered", lang) if missing else answer_text(bank, ui, item, value, lang))
    back, submit = st.columns(2)
    back.button(ui("back", lang), key="nav.back", on_click=_back, width="stretch")
    label = "try_again" if visit.save_failed else "submit"
    submit.button(ui(label, lang), key="submit", on_click=_submit, width="stretch", type="primary")


def _thanks_screen(ui: UiText, visit: flow.Visit) -> None:
    lang = visit.language
    st.title(ui("thanks_title", lang))
    if visit.urgent:
        with st.container(key="urgent"):
            st.error(ui("urgent_thanks", lang), icon=":material/emergency:")
    st.success(ui("thanks_body", lang))
    st.button(ui("done", lang), key="done", on_click=_done, width="stretch", type="primary")


def _held_screen(ui: UiText, visit: flow.Visit) -> None:
    """A failed save left unattended: no answer on screen, only the way to the front desk."""
    lang = visit.language
    st.error(ui("held", lang), icon=":material/warning:")
    st.button(ui("try_again", lang), key="held.retry", on_click=_submit, width="stretch", type="primary")


# ---------------------------------------------------------------- idle watch
@st.fragment(run_every=idle.TICK_SECONDS)
def _idle_watch() -> None:
    from clinic.runtime import settings

    visit, now = _visit(), idle.clock()
    if visit.screen == flow.THANKS:
        if idle.thanks_expired(st.session_state.get(THANKS_SHOWN, now), now):
            reset_session()
            st.rerun(scope="app")
        return
    if visit.pristine:
        return
    if visit.held:
        if now - visit.last_activity >= HELD_RETRY_SECONDS:
            _submit()  # the answers exist nowhere else: keep trying; the next patient sees none of them
            if _visit().screen == flow.THANKS:
                st.rerun(scope="app")
        return
    cfg = settings()
    state = idle.idle_state(visit.last_activity, now, cfg.kiosk_idle_seconds, cfg.kiosk_idle_warning_seconds)
    if state.status == idle.EXPIRED and visit.save_failed:
        visit.held = True  # hide the answers of a failed save instead of erasing them
        st.rerun(scope="app")
    elif state.status == idle.EXPIRED:
        reset_session()
        st.rerun(scope="app")
    elif state.status == idle.WARN:
        lang = visit.language
        with st.container(key="idle"):
            ui = load_ui_text()
            st.warning(ui("idle_warning", lang, seconds=state.seconds_left), icon=":material/hourglass_top:")
            st.button(ui("still_here", lang), key="idle.still_here", on_click=_touch,
                      width="stretch", type="primary")


def kiosk_page() -> None:
    st.html(_css())
    bank, ui, visit = load_bank(), load_ui_text(), _visit()
    # The language shows in the patient's choice from the first section on.
    lang = visit.language
    if visit.urgent and visit.screen != flow.THANKS:
        _urgent_banner(ui, lang)
    _idle_watch()
    if visit.held:
        _held_screen(ui, visit)
    elif visit.screen == flow.LANGUAGE:
        _language_screen(ui)
    elif visit.screen == flow.REVIEW:
        _review_screen(bank, ui, visit)
    elif visit.screen == flow.THANKS:
        _thanks_screen(ui, visit)
    else:
        _section_screen(bank, ui, visit)
