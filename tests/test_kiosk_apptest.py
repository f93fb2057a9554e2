"""The kiosk page driven through Streamlit's AppTest: whole flow in English and Spanish, the stored
row, branching, validation, the urgent instruction, and a clean session after submit and idle."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_kiosk_data import HEADACHE_ITEMS, PATIENT_EN, PATIENT_ES

from clinic.config import load_settings
from kiosk import flow
from kiosk.page import HELD_RETRY_SECONDS, VISIT
from kiosk.renderer import widget_key
from kiosk.ui_text import load_ui_text
from questionnaire.bank import load_bank
from storage import open_store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BANK = load_bank()
UI = load_ui_text()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """A fresh kiosk session over its own SQLite file and key."""
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'kiosk.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "kiosk.key"))
    return AppTest.from_file(APP, default_timeout=30).run()


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
        at.number_input(key=widget_key(token, item.id, "day")).set_value(day)
        at.number_input(key=widget_key(token, item.id, "year")).set_value(year)
        at.button_group(key=widget_key(token, item.id, "month")).set_value(month)
    elif item.type == "choice" or item.widget == "scale":
        at.radio(key=key).set_value(value)
    elif item.type in ("yn", "nrs", "multi"):
        at.button_group(key=key).set_value(value)
    elif item.type == "int":
        at.number_input(key=key).set_value(value)
    elif item.multiline:
        at.text_area(key=key).set_value(value)
    else:
        at.text_input(key=key).set_value(value)


def fill_screen(at, answers: dict) -> set[str]:
    """Answer every shown item of the current screen from ``answers``; the ids it met."""
    met: set[str] = set()
    for _ in range(10):
        v = visit(at)
        todo = [i for i in flow.shown_items(BANK, v.answers, v.screen)
                if i.id in answers and v.answers.get(i.id) != answers[i.id]]
        met |= {i.id for i in flow.shown_items(BANK, v.answers, v.screen)}
        if not todo:
            return met
        for item in todo:
            set_widget(at, item, answers[item.id], v.token)
        at.run()
        assert not at.exception
    raise AssertionError(f"the screen does not take {todo}")


def walk_to_review(at, answers: dict) -> set[str]:
    at.button(key=f"lang.{answers['patient.language']}").click().run()
    met: set[str] = set()
    while visit(at).screen != flow.REVIEW:
        screen = visit(at).screen
        met |= fill_screen(at, answers)
        at.button(key="nav.next").click().run()
        assert visit(at).screen != screen, visit(at).problems
    return met


@pytest.mark.parametrize("answers", [PATIENT_EN, PATIENT_ES], ids=["english", "spanish"])
def test_whole_flow_is_stored(app, answers):
    lang = answers["patient.language"]
    met = walk_to_review(app, answers)
    assert visit(app).answers == answers
    review_text = [t.value for t in app.text]
    assert answers["patient.name"] in review_text  # plain text, exactly as typed
    for own_words in (answers["patient.name"], answers["visit.concern"]):  # never Markdown or HTML
        assert not any(own_words in m.value for m in [*app.markdown, *app.caption, *app.get("html")])
    assert UI("review_title", lang) in [h.value for h in app.header]
    before = datetime.now(UTC)
    app.button(key="submit").click().run()
    rows = stored()
    assert len(rows) == 1
    row = rows[0]
    assert row.answers == answers and row.language == lang
    assert row.questionnaire_version == BANK.version
    assert before <= row.submitted_at <= datetime.now(UTC)
    assert row.result is not None and row.rules_version == row.result["rules_version"]
    assert row.triage == row.result["triage"] != "urgent"
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
    assert all(w.value in (None, [], "") for w in [*app.radio, *app.text_input, *app.number_input])
    app.button(key="nav.back").click().run()
    assert visit(app).screen == flow.LANGUAGE


def test_no_headaches_never_meets_a_headache_item(app):
    met = walk_to_review(app, PATIENT_ES)
    assert "ha.any" in met
    assert not met & (HEADACHE_ITEMS - {"ha.any"})


def test_headache_yes_then_no_drops_the_headache_answers(app):
    app.button(key="lang.en").click().run()
    v = visit(app)
    v.screen = "headaches"
    app.run()
    fill_screen(app, {"ha.any": "yes", "ha.days": 12, "ha.months": 5})
    assert visit(app).answers["ha.days"] == 12
    set_widget(app, BANK.item("ha.any"), "no", v.token)
    app.run()
    assert "ha.days" not in visit(app).answers and "ha.months" not in visit(app).answers
    assert [w.key for w in app.number_input] == []


@pytest.mark.parametrize(("lang", "screen", "bad", "code"), [
    ("en", "about_you", {"patient.birth_date": "2031-01-05"}, "future_date"),
    ("es", "about_you", {"patient.birth_date": "1970-02-30"}, "bad_date"),
    ("en", "about_you", {"patient.name": "Ann\x1bLee"}, "control_chars"),
    ("es", "about_you", {"patient.name": "Ana\u202eLee"}, "format_chars"),
    ("en", "about_you", {"patient.name": "Ann\u2028Lee"}, "line_separator"),
    ("en", "headaches", {"ha.any": "yes", "ha.days": 31}, "out_of_range"),
    ("es", "headaches", {"ha.any": "yes", "ha.days": 5, "ha.migraine_days": 9}, "migraine_days_above_days"),
    ("en", "back", {"back.pain": "yes", "back.months": -2}, "out_of_range"),
])
def test_bad_input_is_named_beside_its_field_and_nothing_is_lost(app, lang, screen, bad, code):
    app.button(key=f"lang.{lang}").click().run()
    visit(app).screen = screen
    app.run()
    fill_screen(app, bad)
    kept = dict(visit(app).answers)
    app.button(key="nav.next").click().run()
    v = visit(app)
    assert v.screen == screen and v.answers == kept
    item = list(bad)[-1]
    assert v.problems[item].code == code
    message = v.problems[item].text(BANK, lang)
    assert message in [e.value for e in app.error]
    assert UI("screen_has_problems", lang) in [w.value for w in app.warning]


def test_over_long_text_is_cut_at_the_limit(app):
    app.button(key="lang.en").click().run()
    visit(app).screen = "about_you"
    app.run()
    key = widget_key(visit(app).token, "patient.name")
    app.text_input(key=key).set_value("A" * 150).run()
    assert visit(app).answers["patient.name"] == "A" * BANK.item("patient.name").max_len


def test_required_items_are_asked_for_in_the_patients_language(app):
    app.button(key="lang.es").click().run()
    assert visit(app).screen == "right_now"  # the airway emergency question comes first
    app.button(key="nav.next").click().run()
    assert [e.value for e in app.error] == ["Por favor conteste esta pregunta."]
    visit(app).screen = "about_you"
    app.run()
    app.button(key="nav.next").click().run()
    errors = [e.value for e in app.error]
    assert errors.count("Por favor conteste esta pregunta.") == 4  # name, birth date, sex, main problem
    assert visit(app).screen == "about_you"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_urgent_sign_shows_the_instruction_until_the_thank_you(app, lang):
    answers = {**(PATIENT_EN if lang == "en" else PATIENT_ES), "rf.thunderclap": "yes"}
    app.button(key=f"lang.{lang}").click().run()
    while visit(app).screen != "warning_signs":
        fill_screen(app, answers)
        assert UI("urgent", lang) not in [e.value for e in app.error]
        app.button(key="nav.next").click().run()
    fill_screen(app, answers)
    assert UI("urgent", lang) in [e.value for e in app.error]  # as soon as it is answered
    app.button(key="nav.next").click().run()
    assert UI("urgent", lang) in [e.value for e in app.error]  # and on every later screen
    while visit(app).screen != flow.REVIEW:
        fill_screen(app, answers)
        app.button(key="nav.next").click().run()
    assert UI("urgent", lang) in [e.value for e in app.error]
    app.button(key="submit").click().run()
    assert stored()[0].triage == "urgent"
    assert UI("urgent_thanks", lang) in [e.value for e in app.error]
    shown = page_text(app).lower()
    assert UI("urgent_thanks", lang).lower() in shown  # the walk reads nested blocks
    for word in ("migraine", "dystonia", "strong", "possible", "triage"):
        assert word not in shown


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
    assert UI("save_failed", "en") in [e.value for e in app.error]
    assert UI("thanks_title", "en") not in [t.value for t in app.title]
    # Unsaved answers exist nowhere else: the idle timeout hides them but does not erase them.
    visit(app).last_activity -= load_settings().kiosk_idle_seconds + 1
    app.run()
    assert visit(app).held and visit(app).answers == PATIENT_EN
    assert [e.value for e in app.error] == [UI("held", "en")]
    assert PATIENT_EN["patient.name"] not in page_text(app)
    assert [b.key for b in app.button] == ["held.retry"]
    # Once the store is back, the held submission is retried on its own and thanks the patient.
    monkeypatch.setenv("SCREENER_DATABASE_URL", working_url)
    visit(app).last_activity -= HELD_RETRY_SECONDS
    app.run()
    app.run()
    assert visit(app).screen == flow.THANKS
    assert stored()[0].answers == PATIENT_EN


def test_storage_failure_then_try_again_by_hand(app, tmp_path, monkeypatch):
    walk_to_review(app, PATIENT_ES)
    working_url = break_the_store(tmp_path, monkeypatch)
    app.button(key="submit").click().run()
    assert UI("save_failed", "es") in [e.value for e in app.error]
    monkeypatch.setenv("SCREENER_DATABASE_URL", working_url)
    app.button(key="submit").click().run()
    assert visit(app).screen == flow.THANKS
    assert stored()[0].answers == PATIENT_ES


def test_idle_timeout_clears_the_session(app):
    walk_to_review(app, PATIENT_EN)
    settings = load_settings()
    visit(app).last_activity -= settings.kiosk_idle_seconds - settings.kiosk_idle_warning_seconds + 1
    app.run()
    assert any("seconds" in w.value for w in app.warning)  # the visible warning first
    app.button(key="idle.still_here").click().run()
    assert not any("seconds" in w.value for w in app.warning)
    visit(app).last_activity -= settings.kiosk_idle_seconds + 1
    app.run()
    assert visit(app).screen == flow.LANGUAGE
    assert_no_answers_left(app, PATIENT_EN)
    assert stored() == []


def test_thank_you_clears_itself_for_the_next_patient(app):
    from kiosk import idle
    from kiosk.page import THANKS_SHOWN

    walk_to_review(app, PATIENT_ES)
    app.button(key="submit").click().run()
    assert visit(app).screen == flow.THANKS
    app.session_state[THANKS_SHOWN] -= idle.THANKS_SECONDS
    app.run()
    assert visit(app).screen == flow.LANGUAGE and visit(app).thanks_language == "en"
    assert [b.key for b in app.button] == ["lang.en", "lang.es"]


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
