"""The detail page's returning-patient part: the medical record number (MRN), the suggested
link to earlier visits, the visit history (table and chart) and the NICE TA260 check.

Suggested links come from the same name and birth date (``Store.visits_of``); staff confirm
them, which attaches one MRN to this visit and the earlier ones (audited, never the MRN).
Patient text is shown with ``st.text`` / ``st.dataframe``, never as Markdown.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from clinic import runtime
from questionnaire.bank import load_bank
from storage.errors import StoreError
from vocabulary import Submission
from workspace import session, views, visit_history
from workspace.session import Staff


def _mrn_form(staff: Staff, sub: Submission) -> None:
    with st.form("ws_mrn_form", clear_on_submit=False):
        typed = st.text_input("Medical record number (MRN)", key="ws_mrn", max_chars=40,
                              help="1 to 20 letters, digits or hyphens, as on the clinic's record")
        saved = st.form_submit_button("Attach MRN" if not sub.mrn else "Change MRN")
    if saved:
        try:
            runtime.store().attach_mrn(sub.id, typed, staff.username)
        except StoreError as exc:
            st.error(str(exc))  # names the field and what is allowed; the typed value stays
            return
        session.audit(staff.username, "attach_mrn", sub.id)
        st.rerun()


def _suggested(staff: Staff, sub: Submission, suggested: tuple[Submission, ...]) -> None:
    st.warning(f"Suggested link: {len(suggested)} earlier visit(s) with the same name and birth date. "
               "Confirm only if it is the same patient.", icon=":material/link:")
    st.dataframe(pd.DataFrame(visit_history.history_rows(list(suggested), sub.id)), hide_index=True,
                 width="stretch")
    known = sub.mrn or next((v.mrn for v in reversed(suggested) if v.mrn), None)
    with st.form("ws_link_form"):
        if known:
            st.caption(f"Links them under MRN {known}.")
        typed = st.text_input("MRN for these visits", key="ws_link_mrn", max_chars=40,
                              disabled=bool(known), help="1 to 20 letters, digits or hyphens")
        confirmed = st.form_submit_button("Confirm: same patient, link visits", type="primary")
    if confirmed:
        try:
            runtime.store().link_visits(sub.id, [v.id for v in suggested], known or typed, staff.username)
        except StoreError as exc:
            st.error(str(exc))
            return
        session.audit(staff.username, "link_visits", f"{sub.id} +{len(suggested)}")
        st.rerun()


def _chart(visits: list[Submission]) -> alt.Chart:
    return chart_of(pd.DataFrame(visit_history.chart_rows(visits)))


def chart_of(data: pd.DataFrame) -> alt.Chart:
    """The visit history's chart of ``data`` (date, measure, value per row)."""
    return alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=70)).encode(
        x=alt.X("date:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top")),
        tooltip=["date:N", "measure:N", "value:Q"],
    ).properties(height=260)


def _ta260(sub: Submission, visits: list[Submission]) -> None:
    check = visit_history.ta260(visits)
    reported = sub.answers.get("toxin.headache_days_change")
    if check is None and reported is None:
        return
    st.markdown("**Chronic migraine: change in headache days (NICE TA260, 30% after 2 cycles)**")
    if check is not None:
        box = st.info if not check.due else st.success if check.passes else st.error
        box("Computed from stored visits: " + check.words())
    else:
        st.caption("Computed from stored visits: not possible (no stored visit before the first toxin for "
                   "migraine, or headache days missing).")
    if reported is not None:
        item = load_bank().item("toxin.headache_days_change")
        st.caption("Patient-reported (this visit): " + views.answer_text(item, reported))


def patient_panel(staff: Staff, sub: Submission) -> None:
    st.subheader("Returning patient")
    st.caption(f"MRN: {sub.mrn}" if sub.mrn else "No medical record number attached yet.")
    _mrn_form(staff, sub)
    history = runtime.store().visit_history(sub)
    if history.suggested:
        _suggested(staff, sub, history.suggested)
    visits = list(history.confirmed)
    if len(visits) < 2:
        st.caption("No earlier visit linked.")
        return
    st.markdown(f"**Visit history** ({len(visits)} visits; triage as scored then; PEG and neck pain 0-10)")
    st.dataframe(pd.DataFrame(visit_history.history_rows(visits, sub.id)), hide_index=True, width="stretch")
    if visit_history.chart_rows(visits):
        st.altair_chart(_chart(visits), width="stretch")
    _ta260(sub, visits)
