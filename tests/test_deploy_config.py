"""Issue 11.6: more than one app replica keeps no state on the app host, or nothing starts.

``SCREENER_REPLICAS`` above 1 with an SQLite database or keys from a key file is refused by the
settings themselves, so ``python -m clinic check`` (the systemd unit's ExecStartPre) and the app
both stop with a message naming the settings. The shipped files agree with one another on the
number of replicas and their ports.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser import artifacts, launched_chromium, require_chromium, running_app, screenshot, settle

from clinic.config import ConfigError, Settings, load_settings
from storage.crypto import format_keys, new_key

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PG = "postgresql+psycopg://screener@db.clinic.example/screener"
KEYS = format_keys([new_key()])
NAMED = ("SCREENER_REPLICAS", "SCREENER_DATABASE_URL", "SCREENER_ENCRYPTION_KEYS")

# replicas, database_url, encryption_keys -> what the app host would keep (refused when > 1)
CASES = [
    (1, "sqlite:///instance/screener.db", "", None),  # the single-host default: fine
    (1, PG, KEYS, None),
    (2, PG, KEYS, None),  # the shipped deployment
    (8, "postgresql+psycopg://u:p@10.0.0.5:5432/s?sslmode=require", KEYS, None),
    (2, "sqlite:///instance/screener.db", KEYS, "SQLite"),
    (2, "SQLITE:////srv/screener.db", KEYS, "SQLite"),
    (2, PG, "", "key file"),
    (2, PG, "   ", "key file"),
    (3, "sqlite:///x.db", "", "SQLite file (SCREENER_DATABASE_URL) and the keys come from a key file"),
]


@pytest.mark.parametrize(("replicas", "url", "keys", "refused"), CASES)
def test_more_than_one_replica_needs_postgresql_and_keys_from_the_environment(replicas, url, keys, refused):
    build = lambda: Settings(replicas=replicas, database_url=url, encryption_keys=keys)  # noqa: E731
    if refused is None:
        assert build().replicas == replicas
        return
    with pytest.raises(ConfigError) as caught:
        build()
    message = str(caught.value)
    assert refused in message and f"SCREENER_REPLICAS is {replicas}" in message
    assert all(name in message for name in NAMED) and "deploy/screener.env.example" in message
    assert "u:p@" not in message  # never the database password


@pytest.mark.parametrize(("raw", "why"), [("0", "between 1 and 64"), ("65", "between 1 and 64"),
                                          ("two", "whole number")])
def test_a_replica_count_that_cannot_be_is_refused_by_name(raw, why):
    with pytest.raises(ConfigError, match=f"REPLICAS.*{why}|{why}.*REPLICAS"):
        load_settings(environ={"SCREENER_REPLICAS": raw}, secrets_path=Path("/nonexistent"))


def _clinic_check(env: dict) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SCREENER_")}
    return subprocess.run([sys.executable, "-m", "clinic", "check"], cwd=ROOT, env={**inherited, **env},
                          capture_output=True, text=True, timeout=120)


def test_clinic_check_refuses_two_replicas_on_sqlite_and_touches_nothing(tmp_path):
    db, key = tmp_path / "screener.db", tmp_path / "secret.key"
    done = _clinic_check({"SCREENER_REPLICAS": "2", "SCREENER_DATABASE_URL": f"sqlite:///{db}",
                          "SCREENER_KEY_FILE": str(key)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("configuration refused: SCREENER_REPLICAS is 2")
    assert all(name in done.stderr for name in NAMED) and "Traceback" not in done.stderr
    assert not db.exists() and not key.exists()  # refused before the store or a key was made


@pytest.mark.postgres
def test_clinic_check_accepts_two_replicas_on_postgresql_with_keys(postgres_url):
    done = _clinic_check({"SCREENER_REPLICAS": "2", "SCREENER_DATABASE_URL": postgres_url,
                          "SCREENER_ENCRYPTION_KEYS": KEYS})
    assert done.returncode == 0, done.stderr
    assert "storage ready" in done.stdout


@pytest.mark.browser
def test_the_app_refuses_two_replicas_on_sqlite_and_says_which_settings(tmp_path):
    require_chromium()
    with running_app(tmp_path, extra_env={"SCREENER_REPLICAS": "2"}) as app, launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 820, "height": 1180})
        page.goto(app.url)
        settle(page)
        page.get_by_text("The screener cannot start.", exact=False).wait_for(timeout=20_000)
        page.get_by_text("SCREENER_REPLICAS is 2", exact=False).wait_for(timeout=20_000)
        screenshot(page, artifacts("deploy", clean=False) / "refused-two-replicas-on-sqlite.png")
        text = page.locator("body").inner_text()
        assert all(name in text for name in NAMED), text
        assert not page.get_by_role("button", name="English").count()  # no kiosk behind it
    assert not (tmp_path / "browser.db").exists()
    assert "the screener cannot start: SCREENER_REPLICAS is 2" in app.log.read_text()


def _env_example() -> dict:
    lines = (DEPLOY / "screener.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_shipped_files_agree_on_the_replicas_and_their_ports():
    env = _env_example()
    assert {"SCREENER_REPLICAS", "SCREENER_DATABASE_URL", "SCREENER_ENCRYPTION_KEYS",
            "STREAMLIT_SERVER_ALLOWED_HOSTS"} <= set(env)
    assert env["SCREENER_DATABASE_URL"].startswith("postgresql+psycopg://")
    target = (DEPLOY / "systemd" / "screener.target").read_text()
    wants = re.search(r"^Wants=(.+)$", target, re.M).group(1)
    unit_ports = [int(p) for p in re.findall(r"screener@(\d+)\.service", wants)]
    site = (DEPLOY / "nginx" / "screener.conf").read_text()
    upstream = re.search(r"upstream screener_app \{(.*?)\}", site, re.S).group(1)
    upstream_ports = [int(p) for p in re.findall(r"^\s*server 127\.0\.0\.1:(\d+)", upstream, re.M)]
    assert unit_ports == upstream_ports and len(unit_ports) == int(env["SCREENER_REPLICAS"]) == 2
    assert "hash $screener_route consistent;" in upstream
    unit = (DEPLOY / "systemd" / "screener@.service").read_text()
    assert "EnvironmentFile=/etc/screener/screener.env" in unit
    assert re.search(r"^ExecStartPre=\S+python -m clinic check$", unit, re.M)
    assert re.search(r"^ExecStart=\S+streamlit run app\.py --server\.port %i --server\.address 127\.0\.0\.1$",
                     unit, re.M)
    for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "UMask=0077"):
        assert hardening in unit
    # The example, filled in as the docs say, is accepted: no state on the app host.
    settings = load_settings(environ={**env, "SCREENER_ENCRYPTION_KEYS": KEYS},
                             secrets_path=Path("/nonexistent"))
    assert settings.replicas == 2 and settings.state_on_app_host() == []
