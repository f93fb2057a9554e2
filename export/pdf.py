"""The one-page consult summary: a PDF page per submission, readable at a glance.

Layout, top to bottom (clinical-core.md and issue 8, part 5): the patient with the triage
badge; the red flags, each with its text; the safety flags, contraindications first; the
patient's own words here when any red flag is listed (they may explain it); the key numbers a
prior authorisation asks for; the indications "Suggested to discuss", then "Pattern present,
toxin not recommended" (with the guideline alternative), then the unlikely ones on one line;
the notes; the patient's own words (when no red flag); clinician comments (author, time,
text); a footer saying this is a screening aid with the AAN currency sentence (once) and the
versions. The stored result is printed as it was scored, with its own rules version.

One page, always: each page is laid out with the roomiest style that fits (``STYLES``), going
down to smaller type, fewer reason lines and two-column flag lists. Anything shortened ends in
"…" and the footer says the page was shortened. Patient text is printed as plain text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC
from typing import BinaryIO

from fpdf import FPDF

from export import keynumbers, summary
from export.pdf_layout import (
    BODY_W,
    ELLIPSIS,
    EVIDENCE_BADGES,
    FOOTER_TOP,
    GREY,
    INK,
    LEVEL_COLOURS,
    MARGIN,
    MATCH_COLOURS,
    PAGE_W,
    STYLES,
    TRIAGE_COLOURS,
    DryCanvas,
    Page,
    Style,
    new_pdf,
)
from export.pdf_spool import SpooledPDF
from questionnaire.bank import Bank, load_bank
from scoring.evidence import AAN_2016_CURRENCY
from vocabulary import IndicationResult, Submission

__all__ = ["STYLES", "choose_style", "to_pdf", "write_pdf"]
KEY_COLUMNS = 6



def _header(page: Page, sub: Submission) -> None:
    triage = summary.triage(sub)
    badge_w = 42.0
    page.badge(PAGE_W - MARGIN - badge_w, page.y, "VOID" if sub.void else (triage or "not scored").upper(),
               TRIAGE_COLOURS.get(triage, TRIAGE_COLOURS[None]), size=15, width=badge_w)
    name, name_w = sub.name or "(no name)", BODY_W - badge_w - 4
    size = 15 if len(page.wrap(name, name_w, 9, 15, True)) <= 2 else 11
    height = page.lines(MARGIN, name_w, name, 2, size=size, bold=True)
    page.y += max(height, page.lh(15)) + 0.5
    sex = page.bank.item("patient.sex").option(str(sub.answers.get("patient.sex")))
    age = summary.age(sub)
    facts = [f"Age {age}" if age is not None else "Age unknown", f"born {sub.birth_date or '?'}",
             sex.label if sex else None,
             f"{summary.LANGUAGE_NAMES.get(sub.language, sub.language)} questionnaire",
             f"submitted {sub.submitted_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"]
    page.y += page.lines(MARGIN, BODY_W, "  ·  ".join(f for f in facts if f), 1, size=page.style.size + 1)
    problem = page.bank.item("visit.main_problem").option(str(sub.answers.get("visit.main_problem")))
    reviewed = (f"Reviewed by {sub.reviewed_by} on {sub.reviewed_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                if sub.reviewed_at else "Not yet reviewed")
    line = f"Main problem: {problem.label if problem else 'not answered'}  ·  {reviewed}"
    page.y += page.lines(MARGIN, BODY_W, line, 1, colour=GREY) + 0.5
    if sub.rescored:  # a re-score is never a new alert (clinical-core.md, "Triage")
        page.y += page.lines(MARGIN, BODY_W, f"Re-scored under rules {sub.rules_version}: not a new alert", 1)
    caveat = summary.routine_caveat(sub.result)
    if caveat:  # "ROUTINE" never reads as "no warning signs" while one is listed
        page.y += page.lines(MARGIN, BODY_W, caveat + ".", 1, bold=True, colour=(191, 54, 12))
    page.y += 0.5


# -- flags ----------------------------------------------------------------------------------------

def _flag_list(page: Page, title: str, entries: list[tuple[str, str]], empty: str,
               max_lines: int | None = None) -> None:
    """Entries of (level, text) with a coloured level badge, in one or two columns, in the order given."""
    page.heading(title)
    if not entries:
        page.y += page.lines(MARGIN, BODY_W, empty, 1, colour=GREY)
        return
    columns = page.style.flag_columns if len(entries) > 3 else 1
    width = BODY_W / columns
    page.font(bold=True)
    badge_w = max(page.pdf.get_string_width(level.upper()) for level, _ in entries) + 4
    for start in range(0, len(entries), columns):
        row = entries[start:start + columns]
        lines = max_lines or (page.style.reason_lines if columns == 1 else 1)
        height = max(len(page.wrap(text, width - badge_w - 2, lines)) for _, text in row) * page.lh()
        if not page.fits(height):
            continue
        for n, (level, text) in enumerate(row):
            x = MARGIN + n * width
            colours = LEVEL_COLOURS.get(level, LEVEL_COLOURS["clarify"])
            page.badge(x, page.y, level.upper(), colours, width=badge_w)
            page.lines(x + badge_w + 1.5, width - badge_w - 2, text, lines)
        page.y += height + 0.4


def _warnings(page: Page, sub: Submission) -> None:
    flags = sub.result.red_flags if sub.result is not None else ()
    red = [(f.level.value, summary.red_flag_words(page.bank, f)) for f in flags]
    red.sort(key=lambda e: e[0] != "urgent")  # urgent first, each level in the result's order
    _flag_list(page, "Red flags", red, "None raised." if sub.result else "Not scored yet.")
    safety = [(f.level.value, summary.safety_words(page.bank, f))
              for f in summary.safety_in_order(sub.result)]
    _flag_list(page, "Safety before toxin", safety, "None raised." if sub.result else "Not scored yet.")


def _notes(page: Page, sub: Submission) -> None:
    notes = [("note", n.text or summary.label(page.bank, n.id))
             for n in (sub.result.notes if sub.result is not None else ())]
    if notes:
        _flag_list(page, "Notes", notes, "None.", max_lines=page.style.reason_lines + 1)


# -- key numbers ----------------------------------------------------------------------------------

def _key_numbers(page: Page, sub: Submission) -> None:
    page.heading("Key numbers (prior authorisation)")
    unit = BODY_W / KEY_COLUMNS
    small = page.style.size - 1.5
    height = page.lh(small) * 3 + page.lh(10) + 1.0
    page.pdf.set_draw_color(200, 200, 200)
    for row in _rows(keynumbers.key_numbers(sub, page.bank)):
        if not page.fits(height):
            return
        top, x = page.y, MARGIN
        for number in row:
            width = unit * number.span
            page.pdf.rect(x + 0.4, top, width - 0.8, height)
            page.y = top
            page.lines(x + 0.8, width - 1.6, number.label, 1, size=small, colour=GREY)
            page.y += page.lh(small)
            page.lines(x + 0.8, width - 1.6, number.text, 1, size=10, bold=True)
            page.y += page.lh(10)
            if number.detail:
                page.lines(x + 0.8, width - 1.6, number.detail, 2, size=small, colour=GREY)
            x += width
        page.y = top + height + 0.6


def _rows(numbers: list[keynumbers.KeyNumber]) -> list[list[keynumbers.KeyNumber]]:
    """The numbers packed into rows of KEY_COLUMNS cells, in order."""
    rows: list[list[keynumbers.KeyNumber]] = [[]]
    for number in numbers:
        if sum(n.span for n in rows[-1]) + number.span > KEY_COLUMNS:
            rows.append([])
        rows[-1].append(number)
    return rows


# -- indications ----------------------------------------------------------------------------------

def _evidence_text(ind: IndicationResult) -> str:
    """The evidence text without the AAN currency sentence, which the footer says once."""
    return " ".join(ind.evidence_text.replace(AAN_2016_CURRENCY, "").split())


def _badges(page: Page, ind: IndicationResult, size: float) -> None:
    match = ind.match.value
    name = summary.INDICATION_NAMES.get(ind.id, ind.id)
    page.lines(MARGIN, 52, name, 1, size=size + 1, bold=True, colour=GREY if match == "unlikely" else INK)
    x = MARGIN + 53
    x += page.badge(x, page.y, match.upper(), MATCH_COLOURS.get(match, MATCH_COLOURS["unlikely"]),
                    size=size + 0.5, width=24) + 2
    _, fill, ink = EVIDENCE_BADGES.get(ind.evidence, ("", (238,) * 3, INK))
    page.badge(x, page.y, summary.status_words(ind), (fill, ink), size=size + 0.5)
    page.y += page.lh(size + 1)


def _reasons(page: Page, texts: list[str]) -> None:
    style = page.style
    for text in texts[: style.reasons]:
        height = len(page.wrap(text, BODY_W - 8, style.reason_lines)) * page.lh()
        if page.fits(height):
            page.pdf.set_xy(MARGIN + 3, page.y)
            page.font()
            page.pdf.cell(4, page.lh(), "•")
            page.y += page.lines(MARGIN + 7, BODY_W - 8, text, style.reason_lines)
    if len(texts) > style.reasons:
        page.trimmed = True
        page.y += page.lines(MARGIN + 7, BODY_W - 8, f"{ELLIPSIS} {len(texts) - style.reasons} more "
                             "reason(s) in the record", 1, size=style.size - 1, colour=GREY)


def _indication(page: Page, ind: IndicationResult, reasons: list[str]) -> None:
    size = page.style.size
    if not page.fits(page.lh(size + 1) * 2):
        return
    _badges(page, ind, size)
    page.y += page.lines(MARGIN + 3, BODY_W - 3, _evidence_text(ind), page.style.evidence_lines,
                         size=size - 0.5, colour=GREY)
    _reasons(page, reasons)
    page.y += 0.8


def _indications(page: Page, sub: Submission) -> None:
    if sub.result is None:
        page.heading("Suggested to discuss")
        page.y += page.lines(MARGIN, BODY_W, "Not scored yet: no suggestions. The answers are stored; "
                             "run `python -m clinic rescore`.", 2)
        return
    groups = summary.grouped(sub.result)
    page.heading(f"{summary.GROUP_TITLES['suggested']}  "
                 "(match = the patient's pattern; evidence = the treatment)")
    if not groups["suggested"]:
        page.y += page.lines(MARGIN, BODY_W, "No indication is suggested to discuss.", 1, colour=GREY)
    for ind in groups["suggested"]:
        _indication(page, ind, [r.text for r in ind.reasons])
    if groups["not_recommended"]:
        page.heading(summary.GROUP_TITLES["not_recommended"])
        for ind in groups["not_recommended"]:
            _indication(page, ind, summary.alternatives(ind))
    if groups["unlikely"]:
        names = ", ".join(summary.INDICATION_NAMES.get(i.id, i.id) for i in groups["unlikely"])
        if page.fits(page.lh()):
            page.y += page.lines(MARGIN, BODY_W, f"Unlikely: {names}", 1, colour=GREY) + 0.4


# -- patient and clinician words ------------------------------------------------------------------

def _own_words(page: Page, sub: Submission) -> None:
    words = [(label, sub.answers.get(item)) for label, item in
             (("Concern", "visit.concern"), ("Medicines", "meds.list"))]
    words = [(label, text) for label, text in words if isinstance(text, str) and text.strip()]
    if not words:
        return
    page.heading("In the patient's words (as typed)")
    for label, text in words:
        height = len(page.wrap(text, BODY_W - 22, page.style.word_lines)) * page.lh()
        if page.fits(height):
            page.lines(MARGIN, 21, label, 1, bold=True)
            page.y += page.lines(MARGIN + 22, BODY_W - 22, text, page.style.word_lines) + 0.4


def _comments(page: Page, sub: Submission) -> None:
    if not sub.comments:
        return
    page.heading("Clinician comments")
    for comment in sorted(sub.comments, key=lambda c: c.version, reverse=True):
        who = f"{comment.author}, {comment.written_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        height = len(page.wrap(comment.text, BODY_W - 60, page.style.word_lines)) * page.lh()
        if page.fits(height):
            page.lines(MARGIN, 59, who, 1, size=page.style.size - 1, colour=GREY)
            page.y += page.lines(MARGIN + 60, BODY_W - 60, comment.text, page.style.word_lines) + 0.4


def _footer(page: Page, sub: Submission) -> None:
    page.y = FOOTER_TOP + 1
    page.pdf.set_draw_color(150, 150, 150)
    page.pdf.line(MARGIN, page.y, MARGIN + BODY_W, page.y)
    page.y += 0.8
    note = ("Screening aid, not a diagnosis. Suggestions describe answers to a questionnaire; "
            "the clinician decides.")
    page.y += page.lines(MARGIN, BODY_W, note, 1, size=7.5, bold=True)
    if sub.result is not None and any(AAN_2016_CURRENCY in i.evidence_text
                                      for i in sub.result.indications):  # said once, here
        page.y += page.lines(MARGIN, BODY_W, f"Evidence texts: {AAN_2016_CURRENCY}", 1, size=6.5)
    versions = (f"Questionnaire {sub.questionnaire_version} · result as scored by rules "
                f"{sub.rules_version or 'none'} · submission {sub.id}")
    if page.trimmed or page.overflow:
        versions += f" · shortened to fit one page {ELLIPSIS} full record in the clinician workspace"
    page.lines(MARGIN, BODY_W, versions, 2, size=6.5, colour=GREY)


def _draw(pdf: FPDF | DryCanvas, sub: Submission, style: Style, bank: Bank, clip: bool) -> Page:
    """Lay the page out in ``style``: drawn on ``pdf``, or only measured on a ``DryCanvas``."""
    if isinstance(pdf, FPDF):
        pdf.add_page()
    page = Page(pdf, style, bank, clip)
    flagged = sub.result is not None and bool(sub.result.red_flags)
    _header(page, sub)
    _warnings(page, sub)
    if flagged:
        _own_words(page, sub)
    _key_numbers(page, sub)
    _indications(page, sub)
    _notes(page, sub)
    if not flagged:
        _own_words(page, sub)
    _comments(page, sub)
    _footer(page, sub)
    return page


def choose_style(sub: Submission, bank: Bank, measure: FPDF | None = None) -> Style:
    """The roomiest style in which the whole summary fits on the page, found by measuring the
    text only (``measure`` is a page-less FPDF holding the fonts; nothing is drawn on it)."""
    canvas = DryCanvas(measure or new_pdf())
    for style in STYLES:
        if not _draw(canvas, sub, style, bank, clip=False).overflow:
            return style
    return STYLES[-1]


def write_pdf(subs: Iterable[Submission], out: BinaryIO, bank: Bank | None = None) -> None:
    """One page per submission, each laid out once in its chosen style and sent to a spool as
    soon as the next begins (``export.pdf_spool``), so memory stays flat however many pages;
    the file is written to ``out`` as it is made."""
    bank = bank or load_bank()
    measure, latest = new_pdf(), None
    with new_pdf(SpooledPDF) as pdf:
        for sub in subs:
            _draw(pdf, sub, choose_style(sub, bank, measure), bank, clip=True)
            latest = sub.submitted_at if latest is None else max(latest, sub.submitted_at)
        if latest is None:
            raise ValueError("no submissions to print")
        pdf.set_creation_date(latest)
        pdf.write_to(out)


def to_pdf(subs: Submission | Iterable[Submission], bank: Bank | None = None) -> bytes:
    """A PDF with one page per submission (one page for one submission)."""
    out = io.BytesIO()
    write_pdf([subs] if isinstance(subs, Submission) else subs, out, bank)
    return out.getvalue()
