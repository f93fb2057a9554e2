"""One table of export formats (issue 9, part 3): the CLI and the workspace offer exactly its rows,
and every writer streams: the same bytes as the whole-document form, from a generator."""

from __future__ import annotations

import io
import json

import pytest
import samples
from export_load import submissions
from pypdf import PdfReader

from clinic.__main__ import commands, parser
from clinic.__main__ import main as clinic_main
from export import cli, fhir, formats, jsondoc, pdf
from export.pdf_layout import new_pdf
from questionnaire.bank import load_bank
from workspace import downloads

BANK = load_bank()


def _cli_choices() -> tuple[str, ...]:
    (sub,) = [a for a in parser(commands())._actions if a.dest == "command"]
    (action,) = [a for a in sub.choices["export"]._actions if a.dest == "format"]
    assert tuple(action.choices) == cli.FORMATS
    return tuple(action.choices)


def test_the_cli_and_the_workspace_offer_exactly_the_registry_formats():
    subs = list(submissions(3))
    listed = tuple(d.format for d in downloads.for_list(subs, "t"))
    single = tuple(d.format for d in downloads.for_submission(subs[0]))
    assert _cli_choices() == listed == formats.ids(formats.LIST)
    assert single == formats.ids(formats.ONE)
    assert {"csv", "xlsx", "json", "fhir", "fhir-transaction", "pdf"} <= set(listed)
    assert "fhir-transaction" in single


def test_each_download_takes_name_mime_and_label_from_its_row():
    subs = list(submissions(2))
    for download in downloads.for_list(subs, "2026-11-24"):
        row = formats.get(download.format)
        assert download.file_name == f"submissions-2026-11-24.{row.extension}"
        assert download.mime == row.mime and download.label == row.list_label


def test_an_unknown_format_is_refused_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="format must be one of csv, xlsx"):
        formats.get("docx")
    assert clinic_main(["export", "--format", "docx", "--since", "2026-11-01", "--out", "/tmp/x"]) == 2


@pytest.mark.parametrize("fmt", [f.id for f in formats.FORMATS])
def test_every_writer_takes_a_generator_and_reports_progress(fmt):
    seen: list[int] = []
    data = formats.get(fmt).to_bytes(submissions(250), progress=seen.append)
    assert data and seen == [100, 200, 250]


def test_streamed_json_is_byte_for_byte_the_whole_document_dump():
    subs = list(submissions(5))
    whole = (json.dumps([jsondoc.document(s) for s in subs], ensure_ascii=False, indent=2) + "\n").encode()
    assert formats.get("json").to_bytes(iter(subs)) == whole
    assert formats.get("json").to_bytes([]) == b"[]\n"


def test_streamed_fhir_bundle_is_the_bundle_dict():
    subs = list(submissions(5))
    assert json.loads(formats.get("fhir").to_bytes(iter(subs))) == fhir.bundle_dict(subs, BANK)
    fhir.bundle(subs, BANK)  # the plain dicts have the models' shape (validated once, here)
    empty = json.loads(formats.get("fhir").to_bytes([]))
    assert [e["resource"]["resourceType"] for e in empty["entry"]][0] == "Questionnaire"


def test_choosing_a_pdf_style_draws_nothing_and_each_page_is_drawn_once():
    measure = new_pdf()
    worst = samples.worst_case(BANK)
    assert pdf.choose_style(worst, BANK, measure) == pdf.choose_style(worst, BANK)
    assert measure.page == 0 and not measure.pages  # measured only: no scratch page exists
    subs = [worst, *submissions(4)]
    reader = PdfReader(io.BytesIO(formats.get("pdf").to_bytes(subs)))
    assert len(reader.pages) == 5
    assert "shortened to fit one page" in reader.pages[0].extract_text()
