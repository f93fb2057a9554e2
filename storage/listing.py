"""The list's clear columns, derived from a scoring result, and the SQL that filters on them.

Only these facts about a result stay readable in the database (docs/security.md, "Results at
rest"): the triage level, how many red flags at urgent and at review, how many safety flags at
each level, and which indications are suggested. Everything else in the result is sealed.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, MutableMapping
from datetime import datetime

from sqlalchemy import bindparam, case, exists, func, or_, select
from sqlalchemy.sql import ColumnElement

from storage import rows as rowsmod
from storage.errors import StoreError
from storage.schema import results, reviews, submissions, voids
from vocabulary import (
    INDICATIONS,
    LANGUAGES,
    SAFETY_LEVELS,
    TRIAGE_LEVELS,
    ListPage,
    ListRow,
    result_from_dict,
    suggested,
)

SAFETY_COLUMN = {"contraindication": "contraindications", "precaution": "precautions", "clarify": "clarify"}


def suggested_ids(result: dict | None) -> list[str]:
    """Indications suggested to discuss, in the result's order.

    A v3 result says so (`suggested`); an older one is read by the v3 rule: match strong or
    possible and the evidence direction is not probably_ineffective.
    """
    return [ind["id"] for ind in (result or {}).get("indications") or []
            if isinstance(ind, dict) and isinstance(ind.get("id"), str) and suggested(ind) is True]


def _count(entries, level: str) -> int:
    return sum(1 for e in entries or [] if isinstance(e, dict) and e.get("level") == level)


def result_columns(result: dict) -> dict:
    """The clear columns of a results row, from the scoring result."""
    triage = result.get("triage")
    safety = result.get("safety")
    return {
        "triage": triage if isinstance(triage, str) else None,
        "red_flags_urgent": _count(result.get("red_flags"), "urgent"),
        "red_flags_review": _count(result.get("red_flags"), "review"),
        "contraindications": _count(safety, "contraindication"),
        "precautions": _count(safety, "precaution"),
        "clarify": _count(safety, "clarify"),
        "suggested": "".join(f" {i}" for i in suggested_ids(result)) + " " if suggested_ids(result) else "",
    }


def fold(text: str) -> str:
    """Lower case without accents, for the name search: "José NÚÑEZ" -> "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_matches(words: list[str], name: str) -> bool:
    folded = fold(name)
    return all(w in folded for w in words)


def _allowed(name: str, values: Iterable[str] | str | None, allowed: tuple[str, ...]) -> list[str] | None:
    if values is None:
        return None
    chosen = [values] if isinstance(values, str) else list(values)
    bad = [v for v in chosen if v not in allowed]
    if bad:
        raise StoreError(f"{name}: {', '.join(map(repr, bad))} is not allowed; allowed: {', '.join(allowed)}")
    return chosen or None


def latest_result_id() -> ColumnElement:
    newest = results.alias("newest")
    return (select(func.max(newest.c.id)).where(newest.c.submission_id == submissions.c.id)
            .scalar_subquery())


def is_reviewed() -> ColumnElement:
    """The newest review row of the submission is not an undo (migration 8)."""
    later = reviews.alias("later_review")
    newer = exists().where(later.c.submission_id == reviews.c.submission_id, later.c.id > reviews.c.id)
    return exists().where(reviews.c.submission_id == submissions.c.id, reviews.c.undone.is_(False), ~newer)


def is_voided() -> ColumnElement:
    return exists().where(voids.c.submission_id == submissions.c.id)


def rank() -> ColumnElement:
    """Urgent first, then review (and not yet scored: a clinician must look), then routine."""
    return case((results.c.triage == "urgent", 0), (results.c.triage == "review", 1),
                (results.c.triage.is_(None), 1), else_=2)


