"""Encryption at rest: nothing identifying in the raw file, keys created safely, wrong keys refused."""

from __future__ import annotations

import base64
import logging
import multiprocessing
import os
import signal
import sqlite3
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.config import Settings
from storage import KeyMissing, NewSubmission, open_store
from storage.crypto import (
    DecryptError,
    Key,
    KeyRing,
    format_keys,
    new_key,
    normal_name,
    parse_keys,
    patient_key,
)
from storage.opening import rotate

NAME, BIRTH = "Zebulon Quixote-Ñandú", "1953-07-21"
TYPED, COMMENT = "my very private typed concern 7f3a", "clinician note about Zebulon 91c2"


def settings(tmp_path: Path, keys: str = "") -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'screener.db'}",
                    key_file=str(tmp_path / "keys" / "secret.key"), encryption_keys=keys)


# A result in the contract's shape whose texts restate the answers: sealed like the answers.
RED_FLAG_TEXT = "Thunderclap headache 4e1b: sudden worst headache, same-day assessment"
RESULT = {"triage": "urgent",
          "indications": [{"id": "chronic_migraine", "match": "possible", "suggested": True,
                           "evidence": "fda_approved", "evidence_direction": "effective",
                           "evidence_text": "PREEMPT",
                           "reasons": [{"text": "17 headache days a month for 5 months",
                                        "items": ["ha.days"]}]}],
          "red_flags": [{"id": "rf.thunderclap", "level": "urgent", "answer": "yes",
                         "items": ["rf.thunderclap"], "text": RED_FLAG_TEXT}],
          "safety": [{"id": "safety.pregnant", "level": "precaution",
                      "text": "Pregnancy status: pregnant. No adequate human data on toxin in pregnancy."}],
          "notes": [], "peg": 6.3, "phq2": 4, "gad2": 1, "rules_version": "r3"}
RESULT_TEXTS = ["pregnant", "Pregnancy status: pregnant", RED_FLAG_TEXT, "17 headache days a month",
                "PREEMPT", "Thunderclap"]


def patient(name: str = NAME, result: dict | None = None) -> NewSubmission:
    return NewSubmission(answers={"patient.name": name, "patient.birth_date": BIRTH, "visit.concern": TYPED,
                                  "meds.list": "secretmedicine 50mg"},
                         language="en", questionnaire_version="q1", submitted_at=datetime.now(UTC),
                         result=result, rules_version=result and result["rules_version"])


def key_text(*keys: Key) -> str:
    return format_keys(list(keys))


def raw_files(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("screener.db*"))


SECRETS = [NAME, BIRTH, TYPED, COMMENT, "secretmedicine", "Zebulon", "Quixote", *RESULT_TEXTS]


def assert_nothing_readable(blob: bytes, secrets: list[str] = SECRETS) -> None:
    assert blob, "nothing to scan"
    for secret in secrets:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in blob, (secret, encoding)
        assert secret.lower().encode() not in blob.lower()


def test_the_raw_database_wal_and_backups_hold_no_name_typed_text_or_result_text(tmp_path):
    store = open_store(settings(tmp_path))
    sid = store.save_submission(patient(result=RESULT))
    store.save_result(sid, {**RESULT, "rules_version": "r4"}, "r4")  # a rescore: sealed as well
    store.add_comment(sid, "dr.ruiz", COMMENT)
    store.audit("dr.ruiz", "view_submission", sid)
    assert (tmp_path / "screener.db-wal").exists()
    assert_nothing_readable(raw_files(tmp_path))  # while open: the data is still in the WAL
    store.backup(tmp_path / "backups" / "b1.db")
    assert_nothing_readable((tmp_path / "backups" / "b1.db").read_bytes())
    got = store.get_submission(sid)  # and yet it reads back
    assert (got.answers["patient.name"], got.result.as_stored()["safety"], got.triage) == (
        NAME, RESULT["safety"], "urgent")
    assert store.list_page(None, None).rows[0].result.red_flags[0].text == RED_FLAG_TEXT
    store.close()  # checkpoints the WAL into the main file
    assert_nothing_readable(raw_files(tmp_path))
    with sqlite3.connect(tmp_path / "screener.db") as conn:
        dump = "\n".join(conn.iterdump())
        clear = conn.execute("SELECT triage, red_flags_urgent, precautions, suggested, rules_version "
                             "FROM results ORDER BY id").fetchall()
    for secret in SECRETS:
        assert secret not in dump
    assert clear == [("urgent", 1, 1, " chronic_migraine ", "r3"),
                     ("urgent", 1, 1, " chronic_migraine ", "r4")]


