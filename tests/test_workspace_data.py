"""The workspace tests' helpers: the named patients (tests/patients.py) stored through the real
store and scored by the real scoring; and the pure parts of the workspace (list order and rows,
clinician wording, trend data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as hyp
from patients import BACK_EN, BANK, HOSTILE_TEXT, MIGRAINE_ES, URGENT_EN, spanish_migraine

from clinic.accounts import hash_password
from questionnaire.answers import age_on
from scoring import score
from storage import NewSubmission, open_store
from vocabulary import Submission, result_from_dict
from workspace import trends, views

PASSWORD = "correct horse battery"


def save(store, answers: dict, when: datetime) -> str:
    """Store ``answers`` as the kiosk does, with the real scoring's result."""
    result = score(answers, when.date()).to_dict()
    return store.save_submission(NewSubmission(
        answers=answers, language=answers["patient.language"], questionnaire_version=BANK.version,
        submitted_at=when, result=result, rules_version=result["rules_version"]))


def add_user(store, username: str, role: str = "clinician", password: str = PASSWORD) -> None:
    store.create_user(username, hash_password(password), role)


def minutes_ago(n: int) -> datetime:
    """``n`` steps before now, still on today's local date (the list opens on today).

    A step is a minute, shortened just after midnight so that no test moment falls on
    yesterday, whatever time of day the suite runs; larger ``n`` is always earlier.
    """
    now = datetime.now(UTC)
    midnight = datetime.combine(date.today(), datetime.min.time()).astimezone(UTC)
    step = min(timedelta(minutes=1), (now - midnight) / 100)
    return now - step * n


@pytest.fixture
def store(db_url, tmp_path):
    from clinic.config import Settings
    opened = open_store(Settings(database_url=db_url, key_file=str(tmp_path / "key")))
    yield opened
    opened.close()


# ---------------------------------------------------------------- pure parts
def test_list_puts_urgent_on_top_then_newest_first(store):
    ids = {"old_routine": save(store, BACK_EN, minutes_ago(30)),
           "urgent": save(store, URGENT_EN, minutes_ago(20)),
           "new_migraine": save(store, MIGRAINE_ES, minutes_ago(5))}
    subs = store.list_submissions()
    order = [s.id for s in views.list_order(subs)]
    assert order == [ids["urgent"], ids["new_migraine"], ids["old_routine"]]
    rows = views.list_rows(subs)
    assert rows[0]["Triage"] == views.TRIAGE_BADGE["urgent"]
    assert rows[1]["Name"] == "María José Peña"
    assert rows[1]["Language"] == "Spanish"
    assert "chronic migraine (strong)" in rows[1]["Suggested"]
    assert rows[1]["Age"] == age_on(date(1980, 3, 14), subs[0].submitted_at.date())


@pytest.mark.parametrize(("item_id", "value", "shown"), [
    ("ha.duration", "4h_to_1d", BANK.item("ha.duration").option("4h_to_1d").label),
    ("pain.regions", ["head", "neck"], "; ".join(BANK.item("pain.regions").option(c).label
                                                 for c in ("head", "neck"))),
    ("ha.nausea", "unsure", "Unsure"),
    ("ha.days", 20, "20"),
    ("visit.concern", HOSTILE_TEXT, HOSTILE_TEXT),
])
def test_answers_are_in_clinician_wording_whatever_the_language(item_id, value, shown):
    assert views.answer_text(BANK.item(item_id), value) == shown


def test_every_answer_row_names_its_item_and_unanswered_asked_items_say_so():
    answers = {k: v for k, v in MIGRAINE_ES.items() if k != "ha.aura"}
    rows = {r["Item"]: r for r in views.answer_rows(BANK, answers, date(2026, 11, 24))}
    assert set(answers) <= set(rows)
    assert rows["ha.aura"]["Answer"] == "(not answered)"
    assert rows["ha.days"]["Question"] == BANK.item("ha.days").label
    assert "back.months" not in rows  # not asked: back.pain = no


