"""No data lost: concurrent writers, writers killed mid-submit, a full database, backup/restore.

Real files, real processes, real signals; nothing of our own is mocked.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from clinic.config import Settings
from storage import NewSubmission, StorageFull, StoreError, open_store
from storage.restore import restore_file

FORK = multiprocessing.get_context("fork")
WRITERS, EACH = 20, 10
RESULT = {"triage": "routine", "rules_version": "rules-1"}


def submission(name: str, concern: str = "", result: dict | None = None) -> NewSubmission:
    answers = {"patient.name": name, "patient.birth_date": "1980-01-01", "visit.concern": concern}
    return NewSubmission(answers=answers, language="en", questionnaire_version="q1",
                         submitted_at=datetime.now(UTC), result=result or RESULT, rules_version="rules-1")


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'screener.db'}",
                    key_file=str(tmp_path / "keys" / "secret.key"))


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


# -- 20 processes at once ----------------------------------------------------------------------
def _writer(settings: Settings, number: int, start, out) -> None:
    store = open_store(settings)  # a fresh database: migrations and key creation race too
    start.wait()
    ids = [store.save_submission(submission(f"Writer {number} patient {i}")) for i in range(EACH)]
    store.close()
    out.put((number, ids))


@pytest.fixture
def fresh_settings(url, tmp_path) -> Settings:
    return Settings(database_url=url, key_file=str(tmp_path / "keys" / "secret.key"))


@pytest.mark.slow
def test_twenty_processes_submitting_at_once_lose_and_duplicate_nothing(fresh_settings):
    start, out = FORK.Barrier(WRITERS), FORK.Queue()
    procs = [FORK.Process(target=_writer, args=(fresh_settings, n, start, out)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    reported = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    store = open_store(fresh_settings)
    stored = store.list_submissions()
    confirmed = [sid for ids in reported.values() for sid in ids]
    assert len(confirmed) == len(set(confirmed)) == WRITERS * EACH
    assert sorted(s.id for s in stored) == sorted(confirmed)
    names = sorted(s.name for s in stored)
    assert names == sorted(f"Writer {n} patient {i}" for n in range(WRITERS) for i in range(EACH))
    store.close()


# -- SIGKILL mid-submit ------------------------------------------------------------------------
def _doomed_writer(settings: Settings, fd: int, round_no: int) -> None:
    store = open_store(settings)
    i = 0
    while True:
        sid = store.save_submission(submission(f"Round {round_no} patient {i}", "x" * 3000))
        os.write(fd, f"{sid}\n".encode())  # only after save returned: a confirmed submission
        i += 1


@pytest.mark.slow
def test_a_writer_killed_mid_submit_leaves_every_confirmed_submission(tmp_path):
    settings = sqlite_settings(tmp_path)
    open_store(settings).close()
    rng = random.Random(20261124)
    confirmed: list[str] = []
    for round_no in range(30):
        read_fd, write_fd = os.pipe()
        child = FORK.Process(target=_doomed_writer, args=(settings, write_fd, round_no))
        child.start()
        os.close(write_fd)
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        with os.fdopen(read_fd, "rb") as pipe:
            lines = pipe.read().decode().split("\n")
        confirmed += [line for line in lines[:-1] if line]  # a cut last line was never confirmed
        assert integrity(tmp_path / "screener.db") == "ok"
    assert len(confirmed) > 30, "the writer should have confirmed submissions before the kills"
    store = open_store(settings)
    stored = {s.id for s in store.list_submissions()}
    assert set(confirmed) <= stored
    assert store.unscored() == []  # no submission without its result: nothing half-written
    store.close()
    assert integrity(tmp_path / "screener.db") == "ok"


# -- a full database ---------------------------------------------------------------------------
def limit_pages(store, pages: int) -> None:
    """Make SQLite itself answer SQLITE_FULL past ``pages`` pages, on every connection."""
    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")
    store.engine.dispose()


def fill(store, confirmed: list[str], size: int = 8000, limit: int = 1000) -> None:
    """Submit until the store refuses; alternately the answers or only the result are big."""
    big = os.urandom(size // 2).hex()  # random: no compression makes it small again
    for i in range(limit):
        result = {**RESULT, "pad": big} if i % 2 else RESULT
        confirmed.append(store.save_submission(submission(f"P{i}", big if i % 2 == 0 else "", result)))


def store_with_room_for(tmp_path, pages: int, first: str):
    """A SQLite store holding one submission (``first``), allowed ``pages`` pages more than it has."""
    store = open_store(sqlite_settings(tmp_path))
    store.save_submission(submission(first))
    with sqlite3.connect(tmp_path / "screener.db") as conn:
        used = conn.execute("PRAGMA page_count").fetchone()[0]
    limit_pages(store, used + pages)
    return store


def test_a_full_database_raises_storage_full_and_writes_nothing_half(tmp_path):
    store = store_with_room_for(tmp_path, 40, "Before")
    confirmed: list[str] = []
    with pytest.raises(StorageFull, match="full; nothing was saved"):
        fill(store, confirmed)
    assert len(confirmed) > 2
    assert any(p.startswith("last submit failed: the database or its disk is full") for p in store.health())
    assert len(store.list_submissions()) == len(confirmed) + 1
    assert store.unscored() == []  # no submission stored without the result it came with
    assert integrity(tmp_path / "screener.db") == "ok"
    limit_pages(store, 1_000_000)
    store.save_submission(submission("After space was freed"))
    assert not any(p.startswith("last submit failed") for p in store.health())
    store.close()


def test_health_warns_before_the_database_is_full(tmp_path):
    store = store_with_room_for(tmp_path, 1, "One")
    assert any("nearly full" in p for p in store.health())
    store.close()


# -- backup and restore ------------------------------------------------------------------------
def test_backup_then_restore_into_a_fresh_path_gives_back_every_submission(tmp_path):
    settings = sqlite_settings(tmp_path)
    store = open_store(settings)
    for i in range(12):
        sid = store.save_submission(submission(f"Patient {i}", f"concern {i}", None if i % 3 else RESULT))
        if i % 4 == 0:
            store.add_comment(sid, "dr.ruiz", f"note {i}")
            store.mark_reviewed(sid, "dr.ruiz")
    store.create_user("dr.ruiz", "hash", "clinician")
    before = store.list_submissions()
    store.backup(tmp_path / "backups" / "b1.db")
    with pytest.raises(StoreError, match="already exists"):
        store.backup(tmp_path / "backups" / "b1.db")
    store.close()
    assert integrity(tmp_path / "backups" / "b1.db") == "ok"
    target = tmp_path / "elsewhere" / "restored.db"
    restore_file(tmp_path / "backups" / "b1.db", target)
    again = open_store(Settings(database_url=f"sqlite:///{target}", key_file=settings.key_file))
    assert again.list_submissions() == before
    assert [u.username for u in again.list_users()] == ["dr.ruiz"]
    again.close()


def test_a_backup_is_private_from_its_first_byte_in_a_private_folder(tmp_path):
    """Under a umask that would make files world-readable, a watcher polling the backup's path
    while SQLite copies into it never sees it with any mode but 0600; its new folder is 0700."""
    import stat
    import threading

    store = open_store(sqlite_settings(tmp_path))
    for i in range(200):
        store.save_submission(submission(f"Patient {i}", "x" * 4000, RESULT))
    dest = tmp_path / "new" / "backups" / "b.db"
    seen, done = set(), threading.Event()

    def watch() -> None:
        while not done.is_set():
            for path in (dest, dest.parent):
                try:
                    seen.add((path.name, stat.S_IMODE(os.stat(path).st_mode)))
                except FileNotFoundError:
                    pass

    watcher = threading.Thread(target=watch)
    old_umask = os.umask(0)
    try:
        watcher.start()
        store.backup(dest)
    finally:
        done.set()
        watcher.join()
        os.umask(old_umask)
        store.close()
    assert ("b.db", 0o600) in seen and ("backups", 0o700) in seen
    assert seen == {("b.db", 0o600), ("backups", 0o700)}
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600 and integrity(dest) == "ok"
    old_umask = os.umask(0)
    try:  # a restore's database file, and the copy of the replaced one, are private too
        restore_file(dest, tmp_path / "restored" / "screener.db")
        kept = restore_file(dest, tmp_path / "restored" / "screener.db", force=True)
    finally:
        os.umask(old_umask)
    for file in (tmp_path / "restored" / "screener.db", kept):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    assert stat.S_IMODE((tmp_path / "restored").stat().st_mode) == 0o700


def test_restore_never_silently_replaces_data(tmp_path):
    settings = sqlite_settings(tmp_path)
    store = open_store(settings)
    kept_id = store.save_submission(submission("Kept"))
    store.backup(tmp_path / "b.db")
    store.save_submission(submission("Newer than the backup"))
    store.close()
    db = tmp_path / "screener.db"
    with pytest.raises(StoreError, match="--force"):
        restore_file(tmp_path / "b.db", db)
    copy = restore_file(tmp_path / "b.db", db, force=True)
    assert len(open_store(Settings(database_url=f"sqlite:///{copy}", key_file=settings.key_file))
               .list_submissions()) == 2
    restored = open_store(settings)
    assert [s.id for s in restored.list_submissions()] == [kept_id]
    restored.close()


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, content):
    (tmp_path / "bad.db").write_bytes(content)
    with pytest.raises(StoreError, match="restore"):
        restore_file(tmp_path / "bad.db", tmp_path / "target.db")
    assert not (tmp_path / "target.db").exists()


@pytest.mark.postgres
def test_backup_on_postgres_says_to_use_pg_dump(postgres_url, tmp_path):
    store = open_store(Settings(database_url=postgres_url, key_file=str(tmp_path / "k")))
    with pytest.raises(StoreError, match="pg_dump"):
        store.backup(tmp_path / "b.db")
    store.close()


# -- the SQLite settings that make the above hold --------------------------------------------
def test_every_connection_has_the_durability_settings(tmp_path):
    store = open_store(sqlite_settings(tmp_path))
    with store.engine.connect() as conn:
        got = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
               for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert got == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 30_000}
    store.close()


def try_to_take_the_write_lock(path: Path) -> str:
    """"taken", or SQLite's answer to another connection asking for the write lock at once."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "taken"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


