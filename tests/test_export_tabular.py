"""CSV and Excel exports: stable columns, formula injection neutralised, numbers kept, Unicode exact."""

from __future__ import annotations

import csv
import io
import itertools
import os
import tempfile
import zipfile
from collections import deque
from dataclasses import replace
from xml.etree import ElementTree

import pandas as pd
import patients
import pytest
import samples
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from samples import WHEN

from export import summary, tabular
from export.tabular import FORMULA_TRIGGERS, columns, neutralise, restore, to_csv, to_xlsx
from vocabulary import Comment

HOSTILE = ['=HYPERLINK("http://x.example","click")', "+1", "@SUM(A1)", "-2", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0", "-", "'=already quoted", "'plain quote"]
UNICODE = ["José Núñez Peña", "\u200fمحمد علي\u200f", "Zoë 😀👍🏽 Ñandú", "李小龍", "Ana\u200dMaría"]


def _subs(names: list[str]) -> list:
    subs = [samples.scored(patients.spanish_migraine(), sub_id="s-es")]
    subs += [samples.scored(patients.answers(), sub_id="s-en")]
    # names a kiosk would refuse (tab/CR) are still neutralised: built without validation
    subs += [samples.submission(patients.answers(patient__name=n), samples.hand_result(), sub_id=f"s{k}")
             for k, n in enumerate(names)]
    return subs


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_columns_are_stable_and_in_bank_order(bank):
    cols = columns(bank)
    item_ids = [i.id for i in bank.items]
    assert cols[:10] == ["submission_id", "submitted_at", "language", "questionnaire_version",
                         "rules_version", "triage", "reviewed", "reviewed_by", "reviewed_at", "age"]
    assert cols[10:10 + len(item_ids)] == item_ids
    rest = cols[10 + len(item_ids):]
    retired = ["rf.positional", "rf.cancer_immuno", "rf.jaw_scalp", "rf.new_after_50"]
    assert rest[:len(bank.retired)] == list(bank.retired) == retired
    kinds = ("match", "suggested", "evidence_direction")
    per_indication = [f"{kind}.{i}" for i in summary.INDICATIONS for kind in kinds]
    assert rest[len(bank.retired):] == ["peg", "phq2", "gad2", "preventive_classes", "preventive_class_names",
                                       *per_indication, "red_flags", "red_flag_names", "safety_flags",
                                       "safety_flag_names", "notes", "comments", "void", "rescore"]
    assert len(set(cols)) == len(cols)


@pytest.mark.parametrize("name", HOSTILE)
def test_csv_hostile_name_is_text_with_a_leading_quote(bank, name):
    frame = _read_csv(to_csv(_subs([name]), bank))
    cell = frame.loc[frame.submission_id == "s0", "patient.name"].item()
    assert cell == "'" + name
    assert cell[1:] == name  # the visible value keeps the original after the quote


@pytest.mark.parametrize("name", UNICODE)
def test_csv_unicode_names_round_trip_exactly(bank, name):
    frame = _read_csv(to_csv(_subs([name]), bank))
    assert frame.loc[frame.submission_id == "s0", "patient.name"].item() == name
    assert frame.loc[frame.submission_id == "s-es", "patient.name"].item() == "José Núñez Peña"


def test_csv_no_text_cell_starts_with_a_formula_trigger(bank):
    frame = _read_csv(to_csv(_subs(HOSTILE + UNICODE), bank))
    for value in frame.to_numpy().ravel():
        assert not str(value).startswith(FORMULA_TRIGGERS), value


def test_csv_numbers_stay_numbers_and_text_is_quoted(bank):
    data = to_csv(_subs(["-2"]), bank).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(data, newline=""), quoting=csv.QUOTE_NONNUMERIC)
    header, *rows = list(reader)
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    es = by_id["s-es"]
    assert es["ha.days"] == 20 and es["peg.pain"] == 6 and es["age"] == 55  # unquoted: numbers
    assert es["peg"] == pytest.approx(6.0)
    assert es["ha.med_types"] == "triptan;nsaid"  # multi as codes
    assert es["match.chronic_migraine"] == "strong"
    assert by_id["s0"]["patient.name"] == "'-2"  # text that looks like a number stays text


