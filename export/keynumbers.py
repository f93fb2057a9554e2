"""The key numbers of a submission: what a prior authorisation for toxin asks, in one row.

The consult PDF and the detail view print the same row (clinical-core.md; issue 8 part 5):
headache days, months at this frequency, migraine-type days, a typical headache of 4 h or
longer, preventive medicines tried (names and classes, by the spec's class table), acute
medicine days and types, a CGRP preventive now, prior toxin cycles for migraine and the
change in headache days, then PEG, PHQ-2 and GAD-2. An unanswered number is "—", never 0.
"""

from __future__ import annotations

from typing import NamedTuple

from export import summary
from questionnaire.bank import Bank
from vocabulary import Submission

NOT_ANSWERED = "—"
CLASS_WORDS = {"antiepileptic": "antiepileptic", "beta_blocker": "beta blocker",
               "antidepressant": "antidepressant", "ace_arb": "ACE inhibitor/ARB",
               "cgrp_antibody": "CGRP antibody", "gepant": "gepant"}
YES_NO = {"yes": "yes", "no": "no", "unsure": "unsure"}


class KeyNumber(NamedTuple):
    label: str
    text: str  # NOT_ANSWERED when the patient gave no answer
    detail: str = ""  # a second, smaller line (names behind a count, the choice behind yes/no)
    span: int = 1  # how many cells of the printed row it takes


def _option_words(bank: Bank, item_id: str, value: object) -> str:
    if not bank.has(item_id):
        return str(value)
    item = bank.item(item_id)
    values = value if isinstance(value, list) else [value]
    return ", ".join(o.label if (o := item.option(str(v))) else str(v) for v in values)


def _count(sub: Submission, item_id: str, unit: str) -> str:
    value = sub.answers.get(item_id)
    return NOT_ANSWERED if value is None else f"{value}{unit}"


def _duration(sub: Submission, bank: Bank) -> KeyNumber:
    value = sub.answers.get("ha.duration")
    if value is None:
        return KeyNumber("4 h or longer", NOT_ANSWERED)
    long = "yes" if value in summary.LONG_DURATIONS else "no"
    return KeyNumber("4 h or longer", long, _option_words(bank, "ha.duration", value))


def _preventives(sub: Submission, bank: Bank) -> KeyNumber:
    codes = sub.answers.get("ha.preventives")
    if not isinstance(codes, list):
        return KeyNumber("Preventive classes", NOT_ANSWERED)
    classes = summary.preventive_classes(sub)
    names = _option_words(bank, "ha.preventives", codes)
    kinds = ", ".join(CLASS_WORDS.get(c, c) for c in classes) or "no class"
    return KeyNumber("Preventive classes", str(len(classes)), f"{kinds}; tried: {names}", span=2)


def _acute(sub: Submission, bank: Bank) -> KeyNumber:
    days = sub.answers.get("ha.med_days")
    types = sub.answers.get("ha.med_types")
    text = NOT_ANSWERED if days is None else f"{days}/month"
    return KeyNumber("Acute med days", text, _option_words(bank, "ha.med_types", types) if types else "")


def _prior_toxin(sub: Submission, bank: Bank) -> KeyNumber:
    cycles = sub.answers.get("toxin.migraine_cycles")
    change = sub.answers.get("toxin.headache_days_change")
    text = NOT_ANSWERED if cycles is None else f"{cycles} cycle{'s' if cycles != 1 else ''}"
    detail = ("headache days: " + _option_words(bank, "toxin.headache_days_change", change)) if change else ""
    return KeyNumber("Toxin cycles", text, detail)


def _score(value: object, scale: str) -> str:
    return NOT_ANSWERED if value is None else f"{value}{scale}"


def key_numbers(sub: Submission, bank: Bank) -> list[KeyNumber]:
    """The row, in the order printed."""
    cgrp = sub.answers.get("ha.cgrp_now")
    return [
        KeyNumber("Headache days", _count(sub, "ha.days", "/month")),
        KeyNumber("At this frequency", _count(sub, "ha.months", " months")),
        KeyNumber("Migraine-type days", _count(sub, "ha.migraine_days", "/month")),
        _duration(sub, bank),
        _preventives(sub, bank),
        _acute(sub, bank),
        KeyNumber("CGRP now", YES_NO.get(str(cgrp), NOT_ANSWERED) if cgrp else NOT_ANSWERED),
        _prior_toxin(sub, bank),
        KeyNumber("PEG", _score(summary.peg(sub), "/10")),
        KeyNumber("PHQ-2", _score(summary.phq2(sub), "/6")),
        KeyNumber("GAD-2", _score(summary.gad2(sub), "/6")),
    ]
