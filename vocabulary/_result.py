"""The scoring result as frozen typed objects, and ``from_dict`` to read a stored one back.

``ScreeningResult.to_dict()`` is the output contract of clinical-core.md ("Output contract of
the scoring"): key order and values exactly as shown there, so two runs print the same bytes.
``result_from_dict`` reads a stored result (v3, or v2 without ``suggested``,
``evidence_direction`` and flag texts: those come from the contract's fixed table) into the same
objects; the store reads every stored result back so (``Submission.result``), keeping the
JSON object it read in ``source`` for the two exports that promise it byte for byte
(``as_stored()``: the JSON export's ``result``, the FHIR export's exact-result extension).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vocabulary._indications import INDICATION_STATUS, evidence_direction, suggested
from vocabulary._levels import Evidence, EvidenceDirection, Match, SafetyLevel, Triage


@dataclass(frozen=True, slots=True)
class Reason:
    """One checkable statement behind a match, with the item ids it rests on."""

    text: str
    items: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"text": self.text, "items": list(self.items)}


@dataclass(frozen=True, slots=True)
class IndicationResult:
    id: str
    match: Match
    evidence: Evidence
    evidence_text: str
    reasons: tuple[Reason, ...]
    evidence_direction: EvidenceDirection
    suggested: bool  # match strong or possible, and the direction not probably_ineffective

    def to_dict(self) -> dict:
        # ``_value_`` is the enum's plain str (Enum's own attribute; faster than ``.value``).
        return {"id": self.id, "match": self.match._value_, "suggested": self.suggested,
                "evidence": self.evidence._value_, "evidence_direction": self.evidence_direction._value_,
                "evidence_text": self.evidence_text,
                "reasons": [{"text": r.text, "items": list(r.items)} for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A warning sign: a question answered yes/unsure, or a derived flag (answer "yes")."""

    id: str
    level: Triage  # URGENT or REVIEW
    answer: str  # "yes" or "unsure"
    items: tuple[str, ...]
    text: str  # clinician wording; a derived flag says why it was derived

    def to_dict(self) -> dict:
        return {"id": self.id, "level": self.level._value_, "answer": self.answer, "items": list(self.items),
                "text": self.text}


@dataclass(frozen=True, slots=True)
class SafetyFlag:
    id: str
    level: SafetyLevel
    text: str

    def to_dict(self) -> dict:
        return {"id": self.id, "level": self.level._value_, "text": self.text}


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    text: str

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Everything the scoring concludes from one answers document on one scoring date."""

    triage: Triage
    indications: tuple[IndicationResult, ...]  # suggested, other strong/possible, unlikely
    red_flags: tuple[RedFlag, ...]  # asked (table order) before derived (table order)
    safety: tuple[SafetyFlag, ...]
    notes: tuple[Note, ...]
    peg: float | None
    rules_version: str
    phq2: int | None = None
    gad2: int | None = None
    # Outside the output JSON (the contract's object has no such keys); see docs/scoring.md.
    rescore: bool = False  # a re-score of a stored submission: never a new alert
    upgraded_from: tuple[str, ...] = ()  # the v2 ids the upgrade read (empty for a v3 document)
    # The JSON object this result was read from (a stored or imported one), else None. Not
    # compared: a stored result equals the same result scored again. Never modify it.
    source: Mapping | None = field(default=None, compare=False, repr=False)

    def indication(self, indication_id: str) -> IndicationResult:
        return next(i for i in self.indications if i.id == indication_id)

    @property
    def alerts(self) -> bool:
        """Whether this result may show the patient the urgent instruction: never for a re-score."""
        return self.triage is Triage.URGENT and not self.rescore

    def as_stored(self) -> Mapping:
        """The JSON object exactly as stored (a v2 one without the keys v3 added), else ``to_dict()``."""
        return self.source if self.source is not None else self.to_dict()

    def to_dict(self) -> dict:
        """The spec's output JSON object, keys in the spec's order."""
        return {
            "triage": self.triage._value_,
            "indications": [i.to_dict() for i in self.indications],
            "red_flags": [f.to_dict() for f in self.red_flags],
            "safety": [f.to_dict() for f in self.safety],
            "notes": [n.to_dict() for n in self.notes],
            "peg": self.peg,
            "phq2": self.phq2,
            "gad2": self.gad2,
            "rules_version": self.rules_version,
        }


# value -> member of each level enum: a stored result is read for every row on the list's page
# and every submission exported, and an Enum call costs about ten times a dict lookup.
_MEMBERS = {kind: {member.value: member for member in kind}
            for kind in (Triage, Match, Evidence, EvidenceDirection, SafetyLevel)}


def _member(kind, value):
    """``kind(value)``, as fast as a lookup; the same ValueError as the Enum call for a bad value."""
    try:
        return _MEMBERS[kind][value]
    except (KeyError, TypeError):
        raise ValueError(f"{value!r} is not a valid {kind.__name__}") from None


def _reasons(raw) -> tuple[Reason, ...]:
    out = []
    for r in raw or []:
        if isinstance(r, Mapping):
            out.append(Reason(str(r.get("text", "")), tuple(r.get("items") or ())))
        else:  # a v2 reason was a plain string
            out.append(Reason(str(r), ()))
    return tuple(out)


def _status(indication_id: str) -> Evidence:
    """The contract's fixed regulatory status, for a stored indication that does not say it."""
    return INDICATION_STATUS[indication_id][0]


def _indication(ind: Mapping) -> IndicationResult:
    return IndicationResult(
        id=ind["id"], match=_member(Match, ind["match"]),
        evidence=_member(Evidence, ind.get("evidence") or _status(ind["id"])),
        evidence_text=str(ind.get("evidence_text", "")), reasons=_reasons(ind.get("reasons")),
        evidence_direction=_member(EvidenceDirection, evidence_direction(ind)), suggested=suggested(ind))


def result_from_dict(data: Mapping, *, rescore: bool = False) -> ScreeningResult:
    """A stored result dict as a ``ScreeningResult`` (ValueError/KeyError/TypeError when it is no
    result); ``rescore``: it was saved by a later re-score. ``data`` is kept as ``source``."""
    return ScreeningResult(
        triage=_member(Triage, data["triage"]),
        indications=tuple(_indication(i) for i in data.get("indications", [])),
        red_flags=tuple(RedFlag(f["id"], _member(Triage, f["level"]), str(f.get("answer", "yes")),
                                tuple(f.get("items") or ()), str(f.get("text") or ""))
                        for f in data.get("red_flags", [])),
        safety=tuple(SafetyFlag(f["id"], _member(SafetyLevel, f["level"]), str(f.get("text") or ""))
                     for f in data.get("safety", [])),
        notes=tuple(Note(n["id"], str(n.get("text") or "")) for n in data.get("notes", [])),
        peg=data.get("peg"), rules_version=str(data.get("rules_version", "")),
        phq2=data.get("phq2"), gad2=data.get("gad2"), rescore=rescore, source=data)
