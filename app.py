"""The router: the patient kiosk is the default page; staff pages sit behind a login.

Pages hold layout and call the packages; this file only decides which pages exist.
"""

import logging

import streamlit as st

from clinic.config import ConfigError
from clinic.logging_setup import configure_logging
from clinic.runtime import settings, store
from clinic.web import frame_guard
from kiosk.page import kiosk_page
from storage import KeyMissing
from workspace.router import sso_identity, staff_pages

st.set_page_config(page_title="Clinic check-in", layout="centered", initial_sidebar_state="collapsed")
frame_guard()  # clickjacking: the page hides itself when another site frames it

try:
    configure_logging(settings())  # ConfigError: a setting that cannot work (e.g. replicas)
    store()  # opened once per process: migrations, and the key (created on a first start)
except (ConfigError, KeyMissing) as exc:  # refuse, clearly: the message names what to set
    logging.getLogger("app").error("the screener cannot start: %s", exc)
    st.error("The screener cannot start. Please ask the clinic's IT. / No se puede iniciar.")
    st.code(str(exc), language=None, wrap_lines=True)
    st.stop()
except Exception as exc:  # noqa: BLE001 - a database that cannot be reached (PostgreSQL down, a full
    # disk): logged by type only; the kiosk and every staff page then report their own failure
    logging.getLogger("app").error("storage not reachable (%s)", type(exc).__name__)

staff_browser = sso_identity()  # back from single sign-on: the root opens the workspace, not the kiosk
pages = [st.Page(kiosk_page, title="Check-in", url_path="checkin", default=not staff_browser),
         *staff_pages(default_login=staff_browser)]
st.navigation(pages, position="hidden").run()
