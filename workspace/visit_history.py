"""A returning patient's visits as plain data, and the NICE TA260 check on them. Pure: no
Streamlit, no store.

NICE TA260 (botulinum toxin type A for chronic migraine): stop treatment when the condition
has not responded adequately, defined as less than a 30% reduction in headache days a month
after 2 treatment cycles. The check here is computed from stored visits: the baseline is the
headache days of the last visit *before* the first one that reports toxin for migraine
(``toxin.prior_for`` includes ``migraine``); "now" is the latest visit's headache days;
the cycles are that visit's ``toxin.migraine_cycles`` (patient-reported), else the number of
visits since the baseline that report toxin for migraine.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from export import summary
from vocabulary import Submission
from workspace import views

NICE_REDUCTION = Fraction(30, 100)
NICE_CYCLES = 2
COLUMNS = (("Headache days", "ha.days"), ("Migraine-type days", "ha.migraine_days"),
           ("PEG", "peg"), ("Neck pain", "neck.pain"))  # PEG and neck pain: 0-10


@dataclass(frozen=True)
class Ta260Check:
    baseline: int  # headache days a month before the first toxin for migraine
    now: int  # headache days a month at the latest visit
    cycles: int
    reduction: Fraction  # (baseline - now) / baseline

    @property
    def passes(self) -> bool:
        """At least a 30% reduction (exactly 30% passes)."""
        return self.reduction >= NICE_REDUCTION

    @property
    def due(self) -> bool:
        """Enough cycles for the rule to apply (2 or more)."""
        return self.cycles >= NICE_CYCLES

    def words(self) -> str:
        pct = f"{float(self.reduction) * 100:.0f}%"
        change = f"{self.baseline} → {self.now} headache days a month ({pct} fewer)"
        if not self.due:
            return f"{change} after {self.cycles} cycle(s): the 30% rule applies after {NICE_CYCLES} cycles"
        verdict = "meets" if self.passes else "does NOT meet"
        return f"{change} after {self.cycles} cycles: {verdict} NICE TA260's 30% reduction"


def reduction(baseline: int, now: int) -> Fraction:
    """(baseline - now) / baseline, exact. Baseline must be above 0."""
    if baseline <= 0:
        raise ValueError("baseline headache days must be above 0")
    return Fraction(baseline - now, baseline)


def _number(value) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def value(visit: Submission, key: str):
    return summary.peg(visit) if key == "peg" else _number(visit.answers.get(key))


def treated_for_migraine(visit: Submission) -> bool:
    prior = visit.answers.get("toxin.prior_for")
    return isinstance(prior, list) and "migraine" in prior


def ta260(visits: list[Submission]) -> Ta260Check | None:
    """The computed check over a patient's visits (oldest first); None when it cannot be made:
    no visit reports toxin for migraine, no visit before that one, or a headache-day count missing."""
    first = next((n for n, v in enumerate(visits) if treated_for_migraine(v)), None)
    if not first:  # None, or treated already at the first stored visit: no baseline stored
        return None
    baseline, now = value(visits[first - 1], "ha.days"), value(visits[-1], "ha.days")
    if baseline is None or now is None or baseline <= 0:
        return None
    reported = _number(visits[-1].answers.get("toxin.migraine_cycles"))
    cycles = int(reported) if reported is not None else sum(treated_for_migraine(v) for v in visits[first:])
    return Ta260Check(baseline=int(baseline), now=int(now), cycles=cycles,
                      reduction=reduction(int(baseline), int(now)))


def history_rows(visits: list[Submission], current_id: str) -> list[dict]:
    """One row per visit for the history table, oldest first; results shown as scored."""
    rows = []
    for visit in visits:
        day = views.local_time(visit.submitted_at).strftime("%Y-%m-%d")
        row = {"Date": f"{day} (this)" if visit.id == current_id else day,
               "Toxin": "migraine" if treated_for_migraine(visit) else ""}
        row.update({label: value(visit, key) for label, key in COLUMNS})
        row["Triage"] = views.TRIAGE_BADGE.get(visit.triage, views.TRIAGE_BADGE[None])
        rows.append(row)
    return rows


def chart_rows(visits: list[Submission]) -> list[dict]:
    """Long form for the chart: (date, measure, value) for each measure a visit has."""
    return [{"date": views.local_time(v.submitted_at).strftime("%Y-%m-%d"), "measure": label, "value": val}
            for v in visits for label, key in COLUMNS if (val := value(v, key)) is not None]
