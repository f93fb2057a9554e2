"""Issue 5 item 2: the production configuration in .streamlit/config.toml.

Three layers: the file holds each required value; Streamlit itself knows every option name in
the file and reports our file as where each value came from (so a typo cannot pass); and a
real server started with the file binds to loopback only, refuses a WebSocket from a foreign
Host header, refuses an upload without an XSRF token and hides exception text from the browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import running_app

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".streamlit" / "config.toml"
PY = sys.executable

# option -> (why, predicate on the value). A regression in any of these fails the test.
REQUIRED = {
    "server.address": ("bind to loopback; the TLS proxy is the way in", lambda v: v == "127.0.0.1"),
    "server.headless": ("never opens a browser on the server", lambda v: v is True),
    "server.allowedHosts": ("DNS-rebinding guard: a non-empty allow-list, no wildcard",
                            lambda v: isinstance(v, list) and v and "*" not in v),
    "server.enableCORS": ("cross-origin protection on", lambda v: v is True),
    "server.corsAllowedOrigins": ("no extra origins trusted", lambda v: v == []),
    "server.enableXsrfProtection": ("XSRF tokens checked", lambda v: v is True),
    "server.xsrfCookieSameSite": ("XSRF cookie not sent cross-site", lambda v: v in ("lax", "strict")),
    "server.maxUploadSize": ("small upload limit (MB)", lambda v: isinstance(v, int) and 1 <= v <= 1),
    "server.maxMessageSize": ("bounded WebSocket message (MB)",
                              lambda v: isinstance(v, int) and 1 <= v <= 50),
    "server.runOnSave": ("no reload on file change", lambda v: v is False),
    "server.fileWatcherType": ("no file watching in production", lambda v: v == "none"),
    "server.enableStaticServing": ("no static file folder", lambda v: v is False),
    "server.enableAgentApi": ("no HTTP agent API", lambda v: v is False),
    "server.trustedUserHeaders": ("identity never from headers", lambda v: v == {}),
    "client.showErrorDetails": ("generic errors only in the browser", lambda v: v == "none"),
    "client.showErrorLinks": ("no external help links", lambda v: v is False),
    "client.toolbarMode": ("no developer menu on the tablet", lambda v: v == "minimal"),
    "client.disableDataExport": ("exports go through the audited exporters", lambda v: v is True),
    "runner.magicEnabled": ("bare expressions are never written as Markdown", lambda v: v is False),
    "browser.gatherUsageStats": ("no usage statistics leave the clinic", lambda v: v is False),
    "logger.enableRich": ("exceptions are logged through the redaction, never printed by rich",
                          lambda v: v is False),
    "theme.baseFontSize": ("large type on the tablet", lambda v: isinstance(v, int) and v >= 18),
}


def _flatten(table: dict, prefix: str = "") -> dict:
    """``{"server.address": "127.0.0.1", ...}``; a dict value stays whole when it is an option."""
    from streamlit import config

    options = config._config_options_template  # noqa: SLF001 - the registry of option names
    flat = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in options:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@pytest.fixture(scope="module")
def shipped() -> dict:
    with CONFIG.open("rb") as fh:
        return _flatten(tomllib.load(fh))


@pytest.mark.parametrize("option", sorted(REQUIRED))
def test_required_setting_is_shipped(shipped, option):
    why, ok = REQUIRED[option]
    assert option in shipped, f"{option} missing from {CONFIG.name} ({why})"
    assert ok(shipped[option]), f"{option} = {shipped[option]!r} regressed: {why}"


def test_every_option_name_is_known_to_streamlit(shipped):
    from streamlit import config

    unknown = sorted(set(shipped) - set(config._config_options_template))  # noqa: SLF001
    assert not unknown, f"Streamlit has no option named {unknown}: a typo would be silently ignored"


def test_streamlit_reads_each_value_from_our_file(shipped):
    """Streamlit, started in the project folder, takes every value from our file unchanged."""
    probe = (
        "import json\nfrom streamlit import config\n"
        "opts = config.get_config_options(force_reparse=True)\n"
        "print(json.dumps({k: [o.value, o.where_defined] for k, o in opts.items()}, default=str))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    out = subprocess.run([PY, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    effective = json.loads(out.stdout)
    for option, value in shipped.items():
        got, where = effective[option]
        assert Path(where) == CONFIG, f"{option} not taken from {CONFIG} (from {where})"
        assert got == value, f"{option}: Streamlit uses {got!r}, the file says {value!r}"


# --- a real server started with the shipped file --------------------------------------------

PROBE_APP = """
import streamlit as st
from clinic.config import Settings
from clinic.logging_setup import configure_logging
configure_logging(Settings(log_level="DEBUG"))
st.text("probe app ready")
if st.button("fail"):
    typed = "".join(["SECRET-", "DETAIL-", str(4711), " patient ", "Ma", "ria"])  # a value, not source
    raise ValueError(typed)