def test_patient_texts_are_kept_exactly_as_typed():
    texts = dict(views.patient_texts(BANK, MIGRAINE_ES))
    assert texts[BANK.label("visit.concern")] == HOSTILE_TEXT
    assert texts[BANK.label("meds.list")] == "ibuprofeno 400 mg\nsumatriptán"


def _visit(days_ago: int, **answers) -> Submission:
    return Submission(id=str(days_ago), answers={**MIGRAINE_ES, **answers}, language="es",
                      questionnaire_version="x", submitted_at=datetime(2026, 11, 24, 12, tzinfo=UTC)
                      - timedelta(days=days_ago), result=None, rules_version=None, triage=None)


def test_visit_rows_show_the_change_from_the_first_visit():
    visits = [_visit(60, **{"ha.days": 20, "neck.pain": 4}), _visit(30, **{"ha.days": 14, "neck.pain": 5}),
              _visit(0, **{"ha.days": 8, "peg.pain": 4, "peg.enjoyment": 3, "peg.activity": 5})]
    table = {r["Measure"]: r for r in trends.change_table(trends.visit_rows(visits))}
    assert table["Headache days a month"] == {"Measure": "Headache days a month", "First visit": 20,
                                              "Latest visit": 8, "Change from first": -12, "Visits": 3}
    assert table["PEG (0-10)"]["Change from first"] == -3.0
    assert table["Neck pain (0-10)"]["Change from first"] == 0


def test_weekly_counts_group_by_monday_and_count_only_suggested_matches(store):
    when = datetime(2026, 11, 24, 12, tzinfo=UTC)  # a Tuesday
    for answers, days_ago in ((MIGRAINE_ES, 0), (MIGRAINE_ES, 1), (BACK_EN, 8), (URGENT_EN, 8)):
        save(store, answers, when - timedelta(days=days_ago))
    subs = store.list_submissions()
    monday = trends.week_of(when).isoformat()
    counts = {(r["week"], r["indication"], r["match"]): r["count"] for r in trends.indication_counts(subs)}
    assert counts[(monday, "Chronic migraine", "strong")] == 2
    assert all(r["match"] in ("strong", "possible") for r in trends.indication_counts(subs))
    triage = {(r["week"], r["triage"]): r["count"] for r in trends.triage_counts(subs)}
    assert triage[(trends.week_of(when - timedelta(days=8)).isoformat(), "urgent")] == 1
    assert sum(triage.values()) == 4


def test_day_bounds_cover_whole_local_days():
    start, end = views.day_bounds(date(2026, 11, 24), date(2026, 11, 24))
    assert (end - start) == timedelta(days=1)
    assert start.astimezone().hour == 0


@given(hyp.lists(hyp.tuples(hyp.sampled_from(["urgent", "review", "routine", None]),
                            hyp.integers(0, 10_000)), max_size=30))
def test_list_order_is_urgent_first_then_newest_first(entries):
    subs = [Submission(id=str(n), answers={}, language="en", questionnaire_version="x",
                       submitted_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m), result=None,
                       rules_version=None, triage=t) for n, (t, m) in enumerate(entries)]
    ordered = views.list_order(subs)
    assert sorted(s.id for s in ordered) == sorted(s.id for s in subs)
    keys = [(s.triage != "urgent", -s.submitted_at.timestamp()) for s in ordered]
    assert keys == sorted(keys)


@pytest.mark.parametrize("item", [i for i in BANK.items if i.type in ("choice", "multi", "yn")],
                         ids=lambda i: i.id)
def test_every_coded_answer_has_clinician_wording(item):
    for code in item.codes:
        shown = views.answer_text(item, [code] if item.type == "multi" else code)
        assert shown and shown != code, (item.id, code)


# ---------------------------------------------------------------- v3: warning signs never contradicted
def _flag(flag_id: str, answer: str = "yes", level: str = "review") -> dict:
    return {"id": flag_id, "level": level, "answer": answer, "items": [flag_id]}


