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
import math
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO
from xml.sax.saxutils import escape as xml_escape

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

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
    if value.startswith("<r>") and value.endswith("</r>"):
        # XlsxWriter's constant-memory mode writes such a string as ready-made rich-text XML,
        # unescaped: hand it that XML, escaped, so the cell holds exactly this text.
        return f'<r><t xml:space="preserve">{xml_escape(value)}</t></r>'
    return value


def _cut_to_cell(value: str) -> str:
    """A text longer than an Excel cell holds (XlsxWriter would cut it silently): cut, and
    say so in the cell."""
    room = XLSX_CELL_LIMIT - len(XLSX_CUT_NOTE) - 2  # UTF-16 units; an astral character is 2
    kept = value.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
    return kept + XLSX_CUT_NOTE


XLSX_OPTIONS = {"constant_memory": True,  # one row in memory at a time, flushed as the next begins
                "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def write_xlsx(submissions: Iterable[Submission], out: BinaryIO, bank: Bank | None = None) -> None:
    """An .xlsx workbook, streamed (XlsxWriter's constant-memory mode): sheet "Submissions"
    (the rows, bold frozen header) and sheet "Columns" (id -> label).

    XlsxWriter keeps the rows in a temporary file until the workbook is closed; it lives in a
    directory of its own that is removed however the export ends (a failed one included), so
    no patient's row is left behind on disk."""
    with tempfile.TemporaryDirectory(prefix="xlsx-") as scratch:
        _write_workbook(Workbook(out, XLSX_OPTIONS | {"tmpdir": scratch}), submissions, bank or load_bank())


def _write_workbook(book: Workbook, submissions: Iterable[Submission], bank: Bank) -> None:
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Submissions")
    sheet.freeze_panes(1, 1)
    every = rows(submissions, bank)
    for col, name in enumerate(next(every)):
        sheet.write_string(0, col, name, bold)
    for number, cells in enumerate(every, start=1):
        _write_xlsx_row(sheet, number, cells)
    _legend(book.add_worksheet("Columns"), bank, bold)
    book.close()


def _write_xlsx_row(sheet: Worksheet, number: int, cells: list[Cell]) -> None:
    """Text as strings (never a formula: no type guessing), numbers as numbers (one that is
    not finite as its text); an absent or empty cell is not written (a reader sees an empty
    cell)."""
    if number >= XLSX_MAX_ROWS:  # XlsxWriter would drop the row without a word
        raise ValueError(f"an Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} submissions; "
                         "export this many as CSV or JSON")
    text, number_cell = sheet.write_string, sheet.write_number
    for col, value in enumerate(cells):
        if type(value) is str:
            if value:
                text(number, col, _xlsx_text(value))
        elif value is not None:
            if type(value) is float and not math.isfinite(value):
                text(number, col, str(value))
            else:
                number_cell(number, col, value)


def to_xlsx(submissions: Iterable[Submission], bank: Bank | None = None) -> bytes:
    out = io.BytesIO()
    write_xlsx(submissions, out, bank)
    return out.getvalue()


def _legend(sheet: Worksheet, bank: Bank, bold: Format) -> None:
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 80)
    sheet.write_string(0, 0, "column", bold)
    sheet.write_string(0, 1, "meaning", bold)
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
    for number, column in enumerate(columns(bank), start=1):
        sheet.write_string(number, 0, column)
        sheet.write_string(number, 1, labels.get(column, ""))
