"""The list behind today's page: filters in SQL, order, pages, counts, and what it decrypts.

Results here are written by hand in the shape of the clinical contract (v3, and v2 for stored
results without `suggested`), so each row's expected flags are known from the text.
Run on a real SQLite file and a real PostgreSQL server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select, update

from clinic.config import Settings
from storage import NewSubmission, StoreError, open_store
from storage.listing import result_columns, suggested_ids
from storage.schema import results, submissions
from vocabulary import FIXED_DIRECTION as DIRECTION

DAY = datetime(2026, 11, 24, tzinfo=UTC)
NEXT = DAY + timedelta(days=1)


def indication(id_, match, suggested=None, direction=None):
    entry = {"id": id_, "match": match}
    if suggested is not None:
        entry["suggested"] = suggested
    if direction is not None:
        entry["evidence_direction"] = direction
    return entry


def result(triage, red=(), safety=(), indications=()) -> dict:
    return {
        "triage": triage,
        "indications": list(indications),
        "red_flags": [
            {"id": i, "level": lvl, "answer": "yes", "items": [i], "text": f"{i} text"} for i, lvl in red
        ],
        "safety": [{"id": i, "level": lvl, "text": f"{i}: reason"} for i, lvl in safety],
        "notes": [],
        "peg": 5.0,
        "rules_version": "r-test",
    }


# name, minutes after 08:00, language, result (None: not scored), reviewed
PATIENTS = {
    "thunder": ("Ana Trueno", 10, "es", result("urgent", red=[("rf.thunderclap", "urgent")]), False),
    "allergy": (
        "Bob Allergy",
        20,
        "en",
        result("review", safety=[("safety.toxin_allergy", "contraindication")]),
        False,
    ),
    # a v2 result: routine although there is a contraindication (v3 would raise it to review)
    "v2_routine_ci": (
        "Carla Old",
        30,
        "en",
        result(
            "routine",
            safety=[("safety.toxin_allergy", "contraindication")],
            indications=[indication("chronic_migraine", "strong")],
        ),
        True,
    ),
    "migraine": (
        "Dan Migraña",
        40,
        "es",
        result(
            "routine",
            indications=[
                indication("chronic_migraine", "strong", True, "effective"),
                indication("tension_type_headache", "unlikely", False, "probably_ineffective"),
            ],
        ),
        False,
    ),
    "tension": (
        "Eve Tension",
        50,
        "en",
        result(
            "routine",
            indications=[indication("tension_type_headache", "strong", False, "probably_ineffective")],
        ),
        True,
    ),
    "unsure_neuro": (
        "Fay Unsure",
        60,
        "en",
        result(
            "review",
            red=[("rf.neuro", "review")],
            safety=[("safety.pregnant", "precaution"), ("safety.swallow_breath", "clarify")],
        ),
        False,
    ),
    "unscored": ("Gus Pending", 70, "en", None, False),
    "yesterday": ("Hal Ayer", -600, "en", result("urgent", red=[("rf.thunderclap", "urgent")]), False),
}


@pytest.fixture
def store(url, tmp_path):
    opened = open_store(Settings(database_url=url, key_file=str(tmp_path / "key")))
    yield opened
    opened.close()


@pytest.fixture
def clinic(store):
    """The PATIENTS stored; returns {label: id}."""
    ids = {}
    for label, (name, minutes, language, res, reviewed) in PATIENTS.items():
        ids[label] = store.save_submission(
            NewSubmission(
                answers={
                    "patient.name": name,
                    "patient.birth_date": "1970-05-01",
                    "visit.concern": "private",
                },
                language=language,
                questionnaire_version="q",
                submitted_at=DAY + timedelta(hours=8, minutes=minutes),
                result=res,
                rules_version=res and "r-test",
            )
        )
        if reviewed:
            store.mark_reviewed(ids[label], "dr.lee")
    return ids


def labels(page, ids) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[r.id] for r in page.rows]


def test_the_day_is_urgent_first_then_review_and_unscored_then_routine_newest_first(store, clinic):
    page = store.list_page(DAY, NEXT)
    assert labels(page, clinic) == [
        "thunder",
        "unscored",
        "unsure_neuro",
        "allergy",
        "tension",
        "migraine",
        "v2_routine_ci",
    ]
    assert (page.total, page.urgent, page.not_reviewed, page.page, page.pages) == (7, 1, 5, 0, 1)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"triage": "urgent"}, ["thunder"]),
        (
            {"triage": ["review", "routine"]},
            ["unsure_neuro", "allergy", "tension", "migraine", "v2_routine_ci"],
        ),
        ({"language": "es"}, ["thunder", "migraine"]),
        ({"warning_signs": True}, ["thunder", "unsure_neuro"]),
        ({"safety": "contraindication"}, ["allergy", "v2_routine_ci"]),
        ({"safety": ["precaution", "clarify"]}, ["unsure_neuro"]),
        # v3 says so; the v2 result is read by the v3 rule (strong, effective): suggested
        ({"indication": "chronic_migraine"}, ["migraine", "v2_routine_ci"]),
        ({"indication": "tension_type_headache"}, []),  # strong but probably ineffective: never suggested
        ({"reviewed": True}, ["tension", "v2_routine_ci"]),
        ({"reviewed": False}, ["thunder", "unscored", "unsure_neuro", "allergy", "migraine"]),
        ({"warning_signs": True, "language": "en"}, ["unsure_neuro"]),
        ({"name_query": "MIGRANA"}, ["migraine"]),  # accents and case ignored
        ({"name_query": "a tr"}, ["thunder"]),  # every word must be in the name
        ({"name_query": "L", "safety": "contraindication"}, ["allergy", "v2_routine_ci"]),
        ({"name_query": "nobody"}, []),
    ],
)
def test_filters_are_applied_in_the_database(store, clinic, filters, expected):
    page = store.list_page(DAY, NEXT, **filters)
    assert labels(page, clinic) == expected
    assert page.total == len(expected)
    assert page.urgent == sum(label == "thunder" for label in expected)


def test_pages_split_the_same_order_and_count_every_match(store, clinic):
    whole = labels(store.list_page(DAY, NEXT), clinic)
    pages = [store.list_page(DAY, NEXT, page=n, page_size=3) for n in range(3)]
    assert [p.pages for p in pages] == [3, 3, 3] and {p.total for p in pages} == {7}
    assert [label for p in pages for label in labels(p, clinic)] == whole
    beyond = store.list_page(DAY, NEXT, page=99, page_size=3)
    assert beyond.page == 2 and labels(beyond, clinic) == whole[6:]  # clamped to the last page
    searched = [store.list_page(DAY, NEXT, name_query="a", page=n, page_size=2) for n in range(2)]
    assert [label for p in searched for label in labels(p, clinic)] == [
        w for w in whole if "a" in PATIENTS[w][0].lower()
    ][:4]


def test_a_row_names_its_flags_from_its_own_decrypted_result(store, clinic):
    rows = {r.id: r for r in store.list_page(DAY, NEXT).rows}
    neuro = rows[clinic["unsure_neuro"]]
    assert (neuro.name, neuro.birth_date, neuro.triage, neuro.language) == (
        "Fay Unsure",
        "1970-05-01",
        "review",
        "en",
    )
    assert (
        neuro.red_flags_urgent,
        neuro.red_flags_review,
        neuro.contraindications,
        neuro.precautions,
        neuro.clarify,
    ) == (0, 1, 0, 1, 1)
    assert [f["text"] for f in neuro.result.as_stored()["red_flags"]] == ["rf.neuro text"]
    assert rows[clinic["v2_routine_ci"]].suggested == ("chronic_migraine",)
    assert rows[clinic["v2_routine_ci"]].reviewed_by == "dr.lee"
    pending = rows[clinic["unscored"]]
    assert (pending.triage, pending.result, pending.suggested, pending.red_flags_urgent) == (
        None,
        None,
        (),
        0,
    )
    assert "Fay" not in repr(neuro) and "rf.neuro" not in repr(neuro)  # a logged row leaks nothing


def test_the_list_never_opens_answers_and_opens_only_the_pages_results(store, clinic):
    """Every answers blob, and the results of rows off the page, made unreadable: the list still works."""
    with store.engine.begin() as conn:
        conn.execute(update(submissions).values(answers_enc=b"\x01\x02k1garbage-not-a-ciphertext"))
    first = store.list_page(DAY, NEXT, page_size=2)
    off_page = [sid for sid in clinic.values() if sid not in {r.id for r in first.rows}]
    with store.engine.begin() as conn:
        conn.execute(
            update(results)
            .where(results.c.submission_id.in_(off_page))
            .values(result_enc=b"\x01\x02k1garbage")
        )
        conn.execute(
            update(submissions).where(submissions.c.id.in_(off_page)).values(patient_enc=b"\x01\x02k1garbage")
        )
    again = store.list_page(DAY, NEXT, page_size=2)
    assert [r.id for r in again.rows] == [r.id for r in first.rows] and again.total == 7
    assert again.rows[0].result.red_flags[0].id == "rf.thunderclap"
    with pytest.raises(StoreError):
        store.list_page(DAY, NEXT, page=1, page_size=2)  # those rows' values were destroyed


def test_a_name_search_opens_names_but_no_result_of_the_range(store, clinic):
    with store.engine.begin() as conn:
        conn.execute(
            update(results)
            .where(results.c.submission_id != clinic["migraine"])
            .values(result_enc=b"\x01\x02k1garbage")
        )
    page = store.list_page(DAY, NEXT, name_query="dan")
    assert labels(page, clinic) == ["migraine"] and page.rows[0].suggested == ("chronic_migraine",)


def test_the_latest_result_is_the_one_listed(store, clinic):
    store.save_result(clinic["migraine"], result("urgent", red=[("rf.fever_stiff_neck", "urgent")]), "r-2")
    page = store.list_page(DAY, NEXT, triage="urgent")
    assert labels(page, clinic) == ["migraine", "thunder"]  # newest first among the urgent
    assert page.rows[0].rules_version == "r-2" and page.rows[0].suggested == ()


def test_urgent_arrivals_are_urgent_submissions_stored_after_a_moment(store, clinic):
    from storage.rows import parse_ts

    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(submissions.c.id, submissions.c.stored_at)).all())
    assert set(store.urgent_arrivals(DAY - timedelta(days=3650))) == {clinic["thunder"], clinic["yesterday"]}
    after = parse_ts(stored[clinic["yesterday"]])
    assert store.urgent_arrivals(after) == ([clinic["thunder"]] if stored[clinic["thunder"]] > stored[
        clinic["yesterday"]] else [])
    late = store.save_submission(NewSubmission(  # visited yesterday, saved (held by the kiosk) just now
        answers={"patient.name": "Late Arrival"}, language="en", questionnaire_version="q",
        submitted_at=DAY - timedelta(days=1), result=result("urgent", red=[("rf.thunderclap", "urgent")]),
        rules_version="r-test"))
    newest = max(parse_ts(v) for v in stored.values())
    assert store.urgent_arrivals(newest) == [late]
    store.save_result(clinic["migraine"], result("urgent"), "r-2")  # a rescore is never an arrival
    assert store.urgent_arrivals(newest) == [late]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"triage": "critical"}, "triage: 'critical' is not allowed; allowed: urgent, review, routine"),
        ({"safety": ["precaution", "maybe"]}, "safety: 'maybe' is not allowed"),
        ({"indication": "migraine"}, "indication: 'migraine' is not allowed"),
        ({"language": "fr"}, "language: 'fr' is not allowed; allowed: en, es"),
        ({"page_size": 0}, "page_size must be a whole number from 1 to 500"),
        ({"page": "2"}, "page must be a whole number"),
    ({"since": DAY.date()}, "since must be a datetime"),
    ],
)
def test_bad_filters_are_refused_naming_the_filter(store, filters, message):
    args = {"since": DAY, "until": NEXT, **filters}
    with pytest.raises(StoreError, match=message):
        store.list_page(**args)


# ------------------------------------------------------------ the clear columns, from the contract
@pytest.mark.parametrize(
    ("indications", "expected"),
    [
        # v3 results say `suggested` themselves
        (
            [
                indication("chronic_migraine", "strong", True, "effective"),
                indication("tension_type_headache", "possible", False, "probably_ineffective"),
            ],
            ["chronic_migraine"],
        ),
        ([indication("low_back_pain", "possible", True, "possibly_effective")], ["low_back_pain"]),
        # v2 results: strong or possible, and the direction is not probably ineffective
        (
            [
                indication("tension_type_headache", "strong"),
                indication("myofascial_pain", "possible"),
                indication("cervical_dystonia", "possible"),
                indication("low_back_pain", "unlikely"),
            ],
            ["myofascial_pain", "cervical_dystonia"],
        ),
        ([indication("chronic_migraine", "unlikely")], []),
        ([], []),
    ],
)
def test_suggested_indications_follow_the_contract(indications, expected):
    assert suggested_ids({"indications": indications}) == expected


def test_counts_come_from_the_levels_of_the_flags():
    res = result(
        "review",
        red=[("rf.thunderclap", "urgent"), ("rf.neuro", "review"), ("rf.cancer", "review")],
        safety=[
            ("safety.toxin_allergy", "contraindication"),
            ("safety.pregnant", "precaution"),
            ("safety.blood_thinner", "precaution"),
            ("safety.neuromuscular", "clarify"),
        ],
        indications=[indication("low_back_pain", "strong"), indication("chronic_migraine", "possible")],
    )
    assert result_columns(res) == {
        "triage": "review",
        "red_flags_urgent": 1,
        "red_flags_review": 2,
        "contraindications": 1,
        "precautions": 2,
        "clarify": 1,
        "suggested": " low_back_pain chronic_migraine ",
    }


# ------------------------------------------------------------ the SQL filters against a plain reading
level = st.sampled_from(["urgent", "review"])
safety_level = st.sampled_from(["contraindication", "precaution", "clarify"])
a_result = st.none() | st.builds(
    lambda triage, red, safety, matches: result(
        triage, red=[(f"rf.x{i}", lvl) for i, lvl in enumerate(red)],
        safety=[(f"safety.x{i}", lvl) for i, lvl in enumerate(safety)],
        indications=[indication(i, m) for i, m in matches]),
    st.sampled_from(["urgent", "review", "routine"]), st.lists(level, max_size=3),
    st.lists(safety_level, max_size=3),
    st.lists(st.tuples(st.sampled_from(list(DIRECTION)), st.sampled_from(["strong", "possible", "unlikely"])),
             max_size=3, unique_by=lambda t: t[0]))
a_visit = st.tuples(a_result, st.sampled_from(["en", "es"]), st.booleans(), st.integers(0, 600))
filters = st.fixed_dictionaries({}, optional={
    "triage": st.lists(st.sampled_from(["urgent", "review", "routine"]), min_size=1, unique=True),
    "indication": st.lists(st.sampled_from(list(DIRECTION)), min_size=1, unique=True),
    "language": st.sampled_from(["en", "es"]), "warning_signs": st.booleans(),
    "safety": st.lists(safety_level, min_size=1, unique=True), "reviewed": st.booleans()})


def plain_reading(res, language, reviewed, f) -> bool:
    """The filters as the store documents them, read straight from the result."""
    red = res["red_flags"] if res else []
    levels = {s["level"] for s in res["safety"]} if res else set()
    return ((not f.get("triage") or (res and res["triage"] in f["triage"]))
            and (not f.get("indication") or bool(set(f["indication"]) & set(suggested_ids(res))))
            and f.get("language", language) == language
            and (not f.get("warning_signs") or bool(red))
            and (not f.get("safety") or bool(levels & set(f["safety"])))
            and f.get("reviewed", reviewed) == reviewed)


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits=st.lists(a_visit, max_size=12), chosen=st.lists(filters, min_size=1, max_size=4))
def test_the_sql_filters_keep_exactly_what_the_result_says(tmp_path_factory, visits, chosen):
    folder = tmp_path_factory.mktemp("prop")
    store = open_store(Settings(database_url=f"sqlite:///{folder / 'p.db'}", key_file=str(folder / "key")))
    try:
        kept = []
        for res, language, reviewed, minute in visits:
            sid = store.save_submission(NewSubmission(
                answers={"patient.name": "P"}, language=language, questionnaire_version="q",
                submitted_at=DAY + timedelta(minutes=minute), result=res, rules_version=res and "r"))
            if reviewed:
                store.mark_reviewed(sid, "dr.lee")
            kept.append((sid, res, language, reviewed))
        for f in chosen:
            pages = store.list_page(DAY, NEXT, page_size=5, **f).pages
            found = [r.id for n in range(pages)
                     for r in store.list_page(DAY, NEXT, page=n, page_size=5, **f).rows]
            expected = {sid for sid, res, lang, rev in kept if plain_reading(res, lang, rev, f)}
            assert len(found) == len(set(found)) and set(found) == expected, f
    finally:
        store.close()


def test_a_sessions_memo_of_opened_rows_is_used_refreshed_and_follows_a_rescore(store, clinic):
    """``opened`` (a browser session's memo): rows still on the page are not decrypted again;
    it holds the last page's rows only; a re-score (a new result row) is opened afresh."""
    opened: dict = {}
    first = store.list_page(DAY, NEXT, page_size=3, opened=opened)
    assert first == store.list_page(DAY, NEXT, page_size=3)  # the same rows as without a memo
    assert {sid for sid, _ in opened} == {r.id for r in first.rows} and len(opened) == 3
    page_ids, neuro = [r.id for r in first.rows], clinic["unsure_neuro"]
    with store.engine.begin() as conn:  # the page's sealed values destroyed: only the memo has them
        sealed_name = conn.execute(select(submissions.c.patient_enc)
                                   .where(submissions.c.id == neuro)).scalar()
        conn.execute(update(results).where(results.c.submission_id.in_(page_ids)).values(result_enc=b"\x01\x02k1x"))
        conn.execute(update(submissions).where(submissions.c.id.in_(page_ids)).values(patient_enc=b"\x01\x02k1x"))
    again = store.list_page(DAY, NEXT, page_size=3, opened=opened)
    assert again == first
    with pytest.raises(StoreError):
        store.list_page(DAY, NEXT, page_size=3)  # without the memo they are opened, and fail
    with store.engine.begin() as conn:  # its name readable again, then re-scored: a new result row
        conn.execute(update(submissions).where(submissions.c.id == neuro).values(patient_enc=sealed_name))
    store.save_result(neuro, result("urgent", red=[("rf.thunderclap", "urgent")]), "r-test")
    rescored = {r.id: r for r in store.list_page(DAY, NEXT, page_size=3, opened=opened).rows}[neuro]
    assert (rescored.triage, rescored.rescored) == ("urgent", True)
    assert rescored.result.red_flags[0].id == "rf.thunderclap"
    assert rescored.name == PATIENTS["unsure_neuro"][0]  # its name was opened afresh with the new result
    store.list_page(DAY, NEXT, page=2, page_size=3, opened=opened)
    assert {sid for sid, _ in opened} == {clinic["v2_routine_ci"]}  # the last page's rows only
