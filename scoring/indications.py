"""The match of each of the five indications, with its reasons (clinical-core.md, "The screening rules").

Each rule returns ``(Match, reasons)``: first the match from plain yes/no logic that mirrors
the spec line by line, then the reasons: what was found, what kept the match from the next
level up (built only when the match is below strong), and which answers it read were unsure
or unanswered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from questionnaire.bank import Bank
from scoring.evidence import CM_EXCLUDES_TENSION, ON_TREATMENT, TENSION_ALTERNATIVES
from scoring.helpers import (
    MIGRAINE_ITEMS,
    TENSION_ITEMS,
    Answers,
    Pattern,
    at_least,
    below,
    id_migraine,
    includes,
    migraine_features,
    no,
    says,
    shown,
    tension_features,
    yes,
)
from scoring.reasons import Check, found, shortfall, uncertain
from vocabulary import Match, Reason

Rule = Callable[[Answers, Bank, date], tuple[Match, tuple[Reason, ...]]]

LONG_HEADACHE = ("4h_to_1d", "over_1d", "constant")
STRONG, POSSIBLE, UNLIKELY = Match.STRONG, Match.POSSIBLE, Match.UNLIKELY


def _level(strong: bool, possible: bool) -> Match:
    return STRONG if strong else POSSIBLE if possible else UNLIKELY


def _got(a: Answers, item: str) -> str:
    value = shown(a, item)
    return value if value == "not answered" else f"answered {value}"


def _at_least(a: Answers, item: str, n: int, need: str) -> Check:
    return Check(at_least(a, item, n), f"≥ {n} {need}", _got(a, item), (item,))


def _answer_is(a: Answers, item: str, want: str, need: str) -> Check:
    return Check(a.get(item) == want, need, _got(a, item), (item,))


def _pattern(p: Pattern, name: str, need: str) -> Check:
    got = "found " + (", ".join(p.found) if p.found else "none")
    return Check(p.holds, f"{name} ({need})", got, p.items)


def _finish(match: Match, facts: list[Reason | None], short: Callable[[], Reason | None],
            a: Answers, bank: Bank, as_of: date, read: tuple[str, ...]) -> tuple[Match, tuple[Reason, ...]]:
    reasons = [r for r in facts if r is not None]
    if match is not STRONG:
        gap = short()
        if gap is not None:
            reasons.append(gap)
    reasons.extend(uncertain(bank, a, as_of, read))
    return match, tuple(reasons)


def _closed_text(gate: str, what: str, value: str | None) -> Reason:
    text = f"{what}: {'not answered' if value is None else value}; the questions that follow were not asked"
    return Reason(text, (gate,))


# The fixed texts of a closed gate, built once at import (they hold no patient data).
_CLOSED: dict[tuple[str, str | None], Reason] = {
    (gate, value): _closed_text(gate, what, value)
    for gate, what in (("ha.any", "Gets headaches"), ("back.pain", "Low back pain"),
                       ("mf.knots", "Muscle knots"))
    for value in ("no", "unsure", None)
}


def _closed(a: Answers, bank: Bank, as_of: date, gate: str) -> tuple[Match, tuple[Reason, ...]]:
    """The indication's opening question is not "yes": unlikely, and say why."""
    return UNLIKELY, (_CLOSED[gate, a.get(gate)], *uncertain(bank, a, as_of, (gate,)))  # type: ignore[index]


# ---------------------------------------------------------------- headaches
TENSION_NEED = ("2 of not one-sided, pressing, mild/moderate, not worse with activity; and nausea = no; "
                "and light = no or noise = no")
CM_READ = ("ha.days", "ha.months", "ha.migraine_days", "ha.duration") + MIGRAINE_ITEMS
TTH_READ = ("ha.days", "ha.months", "ha.migraine_days") + TENSION_ITEMS


def _frequency(a: Answers) -> str:
    days, months = a.get("ha.days"), a.get("ha.months")
    d = "Headache days a month not answered" if days is None else f"{days} headache days a month"
    m = "; months at this frequency not answered" if months is None else f" for {months} months"
    return d + m


def _pattern_reason(p: Pattern, name: str, supporting: str = "") -> Reason:
    if p.holds:
        return Reason(f"Typical headache has {name}{supporting}: {', '.join(p.found)}", p.items)
    return Reason(f"Typical headache lacks {name} (found: {', '.join(p.found) or 'none'})", p.items)


def _migraine_facts(a: Answers) -> Reason:
    mdays = a.get("ha.migraine_days")
    return Reason("; ".join((
        _frequency(a),
        "migraine-type days not answered" if mdays is None else f"{mdays} migraine-type days",
        f"lasting {shown(a, 'ha.duration')}" if "ha.duration" in a else "duration not answered",
    )), ("ha.days", "ha.months", "ha.migraine_days", "ha.duration"))


def chronic_migraine_counts(a: Answers) -> bool:
    """ICHD-3 1.3 criteria A and C: >= 15 headache days with >= 8 migraine-type days."""
    return at_least(a, "ha.days", 15) and at_least(a, "ha.migraine_days", 8)


