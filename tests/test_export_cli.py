"""``python -m clinic export`` in a subprocess, against a real SQLite store."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import patients
import pytest
from fhir.resources.R4B.bundle import Bundle
from openpyxl import load_workbook
from pypdf import PdfReader

from clinic.config import Settings
from export import fhir
from scoring import RULES_VERSION, score
from storage import NewSubmission, open_store

ROOT = Path(__file__).resolve().parent.parent

PATIENTS = [  # (name, day of November 2026, extra answers)
    ("José Núñez Peña", 20, patients.MIGRAINE | {"patient.language": "es"}),
    ("=HYPERLINK(\"http://x\")", 21, {}),
    ("Ana Thunder", 22, {"rf.thunderclap": "yes"}),
    ("+1 Late", 25, {}),
]


@pytest.fixture
def clinic_env(tmp_path):
    """A store with four scored submissions, and the environment that points a subprocess at it."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_file=str(tmp_path / "secret.key"))
    store = open_store(settings)
    for name, day, extra in PATIENTS:
        doc = patients.answers(patient__name=name) | extra
        when = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
        result = score(doc, when.date()).to_dict()
        store.save_submission(NewSubmission(answers=doc, language=doc["patient.language"],
                                            questionnaire_version="2026.11.1", submitted_at=when,
                                            result=result, rules_version=RULES_VERSION))
    store.close()
    env = dict(os.environ, SCREENER_DATABASE_URL=settings.database_url, SCREENER_KEY_FILE=settings.key_file)
    return settings, env


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clinic", "export", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _audit(settings):
    store = open_store(settings)
    try:
        return [e for e in store.audit_events() if e.action == "export"]
    finally:
        store.close()