def conditions(since, until, triage=None, indication=None, language=None, warning_signs=False,
               safety=None, reviewed=None, voided=False) -> list[ColumnElement]:
    """The WHERE clauses of a list query over submissions LEFT JOIN their latest result."""
    ts = rowsmod.ts
    for name, value in (("since", since), ("until", until)):
        if value is not None and not isinstance(value, datetime):
            raise StoreError(f"{name} must be a datetime (or None), got {type(value).__name__}")
    where: list[ColumnElement] = []
    if since is not None:
        where.append(submissions.c.submitted_at >= ts(since))
    if until is not None:
        where.append(submissions.c.submitted_at < ts(until))
    if (levels := _allowed("triage", triage, TRIAGE_LEVELS)) is not None:
        where.append(results.c.triage.in_(levels))
    if (langs := _allowed("language", language, LANGUAGES)) is not None:
        where.append(submissions.c.language.in_(langs))
    if (inds := _allowed("indication", indication, INDICATIONS)) is not None:
        where.append(or_(*[results.c.suggested.like(f"% {i} %") for i in inds]))
    if warning_signs:
        flags = func.coalesce(results.c.red_flags_urgent, 0) + func.coalesce(results.c.red_flags_review, 0)
        where.append(flags > 0)
    if (kinds := _allowed("safety", safety, SAFETY_LEVELS)) is not None:
        where.append(or_(*[func.coalesce(results.c[SAFETY_COLUMN[k]], 0) > 0 for k in kinds]))
    if reviewed is not None:
        where.append(is_reviewed() if reviewed else ~is_reviewed())
    if voided is not None:
        where.append(is_voided() if voided else ~is_voided())
    return where


def joined(*columns):
    """SELECT columns FROM submissions LEFT JOIN the latest result of each."""
    return select(*columns).select_from(
        submissions.outerjoin(results, results.c.id == latest_result_id()))


def _tallies():
    """Count of matches, of urgent ones and of not yet reviewed ones (aggregates)."""
    urgent = func.sum(case((results.c.triage == "urgent", 1), else_=0))
    waiting = func.sum(case((is_reviewed(), 0), else_=1))
    return func.count(), urgent, waiting


def totals(where: list[ColumnElement]):
    """Count of matches, of urgent ones and of not yet reviewed ones."""
    return joined(*_tallies()).where(*where)


def page_ids(where: list[ColumnElement], page: int, page_size: int):
    """The page's ids in list order, each row carrying the totals of every match (window
    aggregates over the whole filtered set): one walk of the day's rows instead of two."""
    return (joined(submissions.c.id, *(t.over() for t in _tallies())).where(*where)
            .order_by(*_order()).limit(page_size).offset(page * page_size))


PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _order():
    return (rank(), submissions.c.submitted_at.desc(), submissions.c.id)


def _page_columns():
    s, r = submissions.c, results.c
    return joined(s.id, s.submitted_at, s.language, s.patient_enc, r.rules_version, r.triage,
                  r.red_flags_urgent, r.red_flags_review, r.contraindications, r.precautions, r.clarify,
                  r.suggested, r.id.label("result_id"), r.scored_at, r.result_enc, r.rescore,
                  is_voided().label("is_voided"))


@functools.lru_cache(maxsize=32)
def _statements(since, until, filters: tuple) -> tuple:
    """The WHERE clauses, totals and page columns of one choice of dates and filters: SQL only
    (dates, levels, ids of indications; never a name searched for), built once per choice,
    not on every rerun of the list (the statements are immutable, shared safely)."""
    where = conditions(since, until, **dict(filters))
    return where, totals(where), _page_columns()


@functools.lru_cache(maxsize=64)
def _cached_page_ids(since, until, filters: tuple, page: int, page_size: int):
    return page_ids(_statements(since, until, filters)[0], page, page_size)


