"""In a real browser (Playwright on Debian's chromium) against `streamlit run app.py`: a clinician
opens today's submission of a returning patient, confirms the suggested link to last month's
visit under an MRN, and reads the change in headache days against NICE TA260's 30% rule.
Screenshots (820x1180) go to test-artifacts/returning/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from browser import (  # noqa: F401 (fixtures)
    artifacts,
    chromium,
    link_visits_by_mrn,
    log_in_to_workspace,
    open_first_row,
    screenshot,
    settle,
    streamlit_app,
)
from test_corrections_apptest import BASELINE, TREATED
from test_workspace_data import PASSWORD, add_user, minutes_ago, save

from clinic.config import Settings
from storage import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _store(env: dict):
    return open_store(Settings(database_url=env["SCREENER_DATABASE_URL"], key_file=env["SCREENER_KEY_FILE"]))


def _shot(page, name: str) -> None:
    settle(page)
    screenshot(page, artifacts("returning", clean=False) / f"{name}.png")


def test_linking_todays_visit_to_last_months_and_reading_the_change(streamlit_app, chromium):  # noqa: F811
    artifacts("returning")
    store = _store(streamlit_app.env)
    try:
        add_user(store, "dr.lee")
        last_month = save(store, BASELINE, minutes_ago(5) - timedelta(days=30))
        today = save(store, TREATED, minutes_ago(5))
    finally:
        store.close()
    page = chromium.new_page(viewport={"width": 820, "height": 1180})
    log_in_to_workspace(page, streamlit_app.url, "dr.lee", PASSWORD)
    open_first_row(page, "1 submission(s)")
    page.get_by_text("Returning patient").wait_for(timeout=30_000)
    page.get_by_text("Suggested link: 1 earlier visit(s)").scroll_into_view_if_needed()
    _shot(page, "01-suggested-link")
    body = link_visits_by_mrn(page, "MRN-2026-17",
                              "20 → 13 headache days a month (35% fewer) after 2 cycles: meets NICE TA260")
    _shot(page, "02-visit-history")
    assert "Visit history (2 visits" in body and "MRN: MRN-2026-17" in body
    assert "Patient-reported (this visit): 30-49% fewer" in body
    assert "Suggested link" not in body
    assert page.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 1
    store = _store(streamlit_app.env)
    try:
        assert store.mrn_of(today) == store.mrn_of(last_month) == "MRN-2026-17"
        assert ("dr.lee", "link_visits", f"{today} +1") in [(e.actor, e.action, e.target)
                                                            for e in store.audit_events()]
    finally:
        store.close()


def test_voiding_a_submission_and_undoing_reviewed(streamlit_app, chromium):  # noqa: F811
    """Undo "reviewed", then void with a reason: the detail says VOID, the list hides it until
    "Show voided" is on, and it is then marked VOID."""
    store = _store(streamlit_app.env)
    try:
        add_user(store, "dr.lee")
        sid = save(store, TREATED, minutes_ago(5))
        store.mark_reviewed(sid, "dr.kim")
    finally:
        store.close()
    page = chromium.new_page(viewport={"width": 820, "height": 1180})
    log_in_to_workspace(page, streamlit_app.url, "dr.lee", PASSWORD)
    open_first_row(page, "1 submission(s) · 0 urgent · 0 not reviewed yet")
    page.get_by_role("button", name="Undo reviewed").click()
    page.get_by_role("button", name="Mark reviewed").wait_for(timeout=30_000)
    settle(page)
    page.get_by_text("Void this submission").first.click()
    page.get_by_role("textbox", name="Reason for voiding").fill("test entry, not a patient")
    page.get_by_role("button", name="Void submission").click()
    page.get_by_text("VOID: voided by dr.lee").wait_for(timeout=30_000)
    page.get_by_text("test entry, not a patient").wait_for(timeout=10_000)
    _shot(page, "03-voided-detail")
    page.get_by_role("link", name="Today's list").first.click()
    page.get_by_text("0 submission(s)").wait_for(timeout=30_000)
    page.get_by_text("Show voided").click()
    page.get_by_text("1 submission(s) · 0 urgent · 1 not reviewed yet").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    _shot(page, "04-list-with-voided")
    store = _store(streamlit_app.env)
    try:
        events = [(e.actor, e.action, e.target) for e in store.audit_events()]
        assert ("dr.lee", "undo_review", sid) in events and ("dr.lee", "void_submission", sid) in events
        assert store.get_submission(sid).reviewed_by is None
    finally:
        store.close()
