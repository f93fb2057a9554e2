"""Void, undo "reviewed", medical record numbers, visit links and migration 8, on a real SQLite
file and a real PostgreSQL server (tests/pg.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from clinic.config import Settings
from storage import NewSubmission, Store, StoreError, open_store
from storage.corrections import normal_mrn
from storage.crypto import KeyRing, format_keys, new_key
from storage.engine import make_engine
from storage.migrations import CORRECTIONS, migrate
from storage.opening import rotate
from storage.schema import audit_events, record_numbers, reviews, voids

DAY = datetime(2026, 11, 24, 9, tzinfo=UTC)
ANA = {"patient.name": "Ana Núñez", "patient.birth_date": "1980-02-03", "ha.days": 20}


@pytest.fixture
def store(url, tmp_path):
    opened = open_store(Settings(database_url=url, key_file=str(tmp_path / "key")))
    yield opened
    opened.close()


def submit(store, answers=ANA, when=DAY) -> str:
    return store.save_submission(NewSubmission(answers=answers, language="en", questionnaire_version="q",
                                               submitted_at=when))


def raw(store, table):
    with store.engine.connect() as conn:
        return conn.execute(select(table)).all()


# ---------------------------------------------------------------- void
def test_a_voided_submission_is_kept_hidden_by_default_and_listed_on_request(store):
    kept, wrong = submit(store), submit(store, when=DAY + timedelta(minutes=5))
    void = store.void_submission(wrong, "dr.a", "test entry by the nurse: Ana's sister")
    assert (void.voided_by, void.reason) == ("dr.a", "test entry by the nurse: Ana's sister")
    assert store.get_submission(wrong).void.reason == void.reason  # still stored, readable
    assert [r.id for r in store.list_page(None, None).rows] == [kept]
    assert [(r.id, r.void) for r in store.list_page(None, None, voided=True).rows] == [(wrong, True)]
    assert {r.id for r in store.list_page(None, None, voided=None).rows} == {kept, wrong}
    assert store.list_page(None, None, voided=None).total == 2


def test_the_void_reason_is_sealed_at_rest(store):
    sid = submit(store)
    store.void_submission(sid, "dr.a", "ZEBULON wrong patient")
    (row,) = raw(store, voids)
    assert b"ZEBULON" not in bytes(row.reason_enc)
    assert store.void_of(sid).reason == "ZEBULON wrong patient"


@pytest.mark.parametrize(("reason", "says"), [("", "must not be empty"), ("   ", "must not be empty"),
                                              ("x" * 501, "at most 500"), ("bad \ud800", "lone surrogate")])
def test_a_bad_void_reason_is_refused_naming_the_field_and_nothing_changes(store, reason, says):
    sid = submit(store)
    with pytest.raises(StoreError, match=says) as err:
        store.void_submission(sid, "dr.a", reason)
    assert "void reason" in str(err.value)
    assert store.get_submission(sid).void is None


def test_void_twice_or_an_unknown_submission_is_refused(store):
    sid = submit(store)
    store.void_submission(sid, "dr.a", "duplicate")
    with pytest.raises(StoreError, match="already void"):
        store.void_submission(sid, "dr.b", "again")
    with pytest.raises(StoreError, match="no submission"):
        store.void_submission("nope", "dr.a", "x")
    assert store.void_of(sid).voided_by == "dr.a"


# ---------------------------------------------------------------- undo reviewed
def test_undo_reviewed_appends_a_row_and_the_newest_row_decides(store):
    other = submit(store, when=DAY - timedelta(minutes=1))
    store.mark_reviewed(other, "dr.z")  # another submission's review never counts for this one
    sid = submit(store)
    store.mark_reviewed(sid, "dr.a")
    assert store.list_page(None, None, reviewed=True).total == 2
    store.undo_review(sid, "dr.b")
    sub = store.get_submission(sid)
    assert sub.reviewed_by is None
    assert [r.id for r in store.list_page(None, None, reviewed=False).rows] == [sid]
    assert store.list_page(None, None).not_reviewed == 1
    assert {r.id: r.reviewed_by for r in store.list_page(None, None).rows} == {sid: None, other: "dr.z"}
    store.mark_reviewed(sid, "dr.c")
    assert store.get_submission(sid).reviewed_by == "dr.c"
    assert [(r.username, bool(r.undone)) for r in raw(store, reviews) if r.submission_id == sid] == [
        ("dr.a", False), ("dr.b", True), ("dr.c", False)]


def test_undo_without_a_review_is_refused(store):
    sid = submit(store)
    with pytest.raises(StoreError, match="not marked reviewed"):
        store.undo_review(sid, "dr.a")
    store.mark_reviewed(sid, "dr.a")
    store.undo_review(sid, "dr.a")
    with pytest.raises(StoreError, match="not marked reviewed"):
        store.undo_review(sid, "dr.a")


# ---------------------------------------------------------------- MRN
@pytest.mark.parametrize(("typed", "stored"), [("ab-123", "AB-123"), (" 42 ", "42"), ("A" * 20, "A" * 20),
                                               ("x1", "X1")])
def test_good_mrns_are_stored_in_upper_case(typed, stored):
    assert normal_mrn(typed) == stored


@pytest.mark.parametrize("typed", ["", "  ", "A" * 21, "-12", "12-", "12 34", "12/34", "ñ12", None])
def test_bad_mrns_are_refused_naming_the_field(typed):
    with pytest.raises(StoreError, match=r"medical record number \(MRN\): 1 to 20 letters"):
        normal_mrn(typed)


def test_an_mrn_is_sealed_found_by_its_hash_and_a_newer_one_replaces_it(store):
    first, second, other = submit(store), submit(store, when=DAY + timedelta(days=30)), submit(store)
    assert store.attach_mrn(first, "mrn-777", "dr.a") == "MRN-777"
    store.attach_mrn(second, "MRN-777", "dr.a")
    store.attach_mrn(other, "MRN-900", "dr.a")
    stored = raw(store, record_numbers)
    assert all(b"MRN-777" not in bytes(r.mrn_enc) and "777" not in r.mrn_key for r in stored)
    assert [v.id for v in store.visits_by_mrn("mrn-777")] == [first, second]
    store.attach_mrn(second, "MRN-900", "dr.b")  # a correction: the newest attachment counts
    assert [v.id for v in store.visits_by_mrn("MRN-777")] == [first]
    assert store.mrn_of(second) == "MRN-900" and store.get_submission(second).mrn == "MRN-900"
    assert len(raw(store, record_numbers)) == 4  # every attachment kept


def test_a_bad_mrn_changes_nothing(store):
    sid = submit(store)
    with pytest.raises(StoreError, match="MRN"):
        store.attach_mrn(sid, "12 34", "dr.a")
    assert store.mrn_of(sid) is None and raw(store, record_numbers) == []


# ---------------------------------------------------------------- visit history and links
def test_name_and_birth_date_matches_are_suggested_until_linked(store):
    last_month = submit(store, when=DAY - timedelta(days=30))
    stranger = submit(store, {**ANA, "patient.birth_date": "1981-02-03"}, DAY - timedelta(days=20))
    today = submit(store, {**ANA, "patient.name": "ana  NÚÑEZ"})
    history = store.visit_history(store.get_submission(today))
    assert [v.id for v in history.confirmed] == [today]
    assert [v.id for v in history.suggested] == [last_month]
    assert stranger not in {v.id for v in history.suggested}
    store.link_visits(today, [last_month], "mrn-5", "dr.a")
    history = store.visit_history(store.get_submission(today))
    assert [v.id for v in history.confirmed] == [last_month, today] and history.suggested == ()


def test_a_visit_under_another_mrn_or_voided_is_not_suggested(store):
    old, voided = submit(store, when=DAY - timedelta(days=60)), submit(store, when=DAY - timedelta(days=30))
    store.attach_mrn(old, "A-1", "dr.a")
    store.void_submission(voided, "dr.a", "wrong patient")
    today = submit(store)
    store.attach_mrn(today, "B-2", "dr.a")
    history = store.visit_history(store.get_submission(today))
    assert [v.id for v in history.confirmed] == [today] and history.suggested == ()


def test_an_earlier_visit_with_an_mrn_is_suggested_to_a_new_one_without(store):
    old = submit(store, when=DAY - timedelta(days=30))
    store.attach_mrn(old, "A-1", "dr.a")
    today = submit(store)
    assert [v.id for v in store.visit_history(store.get_submission(today)).suggested] == [old]


def test_linking_checks_every_id_first_and_writes_nothing_on_a_bad_one(store):
    sid = submit(store)
    with pytest.raises(StoreError, match="no submission"):
        store.link_visits(sid, ["missing"], "A-1", "dr.a")
    assert raw(store, record_numbers) == []


# ---------------------------------------------------------------- migration 8
def test_migration_8_upgrades_a_version_7_database_with_rows(url):
    ring = KeyRing([new_key()], "test")
    engine = make_engine(url)
    assert migrate(engine, upto=7) == [1, 2, 3, 4, 5, 6, 7]
    old = Store(engine, ring)
    reviewed, plain = submit(old), submit(old, when=DAY + timedelta(minutes=1))
    with engine.begin() as conn:  # the v7 reviews table: no `undone` column
        conn.execute(text("INSERT INTO reviews (submission_id, username, reviewed_at) "
                          "VALUES (:s, 'dr.old', '2026-11-24T10:00:00.000000Z')"), {"s": reviewed})
        conn.execute(insert(audit_events).values(at="2026-11-24T09:00:00.000000Z", actor="a", action="x",
                                                 target=""))
    assert migrate(engine, upto=CORRECTIONS, ring=ring) == [CORRECTIONS]
    assert migrate(engine, upto=CORRECTIONS, ring=ring) == []
    migrate(engine, ring=ring)  # and any later migration, before today's Store reads it
    store = Store(engine, ring)
    assert store.get_submission(reviewed).reviewed_by == "dr.old"  # the old row reads as reviewed
    assert store.list_page(None, None).total == 2 and store.list_page(None, None).not_reviewed == 1
    store.undo_review(reviewed, "dr.a")
    store.void_submission(plain, "dr.a", "test")
    store.attach_mrn(reviewed, "M-1", "dr.a")
    assert store.list_page(None, None).total == 1 and store.mrn_of(reviewed) == "M-1"
    engine.dispose()


def test_key_rotation_reseals_void_reasons_and_mrns_and_rekeys_the_lookup(tmp_path):
    def opened(*keys):
        return open_store(Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}",
                                   key_file=str(tmp_path / "k"), encryption_keys=format_keys(list(keys))))

    old, fresh = new_key(), new_key()
    store = opened(old)
    voided, linked = submit(store), submit(store, when=DAY + timedelta(days=1))
    store.void_submission(voided, "dr.a", "wrong patient")
    store.attach_mrn(linked, "R-9", "dr.a")
    store.close()
    both = opened(fresh, old)
    rotate(both)
    assert {r.key_id for r in raw(both, voids)} == {r.key_id for r in raw(both, record_numbers)} == {fresh.id}
    both.close()
    only_new = opened(fresh)  # the old key is gone: everything still opens and is found
    try:
        assert only_new.void_of(voided).reason == "wrong patient"
        assert [v.id for v in only_new.visits_by_mrn("R-9")] == [linked]
    finally:
        only_new.close()
