"""Small Streamlit pieces the staff pages share: safe Markdown for our own text, download rows."""

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


_FRESH_SECONDS = 30  # a file made but not handed over in that run (the page changed) is dropped


def download_row(downloads: Sequence[Download], staff: Staff, key: str) -> None:
    """One button per export. A click makes the file (and audits it) in the run it starts, and
    the bytes reach this session's browser over its WebSocket: no ``/media/`` URL exists."""
    store = runtime.store()
    pending = f"{key}_file"
    columns = st.columns(max(len(downloads), 1))
    for column, download in zip(columns, downloads, strict=False):
        column.button(download.label, key=f"{key}_{download.format}_{download.label}",
                      icon=":material/download:", width="stretch", on_click=_make_file,
                      args=(download, store, staff.username, pending))
    made = st.session_state.pop(pending, None)
    if isinstance(made, Download):  # the export could not be made: say which, nothing is sent
        st.error(f"The {made.label} file could not be made. Please try again or ask the clinic's IT.")
    elif made is not None and time.monotonic() - made[0] < _FRESH_SECONDS:  # made by this very run
        _, file_name, mime, data = made
        deliver_file(data, file_name, mime, key=f"{key}_deliver")


def _make_file(download: Download, store, username: str, pending: str) -> None:
    """The button's callback, at the start of the run its click starts: build, audit, hand over."""
    try:
        data = audited(download, store, username)()
    except Exception as exc:  # noqa: BLE001 - an export that fails is reported, never half-sent
        logging.getLogger("workspace.downloads").error("export %s failed (%s)", download.format,
                                                       type(exc).__name__)
        st.session_state[pending] = download
        return
    st.session_state[pending] = (time.monotonic(), download.file_name, download.mime, data)