def test_write_transactions_take_the_lock_up_front_and_reads_do_not(tmp_path):
    store = open_store(sqlite_settings(tmp_path))
    with store.engine.begin() as conn:
        conn.exec_driver_sql("SELECT 1")  # no write yet, and still the lock is held
        assert try_to_take_the_write_lock(tmp_path / "screener.db") == "database is locked"
    with store._read() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM submissions")
        assert try_to_take_the_write_lock(tmp_path / "screener.db") == "taken"
    store.close()


def test_one_store_shared_by_many_threads_loses_nothing(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = open_store(sqlite_settings(tmp_path))
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda i: store.save_submission(submission(f"Thread patient {i}")), range(80)))
    assert len(set(ids)) == 80
    assert sorted(s.id for s in store.list_submissions()) == sorted(ids)
    store.close()


def test_an_in_memory_database_is_refused():
    with pytest.raises(ValueError, match="SQLite file"):
        open_store(Settings(database_url="sqlite://", key_file="/nonexistent/k"))


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 1 MB filesystem (tmpfs); needs root and permission to mount, else the test skips."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount_point
    if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)  # detach once the last file closes


def test_a_really_full_disk_raises_storage_full_and_recovers_when_space_is_freed(tmp_path, tiny_disk):
    settings = Settings(database_url=f"sqlite:///{tiny_disk / 'screener.db'}",
                        key_file=str(tmp_path / "keys" / "secret.key"))
    store = open_store(settings)
    (tiny_disk / "other-files").write_bytes(b"\0" * 300_000)  # something the clinic can delete
    confirmed: list[str] = []
    with pytest.raises(StorageFull):
        fill(store, confirmed)
    problems = store.health()
    assert any(p.startswith("last submit failed: the database or its disk is full") for p in problems)
    assert any(p.startswith("low free disk space") for p in problems)
    assert sorted(s.id for s in store.list_submissions()) == sorted(confirmed)
    assert store.unscored() == []
    (tiny_disk / "other-files").unlink()
    store.save_submission(submission("After the clean-up"))
    assert len(store.list_submissions()) == len(confirmed) + 1
    store.close()
    assert integrity(tiny_disk / "screener.db") == "ok"


@pytest.mark.postgres
@pytest.mark.slow
def test_a_full_postgres_disk_raises_storage_full_and_recovers(postgres_full_disk_url, tmp_path):
    url, folder = postgres_full_disk_url
    store = open_store(Settings(database_url=url, key_file=str(tmp_path / "keys" / "secret.key")))
    (folder / "other-files").write_bytes(os.urandom(1_000_000))
    confirmed: list[str] = []
    with pytest.raises(StorageFull):
        fill(store, confirmed, size=60_000, limit=2000)
    assert any(p.startswith("last submit failed: the database or its disk is full") for p in store.health())
    assert sorted(s.id for s in store.list_submissions()) == sorted(confirmed)
    assert store.unscored() == []
    (folder / "other-files").unlink()
    store.save_submission(submission("After the clean-up"))
    assert not any(p.startswith("last submit failed") for p in store.health())
    store.close()