def _plan(since, until, filters: dict) -> tuple:
    """(where, totals, page columns, page ids (page, size) -> statement) for these filters,
    from ``_statements``; built afresh for values that cannot be a cache key."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else v) for k, v in filters.items()))
    try:
        hash((since, until, key))
    except TypeError:
        where = conditions(since, until, **filters)
        return where, totals(where), _page_columns(), functools.partial(page_ids, where)
    return (*_statements(since, until, key), functools.partial(_cached_page_ids, since, until, key))


def _clamp(page: int, total: int, size: int) -> int:
    last = max(0, -(-total // size) - 1)
    return min(max(0, page), last)


def read_page(conn, ring, since, until, *, name_query: str | None = None, page: int = 0,
              page_size: int = PAGE_SIZE, opened: MutableMapping | None = None, **filters):
    """One page of the list; decrypts the names of the date range only for a name search, and
    the name, birth date and result of the page's rows only (never an answers document).

    ``opened``: the caller's memo of rows already opened (a browser session's own
    ``st.session_state``, never a process-wide cache), keyed by submission and result row:
    a row opened on the last read is not decrypted and decoded again. Refreshed to hold this
    page's rows only."""
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise StoreError(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}")
    if not isinstance(page, int):
        raise StoreError("page must be a whole number (0 is the first page)")
    where, counted, columns, ids_statement = _plan(since, until, filters)
    words = fold(name_query).split() if name_query else []
    if words:
        found = conn.execute(joined(submissions.c.id, submissions.c.patient_enc, results.c.triage,
                                    is_reviewed().label("is_reviewed")).where(*where).order_by(*_order())).all()
        keep = [r for r in found
                if name_matches(words, rowsmod.open_patient(ring, r.id, r.patient_enc)["name"])]
        total, urgent = len(keep), sum(r.triage == "urgent" for r in keep)
        waiting = sum(not r.is_reviewed for r in keep)
        page = _clamp(page, total, page_size)
        ids = [r.id for r in keep[page * page_size:(page + 1) * page_size]]
        by_id = {r.id: r for r in conn.execute(columns.where(submissions.c.id.in_(ids)))} if ids else {}
        chosen = [by_id[i] for i in ids]
    else:
        # the ids first (a narrow sort, with the totals), then the page's wide rows: the
        # sealed blobs of the other rows are never read, not even by the sorter
        page = max(0, page)
        found = conn.execute(ids_statement(page, page_size)).all()
        if not found and page > 0:  # past the last page: the last page instead
            page = _clamp(page, int(conn.execute(counted).one()[0] or 0), page_size)
            found = conn.execute(ids_statement(page, page_size)).all()
        total, urgent, waiting = (int(v or 0) for v in found[0][1:]) if found else (0, 0, 0)
        ids = [r.id for r in found]
        by_id = {r.id: r for r in conn.execute(columns.where(submissions.c.id.in_(ids)))} if ids else {}
        chosen = [by_id[i] for i in ids]
    reviewers = latest_reviewers(conn, [r.id for r in chosen])
    known = dict(opened or {})
    shown = tuple(_list_row(ring, r, reviewers.get(r.id), known) for r in chosen)
    if opened is not None:
        opened.clear()
        opened.update({(r.id, r.result_id): known[(r.id, r.result_id)] for r in chosen})
    return ListPage(rows=shown, total=total, urgent=urgent, not_reviewed=waiting, page=page,
                    page_size=page_size)


def latest_reviewers(conn, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    newest = select(func.max(reviews.c.id)).where(reviews.c.submission_id.in_(ids)) \
        .group_by(reviews.c.submission_id)
    query = select(reviews.c.submission_id, reviews.c.username).where(reviews.c.id.in_(newest),
                                                                      reviews.c.undone.is_(False))
    return {r.submission_id: r.username for r in conn.execute(query)}


def _opened(ring, r) -> tuple[str, str, object]:
    """The row's name, birth date and result, decrypted (the result decoded)."""
    who = rowsmod.open_patient(ring, r.id, r.patient_enc)
    result = None
    if r.result_enc is not None:
        result = result_from_dict(rowsmod.unseal_result(ring, r.id, r.scored_at, r.result_enc),
                                  rescore=bool(r.rescore))
    return who["name"], who["birth_date"], result


def _list_row(ring, r, reviewer: str | None, known: dict):
    """A page row; its sealed parts come from ``known`` when opened before (the same submission
    and the same result row: both are written once), else are opened and added to it."""
    key = (r.id, r.result_id)
    if key not in known:
        known[key] = _opened(ring, r)
    name, birth_date, result = known[key]
    return ListRow(
        id=r.id, submitted_at=rowsmod.parse_ts(r.submitted_at), language=r.language, triage=r.triage,
        rules_version=r.rules_version, red_flags_urgent=r.red_flags_urgent or 0,
        red_flags_review=r.red_flags_review or 0, contraindications=r.contraindications or 0,
        precautions=r.precautions or 0, clarify=r.clarify or 0, suggested=tuple((r.suggested or "").split()),
        reviewed_by=reviewer, name=name, birth_date=birth_date, result=result,
        void=bool(r.is_voided))


def _urgent_select():
    arrived = submissions.c.stored_at > bindparam("stored_after")
    return joined(submissions.c.id).where(arrived, results.c.triage == "urgent") \
        .order_by(submissions.c.stored_at.desc(), submissions.c.id)


@functools.lru_cache(maxsize=1)
def urgent_query():
    """Urgent submissions stored after the ``stored_after`` parameter, newest first: the
    statement alone (no value), built once."""
    return _urgent_select()
