"""Issue 5 item 7: hostile documents to ``python -m scoring`` (a real subprocess each time).

Whatever the bytes: exit 0 with one JSON object on standard output, or exit 2 with a message
naming the bad items on standard error; never a traceback, never another status, and the
error text never echoes a value the patient typed. ``--jsonl`` batches many hostile documents
into one process and must answer each line, in order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from patients import BASE_ANSWERS
from test_fuzz_answers import any_hostile_text, hostile_value

from questionnaire.bank import load_bank

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank()
ITEM_IDS = [i.id for i in BANK.items]
MARK = "Qx7Zuleika"  # in every hostile text value, so an echo is easy to find


def run_scoring(data: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scoring", *args, "--as-of", "2026-11-24"],
                          input=data, capture_output=True, cwd=ROOT, timeout=120)


def _marked(value: object) -> object:
    if isinstance(value, str):
        return MARK + value
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    return value


hostile_doc = st.builds(
    lambda base, changes: {**base, **{k: _marked(v) for k, v in changes.items()}},
    st.sampled_from([BASE_ANSWERS, {}]),
    st.dictionaries(st.sampled_from(ITEM_IDS), st.one_of(hostile_value, any_hostile_text), max_size=4))


def _dump(doc: dict) -> bytes:
    """JSON bytes; a lone surrogate stays a \\ud800 escape (what JSON allows)."""
    return json.dumps(doc, ensure_ascii=True).encode()


def assert_clean_failure(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert MARK not in err, f"stderr echoes a typed value:\n{err}"
    return err


@settings(max_examples=25)
@given(doc=hostile_doc)
def test_one_hostile_document(doc):
    proc = run_scoring(_dump(doc), "-")
    err = assert_clean_failure(proc)
    assert proc.returncode in (0, 2), err
    if proc.returncode == 0:
        result = json.loads(proc.stdout)
        assert result["indications"] and result["triage"] in ("urgent", "review", "routine")
    else:
        assert proc.stdout == b""
        named = [line.strip().split(":")[0] for line in err.splitlines()[1:]]
        assert named and set(named) <= set(doc) | {"ha.migraine_days"}, err


@settings(max_examples=10)
@given(docs=st.lists(hostile_doc, min_size=1, max_size=25))
def test_a_batch_of_hostile_documents_answers_every_line(docs):
    data = b"\n".join(_dump(d) for d in docs) + b"\n"
    proc = run_scoring(data, "--jsonl", "-")
    assert_clean_failure(proc)
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(docs)
    outcomes = [json.loads(line) for line in lines]
    for number, out in enumerate(outcomes, start=1):
        if "error" in out:
            assert out["line"] == number and isinstance(out["items"], list)
            assert MARK not in out["error"], "the error line echoes a typed value"
    assert proc.returncode == (2 if any("error" in o for o in outcomes) else 0)


RAW_INPUTS = {
    "empty": b"",
    "not json": b"patient.name=Qx7Zuleika",
    "truncated": b'{"patient.name": "Qx7Zuleika',
    "array": b'["Qx7Zuleika"]',
    "null": b"null",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "duplicate id": b'{"patient.name": "Qx7Zuleika", "patient.name": "Qx7Zuleika"}',
    "lone surrogate escape": b'{"patient.name": "Qx7Zuleika\\ud800"}',
    "latin-1 bytes": '{"patient.name": "Qx7Zuleika Nú\u00f1ez"}'.encode("latin-1"),
    "byte order mark": b'\xef\xbb\xbf{"patient.name": "Qx7Zuleika"}',
    "NaN": b'{"peg.pain": NaN}',
    "huge number": b'{"peg.pain": 1' + b"0" * 5000 + b"}",
    "float for int": b'{"peg.pain": 5.0}',
    "control char": b'{"patient.name": "Qx7Zuleika\\u0000"}',
    "10k text": b'{"visit.concern": "Qx7Zuleika' + b"=" * 10_000 + b'"}',
}


@pytest.mark.parametrize("raw", RAW_INPUTS.values(), ids=RAW_INPUTS.keys())
def test_raw_hostile_bytes(raw):
    proc = run_scoring(raw, "-")
    err = assert_clean_failure(proc)
    assert proc.returncode == 2, (proc.returncode, err)
    assert proc.stdout == b"" and err.strip()


def test_raw_hostile_bytes_as_jsonl():
    raws = [r for r in RAW_INPUTS.values() if b"\n" not in r]
    proc = run_scoring(b"\n".join(raws) + b"\n", "--jsonl", "-")
    assert_clean_failure(proc)
    assert proc.returncode == 2
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(raws)
    assert all("error" in json.loads(line) for line in lines)
