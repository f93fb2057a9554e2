"""What a typed text answer may hold (clinical-core.md, "Answer types", and issue 11).

A text answer is stored exactly as typed, NFC-normalised (``normalise``: the kiosk stores the
NFC form, and lengths are counted on it). Refused, each with the offending character named as
``U+XXXX`` (a lone surrogate first, wherever it is; otherwise the first refused character):
- a lone surrogate (category Cs): not a character at all, it cannot be stored or exported;
- a control character (Cc), except the line breaks LF and CR in a multi-line text;
- a format character (Cf) in any text: invisible marks such as U+202E RIGHT-TO-LEFT OVERRIDE
  that make a text display differently from what it holds;
- a line or paragraph separator (Zl, Zp) in a single-line text.
"""

from __future__ import annotations

import re
import unicodedata

_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_CONTROL_MULTILINE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = frozenset("\n\r")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """The NFC form of ``text`` (what is stored and measured); a lone surrogate is kept as is."""
    return unicodedata.normalize("NFC", text)


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def refused_character(text: str, multiline: bool) -> tuple[str, str] | None:
    """(problem code, ``U+XXXX``) of the first character ``text`` may not hold, or None."""
    if text.isascii():  # the common case: one regular-expression search
        found = (_ASCII_CONTROL_MULTILINE if multiline else _ASCII_CONTROL).search(text)
        return ("control_chars", code_point(found.group())) if found else None
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return "lone_surrogate", code_point(surrogate.group())
    for char in text:
        kind = unicodedata.category(char)
        if kind == "Cc" and not (multiline and char in _LINE_BREAKS):
            return "control_chars", code_point(char)
        if kind == "Cf":
            return "format_chars", code_point(char)
        if kind in ("Zl", "Zp") and not multiline:
            return "line_separator", code_point(char)
    return None
