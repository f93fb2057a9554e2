"""The named patients of the tests: the one fixture library every test takes a patient from.

Each patient states only the answers it is about (its clinical point); ``documents.document``
walks the bank for everything else (quiet defaults: "no", a number's minimum, the first offered
code) and checks the whole, so a change to the bank cannot leave a patient stale or invalid.
Names and answers are invented; the spec's vignettes are never copied here.
"""

from __future__ import annotations

from datetime import date

from documents import document

from questionnaire.bank import Bank, load_bank

BANK = load_bank()
AS_OF = date(2026, 11, 24)
HOSTILE_TEXT = "**bold** [link](http://x) <b>x</b>"  # typed text that looks like Markdown and HTML


def patient(changes: dict, as_of: date = AS_OF) -> dict:
    """A complete, valid document of this bank: the quiet defaults with ``changes``."""
    return document(BANK, as_of, changes)


def _dotted(changes: dict) -> dict:
    return {k.replace("__", "."): v for k, v in changes.items()}


# ---------------------------------------------------------------- the workspace's three patients
# Spanish-speaking, chronic migraine strong (20 headache days, 12 with migraine features, for a
# year; acute medicine on 8 days); her free texts look like Markdown and HTML.
MIGRAINE_ES = patient({
    "patient.name": "María José Peña", "patient.birth_date": "1980-03-14", "patient.sex": "female",
    "patient.language": "es", "visit.main_problem": "headache", "visit.concern": HOSTILE_TEXT,
    "meds.list": "ibuprofeno 400 mg\nsumatriptán", "pain.regions": ["head", "neck"],
    "peg.pain": 7, "peg.enjoyment": 6, "peg.activity": 8, "neck.pain": 4,
    "ha.any": "yes", "ha.first_started": "1_to_5y", "ha.days": 20, "ha.months": 12,
    "ha.duration": "4h_to_1d", "ha.one_side": "yes", "ha.throbbing": "yes", "ha.severity": "severe",
    "ha.worse_activity": "yes", "ha.nausea": "yes", "ha.light": "yes", "ha.sound": "yes",
    "ha.migraine_days": 12, "ha.disabled": "yes", "ha.med_days": 8, "ha.med_types": ["nsaid", "triptan"],
    "ha.preventives": ["beta_blocker"],
})
# English, low back pain strong (off-label): two years of pain with spasms on 4 days a month.
_LOW_BACK_PAIN = {
    "patient.name": "Tom Baker", "patient.birth_date": "1970-06-01", "patient.sex": "male",
    "patient.language": "en", "visit.main_problem": "back", "pain.regions": ["lower_back"],
    "peg.pain": 5, "peg.enjoyment": 5, "peg.activity": 6, "neck.pain": 1,
    "back.pain": "yes", "back.months": 24, "back.spasms": "yes", "back.spasm_days": 4,
    "back.tried": ["physio", "nsaid"], "safety.pregnant": ["not_applicable"],
}
BACK_EN = patient(_LOW_BACK_PAIN)
# English, the same back pain and a thunderclap headache: urgent.
URGENT_EN = patient(_LOW_BACK_PAIN | {"patient.name": "Ann Urgent", "patient.birth_date": "1990-01-01",
                                      "rf.thunderclap": "yes"})

# ---------------------------------------------------------------- the kiosk's two patients
# English, asked nearly everything: born 1968 (the questions for 50 or over are asked), headaches,
# a pulling neck, back pain and toxin before, so the walk meets every widget kind; an "unsure"
# answer; a name that looks like Markdown and HTML; no urgent sign.
_MARY = {
    "patient.name": "Mary O'Brien *bold* <b>x</b>", "patient.birth_date": "1968-04-12",
    "visit.main_problem": "headache", "visit.concern": "Headaches most days.\nWorse at work.",
    "pain.regions": ["head", "neck", "lower_back"], "peg.pain": 7, "peg.enjoyment": 6, "peg.activity": 5,
    "neck.pulls": "yes", "neck.direction": ["turns_left"], "neck.sensory_trick": "yes", "neck.onset": "years",
    "neck.pain": 4,
    "back.pain": "yes", "back.months": 6, "back.spasms": "yes", "back.spasm_days": 3,
    "back.tried": ["physio", "nsaid"],
    "mood.interest": 1, "mood.nervous": 2, "mood.worry": 1,
    "safety.toxin_before": "yes", "safety.toxin_weeks": 20, "toxin.prior_benefit": "30_to_50",
    "safety.antibiotic_injections": "unsure",
}
_MARY_HEADACHES = {
    "ha.any": "yes", "ha.first_started": "over_5y", "ha.days": 20, "ha.months": 14, "ha.duration": "4h_to_1d",
    "ha.one_side": "yes", "ha.throbbing": "yes", "ha.severity": "severe", "ha.worse_activity": "yes",
    "ha.nausea": "yes", "ha.light": "yes", "ha.sound": "unsure", "ha.migraine_days": 10, "ha.disabled": "yes",
    "ha.med_days": 8, "ha.med_types": ["paracetamol", "triptan"],
    "ha.preventives": ["beta_blocker", "topiramate"],
    "toxin.prior_for": ["migraine"], "toxin.migraine_cycles": 4,
    "toxin.headache_days_change": "fewer_30_to_49",
}
PATIENT_EN = patient(_MARY | _MARY_HEADACHES)
# The same patient in Spanish, a man without headaches (toxin before for his back), Spanish text.
PATIENT_ES = patient(_MARY | {
    "patient.language": "es", "patient.name": "José Núñez", "patient.sex": "male",
    "visit.main_problem": "back", "visit.concern": "Me duele la espalda al caminar.",
    "ha.any": "no", "toxin.prior_for": ["back"],
})

