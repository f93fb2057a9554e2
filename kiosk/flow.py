"""Which screen the patient sees, and what Next, Back, Change and Submit do. Pure: no Streamlit.

Screens, in order: the language picker, one screen per bank section that has at least one
asked item (bank order), the review screen, then the thank-you screen. Branching is the
bank's asked-when conditions; answers of items that stop being asked are dropped
(``Bank.prune``). A failed Next keeps every answer and lists the problems of that screen.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from questionnaire.answers import Problem, check_answers, normalise
from questionnaire.bank import Bank, Item

LANGUAGE = "language"
REVIEW = "review"
THANKS = "thanks"
LANGUAGE_ITEM = "patient.language"


@dataclass
class Visit:
    """One patient's pass through the kiosk; lives only in that browser session's state."""

    last_activity: float
    token: str = field(default_factory=lambda: secrets.token_hex(6))
    screen: str = LANGUAGE
    answers: dict = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    urgent: bool = False
    return_to_review: bool = False
    save_failed: bool = False
    held: bool = False  # a failed save went idle: answers kept, none shown, retried on each tick
    thanks_language: str = "en"  # the thank-you speaks the language of the patient who just left

    @property
    def language(self) -> str:
        return str(self.answers.get(LANGUAGE_ITEM, self.thanks_language))

    @property
    def pristine(self) -> bool:
        """Nothing of a patient is held yet (the idle reset has nothing to erase)."""
        return not self.answers and self.screen == LANGUAGE


def shown_items(bank: Bank, answers: dict, section: str) -> tuple[Item, ...]:
    """The items of ``section`` asked with ``answers`` and drawn on screen (not the language)."""
    return tuple(i for i in bank.in_section(section)
                 if i.widget != "language" and bank.is_asked(i, answers, date.today()))


def section_screens(bank: Bank, answers: dict) -> list[str]:
    """Section ids that have at least one shown item, in bank order."""
    return [s.id for s in bank.sections if shown_items(bank, answers, s.id)]


def step_of(bank: Bank, answers: dict, screen: str) -> tuple[int, int] | None:
    """(step, total) of a section screen for the progress indicator; None off the sections."""
    screens = section_screens(bank, answers)
    return (screens.index(screen) + 1, len(screens)) if screen in screens else None


def next_screen(bank: Bank, answers: dict, screen: str) -> str:
    screens = [LANGUAGE, *section_screens(bank, answers), REVIEW]
    if screen not in screens:
        return REVIEW
    return screens[min(screens.index(screen) + 1, len(screens) - 1)]


def previous_screen(bank: Bank, answers: dict, screen: str) -> str:
    screens = [LANGUAGE, *section_screens(bank, answers), REVIEW]
    if screen not in screens:
        return screens[-2] if len(screens) > 2 else LANGUAGE
    return screens[max(screens.index(screen) - 1, 0)]


def screen_problems(bank: Bank, answers: dict, screen: str, today: date) -> list[Problem]:
    """Every problem of the items on ``screen``, required-but-unanswered included."""
    ids = {i.id for i in shown_items(bank, answers, screen)}
    return check_answers(bank, answers, today, complete=True, only=ids) if ids else []


def first_incomplete(bank: Bank, answers: dict, today: date) -> tuple[str, list[Problem]] | None:
    """The first screen that still has a problem, with its problems; None when all is well."""
    if answers.get(LANGUAGE_ITEM) not in {o.code for o in bank.item(LANGUAGE_ITEM).options}:
        return LANGUAGE, []
    for screen in section_screens(bank, answers):
        problems = screen_problems(bank, answers, screen, today)
        if problems:
            return screen, problems
    leftovers = check_answers(bank, answers, today, complete=True)
    return (REVIEW, leftovers) if leftovers else None


def record(bank: Bank, answers: dict, item_id: str, value: object) -> dict:
    """New answers with ``item_id`` set to ``value`` (None, "" or [] removes it), pruned."""
    updated = dict(answers)
    if value is None or value == "" or value == []:
        updated.pop(item_id, None)
    else:
        updated[item_id] = normalise(value) if isinstance(value, str) else value  # texts are stored NFC
    return bank.prune(updated, date.today())


def valid_answers(bank: Bank, answers: dict, today: date) -> dict:
    """The answers without any that has a problem: what can be scored while still typing."""
    bad = {p.item for p in check_answers(bank, answers, today)}
    return {k: v for k, v in answers.items() if k not in bad}


# ---------------------------------------------------------------- transitions on a Visit
def choose_language(bank: Bank, visit: Visit, code: str) -> None:
    visit.answers = record(bank, visit.answers, LANGUAGE_ITEM, code)
    visit.screen = next_screen(bank, visit.answers, LANGUAGE)
    visit.problems = {}


def go_next(bank: Bank, visit: Visit, today: date) -> bool:
    """Leave the current screen when its answers are fine; otherwise keep them and list why."""
    problems = screen_problems(bank, visit.answers, visit.screen, today)
    visit.problems = {p.item: p for p in problems}
    if problems:
        return False
    if visit.return_to_review:
        return go_review(bank, visit, today)
    visit.screen = next_screen(bank, visit.answers, visit.screen)
    return True


def go_back(bank: Bank, visit: Visit) -> None:
    visit.problems = {}
    visit.screen = previous_screen(bank, visit.answers, visit.screen)


def go_change(visit: Visit, section: str) -> None:
    """From the review screen to one section, coming back to the review after it."""
    visit.problems = {}
    visit.return_to_review = True
    visit.screen = section


def go_review(bank: Bank, visit: Visit, today: date) -> bool:
    """To the review screen, or to the first screen a branching change left unanswered."""
    incomplete = first_incomplete(bank, visit.answers, today)
    if incomplete and incomplete[0] != REVIEW:
        visit.screen, problems = incomplete
        visit.problems = {p.item: p for p in problems}
        return False
    visit.screen, visit.problems, visit.return_to_review = REVIEW, {}, False
    return True
