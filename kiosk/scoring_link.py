"""The kiosk's one door to the scoring: a ``ScreeningResult``, or None when it cannot be scored now.

The scoring is pure and accepts partial documents; a failure here never stops a patient.
The result is for staff only: the kiosk reads nothing from it but the triage level.
"""

from __future__ import annotations

import logging
from datetime import date

from vocabulary import ScreeningResult

log = logging.getLogger(__name__)


def score_answers(answers: dict, today: date) -> ScreeningResult | None:
    """``scoring.score(answers, today)``, or None when scoring is missing or fails."""
    try:
        from scoring import score
    except ImportError:
        return None
    try:
        return score(answers, today)
    except Exception as exc:  # noqa: BLE001 - the patient goes on; the store scores it later
        log.warning("kiosk: scoring failed (%s); the submission is scored later", type(exc).__name__)
        return None


def is_urgent(result: ScreeningResult | None) -> bool:
    """Whether a kiosk-time result calls for the urgent instruction (the only thing the kiosk reads)."""
    return result is not None and result.alerts
