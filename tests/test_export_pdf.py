"""The one-page consult summary: text extracted with pypdf, one page always, a PNG to look at."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from datetime import date
from pathlib import Path

import patients
import pytest
import samples
from fontTools.agl import UV2AGL
from hypothesis import given, settings
from hypothesis import strategies as st
from patients import spanish_headache
from pypdf import PdfReader

from export import keynumbers, summary
from export.pdf import STYLES, choose_style, to_pdf
from questionnaire.bank import load_bank
from scoring.evidence import AAN_2016_CURRENCY
from vocabulary import Comment

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "export"
BANK = load_bank()


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def spanish():
    return samples.scored(patients.spanish_migraine(), sub_id="es-1")


def test_spanish_summary_has_the_essentials_on_one_page(spanish):
    pages = _pages(to_pdf(spanish, BANK))
    assert len(pages) == 1
    text = _flat(pages[0])
    assert "José Núñez Peña" in text
    assert spanish.result.triage.upper() in text
    assert "Age 55" in text and "Spanish questionnaire" in text
    for ind in spanish.result.to_dict()["indications"]:
        assert summary.INDICATION_NAMES[ind["id"]] in text
    migraine = spanish.result.to_dict()["indications"][0]
    assert (migraine["id"], migraine["match"], migraine["suggested"]) == ("chronic_migraine", "strong", True)
    assert "STRONG" in text and "FDA-approved · effective" in text
    assert "Unlikely: Cervical dystonia, Tension-type headache, Low back pain, Myofascial pain" in text
    assert migraine["reasons"][0]["text"][:40] in text
    assert "Screening aid, not a diagnosis" in text
    assert f"rules {spanish.rules_version}" in text and f"Questionnaire {BANK.version}" in text
    assert "sumatriptán 50 mg" in text  # the patient's own words
    assert "shortened" not in text


def test_key_numbers_hold_what_a_prior_authorisation_asks(spanish):
    text = _flat(_pages(to_pdf(spanish, BANK))[0])
    numbers = keynumbers.key_numbers(spanish, BANK)
    assert [n.label for n in numbers] == [
        "Headache days", "At this frequency", "Migraine-type days", "4 h or longer", "Preventive classes",
        "Acute med days", "CGRP now", "Toxin cycles", "PEG", "PHQ-2", "GAD-2"]
    for number in numbers:
        assert f"{number.label} {number.text}" in text, number
    shown = {n.label: (n.text, n.detail) for n in numbers}
    assert shown["Headache days"][0] == "20/month" and shown["At this frequency"][0] == "14 months"
    assert shown["4 h or longer"] == ("yes", BANK.item("ha.duration").option("4h_to_1d").label)
    assert shown["Preventive classes"][0] == "1" and "antiepileptic" in shown["Preventive classes"][1]
    assert shown["CGRP now"][0] == "no" and shown["Toxin cycles"][0] == "—"  # never toxin: not 0
    assert (shown["PEG"][0], shown["PHQ-2"][0], shown["GAD-2"][0]) == (
        f"{spanish.result.peg}/10", f"{spanish.result.phq2}/6", f"{spanish.result.gad2}/6")


def test_preventive_classes_count_classes_not_medicines():
    sub = samples.scored(patients.spanish_migraine() | {"ha.preventives": ["topiramate", "valproate", "snri",
                                                                          "tricyclic", "other"]})
    number = {n.label: n for n in keynumbers.key_numbers(sub, BANK)}["Preventive classes"]
    assert number.text == "2" and number.detail.startswith("antiepileptic, antidepressant; tried: ")
    prior = samples.scored(patients.spanish_migraine() | {
        "safety.toxin_before": "yes", "safety.toxin_weeks": 14, "toxin.prior_for": ["migraine"],
        "toxin.prior_benefit": "under_30", "toxin.migraine_cycles": 3,
        "toxin.headache_days_change": "not_fewer", "toxin.prior_side_effects": ["none"]})
    toxin = {n.label: n for n in keynumbers.key_numbers(prior, BANK)}["Toxin cycles"]
    assert toxin.text == "3 cycles"
    assert BANK.item("toxin.headache_days_change").option("not_fewer").label in toxin.detail


def test_urgent_triage_and_every_red_flag_appear(bank):
    result = samples.hand_result("urgent", red_flags=[
        {"id": "rf.thunderclap", "level": "urgent", "answer": "yes", "items": ["rf.thunderclap"]},
        {"id": "rf.giant_cell_arteritis", "level": "urgent", "answer": "yes", "items": ["rf.jaw_scalp"]},
        {"id": "rf.weight_loss", "level": "review", "answer": "unsure", "items": ["rf.weight_loss"]}],
        safety=[{"id": "safety.toxin_allergy", "level": "contraindication", "text": "Allergic before."}],
        notes=[{"id": "note.medication_overuse", "text": "Acute medicine on 16 days a month."}])
    text = _flat(_pages(to_pdf(samples.submission(patients.answers(), result), bank))[0])
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
    assert badges >= len(worst.result.to_dict()["red_flags"]) + 1  # + the triage badge
    for flag in worst.result.to_dict()["red_flags"]:
        assert _flat(bank.label(flag["id"]))[:12] in text, flag["id"]
    assert text.count("PRECAUTION") + text.count("CONTRAINDICATION") + text.count("CLARIFY") == len(
        worst.result.to_dict()["safety"])
    assert text.count("Off-label · ") == 3
    _save_png(data, "worst-case")


AS_OF = date(2026, 11, 24)


def _text(sub) -> str:
    return _flat(_pages(to_pdf(sub, BANK))[0])


def test_flags_come_first_and_the_patients_words_move_up_when_a_red_flag_is_listed():
    flagged = samples.scored(spanish_headache(BANK, AS_OF, rf__pattern_change="yes"))
    quiet = samples.scored(spanish_headache(BANK, AS_OF))
    assert flagged.result.to_dict()["red_flags"] and not quiet.result.to_dict()["red_flags"]
    order = ("Red flags", "Safety before toxin", "In the patient's words", "Key numbers",
             "Suggested to discuss")
    text = _text(flagged)
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    text = _text(quiet)
    words = text.index("In the patient's words")
    assert text.index("Key numbers") < text.index("Suggested to discuss") < words
    assert text.index("Red flags") < text.index("Safety before toxin") < text.index("Key numbers")


def test_a_pattern_where_toxin_is_not_recommended_is_its_own_group_with_the_alternative():
    tension = {"ha.one_side": "no", "ha.throbbing": "no", "ha.pressing": "yes", "ha.severity": "moderate",
               "ha.worse_activity": "no", "ha.nausea": "no", "ha.light": "no", "ha.sound": "yes",
               "ha.migraine_days": 2}
    changes = {k.replace(".", "__"): v for k, v in tension.items()}
    sub = samples.scored(spanish_headache(BANK, AS_OF, **changes))
    groups = summary.grouped(sub.result)
    assert [i.id for i in groups["not_recommended"]] == ["tension_type_headache"]
    assert groups["not_recommended"][0].match == "strong"
    text = _text(sub)
    start = text.index("Pattern present, toxin not recommended")
    section = text[start:text.index("Unlikely:")]
    assert "Tension-type headache" in section and "Off-label · probably ineffective" in section
    assert "amitriptyline" in section
    assert "Tension-type headache" not in text[text.index("Suggested to discuss"):start]


def test_a_stored_v2_result_is_grouped_by_the_one_derived_definition():
    stored = samples.hand_result("routine", {"tension_type_headache": "strong", "low_back_pain": "possible"},
                                 v2=True)
    text = _text(samples.submission(samples.V2_ANSWERS, stored))
    suggested = text[text.index("Suggested to discuss"):text.index("Pattern present, toxin not recommended")]
    assert "Low back pain" in suggested and "Off-label · possibly effective" in suggested
    assert "Tension-type headache" in text[text.index("Pattern present, toxin not recommended"):]
    assert "rules hand-v2" in text and "Questionnaire 2026.11.1" in text  # as scored, never rewritten


def test_a_routine_badge_never_stands_alone_beside_a_listed_warning_sign():
    flag = {"id": "rf.positional", "level": "review", "answer": "unsure", "items": ["rf.positional"]}
    stored = samples.hand_result("routine", red_flags=[flag], v2=True)  # v2: unsure left triage routine
    text = _text(samples.submission(samples.V2_ANSWERS, stored))
    assert "ROUTINE" in text  # shown as scored
    assert "Scored routine, but 1 warning sign(s) listed, 1 answered unsure" in text
    assert text.index("Scored routine, but") < text.index("Red flags")
    assert f"{BANK.retired['rf.positional'].label} (answered unsure)" in text
    assert "Scored routine, but" not in _text(samples.submission(patients.answers(), samples.hand_result()))


def test_the_aan_currency_sentence_appears_once(spanish):
    assert sum(AAN_2016_CURRENCY in i["evidence_text"] for i in spanish.result.to_dict()["indications"]) == 3
    assert _text(spanish).count(AAN_2016_CURRENCY) == 1


def test_a_safety_line_never_repeats_its_label_as_its_text():
    label = BANK.label("safety.blood_thinner")
    result = samples.hand_result("routine", safety=[
        {"id": "safety.blood_thinner", "level": "precaution", "text": label},
        {"id": "safety.skin_infection", "level": "contraindication", "text": "Infection where it hurts."}])
    text = _text(samples.submission(patients.answers(), result))
    assert text.count(label) == 1
    assert text.index("CONTRAINDICATION") < text.index("PRECAUTION")  # contraindications first


def test_clinician_comments_are_printed_with_author_and_time(spanish):
    from dataclasses import replace
    sub = replace(spanish, comments=(Comment("dr.ana", "Seen; CT first.", samples.WHEN, 1),
                                     Comment("dr.bo", "Booked for 12 Dec.", samples.WHEN, 2)))
    text = _text(sub)
    assert "Clinician comments" in text
    assert text.index("dr.bo, 2026-11-24 09:14 UTC Booked for 12 Dec.") < text.index(
        "dr.ana, 2026-11-24 09:14 UTC Seen; CT first.")


def test_font_subsetting_logs_no_glyph_of_the_patients_name(caplog):
    name = "Ñúñez Zoë Þórðardóttir"
    glyphs = {UV2AGL[ord(ch)] for ch in name if ord(ch) > 127}
    assert {"Ntilde", "edieresis", "Thorn", "eth"} <= glyphs
    caplog.set_level(logging.DEBUG)  # the app may run at DEBUG: still nothing at INFO or below
    logging.getLogger("fontTools").setLevel(logging.DEBUG)
    to_pdf(samples.submission(patients.answers(patient__name=name), samples.hand_result()), BANK)
    font_records = [r for r in caplog.records if r.name.startswith("fontTools") and r.levelno <= logging.INFO]
    assert font_records == []
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if name in m or any(g in m for g in glyphs)]


def test_several_submissions_give_one_page_each(bank, spanish):
    others = [samples.scored(patients.answers(patient__name=f"Patient {n}"), sub_id=f"p{n}")
              for n in range(3)]
    pages = _pages(to_pdf([spanish, samples.worst_case(bank), *others], bank))
    assert len(pages) == 5
    assert "José Núñez Peña" in pages[0]
    assert [f"Patient {n}" in pages[2 + n] for n in range(3)] == [True] * 3


def test_unscored_submission_prints_without_suggestions(bank):
    text = _flat(_pages(to_pdf(samples.submission(patients.answers(), None), bank))[0])
    assert "NOT SCORED" in text and "Not scored yet" in text


@pytest.mark.parametrize("name", ["**bold** <b>x</b> `code` [link](http://x)", "=HYPERLINK(\"x\")",
                                  "Zoë O’Brien-Ñúñez", "Ana 😀 \u200e(LRM)"])
def test_patient_text_is_printed_as_plain_text(bank, name):
    doc = patients.answers(patient__name=name, visit__concern="# not a heading\n<script>x</script>")
    text = _flat(_pages(to_pdf(samples.submission(doc, samples.hand_result()), bank))[0])
    assert _flat(name) in text
    assert "# not a heading" in text and "<script>x</script>" in text


def test_right_to_left_names_print_their_letters(bank):
    # fpdf2 lays right-to-left runs out in visual order, so a text extractor reads them reversed;
    # without HarfBuzz the Arabic letters are not joined (docs/exports.md, "Limits").
    name = "\u200fمحمد علي\u200f"
    text = _pages(to_pdf(samples.submission(patients.answers(patient__name=name), None), bank))[0]
    assert set("محمدعلي") <= set(text)


def test_characters_the_font_lacks_print_as_a_replacement_mark(bank):
    sub = samples.submission(patients.answers(patient__name="李小龍 Lee"), None)
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
    result = worst.result.to_dict()
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
