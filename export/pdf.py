"""The one-page consult summary: a PDF page per submission, readable at a glance.

Layout, top to bottom: the patient (name, age, sex, language, date) with the triage badge;
the key numbers; the five suggestions (match, evidence status with off-label marked, evidence
text, reasons); red flags; safety flags; notes; the patient's own words; a footer saying this is
a screening aid, not a diagnosis, with the versions.

One page, always: each page is laid out with the roomiest style that fits (``STYLES``), going
down to smaller type, fewer reason lines and two-column flag lists. Anything shortened ends in
"…" and the footer says the page was shortened. Patient text is printed as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from export import summary
from questionnaire.bank import Bank, load_bank
from storage.records import Submission

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVu"
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 12.0
BODY_W = PAGE_W - 2 * MARGIN
FOOTER_TOP = PAGE_H - MARGIN - 11.0
ELLIPSIS = "…"
UNSURE = " (answered unsure)"

# (background, text) colours
TRIAGE_COLOURS = {"urgent": ((198, 40, 40), (255, 255, 255)), "review": ((239, 108, 0), (255, 255, 255)),
                  "routine": ((46, 125, 50), (255, 255, 255)), None: ((117, 117, 117), (255, 255, 255))}
MATCH_COLOURS = {"strong": ((21, 101, 192), (255, 255, 255)), "possible": ((187, 222, 251), (13, 71, 161)),
                 "unlikely": ((238, 238, 238), (97, 97, 97))}
EVIDENCE_BADGES = {"fda_approved": ("FDA-approved", (232, 245, 233), (27, 94, 32)),
                   "off_label": ("OFF-LABEL", (255, 224, 178), (191, 54, 12))}
LEVEL_COLOURS = {"urgent": TRIAGE_COLOURS["urgent"], "review": TRIAGE_COLOURS["review"],
                 "contraindication": TRIAGE_COLOURS["urgent"], "precaution": TRIAGE_COLOURS["review"],
                 "clarify": ((84, 110, 122), (255, 255, 255))}
LEVEL_ORDER = {"urgent": 0, "contraindication": 0, "review": 1, "precaution": 1, "clarify": 2}
GREY, INK = (90, 90, 90), (20, 20, 20)


@dataclass(frozen=True)
class Style:
    size: float  # body text, points
    reasons: int  # reasons shown per indication
    reason_lines: int
    evidence_lines: int
    word_lines: int  # lines of each patient text
    flag_columns: int


STYLES = (
    Style(9.0, 6, 3, 3, 4, 1),
    Style(8.0, 4, 2, 2, 3, 1),
    Style(7.0, 3, 1, 1, 2, 2),
    Style(6.5, 2, 1, 1, 1, 2),
    Style(6.0, 1, 1, 1, 1, 2),
)


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    return frozenset(TTFont(FONT_DIR / "DejaVuSans.ttf").getBestCmap())


def plain(text: object) -> str:
    """Text the font can print: line breaks normalised, tabs as spaces, unknown glyphs as U+FFFD."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    glyphs = _glyphs()
    return "".join(ch if ch == "\n" or ord(ch) in glyphs else "\ufffd" for ch in value)


