"""The idle rule of an unattended kiosk: pure numbers, applied in the browser.

A visit is erased ``idle_seconds`` after the last touch or keystroke; the browser-side watch
(``kiosk/helper.js``) shows the countdown overlay for the last ``countdown_seconds`` of it and
then reports ``expired`` to the server (``kiosk.page.expired``). The thank-you screen has its
own, shorter limit. No server timer runs while a tablet waits.
"""

from __future__ import annotations

import time
from collections.abc import Callable

THANKS_SECONDS = 20  # the thank-you screen clears itself after this long


def countdown_seconds(idle_seconds: int, warning_seconds: int) -> int:
    """How long the "are you still there?" countdown runs: the configured warning, but never
    more than half the idle time (so 30 s idle still leaves 15 s of quiet before it)."""
    return max(1, min(warning_seconds, idle_seconds // 2))


Clock = Callable[[], float]
clock: Clock = time.monotonic
