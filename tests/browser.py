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
        proc.terminate()
        try:
            proc.wait(timeout=10)
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
