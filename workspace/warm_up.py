"""The detail page's first-use costs, paid once per server process after today's list is on
screen, so that the first detail a clinician opens opens as fast as the next.

What the first detail after a start paid on the click (bench/workspace_browser.py's first run;
a profile of that script run): importing its modules (Altair, the body map); Altair's schema
validators, built on the first chart's ``to_dict``; Streamlit's leading-emoji pattern, compiled
on the first alert drawn without an icon; the body figure and the first PNG encoding. Nothing
here reads the store or holds patient data: a chart of made-up numbers, an empty body map.
"""

from __future__ import annotations

import io
import logging

import streamlit as st

_LOG = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def detail_page() -> bool:
    """Warm the detail page's code once per process (True when done; a failure only logs)."""
    try:
        import pandas as pd

        import workspace.detail  # noqa: F401 - its imports: Altair, the exports' labels
        from drawing import bodymap
        from workspace.patient_panel import chart_of

        made_up = pd.DataFrame({"date": ["2026-01-01", "2026-02-01"], "measure": ["PEG", "PEG"],
                                "value": [5.0, 4.0]})
        chart_of(made_up).to_dict()  # Altair's validators for this chart's schema
        bodymap.draw([], "Front", "Back").save(io.BytesIO(), format="PNG")  # as the detail draws it
        _emoji_pattern()
    except Exception:  # noqa: BLE001 - a warm-up must never break the list
        _LOG.exception("warming the detail page failed")
    return True


def _emoji_pattern() -> None:
    """Streamlit reads a leading emoji off a non-ASCII alert text with a pattern it compiles on
    first use (its emoji list, 0.15-0.5 s); an internal helper, so a Streamlit without it is
    skipped."""
    try:
        from streamlit.string_util import extract_leading_emoji
    except ImportError:
        return
    extract_leading_emoji("warm-up ·")  # an ASCII text would skip the pattern