# Every item asked only with headaches (ha.any yes or unsure), wherever its section is: what the
# bank stops asking when PATIENT_EN says no to headaches, and the headache section itself.
HEADACHE_ITEMS = {i.id for i in BANK.in_section("headaches")} | (
    set(PATIENT_EN) - set(BANK.prune(PATIENT_EN | {"ha.any": "no"}, AS_OF)))

# ---------------------------------------------------------------- José, chronic migraine, Spanish
JOSE = {"patient.name": "José Núñez Peña", "patient.language": "es", "patient.sex": "male",
        "patient.birth_date": "1971-02-03",
        "visit.concern": "Me duele la cabeza casi todos los días; ¡no puedo trabajar así!",
        "meds.list": "sumatriptán 50 mg, ibuprofeno"}
# Chronic migraine: 20 headache days a month for 14 months, 12 with migraine features, acute
# medicine on 12 days (two classes), one preventive tried.
_CHRONIC_MIGRAINE = {
    "ha.any": "yes", "ha.days": 20, "ha.months": 14, "ha.first_started": "over_5y", "ha.duration": "4h_to_1d",
    "ha.one_side": "yes", "ha.throbbing": "yes", "ha.pressing": "no", "ha.severity": "severe",
    "ha.worse_activity": "yes", "ha.nausea": "yes", "ha.light": "yes", "ha.sound": "yes", "ha.aura": "no",
    "ha.migraine_days": 12, "ha.disabled": "yes", "ha.med_days": 12, "ha.med_types": ["triptan", "nsaid"],
    "ha.preventives": ["topiramate"],
}
HEADACHE = {  # the chronic migraine after three preventives, with a headache visit's pain and mood
    "visit.main_problem": "headache", "pain.regions": ["head", "neck"],
    "peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 5, **_CHRONIC_MIGRAINE,
    "ha.preventives": ["topiramate", "valproate", "beta_blocker"],
    "mood.interest": 1, "mood.down": 2, "mood.nervous": 2, "mood.worry": 2,
}


def spanish_headache(bank: Bank, as_of: date, **changes: object) -> dict:
    """José with HEADACHE, built from ``bank`` on ``as_of``; ``changes`` write "__" for ".": rf__x="yes"."""
    return document(bank, as_of, JOSE | HEADACHE | _dotted(changes))


# ---------------------------------------------------------------- the exports' base answers
# A woman with headaches (none answered yes), neck pain 3 and a little low mood.
_BASE = {"patient.sex": "female", "visit.main_problem": "headache", "pain.regions": ["head", "neck"],
         "peg.pain": 6, "peg.enjoyment": 7, "peg.activity": 5, "neck.pain": 3,
         "mood.interest": 1, "mood.down": 1, "mood.nervous": 0, "mood.worry": 1}
BASE_ANSWERS = patient(_BASE)
# What chronic migraine adds to BASE_ANSWERS: its answers and the headache-only questions.
MIGRAINE = {k: v for k, v in patient(_BASE | _CHRONIC_MIGRAINE).items() if BASE_ANSWERS.get(k) != v}


def answers(**changes: object) -> dict:
    """BASE_ANSWERS with ``changes`` as given, unchecked (keys write "__" for ".": patient__name=...)."""
    return BASE_ANSWERS | _dotted(changes)


def spanish_migraine() -> dict:
    """José with the chronic migraine (one preventive tried) on the base answers; 50 or over."""
    return patient(_BASE | JOSE | _CHRONIC_MIGRAINE)
