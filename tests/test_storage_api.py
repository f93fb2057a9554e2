"""The Store's interface, run against a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from clinic.config import Settings
from storage import NewSubmission, Store, StoreError, open_store

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
RESULT = {"triage": "review", "indications": [], "red_flags": [], "safety": [], "notes": [], "peg": 6.3,
          "rules_version": "rules-1"}


def answers(name="Ana María López", birth="1971-03-09", **more) -> dict:
    return {"patient.name": name, "patient.birth_date": birth, "patient.sex": "female",
            "patient.language": "es", "visit.concern": "Dolor de cabeza\ncasi diario", **more}


def new(at=T0, result=None, **kw) -> NewSubmission:
    return NewSubmission(answers=answers(**kw), language="es", questionnaire_version="q-2026.1",
                         submitted_at=at, result=result, rules_version=result and "rules-1")


@pytest.fixture
def settings(url, tmp_path) -> Settings:
    return Settings(database_url=url, key_file=str(tmp_path / "keys" / "secret.key"))


@pytest.fixture
def store(settings) -> Store:
    s = open_store(settings)
    yield s
    s.close()


def test_a_saved_submission_reads_back_exactly(store):
    sid = store.save_submission(new(result=RESULT))
    got = store.get_submission(sid)
    assert (got.id, got.answers, got.language, got.questionnaire_version) == (
        sid, answers(), "es", "q-2026.1")
    assert (got.submitted_at, got.result.as_stored(), got.rules_version, got.triage) == (
        T0, RESULT, "rules-1", "review")
    assert (got.name, got.birth_date, got.reviewed_by, got.comments) == (
        "Ana María López", "1971-03-09", None, ())


def test_unknown_id_is_none(store):
    assert store.get_submission("0" * 32) is None


def test_the_same_answers_twice_are_two_submissions(store):
    ids = {store.save_submission(new()) for _ in range(3)}
    assert len(ids) == 3 and all(len(i) == 32 for i in ids)
    assert {s.id for s in store.list_submissions()} == ids


@pytest.mark.parametrize(("since", "until", "expected"), [
    (None, None, [3, 2, 1, 0]),
    (T0 + timedelta(hours=1), None, [3, 2, 1]),
    (None, T0 + timedelta(hours=2), [1, 0]),
    (T0 + timedelta(hours=1), T0 + timedelta(hours=3), [2, 1]),
    (T0 + timedelta(days=1), None, []),
])
def test_list_is_newest_first_within_since_until(store, since, until, expected):
    ids = [store.save_submission(new(at=T0 + timedelta(hours=h))) for h in (0, 2, 1, 3)]
    by_hour = dict(zip((0, 2, 1, 3), ids, strict=True))
    assert [s.id for s in store.list_submissions(since, until)] == [by_hour[h] for h in expected]


def test_rescoring_appends_and_the_latest_wins(store):
    sid = store.save_submission(new(result=RESULT))
    later = {**RESULT, "triage": "urgent", "rules_version": "rules-2"}
    store.save_result(sid, later, "rules-2")
    got = store.get_submission(sid)
    assert (got.result.as_stored(), got.rules_version, got.triage) == (later, "rules-2", "urgent")
    assert [r["rules_version"] for r in store.results_of(sid)] == ["rules-1", "rules-2"]
    assert store.results_of(sid)[0]["result"].as_stored() == RESULT


def test_unscored_lists_only_submissions_without_a_result(store):
    a = store.save_submission(new(at=T0))
    store.save_submission(new(at=T0 + timedelta(minutes=1), result=RESULT))
    c = store.save_submission(new(at=T0 + timedelta(minutes=2)))
    assert store.unscored() == [a, c]
    store.save_result(a, RESULT, "rules-1")
    assert store.unscored() == [c]
    assert store.get_submission(c).result is None


def test_review_and_comments_are_recorded_never_overwritten(store):
    sid = store.save_submission(new())
    store.mark_reviewed(sid, "dr.ruiz")
    first = store.add_comment(sid, "dr.ruiz", "Consider diary <b>x</b> [link](http://x)")
    second = store.add_comment(sid, "dr.lee", "Edited: headache diary for 1 month")
    got = store.get_submission(sid)
    assert got.reviewed_by == "dr.ruiz" and got.reviewed_at is not None
    assert [(c.version, c.author, c.text) for c in got.comments] == [
        (1, "dr.ruiz", first.text), (2, "dr.lee", second.text)]
    assert first.text == "Consider diary <b>x</b> [link](http://x)"


@pytest.mark.parametrize(("call", "args"), [
    ("save_result", (RESULT, "rules-1")),
    ("mark_reviewed", ("dr.ruiz",)),
    ("add_comment", ("dr.ruiz", "text")),
])
def test_writes_to_an_unknown_submission_are_refused(store, call, args):
    with pytest.raises(StoreError, match="no submission"):
        getattr(store, call)("f" * 32, *args)


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_bad_comment_text_is_refused(store, text):
    sid = store.save_submission(new())
    with pytest.raises(StoreError, match="comment text"):
        store.add_comment(sid, "dr.ruiz", text)


@pytest.mark.parametrize(("name", "birth", "same"), [
    ("Ana María López", "1971-03-09", True),
    ("  ana maría   lópez ", "1971-03-09", True),
    ("ANA MARÍA LÓPEZ", "1971-03-09", True),
    ("Ana Maria Lopez", "1971-03-09", False),  # accents are part of the name
    ("Ana María López", "1971-03-10", False),
    ("Ana López", "1971-03-09", False),
    ("", "1971-03-09", False),
])
def test_visits_of_finds_the_returning_patient(store, name, birth, same):
    first = store.save_submission(new(at=T0))
    store.save_submission(new(at=T0 + timedelta(days=1), name="Other Person"))
    second = store.save_submission(new(at=T0 + timedelta(days=30), name="ana maría lópez"))
    assert [s.id for s in store.visits_of(name, birth)] == ([first, second] if same else [])


def test_users(store):
    store.create_user("dr.ruiz", "$argon2id$hash", "clinician")
    store.create_user("admin", "$argon2id$other", "admin")
    with pytest.raises(StoreError, match="already exists"):
        store.create_user("dr.ruiz", "$argon2id$x", "admin")
    until = T0 + timedelta(minutes=15)
    store.set_login_state("dr.ruiz", 3, until)
    user = store.get_user("dr.ruiz")
    assert (user.role, user.failed_logins, user.locked_until, user.active) == ("clinician", 3, until, True)
    store.set_login_state("dr.ruiz", 0, None)
    assert store.get_user("dr.ruiz").locked_until is None
    assert [u.username for u in store.list_users()] == ["admin", "dr.ruiz"]
    assert store.get_user("nobody") is None
    with pytest.raises(StoreError, match="no user"):
        store.set_login_state("nobody", 1, None)


@pytest.mark.parametrize(("username", "role", "message"), [
    ("dr.x", "nurse", "role must be one of clinician, admin"),
    ("", "admin", "username"),
    (" padded", "admin", "username"),
    ("x" * 65, "admin", "username"),
])
def test_bad_users_are_refused(store, username, role, message):
    with pytest.raises(StoreError, match=message):
        store.create_user(username, "hash", role)


def test_audit_is_newest_first_and_limited(store):
    for i in range(5):
        store.audit("dr.ruiz", "view_submission", f"id-{i}")
    events = store.audit_events(limit=3)
    assert [e.target for e in events] == ["id-4", "id-3", "id-2"]
    assert events[0].actor == "dr.ruiz" and events[0].at.tzinfo is not None


def test_an_over_long_audit_value_is_cut_not_lost(store):
    store.audit("u" * 100, "export", "t" * 500)
    (event,) = store.audit_events()
    assert (event.actor, event.action, event.target) == ("u" * 63 + "…", "export", "t" * 199 + "…")


def test_health_is_empty_when_all_is_well(store):
    store.save_submission(new(result=RESULT))
    assert store.health() == []


def test_health_reports_submissions_waiting_for_a_score(store):
    store.save_submission(new())
    assert store.health() == ["1 submission(s) have no scoring result yet (run: python -m clinic rescore)"]


def test_reopening_keeps_everything(settings):
    first = open_store(settings)
    sid = first.save_submission(new(result=RESULT))
    first.add_comment(sid, "dr.ruiz", "note")
    first.close()
    again = open_store(settings)
    assert again.get_submission(sid).comments[0].text == "note"
    again.close()


@hsettings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=100), text=st.text(max_size=500))
def test_any_text_round_trips_exactly(store, name, text):
    sid = store.save_submission(new(name=name, **{"visit.concern": text}))
    assert store.get_submission(sid).answers == answers(name=name, **{"visit.concern": text})


def test_comments_written_at_once_each_get_their_own_version(store):
    from concurrent.futures import ThreadPoolExecutor

    sid = store.save_submission(new())
    with ThreadPoolExecutor(max_workers=6) as pool:
        made = list(pool.map(lambda i: store.add_comment(sid, f"dr.{i}", f"note {i}"), range(12)))
    assert sorted(c.version for c in made) == list(range(1, 13))
    stored = store.get_submission(sid).comments
    assert sorted((c.version, c.text) for c in stored) == sorted((c.version, c.text) for c in made)


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, sid: s.save_submission(new(name="Ana \ud800 López")), "answers item 'patient.name'"),
    (lambda s, sid: s.save_submission(new(**{"visit.concern": "dolor \udfff"})),
     "answers item 'visit.concern'"),
    (lambda s, sid: s.save_submission(new(**{"pain.regions": ["head", "ne\ud83dck"]})),
     "answers item 'pain.regions'"),
    (lambda s, sid: s.save_submission(new(**{"x\udc80": "yes"})), "answers: an item id"),
    (lambda s, sid: s.save_submission(new(result={**RESULT, "notes": [{"id": "n", "text": "\ud800"}]})),
     "result item 'notes'"),
    (lambda s, sid: s.save_result(sid, {**RESULT, "triage": "rev\ud800"}, "rules-1"), "result item 'triage'"),
    (lambda s, sid: s.add_comment(sid, "dr.ruiz", "call back \udbff"), "comment text"),
    (lambda s, sid: s.create_user("dr.\ud800", "$argon2id$h", "clinician"), "username"),
    (lambda s, sid: s.mark_reviewed(sid, "dr.\ud800"), "username"),
])
def test_a_lone_surrogate_is_refused_naming_the_item_and_nothing_is_written(store, call, message):
    sid = store.save_submission(new(result=RESULT))
    before = (store.list_submissions(), store.results_of(sid), store.list_users())
    with pytest.raises(StoreError, match=f"{message}.*lone surrogate") as refused:
        call(store, sid)
    assert not isinstance(refused.value.__cause__, UnicodeError)
    assert (store.list_submissions(), store.results_of(sid), store.list_users()) == before


def test_an_audit_event_with_a_lone_surrogate_is_kept_with_a_replacement_character(store):
    store.audit("dr.\ud800x", "login_failed", "user \udfff")
    (event,) = store.audit_events()
    assert (event.actor, event.target) == ("dr.\ufffdx", "user \ufffd")