class Page:
    """One page being laid out in one style; ``overflow`` when something did not fit."""

    def __init__(self, pdf: FPDF, style: Style, bank: Bank, clip: bool):
        self.pdf, self.style, self.bank, self.clip = pdf, style, bank, clip
        self.y = MARGIN
        self.overflow = self.trimmed = False
        self._wrapped: dict[tuple, list[str]] = {}

    def lh(self, size: float | None = None) -> float:
        return (size or self.style.size) * 0.3528 * 1.3

    def font(self, size: float | None = None, bold: bool = False, colour=INK) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size or self.style.size)
        self.pdf.set_text_color(*colour)

    def wrap(self, text: str, width: float, max_lines: int, size: float | None = None,
             bold: bool = False) -> list[str]:
        """``text`` wrapped to ``width`` in the given font, cut to ``max_lines`` with an ellipsis."""
        self.font(size, bold)
        key = (text, width, max_lines, size, bold)
        if key not in self._wrapped:
            self._wrapped[key] = self._wrap(plain(text), width, max_lines, size or self.style.size)
        return self._wrapped[key]

    def _wrap(self, text: str, width: float, max_lines: int, size: float) -> list[str]:
        room = width - 2 * self.pdf.c_margin
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines += self._greedy(paragraph, room)
            if len(lines) > max_lines:
                break
        if len(lines) <= max_lines:
            return lines
        self.trimmed = True
        last = lines[max_lines - 1]
        while last and self.pdf.get_string_width(last + ELLIPSIS) > room:
            last = last[:-1]
        return lines[: max_lines - 1] + [last.rstrip() + ELLIPSIS]

    def _greedy(self, paragraph: str, room: float) -> list[str]:
        """Greedy word wrap of one paragraph (a word wider than the line is cut by character)."""
        widths = self.pdf.current_font.cw
        scale = self.pdf.font_size_pt * 0.001 / self.pdf.k  # glyph units -> mm

        def width(text: str) -> float:
            return sum(widths[ord(c)] for c in text) * scale

        space = width(" ")
        lines, line, used = [], "", 0.0
        for word in paragraph.split(" "):
            w = width(word)
            if line and used + space + w <= room:
                line, used = f"{line} {word}", used + space + w
                continue
            if not line and w <= room:
                line, used = word, w
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            for ch in word:
                if line and used + width(ch) > room:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + ch, used + width(ch)
        return lines + [line]

    def fits(self, height: float) -> bool:
        if self.y + height <= FOOTER_TOP:
            return True
        self.overflow = True
        return not self.clip

    def lines(self, x: float, width: float, text: str, max_lines: int, size: float | None = None,
              bold: bool = False, colour=INK) -> float:
        """Print wrapped text at (x, self.y) without moving self.y; the height used."""
        wrapped = self.wrap(text, width, max_lines, size, bold)
        self.pdf.set_text_color(*colour)
        for n, line in enumerate(wrapped):
            self.pdf.set_xy(x, self.y + n * self.lh(size))
            self.pdf.cell(width, self.lh(size), line)
        return len(wrapped) * self.lh(size)

    def badge(self, x: float, y: float, label: str, colours, size: float | None = None,
              width: float | None = None) -> float:
        """A filled label; its width."""
        fill, ink = colours
        self.font(size, True, ink)
        width = width or self.pdf.get_string_width(label) + 3
        self.pdf.set_fill_color(*fill)
        self.pdf.rect(x, y + 0.3, width, self.lh(size) - 0.6, style="F")
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, self.lh(size), label, align="C")
        return width

    def heading(self, title: str) -> None:
        size = self.style.size + 1.5
        if not self.fits(self.lh(size) + 1.5):
            return
        self.y += 1.2
        self.font(size, True, (13, 71, 161))
        self.pdf.set_xy(MARGIN, self.y)
        self.pdf.cell(BODY_W, self.lh(size), title)
        self.y += self.lh(size)
        self.pdf.set_draw_color(187, 222, 251)
        self.pdf.line(MARGIN, self.y, MARGIN + BODY_W, self.y)
        self.y += 0.6


def _header(page: Page, sub: Submission) -> None:
    triage = summary.triage(sub)
    badge_w = 42.0
    page.badge(PAGE_W - MARGIN - badge_w, page.y, (triage or "not scored").upper(),
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
                if sub.reviewed_at
                else "Not yet reviewed")
    line = f"Main problem: {problem.label if problem else 'not answered'}  ·  {reviewed}"
    page.y += page.lines(MARGIN, BODY_W, line, 1, colour=GREY) + 1


def _key_numbers(page: Page, sub: Submission) -> None:
    numbers = summary.key_numbers(sub)
    width = BODY_W / len(numbers)
    height = page.lh(page.style.size - 1) + page.lh(13) + 1.5
    page.pdf.set_draw_color(200, 200, 200)
    for n, (label, value, unit) in enumerate(numbers):
        x = MARGIN + n * width
        page.pdf.rect(x + 0.5, page.y, width - 1, height)
        page.lines(x + 1, width - 2, label, 1, size=page.style.size - 1, colour=GREY)
        text = "—" if value is None else f"{value}{unit}"
        page.y += page.lh(page.style.size - 1)
        page.lines(x + 1, width - 2, text, 1, size=13, bold=True)
        page.y -= page.lh(page.style.size - 1)
    page.y += height + 1


def _indication(page: Page, ind: dict) -> None:
    style, size = page.style, page.style.size
    if not page.fits(page.lh(size + 1) * 2):
        return
    name = summary.INDICATION_NAMES.get(ind["id"], ind["id"])
    match = ind.get("match", "unlikely")
    page.lines(MARGIN, 52, name, 1, size=size + 1, bold=True, colour=GREY if match == "unlikely" else INK)
    x = MARGIN + 53
    x += page.badge(x, page.y, match.upper(), MATCH_COLOURS.get(match, MATCH_COLOURS["unlikely"]),
                    size=size + 0.5, width=24) + 2
    label, fill, ink = EVIDENCE_BADGES.get(ind.get("evidence"), (str(ind.get("evidence")), (238,) * 3, INK))
    x += page.badge(x, page.y, label, (fill, ink), size=size + 0.5, width=28) + 2
    page.y += page.lh(size + 1)
    page.y += page.lines(MARGIN + 3, BODY_W - 3, ind.get("evidence_text", ""), style.evidence_lines,
                         size=size - 0.5, colour=GREY)
    reasons = ind.get("reasons", [])
    for reason in reasons[: style.reasons]:
        height = len(page.wrap(reason["text"], BODY_W - 8, style.reason_lines, size)) * page.lh()
        if page.fits(height):
            page.pdf.set_xy(MARGIN + 3, page.y)
            page.font()
            page.pdf.cell(4, page.lh(), "•")
            page.y += page.lines(MARGIN + 7, BODY_W - 8, reason["text"], style.reason_lines)
    if len(reasons) > style.reasons:
        page.trimmed = True
        page.y += page.lines(MARGIN + 7, BODY_W - 8, f"{ELLIPSIS} {len(reasons) - style.reasons} more "
                             "reason(s) in the record", 1, size=size - 1, colour=GREY)
    page.y += 0.8