def chronic_migraine(a: Answers, bank: Bank, as_of: date) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("ha.any") != "yes":
        return _closed(a, bank, as_of, "ha.any")
    features = migraine_features(a)
    many_days, eight = at_least(a, "ha.days", 15), at_least(a, "ha.migraine_days", 8)
    long = a.get("ha.duration") in LONG_HEADACHE
    # Strong whatever the character of the typical headache (ICHD-3 1.3; US label: 4 h a day or longer).
    match = _level(many_days and eight and at_least(a, "ha.months", 3) and long,
                   many_days and (features.holds or eight))
    idm = id_migraine(a)
    id_text = (f"ID-Migraine {'positive' if idm.holds else 'negative'} "
               f"({len(idm.found)} of 3: {', '.join(idm.found) or 'none'}; positive at 2)")

    def short() -> Reason | None:
        days = _at_least(a, "ha.days", 15, "headache days a month")
        if match is POSSIBLE:
            return shortfall(STRONG, [
                days, _at_least(a, "ha.months", 3, "months at this frequency"),
                _at_least(a, "ha.migraine_days", 8, "migraine-type days"),
                Check(long, "headaches lasting 4 h or longer", _got(a, "ha.duration"), ("ha.duration",))])
        return shortfall(POSSIBLE, [days, Check(
            features.holds or eight, "migraine features or ≥ 8 migraine-type days",
            f"features {'found' if features.holds else 'not found'}, "
            f"migraine-type days {_got(a, 'ha.migraine_days')}", features.items + ("ha.migraine_days",))])

    facts = [_migraine_facts(a),
             _pattern_reason(features, "migraine features", " (supporting, not required)"),
             Reason(id_text, idm.items)]
    if includes(a, "toxin.prior_for", "migraine"):
        facts.append(Reason(ON_TREATMENT, ("toxin.prior_for",)))
    return _finish(match, facts, short, a, bank, as_of, CM_READ)


def tension_type_headache(a: Answers, bank: Bank, as_of: date) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("ha.any") != "yes":
        return _closed(a, bank, as_of, "ha.any")
    facts = [Reason(_frequency(a), ("ha.days", "ha.months"))]
    if chronic_migraine_counts(a):  # ICHD-3 1.3 excludes 2.3
        facts.append(Reason(CM_EXCLUDES_TENSION, ("ha.days", "ha.migraine_days")))
        return _finish(UNLIKELY, facts, lambda: None, a, bank, as_of, TTH_READ)
    features = tension_features(a)
    many_days = at_least(a, "ha.days", 15)
    under_eight = below(a, "ha.migraine_days", 8)
    match = _level(features.holds and many_days and at_least(a, "ha.months", 3) and under_eight,
                   features.holds and many_days)

    def short() -> Reason | None:
        episodic = "headache days a month (under 15 is episodic: no place for toxin)"
        checks = [_pattern(features, "tension features", TENSION_NEED), _at_least(a, "ha.days", 15, episodic)]
        if match is POSSIBLE:
            checks += [_at_least(a, "ha.months", 3, "months at this frequency"),
                       Check(under_eight, "fewer than 8 migraine-type days (answered)",
                             _got(a, "ha.migraine_days"), ("ha.migraine_days",))]
        return shortfall(STRONG if match is POSSIBLE else POSSIBLE, checks)

    facts.append(_pattern_reason(features, "tension features"))
    if match is not UNLIKELY:
        facts.append(Reason(TENSION_ALTERNATIVES, ("ha.days",)))
    return _finish(match, facts, short, a, bank, as_of, TTH_READ)


# ---------------------------------------------------------------- neck
CD_READ = ("neck.pulls", "neck.sensory_trick", "neck.tremor", "neck.onset")


def cervical_dystonia(a: Answers, bank: Bank, as_of: date) -> tuple[Match, tuple[Reason, ...]]:
    pulls, tremor, onset = yes(a, "neck.pulls"), yes(a, "neck.tremor"), a.get("neck.onset")
    trick_or_tremor = yes(a, "neck.sensory_trick") or tremor
    acute = pulls and onset == "days"
    match = _level(pulls and trick_or_tremor and onset in ("months", "years"),
                   (pulls and not acute) or (not pulls and tremor))
    parts = [(says(a, "neck.pulls", "Head or neck pulls by itself"), ("neck.pulls",))]
    if pulls:
        parts += [(says(a, "neck.sensory_trick", "sensory trick"), ("neck.sensory_trick",)),
                  (says(a, "neck.onset", "began"), ("neck.onset",))]
    parts.append((says(a, "neck.tremor", "head tremor"), ("neck.tremor",)))

    def short() -> Reason | None:
        if match is POSSIBLE:
            trick = shown(a, "neck.sensory_trick") if pulls else "not asked"
            return shortfall(STRONG, [
                _answer_is(a, "neck.pulls", "yes", "involuntary pulling"),
                Check(trick_or_tremor, "a sensory trick or head tremor",
                      f"sensory trick {trick}, tremor {shown(a, 'neck.tremor')}",
                      ("neck.sensory_trick", "neck.tremor")),
                Check(onset in ("months", "years"), "onset 3 months ago or more",
                      _got(a, "neck.onset") if pulls else "not asked", ("neck.onset",))])
        if acute:
            why = "began under a week ago: an acute problem, not dystonia; see the red flags"
            return shortfall(POSSIBLE, [Check(False, "onset over a week ago", why, ("neck.onset",))])
        got = f"pulling {shown(a, 'neck.pulls')}, tremor {shown(a, 'neck.tremor')}"
        return shortfall(POSSIBLE, [Check(False, "involuntary pulling or head tremor", got,
                                          ("neck.pulls", "neck.tremor"))])

    return _finish(match, [found(parts)], short, a, bank, as_of, CD_READ)


