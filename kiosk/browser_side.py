"""The kiosk's parts that run in the browser: Streamlit custom components v2 (inline HTML, CSS and
JavaScript in the page, no iframe). The server stays the one place answers are checked and
kept; these only time, speak, draw and report taps.

- ``helper``: idle countdown and overlay, activity watch, page language and title, busy sign,
  tap guard, focus on the first problem (``helper.js``);
- ``read_aloud``: a button that speaks a question with the browser's speech synthesis;
- ``body_map``: the body picture as inline SVG whose regions report taps.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import streamlit as st

from drawing import bodymap

HERE = Path(__file__).parent


def _js(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _components() -> dict[str, Callable]:
    """Registered once per process (static code, never patient data)."""
    make = st.components.v2.component
    return {
        "helper": make("kiosk_helper", js=_js("helper.js"), html="<span hidden></span>",
                       isolate_styles=False),
        "read_aloud": make("kiosk_read_aloud", js=_js("read_aloud.js"), html="<span></span>",
                           isolate_styles=False),
        "body_map": make("kiosk_body_map", js=_js("bodymap.js"), html="<span></span>", isolate_styles=False),
    }


def helper(data: dict, on_expired: Callable[[], None]) -> None:
    """The browser-side watch; ``on_expired`` runs when the browser reports the time is up."""
    _components()["helper"](key="kiosk-helper", data=data, on_expired_change=on_expired, height=0)


def read_aloud(text: str, lang: str, label: str, question: str, key: str) -> None:
    _components()["read_aloud"](key=key, data={"text": text, "lang": lang, "label": label,
                                               "question": question})


@lru_cache(maxsize=1)
def _geometry() -> dict:
    return {"outline": bodymap.outline(), "regions": bodymap.region_points(),
            "width": bodymap.WIDTH, "height": bodymap.HEIGHT}


def body_map(chosen: list[str], lang: str, label: str, front: str, back: str, key: str,
             on_tap: Callable[[], None]) -> None:
    geometry = _geometry()
    data = {"chosen": chosen, "lang": lang, "label": label, "width": geometry["width"],
            "height": geometry["height"], "outline": geometry["outline"],
            "regions": [{"code": c, "polygons": p} for c, p in geometry["regions"].items()],
            "captions": [[bodymap.FRONT_X, front], [bodymap.BACK_X, back]]}
    _components()["body_map"](key=key, data=data, on_tap_change=on_tap)


def tapped_region(key: str) -> str | None:
    """The region code of the tap that ran this callback, if any."""
    state = st.session_state.get(key) or {}
    tap = state.get("tap") if hasattr(state, "get") else None
    return tap.get("code") if isinstance(tap, dict) else None
