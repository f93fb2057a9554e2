"""The kiosk in a real browser (Playwright + Debian's chromium) against `streamlit run app.py`.

A Spanish patient at 820x1180 and an English one at 768x1024 tap through the whole flow; on
every screen: no question screen scrolls (768x1024 and landscape 1180x820: at most half a
screen), Back and Next are in view, axe-core finds no WCAG 2.2 A/AA violation, no control is
smaller than 44x44 px, and the page language and title follow the patient. Then: a failed
Next on the last question of a screen, the idle overlay after scrolling, the urgent overlay,
large text, high contrast, read-aloud, and the front-desk call seen by a logged-in clinician.
Screenshots of every screen: test-artifacts/kiosk/.
"""

from __future__ import annotations

from datetime import date

import pytest
from browser import (
    TABLET,
    artifacts,
    axe_violations,
    block,
    create_clinician,
    launched_chromium,
    leave_screen,
    log_in_to_workspace,
    overflow_px,
    running_app,
    screen_items,
    screenshot,
    settle,
    small_targets,
    stored,
    tap_button,
    walk_questions,
)
from browser import answer as give
from patients import PATIENT_EN, PATIENT_ES

from kiosk import flow
from kiosk.renderer import Renderer
from kiosk.ui_text import load_ui_text
from questionnaire.bank import load_bank

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BANK = load_bank()
UI = load_ui_text()
SMALL = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1180, "height": 820}
STAFF, PASSWORD = "front.desk", "a long enough front desk password"
# Our English words that differ from the Spanish ones, and Streamlit's own English labels.
ENGLISH_ONLY = sorted({UI.texts[k]["en"] for k in UI.keys() if "{" not in UI.texts[k]["en"]
                       and UI.texts[k]["en"] != UI.texts[k]["es"] and k != "months"}
                      | {"Skip to main content", '"progress"', "Increment"})


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    """One running app for the module (each test opens its own browser context)."""
    folder = tmp_path_factory.mktemp("kiosk")
    with running_app(folder) as app:
        yield app


@pytest.fixture(scope="module")
def browser_():
    with launched_chromium() as browser:
        yield browser


def open_kiosk(browser_, app, viewport=TABLET, query: str = "", speech: bool = False):
    context = browser_.new_context(viewport=viewport)
    if speech:  # record what the kiosk asks the browser to say (no audio in a headless test)
        context.add_init_script("""window.__spoken = [];
            window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang});""")
    page = context.new_page()
    page.goto(app.url + query)
    settle(page)
    return page


def switch(page, what: str, lang: str) -> None:
    """Tap a view switch by its words, as a patient does."""
    page.locator("[data-testid=stCheckbox] label").filter(has_text=UI(what, lang)).click()
    settle(page)


def past_the_airway_question(page, lang: str) -> None:
    """The first question after the language (contract v3: "right now"); "no" moves on by itself."""
    give(page, BANK.item("rf.airway_now"), "no", lang)
    block(page, "patient.name").wait_for()


def check_screen(page, lang: str, name: str, allowed_scroll: int = 0) -> None:
    """What must hold on every screen: fit, Back and Next in view, axe, targets, language."""
    assert overflow_px(page) <= allowed_scroll, f"{name}: scrolls {overflow_px(page)} px"
    for key in ("nav-back", "nav-next") if allowed_scroll == 0 else ():
        found = page.locator(f".st-key-{key} button")
        if found.count():
            box, height = found.bounding_box(), page.viewport_size["height"]
            assert 0 <= box["y"] and box["y"] + box["height"] <= height, f"{name}: {key} out of view"
    assert axe_violations(page) == [], name
    assert small_targets(page) == [], name
    assert page.evaluate("[document.documentElement.lang, document.title]") == [lang, UI("page_title", lang)]
    if lang == "es":  # what a screen reader reads holds no English kiosk or Streamlit words
        read = page.locator("body").aria_snapshot()
        english = [w for w in ENGLISH_ONLY if w in read]
        assert english == [], f"{name}: English for a Spanish patient: {english}"
    screenshot(page, artifacts("kiosk", clean=False) / f"{name}.png")


@pytest.mark.parametrize(("answers", "viewport", "tag"), [(PATIENT_ES, TABLET, "es-820x1180"),
                                                          (PATIENT_EN, SMALL, "en-768x1024")])
