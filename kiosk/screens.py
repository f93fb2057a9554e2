"""What each kiosk screen draws. State changes happen only in ``kiosk.page``'s callbacks.

Every screen has the same top row (call the front desk, large text, high contrast) and the
browser-side watch; question screens show progress over the whole questionnaire, the
section, one item or a few short yes/no items, and Back and Next.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import streamlit as st

from kiosk import flow, idle, page
from kiosk.browser_side import helper
from kiosk.renderer import Renderer, answer_text, item_block_key, md_escape
from kiosk.ui_text import UiText
from questionnaire.bank import Bank


@lru_cache(maxsize=1)
def _css() -> str:
    return "<style>" + Path(__file__).with_name("style.css").read_text(encoding="utf-8") + "</style>"


def _both(ui: UiText, key: str, visit: flow.Visit) -> str:
    """Before a language is chosen, the tools speak both languages."""
    if visit.screen == flow.LANGUAGE:
        return f"{ui(key, 'en')} / {ui(key, 'es')}"
    return ui(key, visit.language)


def _watch(bank: Bank, ui: UiText, visit: flow.Visit) -> None:
    from clinic.runtime import settings

    cfg, lang = settings(), visit.language
    if visit.screen == flow.THANKS:
        mode, limit = "thanks", idle.THANKS_SECONDS
    elif visit.held:
        mode, limit = "held", page.HELD_RETRY_SECONDS
    elif visit.pristine and not (visit.large_text or visit.high_contrast):
        mode, limit = "pristine", 0
    else:
        mode, limit = "active", 0
    first = next(iter(visit.problems), None)
    countdown = idle.countdown_seconds(cfg.kiosk_idle_seconds, cfg.kiosk_idle_warning_seconds)
    helper({
        "lang": lang, "title": ui("page_title", lang), "mode": mode, "limit": limit,
        "idle_seconds": cfg.kiosk_idle_seconds, "warning_seconds": countdown,
        "idle_title": ui("idle_title", lang), "idle_text": ui("idle_warning", lang, seconds="{seconds}"),
        "still_here": ui("still_here", lang), "busy": ui("busy", lang), "skip": ui("skip_link", lang),
        "screen": f"{visit.token}:{visit.screen}:{visit.held}", "large": visit.large_text,
        "contrast": visit.high_contrast, "focus": visit.focus if first else 0,
        "focus_target": f".st-key-{item_block_key(first)}" if first else "",
    }, on_expired=page.expired)


def _tools(ui: UiText, visit: flow.Visit) -> None:
    """Call the front desk, large text and high contrast: on every screen, kept for the visit."""
    with st.container(key="tools", horizontal=True):
        st.button(_both(ui, "call_desk", visit), key="tool.call", on_click=page.call_front_desk,
                  icon=":material/support_agent:")
        for what, label in (("large_text", "large_text"), ("high_contrast", "high_contrast")):
            st.session_state.setdefault(f"tool.{what}", getattr(visit, what))
            st.toggle(_both(ui, label, visit), key=f"tool.{what}", on_change=page.set_view, args=(what,))
    if visit.called_at is not None:
        with st.container(key="called"):
            if visit.called_at < 0:
                st.error(ui("save_failed", visit.language), icon=":material/warning:")
            else:
                st.success(ui("called", visit.language), icon=":material/check_circle:")


def _urgent(ui: UiText, visit: flow.Visit) -> None:
    lang = visit.language
    if not visit.urgent_seen:  # first time: over the whole screen, wherever the patient is
        with st.container(key="urgent-full"), st.container(key="urgent-box"):
            st.error(ui("urgent", lang), icon=":material/emergency:")
            st.button(ui("urgent_ok", lang), key="urgent.ok", on_click=page.urgent_seen, type="primary",
                      width="stretch")
    else:  # then a band fixed at the top of every screen
        with st.container(key="urgent"):
            st.error(ui("urgent", lang), icon=":material/emergency:")


def _language_screen(ui: UiText) -> None:
    st.header(ui("welcome", "en"))
    st.header(ui("welcome", "es"), anchor=False)
    with st.container(key="language", horizontal=True):
        st.button(ui("choose_english", "en"), key="lang.en", on_click=page.choose_language, args=("en",),
                  width="stretch", type="primary")
        st.button(ui("choose_spanish", "es"), key="lang.es", on_click=page.choose_language, args=("es",),
                  width="stretch", type="primary")


def _question_screen(bank: Bank, ui: UiText, visit: flow.Visit, today: date) -> None:
    lang, screen = visit.language, visit.screen
    section = next(s for s in bank.sections if s.id == flow.section_of(bank, screen))
    step = flow.step_of(bank, visit.answers, screen, today)
    if step:
        st.progress(step[0] / step[1], text=ui("progress", lang, step=step[0], total=step[1],
                                               section=section.title[lang]))
    screens = flow.question_screens(bank, visit.answers, today)
    before = screens[:screens.index(screen)] if screen in screens else screens
    first_of_section = not any(flow.section_of(bank, s) == section.id for s in before)
    if section.intro and first_of_section:
        st.caption(md_escape(section.intro[lang]))
    renderer = Renderer(bank, ui, lang, visit.token, page.record, page.tapped_body)
    for item in flow.shown_items(bank, visit.answers, screen, today):
        problem = visit.problems.get(item.id)
        renderer.item(item, visit.answers, problem.text(bank, lang) if problem else None)
    last = flow.next_screen(bank, visit.answers, screen, today) == flow.REVIEW
    label = "back_to_review" if visit.return_to_review else "review" if last else "next"
    _nav(ui, lang, label, page.go_next)


def _nav(ui: UiText, lang: str, forward: str, on_forward, forward_key: str = "nav.next") -> None:
    with st.container(key="nav", horizontal=True):
        st.button(ui("back", lang), key="nav.back", on_click=page.go_back, width="stretch",
                  icon=":material/arrow_back:")
        st.button(ui(forward, lang), key=forward_key, on_click=on_forward, width="stretch", type="primary",
                  icon=":material/arrow_forward:", icon_position="right")


def _review_screen(bank: Bank, ui: UiText, visit: flow.Visit, today: date) -> None:
    lang = visit.language
    st.header(ui("review_title", lang))
    st.caption(md_escape(ui("review_intro", lang)))
    if visit.save_failed:
        st.error(ui("save_failed", lang), icon=":material/warning:")
    titles = {s.id: s.title[lang] for s in bank.sections}
    for section, screen_ids in flow.review_sections(bank, visit.answers, today):
        with st.container(border=True, key=f"review-{section}"):
            st.subheader(md_escape(titles[section]), anchor=False)
            for screen in screen_ids:
                with st.container(key=f"row-{screen}".replace(".", "-"), horizontal=True,
                                  vertical_alignment="center"):
                    with st.container(gap=None):
                        for item in flow.shown_items(bank, visit.answers, screen, today):
                            st.caption(md_escape(item.text[lang]))
                            # Patient answers are plain text, never Markdown or HTML.
                            st.text(_answer(bank, ui, item, visit, lang))
                    st.button(ui("change", lang), key=f"change.{screen}", on_click=page.go_change,
                              args=(screen,), help=None, width="content")
    _nav(ui, lang, "try_again" if visit.save_failed else "submit", page.submit, "submit")


def _answer(bank: Bank, ui: UiText, item, visit: flow.Visit, lang: str) -> str:
    value = visit.answers.get(item.id)
    return ui("not_answered", lang) if value is None else answer_text(bank, ui, item, value, lang)


def _thanks_screen(ui: UiText, visit: flow.Visit) -> None:
    lang = visit.language
    st.title(ui("thanks_title", lang), anchor=False)
    if visit.urgent:
        with st.container(key="urgent-thanks"):
            st.error(ui("urgent_thanks", lang), icon=":material/emergency:")
    st.success(ui("thanks_body", lang))
    st.button(ui("done", lang), key="done", on_click=page.done, width="stretch", type="primary")


def _held_screen(ui: UiText, visit: flow.Visit) -> None:
    """A failed save left unattended: no answer on screen, only the way to the front desk."""
    lang = visit.language
    st.error(ui("held", lang), icon=":material/warning:")
    st.button(ui("try_again", lang), key="held.retry", on_click=page.submit, width="stretch", type="primary")


def draw(bank: Bank, ui: UiText, visit: flow.Visit) -> None:
    today = date.today()
    st.html(_css())
    _watch(bank, ui, visit)
    _tools(ui, visit)
    if visit.urgent and visit.screen != flow.THANKS and not visit.held:
        _urgent(ui, visit)
    if visit.held:
        _held_screen(ui, visit)
    elif visit.screen == flow.LANGUAGE:
        _language_screen(ui)
    elif visit.screen == flow.REVIEW:
        _review_screen(bank, ui, visit, today)
    elif visit.screen == flow.THANKS:
        _thanks_screen(ui, visit)
    else:
        _question_screen(bank, ui, visit, today)
