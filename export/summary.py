"""What every export says about a submission in the same words: age, key numbers, names.

Pure helpers over ``storage.records.Submission`` and the scoring result dict
(clinical-core.md, "Output contract of the scoring").
"""

from __future__ import annotations

from datetime import date

from questionnaire.answers import age_on
from storage.records import Submission

INDICATIONS = ("cervical_dystonia", "chronic_migraine", "tension_type_headache",
               "low_back_pain", "myofascial_pain")
INDICATION_NAMES = {
    "cervical_dystonia": "Cervical dystonia",
    "chronic_migraine": "Chronic migraine",
    "tension_type_headache": "Tension-type headache",
    "low_back_pain": "Low back pain",
    "myofascial_pain": "Myofascial pain",
}
TRIAGE_LEVELS = ("urgent", "review", "routine")
MATCHES = ("strong", "possible", "unlikely")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}

# (label, answer id or "peg", unit) in the order the PDF prints them.
KEY_NUMBERS = (
    ("PEG (0-10)", "peg", ""),
    ("Headache days", "ha.days", "/month"),
    ("Migraine days", "ha.migraine_days", "/month"),
    ("Med days", "ha.med_days", "/month"),
    ("Neck pain", "neck.pain", "/10"),
    ("Back pain for", "back.months", " months"),
)


def age(sub: Submission) -> int | None:
    """Whole years from the birth date to the day of submission; None when unknown."""
    try:
        born = date.fromisoformat(sub.birth_date)
    except ValueError:
        return None
    return age_on(born, sub.submitted_at.date())


def peg(sub: Submission) -> float | None:
    """The stored PEG, or the mean of the three PEG answers (one decimal) when unscored."""
    if sub.result is not None and "peg" in sub.result:
        return sub.result["peg"]
    parts = [sub.answers.get(k) for k in ("peg.pain", "peg.enjoyment", "peg.activity")]
    if any(not isinstance(p, int) or isinstance(p, bool) for p in parts):
        return None
    return round(sum(parts) / 3 + 1e-9, 1)


def key_numbers(sub: Submission) -> list[tuple[str, int | float | None, str]]:
    """(label, value or None, unit) for the numbers a clinician looks at first."""
    return [(label, peg(sub) if key == "peg" else sub.answers.get(key), unit)
            for label, key, unit in KEY_NUMBERS]


def triage(sub: Submission) -> str | None:
    return sub.triage or (sub.result or {}).get("triage")


def matches(sub: Submission) -> dict[str, str | None]:
    """Indication id -> match, in the fixed order; None for every one when unscored."""
    found = {i["id"]: i.get("match") for i in (sub.result or {}).get("indications", [])}
    return {ind: found.get(ind) for ind in INDICATIONS}


def ids(sub: Submission, key: str) -> list[str]:
    """The ids of the result's red_flags, safety or notes, in stored order."""
    return [entry["id"] for entry in (sub.result or {}).get(key, [])]