def test_csv_export_of_a_date_range_is_audited_without_answers(clinic_env, tmp_path):
    settings, env = clinic_env
    out = tmp_path / "nov.csv"
    done = run(env, "--format", "csv", "--since", "2026-11-20", "--until", "2026-11-22", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "exported 3 submission(s) as csv" in done.stdout
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    expected = ["José Núñez Peña", "'=HYPERLINK(\"http://x\")", "Ana Thunder"]
    assert sorted(frame["patient.name"]) == sorted(expected)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    events = _audit(settings)
    assert [(e.action, e.target) for e in events] == [("export", "csv:list of 3")]
    assert events[0].actor.startswith("cli:")
    assert "José" not in events[0].target and "HYPERLINK" not in events[0].target


def test_triage_filter_and_xlsx(clinic_env, tmp_path):
    _, env = clinic_env
    out = tmp_path / "urgent.xlsx"
    done = run(env, "--format", "xlsx", "--since", "2026-11-01", "--triage", "urgent", "--out", str(out))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out)["Submissions"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert [r[header.index("patient.name")] for r in rows[1:]] == ["Ana Thunder"]
    assert rows[1][header.index("triage")] == "urgent"


def test_json_and_fhir_exports_read_back(clinic_env, tmp_path):
    _, env = clinic_env
    assert run(env, "--format", "json", "--since", "2026-11-20", "--language", "es",
               "--out", str(tmp_path / "es.json")).returncode == 0
    data = json.loads((tmp_path / "es.json").read_text(encoding="utf-8"))
    assert [d["answers"]["patient.name"] for d in data] == ["José Núñez Peña"]
    assert data[0]["result"]["indications"][0]["id"] == "chronic_migraine"

    done = run(env, "--format", "fhir", "--since", "2026-11-20", "--until", "2026-11-30",
               "--out", str(tmp_path / "all.json"))
    assert done.returncode == 0, done.stderr
    bundle = Bundle.model_validate_json((tmp_path / "all.json").read_bytes())
    responses = [e.resource for e in bundle.entry
                 if e.resource.get_resource_type() == "QuestionnaireResponse"]
    names = {fhir.answers_from_response(r)["patient.name"] for r in responses}
    assert names == {name for name, _, _ in PATIENTS}


def test_pdf_export_has_one_page_per_submission(clinic_env, tmp_path):
    _, env = clinic_env
    out = tmp_path / "day.pdf"
    done = run(env, "--format", "pdf", "--since", "2026-11-20", "--until", "2026-11-22", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    assert len(pages) == 3
    texts = " ".join(p.extract_text() for p in pages)
    assert "José Núñez Peña" in texts and "URGENT" in texts


def test_pdf_with_nothing_to_print_writes_nothing(clinic_env, tmp_path):
    _, env = clinic_env
    out = tmp_path / "none.pdf"
    done = run(env, "--format", "pdf", "--since", "2026-10-01", "--until", "2026-10-31", "--out", str(out))
    assert done.returncode == 1 and "nothing written" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "docx", "--since", "2026-11-01"], "--format: invalid choice: 'docx' (choose from"),
    (["--format", "csv", "--since", "24/11/2026"], "argument --since: must be a date written YYYY-MM-DD"),
    (["--format", "csv", "--since", "2026-02-30"], "argument --since: must be a date written YYYY-MM-DD"),
    (["--format", "csv", "--since", "2026-11-01", "--until", "tomorrow"], "argument --until: must be a date"),
    (["--format", "csv", "--since", "2026-11-05", "--until", "2026-11-01"], "(2026-11-05) must not be"),
    (["--format", "csv", "--since", "2026-11-01", "--triage", "soon"],
     "argument --triage: got soon; allowed: urgent, review, routine"),
    (["--format", "csv"], "the following arguments are required: --since"),
])
def test_bad_options_exit_2_naming_the_option(clinic_env, tmp_path, args, message):
    _, env = clinic_env
    done = run(env, *args, "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "x.csv").exists()


def test_no_match_still_writes_a_valid_empty_export(clinic_env, tmp_path):
    settings, env = clinic_env
    out = tmp_path / "empty.csv"
    done = run(env, "--format", "csv", "--since", "2026-10-01", "--until", "2026-10-31", "--out", str(out))
    assert done.returncode == 0 and "exported 0 submission(s)" in done.stdout
    assert pd.read_csv(out, encoding="utf-8-sig").empty
    assert [e.target for e in _audit(settings)] == ["csv:list of 0"]


def test_existing_file_is_replaced_only_with_force(clinic_env, tmp_path):
    settings, env = clinic_env
    out = tmp_path / "keep.csv"
    out.write_text("old", encoding="utf-8")
    args = ["--format", "csv", "--since", "2026-11-01", "--until", "2026-11-30", "--out", str(out)]
    done = run(env, *args)
    assert done.returncode == 2 and "--force" in done.stderr
    assert out.read_text(encoding="utf-8") == "old"
    assert run(env, *args, "--force").returncode == 0
    assert "José" in out.read_text(encoding="utf-8-sig")
    assert [e.target for e in _audit(settings)] == ["csv:list of 4"]


def test_missing_folder_is_a_clear_error(clinic_env, tmp_path):
    _, env = clinic_env
    done = run(env, "--format", "json", "--since", "2026-11-01", "--out", str(tmp_path / "no" / "x.json"))
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_help_exits_0(clinic_env):
    _, env = clinic_env
    done = run(env, "--help")
    assert done.returncode == 0 and "{csv,xlsx,json,fhir,fhir-transaction,pdf}" in done.stdout  # the registry


def test_fhir_transaction_export_files_each_submission_with_its_patient(clinic_env, tmp_path):
    _, env = clinic_env
    done = run(env, "--format", "fhir-transaction", "--since", "2026-11-20", "--until", "2026-11-30",
               "--out", str(tmp_path / "tx.json"))
    assert done.returncode == 0, done.stderr
    bundle = Bundle.model_validate_json((tmp_path / "tx.json").read_bytes())
    assert bundle.type == "transaction"
    patients = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Patient"]
    assert {p.name[0].text for p in patients} == {name for name, _, _ in PATIENTS}
    assert {e.request.method for e in bundle.entry} == {"POST"}
