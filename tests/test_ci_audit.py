"""Issue 11 item 5: `make audit` (.ci/audit.py) runs the real pip-audit over the pinned requirements.

To see each outcome without depending on the internet, pip-audit is pointed at a small
advisory service on loopback that speaks the OSV API (pip-audit's ``-s osv --osv-url``): one
that knows a vulnerability in a pinned package (the audit fails and names it), one that knows
none (it passes), and one that is not there (never a pass: a banner, and exit 3 when
SCREENER_REQUIRE_AUDIT=1). `make test` runs the audit.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PINNED = "zxcvbn"
VERSION = next(line.split("==")[1].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line.startswith(f"{PINNED}=="))


def _advisories(vulnerable: bool):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answer = {}
            if vulnerable and query["package"]["name"] == PINNED and query["version"] == VERSION:
                answer = {"vulns": [{"id": "GHSA-test-0000-0000", "summary": "a test advisory",
                                     "affected": [{"package": {"name": PINNED, "ecosystem": "PyPI"},
                                                   "ranges": [{"type": "ECOSYSTEM", "events": [
                                                       {"introduced": "0"}, {"fixed": "99.0"}]}]}]}]}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    return Handler


@pytest.fixture
def advisory_service(request):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _advisories(request.param))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()


def audit(osv_url: str, tmp_path: Path, require: bool = False) -> subprocess.CompletedProcess:
    if importlib.util.find_spec("pip_audit") is None:
        pytest.fail("pip-audit (requirements-dev.txt) is not installed in this environment: "
                    "`make test` installs it (.venv/bin/pip install -r requirements-dev.txt)")
    env = {k: v for k, v in os.environ.items() if k != "SCREENER_REQUIRE_AUDIT"}
    if require:
        env["SCREENER_REQUIRE_AUDIT"] = "1"
    return subprocess.run([sys.executable, str(ROOT / ".ci" / "audit.py"), "--tries", "1", "-s", "osv",
                           "--osv-url", osv_url, "--cache-dir", str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, env=env, check=False)


@pytest.mark.parametrize("advisory_service", [True], indirect=True)
def test_a_known_vulnerability_in_a_pin_fails_the_audit_and_is_named(advisory_service, tmp_path):
    done = audit(advisory_service, tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{PINNED} {VERSION}: GHSA-test-0000-0000 (fixed in 99.0)" in done.stderr


@pytest.mark.parametrize("advisory_service", [False], indirect=True)
def test_no_known_vulnerability_passes_and_says_how_many_were_checked(advisory_service, tmp_path):
    done = audit(advisory_service, tmp_path)
    assert done.returncode == 0, done.stderr
    pins = sum(1 for name in ("requirements.txt", "requirements-dev.txt")
               for line in (ROOT / name).read_text().splitlines() if re.match(r"^[A-Za-z].*==", line))
    assert f"no known vulnerabilities in {pins} pinned packages" in done.stdout


def test_unreachable_advisory_data_is_never_reported_as_a_pass(tmp_path):
    closed = "http://127.0.0.1:9/v1/query"  # the discard port: nothing answers
    done = audit(closed, tmp_path)
    assert done.returncode == 0 and "PIP-AUDIT DID NOT RUN" in done.stderr
    assert "no known vulnerabilities" not in done.stdout
    assert (ROOT / "test-artifacts" / "pip-audit.txt").read_text().startswith("not_run")
    required = audit(closed, tmp_path, require=True)
    assert required.returncode == 3 and "PIP-AUDIT DID NOT RUN" in required.stderr


def test_make_test_runs_the_audit_and_pip_audit_is_pinned():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\baudit\b", makefile, re.M)
    assert re.search(r"^audit:.*\n\t.*\.ci/audit\.py", makefile, re.M)
    assert re.search(r"^pip-audit==\d+\.\d+\.\d+$", (ROOT / "requirements-dev.txt").read_text(), re.M)


def test_the_shipped_config_never_lets_rich_print_exceptions():
    """pip-audit brings the rich package; Streamlit then logs uncaught exceptions through rich,
    message and local values included (patient data), past the redaction, unless told not to."""
    import tomllib
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["logger"]["enableRich"] is False
