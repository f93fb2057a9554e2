"""One submission: why each indication was suggested, warning signs, safety, answers, review.

The submission is the one chosen in today's list (its id is in the session, never in the URL).
Patient text is shown only through ``st.code`` and ``st.dataframe``: exactly as typed, never
read as Markdown or HTML. Our own words and the scoring's reasons go through ``ui.md``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clinic import runtime
from export.summary import LANGUAGE_NAMES, age, key_numbers, peg
from questionnaire.bank import load_bank
from storage.records import Submission
from workspace import downloads, session, views
from workspace.login import nav_bar, require_staff
from workspace.review import review_panel
from workspace.ui import download_row, md

TRIAGE_BOX = {"urgent": st.error, "review": st.warning, "routine": st.success}
TRIAGE_TEXT = {
    "urgent": "URGENT: the patient was sent to the front desk. Act before anything else.",
    "review": "Review: read the warning signs before the consult and before any injection.",
    "routine": "Routine: no warning signs.",
}
UNIT_WORDS = {"/month": " a month", "/10": " (0-10)", " months": " (months)"}
SAFETY_BADGE = {"contraindication": ":red-badge[CONTRAINDICATION]", "precaution": ":orange-badge[precaution]",
                "clarify": ":blue-badge[clarify]"}


def _when(moment) -> str:
    return views.local_time(moment).strftime("%d %b %Y %H:%M") if moment else ""


def _identity(sub: Submission) -> None:
    sex = sub.answers.get("patient.sex")
    row = {"Name": sub.name, "Age": age(sub), "Born": sub.birth_date,
           "Sex": views.answer_text(load_bank().item("patient.sex"), sex) if sex else "",
           "Language": LANGUAGE_NAMES.get(sub.language, sub.language), "Submitted": _when(sub.submitted_at)}
    st.dataframe(pd.DataFrame([row]), hide_index=True, width="stretch",
                 column_config={"Age": st.column_config.NumberColumn(format="%d")})


def _triage(sub: Submission) -> None:
    if sub.result is None:
        st.warning("Not scored yet: run `python -m clinic rescore`. The answers are below.")
        return
    TRIAGE_BOX.get(sub.triage, st.info)(TRIAGE_TEXT.get(sub.triage, "Triage unknown."))


def _red_flags(result: dict) -> None:
    bank = load_bank()
    flags = result.get("red_flags", [])
    st.subheader("Warning signs")
    if not flags:
        st.caption("None reported.")
    for flag in flags:
        box = st.error if flag.get("level") == "urgent" else st.warning
        unsure = " (answered unsure)" if flag.get("answer") == "unsure" else ""
        label = md(views.flag_label(bank, flag["id"]) + unsure)
        box(f"**{md(flag.get('level', '').upper())}** · {label}  \n`{' '.join(flag.get('items', []))}`")


def _indication(ind: dict) -> None:
    off_label = ind.get("evidence") == "off_label"
    with st.container(border=True):
        badge = ":orange-badge[OFF-LABEL]" if off_label else ":green-badge[FDA-approved]"
        st.markdown(f"**{md(views.indication_name(ind['id']))}** · "
                    f"{md(views.MATCH_BADGE.get(ind.get('match'), ind.get('match')))} · {badge}")
        lead = "Off-label use. Evidence: " if off_label else "Evidence: "
        st.caption(lead + md(ind.get("evidence_text", "")))
        for reason in ind.get("reasons", []):
            items = ", ".join(reason.get("items", []))
            st.markdown(f"- {md(reason.get('text', ''))}" + (f" · `{items}`" if items else ""))


def _indications(result: dict) -> None:
    st.subheader("Suggestions")
    shown = [i for i in result.get("indications", []) if i.get("match") in views.SUGGESTED]
    if not shown:
        st.caption("No indication at a strong or possible match.")
    for ind in shown:
        _indication(ind)
    others = [i for i in result.get("indications", []) if i.get("match") not in views.SUGGESTED]
    if others:
        with st.expander("Unlikely: " + ", ".join(views.SHORT_NAMES.get(i["id"], i["id"]) for i in others)):
            for ind in others:
                _indication(ind)


def _safety_and_notes(result: dict) -> None:
    bank = load_bank()
    st.subheader("Safety before toxin")
    if not result.get("safety"):
        st.caption("No safety flags.")
    for flag in result.get("safety", []):
        badge = SAFETY_BADGE.get(flag.get("level"), md(flag.get("level", "")))
        st.markdown(f"{badge} {md(flag.get('text', ''))} `{flag.get('id', '')}`")
    st.subheader("Notes")
    if not result.get("notes"):
        st.caption("No notes.")
    for note in result.get("notes", []):
        st.markdown(f"- **{md(views.flag_label(bank, note['id']))}**: {md(note.get('text', ''))}")


def _numbers(sub: Submission) -> None:
    st.subheader("Key numbers")
    numbers = [(label + UNIT_WORDS.get(unit, unit), value) for label, value, unit in key_numbers(sub)
               if value is not None]
    for row_start in range(0, len(numbers), 2):
        columns = st.columns(2)
        for column, (label, value) in zip(columns, numbers[row_start:row_start + 2], strict=False):
            column.metric(label, value)
    parts = [sub.answers.get(k) for k in ("peg.pain", "peg.enjoyment", "peg.activity")]
    if peg(sub) is not None:
        st.caption(f"PEG = mean of pain {parts[0]}, enjoyment {parts[1]}, activity {parts[2]} "
                   "(0-10, past week)")


def _body_map(sub: Submission) -> None:
    regions = sub.answers.get("pain.regions") or []
    if not isinstance(regions, list):
        return
    from kiosk import bodymap
    item = load_bank().item("pain.regions")
    st.image(bodymap.draw(regions, "Front", "Back"), width=360,
             caption="Where it hurts: " + md(views.answer_text(item, regions)))


def _own_words(sub: Submission) -> None:
    texts = views.patient_texts(load_bank(), sub.answers)
    st.subheader("In the patient's own words")
    if not texts:
        st.caption("Nothing typed.")
    for label, text in texts:
        st.caption(md(label))
        st.code(text, language=None, wrap_lines=True)


def _answers(sub: Submission) -> None:
    with st.expander("Every answer (clinician wording)", expanded=False):
        rows = views.answer_rows(load_bank(), sub.answers, sub.submitted_at.date())
        st.dataframe(pd.DataFrame(rows), hide_index=True,
                     width="stretch", height=420)


def _nothing_chosen() -> None:
    from workspace import router
    st.info("Choose a submission in today's list.")
    st.page_link(router.page("today"), label="Go to today's list", icon=":material/list:")


def detail_page() -> None:
    staff = require_staff()
    nav_bar(staff, "detail")
    chosen = session.selected_submission()
    sub = runtime.store().get_submission(chosen) if chosen else None
    if sub is None:
        _nothing_chosen()
        return
    session.audit_view_once(staff, sub.id)
    _triage(sub)
    _identity(sub)
    download_row(downloads.for_submission(sub), staff, "ws_detail_export")
    left, right = st.columns([3, 2], gap="large")
    with left:
        if sub.result is not None:
            _indications(sub.result)
        _own_words(sub)
    with right:
        if sub.result is not None:
            _red_flags(sub.result)
            _safety_and_notes(sub.result)
        _numbers(sub)
        _body_map(sub)
    _answers(sub)
    review_panel(staff, sub)
