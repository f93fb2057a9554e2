"""Today's list on a tablet (820x1180) in a real browser (Playwright on Debian's chromium) against
`streamlit run app.py`: a long name and a row with many long flag names are shown whole, none of
triage, name, time, flags or suggestion cut; a list of flags longer than a row's lines names the
most serious first and then says how many more (the detail has them all), never dropping one
silently. Screenshots go to test-artifacts/workspace-tablet/.

The list is a canvas grid (st.dataframe), so the check reads what the grid drew: every call to
the canvas' ``fillText`` is recorded (an init script), and
- each cell's whole text must have been drawn (a line below the row's bottom is never drawn);
- in the screenshot, no cell's ink may touch its right or bottom border (a line cut by the
  cell's clip leaves ink up to the border), found from the grid's own border lines.
"""

from __future__ import annotations

import io
import re

import pytest
from browser import TABLET, artifacts, chromium, screenshot, settle, streamlit_app  # noqa: F401 (fixtures)
from scoring_cases import MF_STRONG
from test_workspace_data import BACK_EN, MIGRAINE_ES, PASSWORD, URGENT_EN, add_user, minutes_ago, save

from clinic.config import Settings
from storage import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LONG_NAME = "María Guadalupe Hernández-Castellanos"
# A thunderclap headache with cauda equina signs, an unsure fever, and three safety flags.
MANY_FLAGS = {**URGENT_EN, "patient.name": LONG_NAME, "rf.saddle": "yes", "rf.bladder_bowel": "yes",
              "rf.leg_weakness": "yes", "rf.back_fever": "unsure", "safety.toxin_allergy": "yes",
              "safety.blood_thinner": "yes", "safety.neuromuscular": "yes"}
RECORD_DRAWN_TEXT = """
window.__drawn = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  if (window.__drawn.length < 200000) window.__drawn.push(String(text));
  return fill.call(this, text, ...rest);
};
"""
LIST_GRID = "[class*='st-key-ws_table_'] [data-testid='stDataFrame']"


def store_of(app):
    env = app.env
    return open_store(Settings(database_url=env["SCREENER_DATABASE_URL"], key_file=env["SCREENER_KEY_FILE"]))


def log_in(page, app, username: str, password: str = PASSWORD) -> None:
    page.goto(app.url + "/staff")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def grid_cells(page) -> list[list[str]]:
    """The list's cell texts as the grid holds them (its accessible table), row by row."""
    return page.locator(LIST_GRID).first.evaluate(
        "g => [...g.querySelectorAll('tbody tr')]"
        ".map(r => [...r.querySelectorAll('td')].map(c => c.textContent))")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def undrawn_cells(cells: list[list[str]], drawn: list[str]) -> list[str]:
    """Cells whose whole text was never drawn (the grid draws a cell's lines one after another)."""
    everything = _squash("".join(drawn))
    return [text for row in cells for text in row if text and _squash(text) not in everything]


def assert_every_flag_counted(cell: str, flags: list[str]) -> None:
    """The cell names the first flags in order, then "+N more" for exactly the rest."""
    names = " ".join(cell.split()).split("; ")
    more = re.fullmatch(r"\+(\d+) more", names[-1])
    shown = names[:-1] if more else names
    assert shown == flags[:len(shown)] and len(shown) + (int(more[1]) if more else 0) == len(flags), cell
    assert shown[0] == flags[0], "the most serious flag is always shown"


def _borders(values, length: int) -> list[int]:
    """Positions whose line is drawn across at least 97% of ``length`` (the grid's border lines)."""
    return [n for n, count in enumerate(values) if count >= 0.97 * length]


def cut_cells(png: bytes) -> list[tuple[int, int, str]]:
    """Body cells (row, column) whose ink touches their right or bottom border."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    line = [[pixels[x, y] < 245 for x in range(width)] for y in range(height)]  # not the white background
    columns = _borders([sum(line[y][x] for y in range(height)) for x in range(width)], height)
    rows = _borders([sum(line[y]) for y in range(height)], width)
    xs = [x for n, x in enumerate(columns) if n == 0 or x > columns[n - 1] + 1]
    ys = [y for n, y in enumerate(rows) if n == 0 or y > rows[n - 1] + 1]
    cut = []
    for r, (top, bottom) in enumerate(zip(ys[1:], ys[2:], strict=False)):  # below the header row
        for c, (left, right) in enumerate(zip(xs[1:], xs[2:], strict=False)):  # after the row markers
            ink = [(x, y) for y in range(top + 2, bottom - 1) for x in range(left + 2, right - 1)
                   if pixels[x, y] < 150]
            if ink and max(x for x, _ in ink) >= right - 3:
                cut.append((r, c, "right"))
            if ink and max(y for _, y in ink) >= bottom - 2:
                cut.append((r, c, "bottom"))
    return cut


def broken_words(texts: list[str], drawn: list[str]) -> list[str]:
    """Words of ``texts`` that no drawn line holds whole: the grid broke them mid-word (a word
    wider than its column is broken anywhere, "myofascia" / "l")."""
    return sorted({w for text in texts for w in text.replace(";", " ").split()
                   if not any(w in line for line in drawn)})


def test_a_long_name_and_long_flag_names_are_shown_whole_at_tablet_size(streamlit_app, chromium):  # noqa: F811
    store = store_of(streamlit_app)
    try:
        add_user(store, "dr.lee")
        save(store, MANY_FLAGS, minutes_ago(3))
        save(store, {**MIGRAINE_ES, "patient.name": "Wolfgang Amadeus Oppenheimer-Rothschild"},
             minutes_ago(5))
        save(store, {**BACK_EN, **MF_STRONG, "patient.name": "Carmen Contraindicada",
                     "safety.toxin_allergy": "yes"}, minutes_ago(8))  # low back; myofascial
    finally:
        store.close()
    context = chromium.new_context(viewport=TABLET)
    context.add_init_script(RECORD_DRAWN_TEXT)
    page = context.new_page()
    try:
        log_in(page, streamlit_app, "dr.lee")
        page.get_by_text("3 submission(s) · 1 urgent · 3 not reviewed yet").wait_for(timeout=30_000)
        settle(page)
        page.mouse.move(5, 5)  # no hover highlight in the grid
        page.wait_for_timeout(1500)
        screenshot(page, artifacts("workspace-tablet") / "01-tablet-list.png")
        grid = page.locator(LIST_GRID).first
        widths = grid.locator(".dvn-scroller").first.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert widths[0] <= widths[1], f"the list scrolls sideways at 820 px: {widths}"
        cells = grid_cells(page)
        names = [" ".join(row[2].split()) for row in cells]
        assert names[0].replace("- ", "-") == LONG_NAME, names
        assert_every_flag_counted(cells[0][5], ["!! Thunderclap", "!! Saddle numbness", "!! Bladder/bowel",
                                                "!! Leg weakness", "Back pain+fever (unsure)"])
        assert_every_flag_counted(cells[0][6], ["CI: Toxin allergy", "P: Neuromuscular", "P: Blood thinner"])
        drawn = page.evaluate("window.__drawn")
        assert undrawn_cells(cells, drawn) == []
        suggested = [row[7] for row in cells]
        assert "myofascial" in " ".join(suggested), suggested
        assert broken_words(suggested, drawn) == []  # a suggestion's words never split mid-word
        shot = grid.screenshot()
        (artifacts("workspace-tablet", clean=False) / "02-grid.png").write_bytes(shot)
        assert cut_cells(shot) == []
    finally:
        context.close()
