"""Which screen the patient sees, and what Next, Back, Change and Submit do. Pure: no Streamlit.

Screens, in order: the language picker, the question screens, the review, the thank-you.
A question screen holds one item, or two or three short, closely linked yes/no items (the
same section, consecutive in the bank, none asked because of another). The grouping comes
from the bank alone, so it never changes while a patient answers; a screen shows those of
its items that are asked now, and a screen with none is skipped. A screen is named by its
first item's id. Branching is the bank's asked-when conditions; answers of items that stop
being asked are dropped. A failed Next keeps every answer and lists the screen's problems.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from questionnaire.answers import Problem, check_answers, check_value, normalise
from questionnaire.bank import Bank, Item
from questionnaire.conditions import Condition

LANGUAGE = "language"
REVIEW = "review"
THANKS = "thanks"
LANGUAGE_ITEM = "patient.language"
SINGLE_CHOICE = ("yn", "choice", "nrs")  # one tap answers: the screen may move on by itself
GROUP_MAX = 3  # yes/no questions on one screen at most
SHORT_TEXT = 70  # characters (every language) for a yes/no question to share its screen
SHORT_HELP = 60


def one_tap(item: Item) -> bool:
    """One tap answers it (yes/no, one choice, 0-10, a labelled scale such as the mood items)."""
    return item.type in SINGLE_CHOICE or item.widget == "scale"


def bank_asks(bank: Bank, answers: dict, today: date, item: Item | None = None):
    """The kiosk's one call of the bank's asked-when: with ``item``, is it asked; without, the
    answers pruned of every item no longer asked. ``today`` is the scoring date: an item may be
    asked by age (contract v3, e.g. ``{age_min = 50}``)."""
    return bank.is_asked(item, answers, today) if item is not None else bank.prune(answers, today)


@dataclass
class Visit:
    """One patient's pass through the kiosk; lives only in that browser session's state."""

    last_activity: float
    token: str = field(default_factory=lambda: secrets.token_hex(6))
    screen: str = LANGUAGE
    answers: dict = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    urgent: bool = False
    urgent_seen: bool = False  # the patient has acknowledged the full-screen urgent instruction
    return_to_review: bool = False
    save_failed: bool = False
    held: bool = False  # a failed save went idle: answers kept, none shown, retried by the browser
    thanks_language: str = "en"  # the thank-you speaks the language of the patient who just left
    focus: int = 0  # bumped after a failed Next: the browser brings the first problem into view
    large_text: bool = False
    high_contrast: bool = False
    called_at: float | None = None  # the front desk was called (tablet clock), for the notice
    last_toggle: tuple[str, str, float] | None = None  # (item, code, when): the quick re-tap guard

    @property
    def language(self) -> str:
        return str(self.answers.get(LANGUAGE_ITEM, self.thanks_language))

    @property
    def pristine(self) -> bool:
        """Nothing of a patient is held yet (the idle reset has nothing to erase)."""
        return not self.answers and self.screen == LANGUAGE


# ---------------------------------------------------------------- the screens of a bank
def _reads(bank: Bank, cond: Condition | None) -> set[str]:
    """Every item a condition reads, through the bank's gates too."""
    if cond is None:
        return set()
    found = set(cond.items())
    if cond.kind == "gate":
        found |= _reads(bank, bank.gates[cond.gate])
    for part in cond.parts:
        found |= _reads(bank, part)
    return found


def _joins(bank: Bank, group: list[Item], item: Item) -> bool:
    """May ``item`` share the screen of ``group`` (short yes/no items of one section)?"""
    def short(i: Item) -> bool:
        return (i.type == "yn" and max(len(t) for t in i.text.values()) <= SHORT_TEXT
                and max((len(t) for t in i.help.values()), default=0) <= SHORT_HELP)
    return (len(group) < GROUP_MAX and short(item) and all(short(g) for g in group)
            and item.section == group[0].section and not _reads(bank, item.when) & {g.id for g in group})


def bank_screens(bank: Bank) -> tuple[tuple[Item, ...], ...]:
    """Every question screen of the bank, in bank order (built once per bank)."""
    screens = bank.derived_tables.get("kiosk.screens")
    if screens is None:
        groups: list[list[Item]] = []
        for item in bank.items:
            if item.widget == "language":
                continue
            if groups and _joins(bank, groups[-1], item):
                groups[-1].append(item)
            else:
                groups.append([item])
        screens = bank.derived_tables.setdefault("kiosk.screens", tuple(tuple(g) for g in groups))
    return screens


def _index(bank: Bank) -> dict[str, int]:
    """Item id -> the position of its screen."""
    index = bank.derived_tables.get("kiosk.screen_index")
    if index is None:
        index = {i.id: n for n, group in enumerate(bank_screens(bank)) for i in group}
        index = bank.derived_tables.setdefault("kiosk.screen_index", index)
    return index


def shown_items(bank: Bank, answers: dict, screen: str, today: date | None = None) -> tuple[Item, ...]:
    """The items of question screen ``screen`` asked with ``answers`` (empty for other screens)."""
    position = _index(bank).get(screen)
    if position is None:
        return ()
    today = today or date.today()
    return tuple(i for i in bank_screens(bank)[position] if bank_asks(bank, answers, today, i))


def question_screens(bank: Bank, answers: dict, today: date | None = None) -> list[str]:
    """The ids of the question screens that have an asked item, in bank order."""
    today = today or date.today()
    return [g[0].id for g in bank_screens(bank) if any(bank_asks(bank, answers, today, i) for i in g)]


