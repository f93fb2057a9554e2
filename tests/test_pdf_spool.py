"""The spooled PDF (export/pdf_spool.py): byte for byte the file fpdf2 makes of the same pages,
with only the page being drawn kept in memory, no page on disk under a name, and a clear
refusal of what it does not carry."""

from __future__ import annotations

import io
import os
import tempfile
import tracemalloc
import zlib
from datetime import UTC, datetime

import patients
import pytest
import samples
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from export import pdf
from export.pdf_layout import new_pdf
from export.pdf_spool import SpooledPDF
from questionnaire.bank import load_bank

BANK = load_bank()


def _cases() -> dict[str, list]:
    worst = samples.worst_case(BANK)
    spanish = samples.scored(patients.spanish_migraine(), sub_id="es-1")
    others = [samples.scored(patients.answers(patient__name=f"Patient {n}", visit__concern="x" * (n * 40)),
                             sub_id=f"p{n}") for n in range(12)]
    unscored = samples.submission(patients.answers(patient__name="李小龍 Lee, Zoë O’Brien"), None)
    return {"one page": [spanish], "three kinds": [worst, unscored, spanish],
            "a day's worth": [worst, spanish, unscored, *others] * 3}


CASES = _cases()


def _plain_fpdf(subs) -> bytes:
    """The same pages in a plain fpdf2 document, written by fpdf2's own ``output()``."""
    doc, measure = new_pdf(), new_pdf()
    doc.single_resources_object = True  # as the spooled document, which shares one
    for sub in subs:
        pdf._draw(doc, sub, pdf.choose_style(sub, BANK, measure), BANK, clip=True)
    doc.set_creation_date(max(s.submitted_at for s in subs))
    return bytes(doc.output())


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_file_is_byte_for_byte_what_fpdf2_makes_of_the_same_pages(case):
    subs = CASES[case]
    spooled = pdf.to_pdf(subs, BANK)
    assert spooled == _plain_fpdf(subs)
    assert len(PdfReader(io.BytesIO(spooled)).pages) == len(subs)


STAMP = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # the creation date goes into /Info and /ID


def _plain(draw) -> bytes:
    doc = FPDF()
    doc.single_resources_object, doc.str_alias_nb_pages = True, None
    doc.set_creation_date(STAMP)
    draw(doc)
    return bytes(doc.output())


def _spooled(draw, kind: type[SpooledPDF] = SpooledPDF) -> bytes:
    out = io.BytesIO()
    with kind() as doc:
        doc.set_creation_date(STAMP)
        draw(doc)
        doc.write_to(out)
    return out.getvalue()


def _transparent_images(doc: FPDF) -> None:
    half_clear = Image.new("RGBA", (4, 4), (198, 40, 40, 128))  # transparency: PDF 1.4, a /Group a page
    doc.set_font("helvetica", size=12)
    for n in range(3):
        doc.add_page()
        doc.image(half_clear, 10, 10, 20)
        doc.cell(80, 10, f"page {n + 1} {{nb}}")


def _flowing_text(doc: FPDF) -> None:
    doc.set_auto_page_break(True, margin=15)  # fpdf2 adds the pages itself as the text flows
    doc.add_page()
    doc.set_font("helvetica", size=11)
    doc.multi_cell(0, 6, "Headache on 15 or more days a month. " * 400)


def _dry_runs(doc: FPDF) -> None:
    doc.set_auto_page_break(True, margin=15)
    doc.set_font("helvetica", size=11)
    for n in range(3):
        doc.add_page()
        lines = doc.multi_cell(0, 6, "Neck pulling to one side. " * 900, dry_run=True, output="LINES")
        doc.cell(0, 6, f"page {n + 1}: {len(lines)} lines measured, across a page break")


class _WithFooter(SpooledPDF):
    def header(self):
        self.set_font("helvetica", "B", 9)
        self.cell(0, 6, "Consult summaries")

    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, f"page {self.page_no()}")


