"""Every fixed clinician text the scoring prints, in one place so a clinician can update it.

Sources: ../shared/spec/evidence.md (US onabotulinumtoxinA prescribing information; Simpson 2016,
AAN guideline update; Naumann 2008, AAN assessment of pain; Herd 2018, Cochrane; ICHD-3 2018;
NICE TA260; ACR 2016). Each level is shown with its year. Currency: the AAN 2008 pain
assessment is retired; sources disagree on whether the AAN 2016 update was reaffirmed (2022)
or retired (2025), so the texts say "AAN 2016" and let the reader judge.

Changing any text here changes stored output: bump RULES_VERSION (see docs/scoring.md).
"""

from __future__ import annotations

from vocabulary import INDICATION_STATUS, INDICATIONS, Evidence, EvidenceDirection, SafetyLevel

INDICATION_ORDER = INDICATIONS  # the fixed order and the status table live in vocabulary

# Said wherever AAN 2016 is cited (evidence.md, "Currency").
AAN_2016_CURRENCY = "Currency of AAN 2016 disputed: reaffirmed 2022 or retired 2025."

# indication id -> short sourced evidence text
INDICATION_TEXTS: dict[str, str] = {
    "cervical_dystonia": (
        "FDA-approved for adults to reduce abnormal head position and neck pain (onabotulinumtoxinA "
        "label). AAN 2016: onabotulinumtoxinA Level B (probably effective); abobotulinumtoxinA and "
        "rimabotulinumtoxinB Level A. AAN 2008: toxins as a class Level A. " + AAN_2016_CURRENCY
    ),
    "chronic_migraine": (
        "FDA-approved 2010 for adults with chronic migraine (15 or more headache days a month, "
        "lasting 4 h or more); PREEMPT: 155 U at 31 sites every 12 weeks. AAN 2016 Level A "
        "(established effective). Cochrane 2018: about 2 fewer migraine days a month than placebo. "
        + AAN_2016_CURRENCY
    ),
    "tension_type_headache": (
        "Not approved (off-label). AAN 2016 Level B: probably ineffective for tension-type headache, "
        "should not be considered. " + AAN_2016_CURRENCY
    ),
    "low_back_pain": (
        "Not approved (off-label). AAN 2008 Level C: possibly effective, from one class II study; "
        "that assessment is now retired. Cochrane: low or very low quality evidence."
    ),
    "myofascial_pain": (
        "Not approved (off-label). Not rated by AAN (2008, 2016); reviews find the evidence "
        "insufficient or conflicting (Level U); Cochrane inconclusive."
    ),
}
# indication id -> (regulatory status, evidence direction, short sourced evidence text)
INDICATION_EVIDENCE: dict[str, tuple[Evidence, EvidenceDirection, str]] = {
    ind: (*INDICATION_STATUS[ind], INDICATION_TEXTS[ind]) for ind in INDICATIONS}

# Named in the reasons of a tension-type match: toxin is not recommended there (evidence.md).
TENSION_ALTERNATIVES = (
    "Pattern present, toxin not recommended (AAN 2016 Level B: probably ineffective): guideline "
    "alternatives for chronic tension-type headache are amitriptyline first (EFNS 2010), with "
    "psychological and physical therapies.")
CM_EXCLUDES_TENSION = ("≥ 15 headache days with ≥ 8 migraine-type days: ICHD-3 1.3 chronic migraine, "
                       "which excludes tension-type headache")
ON_TREATMENT = ("On treatment: the pre-treatment baseline decides (the answers describe the months "
                "on toxin for migraine; see note.treated_migraine)")

