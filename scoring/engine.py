"""The scoring: a pure function of an answers document and the scoring date.

``score`` first reads a stored version-2 document under v3 (scoring/upgrade.py; nothing changes
in a v3 document), validates it with the questionnaire's own check (one source of truth for
types, ranges, options, asked-when, unknown ids and the cross-item rule), then applies the
rules. ``score_batch`` is the ``--jsonl`` path: one result (or error) dict per input line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from questionnaire.answers import InvalidAnswers, check_answers
from questionnaire.bank import Bank, load_bank
from scoring.evidence import INDICATION_EVIDENCE, INDICATION_ORDER
from scoring.flags import asked_red_flags, derived_red_flags, triage
from scoring.indications import RULES
from scoring.notes import gad2, notes, phq2
from scoring.safety import raises_triage, safety_flags
from scoring.upgrade import Upgraded, name_as_written, upgrade
from vocabulary import IndicationResult, Match, ScreeningResult, is_suggested

# Bump whenever a rule or a fixed text changes (docs/scoring.md, "RULES_VERSION").
# Form: YYYY.MM.DD[.n] of the change. tests/test_scoring_contract.py (RECORDED) pins the rules' sources.
# 2026.12.01: clinical contract version 3 (every v2 version was 2026.11.24[.n]).
RULES_VERSION = "2026.12.01"

PEG_ITEMS = ("peg.pain", "peg.enjoyment", "peg.activity")


def peg(a: Mapping[str, object]) -> float | None:
    """Mean of the three PEG items to one decimal; None when any is unanswered (Krebs 2009)."""
    values = [a.get(i) for i in PEG_ITEMS]
    if None in values:
        return None
    # A mean of three whole numbers ends in .0, .33.. or .66..: never a rounding tie.
    return round(sum(values) / 3, 1)  # type: ignore[arg-type]


def _group(r: IndicationResult) -> tuple[int, int]:
    """Suggested first, then the other strong or possible ones, then unlikely; strongest first."""
    return (0 if r.suggested else 2 if r.match is Match.UNLIKELY else 1), r.match.rank


def _indications(a: Mapping[str, object], bank: Bank, as_of: date) -> tuple[IndicationResult, ...]:
    results = []
    for ind_id in INDICATION_ORDER:
        match, reasons = RULES[ind_id](a, bank, as_of)
        evidence, direction, text = INDICATION_EVIDENCE[ind_id]
        suggested = is_suggested(match, direction)
        results.append(IndicationResult(ind_id, match, evidence, text, reasons, direction, suggested))
    return tuple(sorted(results, key=_group))  # stable: ties keep the fixed order


NOT_UPGRADED = Upgraded({})


def score_valid(a: Mapping[str, object], as_of: date, bank: Bank, upgraded: Upgraded = NOT_UPGRADED,
                rescore: bool = False) -> ScreeningResult:
    """The rules on a (v3, upgraded) document already known to be valid."""
    indications = _indications(a, bank, as_of)
    migraine = next(i.match for i in indications if i.id == "chronic_migraine")
    sources = upgraded.sources
    flags = asked_red_flags(a, sources) + derived_red_flags(a, as_of, sources)
    safety = safety_flags(a, bank, upgraded.postpartum_unknown)
    return ScreeningResult(
        triage=triage(flags, raises_triage(a, safety)), indications=indications, red_flags=tuple(flags),
        safety=tuple(safety), notes=tuple(notes(a, as_of, migraine)), peg=peg(a),
        rules_version=RULES_VERSION, phq2=phq2(a), gad2=gad2(a), rescore=rescore,
        upgraded_from=upgraded.v2_ids,
    )


def read_v3(bank: Bank, answers: object, as_of: date) -> tuple[dict, Upgraded]:
    """Upgrade (a v2 document), then validate: the valid v3 document and what the upgrade did.

    Raises ``InvalidAnswers`` naming every bad item as the document wrote it (a problem with an
    upgraded answer names the v2 id it came from).
    """
    if isinstance(answers, Mapping) and not isinstance(answers, dict):
        answers = dict(answers)
    up = upgrade(answers, as_of)  # type: ignore[arg-type]
    doc = up.answers if up.answers is answers else dict(up.answers)
    problems = check_answers(bank, doc, as_of)
    if problems:
        raise InvalidAnswers(name_as_written(problems, up), bank)
    return doc, up  # type: ignore[return-value]


def score(answers: Mapping[str, object], as_of: date, *, rescore: bool = False) -> ScreeningResult:
    """Score one answers document (v3, or a stored v2 one: upgraded first) on ``as_of``.

    ``rescore=True`` marks the result as a re-score of a stored submission (``result.rescore``;
    never a new alert, see ``ScreeningResult.alerts``); the mark is not part of the output JSON.
    Raises ``questionnaire.answers.InvalidAnswers`` (naming every bad item) when the document
    breaks the bank's rules. Partial documents are fine: unanswered is never guessed.
    """
    bank = load_bank()
    doc, up = read_v3(bank, answers, as_of)
    return score_valid(doc, as_of, bank, up, rescore)


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
        valid, up = read_v3(bank, doc, as_of)
        return score_valid(valid, as_of, bank, up).to_dict()
    except InvalidAnswers as exc:
        return error_entry(str(exc), line, exc.items)


def score_batch(lines: Iterable[str | bytes], as_of: date) -> Iterator[dict]:
    """Score one document per line, yielding one dict per line, in order (errors in place).

    Lines may be ``str`` or UTF-8 ``bytes`` (a line that is not UTF-8 is an error line).
    """
    bank = load_bank()
    for number, text in enumerate(lines, start=1):
        yield score_line(text, number, as_of, bank)
