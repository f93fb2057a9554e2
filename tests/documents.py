"""Whole answers documents built from the item bank (tests/patients.py names the patients).

``document(bank, as_of, changes)`` walks the bank in order (a condition only names earlier
items) and answers every asked, non-optional item: from ``changes`` when it names the item,
otherwise with a quiet default (yes/no items "no", numbers their minimum, a choice its first
offered code, a multi its stand-alone code or first offered code). A change naming an item the
walk does not ask is an error, so a test cannot silently write an answer the kiosk would refuse.
The spec's vignettes are never copied here: each test states the answers it is about.
"""

from __future__ import annotations

from datetime import date

from questionnaire.answers import check_answers
from questionnaire.bank import Bank, Item

DEFAULT_TEXT = {"patient.name": "Ana Example"}
DEFAULT_BIRTH_DATE = "1980-05-17"


def _default(item: Item) -> object:
    if item.type == "yn":
        return "no"
    if item.type in ("int", "nrs"):
        return item.minimum
    if item.type == "choice":
        return item.offered_codes[0]
    if item.type == "multi":
        return [item.exclusive[0] if item.exclusive else item.offered_codes[0]]
    if item.type == "date":
        return DEFAULT_BIRTH_DATE
    return DEFAULT_TEXT.get(item.id, "text")


def document(bank: Bank, as_of: date, changes: dict | None = None) -> dict:
    """A valid, complete answers document with ``changes`` applied (checked by the bank)."""
    changes = dict(changes or {})
    doc: dict = {}
    for item in bank.items:
        if not bank.is_asked(item, doc, as_of):
            continue
        if item.id in changes:
            doc[item.id] = changes.pop(item.id)
        elif not item.optional:
            doc[item.id] = _default(item)
    if changes:
        raise ValueError(f"not asked in this document: {sorted(changes)}")
    problems = check_answers(bank, doc, as_of)
    if problems:
        raise ValueError(f"invalid test document: {problems}")
    return doc
