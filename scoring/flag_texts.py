"""The clinician text of every red flag (clinical-core.md, "Red flags", "Output contract").

Asked flags: what the "yes" means and what to do; an "unsure" answer says so first. Derived
flags say why they were derived. A flag raised by an answer the v2 upgrade mapped says so,
naming the v2 id (scoring/upgrade.py). Sources: ../shared/spec/evidence.md.

Changing any text here changes stored output: bump RULES_VERSION (see docs/scoring.md).
"""

from __future__ import annotations

ASKED_TEXTS: dict[str, str] = {
    "rf.airway_now": "Airway or acute dystonic emergency now (throat tight, noisy breathing, cannot speak "
                     "or swallow, jaw locked, or eyes stuck looking up): act now",
    "rf.thunderclap": "Thunderclap headache in the last 4 weeks (full strength within 5 minutes): "
                      "exclude subarachnoid haemorrhage now (NICE CG150)",
    "rf.fever_stiff_neck": "Fever with a stiff neck or a new rash: possible meningitis, act now",
    "rf.neuro": "New or worsening neurological symptoms in the last 4 weeks (weakness, numbness, speech, "
                "confusion, vision loss or fainting; not the usual aura): assess now",
    "rf.red_eye": "Painful red eye with blurred vision or halos: possible acute angle closure (also "
                  "topiramate-induced), same-day eye assessment",
    "rf.thunderclap_3m": "Thunderclap headache 4 weeks to 3 months ago: needs review for a missed "
                         "subarachnoid haemorrhage or vascular cause",
    "rf.fever_headache": "Fever (38 °C or more) or shivering fits with a new or persisting headache: "
                         "systemic or intracranial infection to exclude",
    "rf.pattern_change": "Headaches recently very different or steadily worse: a changed pattern to review",
    "rf.posture": "Orthostatic headache (worse on standing and better lying flat, or the reverse): "
                  "low or raised intracranial pressure (ICHD-3 7.2, 7.1)",
    "rf.provoked": "Headache within seconds of coughing, sneezing or straining (ICHD-3 4.1): "
                   "imaging advised (Chiari malformation in up to 40%)",
    "rf.head_injury": "Headaches began after a head injury: post-traumatic headache to review",
    "rf.pressure_signs": "Visual greying on standing or bending, or pulsatile tinnitus: possible raised "
                         "intracranial pressure, fundoscopy",
    "rf.recent_head_injury": "Head injury or a fall with a blow to the head in the last 4 weeks",
    "rf.jaw_claudication": "New jaw claudication in the last 3 months (age 50 or over)",
    "rf.scalp_tender": "New scalp tenderness in the last 3 months (age 50 or over)",
    "rf.cancer": "History of cancer (not a simply excised non-melanoma skin cancer)",
    "rf.immunosuppressed": "Weakened immune system (HIV, chemotherapy, transplant medicines or long-term "
                           "steroid tablets)",
    "rf.weight_loss": "Unexplained weight loss (not intended, not expected from a medicine)",
    "rf.saddle": "Saddle numbness: possible cauda equina syndrome, emergency MRI (GIRFT 2023)",
    "rf.bladder_bowel": "New trouble controlling or passing urine or stool: possible cauda equina "
                        "syndrome, emergency MRI (GIRFT 2023)",
    "rf.leg_weakness": "Worsening leg weakness: possible cord or nerve-root compression, same-day "
                       "assessment",
    "rf.both_legs": "Pain, numbness or tingling down both legs, new in the last 2 weeks or suddenly worse: "
                    "possible cauda equina syndrome, emergency MRI (GIRFT 2023)",
    "rf.sexual_function": "New genital numbness or loss of sexual function in the last 2 weeks: possible "
                          "cauda equina syndrome, emergency MRI (GIRFT 2023)",
    "rf.back_fever": "Fever or chills with the back pain",
    "rf.infection_risk": "Injects drugs, or spine injection or surgery in the last 3 months",
    "rf.trauma": "Back pain began after a fall or accident: fracture to exclude",
    "rf.spread_voice": "Hoarse or weak voice, or slurred words, since the last toxin injection: "
                       "possible distant spread of toxin (boxed warning), act now",
    "rf.spread_vision": "Double or blurred vision or drooping eyelids since the last toxin injection: "
                        "possible spread of toxin effect",
    "rf.spread_weakness": "Weakness far from the injection site since the last toxin injection: "
                          "possible distant spread of toxin",
}

UNSURE_PREFIX = "Answered unsure, ask: "

DERIVED_TEXTS: dict[str, str] = {
    "rf.acute_dystonia": "Possible acute dystonic reaction: neck pulling began within days of starting or "
                         "raising a medicine; same-day care, not cervical dystonia",
    "rf.toxin_spread": "Possible distant spread of toxin: {why} under 12 weeks after toxin "
                       "(boxed warning); seek medical help now",
    "rf.spinal_infection": "Possible spinal infection: back pain with fever and {why}",
    "rf.giant_cell_arteritis": "Possible giant cell arteritis at {age}: {why}; same-day ESR/CRP and "
                               "assessment (BSR 2020)",
    "rf.anticoagulant_head_injury": "Head injury in the last 4 weeks on a blood thinner: CT head scan "
                                    "within 8 hours (NICE NG232)",
    "rf.neck_recent_onset": "Neck pulling of recent onset (under 3 months): review for a secondary cause",
    "rf.pregnancy_headache": "New or changed headache {when} (pre-eclampsia, cerebral venous thrombosis): "
                             "check blood pressure now",
    "rf.new_after_50": "New headache at {age} (first started in the last year, age 50 or over): review "
                       "for a secondary cause (SNOOP4)",
    "rf.recent_onset": "Headache that first started in the last year{age}: recent onset, review (SNNOOP10)",
    "rf.anticoagulant_headache": "New or changed headache on a blood thinner: intracranial (often "
                                 "subdural) haemorrhage to exclude",
    "rf.spinal_malignancy": "Possible spinal malignancy: prompt imaging ({why}){compression}",
}

COMPRESSION = ("; with {signs}: possible cord or cauda equina compression, same-day MRI (NICE NG234)")


def from_v2(text: str, v2_ids: list[str]) -> str:
    """A flag raised by upgraded answers names the v2 answers it came from."""
    if not v2_ids:
        return text
    answers = "answer" if len(v2_ids) == 1 else "answers"
    return f"{text} (from the v2 {answers} " + ", ".join(f"`{i}`" for i in v2_ids) + ")"