def _suggestions(page: Page, sub: Submission) -> None:
    page.heading("Suggestions to discuss  (match = the patient's pattern; evidence = the treatment)")
    if sub.result is None:
        page.y += page.lines(MARGIN, BODY_W, "Not scored yet: no suggestions. The answers are stored; "
                             "run `python -m clinic rescore`.", 2)
        return
    for ind in sub.result.get("indications", []):
        _indication(page, ind)


def _flag_list(page: Page, title: str, entries: list[tuple[str, str]], empty: str) -> None:
    """Entries of (level, text) with a coloured level badge, in one or two columns."""
    page.heading(title)
    entries = sorted(entries, key=lambda e: LEVEL_ORDER.get(e[0], len(LEVEL_ORDER)))  # most pressing first
    if not entries:
        page.y += page.lines(MARGIN, BODY_W, empty, 1, colour=GREY)
        return
    columns = page.style.flag_columns if len(entries) > 3 else 1
    width = BODY_W / columns
    page.font(bold=True)
    badge_w = max(page.pdf.get_string_width(level.upper()) for level, _ in entries) + 4
    rows = [entries[n:n + columns] for n in range(0, len(entries), columns)]
    for row in rows:
        max_lines = page.style.reason_lines if columns == 1 else 1
        height = max(len(page.wrap(text, width - badge_w - 2, max_lines)) for _, text in row) * page.lh()
        if not page.fits(height):
            continue
        for n, (level, text) in enumerate(row):
            x = MARGIN + n * width
            page.font(page.style.size, True)
            page.badge(x, page.y, level.upper(), LEVEL_COLOURS.get(level, LEVEL_COLOURS["clarify"]),
                       width=badge_w)
            page.lines(x + badge_w + 1.5, width - badge_w - 2, text, max_lines)
        page.y += height + 0.4


def _label(bank: Bank, some_id: str) -> str:
    try:
        return bank.label(some_id)
    except KeyError:
        return some_id


def _flags(page: Page, sub: Submission) -> None:
    result = sub.result or {}
    red = [(f["level"], _label(page.bank, f["id"]) + (UNSURE if f.get("answer") == "unsure" else ""))
           for f in result.get("red_flags", [])]
    _flag_list(page, "Red flags", red, "None raised." if sub.result else "Not scored yet.")
    safety = [(f["level"], f"{_label(page.bank, f['id'])}: {f.get('text', '')}".rstrip(": "))
              for f in result.get("safety", [])]
    _flag_list(page, "Safety before toxin", safety, "None raised." if sub.result else "Not scored yet.")
    notes = [("note", n.get("text") or _label(page.bank, n["id"])) for n in result.get("notes", [])]
    _flag_list(page, "Notes", notes, "None.")


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


def _footer(page: Page, sub: Submission) -> None:
    page.y = FOOTER_TOP + 1
    page.pdf.set_draw_color(150, 150, 150)
    page.pdf.line(MARGIN, page.y, MARGIN + BODY_W, page.y)
    page.y += 0.8
    note = ("Screening aid, not a diagnosis. Suggestions describe answers to a questionnaire; "
            "the clinician decides.")
    page.y += page.lines(MARGIN, BODY_W, note, 1, size=7.5, bold=True)
    versions = (f"Questionnaire {sub.questionnaire_version} · rules {sub.rules_version or 'none'} · "
                f"submission {sub.id}")
    if page.trimmed or page.overflow:
        versions += f" · shortened to fit one page {ELLIPSIS} full record in the clinician workspace"
    page.lines(MARGIN, BODY_W, versions, 2, size=6.5, colour=GREY)


def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title("Consult summary")
    pdf.set_creator("botox-screener")
    return pdf


def _draw(pdf: FPDF, sub: Submission, style: Style, bank: Bank, clip: bool) -> Page:
    pdf.add_page()
    page = Page(pdf, style, bank, clip)
    _header(page, sub)
    _key_numbers(page, sub)
    _suggestions(page, sub)
    _flags(page, sub)
    _own_words(page, sub)
    _footer(page, sub)
    return page


def choose_style(sub: Submission, bank: Bank, scratch: FPDF | None = None) -> Style:
    """The roomiest style in which the whole summary fits on the page (tried on ``scratch``)."""
    scratch = scratch or _new_pdf()
    for style in STYLES:
        if not _draw(scratch, sub, style, bank, clip=False).overflow:
            return style
    return STYLES[-1]


def to_pdf(subs: Submission | Iterable[Submission], bank: Bank | None = None) -> bytes:
    """A PDF with one page per submission (one page for one submission)."""
    bank = bank or load_bank()
    subs = [subs] if isinstance(subs, Submission) else list(subs)
    if not subs:
        raise ValueError("no submissions to print")
    pdf, scratch = _new_pdf(), _new_pdf()
    pdf.set_creation_date(max(s.submitted_at for s in subs))
    for sub in subs:
        _draw(pdf, sub, choose_style(sub, bank, scratch), bank, clip=True)
    return bytes(pdf.output())
