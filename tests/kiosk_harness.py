"""The whole app for AppTest, plus the one thing only a browser does: report that the idle time
is up. A test sets ``st.session_state["harness.expired"] = True`` and runs; the kiosk's own
callback (``kiosk.page.expired``, the one the browser-side watch triggers) runs first."""

import runpy
from pathlib import Path

import streamlit as st

from kiosk import page

if st.session_state.pop("harness.expired", False):
    page.expired()
runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
