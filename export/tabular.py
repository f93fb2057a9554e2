"""CSV and Excel exports of a list of submissions: one row each, stable columns.

Columns, in this order (``columns(bank)`` lists them; docs/exports.md has the table):
    submission_id, submitted_at, language, questionnaire_version, rules_version, triage,
    reviewed, reviewed_by, reviewed_at, age,
    one column per bank item id in bank order (multi answers as "code;code"),
    one column per v2 question retired in v3 (stored v2 answers; empty for v3 submissions),
    peg, phq2, gad2, preventive_classes, preventive_class_names (";"),
    match.<indication>, suggested.<indication> (yes/no), evidence_direction.<indication>
    for the five indications in the fixed order,
    red_flags, red_flag_names, safety_flags, safety_flag_names (contraindications first), notes
    (ids joined with ";"; names in clinician words joined with " | "),
    comments (every clinician comment, newest first: "author, time: text", one per line).
The stored result is exported as it was scored (its own rules_version); what a version-2 result
lacks (suggested, evidence_direction) is derived by ``export.summary``.

Every text cell is neutralised against spreadsheet formula injection as OWASP recommends: a
cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading single
quote (and so does text that starts with a quote, so that one leading quote can always be
taken off again: ``restore``), and the CSV wraps every text field in double quotes. Excel
cells are written as strings (never formulas); line breaks are line feeds there (XML keeps no
carriage return) and the few control characters XML cannot hold become U+FFFD. Numbers stay
numbers; absent answers are empty cells.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rustpy_xlsxwriter import write_worksheets

from export import summary
from questionnaire.bank import Bank, load_bank
from vocabulary import Submission

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
META_COLUMNS = ("submission_id", "submitted_at", "language", "questionnaire_version", "rules_version",
                "triage", "reviewed", "reviewed_by", "reviewed_at", "age")
SCORE_COLUMNS = ("peg", "phq2", "gad2", "preventive_classes", "preventive_class_names")
INDICATION_COLUMNS = tuple(f"{kind}.{i}" for i in summary.INDICATIONS
                           for kind in ("match", "suggested", "evidence_direction"))
FLAG_COLUMNS = ("red_flags", "red_flag_names", "safety_flags", "safety_flag_names", "notes", "comments")
RESULT_COLUMNS = (*SCORE_COLUMNS, *INDICATION_COLUMNS, *FLAG_COLUMNS)
NAME_JOINER = " | "
XLSX_MAX_ROWS = 1_048_576  # rows in an Excel sheet, the header's included
# An Excel cell holds at most this many UTF-16 units; a longer text is cut with this note.
XLSX_CELL_LIMIT = 32_767
XLSX_CUT_NOTE = " … [cut at Excel's cell limit; the CSV and JSON exports hold the whole text]"
# Characters an .xlsx file cannot hold at all (XML 1.0); replaced by U+FFFD in Excel only.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PROC_FD = Path("/proc/self/fd")  # a path to an open file, as the writer takes a path
_COPY_CHUNK = 1 << 20

Cell = str | int | float | None


def neutralise(value: Cell) -> Cell:
    """A text cell a spreadsheet will show as text, never run as a formula; numbers unchanged.

    Text that already starts with a quote gets one more, so the rule can always be undone:
    a leading quote in an exported text cell is ours; take exactly one off (``restore``).
    """
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def restore(cell: str) -> str:
    """The text as typed, from a neutralised text cell."""
    return cell[1:] if cell.startswith(QUOTE) else cell


def columns(bank: Bank | None = None) -> list[str]:
    bank = bank or load_bank()
    return [*META_COLUMNS, *(item.id for item in bank.items), *bank.retired, *RESULT_COLUMNS, "void",
            "rescore"]


def _answer_cell(value: object) -> Cell:
    kind = type(value)
    if kind is str or kind is int or value is None:  # the common answers, first
        return value
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):  # never valid, but never let it pass as the number 1
        return str(value).lower()
    return value if isinstance(value, int | float | str) or value is None else str(value)


def _indication_cells(sub: Submission) -> list[Cell]:
    matches, directions = summary.matches(sub), summary.directions(sub)
    suggested = summary.suggested_by_indication(sub)
    cells: list[Cell] = []
    for ind in summary.INDICATIONS:
        flag = suggested[ind]
        cells += [matches[ind], None if flag is None else ("yes" if flag else "no"), directions[ind]]
    return cells


def _flag_cells(sub: Submission, bank: Bank) -> list[Cell]:
    red = sub.result.red_flags if sub.result is not None else ()
    safety = summary.safety_in_order(sub.result)
    comments = "\n".join(f"{c.author}, {c.written_at.isoformat()}: {c.text}"
                          for c in sorted(sub.comments, key=lambda c: c.version, reverse=True))
    return [";".join(f.id for f in red), NAME_JOINER.join(summary.red_flag_words(bank, f) for f in red),
            ";".join(f.id for f in safety),
            NAME_JOINER.join(f"{f.level.value.upper()}: {summary.safety_words(bank, f)}" for f in safety),
            ";".join(summary.ids(sub, "notes")), comments]


def row(sub: Submission, bank: Bank) -> list[Cell]:
    """One submission as raw cells (not yet neutralised), in ``columns(bank)`` order."""
    meta = [sub.id, sub.submitted_at.isoformat(), sub.language, sub.questionnaire_version,
            sub.rules_version, summary.triage(sub), "yes" if sub.reviewed_at else "no", sub.reviewed_by,
            sub.reviewed_at.isoformat() if sub.reviewed_at else None, summary.age(sub)]
    given = sub.answers
    answers = [_answer_cell(given.get(item_id)) for item_id in _item_ids(bank)]
    retired = [_answer_cell(given.get(r)) for r in bank.retired]
    scores = summary.derived_scores(sub)
    score_cells = [scores[k] for k in SCORE_COLUMNS[:4]] + [";".join(scores["preventive_class_names"])]
    return (meta + answers + retired + score_cells + _indication_cells(sub) + _flag_cells(sub, bank)
            + ["yes" if sub.void else "no", "yes" if sub.rescored else "no"])  # last: no column moves


def _item_ids(bank: Bank) -> tuple[str, ...]:
    return tuple(item.id for item in bank.items)


_TRIGGERS = frozenset((*FORMULA_TRIGGERS, QUOTE))


def _neutralised(cells: list[Cell], empty: Cell) -> list[Cell]:
    """``neutralise`` over a row, written for speed (the per-cell cost of a 10,000-row export);
    ``None`` becomes ``empty``."""
    out = []
    for value in cells:
        if type(value) is str:
            out.append(QUOTE + value if value and value[0] in _TRIGGERS else value)
        else:
            out.append(empty if value is None else value)
    return out


def rows(submissions: Iterable[Submission], bank: Bank | None = None) -> Iterator[list[Cell]]:
    """Neutralised rows, header first, made one at a time as the submissions come."""
    bank = bank or load_bank()
    yield from _rows(submissions, bank, None)


def _rows(submissions: Iterable[Submission], bank: Bank, empty: Cell) -> Iterator[list[Cell]]:
    yield columns(bank)
    for sub in submissions:
        yield _neutralised(row(sub, bank), empty)


def write_csv(submissions: Iterable[Submission], out: BinaryIO, bank: Bank | None = None) -> None:
    """UTF-8 CSV with a byte-order mark (so Excel reads the accents), CRLF line ends, row by row."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerows(_rows(submissions, bank or load_bank(), ""))
    text.flush()
    text.detach()