def test_a_patient_walks_the_whole_flow_on_a_tablet(kiosk, browser_, answers, viewport, tag):
    artifacts("kiosk", clean=tag.startswith("es"))
    lang = answers["patient.language"]
    before = len(stored(kiosk))
    page = open_kiosk(browser_, kiosk, viewport)
    check_screen(page, "en", f"{tag}-00-language")
    portrait = viewport == TABLET

    def on_screen(n: int, screen: str) -> None:
        check_screen(page, lang, f"{tag}-{n:02d}-{screen}", 0 if portrait else viewport["height"] // 2)
        if not portrait:  # the same screen in landscape: at most half a screen of scrolling
            page.set_viewport_size(LANDSCAPE)
            page.wait_for_timeout(150)
            assert overflow_px(page) <= LANDSCAPE["height"] // 2, f"{screen}: landscape"
            page.set_viewport_size(viewport)
            page.wait_for_timeout(100)

    for _ in walk_questions(page, answers, on_screen):
        pass
    page.get_by_text(answers["patient.name"], exact=True).wait_for()  # exactly as typed, plain text
    check_screen(page, lang, f"{tag}-90-review", allowed_scroll=10_000)
    tap_button(page, UI("submit", lang))
    settle(page)
    page.get_by_text(UI("thanks_title", lang)).wait_for()
    check_screen(page, lang, f"{tag}-91-thanks")
    rows = stored(kiosk)
    assert len(rows) == before + 1 and rows[0].answers == answers and rows[0].language == lang
    # The tablet is clean: Done, the browser's back button and a reload show no answer.
    tap_button(page, UI("done", lang))
    settle(page)
    page.get_by_role("button", name="English", exact=True).wait_for()
    for move in (page.go_back, page.reload):
        move()
        page.wait_for_timeout(1200)
        assert answers["patient.name"] not in page.content()
    page.context.close()


def test_a_failed_next_on_the_last_question_of_a_screen_brings_it_into_view(kiosk, browser_):
    page = open_kiosk(browser_, kiosk, SMALL)
    tap_button(page, "Español")
    settle(page)
    switch(page, "large_text", "es")  # large text: the screen scrolls
    settle(page)
    answers = {**PATIENT_EN, "patient.language": "es"}
    screens = flow.question_screens(BANK, answers)
    for n, screen in enumerate(screens[:screens.index("ha.nausea")]):
        for item in screen_items(answers, screen):
            give(page, item, answers[item.id], "es")
        leave_screen(page, screen, answers, "es", screens[n + 1])
    give(page, BANK.item("ha.nausea"), "yes", "es")
    give(page, BANK.item("ha.light"), "no", "es")
    page.evaluate("window.scrollTo(0, 0); document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    tap_button(page, UI("next", "es"))
    settle(page)
    problem = block(page, "ha.sound").get_by_role("alert")
    message = UI("problem", "es", question=BANK.item("ha.sound").text["es"],
                 message=BANK.message("required", "es"))
    problem.get_by_text(message).wait_for()
    page.wait_for_timeout(400)
    box, height = problem.bounding_box(), page.viewport_size["height"]
    assert 0 <= box["y"] and box["y"] + box["height"] <= height  # in view
    focused = page.evaluate("!!document.activeElement.closest('.st-key-item-ha-sound')")
    assert focused, "the first problem's control has the focus"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "25px"
    screenshot(page, artifacts("kiosk", clean=False) / "error-es-last-question-large-text.png")
    assert axe_violations(page) == [] and small_targets(page) == []
    page.context.close()


def test_the_idle_warning_is_an_overlay_wherever_the_patient_is(kiosk, browser_):
    context = browser_.new_context(viewport=SMALL)
    page = context.new_page()
    page.clock.install()
    page.goto(kiosk.url)
    settle(page)
    tap_button(page, "Español")
    settle(page)
    past_the_airway_question(page, "es")
    give(page, BANK.item("patient.name"), "José Núñez", "es")
    switch(page, "large_text", "es")
    settle(page)
    page.mouse.wheel(0, 2000)
    idle, warning = 180, 30
    page.clock.run_for((idle - warning - 5) * 1000)
    overlay = page.locator("#kiosk-idle")
    assert overlay.is_hidden()
    page.keyboard.type("x")  # a keystroke anywhere is activity
    page.clock.run_for(10_000)
    assert overlay.is_hidden()
    page.clock.run_for((idle - warning) * 1000)
    overlay.wait_for()
    box = page.locator("#kiosk-still-here").bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"] and box["height"] >= 80
    assert page.evaluate("document.activeElement.id") == "kiosk-still-here"
    assert "segundos" in overlay.inner_text() and page.locator("#kiosk-idle").get_attribute("lang") == "es"
    screenshot(page, artifacts("kiosk", clean=False) / "idle-es-overlay.png")
    assert axe_violations(page) == [] and small_targets(page) == []
    page.get_by_role("button", name=UI("still_here", "es")).click()
    assert overlay.is_hidden()
    assert block(page, "patient.name").locator("input").input_value() == "José Núñez"  # nothing lost
    page.clock.run_for((idle + 2) * 1000)  # untouched: the visit is erased for the next patient
    page.get_by_role("button", name="English", exact=True).wait_for(timeout=15_000)
    settle(page)
    assert "José" not in page.content()
    context.close()


def test_the_urgent_instruction_covers_the_screen_then_stays_on_top(kiosk, browser_):
    answers = flow.bank_asks(BANK, {**PATIENT_ES, "neck.pulls": "no", "back.pain": "no", "mf.knots": "no",
                                    "pain.regions": ["head"], "rf.thunderclap": "yes"}, date.today())
    page = open_kiosk(browser_, kiosk, TABLET)
    tap_button(page, "Español")
    settle(page)
    screens = flow.question_screens(BANK, answers)
    for n, screen in enumerate(screens[:screens.index("rf.thunderclap")]):
        for item in screen_items(answers, screen):
            give(page, item, answers[item.id], "es")
        leave_screen(page, screen, answers, "es", screens[n + 1])
    assert page.locator(".st-key-urgent-full, .st-key-urgent").count() == 0
    give(page, BANK.item("rf.thunderclap"), "yes", "es")
    full = page.locator(".st-key-urgent-full")
    full.get_by_text(UI("urgent", "es")).wait_for()
    box = full.bounding_box()
    assert box["y"] <= 0 and box["height"] >= page.viewport_size["height"] - 1  # the whole screen
    screenshot(page, artifacts("kiosk", clean=False) / "urgent-es-overlay.png")
    assert axe_violations(page) == [] and small_targets(page) == []
    tap_button(page, UI("urgent_ok", "es"))
    settle(page)
    band = page.locator(".st-key-urgent")
    band.get_by_text(UI("urgent", "es")).wait_for()
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(300)
    assert 0 <= band.bounding_box()["y"] < 10
    screenshot(page, artifacts("kiosk", clean=False) / "urgent-es-band.png")
    assert axe_violations(page) == []
    page.context.close()


def test_large_text_high_contrast_and_read_aloud(kiosk, browser_):
    page = open_kiosk(browser_, kiosk, TABLET, speech=True)
    tap_button(page, "Español")
    settle(page)
    switch(page, "high_contrast", "es")
    settle(page)
    switch(page, "large_text", "es")
    settle(page)
    past_the_airway_question(page, "es")
    give(page, BANK.item("patient.name"), "Ana Ruiz", "es")
    tap_button(page, UI("next", "es"))
    settle(page)
    classes = page.evaluate("document.documentElement.className")
    assert "kiosk-large" in classes and "kiosk-contrast" in classes  # kept on the next screen
    speak = UI("read_aloud", "es")
    page.get_by_role("button", name=f"{speak}: {BANK.item('patient.birth_date').text['es']}").click()
    renderer = Renderer(BANK, UI, "es", "t", lambda *a: None)
    assert page.evaluate("window.__spoken") == [{"text": renderer.spoken(BANK.item("patient.birth_date")),
                                                 "lang": "es"}]
    screenshot(page, artifacts("kiosk", clean=False) / "large-contrast-es-birth_date.png")
    assert axe_violations(page) == [] and small_targets(page) == []
    give(page, BANK.item("patient.birth_date"), "1970-03-04", "es")
    tap_button(page, UI("next", "es"))
    settle(page)
    sex = BANK.item("patient.sex")
    page.get_by_role("button", name=f"{speak}: {sex.text['es']}").click()
    spoken = page.evaluate("window.__spoken")[-1]
    assert spoken["lang"] == "es" and all(o.text["es"] in spoken["text"] for o in sex.options)
    page.context.close()


def test_the_call_button_reaches_a_logged_in_clinician(kiosk, browser_):
    created = create_clinician(kiosk.env, STAFF, PASSWORD)
    assert created.returncode == 0, created.stderr
    staff = browser_.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in_to_workspace(staff, kiosk.url, STAFF, PASSWORD)
    staff.get_by_role("heading", name="Today's list").wait_for(timeout=30_000)
    patient = open_kiosk(browser_, kiosk, TABLET, query="/?tablet=Sala-2")
    tap_button(patient, "Español")
    settle(patient)
    past_the_airway_question(patient, "es")
    give(patient, BANK.item("patient.name"), "Lucía Privada", "es")
    patient.get_by_role("button", name=UI("call_desk", "es")).click()
    settle(patient)
    patient.get_by_text(UI("called", "es")).wait_for()
    check_screen(patient, "es", "call-es-called")
    seen = staff.get_by_text("Front desk called from tablet “Sala-2”")
    seen.wait_for(timeout=10_000)  # within 10 s, without touching the staff page
    assert "Lucía" not in staff.content()
    screenshot(staff, artifacts("kiosk", clean=False) / "call-workspace-alert.png")
    staff.get_by_role("button", name="Acknowledge").click()
    seen.wait_for(state="detached", timeout=10_000)
    patient.context.close()
    staff.context.close()
