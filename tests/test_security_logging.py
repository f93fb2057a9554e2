"""Issue 5 item 6: no health data in logs (clinic/logging_setup.py), unit level.

The full-flow checks (a whole kiosk visit at DEBUG, the scoring command line) live in
tests/test_security_logflow.py.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from clinic.config import Settings
from clinic.logging_setup import REDACTED, WITHHELD, configure_logging, redact

NAME = "Zuleika Oyelaran-Quispe"
BIRTH = "1961-07-23"
TYPED = "my neck pulls to the left since the accident"


@pytest.fixture
def debug_logging():
    """Logging configured at DEBUG for one test, then put back as it was."""
    root = logging.getLogger()
    saved = (logging.getLogRecordFactory(), list(root.handlers), root.level)
    saved_loggers = {name: (lg.level, lg.propagate, list(lg.handlers))
                     for name, lg in logging.Logger.manager.loggerDict.items()
                     if isinstance(lg, logging.Logger)}
    handler = configure_logging(Settings(log_level="DEBUG"))
    yield handler
    factory, handlers, level = saved
    logging.setLogRecordFactory(factory)
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (lvl, propagate, hs) in saved_loggers.items():
        lg = logging.getLogger(name)
        lg.setLevel(lvl)
        lg.propagate = propagate
        lg.handlers[:] = hs


@pytest.mark.parametrize(("message", "expected"), [
    ('{"patient.name": "Ana", "ha.days": 20}', REDACTED),
    ("answers={'patient.birth_date': '1961-07-23'}", REDACTED),
    ("ha.days=20", REDACTED),
    ("'rf.thunderclap': 'yes'", REDACTED),
    ("rf.thunderclap -> unsure", REDACTED),
    ('widget_states { widgets { id: "k" string_value: "Ana" } }', REDACTED),
    ("INSERT INTO submission VALUES (?) [parameters: ('Ana',)]", REDACTED),
    ("session_state dump", REDACTED),
    ("born 1961-07-23, seen today", "born [date], seen today"),
    # Item ids with messages (what a validation error names) and ordinary lines stay readable.
    *[(line, line) for line in ["ha.days: Please enter a whole number from 0 to 30"]],
    ("submission 6f1c stored in 12 ms", "submission 6f1c stored in 12 ms"),
    ("invalid items: ha.days, patient.name", "invalid items: ha.days, patient.name"),
])
def test_redact(message, expected):
    assert redact(message) == expected


def _emit_everything(tmp_path) -> None:
    answers = {"patient.name": NAME, "patient.birth_date": BIRTH, "visit.concern": TYPED, "ha.days": 20}
    logging.getLogger("kiosk.page").debug("submitting %s", answers)
    logging.getLogger("workspace.review").info("opened %r", answers)
    logging.getLogger("streamlit.runtime.app_session").debug(
        'back message: widget_states { widgets { string_value: "%s" } }', NAME)
    logging.getLogger("sqlalchemy.engine.Engine").info("[parameters: ('%s',)]", NAME)
    logging.getLogger("sqlalchemy.engine.Engine").debug("row ('%s', '%s')", NAME, BIRTH)
    # A real engine with echo: SQLAlchemy logs statements, parameters and rows.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'log.db'}", echo="debug")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (name TEXT, born TEXT, concern TEXT)"))
        conn.execute(sa.text("INSERT INTO t VALUES (:n, :b, :c)"), {"n": NAME, "b": BIRTH, "c": TYPED})
        conn.execute(sa.text("SELECT * FROM t")).all()
    engine.dispose()
    try:
        int(NAME)
    except ValueError:
        logging.getLogger("kiosk.page").exception("could not read the form")
    try:
        raise RuntimeError(f"failed for {NAME} born {BIRTH}")
    except RuntimeError:
        logging.getLogger("streamlit.error_util").error("Uncaught app execution", exc_info=True)


def test_debug_logging_holds_no_patient_data(debug_logging, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    _emit_everything(tmp_path)
    out, err = capfd.readouterr()
    logged = "\n".join(caplog.messages) + "\n" + caplog.text + out + err
    for secret in (NAME, BIRTH, TYPED, "Oyelaran"):
        assert secret not in logged, f"{secret!r} reached the log"
    # The lines are still there, redacted, and the tracebacks keep their frames and types.
    assert REDACTED in err and WITHHELD in err
    assert "ValueError" in err and "RuntimeError" in err and "_emit_everything" in err
    assert "could not read the form" in err and "Uncaught app execution" in err


def test_infrastructure_errors_keep_their_text(debug_logging, tmp_path, capfd):
    missing = tmp_path / "no-such-backup.db"
    try:
        missing.open()
    except FileNotFoundError:
        logging.getLogger("storage.backup").exception("backup failed")
    err = capfd.readouterr().err
    assert "No such file or directory" in err and "no-such-backup.db" in err


def test_data_carrying_libraries_stay_quiet_at_debug(debug_logging):
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("streamlit").getEffectiveLevel() >= logging.INFO
    from streamlit.logger import get_logger

    assert get_logger("streamlit.runtime.app_session").getEffectiveLevel() >= logging.INFO or \
        not get_logger("streamlit.runtime.app_session").propagate


def test_configure_is_idempotent(debug_logging):
    again = configure_logging(Settings(log_level="WARNING"))
    root = logging.getLogger()
    assert again is debug_logging
    assert [h for h in root.handlers if h.get_name() == "screener"] == [again]
    assert root.level == logging.WARNING and again.level == logging.WARNING
