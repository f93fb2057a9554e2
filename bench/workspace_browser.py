"""Today's list and a detail in real chromium at clinic scale, beside a bare Streamlit page.

    .venv/bin/python bench/workspace_browser.py [--runs N]

The store of 10,000 submissions with 2,000 today from bench/workspace_list.py (generated once,
cached under /tmp), copied to a scratch folder so the audit rows of the runs stay out of the
cache. Two servers run side by side on it: the app (``streamlit run app.py``, the shipped
``.streamlit/config.toml``) and a bare page that runs ``pandas.read_sql`` of the list's clear
columns for the whole of today and draws them with ``st.dataframe`` (bench/workspace_list.py's
``BARE_PAGE``). Debian's chromium (Playwright, tests/browser.py's launch arguments) at 820x1180,
one browser profile (its cache warm after the first run, as on a clinic's computer) and a new
tab, so a new Streamlit session that must log in, each run; timed from the browser's side:

1. today's list: from the click on "Log in" to the first row's name drawn in the grid;
2. a detail: from the click on that row (a returning patient added to the copy: urgent, linked
   to a visit 30 days ago, so with the visit history, its Altair chart and the TA260 check) to
   the detail's "Returning patient" section on screen, the run finished and the chart drawn;
3. back to the list: from the click on "Today's list" to the first row's name drawn again;
4. another detail: the second row's (no visit history), the same way as 2;
5. the bare page: from navigation to its first row drawn in the grid (the baseline).

Runs alternate between the app and the bare page so that both see the same machine load. The
first run (servers just started, browser cache empty) is printed apart; the medians are
of the runs after it. Prints each figure and the ratios; docs/benchmarks.md records them. Not a
test: no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

VIEWPORT = {"width": 820, "height": 1180}
LIST_KEY = "[class*='st-key-ws_table_']"  # the list's grid, not the detail's
LIST_GRID = LIST_KEY + " [data-testid='stDataFrame']"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT = 60_000


# Timed in the page itself, so Playwright's polling adds nothing: the press of the pointer (or the
# navigation's start) to the first mutation after which the condition holds, plus one animation
# frame (the paint). performance.now() counts from the navigation's start.
PROBE = """
window.__seen = {}; window.__want = {};
window.__expect = (names) => { window.__seen = {}; window.__want = names; window.__pressed = null; };
addEventListener('pointerdown', () => { window.__pressed = performance.now(); }, true);
const idle = () => !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]');
const tests = {
  // the run finished, the last section there, and every chart drawn (Vega draws after mounting)
  detail: (w) => idle() && [...document.querySelectorAll('h3')].some(e => e.textContent === w.text)
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .every(c => c.querySelector('canvas, svg.marks')),
};
const seen = (name) => {
  window.__seen[name] = -1;
  requestAnimationFrame(() => { window.__seen[name] = performance.now(); });
};
const wanted = () => Object.keys(window.__want).length ? window.__want : (window.__wantNow || {});
// the grid is a canvas: its rows are on screen when it has drawn the awaited text
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  for (const [name, w] of Object.entries(wanted())) {
    if (w.test === 'drawn' && !(name in window.__seen) && String(text).includes(w.text)
        && (!w.grid || document.querySelector(w.grid))) seen(name);
  }
  return fill.call(this, text, ...rest);
};
new MutationObserver(() => {
  for (const [name, w] of Object.entries(wanted())) {
    if (w.test !== 'drawn' && !(name in window.__seen) && tests[w.test](w)) seen(name);
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def _expect(page, name: str, test: str, text: str, grid: str = "") -> None:
    page.evaluate("w => window.__expect(w)", {name: {"test": test, "text": text, "grid": grid}})


def _took(page, name: str, since_navigation: bool = False) -> float:
    """Milliseconds from the pointer press (or the navigation's start) to ``name`` on screen."""
    page.wait_for_function(f"() => window.__seen['{name}'] > 0", timeout=TIMEOUT)
    if not since_navigation:
        page.wait_for_function("() => window.__pressed !== null", timeout=TIMEOUT)
    start = "0" if since_navigation else "window.__pressed"
    return page.evaluate(f"() => window.__seen['{name}'] - {start}")


def _finished(page) -> None:
    page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT)


def app_run(context, url: str, user: str, password: str, first_name: str, row_px: int) -> tuple[float, ...]:
    """One clinician's visit in a new tab (a new session): log in to the list, open the first
    row, back to the list, open the second row."""
    page = context.new_page()
    try:
        page.goto(url + "/staff")
        page.get_by_role("textbox", name="Username").fill(user)
        page.get_by_role("textbox", name="Password").fill(password)
        _finished(page)
        _expect(page, "list", "drawn", first_name, LIST_KEY)
        page.get_by_role("button", name="Log in").click()
        listed = _took(page, "list")
        _finished(page)
        page.wait_for_timeout(300)
        grid = page.locator(LIST_GRID).first.bounding_box()
        _expect(page, "detail", "detail", "Returning patient")
        page.mouse.click(grid["x"] + 15, grid["y"] + 36 + row_px // 2)  # the first row's selection box
        detail = _took(page, "detail")
        page.wait_for_timeout(300)
        _expect(page, "list", "drawn", first_name, LIST_KEY)
        page.get_by_role("link", name="Today's list").first.click()
        back = _took(page, "list")
        _finished(page)
        page.wait_for_timeout(300)
        grid = page.locator(LIST_GRID).first.bounding_box()
        _expect(page, "detail", "detail", "Returning patient")
        page.mouse.click(grid["x"] + 15, grid["y"] + 36 + row_px + row_px // 2)  # the second row's
        another = _took(page, "detail")
        return listed, detail, back, another
    finally:
        page.close()


def bare_run(context, url: str, first_id: str) -> float:
    """The bare page opened in a new tab: navigation to its first row on screen."""
    page = context.new_page()
    try:
        page.add_init_script(f"window.__wantNow = {{'list': {{'test': 'drawn', 'text': '{first_id}'}}}};")
        page.goto(url)
        return _took(page, "list", since_navigation=True)
    finally:
        page.close()


def _scratch_copy(cached: Path) -> Path:
    """The cached store, copied, with one returning patient added: an urgent submission now,
    linked by MRN to a visit 30 days ago, so the first row's detail has a visit history, its
    chart and the NICE TA260 check (the second row's detail is an ordinary one)."""
    from test_corrections_apptest import BASELINE, TREATED
    from test_workspace_data import save

    from clinic.config import Settings
    from storage import open_store
    folder = Path(tempfile.mkdtemp(prefix="screener-bench-browser-"))
    shutil.copy(cached / "bench.db", folder / "browser.db")
    shutil.copy(cached / "bench.key", folder / "browser.key")
    store = open_store(Settings(database_url=f"sqlite:///{folder / 'browser.db'}",
                                key_file=str(folder / "browser.key")))
    try:
        now = datetime.now(UTC)
        before = save(store, BASELINE, now - timedelta(days=30))
        today = save(store, {**TREATED, "rf.thunderclap": "yes"}, now)
        store.link_visits(today, [before], "MRN-BENCH-1", "bench")
    finally:
        store.close()
    return folder


def _row_px(rows) -> int:
    """The list's row height for this page (as workspace/today.py draws it)."""
    from questionnaire.bank import load_bank
    from workspace import list_view, today
    shown = [{**r, "Name": list_view.hyphen_breaks(r["Name"], today.TEXT_WIDTHS["Name"])}
             for r in list_view.table_rows(load_bank(), rows)]
    return list_view.fit_page(shown, today.TEXT_WIDTHS)[1] or 35


def _first_rows(folder: Path, since, until) -> tuple[str, str, int, int]:
    """The first word of the app's first row's name, the bare page's first id (what each waits
    for the grid to draw), today's count and the list's row height."""
    from sqlalchemy import create_engine, text
    from workspace_list import COLUMNS_SQL

    from clinic.config import Settings
    from storage import open_store
    from storage.rows import ts
    store = open_store(Settings(database_url=f"sqlite:///{folder / 'browser.db'}",
                                key_file=str(folder / "browser.key")))
    try:
        page = store.list_page(since, until)
        name, total, row_px = page.rows[0].name.split()[0], page.total, _row_px(page.rows)
    finally:
        store.close()
    engine = create_engine(f"sqlite:///{folder / 'browser.db'}")
    with engine.connect() as db:
        first_id = db.execute(text(COLUMNS_SQL), {"since": ts(since), "until": ts(until)}).first()[0]
    engine.dispose()
    return name, first_id, total, row_px


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs after the first (default 5)")
    runs = parser.parse_args(argv).runs
    from browser import launched_chromium, running_app
    from workspace_list import BARE_PAGE, PASSWORD, USER, cached_store

    from storage.rows import ts
    from workspace.list_view import day_bounds

    folder = _scratch_copy(cached_store(10_000, 2_000))
    since, until = day_bounds(date.today(), date.today())
    name, first_id, total, row_px = _first_rows(folder, since, until)
    print(f"store: 10,000 submissions, {total} today; list rows {row_px} px; "
          f"viewport {VIEWPORT['width']}x{VIEWPORT['height']}")
    (folder / "bare").mkdir()  # its own server log
    (folder / "bare" / "bare_page.py").write_text(BARE_PAGE, encoding="utf-8")
    bare_env = {"BENCH_DB_URL": f"sqlite:///{folder / 'browser.db'}", "BENCH_SINCE": ts(since),
                "BENCH_UNTIL": ts(until)}
    try:
        bare_script = str(folder / "bare" / "bare_page.py")
        with running_app(folder) as app, \
                running_app(folder / "bare", script=bare_script, extra_env=bare_env) as bare, \
                launched_chromium() as browser:
            context = browser.new_context(viewport=VIEWPORT)  # one browser profile, as a clinic PC's
            context.add_init_script(PROBE)
            first = app_run(context, app.url, USER, PASSWORD, name, row_px)
            first_bare = bare_run(context, bare.url, first_id)
            print(f"first run (cold server): list {first[0]:.0f} ms, detail {first[1]:.0f} ms, "
                  f"back {first[2]:.0f} ms, another detail {first[3]:.0f} ms; bare page {first_bare:.0f} ms")
            figures, bares = [], []
            for _ in range(runs):
                figures.append(app_run(context, app.url, USER, PASSWORD, name, row_px))
                bares.append(bare_run(context, bare.url, first_id))
            context.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(bares)
    print(f"medians of {runs} runs:")
    for n, label in enumerate(("1. today's list (Log in -> first row)", "2. a detail (row click -> drawn)",
                               "3. back to the list (link -> first row)", "4. another detail (row click)")):
        values = [f[n] for f in figures]
        median = statistics.median(values)
        print(f"{label:42s} {median:7.0f} ms  (range {min(values):.0f}-{max(values):.0f})  "
              f"ratio to the bare page {median / base:5.2f}x")
    print(f"{'5. bare read_sql + st.dataframe page':42s} {base:7.0f} ms  "
          f"(range {min(bares):.0f}-{max(bares):.0f})")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main(sys.argv[1:]))
