"""Issue 5 item 8: two patients at once, in two independent browsers, against one running app.

Patient A (English) and patient B (Spanish, other answers) fill the questionnaire with their
steps interleaved one answer at a time. After every step, neither page may show anything of
the other patient. Both submissions are stored exactly. After the thank-you, neither the
browser's back button nor a reload brings back a name or an answer. The server runs at DEBUG
logging, and its whole output is searched for both patients' data afterwards.
Screenshots: test-artifacts/two_patients/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from browser import TABLET, artifacts, launched_chromium, running_app, screenshot, settle, stored, tap_button
from browser import walk_questions as walk
from patients import PATIENT_EN, PATIENT_ES

from kiosk import flow
from kiosk.ui_text import load_ui_text
from questionnaire.bank import load_bank

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BANK = load_bank()
UI = load_ui_text()

PATIENT_A = {**PATIENT_EN, "patient.name": "Annelie Vandersloot", "patient.birth_date": "1966-09-14",
             "visit.concern": "Throbbing headaches near Rotterdam harbour", "meds.list": "rizatriptan wafer"}
# Born 1979, so under 50: the age-gated warning signs (50 or over) are not asked of him.
PATIENT_B = flow.bank_asks(BANK, {**PATIENT_ES, "patient.name": "Bartolomé Quiñónez",
                                  "patient.birth_date": "1979-01-30",
                                  "visit.concern": "Dolor lumbar desde Guadalajara",
                                  "meds.list": "ciclobenzaprina nocturna"}, date.today())
assert "rf.jaw_claudication" not in PATIENT_B and "rf.jaw_claudication" in PATIENT_A


def private_words(answers: dict) -> list[str]:
    return [answers["patient.name"], answers["visit.concern"], answers["meds.list"],
            answers["patient.name"].split()[-1]]


def steps(page, answers: dict, shots, tag: str) -> Iterator[str]:
    """One patient's visit, yielding after each answer or tap so another can go in between."""
    lang = answers["patient.language"]

    def look(n: int, screen: str) -> None:
        if screen == "patient.name":  # the screen with the typed name
            screenshot(page, shots / f"{tag}-{n:02d}-{screen}.png")

    yield from walk(page, answers, look)
    page.get_by_text(UI("review_title", lang)).wait_for()
    screenshot(page, shots / f"{tag}-90-review.png")
    yield "review"
    tap_button(page, UI("submit", lang))
    settle(page)
    page.get_by_text(UI("thanks_title", lang)).wait_for()
    screenshot(page, shots / f"{tag}-91-thanks.png")
    yield "thanks"


def page_text(page) -> str:
    """What the patient can see or a screen reader can read: text and every field's value."""
    values = page.evaluate("[...document.querySelectorAll('input, textarea')].map(e => e.value).join('\\n')")
    return page.inner_text("body") + "\n" + values


def assert_nothing_of(page, answers: dict, when: str) -> None:
    text = page_text(page)
    shown = [w for w in private_words(answers) if w in text]
    assert not shown, f"{when}: the page shows {shown}"


def test_two_patients_at_once_never_see_each_other(tmp_path):
    shots = artifacts("two_patients")
    debug = {"SCREENER_LOG_LEVEL": "DEBUG", "STREAMLIT_LOGGER_LEVEL": "debug"}
    with running_app(tmp_path, extra_env=debug) as app, launched_chromium() as browser:
        contexts = [browser.new_context(viewport=TABLET) for _ in range(2)]
        pages = [c.new_page() for c in contexts]
        patients = [PATIENT_A, PATIENT_B]
        for page in pages:
            page.goto(app.url)
            settle(page)
        walks = [steps(pages[0], PATIENT_A, shots, "A"), steps(pages[1], PATIENT_B, shots, "B")]
        running, count = [True, True], 0
        while any(running):
            for me in (0, 1):
                if not running[me]:
                    continue
                try:
                    step = next(walks[me], None)
                except Exception:
                    for n, page in enumerate(pages):
                        screenshot(page, shots / f"failed-{'AB'[n]}.png")
                    raise
                running[me] = step is not None
                count += 1
                other = 1 - me
                assert_nothing_of(pages[me], patients[other], f"patient {'AB'[me]} after {step}")
                assert_nothing_of(pages[other], patients[me], f"patient {'AB'[other]} after {step}")
        assert count > 60, "the walk took too few steps to interleave"

        rows = stored(app)
        by_name = {r.answers["patient.name"]: r for r in rows}
        assert len(rows) == 2 and set(by_name) == {PATIENT_A["patient.name"], PATIENT_B["patient.name"]}
        for patient in patients:
            row = by_name[patient["patient.name"]]
            assert row.answers == patient and row.language == patient["patient.language"]
            assert row.result is not None

        # After the thank-you: a reload and the browser's back button bring nothing back.
        for me, (page, patient) in enumerate(zip(pages, patients, strict=True)):
            tag = "AB"[me]
            page.reload()
            settle(page)
            screenshot(page, shots / f"{tag}-92-after-reload.png")
            assert_nothing_of(page, patient, f"patient {tag} after a reload")
            page.get_by_role("button", name="English", exact=True).wait_for()
            for move in ("back", "forward", "back"):
                (page.go_back if move == "back" else page.go_forward)(wait_until="load")
                if page.url.startswith(app.url):
                    settle(page)
                assert_nothing_of(page, patient, f"patient {tag} after {move} ({page.url})")
                assert_nothing_of(page, patients[1 - me], f"patient {tag} after {move} ({page.url})")
            screenshot(page, shots / f"{tag}-93-after-back.png")
        for context in contexts:
            context.close()

    server_output = app.log.read_text(encoding="utf-8", errors="replace")
    # Logging reached the file (the first start announces its new key); then search it all.
    assert "encryption key" in server_output, "the server log is empty: nothing to search"
    leaks = [w for p in patients for w in (*private_words(p), p["patient.birth_date"]) if w in server_output]
    assert not leaks, f"the server log holds health data: {leaks}"
