"""Shared helpers for real-browser tests: Debian's chromium through Playwright, and the app
started with `streamlit run app.py` on a free port over a temporary database and key.

Use the context managers directly, or the two fixtures (import them into a test module):

    from browser import chromium, streamlit_app  # noqa: F401  (pytest fixtures)

    @pytest.mark.browser
    def test_something(streamlit_app, chromium):
        page = chromium.new_page(viewport={"width": 820, "height": 1180})
        page.goto(streamlit_app.url)
        settle(page)

Browser tests skip when chromium is missing, unless SCREENER_REQUIRE_BROWSER=1 (then they fail).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Skip (or fail, with SCREENER_REQUIRE_BROWSER=1) when Debian's chromium is missing."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("SCREENER_REQUIRE_BROWSER") == "1":
        pytest.fail("chromium is missing and SCREENER_REQUIRE_BROWSER=1 (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    url: str  # base URL, no trailing slash
    env: dict  # the environment the server runs with (SCREENER_* included)
    log: Path  # the server's stdout and stderr


def _wait_healthy(app: RunningApp, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {app.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(app.url + "/_stcore/health", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"streamlit did not become healthy in {seconds} s")


@contextlib.contextmanager
def running_app(folder: Path, script: str = "app.py", extra_env: dict | None = None,
                seconds: float = 60, shipped_config_only: bool = False) -> Iterator[RunningApp]:
    """`streamlit run <script>` from the project root, with its database and key in ``folder``.

    Inherited ``STREAMLIT_*`` variables are dropped. ``shipped_config_only`` passes no server
    flag but the port, so what runs is exactly ``.streamlit/config.toml`` (the security tests).
    """
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env = {**inherited, "SCREENER_DATABASE_URL": f"sqlite:///{folder / 'browser.db'}",
           "SCREENER_KEY_FILE": str(folder / "browser.key"), **(extra_env or {})}
    app = RunningApp(url=f"http://127.0.0.1:{port}", env=env, log=folder / "streamlit.log")
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
    if not shipped_config_only:
        cmd += ["--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false"]
    with app.log.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(app, proc, seconds)
        yield app
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, seconds: float = 10) -> None:
    """Stop a server we started: SIGTERM, then SIGKILL if it is still there after ``seconds``."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def launched_chromium() -> Iterator[object]:
    """A headless chromium browser (Playwright), closed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def streamlit_app(tmp_path) -> Iterator[RunningApp]:
    """The whole app (`streamlit run app.py`) over a fresh database in the test's folder."""
    require_chromium()
    with running_app(tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launched_chromium() as browser:
        yield browser


def settle(page, timeout_ms: int = 15_000) -> None:
    """Wait until Streamlit has finished the run an action started (and the page is drawn)."""
    page.wait_for_timeout(120)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms,
                           state="attached")
    page.wait_for_timeout(80)


def artifacts(name: str, clean: bool = True) -> Path:
    """test-artifacts/<name>/, created, and emptied of older screenshots when ``clean``."""
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png") if clean else ():
        old.unlink()
    return folder


def screenshot(page, path: Path) -> None:
    """The whole page, also what lies below the fold of Streamlit's own scrolling container."""
    size = page.viewport_size
    height = page.evaluate("""Math.max(...[...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], body')].map(e => e.scrollHeight))""")
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(height)})
        page.wait_for_timeout(250)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if height > size["height"]:
            page.set_viewport_size(size)
            page.wait_for_timeout(150)


# ---------------------------------------------------------------- the workspace (shared)
def create_clinician(env: dict, username: str, password: str) -> subprocess.CompletedProcess:
    """`python -m clinic create-user` with the running app's environment ``env``."""
    return subprocess.run([sys.executable, "-m", "clinic", "create-user", username, "--password-stdin"],
                          input=password + "\n", capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120, check=False)