class _PlainWithFooter(FPDF):
    header, footer = _WithFooter.header, _WithFooter.footer


def _three_plain_pages(doc: FPDF) -> None:
    doc.set_font("helvetica", size=12)
    for n in range(3):
        doc.add_page()
        doc.cell(80, 10, f"page {n + 1}")


@pytest.mark.parametrize("draw", [_transparent_images, _flowing_text, _dry_runs], ids=lambda f: f.__name__)
def test_what_fpdf2_draws_beyond_the_summary_is_written_as_fpdf2_writes_it(draw):
    assert _spooled(draw) == _plain(draw)


def test_a_transparent_image_makes_a_pdf_1_4_with_a_transparency_group_on_every_page():
    data = _spooled(_transparent_images)
    assert data.startswith(b"%PDF-1.4") and data.count(b"/S /Transparency") == 3


def test_flowing_text_fills_the_pages_fpdf2_adds():
    assert len(PdfReader(io.BytesIO(_spooled(_flowing_text))).pages) > 3


def test_a_header_and_a_footer_are_drawn_on_every_page_the_last_included():
    def footed(doc):
        doc.set_creation_date(STAMP)
        _three_plain_pages(doc)

    plain = _PlainWithFooter()
    plain.single_resources_object, plain.str_alias_nb_pages = True, None
    footed(plain)
    data = _spooled(_three_plain_pages, _WithFooter)
    assert data == bytes(plain.output())
    assert [p.extract_text().count("page ") for p in PdfReader(io.BytesIO(data)).pages] == [2, 2, 2]


def test_only_the_page_being_drawn_stays_in_memory():
    """What fpdf2 keeps a page (its content stream, its page object, its resource sets) is kept
    for the page being drawn only. The peak RSS this gives (flat from 1,000 to 10,000 pages)
    is measured by bench/exports.py --pdf-memory."""
    sub = CASES["three kinds"][0]
    measure = new_pdf()
    with new_pdf(SpooledPDF) as doc:
        for drawn in range(1, 31):
            pdf._draw(doc, sub, pdf.choose_style(sub, BANK, measure), BANK, clip=True)
            assert list(doc.pages) == [drawn] and doc.spooled_pages == drawn - 1
            assert doc.pages_count == drawn
            assert {number for number, _ in doc._resource_catalog.resources_per_page} == {drawn}


def _held(kind: type[FPDF], pages: int) -> tuple[int, int]:
    """Python heap held after drawing ``pages`` small pages, and the peak while writing them."""
    tracemalloc.start()
    doc = kind()
    doc.set_font("helvetica", size=9)
    for n in range(pages):
        doc.add_page()
        doc.cell(60, 5, f"Patient {n}: headache on 15 days a month, 8 of them migraine")
    drawn = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    if isinstance(doc, SpooledPDF):
        with doc:
            doc.write_to(io.BytesIO())
    else:
        doc.output()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return drawn, peak - drawn


def test_memory_a_page_drawing_and_writing_is_a_small_fraction_of_fpdf2s():
    spooled = [_held(SpooledPDF, n) for n in (200, 1200)]
    plain = [_held(FPDF, n) for n in (200, 1200)]
    drawing = (spooled[1][0] - spooled[0][0]) / 1000  # a page more, over 1,000 more pages
    writing = (spooled[1][1] - spooled[0][1]) / 1000
    plain_drawing = (plain[1][0] - plain[0][0]) / 1000
    # measured: spooled 54 bytes a page while drawing (the spool's index and Python's enum
    # cache behind fpdf2's set_font) and 330 at the writing peak (the cross-reference table's
    # rows, while fpdf2 joins them: docs/exports.md, "Flat memory"); one plain fpdf2 document
    # 980 and 3,100 bytes a page of these small pages (about 10 KiB for a consult summary)
    assert drawing < 128, f"{drawing:.0f} bytes a page held while drawing"
    assert writing < 512, f"{writing:.0f} bytes a page more at the writing peak"
    assert plain_drawing > 5 * drawing


