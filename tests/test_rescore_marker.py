"""A re-score is never a new alert (clinical-core.md, "Triage" and "Reading a version 2
document"): a result saved later by ``python -m clinic rescore`` (Store.save_result) is marked as a
re-score in storage (migration 9, SQLite and PostgreSQL) and wherever it is shown: the detail view,
today's list, the PDF header and the CSV/XLSX ``rescore`` column. The result saved at submit time
stays an original, with its own rules_version."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from browser import artifacts, chromium, list_widths, log_in_to_workspace, screenshot, streamlit_app  # noqa: F401 (fixtures)
from pypdf import PdfReader
from sqlalchemy import insert, text
from test_scoring_rescore import V2_RESULT
from test_scoring_upgrade import V2_SUBMISSION
from test_storage_cli import clinic, env_for, settings_for
from test_workspace_apptest import log_in, new_app, open_submission, shown_text, store  # noqa: F401
from test_workspace_data import add_user

from clinic.config import Settings, load_settings
from clinic.store_cli import rescore
from export.pdf import to_pdf
from export.tabular import columns, to_csv
from questionnaire.bank import load_bank
from scoring import RULES_VERSION
from storage import NewSubmission, open_store
from storage import listing as list_columns
from storage import rows as sealing
from storage.crypto import KeyRing, format_keys, new_key
from storage.engine import make_engine
from storage.migrations import RESCORE, migrate, schema_version
from storage.schema import submissions
from workspace.ui import md

V2_RULES = "2026.11.24.1"
ORIGINAL = {"triage": "routine", "indications": [], "red_flags": [], "safety": [], "notes": [], "peg": 2.0,
            "rules_version": "r-original"}
LATER = {**ORIGINAL, "triage": "review", "rules_version": "r-later"}
WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _open(url: str, tmp_path, key):
    return open_store(Settings(database_url=url, key_file=str(tmp_path / "unused"),
                               encryption_keys=format_keys([key])))


def _submit(store, name: str, result: dict | None, answers: dict | None = None, when=WHEN) -> str:  # noqa: F811
    answers = answers or {"patient.name": name, "patient.birth_date": "1950-03-01"}
    return store.save_submission(NewSubmission(
        answers=answers, language="en", questionnaire_version="q-test", submitted_at=when, result=result,
        rules_version=result and result["rules_version"]))


def test_a_result_saved_at_submit_is_an_original_and_a_later_one_a_rescore(url, tmp_path):
    key = new_key()
    db = _open(url, tmp_path, key)
    sid = _submit(db, "Rosa Rescored", ORIGINAL)
    kept = _submit(db, "Otto Original", ORIGINAL)
    assert db.get_submission(sid).rescored is False
    db.save_result(sid, LATER, "r-later")
    again = db.get_submission(sid)
    assert (again.rescored, again.rules_version, again.triage) == (True, "r-later", "review")
    assert [(r["rescore"], r["rules_version"]) for r in db.results_of(sid)] == [
        (False, "r-original"), (True, "r-later")]
    assert db.get_submission(kept).rescored is False
    page = db.list_page(WHEN - timedelta(days=1), WHEN + timedelta(days=1))
    assert {r.name: r.rescored for r in page.rows} == {"Rosa Rescored": True, "Otto Original": False}
    db.close()


def test_migration_9_marks_every_result_of_a_version_8_database_an_original(url, tmp_path):
    key = new_key()
    ring = KeyRing([key], "test")
    engine = make_engine(url)
    assert migrate(engine, upto=RESCORE - 1) == list(range(1, RESCORE))
    sid = "b" * 32
    answers = {"patient.name": "Vera Eight", "patient.birth_date": "1944-04-04"}
    scored_at = sealing.ts(WHEN)
    with engine.begin() as conn:
        conn.execute(insert(submissions).values(
            id=sid, submitted_at=sealing.ts(WHEN), stored_at=sealing.ts(WHEN), language="en",
            questionnaire_version="q8", key_id=key.id, answers_enc=sealing.seal_answers(ring, sid, answers),
            patient_enc=sealing.seal_patient(ring, sid, answers)))
        for version in ("r-first", "r-second"):  # two results stored at version 8 (the second by a re-score)
            conn.execute(_v8_result(sid, scored_at, version, key, ring))
    engine.dispose()
    db = _open(url, tmp_path, key)
    assert schema_version(db.engine) == RESCORE
    assert [(r["rescore"], r["rules_version"]) for r in db.results_of(sid)] == [
        (False, "r-first"), (False, "r-second")]  # version 8 never told them apart: originals
    assert db.get_submission(sid).rescored is False
    db.save_result(sid, LATER, "r-later")
    assert db.get_submission(sid).rescored is True
    db.close()


def _v8_result(sid, scored_at, version, key, ring):
    """An INSERT of a result as the version-8 schema had it (no rescore column)."""
    clear = list_columns.result_columns(ORIGINAL)
    names = ["submission_id", "scored_at", "rules_version", "key_id", "result_enc", *clear]
    values = {"submission_id": sid, "scored_at": scored_at, "rules_version": version, "key_id": key.id,
              "result_enc": sealing.seal_result(ring, sid, scored_at, ORIGINAL), **clear}
    return text(f"INSERT INTO results ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
                ).bindparams(**values)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_v2_document_rescored_by_the_command_shows_as_a_rescore_under_v3_rules(tmp_path):
    db = open_store(settings_for(tmp_path))
    sid = db.save_submission(NewSubmission(
        answers=V2_SUBMISSION, language="es", questionnaire_version="2026.11.24", submitted_at=WHEN,
        result=V2_RESULT, rules_version=V2_RULES))
    other = _submit(db, "Otto Original", ORIGINAL)
    db.close()
    done = clinic("rescore", "--all", env=env_for(tmp_path))
    assert done.returncode == 0, done.stderr
    db = open_store(settings_for(tmp_path))
    stored = db.results_of(sid)
    sub, kept = db.get_submission(sid), db.get_submission(other)
    db.close()
    assert [(r["rescore"], r["rules_version"]) for r in stored] == [(False, V2_RULES), (True, RULES_VERSION)]
    assert stored[0]["result"].as_stored() == V2_RESULT  # the original v2 result keeps its own version
    assert (sub.rescored, sub.rules_version) == (True, RULES_VERSION)
    assert kept.rescored is True  # --all re-scores every submission
    header, *lines = _csv_rows(to_csv([sub], load_bank()))
    assert header == columns(load_bank()) and header[-2:] == ["void", "rescore"]
    assert lines[0][-1] == "yes" and lines[0][header.index("rules_version")] == RULES_VERSION
    page = " ".join(PdfReader(io.BytesIO(to_pdf(sub, load_bank()))).pages[0].extract_text().split())
    assert f"Re-scored under rules {RULES_VERSION}: not a new alert" in page


def test_an_original_result_says_no_rescore_in_csv_and_pdf(tmp_path):
    db = open_store(settings_for(tmp_path))
    sub = db.get_submission(_submit(db, "Otto Original", ORIGINAL))
    db.close()
    header, *lines = _csv_rows(to_csv([sub], load_bank()))
    assert lines[0][header.index("rescore")] == "no"
    page = " ".join(PdfReader(io.BytesIO(to_pdf(sub, load_bank()))).pages[0].extract_text().split())
    assert "Re-scored" not in page


def test_the_list_and_the_detail_mark_a_rescore_and_not_an_original(store):  # noqa: F811
    add_user(store, "alice")
    today = datetime.now(UTC) - timedelta(minutes=5)
    rescored = store.save_submission(NewSubmission(
        answers={**V2_SUBMISSION, "patient.name": "Rosa Rescored"}, language="es",
        questionnaire_version="2026.11.24", submitted_at=today, result=V2_RESULT, rules_version=V2_RULES))
    assert rescore(argparse.Namespace(all=False), load_settings()) == 0  # nothing unscored: no change
    assert store.get_submission(rescored).rescored is False
    assert rescore(argparse.Namespace(all=True), load_settings()) == 0  # the command's own function
    original = _submit(store, "Otto Original", ORIGINAL, when=today - timedelta(minutes=1))
    at = log_in(new_app(), "alice")
    rows = at.dataframe[0].value.set_index("Name")
    assert str(rows.loc["Rosa Rescored", "Triage"]).endswith("·R")
    assert not str(rows.loc["Otto Original", "Triage"]).endswith("·R")
    open_submission(at, rescored)
    said = [e.value for e in at.info]  # Markdown with our md() escapes: compare the escaped text
    assert md(f"Re-scored later under rules {RULES_VERSION}: not a new alert.") in said
    assert any(md(f"Shown as scored by rules {RULES_VERSION}") in c.value for c in at.caption)
    at = open_submission(log_in(new_app(), "alice"), original)
    page = shown_text(at)
    assert md("Re-scored later") not in page and "Re-scored later" not in page


@pytest.mark.browser
@pytest.mark.slow
def test_the_rescore_mark_still_fits_the_list_on_a_tablet(streamlit_app, chromium):  # noqa: F811
    """The longest triage text, "Routine · CI ·R", in headless chromium at 820 px: no sideways scroll."""
    from patients import BACK_EN
    from test_workspace_browser import PASSWORD, USERNAME, _settings
    from test_workspace_data import save

    db = open_store(_settings(streamlit_app.env))
    try:
        add_user(db, USERNAME, password=PASSWORD)
        for n in range(3):
            answers = {**BACK_EN, "patient.name": f"Carmen Contraindicada {n}", "safety.toxin_allergy": "yes"}
            sid = save(db, answers, datetime.now(UTC) - timedelta(minutes=5 + n))
            # as a v2 result could read
            routine = {**db.get_submission(sid).result.as_stored(), "triage": "routine"}
            db.save_result(sid, routine, RULES_VERSION)  # a later re-score
    finally:
        db.close()
    page = chromium.new_page(viewport={"width": 820, "height": 1180})
    log_in_to_workspace(page, streamlit_app.url, USERNAME, PASSWORD)
    page.get_by_text("Carmen Contraindicada 0").first.wait_for(timeout=30_000, state="attached")
    page.get_by_text("Routine · CI ·R").first.wait_for(timeout=10_000, state="attached")
    page.wait_for_timeout(1500)
    screenshot(page, artifacts("rescore-list") / "01-tablet-list-rescored.png")
    widths = list_widths(page)
    assert widths[0] <= widths[1], f"the list scrolls sideways at 820 px: {widths}"
