"""Answer documents the kiosk tests type in (no tests here; shared by the kiosk test files)."""

from __future__ import annotations

from questionnaire.bank import load_bank

# Every item asked only with headaches (ha.any yes or unsure), wherever its section is.
HEADACHE_ITEMS = {i.id for i in load_bank().in_section("headaches")} | {
    "rf.red_eye", "rf.fever_headache", "rf.pattern_change", "rf.posture", "rf.provoked",
    "rf.head_injury", "rf.pressure_signs"}

# A complete, valid v3 questionnaire that asks every widget kind; born 1968, so the age-gated
# questions (50 or over) are asked; no urgent sign.
PATIENT_EN = {
    "patient.name": "Mary O'Brien *bold* <b>x</b>",
    "patient.birth_date": "1968-04-12",
    "patient.sex": "female",
    "patient.language": "en",
    "visit.main_problem": "headache",
    "visit.concern": "Headaches most days.\nWorse at work.",
    "pain.regions": ["head", "neck", "lower_back"],
    "peg.pain": 7, "peg.enjoyment": 6, "peg.activity": 5,
    "neck.pulls": "yes", "neck.direction": ["turns_left"], "neck.sensory_trick": "yes",
    "neck.onset": "years", "neck.new_medicine": "no", "neck.tremor": "no", "neck.pain": 4,
    "ha.any": "yes", "ha.first_started": "over_5y", "ha.days": 20, "ha.months": 14, "ha.duration": "4h_to_1d",
    "ha.one_side": "yes",
    "ha.throbbing": "yes", "ha.pressing": "no", "ha.severity": "severe", "ha.worse_activity": "yes",
    "ha.nausea": "yes", "ha.light": "yes", "ha.sound": "unsure", "ha.aura": "no", "ha.migraine_days": 10,
    "ha.disabled": "yes", "ha.med_days": 8, "ha.med_types": ["paracetamol", "triptan"],
    "ha.preventives": ["beta_blocker", "topiramate"], "ha.cgrp_now": "no",
    "back.pain": "yes", "back.months": 6, "back.spasms": "yes", "back.spasm_days": 3, "back.below_knee": "no",
    "back.worsening": "no", "back.tried": ["physio", "nsaid"],
    "mf.knots": "no", "mf.widespread": "no",
    "rf.airway_now": "no", "rf.thunderclap": "no", "rf.fever_stiff_neck": "no", "rf.neuro": "no",
    "rf.red_eye": "no", "rf.thunderclap_3m": "no", "rf.fever_headache": "no", "rf.pattern_change": "no",
    "rf.posture": "no", "rf.provoked": "no", "rf.head_injury": "no", "rf.pressure_signs": "no",
    "rf.recent_head_injury": "no", "rf.jaw_claudication": "no", "rf.scalp_tender": "no",
    "rf.cancer": "no", "rf.immunosuppressed": "no", "rf.weight_loss": "no", "rf.saddle": "no",
    "rf.bladder_bowel": "no", "rf.leg_weakness": "no", "rf.both_legs": "no", "rf.sexual_function": "no",
    "rf.back_fever": "no", "rf.infection_risk": "no", "rf.trauma": "no",
    "mood.interest": 1, "mood.down": 0, "mood.nervous": 2, "mood.worry": 1,
    "safety.pregnant": ["no"], "safety.neuromuscular": "no", "safety.toxin_allergy": "no",
    "safety.milk_allergy": "no", "safety.toxin_before": "yes", "safety.toxin_weeks": 20,
    "toxin.prior_for": ["migraine"], "toxin.prior_benefit": "30_to_50",
    "toxin.migraine_cycles": 4, "toxin.headache_days_change": "fewer_30_to_49",
    "toxin.prior_side_effects": ["none"],
    "safety.blood_thinner": "no", "safety.swallow_breath": "no", "safety.skin_infection": "no",
    "safety.antibiotic_injections": "unsure", "safety.muscle_relaxant": "no", "safety.anticholinergic": "no",
}

# The same patient in Spanish, without headaches, with Spanish free text.
PATIENT_ES = {
    **{k: v for k, v in PATIENT_EN.items()
       if k not in HEADACHE_ITEMS | {"toxin.migraine_cycles", "toxin.headache_days_change"}},
    "patient.language": "es", "patient.name": "José Núñez", "patient.sex": "male",
    "visit.main_problem": "back", "visit.concern": "Me duele la espalda al caminar.",
    "ha.any": "no", "toxin.prior_for": ["back"],
}
