"""When an unattended kiosk warns, and when it erases the session. Pure, with an injectable clock.

A visit is ``active`` until ``idle_seconds - warning_seconds`` have passed since the last
touch, then ``warn`` (the page shows a countdown and an "I am still here" button), then
``expired`` at ``idle_seconds``: the page clears the whole session for the next patient.
The thank-you screen has its own, shorter limit (``THANKS_SECONDS``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

ACTIVE, WARN, EXPIRED = "active", "warn", "expired"
THANKS_SECONDS = 20  # the thank-you screen clears itself after this long
TICK_SECONDS = 2  # how often the page checks the clock


@dataclass(frozen=True)
class IdleState:
    status: str  # ACTIVE, WARN or EXPIRED
    seconds_left: int  # whole seconds until the reset (0 when expired)


def idle_state(last_activity: float, now: float, idle_seconds: float, warning_seconds: float) -> IdleState:
    """The idle status of a visit last touched at ``last_activity``, seen at ``now``."""
    if not 0 < warning_seconds < idle_seconds:
        raise ValueError("warning_seconds must be between 0 and idle_seconds")
    left = idle_seconds - max(0.0, now - last_activity)
    if left <= 0:
        return IdleState(EXPIRED, 0)
    return IdleState(WARN if left <= warning_seconds else ACTIVE, math.ceil(left))


def thanks_expired(shown_at: float, now: float, limit: float = THANKS_SECONDS) -> bool:
    """True when the thank-you screen has been up for ``limit`` seconds."""
    return now - shown_at >= limit


Clock = Callable[[], float]
clock: Clock = time.monotonic
