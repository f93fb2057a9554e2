"""Exports offered by the workspace: each opens in its own reader and is audited when made."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from patients import BACK_EN, MIGRAINE_ES
from pypdf import PdfReader
from test_workspace_data import minutes_ago, save, store  # noqa: F401

from workspace import downloads


def _events(store):  # noqa: F811
    return [(e.actor, e.action, e.target) for e in store.audit_events()]


def test_submission_downloads_open_and_are_audited_only_when_made(store):  # noqa: F811
    sid = save(store, MIGRAINE_ES, minutes_ago(2))
    sub = store.get_submission(sid)
    offered = {d.format: d for d in downloads.for_submission(sub)}
    assert set(offered) == {"pdf", "json", "fhir", "fhir-transaction"}  # the registry's ONE formats
    assert _events(store) == []  # offering a button writes nothing
    made = {f: downloads.audited(d, store, "alice")() for f, d in offered.items()}
    assert "María José Peña" in PdfReader(io.BytesIO(made["pdf"])).pages[0].extract_text()
    assert json.loads(made["json"])["answers"] == MIGRAINE_ES
    assert QuestionnaireResponse.model_validate_json(made["fhir"]).status
    assert json.loads(made["fhir-transaction"])["type"] == "transaction"
    expected = [("alice", "export", f"{f}:{sid}") for f in ("pdf", "json", "fhir", "fhir-transaction")]
    assert sorted(_events(store)) == sorted(expected)
    assert offered["fhir"].file_name.endswith(".fhir.json") and offered["pdf"].mime == "application/pdf"


def test_list_downloads_open_and_name_only_the_count(store):  # noqa: F811
    hostile = {**BACK_EN, "patient.name": '=HYPERLINK("x")'}
    subs = [store.get_submission(save(store, answers, minutes_ago(n)))
            for n, answers in enumerate((MIGRAINE_ES, BACK_EN, hostile))]
    offered = {d.label: d for d in downloads.for_list(subs, "2026-11-24")}
    assert list(offered) == ["CSV", "Excel", "JSON", "FHIR bundle", "FHIR for the EHR", "PDF"]
    made = {label: downloads.audited(d, store, "bob")() for label, d in offered.items()}
    table = pd.read_csv(io.BytesIO(made["CSV"]), dtype=str)
    assert sorted(table["patient.name"]) == sorted(["María José Peña", "Tom Baker", "'=HYPERLINK(\"x\")"])
    sheet = openpyxl.load_workbook(io.BytesIO(made["Excel"])).worksheets[0]
    assert sheet.max_row == 4 and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    kinds = [e.resource.get_resource_type() for e in Bundle.model_validate_json(made["FHIR bundle"]).entry]
    assert kinds.count("QuestionnaireResponse") == 3 and kinds[0] == "Questionnaire"  # + its CodeSystems
    assert len(PdfReader(io.BytesIO(made["PDF"])).pages) == 3
    targets = [t for _, action, t in _events(store) if action == "export"]
    assert [d["answers"]["patient.name"] for d in json.loads(made["JSON"])] == [s.name for s in subs]
    assert json.loads(made["FHIR for the EHR"])["type"] == "transaction"
    formats = ("csv", "xlsx", "json", "fhir", "fhir-transaction", "pdf")
    assert sorted(targets) == sorted(f"{f}:list of 3" for f in formats)
    assert all("HYPERLINK" not in t and "Peña" not in t for t in targets)


def test_a_failed_export_is_not_audited(store):  # noqa: F811
    broken = downloads.for_list([], "empty")[-1]  # a PDF of nothing cannot be made
    with pytest.raises(ValueError, match="no submissions"):
        downloads.audited(broken, store, "alice")()
    assert _events(store) == []


# ----------------------------------------------------------------- in a real browser (issue 11.3)
# A click hands the file to this session's browser over its WebSocket; no /media/ URL is made.
# The test records every request the page makes, then asks for the file both ways: with the
# session's cookies after the download (nothing there within a few seconds) and with none (never).
USERNAME, PASSWORD = "dr.garcia@clinic.org", "una contraseña bastante larga"


def _fetch(context, url: str) -> str:
    """What ``url`` answers to a request from ``context``: the body, or "" when nothing is there.

    An http(s) URL goes through the context's own request client (its cookies, or none); a
    ``blob:`` URL can only be fetched by a page, so one of the context's pages asks for it."""
    if not url.startswith("blob:"):
        answer = context.request.get(url)
        return answer.text() if answer.status == 200 else ""
    page = context.pages[0] if context.pages else context.new_page()
    return page.evaluate("u => fetch(u).then(r => r.ok ? r.text() : '', () => '')", url)


