"""What today's list shows per row, from the store's page of ``ListRow``s. Pure: no Streamlit.

Per row: triage (a row with a contraindication is never a plain "Routine"), name, age, time,
the red flags named (urgent first), the safety flags named (contraindications first), the
indications suggested to discuss, and who reviewed it. ``st.dataframe`` shows every cell as
text, so nothing a patient typed is read as Markdown or HTML.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from questionnaire.answers import age_on
from questionnaire.bank import Bank
from storage.records import ListRow

TRIAGE_TEXT = {"urgent": "URGENT", "review": "Review", "routine": "Routine", None: "Not scored"}
TRIAGE_COLOUR = {"URGENT": "#fde0dd", "Review": "#fff1cc", "Routine": "#e6f4ea", "Not scored": "#eeeeee"}


def triage_colour(shown: str) -> str:
    """The cell style of a Triage cell: a marked routine row is coloured as needing a look."""
    colour = TRIAGE_COLOUR.get(shown) or TRIAGE_COLOUR["Review"]
    return f"background-color: {colour}; font-weight: 600"
SAFETY_MARK = {"contraindication": "⛔", "precaution": "△", "clarify": "?"}
RED_ORDER = {"urgent": 0, "review": 1}
SAFETY_ORDER = {"contraindication": 0, "precaution": 1, "clarify": 2}
SHORT_INDICATION = {
    "cervical_dystonia": "cervical dystonia",
    "chronic_migraine": "chronic migraine",
    "tension_type_headache": "tension-type headache",
    "low_back_pain": "low back pain",
    "myofascial_pain": "myofascial pain",
}
COLUMNS = ("Triage", "Time", "Name", "Age", "Language", "Warning signs", "Safety", "Suggested", "Reviewed")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
_CUT = re.compile(r" \(| in the last | in \d+ weeks|, or |: ")


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local midnight at the start of ``first`` to local midnight after ``last``, as aware times."""
    tz = datetime.now().astimezone().tzinfo
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def short_label(bank: Bank, flag: dict) -> str:
    """A flag's clinician name, cut to its first clause: "Thunderclap headache"."""
    flag_id = str(flag.get("id", ""))
    try:
        label = bank.label(flag_id)
    except KeyError:
        label = str(flag.get("text") or flag_id)
    return _CUT.split(label, maxsplit=1)[0].strip() or flag_id


def triage_text(row: ListRow) -> str:
    shown = TRIAGE_TEXT.get(row.triage, TRIAGE_TEXT[None])
    if row.contraindications and row.triage not in ("urgent", "review"):
        return f"{shown} · contraindication"  # never a plain "Routine" row
    return shown


def warning_signs(bank: Bank, row: ListRow) -> str:
    flags = sorted((f for f in (row.result or {}).get("red_flags") or [] if isinstance(f, dict)),
                   key=lambda f: RED_ORDER.get(f.get("level"), 2))
    named = []
    for f in flags:
        name = short_label(bank, f)
        name = f"‼ {name}" if f.get("level") == "urgent" else name
        named.append(f"{name} (unsure)" if f.get("answer") == "unsure" else name)
    return "; ".join(named)


def safety_flags(bank: Bank, row: ListRow) -> str:
    flags = sorted((f for f in (row.result or {}).get("safety") or [] if isinstance(f, dict)),
                   key=lambda f: SAFETY_ORDER.get(f.get("level"), 3))
    return "; ".join(f"{SAFETY_MARK.get(f.get('level'), '')} {short_label(bank, f)}".strip() for f in flags)


def suggestion_text(row: ListRow) -> str:
    if row.triage is None:
        return ""
    return "; ".join(SHORT_INDICATION.get(i, i) for i in row.suggested) or "—"


def age(row: ListRow) -> int | None:
    try:
        born = date.fromisoformat(row.birth_date)
    except ValueError:
        return None
    return age_on(born, row.submitted_at.date())


def table_rows(bank: Bank, rows: tuple[ListRow, ...] | list[ListRow], with_date: bool = False) -> list[dict]:
    """One dict per row, in the page's order (the store's: urgent, review, routine; newest first)."""
    shown = []
    for row in rows:
        when = row.submitted_at.astimezone()
        shown.append({
            "Triage": triage_text(row),
            "Time": when.strftime("%d %b %H:%M" if with_date else "%H:%M"),
            "Name": row.name,
            "Age": age(row),
            "Language": LANGUAGE_NAMES.get(row.language, row.language),
            "Warning signs": warning_signs(bank, row),
            "Safety": safety_flags(bank, row),
            "Suggested": suggestion_text(row),
            "Reviewed": "✓" if row.reviewed_by else "",
        })
    return shown


def choice_label(row: ListRow) -> str:
    """How a row is named in the picker: time, name, triage."""
    when = row.submitted_at.astimezone().strftime("%H:%M")
    return f"{when} · {row.name} · {triage_text(row)}"


def summary_line(total: int, urgent: int, not_reviewed: int) -> str:
    return f"{total} submission(s) · {urgent} urgent · {not_reviewed} not reviewed yet"
