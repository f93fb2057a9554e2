"""Versioned schema migrations: a fresh database gets them all once; an old one upgrades."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from clinic.config import Settings
from storage import StoreError, open_store
from storage.crypto import KeyRing, format_keys, new_key
from storage.engine import make_engine
from storage.migrations import LATEST, MIGRATIONS, migrate, schema_version
from storage.rows import seal_answers, ts
from storage.schema import metadata


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


# ---------------------------------------------------------------- migration 5: results sealed
def _v4_database(url: str, key) -> dict[str, str]:
    """A database built at migration 4 with rows inserted through that era's schema: clear
    results from the real scoring (stored before `suggested` existed) and a hand-made v2 one."""
    from patients import BACK_EN, MIGRAINE_ES

    from scoring import score

    ring = KeyRing([key], "test")
    engine = make_engine(url)
    assert migrate(engine, upto=4) == [1, 2, 3, 4]
    when = datetime(2026, 11, 20, 10, tzinfo=UTC)
    docs = {"migraine": {**MIGRAINE_ES, "safety.pregnant": "pregnant"}, "back": BACK_EN, "tension": None,
            "unscored": None}
    ids = {}
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete=OFF")  # as the version-4 app wrote its files
        for n, (label, answers) in enumerate(docs.items()):
            sid = ids[label] = f"{n:032d}"
            answers = answers or {"patient.name": f"Patient {label}", "patient.birth_date": "1950-01-01"}
            conn.execute(text(
                "INSERT INTO submissions (id, submitted_at, stored_at, language, questionnaire_version,"
                " key_id, answers_enc, patient_key) VALUES (:id, :at, :at, :lang, 'q4', :kid, :enc, NULL)"),
                {"id": sid, "at": ts(when + timedelta(minutes=n)),
                 "lang": answers.get("patient.language", "en"), "kid": key.id,
                 "enc": seal_answers(ring, sid, answers)})
            if label == "unscored":
                continue
            if label == "tension":
                result = {"triage": "routine", "rules_version": "r2", "red_flags": [], "safety": [],
                          "notes": [], "indications": [
                              {"id": "tension_type_headache", "match": "strong", "reasons": []},
                              {"id": "myofascial_pain", "match": "possible", "reasons": []}]}
            else:
                result = score(answers, when.date()).to_dict()
                for ind in result["indications"]:  # stored before v3: no `suggested` yet
                    ind.pop("suggested", None)
                    ind.pop("evidence_direction", None)
            conn.execute(text("INSERT INTO results (submission_id, scored_at, rules_version, triage,"
                              " result_json) VALUES (:id, :at, :v, :triage, :json)"),
                         {"id": sid, "at": ts(when), "v": result["rules_version"], "triage": result["triage"],
                          "json": json.dumps(result, ensure_ascii=False)})
        conn.execute(text("INSERT INTO reviews (submission_id, username, reviewed_at)"
                          " VALUES (:id, 'dr.old', :at)"),
                     {"id": ids["back"], "at": ts(when)})
    engine.dispose()
    return ids


def _texts(value) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) and " " in value else []  # sentences, not ids


def test_migration_5_seals_the_results_of_a_version_4_database_and_fills_the_list_columns(url, tmp_path):
    key = new_key()
    ids = _v4_database(url, key)
    engine = make_engine(url)
    with engine.connect() as conn:
        before = {r.submission_id: json.loads(r.result_json)
                  for r in conn.execute(text("SELECT submission_id, result_json FROM results"))}
    engine.dispose()
    pregnancy = next(f["text"] for f in before[ids["migraine"]]["safety"] if f["id"] == "safety.pregnant")
    assert "pregnant" in pregnancy  # the clear database held it
    store = open_store(Settings(database_url=url, key_file=str(tmp_path / "unused"),
                                encryption_keys=format_keys([key])))
    assert schema_version(store.engine) == LATEST
    for label, sid in ids.items():  # every result reads back exactly as it was stored
        got = store.get_submission(sid)
        assert (got.result.as_stored() if got.result else None) == before.get(sid), label
    with store.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("results")}
        clear = {r.submission_id: r for r in conn.execute(text(
            "SELECT submission_id, triage, suggested, red_flags_urgent, red_flags_review, contraindications,"
            " precautions, clarify, key_id FROM results"))}
    assert "result_json" not in columns and {"result_enc", "suggested", "contraindications"} <= columns
    assert clear[ids["migraine"]].suggested == " chronic_migraine "  # derived by the v3 rule
    assert clear[ids["back"]].suggested == " low_back_pain "
    assert clear[ids["tension"]].suggested == " myofascial_pain "  # tension-type: never suggested
    assert clear[ids["migraine"]].precautions >= 1 and {r.key_id for r in clear.values()} == {key.id}
    page = store.list_page(None, None, indication="chronic_migraine")
    assert [r.id for r in page.rows] == [ids["migraine"]] and page.rows[0].name == "María José Peña"
    found = store.list_page(None, None, name_query="patient unscored").rows
    assert [r.id for r in found] == [ids["unscored"]]
    assert store.list_page(None, None, reviewed=True).rows[0].reviewed_by == "dr.old"
    assert migrate(store.engine, ring=store.ring) == []  # applied once
    store.close()
    if url.startswith("sqlite"):
        from tests.test_storage_crypto import assert_nothing_readable
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("screener.db*"))
        assert_nothing_readable(raw, ["pregnant", pregnancy, "María José Peña",
                                      *_texts(before[ids["migraine"]]["indications"])])


def test_a_version_4_database_with_data_is_not_upgraded_without_its_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'screener.db'}"
    _v4_database(url, new_key())
    with pytest.raises(StoreError, match="no encryption key is configured"):
        open_store(Settings(database_url=url, key_file=str(tmp_path / "missing.key")))
    engine = make_engine(url)
    assert schema_version(engine) == 4  # nothing half-done: still the version-4 database
    engine.dispose()
