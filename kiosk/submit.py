"""Submit: the answers and their scoring result are committed to the store before any thank-you.

A failure to store is reported to the page (``Outcome.saved`` False) and the visit keeps
every answer, so the front desk can retry; the patient never sees a false thank-you.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.flow import Visit
from kiosk.scoring_link import is_urgent, score_answers
from questionnaire.bank import Bank
from vocabulary import NewSubmission

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    saved: bool
    urgent: bool = False
    submission_id: str | None = None


def new_submission(bank: Bank, visit: Visit, today: date, now: datetime) -> NewSubmission:
    answers = dict(visit.answers)
    result = score_answers(answers, today)
    return NewSubmission(answers=answers, language=visit.language, questionnaire_version=bank.version,
                         submitted_at=now, result=result,
                         rules_version=result.rules_version if result else None)


def submit(bank: Bank, visit: Visit, today: date, now: datetime) -> Outcome:
    """Store the visit's submission; never raises for a storage failure."""
    from clinic.runtime import store

    new = new_submission(bank, visit, today, now)
    try:
        target = store()
        sid = target.save_submission(new)
    except Exception as exc:  # noqa: BLE001 - any failure: keep the answers, tell the patient
        # Only the type: a database error can quote the values it was given.
        log.error("kiosk: submission not stored (%s)", type(exc).__name__)
        return Outcome(saved=False)
    try:
        target.audit("kiosk", "submit", sid)
    except Exception as exc:  # noqa: BLE001 - the submission itself is safe
        log.error("kiosk: audit of submit failed (%s)", type(exc).__name__)
    urgent = is_urgent(new.result)
    return Outcome(saved=True, urgent=urgent, submission_id=sid)
