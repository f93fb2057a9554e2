"""What today's list shows per row, from the store's page of ``ListRow``s. Pure: no Streamlit.

Per row: triage (a row with a contraindication is never a plain "Routine"), name, age, time,
the red flags named (urgent first), the safety flags named (contraindications first), the
indications suggested to discuss, and who reviewed it. ``st.dataframe`` shows every cell as
text, so nothing a patient typed is read as Markdown or HTML.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from export import summary
from export.summary import age  # a list row's age, as every export says it
from questionnaire.bank import Bank
from vocabulary import INDICATION_SHORT_NAMES, ListRow, RedFlag, SafetyFlag, Triage

TRIAGE_TEXT = {"urgent": "URGENT", "review": "Review", "routine": "Routine", None: "Not scored"}
# Each triage text the list can show, with its label colour (Streamlit theme colours).
TRIAGE_COLOURS = {"URGENT": "red", "Review": "orange", "Routine": "green", "Not scored": "gray",
                  "Routine · CI": "orange", "Not scored · CI": "orange", "VOID": "gray"}
RESCORE_MARK = " ·R"  # the row's result was saved by a later re-score: never a new alert
TRIAGE_COLOURS |= {text + RESCORE_MARK: colour for text, colour in TRIAGE_COLOURS.items()
                   if text not in ("VOID", "Not scored", "Not scored · CI")}
SAFETY_MARK = {"contraindication": "CI", "precaution": "P", "clarify": "Ask"}
# A few words per flag, so that a row's flags fit a tablet's list (the detail page has the rest).
SHORT_FLAG = {
    "rf.airway_now": "Airway NOW", "rf.thunderclap": "Thunderclap", "rf.thunderclap_3m": "Thunderclap <3 mo",
    "rf.fever_stiff_neck": "Fever+stiff neck", "rf.fever_headache": "Fever+headache",
    "rf.neuro": "Neuro signs",
    "rf.red_eye": "Red eye", "rf.new_after_50": "New after 50", "rf.recent_onset": "Recent onset",
    "rf.pattern_change": "Pattern change", "rf.positional": "Positional", "rf.posture": "Postural",
    "rf.provoked": "Cough/strain", "rf.pressure_signs": "Pressure signs", "rf.head_injury": "Head injury",
    "rf.recent_head_injury": "Recent head injury", "rf.jaw_scalp": "Jaw/scalp",
    "rf.jaw_claudication": "Jaw claudication",
    "rf.scalp_tender": "Scalp tender", "rf.giant_cell_arteritis": "GCA?", "rf.cancer_immuno": "Cancer/immuno",
    "rf.cancer": "Cancer", "rf.immunosuppressed": "Immunosuppressed", "rf.weight_loss": "Weight loss",
    "rf.saddle": "Saddle numbness", "rf.bladder_bowel": "Bladder/bowel", "rf.leg_weakness": "Leg weakness",
    "rf.both_legs": "Both legs", "rf.sexual_function": "Sexual function", "rf.back_fever": "Back pain+fever",
    "rf.infection_risk": "Infection risk", "rf.trauma": "Trauma", "rf.spinal_infection": "Spinal infection?",
    "rf.spinal_malignancy": "Spinal malignancy?", "rf.acute_dystonia": "Acute dystonia",
    "rf.toxin_spread": "Toxin spread?", "rf.spread_voice": "Spread: voice",
    "rf.spread_vision": "Spread: vision",
    "rf.spread_weakness": "Spread: weakness", "rf.neck_recent_onset": "Neck onset <3 mo",
    "rf.pregnancy_headache": "Pregnancy headache", "rf.anticoagulant_headache": "Anticoag.+headache",
    "rf.anticoagulant_head_injury": "Anticoag.+head injury",
    "safety.pregnant": "Pregnancy", "safety.postpartum_unknown": "Postpartum?",
    "safety.neuromuscular": "Neuromuscular", "safety.toxin_allergy": "Toxin allergy",
    "safety.milk_allergy": "Milk allergy", "safety.toxin_before": "Toxin before",
    "safety.toxin_weeks": "Toxin <12 wk", "safety.blood_thinner": "Blood thinner",
    "safety.swallow_breath": "Swallow/breath", "safety.skin_infection": "Skin infection",
    "safety.antibiotic_injections": "Injected antibiotics", "safety.muscle_relaxant": "Muscle relaxant",
    "safety.anticholinergic": "Anticholinergic", "toxin.prior_side_effects": "Prior side effects",
}


COLUMNS = ("Triage", "Time", "Name", "Age", "Language", "Warning signs", "Safety", "Suggested", "Reviewed")
LANGUAGE_CODES = {"en": "EN", "es": "ES"}
_CUT = re.compile(r" \(| in the last | in \d+ weeks|, or |: ")


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local midnight at the start of ``first`` to local midnight after ``last``, as aware times."""
    tz = datetime.now().astimezone().tzinfo
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def short_label(bank: Bank, flag: RedFlag | SafetyFlag) -> str:
    """A flag's name in a few words: "Thunderclap"; else its clinician label's first clause."""
    flag_id = flag.id
    if flag_id in SHORT_FLAG:
        return SHORT_FLAG[flag_id]
    try:
        label = bank.label(flag_id)
    except KeyError:
        label = flag.text or flag_id
    return _CUT.split(label, maxsplit=1)[0].strip() or flag_id


def triage_text(row: ListRow) -> str:
    shown = TRIAGE_TEXT.get(row.triage, TRIAGE_TEXT[None])
    if row.contraindications and row.triage not in ("urgent", "review"):
        shown = f"{shown} · CI"  # never a plain "Routine" row: a contraindication is listed
    return shown + RESCORE_MARK if row.rescored and row.triage is not None else shown


