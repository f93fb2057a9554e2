"""The export formats, one row each: the command line and the workspace both read this table.

A row names the format (``id``, what ``--format`` takes and the audit log records), the words on
the workspace's button (``label`` for one submission, ``list_label`` for a list), the file's
extension and MIME type, whether it is offered for one submission, for a list, or both, and its
streaming writer (``"module:function"``, imported only when that format is made). A writer takes
an iterable of submissions and a binary file and writes as it goes, one submission at a time, so
memory stays flat as the count grows. Adding a format is one module plus one row here; the CLI's
``--format`` choices and the workspace's buttons come from this table and nothing else.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

ONE, LIST = "one", "list"
Progress = Callable[[int], None]  # called with how many submissions are written so far


@dataclass(frozen=True)
class Format:
    id: str
    label: str  # the workspace button for one submission
    list_label: str  # the workspace button for a list
    extension: str
    mime: str
    scopes: frozenset[str]
    writer: str  # "module:function" writing (submissions, binary file)
    single: str | None = None  # "module:function" writing one submission as such (not a list of one)

    def write(self, subs: Iterable, out: BinaryIO, progress: Progress | None = None) -> None:
        """Write ``subs`` to ``out`` as they come; ``progress(n)`` now and then."""
        _load(self.writer)(_counted(subs, progress), out)

    def to_bytes(self, subs: Iterable, progress: Progress | None = None) -> bytes:
        out = io.BytesIO()
        self.write(subs, out, progress)
        return out.getvalue()

    def one_to_bytes(self, sub) -> bytes:
        """The file of one submission (a FHIR QuestionnaireResponse, a JSON object, one page)."""
        out = io.BytesIO()
        if self.single:
            _load(self.single)(sub, out)
        else:
            self.write([sub], out)
        return out.getvalue()


def _load(path: str) -> Callable:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def _counted(subs: Iterable, progress: Progress | None, every: int = 100) -> Iterator:
    n = 0
    for n, sub in enumerate(subs, start=1):
        yield sub
        if progress and n % every == 0:
            progress(n)
    if progress:
        progress(n)


BOTH = frozenset({ONE, LIST})
FORMATS: tuple[Format, ...] = (
    Format("csv", "CSV", "CSV", "csv", "text/csv", frozenset({LIST}), "export.tabular:write_csv"),
    Format("xlsx", "Excel", "Excel", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({LIST}),
           "export.tabular:write_xlsx"),
    Format("json", "JSON", "JSON", "json", "application/json", BOTH, "export.jsondoc:write_json",
           "export.jsondoc:write_one"),
    Format("fhir", "FHIR", "FHIR bundle", "fhir.json", "application/fhir+json", BOTH,
           "export.fhir:write_bundle", "export.fhir:write_response"),
    Format("fhir-transaction", "FHIR for the EHR", "FHIR for the EHR", "transaction.fhir.json",
           "application/fhir+json", BOTH, "export.fhir_transaction:write_transaction"),
    Format("pdf", "PDF", "PDF", "pdf", "application/pdf", BOTH, "export.pdf:write_pdf"),
)
BY_ID = {f.id: f for f in FORMATS}


def get(format_id: str) -> Format:
    try:
        return BY_ID[format_id]
    except KeyError:
        raise ValueError(f"format must be one of {', '.join(BY_ID)}, got {format_id!r}") from None


def offered(scope: str) -> tuple[Format, ...]:
    """The formats offered for one submission (``ONE``) or for a list (``LIST``), in table order."""
    return tuple(f for f in FORMATS if scope in f.scopes)


def ids(scope: str = LIST) -> tuple[str, ...]:
    return tuple(f.id for f in offered(scope))
