"""Input that behaves, on the kiosk page under AppTest: two quick taps never empty a choice, an
over-long paste or a decimal is kept as typed and named with the question and what is allowed,
every bad answer is named beside its field in the patient's language, and nothing is lost."""

from __future__ import annotations

import time

import pytest
from test_kiosk_apptest import (
    BANK,
    UI,
    app,  # noqa: F401, F811 - the fixture
    errors,
    go_to,
    set_widget,
    visit,
)

from kiosk.renderer import widget_key


def test_two_quick_taps_never_leave_a_choice_empty(app):  # noqa: F811
    v = go_to(app, "ha.one_side")
    group = app.button_group(key=widget_key(v.token, "ha.one_side"))
    group.set_value("yes").run()
    app.button_group(key=widget_key(v.token, "ha.one_side")).set_value(None).run()  # the second tap
    assert visit(app).answers["ha.one_side"] == "yes"
    assert app.button_group(key=widget_key(v.token, "ha.one_side")).value == "yes"
    # a multiple choice: on and at once off again is a slip; off after a pause is meant
    visit(app).screen = "ha.med_types"
    visit(app).answers.update({"ha.any": "yes", "ha.med_days": 4})
    app.run()
    key = widget_key(v.token, "ha.med_types")
    app.button_group(key=key).set_value(["nsaid"]).run()
    app.button_group(key=key).set_value([]).run()
    assert visit(app).answers["ha.med_types"] == ["nsaid"]
    time.sleep(0.7)
    app.button_group(key=key).set_value([]).run()
    assert "ha.med_types" not in visit(app).answers


@pytest.mark.parametrize(("lang", "screen", "bad", "code"), [
    ("en", "patient.birth_date", {"patient.birth_date": "2031-01-05"}, "future_date"),
    ("es", "patient.birth_date", {"patient.birth_date": "1970-02-30"}, "bad_date"),
    ("en", "patient.name", {"patient.name": "Ann\x1bLee"}, "control_chars"),
    ("es", "patient.name", {"patient.name": "Ana\u202eLee"}, "format_chars"),
    ("en", "patient.name", {"patient.name": "Ann\u2028Lee"}, "line_separator"),
    ("en", "ha.days", {"ha.any": "yes", "ha.days": 31}, "out_of_range"),
    ("es", "ha.migraine_days", {"ha.any": "yes", "ha.days": 5, "ha.migraine_days": 9},
     "migraine_days_above_days"),
    ("en", "back.months", {"back.pain": "yes", "back.months": -2}, "out_of_range"),
])
def test_bad_input_is_named_beside_its_field_and_nothing_is_lost(app, lang, screen, bad, code):  # noqa: F811
    v = go_to(app, screen, lang)
    item = list(bad)[-1]
    v.answers.update({k: val for k, val in bad.items() if k != item})
    app.run()
    set_widget(app, BANK.item(item), bad[item], v.token)
    app.run()
    kept = dict(visit(app).answers)
    app.button(key="nav.next").click().run()
    v = visit(app)
    assert v.screen == screen and v.answers == kept
    assert v.problems[item].code == code
    question, problem = BANK.item(item).text[lang], v.problems[item].text(BANK, lang)
    message = UI("problem", lang, question=question, message=problem)
    assert message in errors(app)


@pytest.mark.parametrize(("item", "typed", "code"), [
    ("patient.name", "A" * 5000, "too_long"), ("ha.days", "2.5", "whole_number"),
    ("ha.days", "diez", "whole_number"),
])
def test_a_long_paste_or_a_decimal_is_kept_as_typed_and_named(app, item, typed, code):  # noqa: F811
    v = go_to(app, item, "es")
    app.text_input(key=widget_key(v.token, item)).set_value(typed).run()
    v = visit(app)
    assert v.answers[item] == typed  # never cut, never rounded
    assert app.text_input(key=widget_key(v.token, item)).value == typed
    assert v.problems[item].code == code  # at once, before Next
    shown = errors(app)
    assert len(shown) == 1 and BANK.item(item).text["es"] in shown[0]
    assert v.problems[item].text(BANK, "es") in shown[0]
    app.button(key="nav.next").click().run()
    assert visit(app).screen == item


def test_required_items_are_asked_for_in_the_patients_language(app):  # noqa: F811
    app.button(key="lang.es").click().run()
    assert visit(app).screen == "rf.airway_now"  # the airway emergency question comes first
    app.button(key="nav.next").click().run()
    required = "Por favor conteste esta pregunta."
    airway = BANK.item("rf.airway_now").text["es"]
    assert errors(app) == [UI("problem", "es", question=airway, message=required)]
    set_widget(app, BANK.item("rf.airway_now"), "no", visit(app).token)
    app.run()  # one tap answers it: on to the name
    app.button(key="nav.next").click().run()
    question = BANK.item("patient.name").text["es"]
    assert errors(app) == [UI("problem", "es", question=question, message=required)]
    assert visit(app).screen == "patient.name" and visit(app).focus == 2  # once per failed Next


def test_a_stored_v2_code_is_never_offered(app):  # noqa: F811
    v = go_to(app, "ha.med_types", given={"ha.any": "yes", "ha.med_days": 4})
    offered = app.button_group(key=widget_key(v.token, "ha.med_types")).options
    item = BANK.item("ha.med_types")
    assert list(offered) == [item.option(c).text["en"] for c in item.offered_codes]
    assert item.option("simple").text["en"] not in offered
    assert {"paracetamol", "nsaid"} <= set(item.offered_codes)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_mood_question_offers_the_four_points_in_the_patients_language(app, lang):  # noqa: F811
    v = go_to(app, "mood.down", lang, given={})
    item = BANK.item("mood.down")
    radio = app.radio(key=widget_key(v.token, "mood.down"))
    assert list(radio.options) == [p.text[lang] for p in item.scale]
    radio.set_value(2).run()
    assert visit(app).answers["mood.down"] == 2 and visit(app).screen == "mood.nervous"  # one tap


@pytest.mark.parametrize(("lang", "chosen"), [("es", ["no", "pregnant"]), ("en", ["breastfeeding", "unsure"]),
                                              ("es", ["not_applicable", "trying"])])
def test_pregnancy_codes_that_stand_alone_are_named_in_the_patients_language(app, lang, chosen):  # noqa: F811
    v = go_to(app, "safety.pregnant", lang, given={})
    app.button_group(key=widget_key(v.token, "safety.pregnant")).set_value(chosen).run()
    app.button(key="nav.next").click().run()
    v = visit(app)
    assert v.screen == "safety.pregnant" and v.answers["safety.pregnant"] == chosen
    assert v.problems["safety.pregnant"].code == "exclusive_choice"
    item = BANK.item("safety.pregnant")
    alone = next(c for c in chosen if c in item.exclusive)
    message = v.problems["safety.pregnant"].text(BANK, lang)
    assert item.option(alone).text[lang] in message
    assert UI("problem", lang, question=item.text[lang], message=message) in errors(app)
