"""Today's list through AppTest on the real app.py and a real SQLite store: flags and safety named
per row, a contraindication never a plain "Routine" row, the warning-sign and contraindication
filters, pages of 50 with a page-sized picker, and an urgent arrival announced. The rows' results
are written in the shape of the clinical contract (v3, and a v2 one stored before v3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from patients import BANK
from test_workspace_apptest import log_in, new_app, open_submission, store  # noqa: F401 (fixture)
from test_workspace_data import add_user, minutes_ago

from questionnaire.answers import age_on
from storage import NewSubmission
from workspace import list_view, today


def flag(id_, level, answer="yes"):
    return {"id": id_, "level": level, "answer": answer, "items": [id_], "text": f"{id_} text"}


def result(triage, red=(), safety=(), suggested=()):
    return {"triage": triage, "rules_version": "r-test", "notes": [], "peg": None,
            "red_flags": list(red),
            "safety": [{"id": i, "level": lvl, "text": f"{i}: reason"} for i, lvl in safety],
            "indications": [{"id": i, "match": "strong", "suggested": True, "evidence_direction": "effective"}
                            for i in suggested]}


def put(store, name, when, res, language="en"):  # noqa: F811
    return store.save_submission(NewSubmission(
        answers={"patient.name": name, "patient.birth_date": "1960-02-29", "patient.language": language},
        language=language, questionnaire_version=BANK.version, submitted_at=when, result=res,
        rules_version=res and res["rules_version"]))


def table(at):
    return at.dataframe[0].value


@pytest.fixture
def day(store):  # noqa: F811
    add_user(store, "alice")
    return {
        "routine_ci": put(store, "Rita Routine", minutes_ago(1),
                          result("routine", safety=[("safety.toxin_allergy", "contraindication")],
                                 suggested=["chronic_migraine"])),
        "plain": put(store, "Paul Plain", minutes_ago(2), result("routine", suggested=["low_back_pain"])),
        "urgent": put(store, "Una Urgente", minutes_ago(3), result(
            "urgent", red=[flag("rf.neuro", "review", "unsure"), flag("rf.thunderclap", "urgent")],
            safety=[("safety.blood_thinner", "precaution"), ("safety.toxin_allergy", "contraindication")]),
            language="es"),
        "pending": put(store, "Pat Pending", minutes_ago(4), None),
    }


def test_each_row_names_its_flags_and_a_contraindication_is_never_plain_routine(store, day):  # noqa: F811
    rows = table(log_in(new_app(), "alice")).set_index("Name")
    assert list(rows.index) == ["Una Urgente", "Pat Pending", "Rita Routine", "Paul Plain"]
    urgent = rows.loc["Una Urgente"]
    assert urgent["Triage"] == "URGENT" and urgent["Language"] == "ES"
    assert urgent["Warning signs"] == "!! Thunderclap; Neuro signs (unsure)"  # urgent first
    assert urgent["Safety"] == "CI: Toxin allergy; P: Blood thinner"  # contraindications first
    assert rows.loc["Rita Routine", "Triage"] == "Routine · CI"
    plain = rows.loc["Paul Plain"]
    assert (plain["Triage"], plain["Suggested"]) == ("Routine", "low back")
    assert rows.loc["Rita Routine", "Suggested"] == "chr. migraine"
    assert rows.loc["Pat Pending", "Triage"] == "Not scored" and rows.loc["Pat Pending", "Suggested"] == ""
    assert rows.loc["Una Urgente", "Age"] == age_on(date(1960, 2, 29), date.today())


def test_warning_sign_and_contraindication_filters(store, day):  # noqa: F811
    at = log_in(new_app(), "alice")
    at.toggle(key="ws_warning").set_value(True).run()
    assert list(table(at)["Name"]) == ["Una Urgente"]
    at.toggle(key="ws_warning").set_value(False).run()
    at.toggle(key="ws_contra").set_value(True).run()
    assert list(table(at)["Name"]) == ["Una Urgente", "Rita Routine"]
    assert "2 submission(s) · 1 urgent · 2 not reviewed yet" in [c.value for c in at.caption]
    at.multiselect(key="ws_indication").set_value(["chronic_migraine"]).run()
    assert list(table(at)["Name"]) == ["Rita Routine"]


def test_a_long_day_is_shown_a_page_at_a_time_and_any_row_opens(store):  # noqa: F811
    add_user(store, "alice")
    first = minutes_ago(200)
    ids = [put(store, f"Patient {n:03d}", first + timedelta(seconds=n), result("routine"))
           for n in range(120)]
    at = log_in(new_app(), "alice")
    assert len(table(at)) == today.PAGE_SIZE and table(at)["Name"][0] == "Patient 119"
    picker = next(s for s in at.selectbox if (s.key or "").startswith("ws_pick_"))
    assert len(picker.options) == today.PAGE_SIZE  # a page-sized choice, never every submission
    at.button(key="ws_next").click().run()
    at.button(key="ws_next").click().run()
    assert list(table(at)["Name"]) == [f"Patient {n:03d}" for n in range(19, -1, -1)]
    assert any(c.value == "Page 3 of 3 (50 a page)" for c in at.caption)
    open_submission(at, ids[5])
    assert at.session_state["ws_selected"] == ids[5]


def test_an_urgent_arrival_is_announced_and_stays_until_opened(store, day):  # noqa: F811
    at = log_in(new_app(), "alice")
    assert not at.toast and not [e for e in at.error if "arrived" in e.value]
    late = put(store, "Lola Late", minutes_ago(0), result("urgent", red=[flag("rf.thunderclap", "urgent")]))
    at.run()  # what the fragment's timer does: read the list again
    assert [t.value for t in at.toast] == ["New URGENT submission (1): at the top of today's list"]
    assert table(at)["Name"][0] == "Lola Late"
    assert any("1 new urgent submission(s) arrived" in e.value for e in at.error)
    assert "Lola" not in " ".join(t.value for t in at.toast)  # the announcement names no patient
    open_submission(at, late)
    assert late not in at.session_state[today.URGENT_NEW_KEY]


def test_a_rerun_shows_what_others_changed_meanwhile(store, day):  # noqa: F811
    """The session keeps the page's opened rows and its table between reruns: a review, a
    re-score and a scoring done elsewhere still reach the list on the next rerun."""
    at = log_in(new_app(), "alice")
    at.run()  # drawn from the session's memo this time
    assert table(at).set_index("Name").loc["Paul Plain", "Reviewed"] == ""
    store.mark_reviewed(day["plain"], "bob")  # another clinician, another session
    store.save_result(day["pending"], result("review", red=[flag("rf.neuro", "review")]), "r-test")
    store.save_result(day["routine_ci"], result("urgent", red=[flag("rf.thunderclap", "urgent")]), "r-test")
    at.run()  # what the fragment's timer does
    rows = table(at).set_index("Name")
    assert rows.loc["Paul Plain", "Reviewed"] == "✓"
    pending = rows.loc["Pat Pending"]
    assert (pending["Triage"], pending["Warning signs"]) == ("Review ·R", "Neuro signs")
    assert rows.loc["Rita Routine", "Triage"] == "URGENT ·R" and list(rows.index)[0] == "Rita Routine"
    assert "4 submission(s) · 2 urgent · 3 not reviewed yet" in [c.value for c in at.caption]


@pytest.mark.parametrize(("triage", "contra", "shown"), [
    ("urgent", 1, "URGENT"),
    ("review", 1, "Review"),
    ("routine", 1, "Routine · CI"),
    ("routine", 0, "Routine"),
    (None, 1, "Not scored · CI"),
])
def test_triage_text(triage, contra, shown):
    from datetime import UTC, datetime

    from storage import ListRow
    row = ListRow(id="x", submitted_at=datetime.now(UTC), language="en", triage=triage, rules_version=None,
                  red_flags_urgent=0, red_flags_review=0, contraindications=contra, precautions=0, clarify=0,
                  suggested=(), reviewed_by=None, name="", birth_date="", result=None)
    assert list_view.triage_text(row) == shown


def test_the_detail_page_warm_up_runs_without_the_store_and_without_error(caplog):
    """Once per process after the list (workspace/warm_up.py): made-up data only, no store."""
    from workspace import warm_up
    warm_up.detail_page.clear()
    with caplog.at_level("ERROR"):
        assert warm_up.detail_page() is True
    assert not caplog.records, [r.getMessage() for r in caplog.records]