# ---------------------------------------------------------------- low back
LBP_READ = ("back.months", "back.spasms", "back.below_knee")


def low_back_pain(a: Answers, bank: Bank, as_of: date) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("back.pain") != "yes":
        return _closed(a, bank, as_of, "back.pain")
    long_enough, spasms = at_least(a, "back.months", 3), yes(a, "back.spasms")
    match = _level(long_enough and spasms and a.get("back.below_knee") == "no", long_enough or spasms)
    months = a.get("back.months")
    spasm_days = f" ({a['back.spasm_days']} days a week)" if "back.spasm_days" in a else ""
    facts = found([
        ("Low back pain for " + ("an unanswered number of months" if months is None else f"{months} months"),
         ("back.pain", "back.months")),
        (says(a, "back.spasms", "spasms") + spasm_days, ("back.spasms",)),
        (says(a, "back.below_knee", "pain below the knee"), ("back.below_knee",)),
    ])

    def short() -> Reason | None:
        if match is POSSIBLE:
            return shortfall(STRONG, [
                _at_least(a, "back.months", 3, "months of pain"),
                _answer_is(a, "back.spasms", "yes", "spasms"),
                _answer_is(a, "back.below_knee", "no", "no pain below the knee (an explicit no)")])
        got = f"months {_got(a, 'back.months')}, spasms {shown(a, 'back.spasms')}"
        return shortfall(POSSIBLE, [Check(False, "≥ 3 months of pain or spasms", got,
                                          ("back.months", "back.spasms"))])

    return _finish(match, [facts], short, a, bank, as_of, LBP_READ)


# ---------------------------------------------------------------- muscle knots
MF_READ = ("mf.press_familiar", "mf.spreads", "mf.months", "mf.widespread", "mf.fatigue_sleep")


def myofascial_pain(a: Answers, bank: Bank, as_of: date) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("mf.knots") != "yes":
        return _closed(a, bank, as_of, "mf.knots")
    # The fibromyalgia pattern explicitly ruled out: an explicit "no" to either (v2's "unless both
    # yes" let "unsure" beat "yes").
    not_fibro = no(a, "mf.widespread") or no(a, "mf.fatigue_sleep")
    spreads_or_long = yes(a, "mf.spreads") or at_least(a, "mf.months", 3)
    match = _level(yes(a, "mf.press_familiar") and spreads_or_long and not_fibro, True)
    months = a.get("mf.months")
    facts = found([
        ("Muscle knots" + ("" if months is None else f" for {months} months"), ("mf.knots", "mf.months")),
        (says(a, "mf.press_familiar", "pressing brings on the usual pain"), ("mf.press_familiar",)),
        (says(a, "mf.spreads", "pain spreads from the knot"), ("mf.spreads",)),
        (says(a, "mf.widespread", "widespread pain"), ("mf.widespread",)),
        (says(a, "mf.fatigue_sleep", "with fatigue or poor sleep") if yes(a, "mf.widespread") else "",
         ("mf.fatigue_sleep",)),
    ])

    def short() -> Reason | None:
        return shortfall(STRONG, [
            _answer_is(a, "mf.press_familiar", "yes", "pressing a knot brings on the usual pain"),
            Check(spreads_or_long, "spreading pain or ≥ 3 months",
                  f"spreads {shown(a, 'mf.spreads')}, months {_got(a, 'mf.months')}",
                  ("mf.spreads", "mf.months")),
            Check(not_fibro, "the fibromyalgia pattern ruled out (widespread pain = no, or fatigue "
                  "and poor sleep = no)",
                  f"widespread {shown(a, 'mf.widespread')}, "
                  f"fatigue or poor sleep {shown(a, 'mf.fatigue_sleep')}",
                  ("mf.widespread", "mf.fatigue_sleep"))])

    return _finish(match, [facts], short, a, bank, as_of, MF_READ)


RULES: dict[str, Rule] = {
    "cervical_dystonia": cervical_dystonia,
    "chronic_migraine": chronic_migraine,
    "tension_type_headache": tension_type_headache,
    "low_back_pain": low_back_pain,
    "myofascial_pain": myofascial_pain,
}