def log_in_to_workspace(page, base_url: str, username: str, password: str) -> None:
    """Open the workspace (``base_url``/staff) and log in."""
    page.goto(base_url + "/staff")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def open_first_row(page, counts: str) -> None:
    """Once today's list says ``counts`` ("1 submission(s)"), tick its first row's selection box."""
    page.get_by_text(counts).first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    table = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    page.mouse.click(table["x"] + 15, table["y"] + 35 + 17)


def link_visits_by_mrn(page, mrn: str, verdict_text: str):
    """On a detail page with a suggested link: enter the MRN, confirm, and wait for the visit
    history to show ``verdict_text`` (scrolled into view, its chart drawn). Returns the page's text."""
    page.get_by_role("textbox", name="MRN for these visits").fill(mrn)
    page.get_by_role("button", name="Confirm: same patient, link visits").click()
    verdict = page.get_by_text(verdict_text)
    verdict.wait_for(timeout=30_000)
    verdict.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the chart draws
    return page.locator("body").inner_text()


def list_widths(page) -> list[int]:
    """[scrollWidth, clientWidth] of today's list: the first is larger when it scrolls sideways."""
    grid = page.locator("[data-testid='stDataFrame'] .dvn-scroller").first
    return grid.evaluate("e => [e.scrollWidth, e.clientWidth]")


# ---------------------------------------------------------------- the kiosk walk (shared)
TABLET = {"width": 820, "height": 1180}
TARGET_SELECTOR = ("button, input:not([type=checkbox]):not([type=radio]), textarea, "
                   "[data-testid=stRadio] label, [data-testid=stCheckbox] label, svg.kiosk-bodymap .region")


def _bank_and_text():
    from kiosk.ui_text import load_ui_text
    from questionnaire.bank import load_bank
    return load_bank(), load_ui_text()


def tap_button(scope, name: str) -> None:
    """Tap the button showing exactly ``name`` (plain buttons, segmented buttons and pills)."""
    found = scope.get_by_role("button", name=name, exact=True)
    for role in ("radio", "checkbox"):
        found = found.or_(scope.get_by_role(role, name=name, exact=True))
    found.first.click()


def block(page, item_id: str):
    return page.locator(f".st-key-item-{item_id.replace('.', '-')}")


def tap_body(page, regions: list[str]) -> None:
    """Tap the middle of each region's last polygon on the body picture."""
    for code in regions:
        page.locator(f'svg.kiosk-bodymap .region[data-code="{code}"]').last.click()
        settle(page)


def answer(page, item, value, lang: str) -> None:
    """Give one answer the way a patient does: taps, or typing then leaving the field."""
    bank, ui = _bank_and_text()
    here = block(page, item.id)
    text = (lambda code: bank.yn_text[code][lang]) if item.type == "yn" else (
        lambda code: item.option(code).text[lang])
    if item.widget == "body_map":
        tap_body(page, value)
        return
    if item.type == "date":
        year, month, day = (int(p) for p in value.split("-"))
        for label, number in ((ui("day", lang), day), (ui("year", lang), year)):
            here.get_by_label(label).fill(str(number))
            here.get_by_label(label).press("Tab")
            settle(page)
        tap_button(here, ui("months", lang).split(",")[month - 1])
    elif item.type in ("yn", "nrs"):
        tap_button(here, str(value) if item.type == "nrs" else text(value))
    elif item.type == "multi":
        for code in value:
            tap_button(here, text(code))
            settle(page)
    elif item.type == "choice" or item.widget == "scale":  # a scale: its labelled points
        here.get_by_text(item.point(value).text[lang] if item.scale else text(value), exact=True).click()
    else:
        field = here.locator("textarea" if item.multiline else "input").first
        field.fill(str(value))
        field.press("Tab")
    settle(page)


def screen_items(answers: dict, screen: str, answered: bool = True) -> list:
    """The items of ``screen`` a patient with (final) ``answers`` meets (and answers), in bank order."""
    from kiosk import flow
    bank, _ = _bank_and_text()
    return [i for i in flow.shown_items(bank, answers, screen) if i.id in answers or not answered]