"""


def _non_loopback_addresses() -> list[str]:
    found = set()
    for family in (socket.AF_INET,):
        try:
            for info in socket.getaddrinfo(socket.gethostname(), None, family):
                found.add(info[4][0])
        except OSError:
            pass
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
        found.update(a for a in out.split() if ":" not in a)
    except (OSError, subprocess.SubprocessError):
        pass
    return sorted(a for a in found if not a.startswith("127."))


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory):
    """``streamlit run`` on a probe script, from the project folder so our config applies."""
    folder = tmp_path_factory.mktemp("probe")
    script = folder / "probe_app.py"
    script.write_text(PROBE_APP)
    try:
        with running_app(folder, script=str(script), shipped_config_only=True) as app:
            yield int(app.url.rsplit(":", 1)[1]), app.log
    except RuntimeError as exc:  # did not start: say why, with the server's own words
        pytest.fail(f"probe server did not start: {exc}")


def _websocket_status(port: int, host_header: str) -> int:
    """The HTTP status of a WebSocket upgrade to the app's stream with ``host_header``."""
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host_header}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n"
        f"Origin: http://{host_header}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        status_line = s.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_server_answers_on_loopback_only(probe_server):
    port, _ = probe_server
    others = _non_loopback_addresses()
    if not others:
        pytest.skip("this machine has no non-loopback address to try")
    for address in others:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=3).close()


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1", True),
    ("localhost", True),
    ("evil.example", False),
    ("127.0.0.1.nip.io", False),
])
def test_websocket_checks_host_header(probe_server, host, allowed):
    port, _ = probe_server
    status = _websocket_status(port, f"{host}:{port}")
    assert (status == 101) is allowed, f"Host {host}: status {status}"


def test_upload_without_xsrf_token_is_refused(probe_server):
    port, _ = probe_server
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_stcore/upload_file/some-session/some-file",
        data=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi\r\n--x--\r\n',
        headers={"Content-Type": "multipart/form-data; boundary=x"}, method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - a fixed http URL
    assert refused.value.code in (400, 403)


def _chromium() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


@pytest.mark.browser
def test_browser_sees_no_exception_text(probe_server, tmp_path):
    if _chromium() is None:
        if os.environ.get("SCREENER_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is missing and SCREENER_REQUIRE_BROWSER=1")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    port, server_log = probe_server
    shots = ROOT / "test-artifacts" / "security_config"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("probe app ready").wait_for(timeout=30_000)
            page.get_by_role("button", name="fail").click()
            page.get_by_text("error", exact=False).first.wait_for(timeout=30_000)
            page.screenshot(path=str(shots / "error_hidden.png"), full_page=True)
            text = page.inner_text("body")
            toolbar_buttons = page.locator("[data-testid='stMainMenu']").count()
        finally:
            browser.close()
    assert "SECRET-DETAIL-4711" not in text and "Maria" not in text
    assert "ValueError" not in text and "Traceback" not in text
    assert toolbar_buttons == 0, "the developer menu is shown"
    # The details went to the server log instead, with the exception's message withheld.
    from clinic.logging_setup import WITHHELD

    logged = server_log.read_text(encoding="utf-8", errors="replace")
    assert "Uncaught app execution" in logged and "ValueError" in logged and WITHHELD in logged
    assert "SECRET-DETAIL-4711" not in logged and "Maria" not in logged


