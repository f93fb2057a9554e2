"""One submission: why each indication was suggested, warning signs, safety, answers, review.

The submission is the one chosen in today's list (its id is in the session, never in the URL).
Patient text is shown only through ``st.text`` and ``st.dataframe``: exactly as typed, never
read as Markdown or HTML. Our own words and the scoring's reasons go through ``ui.md``.
Speed: an indication's reasons are one Markdown block, the notes another, and the patient's
words plain text (no code highlighter), so the browser draws fewer elements.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clinic import runtime
from export import keynumbers, summary
from export.summary import LANGUAGE_NAMES, age
from questionnaire.bank import load_bank
from vocabulary import IndicationResult, ScreeningResult, Submission, Triage
from workspace import downloads, list_view, session, views
from workspace.login import nav_bar, require_staff
from workspace.patient_panel import patient_panel
from workspace.review import review_panel, void_banner
from workspace.ui import download_row, md

TRIAGE_BOX = {"urgent": st.error, "review": st.warning, "routine": st.success, "unscored": st.warning}
SAFETY_BADGE = {"contraindication": ":red-badge[CONTRAINDICATION]", "precaution": ":orange-badge[precaution]",
                "clarify": ":blue-badge[clarify]"}
NUMBER_LABEL_PX, NUMBER_VALUE_PX = 150, 250  # the key numbers' columns at a tablet's 820 px
DIRECTION_BADGE = {"effective": "green", "possibly_effective": "orange", "probably_ineffective": "red",
                   "insufficient": "gray"}


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
    level, text = views.triage_banner(sub.result)
    TRIAGE_BOX.get(level, st.info)(md(text))
    if sub.result is not None:
        rules = sub.rules_version or sub.result.rules_version or "?"
        st.caption(md(f"Shown as scored by rules {rules}, questionnaire {sub.questionnaire_version} "
                      "(a stored result is never rewritten)."))
        if sub.rescored:  # a re-score is never a new alert (clinical-core.md, "Triage")
            st.info(md(f"Re-scored later under rules {rules}: not a new alert."))


def _red_flags(result: ScreeningResult) -> None:
    bank = load_bank()
    flags = result.red_flags
    st.subheader("Warning signs")
    if not flags:
        st.caption("None reported.")
    for flag in flags:
        box = st.error if flag.level is Triage.URGENT else st.warning
        words = summary.red_flag_words(bank, flag)  # its own text (v3), else the label; "unsure" said
        items = [i for i in flag.items if i != flag.id]
        ids = " ".join([flag.id, *items])
        box(f"**{md(flag.level.value.upper())}** · {md(words)}  \n{md(ids)}")


def _indication(ind: IndicationResult) -> None:
    with st.container(border=True):
        colour = DIRECTION_BADGE.get(ind.evidence_direction, "gray")
        st.markdown(f"**{md(views.indication_name(ind.id))}** · "
                    f"{md(views.MATCH_BADGE[ind.match])} · "
                    f":{colour}-badge[{md(summary.status_words(ind))}]")
        st.caption("Evidence: " + md(ind.evidence_text))
        reasons = [f"- {md(r.text)}" + (f" · `{', '.join(r.items)}`" if r.items else "") for r in ind.reasons]
        if reasons:
            st.markdown("\n".join(reasons))


def _indications(result: ScreeningResult) -> None:
    groups = summary.grouped(result)
    st.subheader(md(summary.GROUP_TITLES["suggested"]))
    if not groups["suggested"]:
        st.caption("No indication is suggested to discuss.")
    for ind in groups["suggested"]:
        _indication(ind)
    if groups["not_recommended"]:
        st.subheader(md(summary.GROUP_TITLES["not_recommended"]))
        st.caption("The pattern is there, but the evidence says toxin does not help: the guideline "
                   "alternatives are in the reasons.")
        for ind in groups["not_recommended"]:
            _indication(ind)
    if groups["unlikely"]:
        names = ", ".join(views.indication_name_in_text(i.id) for i in groups["unlikely"])
        with st.expander(md(f"Unlikely: {names}")):
            for ind in groups["unlikely"]:
                _indication(ind)


def _safety(result: ScreeningResult) -> None:
    bank = load_bank()
    st.subheader("Safety before toxin")
    if not result.safety:
        st.caption("No safety flags.")
    for flag in summary.safety_in_order(result):
        badge = SAFETY_BADGE[flag.level]
        line = summary.safety_words(bank, flag)
        st.markdown(f"{badge} {md(line)} · {md(flag.id)}")


def _notes(result: ScreeningResult) -> None:
    bank = load_bank()
    st.subheader("Notes")
    if not result.notes:
        st.caption("No notes.")
    notes = [f"- **{md(views.flag_label(bank, n.id))}**: {md(n.text)}" for n in result.notes]
    if notes:
        st.markdown("\n".join(notes))


def _numbers(sub: Submission) -> None:
    st.subheader("Key numbers")
    numbers = keynumbers.key_numbers(sub, load_bank())
    rows = [{"Number": n.label, "Value": f"{n.text} · {n.detail}" if n.detail else n.text} for n in numbers]
    _, row_px = list_view.fit_page([{"Name": r["Value"]} for r in rows], {"Name": NUMBER_VALUE_PX})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", row_height=row_px,
                 height=(row_px or 35) * len(rows) + 40,  # every row whole, on a tablet too
                 column_config={"Number": st.column_config.TextColumn(width=NUMBER_LABEL_PX)})
    parts = [sub.answers.get(k) for k in ("peg.pain", "peg.enjoyment", "peg.activity")]
    if summary.peg(sub) is not None:
        st.caption(f"PEG = mean of pain {parts[0]}, enjoyment {parts[1]}, activity {parts[2]} "
                   "(0-10, past week)")


def _body_map(sub: Submission) -> None:
    regions = sub.answers.get("pain.regions") or []
    if not isinstance(regions, list):
        return
    from drawing import bodymap
    item = load_bank().item("pain.regions")
    st.image(bodymap.draw(regions, "Front", "Back"), width="stretch",  # within its column
             caption="Where it hurts: " + md(views.answer_text(item, regions)))


def _own_words(sub: Submission) -> None:
    texts = views.patient_texts(load_bank(), sub.answers)
    st.subheader("In the patient's own words")
    if not texts:
        st.caption("Nothing typed.")
    for label, text in texts:
        st.caption(md(label))
        st.text(text)  # exactly as typed: never Markdown or HTML


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
    void_banner(sub)
    _triage(sub)
    _identity(sub)
    download_row(downloads.for_submission(sub), staff, "ws_detail_export")
    left, right = st.columns([3, 2], gap="large")
    with left:  # as the consult PDF: warning signs and safety, the key numbers, then the indications
        if sub.result is not None:
            _red_flags(sub.result)
            _safety(sub.result)
        _numbers(sub)
        if sub.result is not None:
            _indications(sub.result)
    with right:
        flagged = sub.result is not None and bool(sub.result.red_flags)
        words_first = flagged and bool(views.patient_texts(load_bank(), sub.answers))
        if words_first:
            _own_words(sub)  # the patient's words may explain a warning sign: read them early
        if sub.result is not None:
            _notes(sub.result)
        if not words_first:
            _own_words(sub)
        _body_map(sub)
    _answers(sub)
    patient_panel(staff, sub)
    review_panel(staff, sub)