@pytest.mark.parametrize(("result", "level", "says"), [
    (None, "unscored", "Not scored yet"),
    ({"triage": "routine", "red_flags": [], "safety": []}, "routine", "Routine: no warning signs."),
    ({"triage": "urgent", "red_flags": [_flag("rf.thunderclap", level="urgent")], "safety": []}, "urgent",
     "URGENT"),
    ({"triage": "review", "red_flags": [_flag("rf.thunderclap_3m")], "safety": []}, "review", "Review"),
    # a stored v2 result: an "unsure" review-level answer left triage at routine
    ({"triage": "routine", "red_flags": [_flag("rf.weight_loss", "unsure")], "safety": []}, "review",
     "1 warning sign(s) listed, 1 answered unsure"),
    # a stored v2 result: a contraindication did not raise triage then
    ({"triage": "routine", "red_flags": [], "safety": [
        {"id": "safety.toxin_allergy", "level": "contraindication", "text": "x"}]}, "review",
     "1 contraindication(s)"),
])
def test_the_triage_banner_names_what_is_there(result, level, says):
    shown_level, text = views.triage_banner(None if result is None else result_from_dict(result))
    assert shown_level == level and says in text


@given(hyp.sampled_from(["urgent", "review", "routine"]),
       hyp.lists(hyp.tuples(hyp.sampled_from([i.id for i in BANK.items if i.id.startswith("rf.")]),
                            hyp.sampled_from(["yes", "unsure"]), hyp.sampled_from(["urgent", "review"])),
                 min_size=1, max_size=5))
def test_the_banner_never_says_no_warning_signs_while_a_red_flag_is_listed(triage, flags):
    result = {"triage": triage, "red_flags": [_flag(i, a, lv) for i, a, lv in flags], "safety": []}
    level, text = views.triage_banner(result_from_dict(result))
    assert "no warning signs" not in text.casefold() and level != "routine"


def test_the_list_suggests_only_what_the_contract_suggests():
    import samples
    matches = {"tension_type_headache": "strong", "low_back_pain": "possible"}
    v3, v2 = samples.hand_result("review", matches), samples.hand_result("review", matches, v2=True)
    for stored in (v3, v2):  # stored v3 flag, or derived for a v2 result: the same answer
        result = result_from_dict(stored)
        assert views.suggestions(result) == [("low_back_pain", "possible")]
        assert views.suggestion_text(result) == "low back pain (possible)"


def test_retired_v2_answers_are_shown_with_their_labels():
    stored_v2 = MIGRAINE_ES | {retired: "no" for retired in BANK.retired} | {"rf.cancer_immuno": "yes"}
    rows = {r["Item"]: r for r in views.answer_rows(BANK, stored_v2, date(2026, 11, 24))}
    for retired in ("rf.cancer_immuno", "rf.positional", "rf.jaw_scalp", "rf.new_after_50"):
        assert rows[retired]["Question"] == BANK.retired[retired].label != retired
        assert rows[retired]["Section"] == views.RETIRED_SECTION
    assert rows["rf.cancer_immuno"]["Answer"] == "Yes"
    pregnant = BANK.item("safety.pregnant")  # a v2 single code is shown like a v3 list of one
    shown = pregnant.option("no").label
    assert views.answer_text(pregnant, "no") == views.answer_text(pregnant, ["no"]) == shown


def test_trends_follow_phq2_and_gad2_as_scored():
    import samples
    doc = spanish_migraine()
    visits = [samples.scored(doc | {"mood.interest": 3, "mood.down": 3}, sub_id="a",
                             submitted_at=datetime(2026, 10, 1, tzinfo=UTC)),
              samples.scored(doc | {"mood.interest": 1, "mood.down": 0}, sub_id="b")]
    table = {r["Measure"]: r for r in trends.change_table(trends.visit_rows(visits))}
    assert (table["PHQ-2 (0-6)"]["First visit"], table["PHQ-2 (0-6)"]["Latest visit"]) == (6, 1)
    assert table["GAD-2 (0-6)"]["Change from first"] == 0
