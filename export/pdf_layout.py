"""The page machinery of the consult PDF: fonts, styles, word wrap, badges, headings.

``export.pdf`` lays the sections out with it. Text is always printed as plain text (no markup
of any kind is read); glyphs the embedded DejaVu fonts lack print as U+FFFD.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from questionnaire.bank import Bank

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "DejaVu"
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 12.0
BODY_W = PAGE_W - 2 * MARGIN
FOOTER_TOP = PAGE_H - MARGIN - 13.0
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


class DryCanvas:
    """Stands in for the document while a style is tried: fpdf2 measures the text (on a
    page-less FPDF with the same fonts, so widths are exactly the real page's) and nothing is
    drawn, so no scratch page is ever made or kept."""

    _DRAWING = frozenset({"cell", "rect", "line", "set_xy", "set_text_color", "set_fill_color",
                          "set_draw_color", "multi_cell"})

    def __init__(self, measure: FPDF):
        self._measure = measure

    def __getattr__(self, name: str):
        if name in self._DRAWING:
            return _nothing
        return getattr(self._measure, name)


def _nothing(*_args, **_kwargs) -> None:
    return None


def new_pdf(kind: type[FPDF] = FPDF) -> FPDF:
    """An empty A4 document of ``kind`` with DejaVu Sans embedded; "{nb}" in a text is printed
    as it stands (fpdf2 would put the page count in its place).

    fontTools, which fpdf2 uses to subset the font, logs the glyph names it keeps at INFO,
    which spells out the letters of the patient's name: its loggers are capped at WARNING.
    """
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = kind(orientation="P", unit="mm", format="A4")
    pdf.str_alias_nb_pages = None
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title("Consult summary")
    pdf.set_creator("botox-screener")
    return pdf
