"""The NICE TA260 check (30% fewer headache days after 2 cycles) computed from stored visits, and
the visit-history rows. Cases written from NICE TA260's stopping rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vocabulary import Submission
from workspace import visit_history
from workspace.visit_history import reduction, ta260

START = datetime(2026, 1, 5, 10, tzinfo=UTC)


def visit(n: int, days: int | None, treated: bool = False, cycles: int | None = None, **more) -> Submission:
    answers = {"patient.name": "Ana", "patient.birth_date": "1980-01-01", **more}
    if days is not None:
        answers["ha.days"] = days
    if treated:
        answers.update({"safety.toxin_before": "yes", "toxin.prior_for": ["migraine"]})
    if cycles is not None:
        answers["toxin.migraine_cycles"] = cycles
    return Submission(id=f"v{n}", answers=answers, language="en", questionnaire_version="q",
                      submitted_at=START + timedelta(days=90 * n), result=None, rules_version=None,
                      triage=None)


# baseline b, now n, reduction (b - n) / b, passes (>= 30%)
CASES = [
    (20, 14, Fraction(3, 10), True),  # exactly 30%: passes
    (20, 15, Fraction(1, 4), False),
    (10, 7, Fraction(3, 10), True),  # exactly 30% again
    (10, 8, Fraction(1, 5), False),
    (30, 10, Fraction(2, 3), True),
    (15, 15, Fraction(0), False),
    (15, 18, Fraction(-1, 5), False),  # worse
    (16, 0, Fraction(1), True),
    (27, 19, Fraction(8, 27), False),  # 29.6%: just under
]


@pytest.mark.parametrize(("baseline", "now", "expected", "passes"), CASES)
def test_reduction_and_the_30_percent_rule(baseline, now, expected, passes):
    assert reduction(baseline, now) == expected
    check = ta260([visit(0, baseline), visit(1, 17, True), visit(2, now, True, cycles=2)])
    assert (check.baseline, check.now, check.cycles) == (baseline, now, 2)
    assert check.reduction == expected and check.passes is passes and check.due


def test_the_baseline_is_the_visit_before_the_first_treatment_not_the_first_visit():
    visits = [visit(0, 8), visit(1, 20), visit(2, 18, True), visit(3, 12, True), visit(4, 13, True)]
    check = ta260(visits)
    assert (check.baseline, check.now, check.cycles) == (20, 13, 3)  # cycles counted from the visits
    assert check.reduction == Fraction(7, 20) and check.passes


def test_one_cycle_is_not_yet_judged():
    check = ta260([visit(0, 20), visit(1, 18, True, cycles=1)])
    assert not check.due and "applies after 2 cycles" in check.words()


def test_words_say_whether_it_meets_the_rule():
    assert "does NOT meet" in ta260([visit(0, 20), visit(1, 18, True, cycles=2)]).words()
    words = ta260([visit(0, 20), visit(1, 14, True, cycles=2)]).words()
    assert "20 → 14 headache days a month (30% fewer)" in words and "meets" in words


@pytest.mark.parametrize("visits", [
    [visit(0, 20), visit(1, 12)],  # never treated
    [visit(0, 20, True), visit(1, 12, True, cycles=3)],  # treated from the first stored visit: no baseline
    [visit(0, None), visit(1, 12, True, cycles=2)],  # baseline days missing
    [visit(0, 0), visit(1, 0, True, cycles=2)],  # baseline 0: no reduction to speak of
    [visit(0, 20), visit(1, None, True, cycles=2)],  # latest days missing
])
def test_no_check_when_the_stored_visits_cannot_give_one(visits):
    assert ta260(visits) is None


def test_reduction_needs_a_positive_baseline():
    with pytest.raises(ValueError, match="above 0"):
        reduction(0, 0)


@given(st.integers(1, 31), st.integers(0, 31))
def test_passes_exactly_when_now_is_at_most_70_percent_of_baseline(baseline, now):
    check = ta260([visit(0, baseline), visit(1, now, True, cycles=2)])
    assert check.passes is (10 * now <= 7 * baseline)


def test_history_rows_mark_this_visit_and_show_stored_triage_as_scored():
    visits = [visit(0, 20, **{"ha.migraine_days": 10, "neck.pain": 3}), visit(1, 12, True)]
    rows = visit_history.history_rows(visits, "v1")
    assert [r["Date"] for r in rows] == ["2026-01-05", "2026-04-05 (this)"]
    assert [r["Headache days"] for r in rows] == [20, 12]
    assert rows[0]["Migraine-type days"] == 10 and rows[1]["Migraine-type days"] is None
    assert [r["Toxin"] for r in rows] == ["", "migraine"]
    assert [r["Triage"] for r in rows] == ["Not scored", "Not scored"]
    chart = visit_history.chart_rows(visits)
    assert {(r["measure"], r["value"]) for r in chart} == {
        ("Headache days", 20), ("Migraine-type days", 10), ("Neck pain", 3), ("Headache days", 12)}