def test_a_first_start_creates_a_private_key_file_and_says_where(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    store = open_store(settings(tmp_path))
    store.close()
    key_file = tmp_path / "keys" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    (key,) = parse_keys(key_file.read_text(), "key file")
    assert str(key_file) in caplog.text
    assert base64.b64encode(key.secret).decode() not in caplog.text
    assert [f.name for f in key_file.parent.iterdir()] == ["secret.key"]  # no temporary file left


def test_an_existing_key_file_is_never_overwritten(tmp_path):
    key_file = tmp_path / "keys" / "secret.key"
    key_file.parent.mkdir()
    key_file.write_text(key_text(new_key()) + "\n")
    before = key_file.read_bytes()
    for _ in range(2):
        store = open_store(settings(tmp_path))
        store.save_submission(patient())
        store.close()
    assert key_file.read_bytes() == before


def test_data_without_any_key_refuses_to_start_and_creates_no_key(tmp_path):
    store = open_store(settings(tmp_path))
    store.save_submission(patient())
    store.close()
    (tmp_path / "keys" / "secret.key").unlink()
    with pytest.raises(KeyMissing, match="no encryption key is configured.*SCREENER_ENCRYPTION_KEYS"):
        open_store(settings(tmp_path))
    assert not (tmp_path / "keys" / "secret.key").exists()


def test_a_wrong_key_with_the_same_id_refuses_to_start(tmp_path):
    right = new_key()
    open_store(settings(tmp_path, key_text(right))).save_submission(patient())
    wrong = Key(right.id, os.urandom(32))
    with pytest.raises(KeyMissing, match="not the key this database was encrypted with"):
        open_store(settings(tmp_path, key_text(wrong)))


def test_a_different_key_refuses_to_start_and_names_the_missing_id(tmp_path):
    right = new_key()
    open_store(settings(tmp_path, key_text(right))).save_submission(patient())
    with pytest.raises(KeyMissing, match=f"key id\\(s\\) {right.id}.*SCREENER_ENCRYPTION_KEYS"):
        open_store(settings(tmp_path, key_text(Key("other", os.urandom(32)))))


def test_keys_from_the_environment_win_and_no_key_file_is_made(tmp_path):
    store = open_store(settings(tmp_path, key_text(new_key())))
    store.save_submission(patient())
    store.close()
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("nocolon", "id:base64"),
    ("bad id!:AAAA", "id:base64"),
    ("k1:not base64!!", "not valid base64"),
    (f"k1:{base64.b64encode(b'short').decode()}", "must be 32 bytes"),
    (f"k1:{base64.b64encode(bytes(32)).decode()},k1:{base64.b64encode(bytes(32)).decode()}", "twice"),
])
def test_bad_key_settings_are_refused_clearly(tmp_path, text, message):
    with pytest.raises(KeyMissing, match=message):
        open_store(settings(tmp_path, text))


def test_rotation_moves_every_row_to_the_new_key_and_lookups_keep_working(tmp_path):
    old, fresh = new_key(), Key("k-new", os.urandom(32))
    store = open_store(settings(tmp_path, key_text(old)))
    ids = [store.save_submission(patient(result=RESULT if i else None)) for i in range(3)]
    store.save_result(ids[2], {**RESULT, "triage": "review"}, "r4")
    store.add_comment(ids[0], "dr.ruiz", COMMENT)
    before, listed = store.list_submissions(), store.list_page(None, None)
    store.close()
    both = open_store(settings(tmp_path, key_text(fresh, old)))  # step 1: new key first, old kept
    assert len(both.visits_of(NAME, BIRTH)) == 3  # mixed keys mid-rotation still find the patient
    assert rotate(both) == {"submissions": 3, "comments": 1, "results": 3}
    assert rotate(both) == {"submissions": 0, "comments": 0, "results": 0}
    both.close()
    only_new = open_store(settings(tmp_path, key_text(fresh)))  # step 3: the old key is gone
    assert only_new.list_submissions() == before
    assert only_new.list_page(None, None) == listed  # names and results of the list too
    assert [r["result"].as_stored() for r in only_new.results_of(ids[2])] == [
        RESULT, {**RESULT, "triage": "review"}]
    assert [s.id for s in only_new.visits_of(NAME.upper(), BIRTH)] == ids
    only_new.close()
    with pytest.raises(KeyMissing):
        open_store(settings(tmp_path, key_text(old)))


def test_a_value_moved_to_another_row_does_not_open(tmp_path):
    store = open_store(settings(tmp_path))
    a, b = store.save_submission(patient()), store.save_submission(patient("Someone Else"))
    store.close()
    with sqlite3.connect(tmp_path / "screener.db") as conn:
        blob = conn.execute("SELECT answers_enc FROM submissions WHERE id=?", (a,)).fetchone()[0]
        conn.execute("UPDATE submissions SET answers_enc=? WHERE id=?", (blob, b))
    store = open_store(settings(tmp_path))
    with pytest.raises(DecryptError, match="does not open"):
        store.get_submission(b)
    store.close()