def test_csv_result_columns_come_from_the_result(bank):
    sub = samples.submission(patients.answers(), samples.hand_result(
        "urgent", red_flags=[{"id": "rf.thunderclap", "level": "urgent", "answer": "yes", "items": []},
                             {"id": "rf.neuro", "level": "urgent", "answer": "unsure", "items": []}],
        safety=[{"id": "safety.blood_thinner", "level": "precaution", "text": "x"}],
        notes=[{"id": "note.radicular", "text": "y"}]))
    row = _read_csv(to_csv([sub], bank)).iloc[0]
    assert (row.triage, row.red_flags, row.safety_flags, row.notes) == (
        "urgent", "rf.thunderclap;rf.neuro", "safety.blood_thinner", "note.radicular")
    assert row.reviewed == "no"


def test_derived_scores_suggested_and_direction_are_columns(bank):
    doc = patients.spanish_migraine() | {"ha.preventives": ["topiramate", "valproate", "tricyclic"]}
    sub = samples.scored(doc, sub_id="s-es")
    data = to_csv([sub], bank).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(data, newline=""), quoting=csv.QUOTE_NONNUMERIC))
    cells = dict(zip(header, row, strict=True))
    assert [cells[k] for k in ("peg", "phq2", "gad2")] == [sub.result.peg, sub.result.phq2, sub.result.gad2]
    assert cells["preventive_classes"] == 2
    assert cells["preventive_class_names"] == "antiepileptic;antidepressant"
    for ind in sub.result.to_dict()["indications"]:
        assert cells[f"suggested.{ind['id']}"] == ("yes" if ind["suggested"] else "no")
        assert cells[f"evidence_direction.{ind['id']}"] == ind["evidence_direction"]
    assert cells["suggested.chronic_migraine"] == "yes" and cells["suggested.tension_type_headache"] == "no"


def test_a_v2_result_gets_suggested_and_direction_from_the_fixed_table(bank):
    matches = {"tension_type_headache": "strong", "low_back_pain": "possible"}
    result = samples.hand_result("routine", matches, v2=True)
    assert "suggested" not in result["indications"][0]
    row = _read_csv(to_csv([samples.submission(samples.V2_ANSWERS, result)], bank)).iloc[0]
    assert (row["suggested.tension_type_headache"], row["evidence_direction.tension_type_headache"]) == (
        "no", "probably_ineffective")
    assert (row["suggested.low_back_pain"], row["suggested.chronic_migraine"]) == ("yes", "no")
    assert (row["rf.cancer_immuno"], row["rf.positional"]) == ("yes", "unsure")  # retired v2 answers kept


def test_flags_are_named_contraindications_first_and_comments_are_included(bank):
    sub = samples.submission(patients.answers(), samples.hand_result(
        "review", red_flags=[{"id": "rf.thunderclap_3m", "level": "review", "answer": "yes", "items": [],
                              "text": "Thunderclap headache 4 weeks to 3 months ago"},
                             {"id": "rf.weight_loss", "level": "review", "answer": "unsure", "items": []}],
        safety=[{"id": "safety.blood_thinner", "level": "precaution", "text": "Takes a blood thinner"},
                {"id": "safety.toxin_allergy", "level": "contraindication", "text": "Allergic to toxin"}]),
        comments=(Comment("=dr.evil", "first", WHEN, 1), Comment("dr.ana", "Call her =today", WHEN, 2)))
    row = _read_csv(to_csv([sub], bank)).iloc[0]
    assert row.red_flag_names == ("Thunderclap headache 4 weeks to 3 months ago | "
                                  f"{bank.label('rf.weight_loss')} (answered unsure)")
    assert row.safety_flags == "safety.toxin_allergy;safety.blood_thinner"
    assert row.safety_flag_names == "CONTRAINDICATION: Allergic to toxin | PRECAUTION: Takes a blood thinner"
    assert row.comments.splitlines() == [f"dr.ana, {WHEN.isoformat()}: Call her =today",  # newest first
                                         f"=dr.evil, {WHEN.isoformat()}: first"]
    sheet = _sheet(to_xlsx([sub], bank))
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("comments") + 1).value == row.comments
    evil_first = replace(sub, comments=(Comment("=dr.evil", "x", WHEN, 1),))
    assert _read_csv(to_csv([evil_first], bank)).iloc[0].comments == f"'=dr.evil, {WHEN.isoformat()}: x"


