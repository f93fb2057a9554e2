"""The scoring: a pure function of an answers document and the scoring date.

``score`` validates the document with the questionnaire's own check (one source of truth for
types, ranges, options, asked-when, unknown ids and the cross-item rule), then applies the
rules. ``score_batch`` is the ``--jsonl`` path: one result (or error) dict per input line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from questionnaire.answers import InvalidAnswers, require_valid
from questionnaire.bank import Bank, load_bank
from scoring.evidence import INDICATION_EVIDENCE, INDICATION_ORDER
from scoring.flags import asked_red_flags, derived_red_flags, triage
from scoring.indications import RULES
from scoring.notes import notes
from scoring.safety import safety_flags
from scoring.types import IndicationResult, Match, ScreeningResult

# Bump whenever a rule or a fixed text changes (docs/scoring.md, "RULES_VERSION").
# Form: YYYY.MM.DD[.n] of the change. tests/test_scoring_contract.py (RECORDED) pins the rules' sources.
RULES_VERSION = "2026.11.24.1"

PEG_ITEMS = ("peg.pain", "peg.enjoyment", "peg.activity")


def peg(a: Mapping[str, object]) -> float | None:
    """Mean of the three PEG items to one decimal; None when any is unanswered (Krebs 2009)."""
    values = [a.get(i) for i in PEG_ITEMS]
    if None in values:
        return None
    # A mean of three whole numbers ends in .0, .33.. or .66..: never a rounding tie.
    return round(sum(values) / 3, 1)  # type: ignore[arg-type]


_STRONGEST_FIRST = tuple(sorted(Match, key=lambda m: m.rank))


def _indications(a: Mapping[str, object], bank: Bank) -> tuple[IndicationResult, ...]:
    results = []
    for ind_id in INDICATION_ORDER:
        match, reasons = RULES[ind_id](a, bank)
        evidence, text = INDICATION_EVIDENCE[ind_id]
        results.append(IndicationResult(ind_id, match, evidence, text, reasons))
    # Strongest first, ties in the fixed order: a stable sort on Match.rank, without the sort.
    return tuple([r for level in _STRONGEST_FIRST for r in results if r.match is level])


def score_valid(a: Mapping[str, object], as_of: date, bank: Bank) -> ScreeningResult:
    """The rules on a document already known to be valid."""
    indications = _indications(a, bank)
    migraine = next(i.match for i in indications if i.id == "chronic_migraine")
    flags = asked_red_flags(a) + derived_red_flags(a, as_of)
    return ScreeningResult(
        triage=triage(flags), indications=indications, red_flags=tuple(flags),
        safety=tuple(safety_flags(a, bank)), notes=tuple(notes(a, as_of, migraine)),
        peg=peg(a), rules_version=RULES_VERSION,
    )


def score(answers: Mapping[str, object], as_of: date) -> ScreeningResult:
    """Score one answers document on ``as_of``.

    Raises ``questionnaire.answers.InvalidAnswers`` (naming every bad item) when the document
    breaks the bank's rules. Partial documents are fine: unanswered is never guessed.
    """
    bank = load_bank()
    doc = dict(answers) if isinstance(answers, Mapping) and not isinstance(answers, dict) else answers
    return score_valid(require_valid(bank, doc, as_of), as_of, bank)


class DuplicateId(ValueError):
    """An answers document that names the same id twice: which answer counts is not clear."""


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        twice = sorted({k for k, _ in pairs if k in seen or seen.add(k)})  # type: ignore[func-returns-value]
        raise DuplicateId(", ".join(twice))
    return doc


# Built once: json.loads(text, **kw) builds a new decoder on every call.
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)
_PLAIN = json.JSONDecoder()  # without the hook: several times faster, but blind to repeats


def parse_document(text: str) -> dict:
    """JSON text to an answers document; a repeated id is an error, never last-one-wins.

    Fast path: the plain decoder, then a count. Every ":" in JSON text either ends a key or
    sits inside a string, and a repeated key leaves the object with fewer keys than the text
    has. So when the result is one object with exactly as many keys as the text has ":", no
    key was repeated, none is nested, and no string holds a ":". Anything else (an error, a
    nested object, a ":" in a string) is decoded again with the checking decoder, which also
    gives exactly the error the checking decoder alone would give.
    """
    try:
        doc = _PLAIN.decode(text)
        if type(doc) is dict and len(doc) == text.count(":"):
            return doc
    except (ValueError, RecursionError):
        pass
    return _DECODER.decode(text)


def error_entry(message: str, line: int, items: list[str]) -> dict:
    return {"error": message, "line": line, "items": items}


def score_line(text: str | bytes, line: int, as_of: date, bank: Bank) -> dict:
    """One ``--jsonl`` line to its result dict, or to an error dict naming the bad items."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return error_entry(f"not UTF-8 text: {exc.reason} at byte {exc.start}", line, [])
    if not text.strip():
        return error_entry("blank line: expected one answers document (a JSON object)", line, [])
    try:
        doc = parse_document(text)
    except DuplicateId as exc:
        return error_entry(f"an id appears more than once: {exc}", line, str(exc).split(", "))
    except (ValueError, RecursionError) as exc:
        return error_entry(f"not valid JSON: {exc}", line, [])
    try:
        return score_valid(require_valid(bank, doc, as_of), as_of, bank).to_dict()
    except InvalidAnswers as exc:
        return error_entry(str(exc), line, exc.items)


def score_batch(lines: Iterable[str | bytes], as_of: date) -> Iterator[dict]:
    """Score one document per line, yielding one dict per line, in order (errors in place).

    Lines may be ``str`` or UTF-8 ``bytes`` (a line that is not UTF-8 is an error line).
    """
    bank = load_bank()
    for number, text in enumerate(lines, start=1):
        yield score_line(text, number, as_of, bank)
