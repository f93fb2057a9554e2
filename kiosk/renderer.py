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

from kiosk.ui_text import UiText
from questionnaire.bank import YN_CODES, Bank, Item

Recorder = Callable[[str, object, str], None]  # (item id, value, widget key)
NRS_SCALE = tuple(range(11))
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")
_WHOLE = re.compile(r"[+-]?[0-9]{1,9}")


def md_escape(text: str) -> str:
    """Our own wording, made safe for Streamlit's Markdown (never used for patient text)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def widget_key(token: str, item_id: str, part: str = "") -> str:
    return f"k.{token}.{item_id}" + (f".{part}" if part else "")


def item_block_key(item_id: str) -> str:
    """The key of an item's block (its CSS class is ``st-key-`` and this)."""
    return f"item-{item_id}".replace(".", "-")


def _prefill(key: str, value: object) -> None:
    if key not in st.session_state and value is not None:
        st.session_state[key] = value


class Renderer:
    """Draws the items of one screen for one visit, in one language."""

    def __init__(self, bank: Bank, ui: UiText, language: str, token: str, record: Recorder,
                 chosen_map: Callable[[str], None] | None = None):
        self.bank, self.ui, self.lang, self.token, self.record = bank, ui, language, token, record
        self.tapped = chosen_map

    # ------------------------------------------------------------ one item
    def item(self, item: Item, answers: dict, problem: str | None) -> None:
        if item.widget == "language":
            return
        from kiosk.browser_side import read_aloud

        with st.container(key=item_block_key(item.id)):
            st.markdown(f"**{md_escape(item.text[self.lang])}**")
            if item.help:
                st.caption(md_escape(item.help[self.lang]))
            read_aloud(self.spoken(item), self.lang, self.ui("read_aloud", self.lang), item.text[self.lang],
                       key=widget_key(self.token, item.id, "speak"))
            draw = getattr(self, f"_{item.widget}" if item.widget != "default" else f"_{item.type}")
            draw(item, answers.get(item.id))
            if problem:
                st.error(self.ui("problem", self.lang, question=item.text[self.lang], message=problem),
                         icon=":material/warning:")

    def spoken(self, item: Item) -> str:
        """What the read-aloud button says: the question, its help, then its answers."""
        parts = [item.text[self.lang], *([item.help[self.lang]] if item.help else [])]
        if item.type in ("yn", "choice", "multi"):
            parts.append(", ".join(self._option_text(item)(c) for c in item.offered_codes))
        elif item.scale:
            parts.append(", ".join(p.text[self.lang] for p in item.scale))
        elif item.type == "nrs":
            parts.append(self.ui("nrs_spoken", self.lang))
        return ". ".join(p.rstrip(".") for p in parts) + "."

    def _on_change(self, item_id: str, key: str, convert: Callable[[object], object] = lambda v: v):
        return lambda: self.record(item_id, convert(st.session_state.get(key)), key)

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
                 key=key, label_visibility="collapsed", on_change=self._on_change(item.id, key))

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

    def _scale(self, item: Item, value: object) -> None:
        """A whole number shown as its labelled points (the four standard mood options)."""
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        st.radio(item.text[self.lang], tuple(p.value for p in item.scale), index=None, key=key,
                 format_func=lambda v: item.point(v).text[self.lang], label_visibility="collapsed",
                 on_change=self._on_change(item.id, key))

    def _int(self, item: Item, value: object) -> None:
        # A text field, not a number stepper: a decimal or a word is kept as typed and named in
        # the patient's language (a stepper would round it silently), and no English "Increment".
        key = widget_key(self.token, item.id)
        _prefill(key, None if value is None else str(value))
        st.text_input(item.text[self.lang], key=key, label_visibility="collapsed",
                      placeholder=self.ui("number_here", self.lang, min=item.minimum, max=item.maximum),
                      on_change=self._on_change(item.id, key, as_whole_number))

    def _text(self, item: Item, value: object) -> None:
        # No max_chars: an over-long paste is kept whole and the limit is named, never cut.
        key = widget_key(self.token, item.id)
        _prefill(key, value)
        widget = st.text_area if item.multiline else st.text_input
        widget(item.text[self.lang], key=key, label_visibility="collapsed",
               placeholder=self.ui("type_here", self.lang), on_change=self._on_change(item.id, key))

    def _date(self, item: Item, value: object) -> None:
        keys = {part: widget_key(self.token, item.id, part) for part in ("day", "month", "year")}
        parts = _date_parts(value)
        for part, key in keys.items():
            _prefill(key, (parts[part] if part == "month" else str(parts[part])) if part in parts else None)
        months = self.ui("months", self.lang).split(",")

        def compose() -> None:
            day, month, year = (st.session_state.get(k) for k in keys.values())
            self.record(item.id, compose_date(day, month, year), keys["month"])

        day, year = st.columns(2)
        with day:
            st.text_input(self.ui("day", self.lang), key=keys["day"], on_change=compose, placeholder="1-31")
        with year:
            st.text_input(self.ui("year", self.lang), key=keys["year"], on_change=compose,
                          placeholder=self.ui("year_example", self.lang))
        st.pills(self.ui("month", self.lang), tuple(range(1, 13)), format_func=lambda m: months[m - 1],
                 key=keys["month"], on_change=compose)

    def _body_map(self, item: Item, value: object) -> None:
        from kiosk.browser_side import body_map

        chosen = list(value) if isinstance(value, list) else []
        codes, name = item.offered_codes, self._option_text(item)
        key = widget_key(self.token, item.id)
        _prefill(key, chosen or None)
        with st.container(key="bodymap"):
            body_map(chosen, self.lang, self.ui("body_picture", self.lang), self.ui("body_front", self.lang),
                     self.ui("body_back", self.lang), key=widget_key(self.token, item.id, "tap"),
                     on_tap=lambda: self.tapped and self.tapped(item.id))
        st.pills(item.text[self.lang], codes, selection_mode="multi", format_func=name, key=key,
                 label_visibility="collapsed", on_change=self._on_change(item.id, key, _as_list))


def _as_list(value: object) -> list:
    return list(value) if value else []


def as_whole_number(value: object) -> object:
    """A typed whole number as an int; anything else as typed (the answer check names it)."""
    text = str(value or "").strip()
    if not text:
        return None
    return int(text) if _WHOLE.fullmatch(text) else text


def _date_parts(value: object) -> dict[str, int]:
    try:
        when = date.fromisoformat(str(value))
    except ValueError:
        return {}
    return {"day": when.day, "month": when.month, "year": when.year}


def compose_date(day: object, month: object, year: object) -> str | None:
    """An ISO-shaped date from the three fields (None until all three are given); a part that
    is not a whole number is kept as typed, and the answer check names the date as not real."""
    day, year = str(day or "").strip(), str(year or "").strip()
    if not day or not year or not isinstance(month, int):
        return None
    if _WHOLE.fullmatch(day) and _WHOLE.fullmatch(year):
        return f"{int(year):04d}-{month:02d}-{int(day):02d}"
    return f"{year}-{month:02d}-{day}"


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