def test_unscored_submission_has_empty_result_cells(bank):
    sub = samples.submission(patients.answers(), None)
    row = _read_csv(to_csv([sub], bank)).iloc[0]
    assert row.triage == "" and row["match.chronic_migraine"] == "" and row.peg == "6.0"


def test_multi_line_text_survives_csv(bank):
    doc = patients.answers(visit__concern="line one\r\nline two, \"quoted\"\n=not a formula")
    frame = _read_csv(to_csv([samples.submission(doc, None)], bank))
    assert frame["visit.concern"].item() == doc["visit.concern"]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               min_size=1, max_size=40))
def test_neutralise_is_a_quote_or_nothing_and_can_be_undone(text):
    out = neutralise(text)
    assert out in (text, "'" + text)
    assert not out.startswith(FORMULA_TRIGGERS)
    assert (out != text) == text.startswith((*FORMULA_TRIGGERS, "'"))
    assert restore(out) == text


def test_quoted_text_and_formula_export_differently():
    assert neutralise("'=x") != neutralise("=x")
    assert [restore(neutralise(t)) for t in ("'=x", "=x", "''", "'")] == ["'=x", "=x", "''", "'"]


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                        min_size=1, max_size=30), min_size=1, max_size=4))
def test_csv_round_trips_any_names(bank, names):
    frame = _read_csv(to_csv(_subs(names)[2:], bank))
    assert list(frame["patient.name"]) == [neutralise(n) for n in names]
    assert [restore(c) for c in frame["patient.name"]] == names


def test_numbers_are_never_neutralised():
    assert neutralise(-2) == -2 and neutralise(-0.5) == -0.5 and neutralise(None) is None


# -- Excel ---------------------------------------------------------------------------------------

def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data))["Submissions"]


def test_xlsx_hostile_names_are_strings_never_formulas(bank):
    sheet = _sheet(to_xlsx(_subs(HOSTILE), bank))
    header = [c.value for c in sheet[1]]
    name_col = header.index("patient.name") + 1
    names = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=name_col)
             for r in range(2, sheet.max_row + 1)}
    for k, name in enumerate(HOSTILE):
        cell = names[f"s{k}"]
        assert cell.data_type == "s"
        assert cell.value == "'" + name.replace("\r", "\n")  # XML has no carriage return
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_numbers_stay_numbers_and_unicode_is_exact(bank):
    """A number is a number cell. Excel keeps every number as a double: the writer stores 20 as
    "20.0", which openpyxl reads as the float 20.0 (XlsxWriter wrote "20", read as an int)."""
    data = to_xlsx(_subs(UNICODE), bank)
    sheet = _sheet(data)
    header = [c.value for c in sheet[1]]
    assert header == columns(bank)
    cells = {r[0].value: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)}
    days, peg = cells["s-es"]["ha.days"], cells["s-es"]["peg"]
    assert days.data_type == "n" and days.value == 20
    assert peg.data_type == "n" and peg.value == pytest.approx(6.0)
    frame = pd.read_excel(io.BytesIO(data), sheet_name="Submissions").set_index("submission_id")
    assert frame.loc["s-es", "ha.days"] == 20 and pd.api.types.is_numeric_dtype(frame["ha.days"])
    assert [cells[f"s{k}"]["patient.name"].value for k in range(len(UNICODE))] == UNICODE


