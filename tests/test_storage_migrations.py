"""Versioned schema migrations: a fresh database gets them all once; an old one upgrades."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from clinic.config import Settings
from storage import StoreError, open_store
from storage.crypto import KeyRing, format_keys, new_key
from storage.engine import make_engine
from storage.migrations import LATEST, MIGRATIONS, migrate, schema_version
from storage.rows import seal_answers, ts
from storage.schema import metadata
from tests.pg import postgres_server, postgres_url  # noqa: F401 - fixtures


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'screener.db'}"
    return request.getfixturevalue("postgres_url")


def test_versions_are_numbered_in_order_without_gaps():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_a_fresh_database_gets_every_migration_once(url):
    engine = make_engine(url)
    assert migrate(engine) == list(range(1, LATEST + 1))
    assert migrate(engine) == []
    assert schema_version(engine) == LATEST
    engine.dispose()


def test_the_migrated_schema_is_the_schema_the_queries_use(url):
    engine = make_engine(url)
    migrate(engine)
    found = inspect(engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys()), table.name
    engine.dispose()


def test_a_version_1_database_upgrades_and_keeps_its_data(url, tmp_path):
    key = new_key()
    ring = KeyRing([key], "test")
    engine = make_engine(url)
    assert migrate(engine, upto=1) == [1]
    answers = {"patient.name": "Old Record", "patient.birth_date": "1960-05-05"}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO submissions (id, submitted_at, stored_at, language, questionnaire_version,"
                 " key_id, answers_enc) VALUES (:id, :at, :at, 'en', 'q0', :kid, :enc)"),
            {"id": "a" * 32, "at": ts(datetime(2026, 1, 2, tzinfo=UTC)), "kid": key.id,
             "enc": seal_answers(ring, "a" * 32, answers)})
        conn.execute(text("INSERT INTO results (submission_id, scored_at, rules_version, triage, result_json)"
                          " VALUES (:id, :at, 'r0', 'routine', :json)"),
                     {"id": "a" * 32, "at": ts(datetime.now(UTC)), "json": json.dumps({"triage": "routine"})})
    engine.dispose()
    store = open_store(Settings(database_url=url, key_file=str(tmp_path / "unused"),
                                encryption_keys=format_keys([key])))
    assert schema_version(store.engine) == LATEST
    old = store.get_submission("a" * 32)
    assert (old.answers, old.triage, old.comments) == (answers, "routine", ())
    assert [s.id for s in store.visits_of("old record", "1960-05-05")] == ["a" * 32]  # backfilled
    store.add_comment("a" * 32, "dr.ruiz", "works after the upgrade")
    store.close()


def test_a_database_from_a_newer_app_is_refused(url):
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_migrations (version, name, applied_at) "
                          "VALUES (:v, 'future', 'x')"), {"v": LATEST + 1})
    with pytest.raises(StoreError, match=f"schema version {LATEST + 1}, newer than this app knows"):
        migrate(engine)
    engine.dispose()
