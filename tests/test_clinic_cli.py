"""The one command line, ``python -m clinic``: exit codes in one place, strict dates, and
read-only commands that never create a key or a database (docs/storage.md, "Command line")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def clinic(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCREENER_DATABASE_URL": f"sqlite:///{tmp_path / 'screener.db'}",
           "SCREENER_KEY_FILE": str(tmp_path / "keys" / "secret.key"), "SCREENER_ENCRYPTION_KEYS": ""}
    return subprocess.run([sys.executable, "-m", "clinic", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def created(tmp_path: Path) -> list[str]:
    return sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("args", [
    ["export", "--format", "csv", "--since", "2026-11-01", "--out", "OUT"],
    ["list-users"],
    ["deactivate", "someone"],
    ["backup", "OUT"],
    ["rescore"],
    ["rotate-key"],
])
def test_commands_that_read_existing_data_create_no_key_and_no_database(tmp_path, args):
    out = tmp_path / "out" / "x"
    (tmp_path / "out").mkdir()
    done = clinic(tmp_path, *[str(out) if a == "OUT" else a for a in args])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "nothing was created" in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{args[0]}: no database at ")
    assert created(tmp_path) == ["out"]


def test_check_creates_the_database_and_key_by_design_and_then_export_works(tmp_path):
    assert clinic(tmp_path, "check").returncode == 0
    assert {"keys/secret.key", "screener.db"} <= set(created(tmp_path))
    done = clinic(tmp_path, "export", "--format", "json", "--since", "2026-11-01", "--out",
                  str(tmp_path / "x.json"))
    assert done.returncode == 0 and "exported 0 submission(s)" in done.stdout, done.stderr


def test_export_refuses_a_database_without_its_key_and_makes_none(tmp_path):
    assert clinic(tmp_path, "check").returncode == 0
    (tmp_path / "keys" / "secret.key").unlink()
    done = clinic(tmp_path, "export", "--format", "csv", "--since", "2026-11-01", "--out",
                  str(tmp_path / "x"))
    assert done.returncode == 1 and "no encryption key" in done.stderr
    assert not (tmp_path / "keys" / "secret.key").exists()


@pytest.mark.parametrize("since", ["2026-W48-2", "2026-330", "20261124", "2026-11-24T00:00", "2026-1-24",
                                   "２０２６-11-24"])
def test_only_a_calendar_day_written_yyyy_mm_dd_is_a_date(tmp_path, since):
    done = clinic(tmp_path, "export", "--format", "csv", "--since", since, "--out", str(tmp_path / "x"))
    assert done.returncode == 2
    assert "argument --since: must be a date written YYYY-MM-DD" in done.stderr
    assert created(tmp_path) == []


@pytest.mark.parametrize("args", [[], ["no-such-command"], ["backup"], ["export", "--format", "csv"],
                                  ["bench", "nothing"]])
def test_bad_usage_exits_2_with_the_usage_and_no_traceback(tmp_path, args):
    done = clinic(tmp_path, *args)
    assert done.returncode == 2 and "usage: python -m clinic" in done.stderr
    assert "Traceback" not in done.stderr and created(tmp_path) == []


def test_help_lists_every_command_and_exits_0(tmp_path):
    done = clinic(tmp_path, "--help")
    assert done.returncode == 0
    for name in ("check", "create-user", "list-users", "deactivate", "reactivate", "reset-password", "unlock",
                 "change-password", "export", "backup", "restore", "rotate-key", "rescore", "bench"):
        assert f"    {name}" in done.stdout, name


def test_storage_does_not_import_the_clinic():
    """No cycle: storage is below clinic (the settings reach it as an argument)."""
    import ast
    for path in (ROOT / "storage").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert not node.module.startswith("clinic"), f"storage/{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("clinic") for a in node.names), path.name


def test_bench_runs_a_script_of_bench_with_its_own_options(tmp_path):
    done = clinic(tmp_path, "bench", "golden")
    assert done.returncode == 0, done.stderr
    assert "0 of 2000 outputs differ from the corpus" in done.stdout
    assert created(tmp_path) == []  # a benchmark opens no store of the clinic's


def test_a_file_the_system_refuses_is_one_line_and_exit_1(tmp_path):
    assert clinic(tmp_path, "check").returncode == 0
    (tmp_path / "plain").write_text("not a folder", encoding="utf-8")
    done = clinic(tmp_path, "backup", str(tmp_path / "plain" / "b.db"))
    assert done.returncode == 1 and done.stderr.startswith("backup: ")
    assert "Traceback" not in done.stderr
