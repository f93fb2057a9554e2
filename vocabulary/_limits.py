"""Languages the kiosk speaks and the limits both the workspace and the store enforce."""

from __future__ import annotations

import re
from datetime import date

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
LANGUAGES = tuple(LANGUAGE_NAMES)
# A clinician's comment on a submission: the workspace's text box and the store refuse longer.
MAX_COMMENT = 2000

_CALENDAR_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def calendar_day(text: str) -> date:
    """A day written exactly YYYY-MM-DD; ValueError for anything else (``date.fromisoformat``
    alone also takes week dates such as 2026-W48-2 and 20261124)."""
    if not _CALENDAR_DAY.fullmatch(text):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    return date.fromisoformat(text)
