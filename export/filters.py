"""The selection of submissions shared by the export command line and the clinician workspace.

Pure: takes submissions, returns the ones that match, in the order given. Dates are calendar
days of ``submitted_at`` in UTC, both ends inclusive. Bad filter values raise ``ValueError``
naming the filter and what it allows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime

from export import summary
from vocabulary import LANGUAGES, Submission


def fold(text: str) -> str:
    """Lower case without accents, for search: "José NÚÑEZ" -> "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _as_set(name: str, value: str | Iterable[str] | None, allowed: Iterable[str]) -> set[str] | None:
    if value is None:
        return None
    values = {value} if isinstance(value, str) else set(value)
    bad = sorted(values - set(allowed))
    if bad:
        raise ValueError(f"{name}: {', '.join(map(repr, bad))} is not allowed; "
                         f"allowed: {', '.join(allowed)}")
    return values


def _day(name: str, value: date | None) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise ValueError(f"{name} must be a date (YYYY-MM-DD), got {value!r}")


def _utc_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def select(submissions: Iterable[Submission], since: date | None = None, until: date | None = None,
           triage: str | Iterable[str] | None = None, indication: str | Iterable[str] | None = None,
           language: str | Iterable[str] | None = None, name_query: str | None = None) -> list[Submission]:
    """The submissions that pass every given filter (None = no filter).

    ``triage``/``indication``/``language`` take one value or several (any of them matches);
    ``indication`` keeps submissions where that indication's pattern is present: suggested to
    discuss, or present with toxin not recommended (``summary.group``, the one definition);
    ``name_query`` keeps names holding every word of the query, ignoring case and accents.
    """
    since, until = _day("since", since), _day("until", until)
    if since and until and since > until:
        raise ValueError(f"since ({since}) must not be after until ({until})")
    triages = _as_set("triage", triage, summary.TRIAGE_LEVELS)
    indications = _as_set("indication", indication, summary.INDICATIONS)
    languages = _as_set("language", language, LANGUAGES)
    words = fold(name_query).split() if name_query else []

    def keep(sub: Submission) -> bool:
        day = _utc_day(sub.submitted_at)
        if (since and day < since) or (until and day > until):
            return False
        if triages is not None and summary.triage(sub) not in triages:
            return False
        if languages is not None and sub.language not in languages:
            return False
        if indications is not None:
            present = {i.id for i in (sub.result.indications if sub.result is not None else ())
                       if summary.group(i) != "unlikely"}
            if not present & indications:
                return False
        name = fold(sub.name)
        return all(w in name for w in words)

    return [s for s in submissions if keep(s)]


def clinic_order(submissions: Iterable[Submission]) -> list[Submission]:
    """Urgent first, then newest first (the order of today's list)."""
    subs = sorted(submissions, key=lambda s: s.submitted_at, reverse=True)
    return sorted(subs, key=lambda s: summary.triage(s) != "urgent")
