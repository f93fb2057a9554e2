"""Many submissions, made fast, for the export tests at scale (and bench/exports.py).

A few distinct documents built from the bank (tests/documents.py) and scored by the real
scoring, then repeated with a different id, name and time each, so 10,000 rows cost little to
make. ``submissions(n)`` is a generator: a streamed export never sees a list.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from documents import document
from patients import HEADACHE, spanish_headache

from questionnaire.bank import load_bank
from scoring import RULES_VERSION, score
from vocabulary import Comment, Submission, result_from_dict

AS_OF = date(2026, 11, 24)
START = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
NAMES = ("José Núñez Peña", "Ana Example", '=HYPERLINK("x")', "Zoë Ω-Brontë")


@lru_cache(maxsize=1)
def scored_documents() -> tuple[tuple[dict, dict], ...]:
    bank = load_bank()
    docs = [spanish_headache(bank, AS_OF),
            spanish_headache(bank, AS_OF, rf__thunderclap="yes"),
            document(bank, AS_OF, {"patient.name": "Ana Example", "visit.main_problem": "back"}),
            document(bank, AS_OF, {"patient.name": "Tom Baker", "patient.language": "en"} | HEADACHE)]
    return tuple((doc, score(doc, AS_OF).to_dict()) for doc in docs)


def submission_id(n: int) -> str:
    return f"load-{n:06d}"


def submissions(count: int, documents: tuple | None = None) -> Iterator[Submission]:
    """``count`` scored submissions, newest last; every 7th has a clinician comment.
    ``documents``: (answers, result) pairs to repeat (default ``scored_documents()``); each result
    dict is read once as the store reads a stored one (``result_from_dict``)."""
    docs = [(answers, result_from_dict(result)) for answers, result in documents or scored_documents()]
    for n in range(count):
        answers, result = docs[n % len(docs)]
        when = START + timedelta(seconds=n)
        comments = (Comment("dr.garcia", f"call back {n}", when, 1),) if n % 7 == 0 else ()
        yield Submission(
            id=submission_id(n), answers={**answers, "patient.name": f"{NAMES[n % len(NAMES)]} {n}"},
            language=str(answers.get("patient.language", "en")), questionnaire_version=load_bank().version,
            submitted_at=when, result=result, rules_version=RULES_VERSION, triage=result.triage.value,
            comments=comments)
