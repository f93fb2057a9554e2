"""Small Streamlit pieces the staff pages share: safe Markdown for our own text, download rows,
and the table's code loaded early."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence

import streamlit as st

from clinic import runtime
from clinic.web import deliver_file
from workspace.downloads import Download, audited
from workspace.session import Staff

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md(text: object) -> str:
    """Text with every Markdown character escaped: for our own and the scoring's words only.

    Patient text never goes through Markdown at all (st.code / st.dataframe instead).
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def warm_up_grid() -> None:
    """An empty, hidden table on the login form, so that the browser loads and compiles the
    table's code (st.dataframe's grid, about 0.5 MB of JavaScript loaded on first use) while
    the person types: today's list then draws as soon as it arrives (bench/workspace_browser.py:
    from about 2 s to under 1 s after "Log in"). It holds no data."""
    import pandas as pd
    with st.container(key="ws_grid_warmup"):
        st.dataframe(pd.DataFrame({"": []}), height=40)
    st.html("<style>.st-key-ws_grid_warmup{display:none}</style>")


_FRESH_SECONDS = 30  # a click not handled in the run it started (the page changed) is dropped
_SHOW_PROGRESS_FROM = 50  # submissions; a smaller file is made before a bar could be read


def download_row(downloads: Sequence[Download], staff: Staff, key: str) -> None:
    """One button per export. A click makes the file (and audits it) in the run it starts, with
    a progress bar for a long list, and the bytes reach this session's browser over its
    WebSocket: no ``/media/`` URL exists."""
    pending = f"{key}_file"
    columns = st.columns(max(len(downloads), 1))
    for column, download in zip(columns, downloads, strict=False):
        column.button(download.label, key=f"{key}_{download.format}_{download.label}",
                      icon=":material/download:", width="stretch", on_click=_ask,
                      args=(download, pending))
    asked = st.session_state.pop(pending, None)
    if asked is not None and time.monotonic() - asked[0] < _FRESH_SECONDS:  # clicked in this very run
        download = asked[1]
        data = _make_file(download, runtime.store(), staff.username)
        if data is None:  # the export could not be made: say which, nothing is sent
            st.error(f"The {download.label} file could not be made. Please try again or ask the clinic's IT.")
        else:
            deliver_file(data, download.file_name, download.mime, key=f"{key}_deliver")


def _ask(download: Download, pending: str) -> None:
    st.session_state[pending] = (time.monotonic(), download)


def _make_file(download: Download, store, username: str) -> bytes | None:
    """Build and audit the file, showing progress while a long one is made; None when it failed."""
    if download.count < _SHOW_PROGRESS_FROM:
        return _built(download, store, username, None)
    with st.status(md(f"Making the {download.label} file of {download.count} submissions…")) as status:
        bar = st.progress(0.0)

        def progress(done: int) -> None:
            # Reading the submissions fills the bar to 95%; writing the file out (the PDF's
            # output, the workbook's zip) is the last step, and the bar says so.
            last = " · finishing the file…" if done >= download.count else ""
            bar.progress(min(done / download.count, 1.0) * 0.95, text=md(f"{done} of {download.count}{last}"))

        data = _built(download, store, username, progress)
        if data:
            bar.progress(1.0, text=md(f"{download.count} of {download.count} · done"))
        status.update(label=md(f"{download.label} file {'ready' if data else 'failed'}"),
                      state="complete" if data else "error")
    return data


def _built(download: Download, store, username: str, progress) -> bytes | None:
    try:
        return audited(download, store, username, progress)()
    except Exception as exc:  # noqa: BLE001 - an export that fails is reported, never half-sent
        logging.getLogger("workspace.downloads").error("export %s failed (%s)", download.format,
                                                       type(exc).__name__)
        return None
