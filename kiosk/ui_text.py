"""The kiosk's own words (buttons, progress, thank-you, warnings), in English and Spanish.

Loaded from ``ui_text.toml`` and checked like the item bank: every key needs a non-empty
text in every language, and the ``{placeholders}`` must be the same in each language.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from questionnaire.bank import LANGUAGES

UI_TEXT_PATH = Path(__file__).with_name("ui_text.toml")


class UiTextError(ValueError):
    """The kiosk text file breaks a rule; the message names the key."""


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class UiText:
    texts: Mapping[str, Mapping[str, str]]

    def __call__(self, key: str, language: str, **params: object) -> str:
        return self.texts[key][language].format(**params)

    def keys(self) -> set[str]:
        return set(self.texts)


def parse_ui_text(data: dict) -> UiText:
    """Build and check the kiosk text from the parsed TOML table."""
    texts: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        if not isinstance(value, dict):
            raise UiTextError(f"ui text {key!r}: must be a table of languages")
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise UiTextError(f"ui text {key!r}: missing its {lang!r} translation")
        wanted = _placeholders(value[LANGUAGES[0]])
        for lang in LANGUAGES[1:]:
            if _placeholders(value[lang]) != wanted:
                raise UiTextError(f"ui text {key!r}: the {lang!r} text has other placeholders "
                                  f"than the {LANGUAGES[0]!r} text ({sorted(wanted)})")
        texts[key] = {lang: value[lang] for lang in LANGUAGES}
    return UiText(texts)


@lru_cache(maxsize=2)
def load_ui_text(path: Path = UI_TEXT_PATH) -> UiText:
    """The kiosk text at ``path`` (cached: static data, never patient data)."""
    with Path(path).open("rb") as fh:
        return parse_ui_text(tomllib.load(fh))