def warning_signs(bank: Bank, row: ListRow) -> str:
    named = []
    for f in summary.red_flags_in_order(row.result):
        name = short_label(bank, f)
        name = f"!! {name}" if f.level is Triage.URGENT else name
        named.append(f"{name} (unsure)" if f.answer == "unsure" else name)
    return "; ".join(named)


def safety_flags(bank: Bank, row: ListRow) -> str:
    flags = summary.safety_in_order(row.result)  # contraindications first
    return "; ".join(f"{SAFETY_MARK[f.level]}: {short_label(bank, f)}" for f in flags)


def suggestion_text(row: ListRow) -> str:
    if row.triage is None:
        return ""
    return "; ".join(INDICATION_SHORT_NAMES.get(i, i) for i in row.suggested) or "—"


def table_rows(bank: Bank, rows: tuple[ListRow, ...] | list[ListRow], with_date: bool = False) -> list[dict]:
    """One dict per row, in the page's order (the store's: urgent, review, routine; newest first)."""
    shown = []
    for row in rows:
        when = row.submitted_at.astimezone()
        shown.append({
            "Triage": "VOID" if row.void else triage_text(row),  # fits the column on a tablet
            "Time": when.strftime("%d %b %H:%M" if with_date else "%H:%M"),
            "Name": row.name,
            "Age": age(row),
            "Language": LANGUAGE_CODES.get(row.language, row.language),
            "Warning signs": warning_signs(bank, row),
            "Safety": safety_flags(bank, row),
            "Suggested": suggestion_text(row),
            "Reviewed": "✓" if row.reviewed_by else "",
        })
    return shown


# How the tablet's grid lays text out (st.dataframe's canvas; 18 px base font, so 15.75 px cells):
# a line is at most (width - 2 x 8.5 px padding) / CHAR_PX characters, estimated on the wide side
# so that the grid never needs more lines than counted here; a line is LINE_PX tall.
CHAR_PX, WIDE_CHAR_PX, SPACE_PX, PADDING_PX, LINE_PX, ROW_PAD_PX = 7.0, 9.5, 4, 17, 20, 14
WRAP_FROM_PX = 73  # the grid wraps text only in rows taller than 4rem (72 px at 18 px)
MAX_LINES = 4  # a row's height at most; longer lists of flags end in "+N more" (all in the detail)
LISTS = ("Warning signs", "Safety", "Suggested")  # "; "-separated names, urgent / CI first
SEPARATOR = "; "


def _chars(width_px: int) -> int:
    return max(1, int((width_px - PADDING_PX) / CHAR_PX))


def lines_needed(text: object, width_px: int) -> int:
    """Lines ``text`` takes in a column ``width_px`` wide, counted as the grid wraps (at spaces
    and line breaks; a word wider than the line is broken anywhere, so its wide letters count)."""
    usable, lines = width_px - PADDING_PX, 0
    for part in str(text if text is not None else "").split("\n"):
        count, used = 0, 0.0
        for word in part.split():
            wide = len(word) * CHAR_PX
            if wide > usable:  # broken anywhere; the next word starts a line (counted generously)
                count += (1 if used else 0) + math.ceil(len(word) * WIDE_CHAR_PX / usable)
                used = 0.0
            elif used and used + SPACE_PX + wide <= usable:
                used += SPACE_PX + wide
            else:
                count, used = count + (1 if used else 0), wide
        lines += max(1, count + (1 if used else 0))
    return max(1, lines)


def hyphen_breaks(name: str, width_px: int) -> str:
    """A word too long for the column broken after its hyphens ("Hernández-" / "Castellanos"),
    where the grid would otherwise break it anywhere."""
    return " ".join(w.replace("-", "-\n") if len(w) > _chars(width_px) else w for w in name.split(" "))


def fit_list(text: str, width_px: int, lines: int) -> str:
    """A "; "-separated list that fits ``lines`` lines: as many names as fit, in order (the
    most serious first), then "+N more"; nothing is dropped without saying so."""
    if lines_needed(text, width_px) <= lines:
        return text
    names = text.split(SEPARATOR)
    for keep in range(len(names) - 1, 0, -1):
        shorter = SEPARATOR.join(names[:keep]) + f"{SEPARATOR}+{len(names) - keep} more"
        if lines_needed(shorter, width_px) <= lines:
            return shorter
    return f"{names[0]}{SEPARATOR}+{len(names) - 1} more"


def fit_page(shown: list[dict], widths: dict[str, int]) -> tuple[list[dict], int | None]:
    """The page's rows with every cell whole in one row height, and that height (px; None when
    one line fits everything: the grid's own). A name is never shortened: the rows grow to it;
    lists of flags longer than MAX_LINES end in "+N more". ``widths``: text column -> px."""
    names = max((lines_needed(r["Name"], widths["Name"]) for r in shown), default=1)
    limit = max(MAX_LINES, names)
    fitted = [{**r, **{c: fit_list(r[c], widths[c], limit) for c in LISTS if c in widths and r[c]}}
              for r in shown]
    lines = max((lines_needed(r[c], w) for r in fitted for c, w in widths.items()), default=1)
    if lines <= 1:
        return fitted, None
    return fitted, max(WRAP_FROM_PX, lines * LINE_PX + ROW_PAD_PX)


def choice_label(row: ListRow) -> str:
    """How a row is named in the picker: time, name, triage."""
    when = row.submitted_at.astimezone().strftime("%H:%M")
    return f"{when} · {row.name} · {triage_text(row)}"


def summary_line(total: int, urgent: int, not_reviewed: int) -> str:
    return f"{total} submission(s) · {urgent} urgent · {not_reviewed} not reviewed yet"