def moves_on_by_itself(answers: dict, screen: str) -> bool:
    """The kiosk moves on after the screen's last answer when that is a one-tap answer."""
    from kiosk import flow
    items = screen_items(answers, screen)
    return bool(items) and flow.one_tap(items[-1])


def answer_screen(page, screen: str, answers: dict, lang: str):
    """Answer one question screen in bank order, yielding each item id once it is answered
    (so another patient can go in between)."""
    for item in screen_items(answers, screen):
        answer(page, item, answers[item.id], lang)
        yield item.id


def leave_screen(page, screen: str, answers: dict, lang: str, nxt: str | None) -> None:
    """Tap Next unless the screen moved on by itself; then wait for the next screen."""
    from kiosk import flow
    bank, ui = _bank_and_text()
    if not moves_on_by_itself(answers, screen):
        last = flow.next_screen(bank, answers, screen) == flow.REVIEW
        tap_button(page, ui("review" if last else "next", lang))
        settle(page)
    if nxt is None:
        page.get_by_text(ui("review_title", lang)).wait_for()
    else:
        block(page, screen_items(answers, nxt, answered=False)[0].id).wait_for()


def walk_questions(page, answers: dict, on_screen=None):
    """From the language picker to the review: every screen answered, ``on_screen(n, screen)``
    called once each screen is filled in (before leaving it). Yields after every step."""
    from kiosk import flow
    bank, ui = _bank_and_text()
    lang = answers["patient.language"]
    tap_button(page, ui("choose_english" if lang == "en" else "choose_spanish", lang))
    settle(page)
    yield "language"
    screens = flow.question_screens(bank, answers)
    for n, screen in enumerate(screens):
        block(page, screen_items(answers, screen, answered=False)[0].id).wait_for()
        items, auto = screen_items(answers, screen), moves_on_by_itself(answers, screen)
        for k, item in enumerate(items):
            if on_screen and auto and k == len(items) - 1:  # the last tap moves on: look first
                on_screen(n + 1, screen)
            answer(page, item, answers[item.id], lang)
            yield item.id
        if on_screen and not auto:
            on_screen(n + 1, screen)
        leave_screen(page, screen, answers, lang, screens[n + 1] if n + 1 < len(screens) else None)
        yield f"left {screen}"


def overflow_px(page) -> int:
    """How far the page scrolls down beyond the window (0 when it fits)."""
    return int(page.evaluate("""Math.max(...[...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], body')].map(e => e.scrollHeight))
        - window.innerHeight"""))


def small_targets(page) -> list:
    """Every visible control smaller than 44 x 44 px: [text, width, height]."""
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel)].filter(e => {
            const r = e.getBoundingClientRect(), s = getComputedStyle(e);
            return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.closest('[hidden]');
        }).map(e => { const r = e.getBoundingClientRect();
            return [(e.innerText || e.getAttribute('aria-label') || e.getAttribute('data-code') || e.tagName)
                    .slice(0, 40), Math.round(r.width), Math.round(r.height)]; })
        .filter(([t, w, h]) => w < 44 || h < 44)""", TARGET_SELECTOR)


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list:
    """axe-core's WCAG 2.2 A and AA violations on the page: [(rule, how many, first target)]."""
    from axe_playwright_python.sync_playwright import Axe
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                      "resultTypes": ["violations"]})
    return [(v["id"], len(v["nodes"]), v["nodes"][0]["target"], v["nodes"][0].get("failureSummary", ""))
            for v in result.response["violations"]]


def stored(app):
    """The submissions the running app stored, read with its own settings."""
    from clinic.config import load_settings
    from storage import open_store
    store = open_store(load_settings(environ=app.env))
    try:
        return store.list_submissions()
    finally:
        store.close()
