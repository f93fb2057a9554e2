"""A patient taps through the whole questionnaire in a real browser (Playwright + Debian's chromium)
against `streamlit run app.py`, the body map by tapping the picture; the stored submission is
checked and every screen is saved to test-artifacts/kiosk/ at tablet sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from browser import artifacts, chromium, screenshot, settle, streamlit_app  # noqa: F401  (fixtures)
from test_kiosk_data import PATIENT_EN, PATIENT_ES

from clinic.config import load_settings
from kiosk import bodymap, flow
from kiosk.ui_text import load_ui_text
from questionnaire.bank import load_bank
from storage import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BANK = load_bank()
UI = load_ui_text()
TABLET = {"width": 820, "height": 1180}


def block(page, item_id: str):
    return page.locator(f".st-key-item-{item_id.replace('.', '-')}")


def tap_button(scope, name: str) -> None:
    """Tap the button showing exactly ``name`` (plain buttons, segmented buttons and pills)."""
    scope.locator("button").filter(has_text=re.compile(f"^\\s*{re.escape(name)}\\s*$")).first.click()


def tap_body(page, regions: list[str]) -> None:
    frame = page.frame_locator(".st-key-bodymap iframe")
    image = frame.locator("img")
    image.wait_for()
    for code in regions:
        box = image.bounding_box()
        xs, ys = zip(*bodymap.REGIONS[code][-1], strict=True)
        x, y = sum(xs) / len(xs), sum(ys) / len(ys)
        image.click(position={"x": x * box["width"] / bodymap.WIDTH, "y": y * box["height"] / bodymap.HEIGHT})
        settle(page)


def answer(page, item, value, lang: str) -> None:
    here = block(page, item.id)
    text = (lambda code: BANK.yn_text[code][lang]) if item.type == "yn" else (
        lambda code: item.option(code).text[lang])
    if item.widget == "body_map":
        tap_body(page, value)
        return
    if item.type == "date":
        year, month, day = (int(p) for p in value.split("-"))
        for label, number in ((UI("day", lang), day), (UI("year", lang), year)):
            here.get_by_label(label).fill(str(number))
            here.get_by_label(label).press("Tab")
            settle(page)
        tap_button(here, UI("months", lang).split(",")[month - 1])
    elif item.type in ("yn", "nrs"):
        tap_button(here, str(value) if item.type == "nrs" else text(value))
    elif item.type == "multi":
        for code in value:
            tap_button(here, text(code))
            settle(page)
    elif item.type == "choice" or item.widget == "scale":
        here.get_by_text(item.point(value).text[lang] if item.scale else text(value), exact=True).click()
    else:
        field = here.locator("textarea" if item.multiline else "input").first
        field.fill(str(value))
        field.press("Tab")
    settle(page)


def answer_screen(page, section: str, answers: dict, lang: str) -> Iterator[str]:
    """Answer the screen in bank order, yielding each item id once it is answered (so another
    patient can go in between); the branching shows later items as earlier ones are answered."""
    done = {k: v for k, v in answers.items() if BANK.item(k).section != section}
    for _ in range(5):
        todo = [i for i in flow.shown_items(BANK, done, section) if i.id in answers and i.id not in done]
        if not todo:
            return
        for item in todo:
            answer(page, item, answers[item.id], lang)
            done[item.id] = answers[item.id]
            yield item.id


def fill_screen(page, section: str, answers: dict, lang: str) -> None:
    for _ in answer_screen(page, section, answers, lang):
        pass


def walk(page, answers: dict, shots, tag: str) -> None:
    lang = answers["patient.language"]
    screenshot(page, shots / f"{tag}-00-language.png")
    tap_button(page, UI("choose_english" if lang == "en" else "choose_spanish", lang))
    settle(page)
    screens = flow.section_screens(BANK, answers)
    for n, section in enumerate(screens, start=1):
        page.get_by_text(UI("progress", lang, step=n, total=len(screens))).wait_for()
        fill_screen(page, section, answers, lang)
        screenshot(page, shots / f"{tag}-{n:02d}-{section}.png")
        tap_button(page, UI("next" if section != "safety" else "review", lang))
        settle(page)
    page.get_by_text(UI("review_title", lang)).wait_for()
    # The patient's own text is shown exactly as typed: never read as Markdown or HTML.
    page.get_by_text(answers["patient.name"], exact=True).wait_for()
    screenshot(page, shots / f"{tag}-{len(screens) + 1:02d}-review.png")
    tap_button(page, UI("submit", lang))
    settle(page)
    page.get_by_text(UI("thanks_title", lang)).wait_for()
    screenshot(page, shots / f"{tag}-{len(screens) + 2:02d}-thanks.png")


def assert_fits(page) -> None:
    """No horizontal scrolling, and every visible button is at least 44 px high."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow} px"
    small = page.evaluate("""[...document.querySelectorAll('[data-testid="stMain"] button')]
        .filter(b => b.offsetParent).map(b => [b.innerText, b.getBoundingClientRect().height])
        .filter(([t, h]) => h < 44)""")
    assert small == [], small