# note id -> text; {placeholders} are filled with the answers that raised the note.
NOTE_TEXTS: dict[str, str] = {
    "note.episodic_migraine":
        "Migraine features on {days} headache days a month: an episodic pattern, where toxin is "
        "established ineffective (AAN 2016 Level A). A month's headache diary settles the count.",
    "note.treated_migraine":
        "On toxin for migraine and now {days} headache days a month: a treated chronic migraine; the "
        "diagnosis rests on the pre-treatment baseline. NICE TA260 stops treatment when migraine has "
        "been episodic (under 15 headache days a month) for 3 consecutive months, so reassess; US "
        "payers usually continue for responders: check the policy.",
    "note.medication_overuse":
        "Acute headache medicine on {med_days} days a month ({med_types}): medication-overuse "
        "headache if this has gone on for more than 3 months (ICHD-3 8.2: 10 or more days for "
        "triptans, ergots, combinations or opioids, or for two or more classes together; 15 or more "
        "for paracetamol or NSAIDs). Overuse does not rule out onabotulinumtoxinA, but should be "
        "managed alongside it (NICE TA260).",
    "note.prior_auth_preventives":
        "{medicines} preventive medicine(s) from {classes} class(es) recorded ({preventives}); US payers "
        "commonly ask for 2 classes; NICE TA260 asks for 3 preventive medicines (not classes), "
        "including those not tolerated or unsuitable.",
    "note.cgrp_combination":
        "Currently on a CGRP preventive: some payers do not cover toxin together with a CGRP "
        "preventive; check the policy.",
    "note.radicular":
        "Pain shoots below the knee: radicular pain; consider assessment for nerve-root compression.",
    "note.no_conservative_treatment":
        "No conservative treatment for the back pain recorded (back.tried: {tried}).",
    "note.fibromyalgia":
        "Widespread pain with tiredness, unrefreshing sleep or trouble thinking: consider "
        "fibromyalgia (ACR 2016 criteria).",
    "note.prior_nonresponse":
        "After {cycles} toxin cycles for migraine, headache days are {change}: NICE TA260 stops toxin "
        "for chronic migraine when headache days fall by less than 30% after 2 treatment cycles.",
    "note.paediatric":
        "Patient is {age} years old: most indications are approved for adults only "
        "(cervical dystonia from 16, chronic migraine from 18).",
    "note.depression_screen":
        "PHQ-2 {score} of 6 (positive at 3): positive depression screen; follow with a PHQ-9 or a "
        "clinical assessment, including asking about self-harm, the same day.",
    "note.anxiety_screen":
        "GAD-2 {score} of 6 (positive at 3): positive anxiety screen; follow with a GAD-7 or a "
        "clinical assessment.",
}

# (safety id, level) -> text; {answer} is the answer that raised the flag.
SAFETY_TEXTS: dict[tuple[str, SafetyLevel], str] = {
    ("safety.pregnant", SafetyLevel.PRECAUTION):
        "Pregnancy status: {answer}. No adequate human data on toxin in pregnancy or breastfeeding.",
    ("safety.postpartum_unknown", SafetyLevel.CLARIFY):
        "Breastfeeding recorded by the v2 questionnaire, which could not record a birth in the last "
        "12 weeks as well: ask.",
    ("safety.neuromuscular", SafetyLevel.PRECAUTION):
        "Nerve-muscle disease (myasthenia gravis, Lambert-Eaton, ALS or other): higher risk of "
        "weakness, swallowing and breathing problems (label warning).",
    ("safety.toxin_allergy", SafetyLevel.CONTRAINDICATION):
        "Allergic reaction to a botulinum toxin product: hypersensitivity is a contraindication (label).",
    ("safety.milk_allergy", SafetyLevel.PRECAUTION):
        "Cow's milk protein allergy: abobotulinumtoxinA (Dysport) may contain milk protein.",
    ("safety.toxin_weeks", SafetyLevel.PRECAUTION):
        "Last toxin injection {answer} weeks ago: re-treatment usually no sooner than 12 weeks; "
        "at most 400 U in 3 months across indications.",
    ("toxin.prior_side_effects", SafetyLevel.PRECAUTION):
        "Problems after earlier toxin: {answer}.",
    ("safety.blood_thinner", SafetyLevel.PRECAUTION):
        "Takes a blood thinner: bleeding or bruising at injection sites; practice varies.",
    ("safety.swallow_breath", SafetyLevel.PRECAUTION):
        "Trouble swallowing or breathing: highest risk from distant spread of toxin effect "
        "(boxed warning).",
    ("safety.skin_infection", SafetyLevel.CONTRAINDICATION):
        "Infection or open skin problem where it hurts: infection at the injection site is a "
        "contraindication (label).",
    ("safety.antibiotic_injections", SafetyLevel.PRECAUTION):
        "Receiving antibiotic injections or drips: aminoglycosides (gentamicin; also inhaled "
        "tobramycin) can strengthen toxin effect (label, drug interactions).",
    ("safety.muscle_relaxant", SafetyLevel.PRECAUTION):
        "Takes a muscle relaxant (tizanidine, cyclobenzaprine, baclofen, methocarbamol, carisoprodol "
        "or a curare-like drug): may add to toxin weakness (label, drug interactions).",
    ("safety.anticholinergic", SafetyLevel.PRECAUTION):
        "Takes an anticholinergic medicine: may add to systemic anticholinergic effects of toxin "
        "(label, drug interactions).",
}

# A clarify flag: "unsure" to a yes/no safety item, or safety.pregnant = unsure.
CLARIFY_TEXT = "Answered unsure: {label}. Clarify with the patient before any injection."
