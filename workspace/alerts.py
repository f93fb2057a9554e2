"""Front-desk alerts on today's list: a kiosk tablet called for help (its name and the time only).

``front_desk_alerts(store, staff)`` is a fragment that re-runs every 5 seconds on its own, so a
call reaches a logged-in clinician within 10 s without reloading the page. Acknowledging one
closes it for everyone and is audited (``Store.acknowledge_alert``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import streamlit as st

REFRESH_SECONDS = 5
_LOG = logging.getLogger(__name__)


def _age(raised: datetime) -> str:
    seconds = max(0, int((datetime.now(UTC) - raised).total_seconds()))
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


def _acknowledge(store, alert_id: int, username: str) -> None:
    try:
        store.acknowledge_alert(alert_id, username)
    except Exception:  # noqa: BLE001 - the list shows the alert again on the next refresh
        _LOG.exception("acknowledging alert %s failed", alert_id)


@st.fragment(run_every=REFRESH_SECONDS)
def front_desk_alerts(store, staff) -> None:
    """Open alerts, newest call first, each with an Acknowledge button."""
    try:
        open_now = store.open_alerts()
    except Exception:  # noqa: BLE001 - never break the list over the alerts
        _LOG.exception("reading front-desk alerts failed")
        return
    with st.container(key="ws_alerts"):
        for alert in reversed(open_now):
            text, button = st.columns([4, 1], vertical_alignment="center")
            tablet = alert.tablet.replace("_", "\\_").replace(".", "\\.")  # plain text in Markdown
            local = alert.raised_at.astimezone().strftime("%H:%M:%S")
            text.error(f"Front desk called from tablet “{tablet}” at {local} ({_age(alert.raised_at)})",
                       icon=":material/support_agent:")
            button.button("Acknowledge", key=f"ws_alert_ack_{alert.id}", on_click=_acknowledge,
                          args=(store, alert.id, staff.username), width="stretch")
