"""Issue 5 item 6 end to end: a whole kiosk visit at DEBUG logging leaves no health data in
any log output, and the scoring command line never echoes a typed value.

Every logger is captured: the root logger through caplog at DEBUG (Streamlit's loggers are
routed to it by clinic/logging_setup.py), and anything any library prints to the process's
standard output or error through capfd.
"""

from __future__ import annotations

import ast
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from patients import PATIENT_EN
from streamlit.testing.v1 import AppTest
from test_kiosk_apptest import APP, visit, walk_to_review
from test_security_logging import debug_logging  # noqa: F401 - fixture

from clinic.config import Settings
from clinic.logging_setup import configure_logging

ROOT = Path(__file__).resolve().parent.parent
NAME = "Wendeline Achterberg-Quispe"
BIRTH = "1957-03-29"
CONCERN = "pain behind my left eye since the car crash in Tulsa"
MEDS = "zolmitriptan 2.5 mg and propranolol"
ANSWERS = {**PATIENT_EN, "patient.name": NAME, "patient.birth_date": BIRTH,
           "visit.concern": CONCERN, "meds.list": MEDS}
SECRETS = (NAME, "Achterberg", BIRTH, CONCERN, "Tulsa", MEDS, "zolmitriptan")


def test_app_configures_logging():
    """app.py calls configure_logging, so the filter is in place before any page runs."""
    tree = ast.parse((ROOT / "app.py").read_text())
    called = {n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
              for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert "configure_logging" in called, "app.py must call clinic.logging_setup.configure_logging"


@pytest.fixture
def kiosk(tmp_path, monkeypatch, debug_logging):  # noqa: F811
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'logflow.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "logflow.key"))
    monkeypatch.setenv("SCREENER_LOG_LEVEL", "DEBUG")
    return AppTest.from_file(APP, default_timeout=30)


def _every_logger_to_debug() -> None:
    """The worst case: someone lifts every cap (SQLAlchemy parameters and rows, Streamlit)."""
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "streamlit", "asyncio"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.setLevel(logging.DEBUG)


@pytest.mark.parametrize("loudness", ["as configured", "every logger at DEBUG"])
def test_full_visit_at_debug_logs_no_health_data(kiosk, caplog, capfd, loudness):
    caplog.set_level(logging.DEBUG)
    at = kiosk.run()
    configure_logging(Settings(log_level="DEBUG"))  # as app.py does; again after its first run
    if loudness == "every logger at DEBUG":
        _every_logger_to_debug()
    walk_to_review(at, ANSWERS)
    at.button(key="submit").click().run()
    assert not at.exception
    assert visit(at).screen == "thanks"
    out, err = capfd.readouterr()
    logged = "\n".join([caplog.text, *(r.getMessage() for r in caplog.records), out, err])
    assert len(caplog.records) >= (20 if loudness == "every logger at DEBUG" else 1), \
        "too little was logged: is the capture working?"
    if loudness == "every logger at DEBUG":  # the statement that carried the answers was logged
        assert any("INSERT INTO submissions" in r.getMessage() for r in caplog.records)
    leaks = [s for s in SECRETS if s in logged]
    assert not leaks, f"health data in the logs: {leaks}"
    for value in ("4h_to_1d", "beta_blocker", "'ha.days': 20", '"ha.days": 20'):
        assert value not in logged, f"an answer reached the logs: {value}"


def test_scoring_cli_names_items_but_never_echoes_values(tmp_path):
    doc = {"patient.name": NAME + "\u0007", "patient.birth_date": "31/12/1957", "ha.any": "yes",
           "ha.days": CONCERN, "visit.concern": 12, "meds.list": MEDS + "\x00"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    proc = subprocess.run([sys.executable, "-m", "scoring", str(path), "--as-of", "2026-11-24"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    for item_id in ("patient.name", "patient.birth_date", "ha.days", "visit.concern", "meds.list"):
        assert item_id in proc.stderr
    leaks = [s for s in (*SECRETS, "31/12/1957") if s in proc.stderr]
    assert not leaks, f"stderr echoes typed values: {leaks}\n{proc.stderr}"