LOOKALIKES = ["123", "1e5", "0012", "TRUE", "2026-01-01", "http://x.example/a", "mailto:a@x.example",
              "#N/A", "50%"]


def test_xlsx_text_that_looks_like_a_number_or_link_stays_text(bank):
    book = load_workbook(io.BytesIO(to_xlsx(_subs(LOOKALIKES), bank)))
    sheet = book["Submissions"]
    header = [c.value for c in sheet[1]]
    by_id = {r[0].value: r[header.index("patient.name")] for r in sheet.iter_rows(min_row=2)}
    assert [(by_id[f"s{k}"].data_type, by_id[f"s{k}"].value) for k in range(len(LOOKALIKES))] == \
        [("s", name) for name in LOOKALIKES]
    assert not any(c.hyperlink for row in sheet.iter_rows() for c in row)


def test_xlsx_odd_numbers_are_their_text_and_absent_cells_empty(bank):
    """Excel has no NaN or infinity: such a number (never a valid answer) is written as its text."""
    doc = patients.answers(ha__days=float("nan"), ha__months=float("-inf"), ha__migraine_days=2.5,
                           ha__med_days=3, back__months=float("inf"))
    doc.pop("back.spasm_days", None)
    sheet = _sheet(to_xlsx([samples.submission(doc, None)], bank))
    got = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=False))
    assert [got[k] for k in ("ha.days", "ha.months", "ha.migraine_days", "ha.med_days", "back.months")] == \
        ["nan", "-inf", 2.5, 3, "inf"]
    assert got.get("back.spasm_days") is None and got["triage"] is None  # unscored: no result cells


def test_xlsx_header_is_every_column_in_order_when_the_first_row_is_mostly_empty(bank):
    """The writer takes the header from the first row's keys and places the cells of later
    rows by position: an unscored first submission with few answers must not move a column."""
    sparse = samples.submission({"patient.name": "Ana"}, None, sub_id="sparse")
    full = samples.scored(patients.spanish_migraine(), sub_id="full")
    sheet = _sheet(to_xlsx([sparse, full], bank))
    header = [c.value for c in sheet[1]]
    assert header == columns(bank)
    rows = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    expected = tabular.row(full, bank)
    assert [r["submission_id"] for r in rows] == ["sparse", "full"]
    assert rows[0]["patient.name"] == "Ana" and rows[0]["triage"] is None and rows[0]["void"] == "no"
    assert [rows[1][c] for c in ("triage", "ha.days", "comments", "void", "rescore")] == \
        [expected[header.index(c)] or None for c in ("triage", "ha.days", "comments", "void", "rescore")]


def test_xlsx_of_no_submissions_has_the_header_and_the_legend(bank):
    book = load_workbook(io.BytesIO(to_xlsx([], bank)))
    assert [c.value for c in book["Submissions"][1]] == columns(bank) and book["Submissions"].max_row == 1
    assert all(c.font.bold for c in book["Submissions"][1])
    assert [r[0] for r in book["Columns"].iter_rows(min_row=2, values_only=True)] == columns(bank)


def test_xlsx_read_back_by_pandas_and_legend_sheet(bank):
    data = to_xlsx(_subs(["@SUM(A1)"]), bank)
    frame = pd.read_excel(io.BytesIO(data), sheet_name="Submissions", dtype=str)
    assert frame.loc[frame.submission_id == "s0", "patient.name"].item() == "'@SUM(A1)"
    legend = pd.read_excel(io.BytesIO(data), sheet_name="Columns")
    assert list(legend["column"]) == columns(bank)
    assert legend.set_index("column").loc["ha.days", "meaning"] == bank.item("ha.days").label


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_xlsx_cells_mend_exactly_what_the_rule_says(text):
    """The one-pass row mending (with its fast path for printable text) is the documented rule:
    neutralise, then line feeds for carriage returns and U+FFFD for what XML cannot hold."""
    mended = tabular._xlsx_cells([text, None, 2.5])
    assert mended == [tabular._xlsx_text(neutralise(text)), None, 2.5]
    assert "\r" not in mended[0] and not any("\x00" <= ch < " " and ch not in "\t\n" for ch in mended[0])


