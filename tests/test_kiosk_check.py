"""`python -m clinic check` (the systemd unit's ExecStartPre) on a kiosk idle setting: a value the
kiosk cannot take is refused with the setting's name and what is allowed, exit 2, no traceback,
and nothing is created; a good one opens the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def clinic_check(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENER_")}
    env |= {"SCREENER_DATABASE_URL": f"sqlite:///{tmp_path / 'screener.db'}",
            "SCREENER_KEY_FILE": str(tmp_path / "secret.key"), **settings}
    return subprocess.run([sys.executable, "-m", "clinic", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("SCREENER_KIOSK_IDLE_SECONDS", "29", "at least 30 seconds"),
    ("SCREENER_KIOSK_IDLE_SECONDS", "thirty", "whole number"),
    ("SCREENER_KIOSK_IDLE_SECONDS", "", "whole number"),
    ("SCREENER_KIOSK_IDLE_WARNING_SECONDS", "0", "at least 1 second"),
])
def test_a_bad_idle_setting_is_refused_by_name_without_a_traceback(tmp_path, name, value, allowed):
    done = clinic_check(tmp_path, **{name: value})
    assert done.returncode == 2, done.stdout + done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"configuration refused: {name} ") and allowed in first
    assert value in first  # what was given, beside what is allowed
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "screener.db").exists() and not (tmp_path / "secret.key").exists()


def test_the_lowest_idle_setting_opens_the_store(tmp_path):
    done = clinic_check(tmp_path, SCREENER_KIOSK_IDLE_SECONDS="30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("storage ready:") and "Traceback" not in done.stderr