def _gone_within(context, url: str, file_text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _fetch(context, url) != file_text:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.browser
@pytest.mark.slow
def test_a_download_reaches_only_the_session_and_then_is_gone(tmp_path):
    from browser import (
        create_clinician,
        launched_chromium,
        log_in_to_workspace,
        open_first_row,
        require_chromium,
        running_app,
        settle,
    )

    from clinic.config import Settings
    from storage import open_store

    require_chromium()
    with running_app(tmp_path) as app, launched_chromium() as browser:
        env = app.env
        made = create_clinician(env, USERNAME, PASSWORD)
        assert made.returncode == 0, made.stderr
        settings = Settings(database_url=env["SCREENER_DATABASE_URL"], key_file=env["SCREENER_KEY_FILE"])
        db = open_store(settings)
        sid = save(db, MIGRAINE_ES, minutes_ago(3))
        db.close()

        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page = context.new_page()
        served: list[tuple[str, str]] = []  # (url, Content-Disposition) of every /media/ answer
        page.on("response", lambda r: "/media/" in r.url.replace("/static/media/", "")
                and served.append((r.url, r.headers.get("content-disposition", ""))))
        log_in_to_workspace(page, app.url, USERNAME, PASSWORD)
        open_first_row(page, "1 submission(s)")
        page.get_by_text("In the patient's own words").wait_for(timeout=30_000)
        settle(page)

        stranger = browser.new_context()  # no cookie, no session
        for label, check in (("JSON", lambda raw: json.loads(raw)["answers"]["patient.name"]),
                             ("FHIR", lambda raw: QuestionnaireResponse.model_validate_json(raw).status)):
            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name=label, exact=True).click()
            download = info.value
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            assert check(target.read_bytes())  # the real file arrived, whole
            url, file_text = download.url, target.read_text(encoding="utf-8")
            assert _fetch(stranger, url) != file_text, f"{label}: {url} answers without a cookie"
            assert _gone_within(context, url, file_text, seconds=5), f"{label}: {url} still answers"
            assert _fetch(stranger, url) != file_text
            if url.startswith("blob:"):  # and no server URL by that id either, both ways
                for who in (context, stranger):
                    assert _fetch(who, f"{app.url}/media/{url.rsplit('/', 1)[-1]}") != file_text
        settle(page)
        assert not [u for u, disposition in served if "attachment" in disposition], served
        db = open_store(settings)
        try:
            events = [(e.actor, e.action, e.target) for e in db.audit_events()]
        finally:
            db.close()
        assert ("dr.garcia@clinic.org", "export", f"json:{sid}") in events
        assert ("dr.garcia@clinic.org", "export", f"fhir:{sid}") in events
        stranger.close()
        context.close()


# ----------------------------------------------------------------- a long export shows progress
def _download_page():
    from datetime import UTC, datetime

    from export_load import submissions

    from workspace import downloads, ui
    from workspace.session import Staff
    staff = Staff(username="dr.garcia", role="clinician", via="password", last_activity=datetime.now(UTC))
    ui.download_row(downloads.for_list(list(submissions(120)), "t"), staff, "k")


def test_a_long_list_export_shows_its_progress_and_is_audited(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from clinic.config import load_settings
    from storage import open_store
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'progress.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "progress.key"))
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    at = AppTest.from_function(_download_page, default_timeout=60).run()
    assert not at.exception and not at.get("status")  # nothing is made before a click
    at.button(key="k_xlsx_Excel").click().run()
    assert not at.exception, at.exception
    (status,) = at.get("status")
    assert status.label == "Excel file ready"
    (bar,) = at.get("progress")
    assert bar.value == 100 and bar.proto.text == "120 of 120 · done"
    opened = open_store(load_settings())
    try:
        assert [e.target for e in opened.audit_events() if e.action == "export"] == ["xlsx:list of 120"]
    finally:
        opened.close()