def to_csv(submissions: Iterable[Submission], bank: Bank | None = None) -> bytes:
    out = io.BytesIO()
    write_csv(submissions, out, bank)
    return out.getvalue()


def _xlsx_text(value: str) -> str:
    """XML keeps no carriage return (a reader turns it into a line feed): write line feeds."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _XLSX_ILLEGAL.sub("\ufffd", value)
    if len(value) > XLSX_CELL_LIMIT // 2 and len(value.encode("utf-16-le")) // 2 > XLSX_CELL_LIMIT:
        value = _cut_to_cell(value)
    return value


def _cut_to_cell(value: str) -> str:
    """A text longer than an Excel cell holds (the writer would refuse the whole file): cut,
    and say so in the cell."""
    room = XLSX_CELL_LIMIT - len(XLSX_CUT_NOTE) - 2  # UTF-16 units; an astral character is 2
    kept = value.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
    return kept + XLSX_CUT_NOTE


def _xlsx_cells(cells: list[Cell]) -> list[Cell]:
    """One row's cells as the workbook takes them: neutralised as in every table
    (``_neutralised``), text mended (``_xlsx_text``) only where a control character (a carriage
    return among them) or great length needs it, a number that is not finite as its text;
    absent stays ``None`` (not written: a reader sees an empty cell)."""
    return [_xlsx_value(v) for v in _neutralised(cells, None)]


def _xlsx_value(value: Cell) -> Cell:
    if type(value) is str:
        if not value.isprintable() or len(value) > XLSX_CELL_LIMIT // 2:  # printable: no CR
            return _xlsx_text(value)
    elif type(value) is float and not math.isfinite(value):
        return str(value)
    return value


def _within_sheet(submissions: Iterable[Submission]) -> Iterator[Submission]:
    """The submissions, refused at the first one past the sheet's last row (the export then
    fails with this message before any byte of the workbook is written)."""
    for number, sub in enumerate(submissions, start=1):
        if number >= XLSX_MAX_ROWS:
            raise ValueError(f"an Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} submissions; "
                             "export this many as CSV or JSON")
        yield sub


def _submission_records(header: list[str], submissions: Iterable[Submission], bank: Bank) -> Iterator[dict]:
    """The sheet's rows as the writer takes them: one dict a submission, keyed by every column
    in order (the writer takes the header from the first dict's keys and places every later
    dict's values by position, so each dict holds every column, absent ones as ``None``)."""
    for sub in _within_sheet(submissions):
        yield dict(zip(header, _xlsx_cells(row(sub, bank)), strict=True))


def write_xlsx(submissions: Iterable[Submission], out: BinaryIO, bank: Bank | None = None) -> None:
    """An .xlsx workbook, streamed: sheet "Submissions" (the rows, bold frozen header) and sheet
    "Columns" (id -> label), written by rust_xlsxwriter (rustpy-xlsxwriter) in its
    constant-memory mode. Every text is a string cell (no formula, link or number is guessed
    from text), every number a number.

    No patient's row is left on disk: the writer streams the rows to an anonymous temporary
    file (Linux ``O_TMPFILE``: it never has a name in any directory, and it is gone when closed,
    however the export ends), and the finished workbook is made in another such file and then
    copied to ``out`` (handed a Python file, the writer would build the whole zip in memory)."""
    bank = bank or load_bank()
    header = columns(bank)
    records = _submission_records(header, submissions, bank)
    first = next(records, None)  # no submission: a dict of absent cells writes the header alone
    body = itertools.chain([first], records) if first is not None else iter([dict.fromkeys(header)])
    _save([("Submissions", body), ("Columns", _legend(bank))], out)


def _save(sheets: list[tuple[str, Iterator[dict]]], out: BinaryIO) -> None:
    options = {"freeze_panes": {"Submissions": {"row": 1, "col": 1}}, "bold_headers": True,
               "column_widths": {"Columns": [28, 80]}}
    if not _PROC_FD.is_dir():  # not Linux: the writer builds the zip in memory, then writes it
        write_worksheets(sheets, out, **options)
        return
    with tempfile.TemporaryFile(prefix="xlsx-") as scratch:
        write_worksheets(sheets, f"{_PROC_FD}/{scratch.fileno()}", **options)
        scratch.seek(0)
        shutil.copyfileobj(scratch, out, _COPY_CHUNK)


def to_xlsx(submissions: Iterable[Submission], bank: Bank | None = None) -> bytes:
    out = io.BytesIO()
    write_xlsx(submissions, out, bank)
    return out.getvalue()


def _legend(bank: Bank) -> Iterator[dict]:
    """The "Columns" sheet: each column's id and what it means."""
    labels = {item.id: item.label for item in bank.items}
    labels |= {r.id: f"{r.label} (v2 question, retired in v3)" for r in bank.retired.values()}
    for i in summary.INDICATIONS:
        name = summary.INDICATION_NAMES[i]
        labels |= {f"match.{i}": f"Match for {name} (strong, possible, unlikely)",
                   f"suggested.{i}": f"{name} suggested to discuss (yes/no)",
                   f"evidence_direction.{i}": f"Evidence direction for {name}"}
    labels |= {"peg": "PEG score (mean of the three PEG items, one decimal)",
               "phq2": "PHQ-2 (0-6; positive at 3)", "gad2": "GAD-2 (0-6; positive at 3)",
               "preventive_classes": "Preventive classes tried (count, by the spec's class table)",
               "preventive_class_names": "Preventive classes tried (;-separated)",
               "age": "Age in whole years on the day of submission",
               "red_flags": "Red-flag ids raised (;-separated)",
               "red_flag_names": "Red flags in clinician words ( | -separated)",
               "safety_flags": "Safety flag ids, contraindications first",
               "safety_flag_names": "Safety flags: LEVEL: text ( | -separated)",
               "rescore": "yes: this result was saved by a later re-score, never a new alert",
               "notes": "Note ids", "comments": "Clinician comments, newest first (author, time: text)"}
    for column in columns(bank):
        yield {"column": column, "meaning": labels.get(column, "")}
