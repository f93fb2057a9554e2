"""JSON export: each submission's answers, scoring result and metadata, exactly as stored.

``to_json(sub)`` gives one object, ``to_json([sub, ...])`` a list. Text is UTF-8 and not
escaped (``ensure_ascii=False``), so accents, right-to-left marks and emoji are kept byte for
byte. ``from_json`` reads the same shape back into ``Submission`` records.

Format version 2 adds ``derived``: what every export carries beside the stored result, under
stable names: ``peg``, ``phq2``, ``gad2``, ``preventive_classes`` (count),
``preventive_class_names``, and per indication ``suggested`` and ``evidence_direction`` (taken
from the stored result when it has them, derived by ``export.summary`` for a version-2 result).
``result`` stays exactly as stored (never rewritten); reading ignores ``derived``.

``rescore`` (beside ``result``, outside the contract's result object): true when the result was
saved by a later re-score (``python -m clinic rescore``), which is never a new alert. Added
within format version 2: a reader that does not know it ignores it, and a document without it
reads as an original result.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

from export import summary
from vocabulary import Comment, ScreeningResult, Submission, result_from_dict

FORMAT = "botox-screener/submission"
FORMAT_VERSION = 2


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def document(sub: Submission) -> dict:
    """The JSON-ready dict of one submission."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "id": sub.id, "submitted_at": _time(sub.submitted_at), "language": sub.language,
        "questionnaire_version": sub.questionnaire_version, "rules_version": sub.rules_version,
        "triage": sub.triage, "reviewed_by": sub.reviewed_by, "reviewed_at": _time(sub.reviewed_at),
        "void": sub.void is not None, "rescore": sub.rescored,
        "comments": [{"version": c.version, "author": c.author, "written_at": _time(c.written_at),
                      "text": c.text} for c in sub.comments],
        "answers": sub.answers,
        "result": None if sub.result is None else sub.result.as_stored(),
        "derived": derived(sub),
    }


def derived(sub: Submission) -> dict:
    """The derived scores and, per indication, suggested and evidence_direction (None unscored)."""
    suggested, directions = summary.suggested_by_indication(sub), summary.directions(sub)
    per_indication = {ind: {"suggested": suggested[ind], "evidence_direction": directions[ind]}
                      for ind in summary.INDICATIONS}
    return summary.derived_scores(sub) | {"indications": per_indication}


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_one(sub: Submission, out: BinaryIO) -> None:
    out.write((_dumps(document(sub)) + "\n").encode("utf-8"))


def write_json(subs: Iterable[Submission], out: BinaryIO) -> None:
    """A JSON list, one object written per submission as it comes (byte for byte what
    ``json.dumps(list, indent=2)`` gives: JSON text holds no raw line break but the indent's)."""
    first = True
    for sub in subs:
        out.write(b"[\n  " if first else b",\n  ")
        out.write(_dumps(document(sub)).replace("\n", "\n  ").encode("utf-8"))
        first = False
    out.write(b"[]\n" if first else b"\n]\n")


def to_json(subs: Submission | Iterable[Submission]) -> bytes:
    """UTF-8 JSON bytes: one object for one submission, a list for several."""
    out = io.BytesIO()
    (write_one if isinstance(subs, Submission) else write_json)(subs, out)
    return out.getvalue()


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def from_document(data: dict) -> Submission:
    if data.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}, got {data.get('format')!r}")
    comments = tuple(Comment(author=c["author"], text=c["text"], written_at=_parse_time(c["written_at"]),
                             version=c["version"]) for c in data.get("comments", []))
    return Submission(
        id=data["id"], answers=data["answers"], language=data["language"],
        questionnaire_version=data["questionnaire_version"], submitted_at=_parse_time(data["submitted_at"]),
        result=_result(data), rules_version=data["rules_version"], triage=data["triage"],
        reviewed_by=data["reviewed_by"], reviewed_at=_parse_time(data["reviewed_at"]), comments=comments)


def _result(data: dict) -> ScreeningResult | None:
    stored = data["result"]
    return None if stored is None else result_from_dict(stored, rescore=data.get("rescore") is True)


def from_json(raw: bytes | str) -> Submission | list[Submission]:
    data = json.loads(raw)
    return [from_document(d) for d in data] if isinstance(data, list) else from_document(data)
