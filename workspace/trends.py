"""Trends: suggestions and triage by week, and one returning patient's numbers across visits."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from clinic import runtime
from export import summary
from export.filters import fold
from vocabulary import Submission
from workspace import session, views
from workspace.login import nav_bar, require_staff

TRIAGE_COLOURS = {"urgent": "#d1352b", "review": "#f0a202", "routine": "#3a9d5d", "not scored": "#9e9e9e"}
MEASURES = (("Headache days a month", "ha.days"), ("PEG (0-10)", "peg"), ("Neck pain (0-10)", "neck.pain"),
            ("PHQ-2 (0-6)", "phq2"), ("GAD-2 (0-6)", "gad2"))
# as scored, else by the scoring's formula
SCORES = {"peg": summary.peg, "phq2": summary.phq2, "gad2": summary.gad2}


def week_of(moment: datetime) -> date:
    """The Monday of the local week of ``moment``."""
    day = views.local_time(moment).date()
    return day - timedelta(days=day.weekday())


def indication_counts(subs: list[Submission]) -> list[dict]:
    counts = Counter((week_of(s.submitted_at), ind, match)
                     for s in subs for ind, match in views.suggestions(s.result))
    return [{"week": w.isoformat(), "indication": views.indication_name(i), "match": m, "count": n}
            for (w, i, m), n in sorted(counts.items())]


def triage_counts(subs: list[Submission]) -> list[dict]:
    counts = Counter((week_of(s.submitted_at), s.triage or "not scored") for s in subs)
    return [{"week": w.isoformat(), "triage": t, "count": n} for (w, t), n in sorted(counts.items())]


def measure(sub: Submission, key: str) -> float | None:
    value = SCORES[key](sub) if key in SCORES else sub.answers.get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def visit_rows(visits: list[Submission]) -> list[dict]:
    """One row per visit and measure, with the change from the first visit that has the measure."""
    rows, first = [], {}
    for n, visit in enumerate(visits, start=1):
        for label, key in MEASURES:
            value = measure(visit, key)
            if value is None:
                continue
            first.setdefault(label, value)
            rows.append({"visit": n, "date": views.local_time(visit.submitted_at).strftime("%Y-%m-%d"),
                         "measure": label, "value": value, "change": round(value - first[label], 1)})
    return rows


def change_table(rows: list[dict]) -> list[dict]:
    table = {}
    for row in rows:
        entry = table.setdefault(row["measure"], {"Measure": row["measure"], "First visit": row["value"]})
        entry.update({"Latest visit": row["value"], "Change from first": row["change"],
                      "Visits": row["visit"]})
    return list(table.values())


def patient_key(sub: Submission) -> tuple[str, str]:
    return " ".join(fold(sub.name).split()), sub.birth_date


# ---------------------------------------------------------------- charts
WEEK_AXIS = alt.Axis(labelAngle=0, labelExpr="timeFormat(toDate(datum.value), '%d %b')")


def _indication_chart(rows: list[dict]) -> alt.Chart:
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("week:O", title="Week starting", axis=WEEK_AXIS),
        y=alt.Y("sum(count):Q", title="Submissions"),
        color=alt.Color("indication:N", title="Indication"),
        opacity=alt.Opacity("match:N", title="Match", sort=list(summary.PATTERN_MATCHES),
                            scale=alt.Scale(domain=list(summary.PATTERN_MATCHES), range=[1.0, 0.45])),
        order=alt.Order("match:N", sort="descending"),
        tooltip=["week:O", "indication:N", "match:N", "count:Q"],
    ).properties(height=240)


def _triage_chart(rows: list[dict]) -> alt.Chart:
    scale = alt.Scale(domain=list(TRIAGE_COLOURS), range=list(TRIAGE_COLOURS.values()))
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("week:O", title="Week starting", axis=WEEK_AXIS),
        y=alt.Y("sum(count):Q", title="Submissions"),
        color=alt.Color("triage:N", title="Triage", scale=scale, sort=list(TRIAGE_COLOURS)),
        tooltip=["week:O", "triage:N", "count:Q"],
    ).properties(height=240)


def _visits_chart(rows: list[dict]) -> alt.LayerChart:
    data = pd.DataFrame(rows)
    data["label"] = [f"{c:+g}" if v > 1 else "first"
                     for c, v in zip(data["change"], data["visit"], strict=True)]
    data["when"] = [f"Visit {v}, {d}" for v, d in zip(data["visit"], data["date"], strict=True)]
    base = alt.Chart(data).encode(x=alt.X("when:O", title=None, axis=alt.Axis(labelAngle=0, labelLimit=0)),
                                  y=alt.Y("value:Q", title=None),
                                  color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="top")))
    lines = base.mark_line(point=alt.OverlayMarkDef(size=80)).encode(
        tooltip=["date:N", "measure:N", "value:Q", "change:Q"])
    labels = base.mark_text(dy=-12, fontSize=12).encode(text="label:N")
    return (lines + labels).properties(height=300)


# ---------------------------------------------------------------- page
def _range() -> tuple[date, date]:
    today = date.today()
    picked = st.date_input("Dates", value=(today - timedelta(weeks=12), today), key="ws_trend_dates",
                           format="YYYY-MM-DD")
    if isinstance(picked, (tuple, list)) and picked:
        return picked[0], picked[-1]
    return today - timedelta(weeks=12), today


def _returning_patient(subs: list[Submission]) -> None:
    st.subheader("A returning patient")
    people: dict[tuple[str, str], Submission] = {}
    for sub in sorted(subs, key=lambda s: s.submitted_at):
        people[patient_key(sub)] = sub  # the latest submission stands for the patient
    counts = Counter(patient_key(s) for s in subs)
    chosen_id = session.selected_submission()
    keys = sorted(people, key=lambda k: (-counts[k], k))
    start = next((n for n, k in enumerate(keys) if people[k].id == chosen_id), None)
    picked = st.selectbox("Patient (name and date of birth)", keys, index=start,
                          format_func=lambda k: f"{people[k].name} · born {k[1]} · {counts[k]} visit(s)",
                          placeholder="Choose a patient", key="ws_trend_patient")
    if picked is None:
        return
    visits = runtime.store().visits_of(people[picked].name, people[picked].birth_date)
    rows = visit_rows(visits)
    if len(visits) < 2 or not rows:
        st.caption("Only one visit so far: nothing to compare yet.")
    if rows:
        st.altair_chart(_visits_chart(rows), width="stretch")
        st.dataframe(pd.DataFrame(change_table(rows)), hide_index=True, width="stretch")


def trends_page() -> None:
    staff = require_staff()
    nav_bar(staff, "trends")
    st.header("Trends", divider="gray")
    first, last = _range()
    subs = runtime.store().list_submissions(*views.day_bounds(first, last))
    if not subs:
        st.info("No submissions in these dates.")
        return
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Suggested indications by week")
        rows = indication_counts(subs)
        if rows:
            st.altair_chart(_indication_chart(rows), width="stretch")
        else:
            st.caption("No indication at a strong or possible match in these dates.")
    with right:
        st.subheader("Triage by week")
        st.altair_chart(_triage_chart(triage_counts(subs)), width="stretch")
    _returning_patient(subs)
