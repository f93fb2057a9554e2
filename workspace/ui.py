"""Small Streamlit pieces the staff pages share: safe Markdown for our own text, download rows."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from clinic import runtime
from workspace.downloads import Download, audited
from workspace.session import Staff

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md(text: object) -> str:
    """Text with every Markdown character escaped: for our own and the scoring's words only.

    Patient text never goes through Markdown at all (st.code / st.dataframe instead).
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def download_row(downloads: Sequence[Download], staff: Staff, key: str) -> None:
    """One download button per export; the file is made (and audited) when clicked."""
    store = runtime.store()
    columns = st.columns(max(len(downloads), 1))
    for column, download in zip(columns, downloads, strict=False):
        column.download_button(
            download.label, data=audited(download, store, staff.username), file_name=download.file_name,
            mime=download.mime, key=f"{key}_{download.format}_{download.label}", on_click="ignore",
            icon=":material/download:", width="stretch")
