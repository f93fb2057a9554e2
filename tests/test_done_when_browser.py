"""Issue 10's done-when, walked in a real browser (Playwright on Debian's chromium, 820x1180)
against `streamlit run app.py` over a store of a few hundred submissions (the 10,000 figure is
bench/workspace_browser.py's):

a clinician has today's list open; another process stores a new urgent submission; it appears
in the open list without a reload and is announced; the clinician opens it, links it to last
month's visit under an MRN and reads the change in headache days against NICE TA260; an admin
resets a colleague's password on the Accounts screen and the colleague logs in with the new one
(the old one no longer works). Screenshots go to test-artifacts/done-when/.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from browser import TABLET, artifacts, chromium, link_visits_by_mrn, screenshot, settle, streamlit_app  # noqa: F401 (fixtures)
from playwright.sync_api import expect
from strategies import random_document
from test_corrections_apptest import BASELINE, TREATED
from test_sso_browser import open_admin_page
from test_workspace_data import BANK, PASSWORD, add_user, minutes_ago, save

from clinic.config import Settings
from storage import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
STORED, TODAY = 300, 40
NEW_PASSWORD = "quiet orchard lantern 58 violet"
URGENT_RETURN = {**TREATED, "rf.thunderclap": "yes"}  # last month's patient, back with a thunderclap


def store_of(app):
    env = app.env
    return open_store(Settings(database_url=env["SCREENER_DATABASE_URL"], key_file=env["SCREENER_KEY_FILE"]))


def fill_clinic(store) -> None:
    """A few hundred valid, scored submissions over 60 days, TODAY of them today; last month's
    visit of the returning patient; a clinician, a colleague and an admin."""
    rng = random.Random(10)
    for n in range(STORED):
        when = minutes_ago(10 + n) if n < TODAY else minutes_ago(10) - timedelta(days=1 + rng.randrange(60))
        save(store, random_document(BANK, when.date(), rng, skip=0), when)
    save(store, BASELINE, minutes_ago(10) - timedelta(days=30))
    add_user(store, "dr.lee")
    add_user(store, "dr.kim")
    add_user(store, "ana.ruiz", role="admin")


def log_in(page, app, username: str, password: str = PASSWORD) -> None:
    page.goto(app.url + "/staff")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _shot(page, name: str) -> None:
    settle(page)
    screenshot(page, artifacts("done-when", clean=False) / f"{name}.png")


def _open_first_row(page) -> None:
    grid = page.locator("[class*='st-key-ws_table_'] [data-testid='stDataFrame']").first.bounding_box()
    page.mouse.click(grid["x"] + 15, grid["y"] + 36 + 14)  # the first row's marker (any row height)


def test_the_clinic_day_of_issue_10_in_a_browser(streamlit_app, chromium):  # noqa: F811
    artifacts("done-when")
    store = store_of(streamlit_app)
    try:
        fill_clinic(store)
    finally:
        store.close()
    clinician = chromium.new_page(viewport=TABLET)
    log_in(clinician, streamlit_app, "dr.lee")
    clinician.get_by_text(f"{TODAY} submission(s)").first.wait_for(timeout=30_000)
    settle(clinician)
    clinician.evaluate("window.__sameDocument = true")  # gone if the page reloads
    _shot(clinician, "01-todays-list")

    store = store_of(streamlit_app)  # another process: the kiosk's submission arrives
    try:
        arrived = save(store, URGENT_RETURN, minutes_ago(0))
        assert store.get_submission(arrived).triage == "urgent"
    finally:
        store.close()
    clinician.get_by_text("New URGENT submission (1)").wait_for(timeout=15_000)
    clinician.get_by_text("1 new urgent submission(s) arrived while this list was open").wait_for()
    clinician.get_by_text(f"{TODAY + 1} submission(s)").first.wait_for(timeout=10_000)
    assert clinician.evaluate("window.__sameDocument === true")  # no reload happened
    _shot(clinician, "02-urgent-announced")

    _open_first_row(clinician)  # urgent rows first, newest first: the new arrival
    clinician.get_by_text("Returning patient", exact=True).wait_for(timeout=30_000)
    identity = clinician.locator("[data-testid='stDataFrame']").first  # a canvas grid: its
    expect(identity).to_contain_text("María José Peña", timeout=10_000)  # cells come after paint
    assert "URGENT" in clinician.locator("body").inner_text()
    clinician.get_by_text("Suggested link: 1 earlier visit(s)").scroll_into_view_if_needed()
    _shot(clinician, "03-urgent-detail")
    body = link_visits_by_mrn(
        clinician, "MRN-2026-10",
        "20 → 13 headache days a month (35% fewer) after 2 cycles: meets NICE TA260's 30% reduction")
    _shot(clinician, "04-change-in-headache-days")
    assert "Visit history (2 visits" in body and "MRN: MRN-2026-10" in body
    clinician.get_by_role("link", name="Today's list").first.click()
    clinician.get_by_text(f"{TODAY + 1} submission(s)").first.wait_for(timeout=30_000)
    settle(clinician)
    assert not clinician.get_by_text("arrived while this list was open").count()  # opened: not waiting

    admin = chromium.new_page(viewport=TABLET)
    log_in(admin, streamlit_app, "ana.ruiz")
    admin.get_by_text("submission(s)").first.wait_for(timeout=30_000)
    open_admin_page(admin, "Accounts")
    admin.get_by_role("combobox", name="Account").click()
    admin.get_by_role("option", name="dr.kim", exact=True).click()
    settle(admin)
    reset = admin.locator("[data-testid='stForm']").filter(has_text="Reset the password")  # not "Create"
    reset.get_by_role("textbox", name="New password").fill(NEW_PASSWORD)
    reset.get_by_role("textbox", name="Same password again").fill(NEW_PASSWORD)
    reset.get_by_role("button", name="Set new password").click()
    admin.get_by_text("New password set for dr.kim").wait_for(timeout=30_000)
    _shot(admin, "05-password-reset")

    colleague = chromium.new_page(viewport=TABLET)
    log_in(colleague, streamlit_app, "dr.kim")  # the old password: refused
    colleague.get_by_text("Staff login").first.wait_for(timeout=30_000)
    settle(colleague)
    assert not colleague.get_by_text("submission(s)").count()
    store = store_of(streamlit_app)
    try:
        store.set_login_state("dr.kim", 0, None)  # the wrong try's short wait is over
    finally:
        store.close()
    log_in(colleague, streamlit_app, "dr.kim", NEW_PASSWORD)
    colleague.get_by_text(f"{TODAY + 1} submission(s)").first.wait_for(timeout=30_000)
    _shot(colleague, "06-colleague-logged-in")

    store = store_of(streamlit_app)
    try:
        events = [(e.actor, e.action, e.target) for e in store.audit_events()]
        assert store.mrn_of(arrived) == "MRN-2026-10"
    finally:
        store.close()
    assert ("dr.lee", "link_visits", f"{arrived} +1") in events
    assert ("ana.ruiz", "reset_password", "dr.kim") in events
    assert ("dr.kim", "login", "password") in events
