"""The spooled PDF (export/pdf_spool.py): byte for byte the file fpdf2 makes of the same pages,
with only the page being drawn kept in memory, no page on disk under a name, and a clear
refusal of what it does not carry."""

from __future__ import annotations

import io
import os
import tempfile

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


def _draw_shapes(doc: FPDF, pages: int) -> None:
    half_clear = Image.new("RGBA", (4, 4), (198, 40, 40, 128))  # transparency: PDF 1.4, a /Group a page
    doc.set_font("helvetica", size=12)
    for n in range(pages):
        doc.add_page()
        doc.image(half_clear, 10, 10, 20)
        doc.cell(80, 10, f"page {n + 1} {{nb}}")


def test_a_page_with_a_transparent_image_is_written_as_fpdf2_writes_it():
    plain = FPDF()
    plain.single_resources_object, plain.str_alias_nb_pages = True, None
    _draw_shapes(plain, 3)
    out = io.BytesIO()
    with SpooledPDF() as spooled:
        _draw_shapes(spooled, 3)
        spooled.write(out)
    assert out.getvalue() == bytes(plain.output())
    assert out.getvalue().startswith(b"%PDF-1.4") and out.getvalue().count(b"/S /Transparency") == 3


def test_only_the_page_being_drawn_stays_in_memory():
    """What fpdf2 keeps a page (its content stream, its page object, its resource sets) is kept
    for the page being drawn only; the spool's index (16 bytes a page) is all that grows.
    The peak RSS this gives (flat from 1,000 to 10,000 pages) is measured by bench/exports.py."""
    sub = CASES["three kinds"][0]
    measure = new_pdf()
    with new_pdf(SpooledPDF) as doc:
        for drawn in range(1, 31):
            pdf._draw(doc, sub, pdf.choose_style(sub, BANK, measure), BANK, clip=True)
            assert list(doc.pages) == [drawn] and doc.spooled_pages == drawn - 1
            assert {number for number, _ in doc._resource_catalog.resources_per_page} == {drawn}
        assert doc._spooled.itemsize * len(doc._spooled) == 16 * 29


def test_no_page_is_on_disk_under_a_name_and_the_spool_goes_with_the_export(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with new_pdf(SpooledPDF) as doc:
        pdf._draw(doc, CASES["one page"][0], pdf.STYLES[0], BANK, clip=True)
        doc.add_page()
        assert os.fstat(doc._spool.fileno()).st_nlink == 0  # anonymous: no name to find it by
        assert list(tmp_path.iterdir()) == []
        spool = doc._spool
    assert spool.closed


def test_an_export_that_fails_part_way_closes_its_spool():
    def submissions():
        yield CASES["one page"][0]
        raise RuntimeError("store went away")

    before = _open_unnamed_files()  # pytest's own output capture is among them
    with pytest.raises(RuntimeError, match="store went away"):
        pdf.write_pdf(submissions(), io.BytesIO(), BANK)
    assert _open_unnamed_files() == before


def _open_unnamed_files() -> list[str]:
    """This process's open files that were unlinked (a spool is one while it is open)."""
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except FileNotFoundError:
            continue
    return [link for link in links if link.endswith("(deleted)")]


def test_a_typed_page_count_alias_is_printed_as_typed():
    doc = patients.answers(patient__name="Ana {nb} Ruiz", visit__concern="pain {nb} days")
    text = PdfReader(io.BytesIO(pdf.to_pdf(samples.submission(doc, None), BANK))).pages[0].extract_text()
    assert "Ana {nb} Ruiz" in text and "pain {nb} days" in text


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: d.set_encryption(owner_password="x"), "cannot be encrypted or signed"),
    (lambda d: d.link(10, 10, 20, 5, "https://example.org"), "cannot hold links"),
    (lambda d: d.add_page(format=(148, 210)), "the document's page size"),
])
def test_what_a_spooled_page_cannot_carry_is_refused_with_a_message(setup, message):
    with SpooledPDF() as doc:
        doc.add_page()
        setup(doc)
        with pytest.raises(ValueError, match=message):
            doc.write(io.BytesIO())


def test_a_document_without_pages_is_refused():
    with SpooledPDF() as doc, pytest.raises(ValueError, match="at least one page"):
        doc.write(io.BytesIO())
