"""The match of each of the five indications, with its reasons (clinical-core.md, "The screening rules").

Each rule returns ``(Match, reasons)``: first the match from plain yes/no logic that mirrors
the spec line by line, then the reasons: what was found, what kept the match from the next
level up (built only when the match is below strong), and which answers it read were unsure
or unanswered.
"""

from __future__ import annotations

from collections.abc import Callable

from questionnaire.bank import Bank
from scoring.helpers import (
    MIGRAINE_ITEMS,
    TENSION_ITEMS,
    Answers,
    Pattern,
    at_least,
    id_migraine,
    migraine_features,
    says,
    shown,
    tension_features,
    yes,
)
from scoring.reasons import Check, found, shortfall, uncertain
from scoring.types import Match, Reason

Rule = Callable[[Answers, Bank], tuple[Match, tuple[Reason, ...]]]

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
            a: Answers, bank: Bank, read: tuple[str, ...]) -> tuple[Match, tuple[Reason, ...]]:
    reasons = [r for r in facts if r is not None]
    if match is not STRONG:
        gap = short()
        if gap is not None:
            reasons.append(gap)
    reasons.extend(uncertain(bank, a, read))
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


def _closed(a: Answers, bank: Bank, gate: str) -> tuple[Match, tuple[Reason, ...]]:
    """The indication's opening question is not "yes": unlikely, and say why."""
    return UNLIKELY, (_CLOSED[gate, a.get(gate)], *uncertain(bank, a, (gate,)))  # type: ignore[index]


# ---------------------------------------------------------------- headaches
MIGRAINE_NEED = ("2 of one-sided, throbbing, moderate/severe, worse with activity; "
                 "and nausea, or light and noise")
TENSION_NEED = ("2 of not one-sided, pressing, mild/moderate, not worse with activity; and nausea = no; "
                "and not both light and noise")
CM_READ = ("ha.days", "ha.months", "ha.migraine_days", "ha.duration") + MIGRAINE_ITEMS
TTH_READ = ("ha.days", "ha.months") + TENSION_ITEMS


def _frequency(a: Answers) -> str:
    days, months = a.get("ha.days"), a.get("ha.months")
    d = "Headache days a month not answered" if days is None else f"{days} headache days a month"
    m = "; months at this frequency not answered" if months is None else f" for {months} months"
    return d + m


def _pattern_reason(p: Pattern, name: str) -> Reason:
    if p.holds:
        return Reason(f"Typical headache has {name}: {', '.join(p.found)}", p.items)
    return Reason(f"Typical headache lacks {name} (found: {', '.join(p.found) or 'none'})", p.items)


def _migraine_facts(a: Answers) -> Reason:
    mdays = a.get("ha.migraine_days")
    return Reason("; ".join((
        _frequency(a),
        "migraine-feature days not answered" if mdays is None else f"{mdays} with migraine features",
        f"lasting {shown(a, 'ha.duration')}" if "ha.duration" in a else "duration not answered",
    )), ("ha.days", "ha.months", "ha.migraine_days", "ha.duration"))


def chronic_migraine(a: Answers, bank: Bank) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("ha.any") != "yes":
        return _closed(a, bank, "ha.any")
    features = migraine_features(a)
    many_days, eight = at_least(a, "ha.days", 15), at_least(a, "ha.migraine_days", 8)
    long = a.get("ha.duration") in LONG_HEADACHE
    match = _level(many_days and at_least(a, "ha.months", 3) and eight and long and features.holds,
                   many_days and (features.holds or eight))
    idm = id_migraine(a)
    id_text = (f"ID-Migraine {'positive' if idm.holds else 'negative'} "
               f"({len(idm.found)} of 3: {', '.join(idm.found) or 'none'}; positive at 2)")

    def short() -> Reason | None:
        days = _at_least(a, "ha.days", 15, "headache days a month")
        if match is POSSIBLE:
            return shortfall(STRONG, [
                days, _at_least(a, "ha.months", 3, "months at this frequency"),
                _at_least(a, "ha.migraine_days", 8, "days with migraine features"),
                Check(long, "headaches lasting 4 h or longer", _got(a, "ha.duration"), ("ha.duration",)),
                _pattern(features, "migraine features", MIGRAINE_NEED)])
        return shortfall(POSSIBLE, [days, Check(
            features.holds or eight, "migraine features or ≥ 8 days with migraine features",
            f"features {'found' if features.holds else 'not found'}, "
            f"migraine-feature days {_got(a, 'ha.migraine_days')}", features.items + ("ha.migraine_days",))])

    facts = [_migraine_facts(a), _pattern_reason(features, "migraine features"), Reason(id_text, idm.items)]
    return _finish(match, facts, short, a, bank, CM_READ)


def tension_type_headache(a: Answers, bank: Bank) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("ha.any") != "yes":
        return _closed(a, bank, "ha.any")
    features = tension_features(a)
    many_days = at_least(a, "ha.days", 15)
    match = _level(features.holds and many_days and at_least(a, "ha.months", 3), features.holds and many_days)

    def short() -> Reason | None:
        episodic = "headache days a month (under 15 is episodic: no place for toxin)"
        checks = [_pattern(features, "tension features", TENSION_NEED), _at_least(a, "ha.days", 15, episodic)]
        if match is POSSIBLE:
            checks.append(_at_least(a, "ha.months", 3, "months at this frequency"))
        return shortfall(STRONG if match is POSSIBLE else POSSIBLE, checks)

    facts = [Reason(_frequency(a), ("ha.days", "ha.months")), _pattern_reason(features, "tension features")]
    return _finish(match, facts, short, a, bank, TTH_READ)


# ---------------------------------------------------------------- neck
CD_READ = ("neck.pulls", "neck.sensory_trick", "neck.tremor", "neck.onset")


def cervical_dystonia(a: Answers, bank: Bank) -> tuple[Match, tuple[Reason, ...]]:
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

    return _finish(match, [found(parts)], short, a, bank, CD_READ)


# ---------------------------------------------------------------- low back
LBP_READ = ("back.months", "back.spasms", "back.below_knee")


def low_back_pain(a: Answers, bank: Bank) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("back.pain") != "yes":
        return _closed(a, bank, "back.pain")
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

    return _finish(match, [facts], short, a, bank, LBP_READ)


# ---------------------------------------------------------------- muscle knots
MF_READ = ("mf.press_familiar", "mf.spreads", "mf.months", "mf.widespread", "mf.fatigue_sleep")


def myofascial_pain(a: Answers, bank: Bank) -> tuple[Match, tuple[Reason, ...]]:
    if a.get("mf.knots") != "yes":
        return _closed(a, bank, "mf.knots")
    fibro = yes(a, "mf.widespread") and yes(a, "mf.fatigue_sleep")
    spreads_or_long = yes(a, "mf.spreads") or at_least(a, "mf.months", 3)
    match = _level(yes(a, "mf.press_familiar") and spreads_or_long and not fibro, True)
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
            Check(not fibro, "no widespread pain with fatigue or poor sleep",
                  "both yes: a fibromyalgia pattern", ("mf.widespread", "mf.fatigue_sleep"))])

    return _finish(match, [facts], short, a, bank, MF_READ)


RULES: dict[str, Rule] = {
    "cervical_dystonia": cervical_dystonia,
    "chronic_migraine": chronic_migraine,
    "tension_type_headache": tension_type_headache,
    "low_back_pain": low_back_pain,
    "myofascial_pain": myofascial_pain,
}