@given(data=st.binary(max_size=2000), context=st.text(max_size=50))
def test_seal_then_open_round_trips_and_binds_the_context(data, context):
    ring = KeyRing([Key("k1", bytes(range(32)))], "test")
    blob = ring.seal(data, context)
    assert ring.open(blob, context) == data
    assert data not in blob[14:] or len(data) < 4
    with pytest.raises(DecryptError):
        ring.open(blob, context + "x")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Ana María", "  ana   MARÍA ", True),
    ("Ana María", "Ana Mari\u0301a", True),  # the same letters, composed or not
    ("Ana María", "Ana Maria", False),
    ("STRASSE", "straße", True),  # case folding
    ("Ana", "Ana Lopez", False),
])
def test_names_compare_ignoring_case_and_spacing(a, b, same):
    assert (normal_name(a) == normal_name(b)) is same


def test_a_first_start_makes_missing_folders_and_a_private_database_file(tmp_path):
    db = tmp_path / "not" / "yet" / "there" / "screener.db"
    store = open_store(Settings(database_url=f"sqlite:///{db}", key_file=str(tmp_path / "k" / "secret.key")))
    store.save_submission(patient())
    for file in tmp_path.glob("not/yet/there/screener.db*"):
        assert stat.S_IMODE(file.stat().st_mode) & 0o077 == 0, file.name
    store.close()


def test_nothing_identifying_reaches_any_log_even_sql_at_debug(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "storage"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # SQL, parameters and rows all logged
    try:
        store = open_store(settings(tmp_path))
        sid = store.save_submission(patient())
        store.add_comment(sid, "dr.ruiz", COMMENT)
        store.get_submission(sid)
        store.list_submissions()
        store.visits_of(NAME, BIRTH)
        store.close()
    finally:
        for name in ("sqlalchemy.engine", "sqlalchemy.pool"):
            logging.getLogger(name).setLevel(logging.WARNING)
    assert "INSERT INTO submissions" in caplog.text  # the SQL was logged, with its parameters
    for secret in SECRETS:
        assert secret not in caplog.text
        assert repr(secret)[1:-1] not in caplog.text


LETTERS = "abcdefghijklmnopqrstuvwxyzáéíóúñüç'-"
words_of_a_name = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=12), min_size=1, max_size=4)


@given(words=words_of_a_name, data=st.data())
def test_a_name_retyped_with_other_case_and_spacing_is_the_same_patient(words, data):
    retyped = [data.draw(st.sampled_from([w, w.upper(), w.title()])) for w in words]
    gaps = [" " * data.draw(st.integers(1, 3)) for _ in range(len(words) + 1)]
    spaced = gaps[0] + "".join(w + g for w, g in zip(retyped, gaps[1:], strict=True))
    key, name = Key("k1", bytes(32)), " ".join(words)
    assert patient_key(key, spaced, " 1980-01-01 ") == patient_key(key, name, "1980-01-01")
    assert patient_key(key, name + "x", "1980-01-01") != patient_key(key, name, "1980-01-01")
    assert patient_key(key, name, "1980-01-02") != patient_key(key, name, "1980-01-01")


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe not text", "cannot read the key file"),
    (b"# only a comment\n", "no key found"),
])
def test_a_key_file_that_cannot_be_used_is_refused_clearly(tmp_path, content, message):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "secret.key").write_bytes(content)
    with pytest.raises(KeyMissing, match=message):
        open_store(settings(tmp_path))
    assert (tmp_path / "keys" / "secret.key").read_bytes() == content


def _rotate_slowly(s: Settings, fd: int) -> None:
    def after_batch(counts):
        os.write(fd, b"batch\n")
        time.sleep(30)  # the parent kills us here, between two committed batches

    rotate(open_store(s), after_batch)


def test_a_rotation_killed_half_way_loses_nothing_and_can_be_run_again(tmp_path):
    old, fresh = new_key(), Key("k-new", os.urandom(32))
    store = open_store(settings(tmp_path, key_text(old)))
    ids = [store.save_submission(patient(f"Patient {i}")) for i in range(250)]
    store.add_comment(ids[0], "dr.ruiz", COMMENT)
    before = store.list_submissions()
    store.close()
    both = settings(tmp_path, key_text(fresh, old))
    read_fd, write_fd = os.pipe()
    child = multiprocessing.get_context("fork").Process(target=_rotate_slowly, args=(both, write_fd))
    child.start()
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        assert pipe.readline() == b"batch\n"
        os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    store = open_store(both)
    with store.engine.connect() as conn:
        in_use = dict(conn.exec_driver_sql("SELECT key_id, count(*) FROM submissions GROUP BY key_id").all())
    assert in_use == {fresh.id: 100, old.id: 150}  # one batch done, the rest not yet
    assert store.list_submissions() == before  # mixed keys: everything still reads back
    assert rotate(store) == {"submissions": 150, "comments": 1, "results": 0}
    store.close()
    only_new = open_store(settings(tmp_path, key_text(fresh)))
    assert only_new.list_submissions() == before
    only_new.close()