def section_of(bank: Bank, screen: str) -> str | None:
    return bank.item(screen).section if screen in _index(bank) else None


def step_of(bank: Bank, answers: dict, screen: str, today: date | None = None) -> tuple[int, int] | None:
    """(step, total) of a question screen over the whole questionnaire; None off the questions."""
    screens = question_screens(bank, answers, today)
    return (screens.index(screen) + 1, len(screens)) if screen in screens else None


def next_screen(bank: Bank, answers: dict, screen: str, today: date | None = None) -> str:
    screens = question_screens(bank, answers, today)
    if screen == LANGUAGE:
        return screens[0] if screens else REVIEW
    here = _index(bank).get(screen, len(bank_screens(bank)))
    return next((s for s in screens if _index(bank)[s] > here), REVIEW)


def previous_screen(bank: Bank, answers: dict, screen: str, today: date | None = None) -> str:
    screens = question_screens(bank, answers, today)
    here = _index(bank).get(screen, len(bank_screens(bank)) if screen == REVIEW else -1)
    return next((s for s in reversed(screens) if _index(bank)[s] < here), LANGUAGE)


def screen_problems(bank: Bank, answers: dict, screen: str, today: date) -> list[Problem]:
    """Every problem of the items on ``screen``, required-but-unanswered included."""
    ids = {i.id for i in shown_items(bank, answers, screen, today)}
    return check_answers(bank, answers, today, complete=True, only=ids) if ids else []


def first_incomplete(bank: Bank, answers: dict, today: date) -> tuple[str, list[Problem]] | None:
    """The first screen that still has a problem, with its problems; None when all is well."""
    if answers.get(LANGUAGE_ITEM) not in {o.code for o in bank.item(LANGUAGE_ITEM).options}:
        return LANGUAGE, []
    for screen in question_screens(bank, answers, today):
        problems = screen_problems(bank, answers, screen, today)
        if problems:
            return screen, problems
    leftovers = check_answers(bank, answers, today, complete=True)
    return (REVIEW, leftovers) if leftovers else None


def record(bank: Bank, answers: dict, item_id: str, value: object, today: date | None = None) -> dict:
    """New answers with ``item_id`` set to ``value`` (None, "" or [] removes it), pruned."""
    updated = dict(answers)
    if value is None or value == "" or value == []:
        updated.pop(item_id, None)
    else:
        updated[item_id] = normalise(value) if isinstance(value, str) else value  # texts are stored NFC
    return bank_asks(bank, updated, today or date.today())


def valid_answers(bank: Bank, answers: dict, today: date) -> dict:
    """The answers without any that has a problem: what can be scored while still typing."""
    bad = {p.item for p in check_answers(bank, answers, today)}
    return {k: v for k, v in answers.items() if k not in bad}


def typed_problem(bank: Bank, item_id: str, value: object, today: date) -> Problem | None:
    """The problem of a typed answer, shown at once (a too-long paste, a decimal, a bad date)."""
    item = bank.item(item_id)
    if value is None or value == "" or item.type not in ("int", "text", "date"):
        return None
    return check_value(item, value, today)


# ---------------------------------------------------------------- transitions on a Visit
def choose_language(bank: Bank, visit: Visit, code: str, today: date | None = None) -> None:
    visit.answers = record(bank, visit.answers, LANGUAGE_ITEM, code, today)
    visit.screen = next_screen(bank, visit.answers, LANGUAGE, today)
    visit.problems = {}


def go_next(bank: Bank, visit: Visit, today: date) -> bool:
    """Leave the current screen when its answers are fine; otherwise keep them and list why."""
    problems = screen_problems(bank, visit.answers, visit.screen, today)
    visit.problems = {p.item: p for p in problems}
    if problems:
        visit.focus += 1
        return False
    if visit.return_to_review:
        return go_review(bank, visit, today)
    visit.screen = next_screen(bank, visit.answers, visit.screen, today)
    return True


def after_answer(bank: Bank, visit: Visit, item_id: str, today: date) -> bool:
    """Move on by itself after a one-tap answer, only when nothing on the screen is left to do."""
    item = bank.item(item_id)
    if not one_tap(item) or visit.screen != bank_screens(bank)[_index(bank)[item_id]][0].id:
        return False
    if screen_problems(bank, visit.answers, visit.screen, today):
        return False
    return go_next(bank, visit, today)


def go_back(bank: Bank, visit: Visit, today: date | None = None) -> None:
    visit.problems = {}
    visit.screen = previous_screen(bank, visit.answers, visit.screen, today)


def go_change(visit: Visit, screen: str) -> None:
    """From the review screen to one question screen, coming back to the review after it."""
    visit.problems = {}
    visit.return_to_review = True
    visit.screen = screen


def go_review(bank: Bank, visit: Visit, today: date) -> bool:
    """To the review screen, or to the first screen a branching change left unanswered."""
    incomplete = first_incomplete(bank, visit.answers, today)
    if incomplete and incomplete[0] != REVIEW:
        visit.screen, problems = incomplete
        visit.problems = {p.item: p for p in problems}
        visit.focus += 1
        return False
    visit.screen, visit.problems, visit.return_to_review = REVIEW, {}, False
    return True


def review_sections(bank: Bank, answers: dict, today: date) -> list[tuple[str, list[str]]]:
    """(section id, its question screens) for the review, in bank order."""
    grouped: list[tuple[str, list[str]]] = []
    for screen in question_screens(bank, answers, today):
        section = section_of(bank, screen)
        if not grouped or grouped[-1][0] != section:
            grouped.append((section, []))
        grouped[-1][1].append(screen)
    return grouped