def test_no_page_is_on_disk_under_a_name_and_the_spool_goes_with_the_export(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with new_pdf(SpooledPDF) as doc:
        pdf._draw(doc, CASES["one page"][0], pdf.STYLES[0], BANK, clip=True)
        doc.add_page()
        spool = doc._spool._file
        assert os.fstat(spool.fileno()).st_nlink == 0  # anonymous: no name to find it by
        assert list(tmp_path.iterdir()) == []
        spool.seek(0)
        sealed = spool.read()
        assert b"BT" in zlib.decompress(doc._spool.page(0))  # opened with the export's key: text
    assert spool.closed
    with pytest.raises(zlib.error):  # on disk it is sealed: not even a compressed stream
        zlib.decompress(sealed[: doc._spool.length(0)])


def test_an_export_that_fails_part_way_closes_its_spool(monkeypatch):
    opened = []

    def kept(*args, **kwargs):
        opened.append(real(*args, **kwargs))
        return opened[-1]

    real = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", kept)

    def submissions():
        yield CASES["one page"][0]
        yield CASES["one page"][0]
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError, match="store went away"):
        pdf.write_pdf(submissions(), io.BytesIO(), BANK)
    assert len(opened) == 1 and opened[0].closed


def test_a_typed_page_count_alias_is_printed_as_typed():
    doc = patients.answers(patient__name="Ana {nb} Ruiz", visit__concern="pain {nb} days")
    text = PdfReader(io.BytesIO(pdf.to_pdf(samples.submission(doc, None), BANK))).pages[0].extract_text()
    assert "Ana {nb} Ruiz" in text and "pain {nb} days" in text


REFUSED = {
    "encryption": (lambda d: d.set_encryption(owner_password="x"), "cannot be encrypted or signed"),
    "a link": (lambda d: d.link(10, 10, 20, 5, "https://example.org"), "cannot hold links"),
    "a text annotation": (lambda d: d.text_annotation(10, 10, "note"), "annotations"),
    "a page label": (lambda d: d.add_page(label_style="D"), "labels"),
    "the page-count alias": (lambda d: (d.alias_nb_pages(), d.cell(20, 5, "of {nb}")), "page-count alias"),
    "another page size": (lambda d: d.add_page(format=(148, 210)), "the document's page size"),
    "a page duration": (lambda d: d.add_page(duration=3), "display duration"),
    "alt text": (lambda d: d.image(Image.new("RGB", (2, 2)), 10, 10, 5, alt_text="x-ray"), "marked content"),
    "an outline": (lambda d: d.start_section("Migraine"), "outline"),
    "a named destination": (lambda d: d.set_link(name="top"), "named destinations"),
    "unbreakable": (lambda d: d.unbreakable().__enter__(), "unbreakable"),
    "compression switched": (lambda d: (d.add_page(), d.set_compression(False)), "compression"),
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_what_a_spooled_pdf_cannot_carry_is_refused_with_a_message(what):
    setup, message = REFUSED[what]
    with SpooledPDF() as doc, pytest.raises(ValueError, match=message):  # noqa: PT012
        doc.set_font("helvetica", size=9)
        doc.add_page()
        setup(doc)
        doc.add_page()  # a refusal may come as the page is spooled, or when the file is written
        doc.write_to(io.BytesIO())


def test_a_document_without_pages_is_refused():
    with SpooledPDF() as doc, pytest.raises(ValueError, match="at least one page"):
        doc.write_to(io.BytesIO())


def test_a_spooled_pdf_is_written_once_and_only_by_write_to():
    with SpooledPDF() as doc:
        _three_plain_pages(doc)
        with pytest.raises(ValueError, match="with write_to"):
            doc.output()
        doc.write_to(io.BytesIO())
        with pytest.raises(ValueError, match="written once"):
            doc.write_to(io.BytesIO())
