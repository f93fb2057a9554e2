"""The clinician flow in a real browser (Playwright on Debian's chromium) against `streamlit run app.py`:
create an account with the command line, log in, find a Spanish-speaking patient, open her
submission, read why chronic migraine was suggested, and download PDF, JSON, FHIR, CSV, Excel and
the FHIR bundle, each opened by its own reader. Screenshots go to test-artifacts/workspace/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import (  # noqa: F401 (fixtures)
    artifacts,
    chromium,
    create_clinician,
    list_widths,
    log_in_to_workspace,
    screenshot,
    settle,
    streamlit_app,
)
from patients import BACK_EN, MIGRAINE_ES, URGENT_EN
from test_workspace_data import minutes_ago, save

from clinic.config import Settings
from storage import open_store

ROOT = Path(__file__).resolve().parent.parent
USERNAME, PASSWORD = "dr.garcia@clinic.org", "una contraseña bastante larga"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _settings(env: dict) -> Settings:
    return Settings(database_url=env["SCREENER_DATABASE_URL"], key_file=env["SCREENER_KEY_FILE"])


def _download(page, button_name: str, folder: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button_name, exact=True).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def _shot(page, name: str) -> None:
    settle(page)
    screenshot(page, artifacts("workspace", clean=False) / f"{name}.png")


def test_clinician_flow_in_a_browser(streamlit_app, chromium, tmp_path):  # noqa: F811
    artifacts("workspace")  # start with no old screenshots
    env = streamlit_app.env
    created = create_clinician(env, USERNAME, PASSWORD)
    assert created.returncode == 0, created.stderr
    store = open_store(_settings(env))
    try:
        maria = save(store, MIGRAINE_ES, minutes_ago(4))
        save(store, BACK_EN, minutes_ago(9))
        save(store, URGENT_EN, minutes_ago(25))
        reasons = next(i for i in store.get_submission(maria).result.to_dict()["indications"]
                       if i["id"] == "chronic_migraine")["reasons"]
    finally:
        store.close()

    page = chromium.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page.goto(streamlit_app.url + "/staff")
    page.get_by_role("textbox", name="Username").fill(USERNAME)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    _shot(page, "01-login")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("3 submission(s) · 1 urgent · 3 not reviewed yet").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    _shot(page, "02-todays-list")

    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="Spanish").click()
    page.keyboard.press("Escape")
    page.get_by_text("1 submission(s) · 0 urgent · 1 not reviewed yet").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    # Another Spanish speaker submits while the clinician looks: a click still opens the row seen.
    store = open_store(_settings(env))
    try:
        save(store, {**URGENT_EN, "patient.name": "Zoe Nueva", "patient.language": "es"}, minutes_ago(0))
    finally:
        store.close()
    table = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    page.mouse.click(table["x"] + 15, table["y"] + 35 + 17)  # the first row's selection box
    page.get_by_text("In the patient's own words").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    _shot(page, "03-detail")
    body = page.locator("body").inner_text()
    assert "ibuprofeno 400 mg" in body and "URGENT" not in body  # María's, not the newcomer's
    assert "Chronic migraine" in body and "FDA-approved" in body
    for reason in reasons:
        assert reason["text"] in body, reason["text"]
    assert "**bold** [link](http://x) <b>x</b>" in body

    folder = tmp_path / "downloads"
    folder.mkdir()
    pdf = _download(page, "PDF", folder)
    from pypdf import PdfReader
    text = PdfReader(pdf).pages[0].extract_text()
    assert "María José Peña" in text and "Chronic migraine" in text
    doc = json.loads(_download(page, "JSON", folder).read_text(encoding="utf-8"))
    assert doc["answers"]["patient.name"] == "María José Peña"
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    raw = _download(page, "FHIR", folder).read_bytes()
    response = QuestionnaireResponse.model_validate_json(raw)
    assert response.get_resource_type() == "QuestionnaireResponse" and '"linkId": "ha.days"' in raw.decode()

    page.get_by_role("link", name="Today's list").click()
    page.get_by_text("2 submission(s) · 1 urgent · 2 not reviewed yet").wait_for(timeout=30_000)
    page.get_by_text("Spanish").first.wait_for()  # the language filter is kept across pages
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="English").click()
    page.keyboard.press("Escape")
    page.get_by_text("4 submission(s) · 2 urgent · 4 not reviewed yet").wait_for(timeout=30_000)
    page.get_by_text("Export this list").click()
    page.get_by_role("button", name="Prepare the files").click()
    page.get_by_text("4 submission(s)", exact=True).wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    _shot(page, "04-list-exports")
    import openpyxl
    import pandas as pd
    table = pd.read_csv(_download(page, "CSV", folder), dtype=str)
    assert sorted(table["patient.name"]) == ["Ann Urgent", "María José Peña", "Tom Baker", "Zoe Nueva"]
    sheet = openpyxl.load_workbook(_download(page, "Excel", folder)).worksheets[0]
    assert sheet.max_row == 5
    bundle = Bundle.model_validate_json(_download(page, "FHIR bundle", folder).read_bytes())
    kinds = [e.resource.get_resource_type() for e in bundle.entry]  # the Questionnaire, its CodeSystems,
    assert (kinds[0], kinds.count("QuestionnaireResponse")) == ("Questionnaire", 4)  # the four responses
    assert len(PdfReader(_download(page, "PDF", folder)).pages) == 4

    page.get_by_role("button", name="Log off").click()
    page.get_by_text("You are logged off.").wait_for(timeout=30_000)
    _shot(page, "05-logged-off")
    store = open_store(_settings(env))
    try:
        events = [(e.actor, e.action, e.target) for e in store.audit_events()]
    finally:
        store.close()
    exports = sorted(t for a, action, t in events if action == "export" and a == USERNAME)
    assert exports == sorted([f"pdf:{maria}", f"json:{maria}", f"fhir:{maria}", "csv:list of 4",
                              "xlsx:list of 4", "fhir:list of 4", "pdf:list of 4"])
    assert (USERNAME, "view_submission", maria) in events and (USERNAME, "logoff", "button") in events


def test_the_list_is_live_and_fits_a_tablet(streamlit_app, chromium):  # noqa: F811
    """Logged in on a tablet-size screen: every column of the list is visible without scrolling
    sideways; a submission saved by another process appears without a reload, and an urgent one
    is announced."""
    env = streamlit_app.env
    created = create_clinician(env, USERNAME, PASSWORD)
    assert created.returncode == 0, created.stderr
    store = open_store(_settings(env))
    try:
        save(store, MIGRAINE_ES, minutes_ago(4))
        save(store, BACK_EN, minutes_ago(9))
        save(store, {**BACK_EN, "patient.name": "Carmen Contraindicada", "safety.toxin_allergy": "yes"},
             minutes_ago(12))
    finally:
        store.close()
    page = chromium.new_page(viewport={"width": 820, "height": 1180})
    log_in_to_workspace(page, streamlit_app.url, USERNAME, PASSWORD)
    page.get_by_text("3 submission(s) · 0 urgent · 3 not reviewed yet").wait_for(timeout=30_000)
    page.get_by_text("Carmen Contraindicada").first.wait_for(timeout=10_000, state="attached")
    page.wait_for_timeout(1500)
    screenshot(page, artifacts("workspace-list") / "01-tablet-list.png")
    widths = list_widths(page)
    assert widths[0] <= widths[1], f"the list scrolls sideways at 820 px: {widths}"
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    store = open_store(_settings(env))  # another process saves while the clinician looks
    try:
        save(store, {**URGENT_EN, "patient.name": "Lola Late"}, minutes_ago(0))
    finally:
        store.close()
    page.get_by_text("New URGENT submission (1)").wait_for(timeout=10_000)
    page.get_by_text("4 submission(s) · 1 urgent · 4 not reviewed yet").wait_for(timeout=10_000)
    page.get_by_text("Lola Late").first.wait_for(timeout=10_000, state="attached")
    assert page.evaluate("window.__sameDocument === true")  # no reload happened
    page.wait_for_timeout(500)
    screenshot(page, artifacts("workspace-list", clean=False) / "02-urgent-arrived.png")
