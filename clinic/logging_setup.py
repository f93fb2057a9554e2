"""Logging for the app and its tools, with patient data kept out of every log line.

``configure_logging(settings)`` is called once per script run by ``app.py`` (it is cheap and
idempotent). It does three things:

1. One handler on the root logger, at ``settings.log_level``; Streamlit's own loggers are made
   to propagate to it instead of printing on their own.
2. Loggers of libraries whose DEBUG output carries data (SQLAlchemy logs statement parameters
   and rows; Streamlit, uvicorn and websockets log message payloads) stay at INFO or above
   even when the clinic asks for DEBUG; SQLAlchemy stays at WARNING.
3. A log-record factory (so it covers every logger, including ones created later) that
   rewrites any message that looks like answers, withholds SQLAlchemy's parameter and row
   lines (an engine made with ``echo`` logs them), and withholds the message of any exception
   that is not an infrastructure error (the traceback's frames stay; a ``ValueError``'s text
   may hold what a patient typed).

Our own code logs ids, counts and codes, never values: this is the last line, not the first.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback

from clinic.config import Settings
from questionnaire.bank import load_bank

HANDLER_NAME = "screener"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted: looked like patient answers]"
WITHHELD = "[message withheld: it may hold patient data]"
SQL_VALUES = "[SQL parameters or rows withheld]"

# Libraries whose DEBUG (or INFO) output carries payloads, SQL parameters or rows.
CAPPED_LOGGERS = {
    "sqlalchemy": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "streamlit": logging.INFO,
    "uvicorn": logging.INFO,
    "uvicorn.access": logging.WARNING,
    "uvicorn.error": logging.INFO,
    "starlette": logging.INFO,
    "websockets": logging.INFO,
    "tornado": logging.INFO,
    "watchdog": logging.INFO,
    "fpdf": logging.WARNING,
    "PIL": logging.INFO,
    "openpyxl": logging.WARNING,
    "psycopg": logging.INFO,
    "asyncio": logging.INFO,
}

# Exceptions whose text the system writes (paths, errno, lock and disk messages), kept in logs.
INFRASTRUCTURE_ERRORS = ("OSError", "TimeoutError", "OperationalError", "DatabaseError",
                         "IntegrityError", "InterfaceError", "ConfigError", "InvalidTag",
                         "KeyboardInterrupt", "SystemExit", "MemoryError")

_ITEM_PREFIXES = sorted({item.id.split(".")[0] for item in load_bank().items})
# An item id followed by a value: 'patient.name': 'Ana', "ha.days": 20, ha.days=20, rf.x -> yes
_PREFIX = "|".join(map(re.escape, _ITEM_PREFIXES))
_ID_WITH_VALUE = re.compile(r"""["']?\b(?:""" + _PREFIX + r""")\.[a-z0-9_]+\b["']?"""
                            r"""\s*(?::|=|->)\s*(?=["'\[{(\d\-]|yes\b|no\b|unsure\b)""")
# Streamlit protobuf text of widget values, and SQLAlchemy's bound parameters.
_PAYLOAD = re.compile(r"widget_states|\b(?:string|int|double|bool|json|bytes|arrow)(?:_array)?_value\s*[:{]"
                      r"|string_trigger_value|\[parameters:|\bsession_state\b")
_ISO_DATE = re.compile(r"\b(?:1[89]|20)\d\d-[01]\d-[0-3]\d\b")
_SQL_PARAMETERS = re.compile(r"\[parameters:.*?\](?=\s*(?:\(|\[|$))", re.S)


def redact(message: str) -> str:
    """``message`` with anything that looks like patient answers removed.

    An answers-shaped message (an item id with a value, a widget payload, SQL parameters) is
    replaced whole; an ISO date (a birth date) is masked in place.
    """
    if _ID_WITH_VALUE.search(message) or _PAYLOAD.search(message):
        return REDACTED
    return _ISO_DATE.sub("[date]", message)


def _withhold_message(exc: traceback.TracebackException) -> None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        kinds = {cls.__name__ for cls in exc.exc_type.__mro__} if exc.exc_type else set()
        if not kinds & set(INFRASTRUCTURE_ERRORS):
            exc._str = WITHHELD  # noqa: SLF001 - the formatted text, the only way to replace it
        else:
            exc._str = _ISO_DATE.sub("[date]", _SQL_PARAMETERS.sub("[parameters withheld]", exc._str))  # noqa: SLF001
        exc = exc.__cause__ or exc.__context__


def safe_exception_text(exc_info) -> str:
    """The traceback of ``exc_info`` with exception messages withheld unless infrastructure."""
    _, value, tb = exc_info
    te = traceback.TracebackException(type(value), value, tb, capture_locals=False)
    _withhold_message(te)
    return "".join(te.format()).rstrip("\n")


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    if record.name.startswith("sqlalchemy.engine") and record.args:
        # SQLAlchemy logs a statement with no args, then its parameters and rows as args.
        record.msg, record.args = SQL_VALUES, ()
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep only the template
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = safe_exception_text(record.exc_info)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def _install_record_factory() -> None:
    current = logging.getLogRecordFactory()
    if getattr(current, "screener_redacting", False):
        return

    def factory(*args, **kwargs):
        return _scrub(current(*args, **kwargs))

    factory.screener_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _route_streamlit_loggers() -> None:
    """Streamlit's loggers print on their own handler; send them through the root instead."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger) or not name.startswith("streamlit"):
            continue
        handler = getattr(logger, "streamlit_console_handler", None)
        if handler is not None:
            logger.removeHandler(handler)
        logger.propagate = True


def _set_level(logger: logging.Logger, level: int) -> None:
    if logger.level != level:  # setLevel clears every logger's cache: only when it changes
        logger.setLevel(level)


def _cap(level: int) -> None:
    for name, floor in CAPPED_LOGGERS.items():
        _set_level(logging.getLogger(name), max(level, floor))
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.startswith("streamlit."):
            _set_level(logger, max(level, logging.INFO))


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, a service's log)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(settings: Settings) -> logging.Handler:
    """Set up logging for ``settings.log_level``; returns the root handler it installed."""
    level = logging.getLevelName(settings.log_level.upper())
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = _StderrHandler()
        handler.set_name(HANDLER_NAME)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    _set_level(root, level)
    handler.setLevel(level)
    _install_record_factory()
    _route_streamlit_loggers()
    _cap(level)
    return handler
