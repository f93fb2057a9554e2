"""NLM's LHC-Forms as a real FHIR client: ../shared/tools/lforms (its README says how it runs).

``lforms_check`` (a session fixture) gives a function that writes a Questionnaire and a
QuestionnaireResponse to files, runs ``check.mjs`` on them in Debian's chromium and returns
its JSON report (validation messages of the npm ``fhir`` package, items rendered, answers read
back from the rendered form, ``roundtrip_differences``). ``fhir_validate`` runs the same npm
``fhir`` validator on any one resource, a whole Bundle included (``tests/fhir_validate.mjs``).

The npm install runs once per version of the tool's package files, into
``~/.cache/botox-screener/lforms-<hash>`` (``$XDG_CACHE_HOME`` is honoured), under a file lock;
each session copies the tool's files into a temp folder beside a link to those node_modules.
Without node, npm, chromium or the tool folder the tests skip saying what is missing, unless
``SCREENER_REQUIRE_BROWSER`` is set (CI): then they fail.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT.parent / "shared" / "tools" / "lforms"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "lforms"
INSTALL = ["npm", "install", "--no-audit", "--no-fund", "--legacy-peer-deps", "--no-save"]


def _missing() -> list[str]:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    missing += [] if CHROMIUM.exists() else [str(CHROMIUM)]
    missing += [] if (TOOL / "check.mjs").exists() else [str(TOOL / "check.mjs")]
    return missing


def _cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "botox-screener"


def installed_tool() -> Path:
    """The folder holding the tool with its node_modules installed (installed on first use)."""
    digest = hashlib.sha256(b"".join((TOOL / f).read_bytes() for f in ("package.json", "package-lock.json")))
    target = _cache_root() / f"lforms-{digest.hexdigest()[:16]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / "lforms.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs never install into the same folder at once
        if not (target / ".installed").exists():
            target.mkdir(exist_ok=True)
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(TOOL / name, target / name)
            done = subprocess.run(INSTALL, cwd=target, capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                raise RuntimeError(f"npm install failed in {target}: {done.stderr[-2000:]}")
            (target / ".installed").write_text("ok\n")
    return target


@pytest.fixture(scope="session")
def lforms_work(tmp_path_factory) -> Path:
    """A temp folder with the tool's files, our validator script and the cached node_modules."""
    missing = _missing()
    if missing:
        message = (f"LHC-Forms check needs {', '.join(missing)} "
                   "(node and npm: Debian packages, `make system-deps`; the tool: ../shared/tools/lforms)")
        if os.environ.get("SCREENER_REQUIRE_BROWSER"):
            pytest.fail(message + "; SCREENER_REQUIRE_BROWSER is set")
        pytest.skip(message)
    modules = installed_tool() / "node_modules"
    work = tmp_path_factory.mktemp("lforms")
    for item in TOOL.iterdir():
        if item.is_file():
            shutil.copyfile(item, work / item.name)
    shutil.copyfile(Path(__file__).with_name("fhir_validate.mjs"), work / "fhir_validate.mjs")
    (work / "node_modules").symlink_to(modules, target_is_directory=True)
    return work


def _node(work: Path, *args: str, env: dict | None = None) -> dict:
    done = subprocess.run(["node", *args], cwd=work, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def fhir_validate(lforms_work):
    def validate(resource: dict, name: str) -> dict:
        path = lforms_work / f"{name}.json"
        path.write_text(json.dumps(resource, ensure_ascii=False), encoding="utf-8")
        return _node(lforms_work, str(lforms_work / "fhir_validate.mjs"), str(path))
    return validate


@pytest.fixture(scope="session")
def lforms_check(lforms_work):
    work = lforms_work

    def check(questionnaire: dict, response: dict, name: str) -> dict:
        q_path, r_path = work / f"{name}-questionnaire.json", work / f"{name}-response.json"
        q_path.write_text(json.dumps(questionnaire, ensure_ascii=False), encoding="utf-8")
        r_path.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, SHOT=str(ARTIFACTS / f"{name}.png"))
        return _node(work, str(work / "check.mjs"), str(q_path), str(r_path), env=env)

    return check
