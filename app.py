"""The router: the patient kiosk is the default page; staff pages sit behind a login.

Pages hold layout and call the packages; this file only decides which pages exist.
"""

import logging

import streamlit as st

from clinic.logging_setup import configure_logging
from clinic.runtime import settings, store
from kiosk.page import kiosk_page
from storage import KeyMissing
from workspace.router import sso_identity, staff_pages

configure_logging(settings())
st.set_page_config(page_title="Clinic check-in", layout="centered", initial_sidebar_state="collapsed")

try:
    store()  # opened once per process: migrations, and the key (created on a first start)
except KeyMissing as exc:  # encrypted data but no key, or the wrong one: refuse, clearly
    st.error("The screener cannot start. Please ask the clinic's IT. / No se puede iniciar.")
    st.code(str(exc), language=None)
    st.stop()
except Exception as exc:  # noqa: BLE001 - unreachable for now: each page reports its own failure
    logging.getLogger("app").error("storage not reachable (%s)", type(exc).__name__)

staff_browser = sso_identity()  # back from single sign-on: the root opens the workspace, not the kiosk
pages = [st.Page(kiosk_page, title="Check-in", url_path="checkin", default=not staff_browser),
         *staff_pages(default_login=staff_browser)]
st.navigation(pages, position="hidden").run()
