"""What the staff pages show, as plain data: list rows, badges, answers in clinician wording.

Pure: no Streamlit, no store. The pages turn these rows into tables (``st.dataframe`` shows
every cell as text, so nothing a patient typed is ever read as Markdown or HTML).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from export import summary
from export.summary import INDICATION_NAMES, INDICATIONS, LANGUAGE_NAMES, age, peg
from questionnaire.bank import Bank, Item
from vocabulary import IndicationResult, ScreeningResult, Submission

TRIAGE_BADGE = {"urgent": "URGENT", "review": "Review", "routine": "Routine", None: "Not scored"}
TRIAGE_COLOUR = {"URGENT": "#fde0dd", "Review": "#fff1cc", "Routine": "#e6f4ea", "Not scored": "#eeeeee"}
MATCH_BADGE = {"strong": "●● strong", "possible": "●○ possible", "unlikely": "○○ unlikely"}
EVIDENCE_BADGE = {"fda_approved": "FDA-approved", "off_label": "OFF-LABEL"}
TRIAGE_ORDER = {"urgent": 0, "review": 1, "routine": 2, None: 3}
PATIENT_TEXT_ITEMS = ("visit.concern", "meds.list")


def local_time(moment: datetime) -> datetime:
    """A stored UTC time in the clinic's local time zone (the server's)."""
    return moment.astimezone()


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local midnight at the start of ``first`` to local midnight after ``last``, as aware times."""
    tz = datetime.now().astimezone().tzinfo
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def suggestions(result: ScreeningResult | None) -> list[tuple[str, str]]:
    """(indication id, match) of the indications suggested to discuss, in the result's order."""
    return [(i.id, i.match.value) for i in summary.grouped(result)["suggested"]]


def suggestion_text(result: ScreeningResult | None) -> str:
    parts = [f"{indication_name_in_text(i)} ({m})" for i, m in suggestions(result)]
    return "; ".join(parts) if parts else "—"


def list_order(subs: list[Submission]) -> list[Submission]:
    """Urgent ones on top; otherwise newest first."""
    newest = sorted(subs, key=lambda s: s.submitted_at, reverse=True)
    return sorted(newest, key=lambda s: s.triage != "urgent")


def list_rows(subs: list[Submission], with_date: bool = False) -> list[dict]:
    """One row per submission for the list table, in list order."""
    rows = []
    for s in list_order(subs):
        when = local_time(s.submitted_at)
        rows.append({
            "Triage": TRIAGE_BADGE.get(s.triage, TRIAGE_BADGE[None]),
            "Name": s.name,
            "Age": age(s),
            "Time": when.strftime("%d %b %H:%M" if with_date else "%H:%M"),
            "Language": LANGUAGE_NAMES.get(s.language, s.language),
            "Suggested": suggestion_text(s.result),
            "PEG": peg(s),
            "Reviewed": f"✓ {s.reviewed_by}" if s.reviewed_by else "",
        })
    return rows


def choice_label(submission: Submission) -> str:
    """How a submission is named in a picker: time, name, triage."""
    when = local_time(submission.submitted_at).strftime("%d %b %H:%M")
    triage = (submission.triage or "not scored").upper() if submission.triage == "urgent" else (
        submission.triage or "not scored")
    return f"{when} · {submission.name} · {triage}"


def indication_name(indication_id: str) -> str:
    return INDICATION_NAMES.get(indication_id, indication_id)


def indication_name_in_text(indication_id: str) -> str:
    """The name inside a sentence or a list of names ("chronic migraine")."""
    name = INDICATION_NAMES.get(indication_id)
    return name[:1].lower() + name[1:] if name else indication_id


# ---------------------------------------------------------------- answers in clinician wording
def answer_text(item: Item, value: object) -> str:
    """An answer in the clinician's words (English option labels), whatever the patient's language."""
    if item.type == "yn":
        return {"yes": "Yes", "no": "No", "unsure": "Unsure"}.get(str(value), str(value))
    if item.type == "choice":
        option = item.option(str(value))
        return option.label if option else str(value)
    if item.type == "multi":  # a list; a stored v2 single code (safety.pregnant) is a string
        values = value if isinstance(value, list) else [value]
        return "; ".join(o.label if (o := item.option(str(v))) else str(v) for v in values)
    return str(value)


YN_WORDS = {"yes": "Yes", "no": "No", "unsure": "Unsure"}
RETIRED_SECTION = "(v2 question, retired in v3)"


def answer_rows(bank: Bank, answers: dict, as_of: date) -> list[dict]:
    """Every answer, in bank order, in clinician wording; asked-but-unanswered items say so."""
    titles = {s.id: s.title["en"] for s in bank.sections}
    rows = []
    for item in bank.items:
        if item.id in answers:
            shown = answer_text(item, answers[item.id])
        elif bank.is_asked(item, answers, as_of):
            shown = "(not answered)"
        else:
            continue
        rows.append({"Section": titles.get(item.section, item.section), "Question": item.label,
                     "Answer": shown, "Item": item.id})
    others = [k for k in answers if not bank.has(k)]
    rows += [{"Section": RETIRED_SECTION if k in bank.retired else "(not in this questionnaire version)",
              "Question": bank.retired[k].label if k in bank.retired else k, "Item": k,
              "Answer": YN_WORDS.get(str(answers[k]), str(answers[k]))} for k in others]
    return rows


def patient_texts(bank: Bank, answers: dict) -> list[tuple[str, str]]:
    """(clinician label, text exactly as typed) for the free-text answers the patient wrote."""
    return [(bank.label(k), answers[k]) for k in PATIENT_TEXT_ITEMS
            if bank.has(k) and isinstance(answers.get(k), str) and answers[k].strip()]


def flag_label(bank: Bank, flag_id: str) -> str:
    return summary.label(bank, flag_id)


TRIAGE_HEADLINE = {
    "urgent": "URGENT: the patient was sent to the front desk. Act before anything else.",
    "review": "Review: read the warning signs and the safety flags before the consult and before any "
              "injection.",
}


def triage_banner(result: ScreeningResult | None) -> tuple[str, str]:
    """(level, text) of the detail view's banner. It never says "no warning signs" while a red
    flag is listed (an "unsure" answer is a warning sign to read), nor while a contraindication is."""
    if result is None:
        return "unscored", "Not scored yet: run `python -m clinic rescore`. The answers are below."
    level = result.triage.value
    if level in TRIAGE_HEADLINE:
        return level, TRIAGE_HEADLINE[level]
    caveat = summary.routine_caveat(result)
    return ("review", caveat + " (below).") if caveat else ("routine", "Routine: no warning signs.")


def reason_rows(indication: IndicationResult) -> list[dict]:
    return [{"Reason": r.text, "Items": ", ".join(r.items)} for r in indication.reasons]


def indication_filter_options() -> list[str]:
    return list(INDICATIONS)
