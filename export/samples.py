"""Invented submissions for the export tests and for trying the exports by hand.

No real patient: names and answers are made up. ``worst_case`` raises every red flag, every
safety flag and every note with long texts, to prove the PDF still fits on one page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from export import summary
from questionnaire.bank import Bank
from storage.records import Comment, Submission

WHEN = datetime(2026, 11, 24, 9, 14, tzinfo=UTC)

BASE_ANSWERS = {
    "patient.name": "Ana Example", "patient.birth_date": "1980-05-17", "patient.sex": "female",
    "patient.language": "en", "visit.main_problem": "headache", "pain.regions": ["head", "neck"],
    "peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 5,
    "neck.pulls": "no", "neck.tremor": "no", "neck.pain": 3, "ha.any": "no", "back.pain": "no",
    "mf.knots": "no", "mf.widespread": "no",
    "rf.airway_now": "no", "rf.thunderclap": "no", "rf.fever_stiff_neck": "no", "rf.neuro": "no",
    "rf.cancer_immuno": "no", "rf.weight_loss": "no",
    "safety.pregnant": "no", "safety.neuromuscular": "no", "safety.toxin_allergy": "no",
    "safety.milk_allergy": "no", "safety.toxin_before": "no", "safety.blood_thinner": "no",
    "safety.swallow_breath": "no", "safety.skin_infection": "no", "safety.antibiotic_injections": "no",
}

MIGRAINE = {
    "ha.any": "yes", "ha.days": 20, "ha.months": 14, "ha.duration": "4h_to_1d", "ha.one_side": "yes",
    "ha.throbbing": "yes", "ha.pressing": "no", "ha.severity": "severe", "ha.worse_activity": "yes",
    "ha.nausea": "yes", "ha.light": "yes", "ha.sound": "yes", "ha.aura": "no", "ha.migraine_days": 12,
    "ha.disabled": "yes", "ha.med_days": 12, "ha.med_types": ["triptan", "simple"],
    "ha.preventives": ["topiramate"],
    "rf.new_after_50": "no", "rf.pattern_change": "no", "rf.positional": "no", "rf.head_injury": "no",
    "rf.jaw_scalp": "no",
}


def answers(**changes: object) -> dict:
    """The base answers with ``changes`` (keys with "." written as "__": patient__name=...)."""
    doc = dict(BASE_ANSWERS)
    doc.update({k.replace("__", "."): v for k, v in changes.items()})
    return doc


def spanish_migraine() -> dict:
    doc = answers(patient__name="José Núñez Peña", patient__language="es", patient__sex="male",
                  patient__birth_date="1971-02-03")
    doc.update(MIGRAINE)
    doc["visit.concern"] = "Me duele la cabeza casi todos los días; ¡no puedo trabajar así!"
    doc["meds.list"] = "sumatriptán 50 mg, ibuprofeno"
    return doc


def _indication(ind: str, match: str, reasons: list[str]) -> dict:
    off = ind in ("tension_type_headache", "low_back_pain", "myofascial_pain")
    return {"id": ind, "match": match, "evidence": "off_label" if off else "fda_approved",
            "evidence_text": ("Not approved (off-label)." if off else "FDA-approved for adults.")
            + f" Hand-written evidence text for {ind}: a guideline level, a year, the trials behind "
            "it and what they found, about as long as the real texts of the scoring.",
            "reasons": [{"text": r, "items": []} for r in reasons]}


def hand_result(triage: str = "routine", matches: dict[str, str] | None = None,
                red_flags: list[dict] | None = None, safety: list[dict] | None = None,
                notes: list[dict] | None = None, peg: float | None = 6.0) -> dict:
    """A result dict in the shape of the scoring's output contract, written by hand."""
    matches = matches or {}
    inds = [_indication(i, matches.get(i, "unlikely"), [f"Reason for {i}."]) for i in summary.INDICATIONS]
    inds.sort(key=lambda d: summary.MATCHES.index(d["match"]))
    return {"triage": triage, "indications": inds, "red_flags": red_flags or [], "safety": safety or [],
            "notes": notes or [], "peg": peg, "rules_version": "hand-1"}


def submission(doc: dict, result: dict | None = None, sub_id: str = "sub-0001",
               submitted_at: datetime = WHEN, **extra: object) -> Submission:
    return Submission(id=sub_id, answers=doc, language=str(doc.get("patient.language", "en")),
                      questionnaire_version="2026.11.1", submitted_at=submitted_at, result=result,
                      rules_version=(result or {}).get("rules_version"),
                      triage=(result or {}).get("triage"), **extra)


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
                    "items": [r]} for n, r in enumerate(red_ids)],
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
