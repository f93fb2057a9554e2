"""The one-page consult summary: text extracted with pypdf, one page always, a PNG to look at."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from export import samples, summary
from export.pdf import STYLES, choose_style, to_pdf
from questionnaire.bank import load_bank

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "export"
BANK = load_bank()


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def spanish():
    return samples.scored(samples.spanish_migraine(), sub_id="es-1")


def test_spanish_summary_has_the_essentials_on_one_page(spanish):
    pages = _pages(to_pdf(spanish, BANK))
    assert len(pages) == 1
    text = _flat(pages[0])
    assert "José Núñez Peña" in text
    assert spanish.result["triage"].upper() in text
    assert "Age 55" in text and "Spanish questionnaire" in text
    for ind in spanish.result["indications"]:
        assert summary.INDICATION_NAMES[ind["id"]] in text
        assert ind["match"].upper() in text
    off_label = sum(i["evidence"] == "off_label" for i in spanish.result["indications"])
    assert text.count("OFF-LABEL") == off_label == 3
    assert text.count("FDA-approved") >= 2
    assert spanish.result["indications"][0]["reasons"][0]["text"][:40] in text
    assert "Screening aid, not a diagnosis" in text
    assert f"rules {spanish.rules_version}" in text and "Questionnaire 2026.11.1" in text
    assert "sumatriptán 50 mg" in text  # the patient's own words
    assert "shortened" not in text


def test_key_numbers_are_printed(spanish):
    text = _flat(_pages(to_pdf(spanish, BANK))[0])
    for label, value, unit in summary.key_numbers(spanish):
        assert label in text
        if value is not None:
            assert f"{value}{unit}" in text
    assert f"{spanish.result['peg']}" in text


def test_urgent_triage_and_every_red_flag_appear(bank):
    result = samples.hand_result("urgent", red_flags=[
        {"id": "rf.thunderclap", "level": "urgent", "answer": "yes", "items": ["rf.thunderclap"]},
        {"id": "rf.giant_cell_arteritis", "level": "urgent", "answer": "yes", "items": ["rf.jaw_scalp"]},
        {"id": "rf.weight_loss", "level": "review", "answer": "unsure", "items": ["rf.weight_loss"]}],
        safety=[{"id": "safety.toxin_allergy", "level": "contraindication", "text": "Allergic before."}],
        notes=[{"id": "note.medication_overuse", "text": "Acute medicine on 16 days a month."}])
    text = _flat(_pages(to_pdf(samples.submission(samples.answers(), result), bank))[0])
    assert "URGENT" in text and "CONTRAINDICATION" in text
    for flag in ("rf.thunderclap", "rf.giant_cell_arteritis", "rf.weight_loss"):
        assert bank.label(flag)[:30] in text
    assert "(answered unsure)" in text
    assert "Acute medicine on 16 days a month." in text


def test_worst_case_still_fits_on_one_page_and_says_it_was_shortened(bank):
    worst = samples.worst_case(bank)
    data = to_pdf(worst, bank)
    pages = _pages(data)
    assert len(pages) == 1
    text = _flat(pages[0])
    assert worst.name[:40] in text
    assert "URGENT" in text and "shortened to fit one page" in text
    for ind in summary.INDICATIONS:
        assert summary.INDICATION_NAMES[ind] in text
    # nothing that matters is dropped: every red flag and safety flag keeps its line
    badges = text.count("URGENT") + text.count("REVIEW")
    assert badges >= len(worst.result["red_flags"]) + 1  # + the triage badge
    for flag in worst.result["red_flags"]:
        assert _flat(bank.label(flag["id"]))[:12] in text, flag["id"]
    assert text.count("PRECAUTION") + text.count("CONTRAINDICATION") + text.count("CLARIFY") == len(
        worst.result["safety"])
    assert text.count("OFF-LABEL") == 3
    _save_png(data, "worst-case")


def test_several_submissions_give_one_page_each(bank, spanish):
    others = [samples.scored(samples.answers(patient__name=f"Patient {n}"), sub_id=f"p{n}") for n in range(3)]
    pages = _pages(to_pdf([spanish, samples.worst_case(bank), *others], bank))
    assert len(pages) == 5
    assert "José Núñez Peña" in pages[0]
    assert [f"Patient {n}" in pages[2 + n] for n in range(3)] == [True] * 3


def test_unscored_submission_prints_without_suggestions(bank):
    text = _flat(_pages(to_pdf(samples.submission(samples.answers(), None), bank))[0])
    assert "NOT SCORED" in text and "Not scored yet" in text


@pytest.mark.parametrize("name", ["**bold** <b>x</b> `code` [link](http://x)", "=HYPERLINK(\"x\")",
                                  "Zoë O’Brien-Ñúñez", "Ana 😀 \u200e(LRM)"])
def test_patient_text_is_printed_as_plain_text(bank, name):
    doc = samples.answers(patient__name=name, visit__concern="# not a heading\n<script>x</script>")
    text = _flat(_pages(to_pdf(samples.submission(doc, samples.hand_result()), bank))[0])
    assert _flat(name) in text
    assert "# not a heading" in text and "<script>x</script>" in text


def test_right_to_left_names_print_their_letters(bank):
    # fpdf2 lays right-to-left runs out in visual order, so a text extractor reads them reversed;
    # without HarfBuzz the Arabic letters are not joined (docs/exports.md, "Limits").
    name = "\u200fمحمد علي\u200f"
    text = _pages(to_pdf(samples.submission(samples.answers(patient__name=name), None), bank))[0]
    assert set("محمدعلي") <= set(text)


def test_characters_the_font_lacks_print_as_a_replacement_mark(bank):
    sub = samples.submission(samples.answers(patient__name="李小龍 Lee"), None)
    text = _pages(to_pdf(sub, bank))[0]
    assert "\ufffd\ufffd\ufffd Lee" in text


def test_an_empty_list_is_refused(bank):
    with pytest.raises(ValueError, match="no submissions"):
        to_pdf([], bank)


_NAME = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=100)


_CONCERN = st.text(st.one_of(st.characters(blacklist_categories=("Cc", "Cs")), st.sampled_from("\r\n")),
                   min_size=1, max_size=500)


@settings(max_examples=15)
@given(name=_NAME, reasons=st.integers(0, 12), flags=st.integers(0, 30), concern=_CONCERN)
def test_any_load_fits_on_one_page(name, reasons, flags, concern):
    worst = samples.worst_case(BANK)
    result = dict(worst.result)
    result["red_flags"] = result["red_flags"][:flags]
    result["indications"] = [dict(i, reasons=i["reasons"][:1] * reasons) for i in result["indications"]]
    doc = dict(worst.answers, **{"patient.name": name, "visit.concern": concern})
    sub = samples.submission(doc, result)
    assert len(PdfReader(io.BytesIO(to_pdf(sub, BANK))).pages) == 1


def test_roomiest_style_is_used_when_there_is_room(spanish):
    assert choose_style(spanish, BANK) == STYLES[0]
    assert choose_style(samples.worst_case(BANK), BANK) != STYLES[0]


def _save_png(data: bytes, stem: str) -> Path | None:
    if shutil.which("pdftoppm") is None:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{stem}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(ARTIFACTS / f"{stem}.pdf"),
                    str(ARTIFACTS / stem)], check=True, timeout=60)
    return ARTIFACTS / f"{stem}.png"


def test_page_renders_to_png(spanish):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed; `make system-deps`")
    png = _save_png(to_pdf(spanish, BANK), "consult-summary-es")
    assert png.stat().st_size > 20_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
