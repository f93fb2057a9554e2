"""``python -m scoring`` as a real subprocess: exit codes, stderr naming every bad item, --jsonl
error lines in place, blank lines, line splitting, --as-of, and byte-for-byte determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from scoring_cases import CM_STRONG, HA, birthday_today

ROOT = Path(__file__).resolve().parent.parent
AS_OF = ["--as-of", "2026-11-24"]
BAD = {"ha.any": "yes", "ha.days": 31, "zz.unknown": "yes", "peg.pain": None, "back.months": 4,
       "neck.pulls": "maybe"}
BAD_ITEMS = {"ha.days", "zz.unknown", "peg.pain", "back.months", "neck.pulls"}


def scoring(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scoring", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=60)


def line(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode() + b"\n"


def test_one_document_from_a_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_bytes(line(CM_STRONG))
    proc = scoring(str(path), *AS_OF)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    first = out["indications"][0]
    assert out["triage"] == "routine" and (first["id"], first["match"]) == ("chronic_migraine", "strong")
    assert proc.stderr == b""


def test_one_document_from_stdin():
    proc = scoring("-", *AS_OF, stdin=line({**HA, "rf.thunderclap": "yes"}))
    assert proc.returncode == 0 and json.loads(proc.stdout)["triage"] == "urgent"


def test_an_invalid_document_names_every_bad_item_and_exits_2():
    proc = scoring("-", *AS_OF, stdin=line(BAD))
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    named = {ln.strip().split(":")[0] for ln in err.splitlines()[1:]}
    assert named == BAD_ITEMS, err


@pytest.mark.parametrize("raw", [b"", b"{", b"[1, 2]", b"null", b'{"ha.any": "no", "ha.any": "yes"}',
                                 b'\xff{"ha.any": "no"}', b'{"peg.pain": NaN}'])
def test_unreadable_documents_exit_2_with_a_message(raw):
    proc = scoring("-", *AS_OF, stdin=raw)
    assert proc.returncode == 2 and proc.stdout == b"" and proc.stderr.strip()
    assert b"Traceback" not in proc.stderr


def test_a_missing_file_exits_2(tmp_path):
    proc = scoring(str(tmp_path / "nope.json"), *AS_OF)
    assert proc.returncode == 2 and b"cannot read" in proc.stderr


def test_jsonl_gives_one_line_per_input_line_with_errors_in_place():
    feed = line(CM_STRONG) + line(BAD) + b"\n" + b"   \n" + b"{broken\n" + line({"ha.any": "no"})
    proc = scoring("--jsonl", "-", *AS_OF, stdin=feed)
    assert proc.returncode == 2
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert len(out) == 6
    assert out[0]["indications"][0]["match"] == "strong" and out[5]["triage"] == "routine"
    assert list(out[1]) == ["error", "line", "items"]
    assert out[1]["line"] == 2 and set(out[1]["items"]) == BAD_ITEMS
    assert (out[2]["line"], out[2]["items"]) == (3, []) and "blank" in out[2]["error"]
    assert (out[3]["line"], out[3]["items"]) == (4, [])
    assert out[4]["line"] == 5 and "JSON" in out[4]["error"]
    err = proc.stderr.decode()
    assert all(f"line {n}:" in err for n in (2, 3, 4, 5))


def test_jsonl_all_valid_exits_0_and_handles_crlf_and_a_last_line_without_newline():
    feed = line(CM_STRONG).replace(b"\n", b"\r\n") + json.dumps({"ha.any": "no"}).encode()
    proc = scoring("--jsonl", "-", *AS_OF, stdin=feed)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.decode().splitlines()) == 2


def test_jsonl_splits_on_newline_only():
    """U+2028 and U+2029 may sit raw inside a JSON string; they do not end a line."""
    # (both in a multi-line text: the bank refuses line separators in one-line answers)
    doc = {"visit.concern": "dolor\u2028 muy\u2029 fuerte", "meds.list": "a\u2028b"}
    proc = scoring("--jsonl", "-", *AS_OF, stdin=line(doc) + line(doc))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(b"\n") == 2
    assert all("triage" in json.loads(x) for x in proc.stdout.split(b"\n")[:2])


def test_jsonl_from_a_file(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(line(CM_STRONG) + line(HA))
    proc = scoring("--jsonl", str(path), *AS_OF)
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 2


def test_output_is_deterministic_utf8_in_spec_key_order(tmp_path):
    doc = {**CM_STRONG, "patient.name": "José Núñez 中文", "safety.pregnant": ["unsure"],
           "rf.neuro": "unsure"}
    feed = line(doc) * 3
    first = scoring("--jsonl", "-", *AS_OF, stdin=feed)
    second = scoring("--jsonl", "-", *AS_OF, stdin=feed)
    assert first.returncode == 0 and first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert lines[0] == lines[1] == lines[2]
    assert list(json.loads(lines[0])) == ["triage", "indications", "red_flags", "safety", "notes", "peg",
                                          "phq2", "gad2", "rules_version"]
    path = tmp_path / "one.json"
    path.write_bytes(line(doc))
    assert scoring(str(path), *AS_OF).stdout == scoring(str(path), *AS_OF).stdout


def test_as_of_sets_the_age():
    doc = line({"rf.jaw_claudication": "yes", "patient.birth_date": birthday_today(50)})
    on_birthday = json.loads(scoring("-", "--as-of", "2026-11-24", stdin=doc).stdout)
    assert on_birthday["triage"] == "urgent"  # giant cell arteritis at 50
    day_before = scoring("-", "--as-of", "2026-11-23", stdin=doc)  # 49: the question is not asked
    assert day_before.returncode == 2 and b"rf.jaw_claudication" in day_before.stderr


def test_as_of_sets_the_age_of_the_v2_upgrade():
    v2 = line({**HA, "rf.jaw_scalp": "yes", "patient.birth_date": birthday_today(50)})
    on_birthday = json.loads(scoring("-", "--as-of", "2026-11-24", stdin=v2).stdout)
    day_before = json.loads(scoring("-", "--as-of", "2026-11-23", stdin=v2).stdout)
    assert [f["id"] for f in on_birthday["red_flags"]] == [
        "rf.jaw_claudication", "rf.scalp_tender", "rf.giant_cell_arteritis"]
    assert on_birthday["triage"] == "urgent"
    assert day_before["red_flags"] == [] and day_before["triage"] == "routine"  # not carried over under 50


def test_as_of_defaults_to_today():
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    proc = scoring("-", stdin=line({"patient.birth_date": tomorrow}))
    assert proc.returncode == 2 and b"patient.birth_date" in proc.stderr
    assert scoring("-", stdin=line({"patient.birth_date": date.today().isoformat()})).returncode == 0


@pytest.mark.parametrize("args", [[], ["-", "--jsonl", "-"], ["-", "--as-of", "24/11/2026"],
                                  ["-", "--as-of", "2026-W48-2"]])
def test_usage_errors_exit_2(args):
    proc = scoring(*args, stdin=line({}))
    assert proc.returncode == 2 and proc.stdout == b""


def test_the_command_line_gives_exactly_what_the_api_gives():
    """200 seeded random valid documents through --jsonl, compared with score(...).to_dict()."""
    import random

    from strategies import random_document

    from questionnaire.bank import load_bank
    from scoring import score

    bank, rng, as_of = load_bank(), random.Random(7), date(2026, 11, 24)
    docs = [random_document(bank, as_of, rng) for _ in range(200)]
    proc = scoring("--jsonl", "-", *AS_OF, stdin=b"".join(line(d) for d in docs))
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = [json.loads(x) for x in proc.stdout.splitlines()]
    assert got == [score(d, as_of).to_dict() for d in docs]


def test_a_closed_pipe_is_not_a_traceback():
    feed = line(CM_STRONG) * 2000
    command = f"{sys.executable} -m scoring --jsonl - --as-of 2026-11-24 | head -c 10"
    proc = subprocess.run(command, shell=True, input=feed, capture_output=True, cwd=ROOT, timeout=60)  # noqa: S602
    assert proc.stdout == b'{"triage":' and b"Traceback" not in proc.stderr and b"Error" not in proc.stderr
