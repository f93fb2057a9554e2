"""The storage commands, run as the clinic's IT would run them: ``python -m clinic ...``."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clinic.config import Settings
from storage import NewSubmission, open_store
from storage.crypto import parse_keys

ROOT = Path(__file__).resolve().parent.parent


def env_for(tmp_path: Path, db: str = "screener.db", keys: str = "") -> dict:
    return {**os.environ, "SCREENER_DATABASE_URL": f"sqlite:///{tmp_path / db}",
            "SCREENER_KEY_FILE": str(tmp_path / "keys" / "secret.key"), "SCREENER_ENCRYPTION_KEYS": keys}


def settings_for(tmp_path: Path, db: str = "screener.db", keys: str = "") -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / db}", key_file=str(tmp_path / "keys" / "secret.key"),
                    encryption_keys=keys)


def clinic(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clinic", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def submit(settings: Settings, answers: dict, result: dict | None = None) -> str:
    store = open_store(settings)
    sid = store.save_submission(NewSubmission(
        answers=answers, language="en", questionnaire_version="q1", submitted_at=datetime.now(UTC),
        result=result, rules_version=result and "r1"))
    store.close()
    return sid


PATIENT = {"patient.name": "Cli Patient", "patient.birth_date": "1970-01-01", "ha.any": "no"}


def test_backup_and_restore_commands_round_trip(tmp_path):
    ids = {submit(settings_for(tmp_path), {**PATIENT, "patient.name": f"P{i}"}) for i in range(3)}
    done = clinic("backup", str(tmp_path / "b.db"), env=env_for(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "3 submissions" in done.stdout and "key" in done.stdout
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600
    again = clinic("backup", str(tmp_path / "b.db"), env=env_for(tmp_path))
    assert again.returncode == 1 and "already exists" in again.stderr
    done = clinic("restore", str(tmp_path / "b.db"), env=env_for(tmp_path, "restored.db"))
    assert done.returncode == 0, done.stderr
    store = open_store(settings_for(tmp_path, "restored.db"))
    assert {s.id for s in store.list_submissions()} == ids
    store.close()
    refused = clinic("restore", str(tmp_path / "b.db"), env=env_for(tmp_path, "restored.db"))
    assert refused.returncode == 1 and "--force" in refused.stderr


def test_rotate_key_with_a_key_file_adds_a_key_reencrypts_and_retires_the_old(tmp_path):
    sid = submit(settings_for(tmp_path), PATIENT)
    key_file = tmp_path / "keys" / "secret.key"
    (old,) = parse_keys(key_file.read_text(), "key file")
    done = clinic("rotate-key", "--new-key", "--retire-old", env=env_for(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "re-encrypted 1 submissions" in done.stdout
    keys = parse_keys(key_file.read_text(), "key file")
    assert [k.id for k in keys] != [old.id] and old.id not in [k.id for k in keys]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    store = open_store(settings_for(tmp_path))
    assert store.get_submission(sid).answers == PATIENT
    store.close()


def test_rotate_key_without_retiring_keeps_the_old_key_and_says_it_is_unused(tmp_path):
    submit(settings_for(tmp_path), PATIENT)
    key_file = tmp_path / "keys" / "secret.key"
    (old,) = parse_keys(key_file.read_text(), "key file")
    done = clinic("rotate-key", "--new-key", env=env_for(tmp_path))
    assert done.returncode == 0, done.stderr
    assert old.id in done.stdout and "may be removed" in done.stdout
    assert [k.id for k in parse_keys(key_file.read_text(), "key file")][1:] == [old.id]


def test_rotate_key_generate_prints_one_usable_key(tmp_path):
    done = clinic("rotate-key", "--generate", env=env_for(tmp_path))
    (key,) = parse_keys(done.stdout, "output")
    assert len(key.secret) == 32
    sid = submit(settings_for(tmp_path, keys=done.stdout.strip()), PATIENT)
    assert sid


def test_rotate_key_with_environment_keys_refuses_to_edit_files(tmp_path):
    done = clinic("rotate-key", "--new-key", env=env_for(tmp_path, keys=clinic(
        "rotate-key", "--generate", env=env_for(tmp_path)).stdout.strip()))
    assert done.returncode == 1 and "SCREENER_ENCRYPTION_KEYS" in done.stderr


def test_rescore_scores_what_has_no_result_and_reports_what_it_cannot(tmp_path):
    pytest.importorskip("scoring.engine")
    good = submit(settings_for(tmp_path), PATIENT)
    bad = submit(settings_for(tmp_path), {**PATIENT, "no.such.item": "x"})
    scored = submit(settings_for(tmp_path), PATIENT, {"triage": "routine", "rules_version": "r1"})
    done = clinic("rescore", env=env_for(tmp_path))
    assert done.returncode == 1
    assert "scored 1 submission(s); 1 could not be scored" in done.stdout
    assert f"submission {bad}: not scored (InvalidAnswers)" in done.stderr
    assert "Cli Patient" not in done.stdout + done.stderr
    store = open_store(settings_for(tmp_path))
    assert store.unscored() == [bad]
    assert store.get_submission(good).result.triage == "routine"
    assert store.get_submission(scored).rules_version == "r1"
    store.close()


def test_unknown_arguments_are_refused_with_usage(tmp_path):
    done = clinic("backup", env=env_for(tmp_path))
    assert done.returncode == 2 and "usage" in done.stderr


def test_check_creates_the_key_on_a_first_start_and_says_where(tmp_path):
    done = clinic("check", env=env_for(tmp_path))
    assert done.returncode == 0, done.stderr
    key_file = tmp_path / "keys" / "secret.key"
    assert str(key_file) in done.stderr  # the log line says where the new key is
    assert "storage ready" in done.stdout
    assert "create-user" in done.stdout  # no account yet: the next step is named
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    assert clinic("check", env=env_for(tmp_path)).returncode == 0
    assert key_file.read_bytes() == before  # never overwritten


def test_check_refuses_encrypted_data_without_its_key(tmp_path):
    submit(settings_for(tmp_path), PATIENT)
    (tmp_path / "keys" / "secret.key").rename(tmp_path / "elsewhere.key")
    done = clinic("check", env=env_for(tmp_path))
    assert done.returncode == 1
    assert "encrypt" in done.stderr.lower()
    assert not (tmp_path / "keys" / "secret.key").exists()  # no new key over existing data
