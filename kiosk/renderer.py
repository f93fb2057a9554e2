"""Answer types to widgets. Knows the bank's types and widgets, never any clinical content.

Every widget gets the key ``k.<visit token>.<item id>`` (a new token per patient, so no
widget state can carry over), is pre-filled from the answers, and on change hands its value
to ``record(item_id, value)``: the only thing a widget callback does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import streamlit as st

from kiosk import bodymap
from kiosk.ui_text import UiText
from questionnaire.bank import YN_CODES, Bank, Item

Recorder = Callable[[str, object], None]
NRS_SCALE = tuple(range(11))
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def md_escape(text: str) -> str:
    """Our own wording, made safe for Streamlit's Markdown (never used for patient text)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def widget_key(token: str, item_id: str, part: str = "") -> str:
    return f"k.{token}.{item_id}" + (f".{part}" if part else "")


def _prefill(key: str, value: object) -> None:
    if key not in st.session_state and value is not None:
        st.session_state[key] = value


class Renderer:
    """Draws the items of one screen for one visit, in one language."""

    def __init__(self, bank: Bank, ui: UiText, language: str, token: str, record: Recorder):
        self.bank, self.ui, self.lang, self.token, self.record = bank, ui, language, token, record

    # ------------------------------------------------------------ one item
    def item(self, item: Item, answers: dict, problem: str | None) -> None:
        if item.widget == "language":
            return
        with st.container(key=f"item.{item.id}".replace(".", "-")):
            # Question and help in one element (each element costs a rerun about a millisecond).
            help_text = f"  \n:gray[{md_escape(item.help[self.lang])}]" if item.help else ""
            st.markdown(f"**{md_escape(item.text[self.lang])}**{help_text}")
            draw = getattr(self, f"_{item.widget}" if item.widget != "default" else f"_{item.type}")
            draw(item, answers.get(item.id))
            if problem:
                st.error(problem, icon=":material/warning:")

    def _on_change(self, item_id: str, key: str, convert: Callable[[object], object] = lambda v: v):
        return lambda: self.record(item_id, convert(st.session_state.get(key)))

    def _option_text(self, item: Item) -> Callable[[str], str]:
        if item.type == "yn":
            return lambda code: self.bank.yn_text[code][self.lang]
        return lambda code: item.option(code).text[self.lang]

    # ------------------------------------------------------------ by answer type
    def _yn(self, item: Item, value: object) -> None:
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        st.segmented_control(item.text[self.lang], YN_CODES, format_func=self._option_text(item), key=key,
                             label_visibility="collapsed", on_change=self._on_change(item.id, key))

    def _choice(self, item: Item, value: object) -> None:
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        st.radio(item.text[self.lang], item.offered_codes, index=None, format_func=self._option_text(item),
                 key=key,
                 label_visibility="collapsed", on_change=self._on_change(item.id, key))

    def _multi(self, item: Item, value: object) -> None:
        key = widget_key(self.token, item.id)
        _prefill(key, list(value) if isinstance(value, list) else None)
        st.pills(item.text[self.lang], item.offered_codes, selection_mode="multi",
                 format_func=self._option_text(item), key=key, label_visibility="collapsed",
                 on_change=self._on_change(item.id, key, _as_list))

    def _nrs(self, item: Item, value: object) -> None:
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        st.segmented_control(item.text[self.lang], NRS_SCALE, key=key, label_visibility="collapsed",
                             width="stretch", on_change=self._on_change(item.id, key))

    def _int(self, item: Item, value: object) -> None:
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        # No min/max on the widget: our own check explains the range in the patient's language.
        st.number_input(item.text[self.lang], value=None, step=1, format="%d", key=key,
                        label_visibility="collapsed", on_change=self._on_change(item.id, key, _as_int))

    def _scale(self, item: Item, value: object) -> None:
        """An int item shown as its labelled points (the PHQ-2/GAD-2 options)."""
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        st.radio(item.text[self.lang], tuple(p.value for p in item.scale), index=None, key=key,
                 format_func=lambda v: item.point(v).text[self.lang], label_visibility="collapsed",
                 on_change=self._on_change(item.id, key))

    def _text(self, item: Item, value: object) -> None:
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        widget = st.text_area if item.multiline else st.text_input
        widget(item.text[self.lang], max_chars=item.max_len, key=key, label_visibility="collapsed",
               placeholder=self.ui("type_here", self.lang), on_change=self._on_change(item.id, key))

    def _date(self, item: Item, value: object) -> None:
        keys = {part: widget_key(self.token, item.id, part) for part in ("day", "month", "year")}
        parts = _date_parts(value)
        for part, key in keys.items():
            _prefill(key, parts.get(part))
        months = self.ui("months", self.lang).split(",")

        def compose() -> None:
            self.record(item.id, _compose_date(*(st.session_state.get(k) for k in keys.values())))

        day, year = st.columns(2)
        with day:
            st.number_input(self.ui("day", self.lang), value=None, step=1, format="%d", key=keys["day"],
                            on_change=compose)
        with year:
            st.number_input(self.ui("year", self.lang), value=None, step=1, format="%d", key=keys["year"],
                            on_change=compose)
        st.pills(self.ui("month", self.lang), tuple(range(1, 13)), format_func=lambda m: months[m - 1],
                 key=keys["month"], on_change=compose)

    def _body_map(self, item: Item, value: object) -> None:
        from streamlit_image_coordinates import streamlit_image_coordinates

        chosen = list(value) if isinstance(value, list) else []
        codes, name = item.offered_codes, self._option_text(item)
        key, tap_key = widget_key(self.token, item.id), widget_key(self.token, item.id, "tap")
        _prefill(key, chosen or None)

        def tapped() -> None:
            tap = st.session_state.get(tap_key) or {}
            code = bodymap.region_at(tap.get("x", -1), tap.get("y", -1),
                                     tap.get("width", 0), tap.get("height", 0))
            if code:
                now = bodymap.toggle(list(st.session_state.get(key) or []), code, codes)
                st.session_state[key] = now  # keep the name buttons in step with the picture
                self.record(item.id, now)

        picture = bodymap.draw(chosen, self.ui("body_front", self.lang), self.ui("body_back", self.lang))
        with st.container(key="bodymap"):
            streamlit_image_coordinates(picture, key=tap_key, use_column_width="always", on_click=tapped,
                                        png_compression_level=3)
        st.text(self.ui("body_selected", self.lang, regions=", ".join(name(c) for c in chosen)) if chosen
                else self.ui("body_none_selected", self.lang))
        st.caption(self.ui("body_buttons", self.lang))
        st.pills(item.text[self.lang], codes, selection_mode="multi", format_func=name, key=key,
                 label_visibility="collapsed", on_change=self._on_change(item.id, key, _as_list))


def _as_list(value: object) -> list:
    return list(value) if value else []


def _as_int(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _date_parts(value: object) -> dict[str, int]:
    try:
        when = date.fromisoformat(str(value))
    except ValueError:
        return {}
    return {"day": when.day, "month": when.month, "year": when.year}


def _compose_date(day: object, month: object, year: object) -> str | None:
    """An ISO-shaped date from the three fields; the answer check says when it is not real."""
    if not all(isinstance(v, int | float) for v in (day, month, year)):
        return None
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def answer_text(bank: Bank, ui: UiText, item: Item, value: object, language: str) -> str:
    """An answer as the patient would read it (plain text, for the review screen)."""
    if item.type == "yn" and value in YN_CODES:
        return bank.yn_text[value][language]
    if item.type == "choice" and item.option(str(value)):
        return item.option(str(value)).text[language]
    if item.type == "multi" and isinstance(value, list):
        return ", ".join(item.option(c).text[language] if item.option(c) else str(c) for c in value)
    if item.scale and item.point(value):
        return item.point(value).text[language]
    if item.type == "date":
        parts = _date_parts(value)
        if parts:
            month = ui("months", language).split(",")[parts["month"] - 1]
            return f"{parts['day']} {month} {parts['year']}"
    return str(value)
