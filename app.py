"""The router: the patient kiosk is the default page; staff pages sit behind a login.

Pages hold layout and call the packages; this file only decides which pages exist.
"""

import streamlit as st

from clinic.logging_setup import configure_logging
from clinic.runtime import settings
from kiosk.page import kiosk_page
from workspace.router import staff_pages

configure_logging(settings())
st.set_page_config(page_title="Clinic check-in", layout="centered", initial_sidebar_state="collapsed")

pages = [st.Page(kiosk_page, title="Check-in", url_path="checkin", default=True), *staff_pages()]
st.navigation(pages, position="hidden").run()
