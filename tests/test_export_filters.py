"""The selection shared by the export command line and the clinician list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import patients
import pytest
import samples

from export.filters import clinic_order, fold, select


def _sub(sub_id, name, day, triage, matches=None, language="en", hour=9):
    doc = patients.answers(patient__name=name, patient__language=language)
    result = samples.hand_result(triage, matches or {})
    when = datetime(2026, 11, day, hour, 0, tzinfo=UTC)
    return samples.submission(doc, result, sub_id=sub_id, submitted_at=when)


SUBS = [
    _sub("a", "José Núñez Peña", 20, "routine", {"chronic_migraine": "strong"}, "es"),
    _sub("b", "Ana López", 21, "urgent", {"low_back_pain": "possible"}),
    _sub("c", "Bob Stone", 22, "review", {"chronic_migraine": "unlikely"}),
    _sub("d", "Jose Nunez", 22, "urgent", {}, "es", hour=23),
    samples.submission(patients.answers(patient__name="Unscored Person"), None, sub_id="e",
                       submitted_at=datetime(2026, 11, 23, 8, tzinfo=UTC)),
]


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, "abcde"),
    ({"since": date(2026, 11, 21)}, "bcde"),
    ({"until": date(2026, 11, 21)}, "ab"),
    ({"since": date(2026, 11, 22), "until": date(2026, 11, 22)}, "cd"),  # both ends inclusive
    ({"triage": "urgent"}, "bd"),
    ({"triage": ["urgent", "review"]}, "bcd"),
    ({"indication": "chronic_migraine"}, "a"),  # unlikely does not count as suggested
    ({"indication": ["chronic_migraine", "low_back_pain"]}, "ab"),
    ({"language": "es"}, "ad"),
    ({"name_query": "jose"}, "ad"),  # accents and case ignored
    ({"name_query": "NÚÑEZ peña"}, "a"),  # every word must appear
    ({"name_query": "  "}, "abcde"),
    ({"name_query": "zzz"}, ""),
    ({"triage": "urgent", "language": "es", "since": date(2026, 11, 22)}, "d"),
])
def test_select(filters, expected):
    assert "".join(s.id for s in select(SUBS, **filters)) == expected


def test_select_keeps_the_given_order_and_does_not_change_its_input():
    reversed_subs = list(reversed(SUBS))
    assert select(reversed_subs, triage="urgent") == [SUBS[3], SUBS[1]]
    assert reversed_subs == list(reversed(SUBS))


@pytest.mark.parametrize(("filters", "message"), [
    ({"triage": "soon"}, "triage: 'soon' is not allowed; allowed: urgent, review, routine"),
    ({"indication": "migraine"}, "indication: 'migraine' is not allowed"),
    ({"language": "fr"}, "language: 'fr' is not allowed; allowed: en, es"),
    ({"since": date(2026, 11, 2), "until": date(2026, 11, 1)}, "since .* must not be after until"),
    ({"since": datetime(2026, 11, 2, tzinfo=UTC)}, "since must be a date"),
])
def test_bad_filters_name_the_filter_and_what_is_allowed(filters, message):
    with pytest.raises(ValueError, match=message):
        select(SUBS, **filters)


def test_days_are_utc_days_of_submission():
    late = datetime(2026, 11, 22, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 04:30 UTC on the 23rd
    sub = samples.submission(patients.answers(), None, submitted_at=late)
    assert select([sub], since=date(2026, 11, 23), until=date(2026, 11, 23)) == [sub]


def test_clinic_order_puts_urgent_first_then_newest():
    assert [s.id for s in clinic_order(SUBS)] == ["d", "b", "e", "c", "a"]


@pytest.mark.parametrize(("text", "folded"), [("José NÚÑEZ", "jose nunez"), ("Straße", "strasse"),
                                              ("Zoë", "zoe")])
def test_fold(text, folded):
    assert fold(text) == folded
