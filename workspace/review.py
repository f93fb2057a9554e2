"""Review of one submission: mark it reviewed (or undo that), clinician comments (versioned, never
overwritten), and voiding a mistaken submission (kept, with a reason; audited without it)."""

from __future__ import annotations

import streamlit as st

from clinic import runtime
from storage.errors import StoreError
from vocabulary import MAX_COMMENT, Submission
from workspace import session, views
from workspace.session import Staff


def _when(moment) -> str:
    return views.local_time(moment).strftime("%d %b %Y %H:%M") if moment else ""


def comment_history(sub: Submission) -> list[tuple[str, str]]:
    """(who and when, text) per comment, newest version first."""
    return [(f"v{c.version} · {c.author} · {_when(c.written_at)}", c.text)
            for c in sorted(sub.comments, key=lambda c: c.version, reverse=True)]


def _mark_reviewed(staff: Staff, sub: Submission) -> None:
    if sub.reviewed_by:
        st.success(f"Reviewed by {sub.reviewed_by} on {_when(sub.reviewed_at)}", icon=":material/check:")
        if st.button("Undo reviewed", key="ws_undo_review", icon=":material/undo:"):
            runtime.store().undo_review(sub.id, staff.username)
            session.audit(staff.username, "undo_review", sub.id)
            st.rerun()
        return
    if st.button("Mark reviewed", type="primary", key="ws_mark_reviewed", icon=":material/check:"):
        runtime.store().mark_reviewed(sub.id, staff.username)
        session.audit(staff.username, "mark_reviewed", sub.id)
        st.rerun()


def _comment_form(staff: Staff, sub: Submission) -> None:
    with st.form("ws_comment", clear_on_submit=True):
        text = st.text_area("Add a comment", key="ws_comment_text", max_chars=MAX_COMMENT, height=90,
                            placeholder="Seen by, plan, what to clarify at the consult ...")
        saved = st.form_submit_button("Save comment")
    if saved:
        if not text.strip():
            st.error("The comment is empty.")
            return
        comment = runtime.store().add_comment(sub.id, staff.username, text)
        session.audit(staff.username, "comment", f"{sub.id} v{comment.version}")
        st.rerun()


def void_banner(sub: Submission) -> None:
    if sub.void is None:
        return
    st.error(f"VOID: voided by {sub.void.voided_by} on {_when(sub.void.voided_at)}. It stays stored "
             "and is left out of the default list and the visit history.", icon=":material/block:")
    st.caption("Reason")
    st.text(sub.void.reason)  # literal: the reason may hold patient words


def _void_form(staff: Staff, sub: Submission) -> None:
    if sub.void is not None:
        return
    with st.expander("Void this submission (entered by mistake, wrong patient, test)"):
        with st.form("ws_void_form"):
            reason = st.text_input("Reason for voiding", key="ws_void_reason", max_chars=500)
            confirmed = st.form_submit_button("Void submission", icon=":material/block:")
    if confirmed:
        try:
            runtime.store().void_submission(sub.id, staff.username, reason)
        except StoreError as exc:
            st.error(str(exc))
            return
        session.audit(staff.username, "void_submission", sub.id)  # never the reason
        st.rerun()


def review_panel(staff: Staff, sub: Submission) -> None:
    st.subheader("Review")
    _mark_reviewed(staff, sub)
    history = comment_history(sub)
    if not history:
        st.caption("No comments yet.")
    for header, text in history:
        with st.container(border=True):
            st.caption(header)
            st.text(text)  # literal: a comment is never read as Markdown
    _comment_form(staff, sub)
    _void_form(staff, sub)
