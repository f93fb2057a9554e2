"""The router: the patient kiosk is the default page; staff pages sit behind a login.

Pages hold layout and call the packages; this file only decides which pages exist.
"""

import logging

import streamlit as st

from clinic.config import ConfigError
from clinic.logging_setup import configure_logging
from clinic.runtime import settings, store
from kiosk.page import kiosk_page
from storage import KeyMissing
from workspace.router import staff_pages

st.set_page_config(page_title="Clinic check-in", layout="centered", initial_sidebar_state="collapsed")
try:
    configure_logging(settings())
except ConfigError as exc:  # a bad setting: refuse to start, naming it
    st.error("The screener cannot start: a setting is wrong. / No se puede iniciar: un ajuste es incorrecto.")
    st.code(str(exc), language=None)
    st.stop()

try:
    store()  # opened once per process: migrations, and the key (created on a first start)
except KeyMissing as exc:  # encrypted data but no key, or the wrong one: refuse, clearly
    st.error("The screener cannot start. Please ask the clinic's IT. / No se puede iniciar.")
    st.code(str(exc), language=None)
    st.stop()
except Exception as exc:  # noqa: BLE001 - unreachable for now: each page reports its own failure
    logging.getLogger("app").error("storage not reachable (%s)", type(exc).__name__)

pages = [st.Page(kiosk_page, title="Check-in", url_path="checkin", default=True), *staff_pages()]
st.navigation(pages, position="hidden").run()
