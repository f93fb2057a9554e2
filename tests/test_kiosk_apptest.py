"""The kiosk page driven through Streamlit's AppTest: whole flow in English and Spanish, the stored
row, screens and auto-advance, branching, validation (nothing lost, nothing cut), quick taps,
the urgent instruction, the view switches, the front-desk call, and a clean session after
submit and idle (the browser-side watch reports idle; tests/kiosk_harness.py stands in)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from patients import HEADACHE_ITEMS, PATIENT_EN, PATIENT_ES
from streamlit.testing.v1 import AppTest

from clinic.config import load_settings
from kiosk import flow
from kiosk.page import VISIT
from kiosk.renderer import widget_key
from kiosk.ui_text import load_ui_text
from questionnaire.bank import load_bank
from storage import open_store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HARNESS = str(Path(__file__).resolve().parent / "kiosk_harness.py")
BANK = load_bank()
UI = load_ui_text()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """A fresh kiosk session over its own SQLite file and key."""
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'kiosk.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "kiosk.key"))
    return AppTest.from_file(HARNESS, default_timeout=30).run()


def stored():
    store = open_store(load_settings())
    try:
        return store.list_submissions()
    finally:
        store.close()


def visit(at) -> flow.Visit:
    return at.session_state[VISIT]


def set_widget(at, item, value, token) -> None:
    key = widget_key(token, item.id)
    if item.type == "date":
        year, month, day = (int(p) for p in value.split("-"))
        at.text_input(key=widget_key(token, item.id, "day")).set_value(str(day))
        at.text_input(key=widget_key(token, item.id, "year")).set_value(str(year))
        at.button_group(key=widget_key(token, item.id, "month")).set_value(month)
    elif item.type == "choice" or item.widget == "scale":  # a scale: its labelled points
        at.radio(key=key).set_value(value)
    elif item.type in ("yn", "nrs", "multi"):
        at.button_group(key=key).set_value(value)
    elif item.type == "int":
        at.text_input(key=key).set_value(str(value))
    elif item.multiline:
        at.text_area(key=key).set_value(value)
    else:
        at.text_input(key=key).set_value(value)


def fill_screen(at, answers: dict) -> set[str]:
    """Answer every shown item of the current screen from ``answers``, one run per answer (as a
    patient taps); the ids it met. Stops when the screen moves on by itself."""
    v = visit(at)
    screen, met = v.screen, set()
    for item in flow.shown_items(BANK, v.answers, screen):
        met.add(item.id)
        if item.id in answers and v.answers.get(item.id) != answers[item.id]:
            set_widget(at, item, answers[item.id], v.token)
            at.run()
            assert not at.exception
        if visit(at).screen != screen:
            break
    return met


def walk_to_review(at, answers: dict) -> set[str]:
    at.button(key=f"lang.{answers['patient.language']}").click().run()
    met: set[str] = set()
    while visit(at).screen != flow.REVIEW:
        screen = visit(at).screen
        met |= fill_screen(at, answers)
        if visit(at).screen == screen:
            at.button(key="nav.next").click().run()
        assert visit(at).screen != screen, visit(at).problems
    return met


def go_to(at, screen: str, lang: str = "en", given: dict | None = None) -> flow.Visit:
    if visit(at).screen == flow.LANGUAGE:
        at.button(key=f"lang.{lang}").click().run()
    visit(at).answers.update({"ha.any": "yes"} if given is None else given)
    visit(at).screen = screen
    at.run()
    return visit(at)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("answers", [PATIENT_EN, PATIENT_ES], ids=["english", "spanish"])
def test_whole_flow_is_stored(app, answers):
    lang = answers["patient.language"]
    met = walk_to_review(app, answers)
    assert visit(app).answers == answers
    assert answers["patient.name"] in [t.value for t in app.text]  # plain text, exactly as typed
    for own_words in (answers["patient.name"], answers["visit.concern"]):  # never Markdown or HTML
        assert not any(own_words in m.value for m in [*app.markdown, *app.caption, *app.get("html")])
    assert UI("review_title", lang) in [h.value for h in app.header]
    # The review: one Change per question screen, grouped by section in bank order.
    screens = flow.question_screens(BANK, answers)
    assert [b.key for b in app.button if b.key.startswith("change.")] == [f"change.{s}" for s in screens]
    assert [s.value for s in app.subheader] == [s.title[lang] for s in BANK.sections]
    before = datetime.now(UTC)
    app.button(key="submit").click().run()
    rows = stored()
    assert len(rows) == 1
    row = rows[0]
    assert row.answers == answers and row.language == lang
    assert row.questionnaire_version == BANK.version
    assert before <= row.submitted_at <= datetime.now(UTC)
    assert row.result is not None and row.rules_version == row.result.rules_version
    assert row.triage == row.result.triage != "urgent"
    # The thank-you, in the patient's language, with nothing of the answers left in the session.
    assert visit(app).screen == flow.THANKS
    assert UI("thanks_title", lang) in [t.value for t in app.title]
    assert_no_answers_left(app, answers)
    if lang == "es":
        assert not met & (HEADACHE_ITEMS - {"ha.any"})


def page_text(at) -> str:
    """Every string value shown on the page, nested blocks included."""
    found: list[str] = []

    def walk(node) -> None:
        value = getattr(node, "value", None)
        if isinstance(value, str):
            found.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return " ".join(found)


def assert_no_answers_left(at, answers: dict) -> None:
    v = visit(at)
    assert v.answers in ({}, {"patient.language": answers["patient.language"]})
    secret = {answers["patient.name"], answers["patient.birth_date"], answers["visit.concern"]}
    for key, value in at.session_state.to_dict().items():
        assert not str(key).startswith("k."), key
        assert not any(s in repr(value) for s in secret), key


def test_done_and_back_lead_to_a_fresh_start(app):
    walk_to_review(app, PATIENT_EN)
    app.button(key="submit").click().run()
    app.button(key="done").click().run()
    assert visit(app).screen == flow.LANGUAGE and visit(app).answers == {}
    app.button(key="lang.en").click().run()
    assert all(w.value in (None, [], "") for w in [*app.radio, *app.text_input])
    app.button(key="nav.back").click().run()
    assert visit(app).screen == flow.LANGUAGE


def test_one_question_per_screen_and_short_yes_no_questions_together(app):
    v = go_to(app, "ha.one_side")
    assert [w.key for w in app.button_group] == [widget_key(v.token, i) for i in
                                                  ("ha.one_side", "ha.throbbing", "ha.pressing")]
    v = go_to(app, "ha.days")
    assert [w.key for w in app.text_input] == [widget_key(v.token, "ha.days")]


def test_a_one_tap_answer_moves_on_but_never_past_an_unanswered_question(app):
    v = go_to(app, "ha.one_side")
    for item, screen in (("ha.one_side", "ha.one_side"), ("ha.pressing", "ha.one_side"),
                         ("ha.throbbing", "ha.severity")):
        set_widget(app, BANK.item(item), "no", v.token)
        app.run()
        assert visit(app).screen == screen
    # the patient goes back: the answers are there, ticked, and Next is not needed to go on
    app.button(key="nav.back").click().run()
    assert visit(app).screen == "ha.one_side"
    assert app.button_group(key=widget_key(v.token, "ha.pressing")).value == "no"


def test_headache_yes_then_no_drops_the_headache_answers(app):
    v = go_to(app, "ha.any", given={})
    set_widget(app, BANK.item("ha.any"), "yes", v.token)
    app.run()
    assert visit(app).screen == "ha.first_started"  # moved on by itself
    set_widget(app, BANK.item("ha.first_started"), "over_5y", v.token)
    app.run()
    assert visit(app).screen == "ha.days"  # one choice: on by itself again
    set_widget(app, BANK.item("ha.days"), 12, v.token)
    app.run()
    assert visit(app).answers["ha.days"] == 12
    app.button(key="nav.back").click().run()
    app.button(key="nav.back").click().run()
    assert visit(app).screen == "ha.any"
    set_widget(app, BANK.item("ha.any"), "no", v.token)
    app.run()
    assert "ha.days" not in visit(app).answers
    assert visit(app).screen == "back.pain"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_urgent_sign_shows_the_instruction_until_the_thank_you(app, lang):
    answers = {**(PATIENT_EN if lang == "en" else PATIENT_ES), "rf.thunderclap": "yes"}
    app.button(key=f"lang.{lang}").click().run()
    while visit(app).screen != "rf.thunderclap":
        screen = visit(app).screen
        fill_screen(app, answers)
        assert UI("urgent", lang) not in errors(app)
        if visit(app).screen == screen:
            app.button(key="nav.next").click().run()
    fill_screen(app, answers)
    assert UI("urgent", lang) in errors(app)  # as soon as it is answered, over the whole screen
    assert app.button(key="urgent.ok").label == UI("urgent_ok", lang)
    app.button(key="urgent.ok").click().run()
    assert UI("urgent", lang) in errors(app)  # then a band on every later screen
    assert [b for b in app.button if b.key == "urgent.ok"] == []
    while visit(app).screen != flow.REVIEW:
        screen = visit(app).screen
        fill_screen(app, answers)
        if visit(app).screen == screen:
            app.button(key="nav.next").click().run()
        assert UI("urgent", lang) in errors(app)
    app.button(key="submit").click().run()
    assert stored()[0].triage == "urgent"
    assert UI("urgent_thanks", lang) in errors(app)
    shown = page_text(app).lower()
    assert UI("urgent_thanks", lang).lower() in shown  # the walk reads nested blocks
    for word in ("migraine", "dystonia", "strong", "possible", "triage"):
        assert word not in shown


def test_large_text_and_high_contrast_are_kept_for_the_visit_only(app):
    app.button(key="lang.es").click().run()
    assert [t.label for t in app.toggle] == [UI("large_text", "es"), UI("high_contrast", "es")]
    app.toggle(key="tool.large_text").set_value(True).run()
    app.toggle(key="tool.high_contrast").set_value(True).run()
    walk_to_review_from_here = PATIENT_ES
    fill_screen(app, walk_to_review_from_here)
    app.button(key="nav.next").click().run()
    assert visit(app).large_text and visit(app).high_contrast
    assert app.toggle(key="tool.large_text").value and app.toggle(key="tool.high_contrast").value
    app.session_state["harness.expired"] = True  # the browser says the time is up
    app.run()
    assert not visit(app).large_text and not app.toggle(key="tool.large_text").value


def test_call_the_front_desk_raises_an_alert_with_the_tablet_and_time_only(app):
    assert app.button(key="tool.call").label == f"{UI('call_desk', 'en')} / {UI('call_desk', 'es')}"
    walk_start = datetime.now(UTC)
    go_to(app, "patient.name", "es", given={})
    app.text_input(key=widget_key(visit(app).token, "patient.name")).set_value("José Núñez").run()
    assert app.button(key="tool.call").label == UI("call_desk", "es")
    app.button(key="tool.call").click().run()
    assert UI("called", "es") in [s.value for s in app.success]
    store = open_store(load_settings())
    try:
        alerts = store.open_alerts()
        assert [a.tablet for a in alerts] == ["kiosk"]
        assert walk_start <= alerts[0].raised_at <= datetime.now(UTC)
        assert "José" not in repr(alerts) and "José" not in repr(store.audit_events())
        assert store.audit_events()[0].action == "front-desk alert"
    finally:
        store.close()
    assert visit(app).answers["patient.name"] == "José Núñez"  # nothing lost


def break_the_store(tmp_path, monkeypatch) -> str:
    """Point the app at a database that cannot be written (its folder is a plain file)."""
    working_url = os.environ["SCREENER_DATABASE_URL"]
    (tmp_path / "blocker").write_text("not a folder")
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'blocker' / 'kiosk.db'}")
    return working_url


def test_storage_failure_keeps_the_answers_and_never_thanks(app, tmp_path, monkeypatch):
    walk_to_review(app, PATIENT_EN)
    working_url = break_the_store(tmp_path, monkeypatch)
    app.button(key="submit").click().run()
    assert visit(app).screen == flow.REVIEW and visit(app).answers == PATIENT_EN
    assert UI("save_failed", "en") in errors(app)
    assert UI("thanks_title", "en") not in [t.value for t in app.title]
    # Unsaved answers exist nowhere else: the idle timeout hides them but does not erase them.
    app.session_state["harness.expired"] = True
    app.run()
    assert visit(app).held and visit(app).answers == PATIENT_EN
    assert errors(app) == [UI("held", "en")]
    assert PATIENT_EN["patient.name"] not in page_text(app)
    assert [b.key for b in app.button if not b.key.startswith("tool.")] == ["held.retry"]
    # Once the store is back, the browser's next retry stores it and thanks the patient.
    monkeypatch.setenv("SCREENER_DATABASE_URL", working_url)
    app.session_state["harness.expired"] = True
    app.run()
    assert visit(app).screen == flow.THANKS
    assert stored()[0].answers == PATIENT_EN


def test_storage_failure_then_try_again_by_hand(app, tmp_path, monkeypatch):
    walk_to_review(app, PATIENT_ES)
    working_url = break_the_store(tmp_path, monkeypatch)
    app.button(key="submit").click().run()
    assert UI("save_failed", "es") in errors(app)
    monkeypatch.setenv("SCREENER_DATABASE_URL", working_url)
    app.button(key="submit").click().run()
    assert visit(app).screen == flow.THANKS
    assert stored()[0].answers == PATIENT_ES


def test_idle_timeout_clears_the_session(app):
    walk_to_review(app, PATIENT_EN)
    app.session_state["harness.expired"] = True
    app.run()
    assert visit(app).screen == flow.LANGUAGE
    assert_no_answers_left(app, PATIENT_EN)
    assert stored() == []


def test_thank_you_clears_itself_for_the_next_patient(app):
    walk_to_review(app, PATIENT_ES)
    app.button(key="submit").click().run()
    assert visit(app).screen == flow.THANKS
    app.session_state["harness.expired"] = True
    app.run()
    assert visit(app).screen == flow.LANGUAGE and visit(app).thanks_language == "en"
    assert [b.key for b in app.button] == ["tool.call", "lang.en", "lang.es"]


@pytest.mark.parametrize(("value", "accepted"),
                         [("30", True), ("29", False), ("thirty", False), ("600", True)])
def test_an_idle_setting_from_30_seconds_starts_and_a_bad_one_is_refused_by_name(tmp_path, monkeypatch,
                                                                                 value, accepted):
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'kiosk.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "kiosk.key"))
    monkeypatch.setenv("SCREENER_KIOSK_IDLE_SECONDS", value)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    if accepted:
        assert [b.key for b in at.button] == ["tool.call", "lang.en", "lang.es"]
    else:
        assert "cannot start" in at.error[0].value
        assert "SCREENER_KIOSK_IDLE_SECONDS" in at.code[0].value and value in at.code[0].value
        assert [b.key for b in at.button] == []


def test_the_app_refuses_to_start_on_encrypted_data_without_its_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'kiosk.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "kiosk.key"))
    first = AppTest.from_file(APP, default_timeout=30).run()
    walk_to_review(first, PATIENT_EN)
    first.button(key="submit").click().run()
    assert len(stored()) == 1
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "another.key"))  # the key is gone
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "cannot start" in at.error[0].value
    assert "key" in at.code[0].value.lower()
    assert [b.key for b in at.button] == []  # no kiosk, no staff login
    assert not (tmp_path / "another.key").exists()  # no new key over existing data
