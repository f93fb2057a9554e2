"""Issue 11.6: the shipped production deployment, run for real on loopback.

A throw-away PostgreSQL (tests/pg.py), two app replicas started with the commands of
deploy/systemd/screener@.service and the environment of deploy/screener.env.example, and
Debian's nginx with deploy/nginx/ itself: the files are copied with only ports, paths and the
certificate location substituted (SITE_SUBSTITUTIONS; each literal must be in the file). The
certificate is self-signed, made here. In chromium through the proxy a patient submits in
Spanish on one replica and a clinician reads it on the other (steered there by the proxy's own
routing cookie); every answer carries the security headers; the metrics are refused; stopping
one replica leaves the other serving new sessions; past the burst the proxy answers 429.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
import pytest
from browser import (
    TABLET,
    artifacts,
    free_port,
    launched_chromium,
    log_in_to_workspace,
    moves_on_by_itself,
    open_first_row,
    require_chromium,
    screen_items,
    screenshot,
    settle,
    stop,
    tap_button,
    walk_questions,
)
from patients import PATIENT_ES

from clinic.config import load_settings
from kiosk import flow
from kiosk.ui_text import load_ui_text
from questionnaire.bank import load_bank
from storage import open_store
from storage.crypto import format_keys, new_key

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV = Path(sys.executable).parent.parent
USERNAME, PASSWORD = "dra.lopez@clinic.org", "una contraseña muy larga de verdad"
HEADERS = {  # header -> what every answer through the proxy must carry
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}
COMPONENT_FRAMING = {"x-frame-options": "SAMEORIGIN", "content-security-policy": "frame-ancestors 'self'"}


def _require_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if "1" in (os.environ.get("SCREENER_REQUIRE_BROWSER"), os.environ.get("SCREENER_REQUIRE_POSTGRES")):
        pytest.fail("nginx is missing (make system-deps installs it)")
    pytest.skip("Debian's nginx is not installed")


# ------------------------------------------------------------------ the shipped files, templated
def site_substitutions(folder: Path, https: int, http: int, replicas: list[int]) -> list[tuple[str, str]]:
    """(literal in deploy/nginx/screener.conf, what it becomes here): ports, paths, the cert."""
    return [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("server 127.0.0.1:8501 ", f"server 127.0.0.1:{replicas[0]} "),
        ("server 127.0.0.1:8502 ", f"server 127.0.0.1:{replicas[1]} "),
        ("/etc/ssl/screener/fullchain.pem", str(folder / "cert.pem")),
        ("/etc/ssl/screener/privkey.pem", str(folder / "key.pem")),
        ("/var/log/nginx/", f"{folder}/log/"),
        ("/etc/nginx/snippets/", f"{folder}/snippets/"),
    ]


def templated(text: str, substitutions: list[tuple[str, str]], name: str) -> str:
    for literal, value in substitutions:
        assert literal in text, f"{name} no longer contains {literal!r}: update the test's substitutions"
        text = text.replace(literal, value)
    return text


def shipped_env(database_url: str, keys: str) -> dict:
    """deploy/screener.env.example with the database, the keys and the host name filled in."""
    values = {}
    for line in (DEPLOY / "screener.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    filled = {"SCREENER_DATABASE_URL": database_url, "SCREENER_ENCRYPTION_KEYS": keys,
              "STREAMLIT_SERVER_ALLOWED_HOSTS": "127.0.0.1"}
    assert set(filled) <= set(values) and values["SCREENER_REPLICAS"] == "2", values
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "SCREENER_"))}
    return {**inherited, **values, **filled}


def unit_command(directive: str, port: int) -> list[str]:
    """The unit's ExecStart/ExecStartPre for one instance, with this checkout as /opt/screener."""
    unit = (DEPLOY / "systemd" / "screener@.service").read_text()
    line = re.search(rf"^{directive}=(.+)$", unit, re.MULTILINE).group(1)
    assert "/opt/screener/.venv/bin/" in line and re.search(r"^WorkingDirectory=/opt/screener$", unit, re.M)
    return line.replace("/opt/screener/.venv", str(VENV)).replace("%i", str(port)).split()


def make_certificate(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True, timeout=60)