def stored(app):
    store = open_store(load_settings(environ=app.env))
    try:
        return store.list_submissions()
    finally:
        store.close()


@pytest.mark.parametrize(("answers", "tag"), [(PATIENT_ES, "es"), (PATIENT_EN, "en")])
def test_patient_taps_through_and_is_stored(streamlit_app, chromium, answers, tag):  # noqa: F811
    shots = artifacts("kiosk", clean=tag == "es")
    page = chromium.new_page(viewport=TABLET)
    page.goto(streamlit_app.url)
    settle(page)
    walk(page, answers, shots, tag)
    rows = stored(streamlit_app)
    assert len(rows) == 1 and rows[0].answers == answers and rows[0].language == answers["patient.language"]
    assert rows[0].result is not None
    # The tablet is clean: Done, reload and the browser's back button show no answer.
    tap_button(page, UI("done", answers["patient.language"]))
    settle(page)
    page.get_by_role("button", name="English", exact=True).wait_for()
    for move in (page.go_back, page.reload):
        move()
        page.wait_for_timeout(1500)
        assert answers["patient.name"] not in page.content()
    page.goto(streamlit_app.url)
    settle(page)
    page.get_by_role("button", name="English", exact=True).wait_for()
    assert answers["patient.name"] not in page.content()
    page.close()


@pytest.mark.parametrize("viewport", [{"width": 820, "height": 1180}, {"width": 1180, "height": 820},
                                      {"width": 768, "height": 1024}, {"width": 1024, "height": 768}],
                         ids=["820-portrait", "820-landscape", "768-portrait", "768-landscape"])
def test_screens_fit_the_tablet(streamlit_app, chromium, viewport):  # noqa: F811
    shots = artifacts("kiosk", clean=False)
    tag = f"{viewport['width']}x{viewport['height']}"
    page = chromium.new_page(viewport=viewport)
    page.goto(streamlit_app.url)
    settle(page)
    assert_fits(page)
    chrome = '[data-testid="stToolbar"]:visible, [data-testid="stAppDeployButton"]:visible, #MainMenu:visible'
    assert page.locator(chrome).count() == 0
    tap_button(page, "English")
    settle(page)
    tap_button(page, "Next")  # nothing answered: every message shows beside its field
    settle(page)
    page.get_by_text(BANK.message("required", "en")).first.wait_for()
    assert_fits(page)
    screenshot(page, shots / f"fit-{tag}-about_you-problems.png")
    fill_screen(page, "about_you", PATIENT_EN, "en")
    tap_button(page, "Next")
    settle(page)
    fill_screen(page, "where_it_hurts", PATIENT_EN, "en")
    assert_fits(page)
    screenshot(page, shots / f"fit-{tag}-where_it_hurts.png")
    page.close()


def test_urgent_instruction_shows_at_once(streamlit_app, chromium):  # noqa: F811
    shots = artifacts("kiosk", clean=False)
    answers = BANK.prune({**PATIENT_ES, "neck.pulls": "no", "back.pain": "no", "pain.regions": ["head"],
                          "rf.thunderclap": "yes"}, date.today())
    page = chromium.new_page(viewport=TABLET)
    page.goto(streamlit_app.url)
    settle(page)
    tap_button(page, "Español")
    settle(page)
    for section in flow.section_screens(BANK, answers)[:6]:
        fill_screen(page, section, answers, "es")
        tap_button(page, UI("next", "es"))
        settle(page)
    banner = page.locator(".st-key-urgent")
    assert banner.count() == 0
    answer(page, BANK.item("rf.thunderclap"), "yes", "es")
    banner.get_by_text(UI("urgent", "es")).wait_for()
    assert banner.bounding_box()["y"] < 200  # at the top of the screen, where it is seen
    screenshot(page, shots / "urgent-es-warning_signs.png")
    page.mouse.move(400, 700)
    page.mouse.wheel(0, 1200)  # scrolled down to the next questions, the instruction stays in view
    page.wait_for_timeout(500)
    assert 0 <= banner.bounding_box()["y"] < 100
    page.screenshot(path=str(shots / "urgent-es-scrolled.png"))
    page.close()
