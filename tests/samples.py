"""Invented submissions for the export and workspace tests (moved here from export/samples.py:
no test fixture inside the product; tests/patients.py holds the named patients, built from the
bank by tests/documents.py, tests/strategies.py random documents, and this module stored
submissions and hand-written results).

No real patient: names and answers are made up. ``V2_ANSWERS`` is a stored version-2 document
with the ids v3 retired, read by the scoring's upgrade (written by hand: the v3 bank cannot
build it). ``worst_case`` raises every red flag, every safety flag and every note with long
texts, to prove the PDF still fits on one page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from patients import BASE_ANSWERS, answers

from export import summary
from questionnaire.bank import Bank, load_bank
from vocabulary import Comment, ScreeningResult, Submission, result_from_dict, suggested

WHEN = datetime(2026, 11, 24, 9, 14, tzinfo=UTC)

# A stored version-2 document: the retired ids, safety.pregnant as one code, `simple`.
_NEW_IN_V3 = ("rf.thunderclap_3m", "rf.recent_head_injury", "rf.cancer", "rf.immunosuppressed")
V2_ANSWERS = {k: v for k, v in BASE_ANSWERS.items()
              if not k.startswith(("mood.", "safety.m", "safety.a")) and k not in _NEW_IN_V3} | {
    "rf.cancer_immuno": "yes", "safety.pregnant": "breastfeeding", "safety.antibiotic_injections": "no",
    "ha.any": "yes", "ha.days": 6, "ha.months": 3, "ha.duration": "under_4h", "ha.one_side": "no",
    "ha.throbbing": "no", "ha.pressing": "yes", "ha.severity": "mild", "ha.worse_activity": "no",
    "ha.nausea": "no", "ha.light": "no", "ha.sound": "no", "ha.aura": "no", "ha.migraine_days": 0,
    "ha.disabled": "no", "ha.med_days": 4, "ha.med_types": ["simple"], "ha.preventives": ["none"],
    "rf.new_after_50": "no", "rf.pattern_change": "no", "rf.positional": "unsure", "rf.head_injury": "no",
    "rf.jaw_scalp": "no"}


def _indication(ind: str, match: str, reasons: list[str], v2: bool) -> dict:
    off = ind in ("tension_type_headache", "low_back_pain", "myofascial_pain")
    direction = summary.FIXED_DIRECTION[ind]
    entry = {"id": ind, "match": match,
             "suggested": match in summary.PATTERN_MATCHES and direction != "probably_ineffective",
             "evidence": "off_label" if off else "fda_approved", "evidence_direction": direction,
             "evidence_text": ("Not approved (off-label)." if off else "FDA-approved for adults.")
             + f" Hand-written evidence text for {ind}: a guideline level, a year, the trials behind "
             "it and what they found, about as long as the real texts of the scoring.",
             "reasons": [{"text": r, "items": []} for r in reasons]}
    if v2:  # a version-2 result had neither key
        del entry["suggested"], entry["evidence_direction"]
    return entry


def hand_result(triage: str = "routine", matches: dict[str, str] | None = None,
                red_flags: list[dict] | None = None, safety: list[dict] | None = None,
                notes: list[dict] | None = None, peg: float | None = 6.0, v2: bool = False) -> dict:
    """A result dict in the shape of the scoring's output contract (v3, or v2 with ``v2``), by hand."""
    matches = matches or {}
    inds = [_indication(i, matches.get(i, "unlikely"), [f"Reason for {i}."], v2) for i in summary.INDICATIONS]
    inds.sort(key=lambda d: (not suggested(d), summary.MATCHES.index(d["match"])))
    result = {"triage": triage, "indications": inds, "red_flags": red_flags or [], "safety": safety or [],
              "notes": notes or [], "peg": peg, "phq2": None, "gad2": None, "rules_version": "hand-1"}
    if v2:
        del result["phq2"], result["gad2"]
        result["rules_version"] = "hand-v2"
    return result


V2_QUESTIONNAIRE = "2026.11.1"


def submission(doc: dict, result: dict | ScreeningResult | None = None, sub_id: str = "sub-0001",
               submitted_at: datetime = WHEN, questionnaire_version: str | None = None,
               **extra: object) -> Submission:
    """A stored submission of ``doc`` (questionnaire version: the bank's, or v2 for a v2 document);
    a ``result`` dict is read as the store reads a stored one (``vocabulary.result_from_dict``)."""
    if isinstance(result, dict):
        result = result_from_dict(result)
    if questionnaire_version is None:
        bank = load_bank()
        questionnaire_version = V2_QUESTIONNAIRE if any(k in bank.retired for k in doc) else bank.version
    return Submission(id=sub_id, answers=doc, language=str(doc.get("patient.language", "en")),
                      questionnaire_version=questionnaire_version, submitted_at=submitted_at, result=result,
                      rules_version=result.rules_version if result is not None else None,
                      triage=result.triage.value if result is not None else None, **extra)


LONG = ("This reason is deliberately long so that it wraps across several lines of the page, "
        "naming many answers and thresholds one after another, and it keeps going for a while "
        "to test trimming: ") * 2


def worst_case(bank: Bank) -> Submission:
    """Every flag raised, a 100-character name, 500-character texts, long reasons everywhere."""
    red_ids = [i.id for i in bank.items if i.id.startswith("rf.")] + \
              [d for d in bank.derived if d.startswith("rf.")]
    safety_ids = [i.id for i in bank.items if i.section == "safety" and i.id != "safety.toxin_before"]
    note_ids = [d for d in bank.derived if d.startswith("note.")]
    result = hand_result(
        "urgent", {i: m for i, m in zip(summary.INDICATIONS, ["strong", "strong", "possible",
                                                              "possible", "strong"], strict=True)},
        red_flags=[{"id": r, "level": "urgent" if n % 2 else "review", "answer": "unsure" if n % 3 else "yes",
                    "items": [r], "text": f"{bank.label(r)}: {LONG[:90]}"} for n, r in enumerate(red_ids)],
        safety=[{"id": s, "level": ("contraindication", "precaution", "clarify")[n % 3], "text": LONG}
                for n, s in enumerate(safety_ids)],
        notes=[{"id": n, "text": LONG} for n in note_ids], peg=10.0)
    for ind in result["indications"]:
        ind["evidence_text"] = LONG
        ind["reasons"] = [{"text": f"{k + 1}. {LONG}", "items": []} for k in range(8)]
    name = ("Maria de los Ángeles Guadalupe Fernández-Hernández y Rodríguez de la Concepción Ñúñez "
            "Peñalver Zapatero")[:100]
    doc = answers(patient__name=name, visit__concern="Ñ" + "x" * 30 + " " + "palabra " * 58,
                  meds__list="medicina " * 55)
    comments = (Comment("dr.who", "long comment " * 30, WHEN, 1),)
    return submission(doc, result, sub_id="worst-case-0001", reviewed_by="dr.longname",
                      reviewed_at=WHEN, comments=comments)


def scored(doc: dict, sub_id: str = "sub-0001", submitted_at: datetime = WHEN, **extra: object) -> Submission:
    """A submission of ``doc`` with its real scoring result (scored on the day it was submitted)."""
    from scoring import score

    return submission(doc, score(doc, submitted_at.date()).to_dict(), sub_id, submitted_at, **extra)