def test_xlsx_replaces_characters_a_workbook_cannot_hold(bank):
    sub = samples.submission(patients.answers(patient__name="Ana\x01Bell"), None)
    sheet = _sheet(to_xlsx([sub], bank))
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("patient.name") + 1).value == "Ana\ufffdBell"


def test_xlsx_text_that_looks_like_sheet_xml_stays_text(bank):
    """A name shaped like the sheet's own XML (XlsxWriter's streaming mode once took "<r>...</r>"
    as ready-made rich text) must come back as typed, never adding a formula or a cell."""
    names = ["<r>x</r>", '<r><t>x</t></r></is><f>1+1</f><is><r><t>y</t></r>', "<r>", "<r></r>",
             "a <b> & </r>", "</t></is></c><c><f>1+1</f></c>", "<![CDATA[x]]>", "&amp; &lt;"]
    data = to_xlsx(_subs(names), bank)
    sheet = _sheet(data)
    header = [c.value for c in sheet[1]]
    by_id = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert [by_id[f"s{k}"][header.index("patient.name")].value for k in range(len(names))] == names
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert all(len(row) <= len(header) for row in sheet.iter_rows())


def test_xlsx_xml_has_the_sheets_frozen_pane_and_bold_header(bank):
    """The workbook's own XML, read without a spreadsheet library: two sheets by name, the pane
    frozen at B2 on "Submissions", header cells in a bold style and data cells not, text inline."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    book = zipfile.ZipFile(io.BytesIO(to_xlsx(_subs(["Ana"]), bank)))

    def part(name: str) -> ElementTree.Element:
        return ElementTree.fromstring(book.read(name))  # noqa: S314 (a file this test just made)

    workbook = part("xl/workbook.xml")
    assert [s.get("name") for s in workbook.iter(f"{main}sheet")] == ["Submissions", "Columns"]
    sheet = part("xl/worksheets/sheet1.xml")
    pane = sheet.find(f"{main}sheetViews/{main}sheetView/{main}pane")
    assert (pane.get("xSplit"), pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == \
        ("1", "1", "B2", "frozen")
    styles = part("xl/styles.xml")
    fonts = list(styles.find(f"{main}fonts"))
    xfs = list(styles.find(f"{main}cellXfs"))
    bold = {str(k) for k, xf in enumerate(xfs) if fonts[int(xf.get("fontId"))].find(f"{main}b") is not None}
    header, first = sheet.find(f"{main}sheetData").findall(f"{main}row")[:2]
    assert len(header) == len(columns(bank)) and all(c.get("s") in bold for c in header)
    assert not any(c.get("s") in bold for c in first)
    assert {c.get("t") for c in first} <= {"inlineStr", None}  # text inline, numbers untyped
    assert not any(c.find(f"{main}f") is not None for c in sheet.iter(f"{main}c"))
    assert not [n for n in book.namelist() if "sharedStrings" in n or "calcChain" in n]


def test_xlsx_keeps_bold_frozen_header_and_legend_widths(bank):
    book = load_workbook(io.BytesIO(to_xlsx(_subs(["Ana"]), bank)))
    assert book.sheetnames == ["Submissions", "Columns"]
    sheet, legend = book["Submissions"], book["Columns"]
    assert sheet.freeze_panes == "B2"
    assert all(c.font.bold for c in sheet[1]) and not any(c.font.bold for c in sheet[2])
    assert [c.value for c in legend[1]] == ["column", "meaning"] and legend["A1"].font.bold
    widths = legend.column_dimensions["A"].width, legend.column_dimensions["B"].width
    assert widths == pytest.approx((28, 80), abs=1)


class StoreWentAway(Exception):
    pass


def _open_files() -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed by now
            pass
    return found


def test_a_failed_xlsx_export_leaves_no_rows_on_disk(bank, tmp_path, monkeypatch):
    """The writer streams rows to a temporary file (rust_xlsxwriter reads TMPDIR; our scratch
    file follows Python's tempfile): while an export is half-way, those files have no name in
    the directory (anonymous, already deleted); when it fails (the store goes away), the
    caller gets our exception as raised, nothing is written to ``out``, nothing is left."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    half_way: dict[str, list] = {}

    def failing():
        yield from _subs(["Ana María"] * 50)
        half_way["listed"] = list(tmp_path.iterdir())
        half_way["open"] = [f for f in _open_files() if f.startswith(str(tmp_path))]
        raise StoreWentAway("the store went away")

    out = io.BytesIO()
    with pytest.raises(StoreWentAway, match="^the store went away$") as raised:
        tabular.write_xlsx(failing(), out, bank)
    assert raised.type is StoreWentAway
    assert half_way["listed"] == [] and half_way["open"], "the writer's temporary files should be here"
    assert all(f.endswith("(deleted)") for f in half_way["open"]), half_way["open"]
    assert out.getvalue() == b"" and list(tmp_path.iterdir()) == []
    assert not [f for f in _open_files() if f.startswith(str(tmp_path))]  # none left open either
    assert _sheet(to_xlsx(_subs(["Ana María"]), bank)).max_row == 4 and list(tmp_path.iterdir()) == []


def test_xlsx_text_longer_than_a_cell_is_cut_visibly_and_csv_keeps_it(bank):
    """Excel holds 32,767 UTF-16 units in a cell: a longer comment is cut there with a note,
    never silently; the CSV keeps every character."""
    long_text = "Día 👩‍⚕️ " * 4_000  # 40,000 code points, more UTF-16 units (the astral ones count 2)
    sub = replace(samples.submission(samples.answers(), None),
                  comments=(Comment("dr.ana", long_text, WHEN, 1),))
    sheet = _sheet(to_xlsx([sub], bank))
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("comments") + 1).value
    assert cell.endswith("[cut at Excel's cell limit; the CSV and JSON exports hold the whole text]")
    assert len(cell.encode("utf-16-le")) // 2 <= 32_767
    assert cell.startswith(f"dr.ana, {WHEN.isoformat()}: Día 👩‍⚕️ Día")
    assert _read_csv(to_csv([sub], bank)).iloc[0].comments == f"dr.ana, {WHEN.isoformat()}: {long_text}"


REFUSAL = "an Excel sheet holds at most 1,048,575 submissions; export this many as CSV or JSON"


def test_xlsx_refuses_more_submissions_than_a_sheet_holds():
    """An Excel sheet holds 1,048,576 rows, the header's included: the last submission that fits
    passes, the next one is refused with a message saying what to do instead."""
    deque(tabular._within_sheet(itertools.repeat(None, tabular.XLSX_MAX_ROWS - 1)), maxlen=0)
    with pytest.raises(ValueError, match=f"^{REFUSAL}$"):
        deque(tabular._within_sheet(itertools.repeat(None, tabular.XLSX_MAX_ROWS)), maxlen=0)


def test_an_export_refused_part_way_writes_nothing(bank):
    """A refusal raised while the rows stream (as the one above is) reaches the caller as it
    was raised, and ``out`` gets no partial workbook."""
    def too_many():
        yield from _subs(["Ana"])
        raise ValueError(REFUSAL)

    out = io.BytesIO()
    with pytest.raises(ValueError, match=f"^{REFUSAL}$"):
        tabular.write_xlsx(too_many(), out, bank)
    assert out.getvalue() == b""