# --- the secrets example ----------------------------------------------------------------------
def test_secrets_example_documents_every_setting_and_loads():
    from dataclasses import fields

    from clinic.config import Settings, load_settings

    example = ROOT / ".streamlit" / "secrets.toml.example"
    with example.open("rb") as fh:
        documented = tomllib.load(fh)["screener"]
    assert set(documented) == {f.name for f in fields(Settings)}, "secrets.toml.example is out of date"
    loaded = load_settings(environ={}, secrets_path=example)
    assert all(getattr(loaded, k) == v for k, v in documented.items())
    text = example.read_text()
    assert "[auth]" in text and "cookie_secret" in text and "redirect_uri" in text


def test_real_secrets_are_never_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored
    assert "instance/" in ignored  # the database and the generated key file
    tracked = subprocess.run(["git", "ls-files", ".streamlit/secrets.toml", "instance"], cwd=ROOT,
                             capture_output=True, text=True, timeout=30)
    assert tracked.returncode != 0 or tracked.stdout.strip() == ""


# --- docs/security.md stays true to the tests it cites ------------------------------------------
def _cited_tests() -> list[tuple[str, str | None]]:
    import re

    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    cited = []
    for file, name in re.findall(r"`(?:tests/)?(test_\w+\.py)(?:::(\w+))?`", text):
        cited.append((file, name or None))
    for file, names in re.findall(r"`(?:tests/)?(test_\w+\.py)` \(([^)]*)\)", text):
        cited += [(file, n) for n in re.findall(r"`(test_\w+)`", names)]
    return cited


def test_security_doc_cites_tests_that_exist():
    cited = _cited_tests()
    assert len(cited) > 40
    missing = []
    for file, name in cited:
        path = ROOT / "tests" / file
        if not path.exists():
            missing.append(file)
        elif name and f"def {name}(" not in path.read_text(encoding="utf-8"):
            missing.append(f"{file}::{name}")
    assert not missing, f"docs/security.md cites tests that do not exist: {sorted(set(missing))}"


# --- clickjacking on a plain single-host run (issue 11) -------------------------------------------
@pytest.mark.browser
def test_the_app_hides_itself_inside_another_sites_frame(tmp_path):
    """`streamlit run` cannot send X-Frame-Options or CSP (the proxy in deploy/ does): the page
    itself (clinic/web.py frame_guard) hides everything when another site frames it."""
    from browser import launched_chromium, require_chromium, settle

    require_chromium()
    with running_app(tmp_path) as app, launched_chromium() as browser:
        page = browser.new_page()
        page.goto(app.url)
        settle(page)
        page.get_by_role("button", name="English").wait_for()
        assert page.evaluate("getComputedStyle(document.documentElement).display") != "none"
        framer = browser.new_page()  # another origin (about:blank) framing the kiosk
        framer.set_content(f'<iframe src="{app.url}/" width="800" height="900"></iframe>')
        deadline = time.monotonic() + 30
        state = ""
        while time.monotonic() < deadline:
            if framer.url.startswith(app.url):  # busted out: the app is now the top page
                state = "top"
                break
            frames = [f for f in framer.frames if f.url.startswith(app.url)]
            try:
                shown = frames[0].evaluate("[!!document.querySelector('[data-testid=stApp]'), "
                                           "getComputedStyle(document.documentElement).display]")
            except Exception:  # noqa: BLE001 - the frame navigated meanwhile: look again
                shown = None
            if shown and shown[0] and shown[1] == "none":
                state = "hidden"
                break
            framer.wait_for_timeout(250)
        assert state in ("top", "hidden"), "the framed app stayed visible and clickable"