def write_nginx(folder: Path, https: int, http: int, replicas: list[int]) -> Path:
    """Debian's layout in ``folder``: a main file that includes the shipped site and snippets."""
    for sub in ("snippets", "sites-enabled", "log", "tmp"):
        (folder / sub).mkdir()
    for name in ("screener-headers.conf", "screener-proxy.conf"):
        shutil.copy(DEPLOY / "nginx" / name, folder / "snippets" / name)
    site = templated((DEPLOY / "nginx" / "screener.conf").read_text(),
                     site_substitutions(folder, https, http, replicas), "deploy/nginx/screener.conf")
    (folder / "sites-enabled" / "screener.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {folder}/tmp/{kind};" for kind in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/log/error.log warn;
events {{ worker_connections 512; }}
http {{
    {temp}
    access_log off;
    include {folder}/sites-enabled/*;
}}
""")
    return main


# ------------------------------------------------------------------------------- the stack
@dataclass
class Stack:
    base: str  # https://127.0.0.1:PORT through nginx
    http_base: str
    replicas: list[int]
    procs: dict[int, subprocess.Popen]
    env: dict
    access_log: Path
    routes: dict[int, str] = field(default_factory=dict)  # replica port -> a routing cookie value

    def get(self, path: str, cookie: str | None = None, base: str | None = None):
        """(status, lower-case headers, body) of one request, certificate not checked."""
        url = urllib.parse.urlsplit((base or self.base) + path)
        conn_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        kw = {"context": ssl._create_unverified_context()} if url.scheme == "https" else {}  # noqa: S323
        conn = conn_type(url.hostname, url.port, timeout=15, **kw)
        try:
            conn.request("GET", url.path, headers={"Cookie": cookie} if cookie else {})
            answer = conn.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            conn.close()

    def upstreams(self, route: str) -> list[str]:
        """The replica addresses nginx logged for requests routed by ``route``."""
        return re.findall(rf"route={re.escape(route)} upstream=(\S+)", self.access_log.read_text())


def _wait_http(url: str, proc: subprocess.Popen | None, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not up in {seconds} s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def stack(postgres_server, tmp_path_factory):
    nginx = _require_nginx()
    require_chromium()
    host, port, user = postgres_server
    name = f"deploy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    folder = tmp_path_factory.mktemp("deploy")
    env = shipped_env(f"postgresql+psycopg://{user}@{host}:{port}/{name}", format_keys([new_key()]))
    replicas = [free_port(), free_port()]
    https, http_port = free_port(), free_port()
    procs: dict[int, subprocess.Popen] = {}
    try:
        check = subprocess.run(unit_command("ExecStartPre", replicas[0]), cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr  # `clinic check`: migrates PostgreSQL once
        for replica in replicas:
            with (folder / f"replica-{replica}.log").open("wb") as log:
                procs[replica] = subprocess.Popen(unit_command("ExecStart", replica), cwd=ROOT, env=env,
                                                  stdout=log, stderr=subprocess.STDOUT)
        make_certificate(folder)
        main = write_nginx(folder, https, http_port, replicas)
        tested = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(main)], capture_output=True,
                                text=True, timeout=30)
        assert tested.returncode == 0, tested.stderr
        with (folder / "log" / "nginx.out").open("wb") as log:
            procs[0] = subprocess.Popen([nginx, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
                                        stdout=log, stderr=subprocess.STDOUT)
        for replica in replicas:
            _wait_http(f"http://127.0.0.1:{replica}/_stcore/health", procs[replica],
                       folder / f"replica-{replica}.log")
        stack = Stack(f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http_port}", replicas, procs, env,
                      folder / "log" / "screener.access.log")
        _find_routes(stack)
        yield stack
    finally:
        for proc in procs.values():
            stop(proc, seconds=15)
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _find_routes(stack: Stack) -> None:
    """A routing-cookie value that nginx's consistent hash sends to each replica."""
    for n in range(64):
        route = f"probe{n}"
        status, _, _ = stack.get("/_stcore/health", cookie=f"screener_route={route}")
        assert status == 200
        deadline = time.monotonic() + 5  # the access log line is written when the request ends
        while not stack.upstreams(route) and time.monotonic() < deadline:
            time.sleep(0.05)
        upstream = stack.upstreams(route)[-1]
        stack.routes.setdefault(int(upstream.rsplit(":", 1)[1]), route)
        if len(stack.routes) == 2:
            return
    pytest.fail(f"64 routing cookies all went to one replica: {stack.routes}")


# ---------------------------------------------------------------------------------- the tests
def test_every_answer_carries_the_security_headers(stack):
    for path in ("/", "/staff", "/_stcore/health", "/media/no-such-file.png", "/no/such/page"):
        status, headers, _ = stack.get(path)
        for name, value in HEADERS.items():
            assert headers.get(name) == value, (path, status, name, headers.get(name))
        if not path.startswith("/_stcore"):
            assert headers.get("cache-control") == "no-store", (path, headers.get("cache-control"))
    status, headers, _ = stack.get("/")
    assert re.match(r"screener_route=[0-9a-f]{32}; Path=/; Secure; HttpOnly; SameSite=Lax$",
                    headers["set-cookie"]), headers["set-cookie"]  # the sticky-routing cookie
    status, headers, _ = stack.get("/", cookie=f"screener_route={stack.routes[stack.replicas[0]]}")
    assert "set-cookie" not in headers  # given once, not on every answer
    status, headers, _ = stack.get("/staff", base=stack.http_base)
    assert (status, headers["location"]) == (301, "https://127.0.0.1/staff")  # plain HTTP only redirects


def test_metrics_are_refused_at_the_proxy(stack):
    direct = urllib.request.urlopen(f"http://127.0.0.1:{stack.replicas[0]}/_stcore/metrics", timeout=10)  # noqa: S310
    assert direct.status == 200  # the replica itself serves them: the refusal is the proxy's
    status, headers, body = stack.get("/_stcore/metrics")
    assert status in (403, 404) and b"session" not in body.lower()
    assert headers.get("x-frame-options") == "DENY"


def _check_headers(responses: list, base: str) -> list[str]:
    """Every proxied answer the browser saw: the headers, no-store except Streamlit's assets."""
    wrong = []
    for url, headers in responses:
        if not url.startswith(base):
            continue
        path = urllib.parse.urlsplit(url).path
        expected = {**HEADERS, **(COMPONENT_FRAMING if path.startswith("/component/") else {})}
        wrong += [f"{path}: {k}={headers.get(k)!r}" for k, v in expected.items() if headers.get(k) != v]
        cacheable = path.startswith(("/static/", "/component/", "/_stcore/"))  # no patient data
        if not cacheable and headers.get("cache-control") != "no-store":
            wrong.append(f"{path}: cache-control={headers.get('cache-control')!r}")
    return wrong


def _context(browser, stack: Stack, replica: int, seen: list, **kw):
    context = browser.new_context(ignore_https_errors=True, **kw)
    context.add_cookies([{"name": "screener_route", "value": stack.routes[replica], "url": stack.base}])
    context.on("response", lambda r: seen.append((r.url, r.headers)))
    return context


def walk(page, answers: dict, shots: Path, tag: str) -> int:
    """The patient's whole visit through the proxy, on the kiosk tests' shared answering walk
    (tests/browser.py): every question screen shows its step of the whole questionnaire, then the
    review shows her name as typed, then submit and the thank-you. Returns how many regions the
    body picture (inline SVG, custom component v2: no frame of its own) drew."""
    bank, ui, lang = load_bank(), load_ui_text(), answers["patient.language"]
    screenshot(page, shots / f"{tag}-00-language.png")
    titles = {s.id: s.title[lang] for s in bank.sections}
    position = {i.id: n for n, group in enumerate(flow.bank_screens(bank)) for i in group}
    regions: list[int] = []

    def on_screen(n: int, screen: str) -> None:
        # The total counts the screens asked with the answers given so far: the screens before
        # this one, and this one's answers but its last when that last tap moves on by itself.
        shown = [i.id for i in screen_items(answers, screen)]
        given = set(shown[:-1] if moves_on_by_itself(answers, screen) else shown)
        so_far = {k: v for k, v in answers.items()
                  if k == "patient.language" or k in given or position[k] < position[screen]}
        step, total = flow.step_of(bank, flow.bank_asks(bank, so_far, date.today()), screen)
        assert step == n, (screen, step, n)
        text = ui("progress", lang, step=step, total=total, section=titles[flow.section_of(bank, screen)])
        page.get_by_text(text, exact=True).wait_for()
        if bank.item(screen).widget == "body_map":
            regions.append(page.locator("svg.kiosk-bodymap .region").count())
        if n == 1:
            screenshot(page, shots / f"{tag}-01-{screen}.png")

    for _ in walk_questions(page, answers, on_screen):
        pass
    page.get_by_text(ui("review_title", lang)).wait_for()
    page.get_by_text(answers["patient.name"], exact=True).wait_for()  # as typed, plain text
    screenshot(page, shots / f"{tag}-90-review.png")
    tap_button(page, ui("submit", lang))
    settle(page)
    page.get_by_text(ui("thanks_title", lang)).wait_for()
    screenshot(page, shots / f"{tag}-91-thanks.png")
    return sum(regions)


def test_patient_on_one_replica_clinician_reads_it_on_the_other(stack):
    first, second = stack.replicas
    seen: list = []
    shots = artifacts("deploy")
    with launched_chromium() as browser:
        kiosk = _context(browser, stack, first, seen, viewport=TABLET).new_page()
        kiosk.goto(stack.base)
        settle(kiosk)
        body_regions = walk(kiosk, PATIENT_ES, shots, "proxy-es")
        store = open_store(load_settings(environ=stack.env))
        try:
            rows = store.list_submissions()
        finally:
            store.close()
        assert len(rows) == 1 and rows[0].answers == PATIENT_ES and rows[0].language == "es"

        made = subprocess.run(unit_command("ExecStartPre", first)[:-1] + ["create-user", USERNAME,
                              "--password-stdin"], input=PASSWORD + "\n", capture_output=True, text=True,
                              cwd=ROOT, env=stack.env, timeout=120)
        assert made.returncode == 0, made.stderr
        staff = _context(browser, stack, second, seen, viewport={"width": 1366, "height": 900},
                         accept_downloads=True).new_page()
        log_in_to_workspace(staff, stack.base, USERNAME, PASSWORD)
        open_first_row(staff, "1 submission(s)")
        staff.get_by_text("In the patient's own words").wait_for(timeout=30_000)
        settle(staff)
        screenshot(staff, shots / "proxy-clinician-detail.png")
        staff.get_by_text(PATIENT_ES["visit.concern"], exact=True).wait_for(timeout=10_000)  # her words
        with staff.expect_download(timeout=60_000) as info:  # the export, over this replica's socket
            staff.get_by_role("button", name="JSON", exact=True).click()
        exported = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert exported["answers"]["patient.name"] == PATIENT_ES["patient.name"]
    for replica, route in ((first, stack.routes[first]), (second, stack.routes[second])):
        assert set(stack.upstreams(route)) == {f"127.0.0.1:{replica}"}, (replica, stack.upstreams(route))
    log = stack.access_log.read_text()
    for replica in (first, second):  # each browser's WebSocket (its session) on its own replica
        route = stack.routes[replica]
        assert re.search(rf'"GET /_stcore/stream" 101 route={route} upstream=127.0.0.1:{replica}', log)
    assert len(seen) > 20 and not _check_headers(seen, stack.base), _check_headers(seen, stack.base)
    # The body map (now inline in the page, no /component/ frame) was drawn through the proxy, and tapped.
    assert body_regions >= len(load_bank().item("pain.regions").codes)


def test_the_other_replica_serves_new_sessions_when_one_stops(stack):
    first, second = stack.replicas
    bank, ui, new_patient = load_bank(), load_ui_text(), {"patient.language": "es"}
    screens = flow.question_screens(bank, new_patient)
    section = next(s.title["es"] for s in bank.sections if s.id == flow.section_of(bank, screens[0]))
    first_step = ui("progress", "es", step=1, total=len(screens), section=section)
    stop(stack.procs[first], seconds=15)
    seen: list = []
    with launched_chromium() as browser:
        page = _context(browser, stack, first, seen, viewport=TABLET).new_page()  # hashed to the stopped one
        page.goto(stack.base)
        settle(page)
        tap_button(page, ui("choose_spanish", "es"))
        settle(page)
        page.get_by_text(first_step, exact=True).wait_for(timeout=30_000)  # the first question screen
    served = stack.upstreams(stack.routes[first])
    assert served[-1] == f"127.0.0.1:{second}", served[-5:]  # moved over, and it answered
    assert not _check_headers(seen, stack.base)


def test_one_address_is_limited_past_its_burst(stack):
    statuses = [stack.get("/staff")[0] for _ in range(20)]  # the staff login page: burst 5
    assert statuses[0] == 200 and 429 in statuses, statuses
    conn = http.client.HTTPSConnection(urllib.parse.urlsplit(stack.base).hostname,
                                       urllib.parse.urlsplit(stack.base).port, timeout=15,
                                       context=ssl._create_unverified_context())  # noqa: S323
    seen = []
    try:
        for _ in range(600):  # everything else: 20 per second, burst 200
            conn.request("GET", "/_stcore/health")
            answer = conn.getresponse()
            answer.read()
            seen.append(answer.status)
            if answer.status == 429:
                break
    finally:
        conn.close()
    assert seen[-1] == 429 and len(seen) > 100, (len(seen), seen[-3:])
