"""Unit tests of the kiosk's pure parts: flow and branching, idle clock, kiosk text, body map."""

from __future__ import annotations

import tomllib

import pytest
from conftest import AS_OF
from hypothesis import given
from hypothesis import strategies as st
from patients import HEADACHE_ITEMS, PATIENT_EN

from drawing import bodymap
from kiosk import flow, idle
from kiosk.renderer import as_whole_number, compose_date
from kiosk.ui_text import UI_TEXT_PATH, UiTextError, load_ui_text, parse_ui_text
from questionnaire.answers import check_answers


def walk(bank, answers):
    """Every screen a patient with ``answers`` passes through, from the language picker."""
    visit = flow.Visit(last_activity=0.0)
    flow.choose_language(bank, visit, answers["patient.language"], AS_OF)
    seen = [flow.LANGUAGE]
    while visit.screen != flow.REVIEW:
        seen.append(visit.screen)
        shown = flow.shown_items(bank, visit.answers, visit.screen, AS_OF)
        typed = {i.id: answers[i.id] for i in shown if i.id in answers}
        visit.answers = flow.bank_asks(bank, {**visit.answers, **typed}, AS_OF)
        assert flow.go_next(bank, visit, AS_OF), visit.problems
    return seen, visit


def test_screens_follow_the_bank_and_end_at_the_review(bank):
    seen, visit = walk(bank, PATIENT_EN)
    assert seen == [flow.LANGUAGE, *flow.question_screens(bank, PATIENT_EN, AS_OF)]
    assert visit.answers == PATIENT_EN
    assert check_answers(bank, visit.answers, AS_OF, complete=True) == []
    order = [s.id for s in bank.sections]
    sections = [flow.section_of(bank, s) for s in seen[1:]]
    assert sections == sorted(sections, key=order.index)  # section by section, in bank order
    first = next(i for i in bank.in_section(order[0]) if i.widget != "language")
    assert seen[1] == first.id  # the first screen after the language: the bank's first section


def _is_group_ok(bank, group) -> bool:
    if len(group) == 1:
        return True
    ids = {i.id for i in group}
    return (len(group) <= flow.GROUP_MAX and all(i.type == "yn" for i in group)
            and len({i.section for i in group}) == 1
            and all(len(t) <= flow.SHORT_TEXT for i in group for t in i.text.values())
            and not any(flow._reads(bank, i.when) & ids for i in group))


def test_every_item_is_on_one_screen_alone_or_with_short_linked_yes_no_items(bank):
    screens = flow.bank_screens(bank)
    items = [i.id for g in screens for i in g]
    assert items == [i.id for i in bank.items if i.widget != "language"]  # each once, bank order
    assert all(_is_group_ok(bank, g) for g in screens)
    assert any(len(g) > 1 for g in screens)  # the headache yes/no questions share screens
    assert all(len(g) == 1 for g in screens if g[0].type != "yn")


def test_the_airway_emergency_question_comes_right_after_the_language(bank):
    """Contract v3: the bank's first section "right_now" holds only rf.airway_now."""
    assert bank.sections[0].id == "right_now"
    assert flow.bank_screens(bank)[0] == (bank.item("rf.airway_now"),)
    for answers in ({}, {"patient.language": "es"}, {"ha.any": "no", "back.pain": "no"}):
        assert flow.next_screen(bank, answers, flow.LANGUAGE, AS_OF) == "rf.airway_now"


def test_each_mood_question_has_its_own_screen_and_answers_with_one_tap(bank):
    mood = [g for g in flow.bank_screens(bank) if g[0].section == "mood"]
    assert [[i.id for i in g] for g in mood] == [
        ["mood.interest"], ["mood.down"], ["mood.nervous"], ["mood.worry"]]
    assert all(g[0].widget == "scale" and flow.one_tap(g[0]) for g in mood)


@pytest.mark.parametrize(("birth_date", "asked"), [
    ("1976-11-24", True),  # 50 on the scoring date
    ("1976-11-25", False),  # 50 the day after
    ("1940-01-01", True),
    (None, False),  # no birth date: never asked by age
])
def test_the_age_gated_questions_follow_the_birth_date_on_the_scoring_date(bank, birth_date, asked):
    answers = {**PATIENT_EN, "ha.any": "no"}
    answers = {k: v for k, v in answers.items() if k != "patient.birth_date"}
    if birth_date:
        answers["patient.birth_date"] = birth_date
    answers = flow.bank_asks(bank, answers, AS_OF)
    screens = flow.question_screens(bank, answers, AS_OF)
    assert ("rf.jaw_claudication" in screens) is asked and ("rf.scalp_tender" in screens) is asked
    assert ("rf.jaw_claudication" in answers) is asked  # an answer no longer asked is dropped


def test_no_headaches_never_meets_a_headache_item(bank):
    answers = flow.bank_asks(bank, {**PATIENT_EN, "ha.any": "no"}, AS_OF)
    screens = flow.question_screens(bank, answers, AS_OF)
    shown = {i.id for s in screens for i in flow.shown_items(bank, answers, s, AS_OF)}
    assert "ha.any" in shown and not shown & (HEADACHE_ITEMS - {"ha.any"})
    assert not (set(answers) & HEADACHE_ITEMS - {"ha.any"})
    visit = flow.Visit(last_activity=0.0, answers=answers, screen="ha.any")
    assert flow.go_next(bank, visit, AS_OF) and visit.screen == "back.pain"


@pytest.mark.parametrize(("change", "dropped"), [
    ({"ha.any": "no"}, {"ha.days", "ha.migraine_days", "ha.med_types", "rf.posture", "ha.first_started"}),
    ({"ha.med_days": 0}, {"ha.med_types"}),
    ({"safety.toxin_before": "no"}, {"safety.toxin_weeks", "toxin.prior_for", "toxin.prior_side_effects"}),
    ({"back.pain": "no", "pain.regions": ["head"]}, {"back.months", "rf.saddle", "rf.back_fever"}),
])
def test_answers_of_hidden_items_are_dropped(bank, change, dropped):
    before = flow.bank_asks(bank, {**PATIENT_EN, "ha.med_days": 4, "ha.med_types": ["nsaid"]}, AS_OF)
    assert dropped <= set(before)
    after = before
    for item, value in change.items():
        after = flow.record(bank, after, item, value, AS_OF)
    assert not dropped & set(after)
    assert all(flow.bank_asks(bank, after, AS_OF, bank.item(k)) for k in after)


def test_failed_next_keeps_every_answer_names_the_field_and_asks_for_focus(bank):
    answers = {"patient.language": "es", "patient.name": "Ana", "patient.birth_date": "2099-01-01"}
    visit = flow.Visit(last_activity=0.0, answers=dict(answers), screen="patient.birth_date")
    assert not flow.go_next(bank, visit, AS_OF)
    assert visit.screen == "patient.birth_date" and visit.answers == answers
    assert visit.problems["patient.birth_date"].code == "future_date" and visit.focus == 1
    visit.screen = "patient.sex"
    assert not flow.go_next(bank, visit, AS_OF) and visit.focus == 2
    assert visit.problems["patient.sex"].text(bank, "es") == "Por favor conteste esta pregunta."


@pytest.mark.parametrize(("item", "value", "code"), [
    ("ha.days", 45, "out_of_range"),
    ("ha.days", "2.5", "whole_number"),
    ("ha.migraine_days", 20, "migraine_days_above_days"),
    ("patient.birth_date", "2030-05-01", "future_date"),
    ("patient.birth_date", "1980-02-31", "bad_date"),
    ("patient.birth_date", "1980-02-3.5", "bad_date"),
    ("patient.name", "x" * 5000, "too_long"),
    ("patient.name", "Ana\x07", "control_chars"),
    ("ha.preventives", ["none", "topiramate"], "exclusive_choice"),
])
def test_bad_input_is_named_on_its_screen(bank, item, value, code):
    answers = {**PATIENT_EN, "ha.days": 10, item: value}
    problems = flow.screen_problems(bank, answers, item, AS_OF)
    assert [(p.item, p.code) for p in problems] == [(item, code)]


@pytest.mark.parametrize(("typed", "kept"), [
    ("12", 12), (" 7 ", 7), ("-2", -2), ("2.5", "2.5"), ("2,5", "2,5"), ("doce", "doce"), ("", None),
    (None, None), ("1e3", "1e3"),
])
def test_a_whole_number_field_keeps_what_is_not_a_whole_number_as_typed(typed, kept):
    assert as_whole_number(typed) == kept


@pytest.mark.parametrize(("parts", "composed"), [
    (("12", 4, "1968"), "1968-04-12"), (("3.5", 4, "1968"), "1968-04-3.5"), (("", 4, "1968"), None),
    (("12", None, "1968"), None), (("31", 2, "1970"), "1970-02-31"),
])
def test_a_date_is_composed_from_its_three_fields(parts, composed):
    assert compose_date(*parts) == composed


def test_typed_problems_show_at_once_for_typed_answers_only(bank):
    assert flow.typed_problem(bank, "ha.days", "2.5", AS_OF).code == "whole_number"
    assert flow.typed_problem(bank, "patient.name", "A" * 5000, AS_OF).params == {"max": 100, "length": 5000}
    assert flow.typed_problem(bank, "patient.name", "Ana", AS_OF) is None
    assert flow.typed_problem(bank, "ha.any", "maybe", AS_OF) is None  # a tap is never "typed"


def test_a_one_tap_answer_moves_on_only_when_the_screen_is_done(bank):
    base = {k: v for k, v in PATIENT_EN.items() if k not in {"ha.one_side", "ha.throbbing", "ha.pressing"}}
    visit = flow.Visit(last_activity=0.0, answers=dict(base), screen="ha.one_side")
    for item, moved in (("ha.one_side", False), ("ha.pressing", False), ("ha.throbbing", True)):
        visit.answers = flow.record(bank, visit.answers, item, "yes", AS_OF)
        assert flow.after_answer(bank, visit, item, AS_OF) is moved
    assert visit.screen == "ha.severity"
    # typed and multiple-choice answers never move on by themselves
    visit.screen = "ha.days"
    assert not flow.after_answer(bank, visit, "ha.days", AS_OF) and visit.screen == "ha.days"
    visit.screen = "ha.med_types"
    assert not flow.after_answer(bank, visit, "ha.med_types", AS_OF)


def test_a_one_tap_answer_after_change_returns_to_the_review(bank):
    visit = flow.Visit(last_activity=0.0, answers=dict(PATIENT_EN), screen=flow.REVIEW)
    flow.go_change(visit, "neck.tremor")
    visit.answers = flow.record(bank, visit.answers, "neck.tremor", "yes", AS_OF)
    assert flow.after_answer(bank, visit, "neck.tremor", AS_OF)
    assert visit.screen == flow.REVIEW and not visit.return_to_review


def test_back_and_next_are_inverse(bank):
    screens = [flow.LANGUAGE, *flow.question_screens(bank, PATIENT_EN, AS_OF), flow.REVIEW]
    for here, there in zip(screens, screens[1:], strict=False):
        assert flow.next_screen(bank, PATIENT_EN, here, AS_OF) == there
        assert flow.previous_screen(bank, PATIENT_EN, there, AS_OF) == here


def test_progress_counts_every_screen_of_the_whole_questionnaire(bank):
    screens = flow.question_screens(bank, PATIENT_EN, AS_OF)
    assert flow.step_of(bank, PATIENT_EN, screens[0], AS_OF) == (1, len(screens))
    assert flow.step_of(bank, PATIENT_EN, screens[-1], AS_OF) == (len(screens), len(screens))
    assert flow.step_of(bank, PATIENT_EN, flow.REVIEW, AS_OF) is None


def test_a_screen_without_asked_items_is_skipped(bank):
    answers = {"patient.language": "en", "ha.any": "no"}
    assert "ha.days" not in flow.question_screens(bank, answers, AS_OF)
    assert flow.next_screen(bank, answers, "ha.any", AS_OF) == "back.pain"
    assert flow.previous_screen(bank, answers, "back.pain", AS_OF) == "ha.any"


def test_change_from_review_returns_to_review_or_to_newly_asked_items(bank):
    answers = flow.bank_asks(bank, {**PATIENT_EN, "ha.any": "no"}, AS_OF)
    visit = flow.Visit(last_activity=0.0, answers=answers, screen=flow.REVIEW)
    flow.go_change(visit, "ha.any")
    visit.answers = flow.record(bank, visit.answers, "ha.any", "yes", AS_OF)
    assert not flow.go_next(bank, visit, AS_OF)  # the headache questions are now asked
    assert visit.screen == "ha.first_started" and "ha.first_started" in visit.problems
    headache = {k: v for k, v in PATIENT_EN.items() if k in HEADACHE_ITEMS}
    visit.answers = flow.bank_asks(bank, {**visit.answers, **headache}, AS_OF)
    assert flow.go_next(bank, visit, AS_OF)
    assert visit.screen == flow.REVIEW and not visit.return_to_review


def test_review_sends_back_to_first_incomplete_screen(bank):
    answers = {k: v for k, v in PATIENT_EN.items() if k != "back.months"}
    assert flow.first_incomplete(bank, answers, AS_OF)[0] == "back.months"
    assert flow.first_incomplete(bank, PATIENT_EN, AS_OF) is None
    assert flow.first_incomplete(bank, {}, AS_OF) == (flow.LANGUAGE, [])


def test_review_groups_the_screens_by_section(bank):
    grouped = flow.review_sections(bank, PATIENT_EN, AS_OF)
    assert [s for s, _ in grouped] == [s.id for s in bank.sections]
    assert [x for _, screens in grouped for x in screens] == flow.question_screens(bank, PATIENT_EN, AS_OF)


def test_valid_answers_leaves_out_bad_ones(bank):
    answers = {**PATIENT_EN, "ha.days": 99}
    assert flow.valid_answers(bank, answers, AS_OF) == {k: v for k, v in answers.items() if k != "ha.days"}


# ---------------------------------------------------------------- idle
@pytest.mark.parametrize(("idle_seconds", "warning", "countdown"), [
    (180, 30, 30), (30, 30, 15), (31, 30, 15), (600, 45, 45), (30, 1, 1), (3600, 30, 30),
])
def test_the_countdown_is_the_warning_but_at_most_half_the_idle_time(idle_seconds, warning, countdown):
    assert idle.countdown_seconds(idle_seconds, warning) == countdown


@given(idle_seconds=st.integers(30, 86_400), warning=st.integers(1, 86_400))
def test_the_countdown_always_leaves_quiet_time_first(idle_seconds, warning):
    countdown = idle.countdown_seconds(idle_seconds, warning)
    assert 1 <= countdown <= warning and idle_seconds - countdown >= idle_seconds / 2


# ---------------------------------------------------------------- ui text
def test_ui_text_loads_in_both_languages():
    ui = load_ui_text()
    assert ui("progress", "es", step=3, total=8, section="Su cuello") == "Paso 3 de 8: Su cuello"
    assert len(ui("months", "en").split(",")) == len(ui("months", "es").split(",")) == 12
    with UI_TEXT_PATH.open("rb") as fh:
        assert ui.keys() == set(tomllib.load(fh))


def test_every_ui_text_is_used_by_the_kiosk():
    source = "".join(p.read_text() for p in UI_TEXT_PATH.parent.glob("*.py"))
    source = source.replace('("large_text", "large_text"), ("high_contrast", "high_contrast")',
                            '"large_text" "high_contrast"')
    unused = {key for key in load_ui_text().keys() if f'"{key}"' not in source}
    assert unused == set()


@pytest.mark.parametrize(("data", "message"), [
    ({"next": {"en": "Next"}}, "'next': missing its 'es' translation"),
    ({"next": {"en": "Next", "es": " "}}, "'next': missing its 'es' translation"),
    ({"next": "Next"}, "'next': must be a table"),
    ({"progress": {"en": "Step {step} of {total}", "es": "Paso {step}"}}, "'progress': the 'es' text"),
])
def test_ui_text_errors_name_the_key(data, message):
    with pytest.raises(UiTextError, match=message.replace("{", r"\{")):
        parse_ui_text(data)


# ---------------------------------------------------------------- body map
def test_body_map_regions_are_the_bank_options(bank):
    codes = set(bank.item("pain.regions").codes)
    assert set(bodymap.REGIONS) == codes - {"all_over"}


@pytest.mark.parametrize("code", list(bodymap.REGIONS))
def test_a_tap_inside_each_region_finds_it(code):
    for polygon in bodymap.REGIONS[code]:
        xs, ys = zip(*polygon, strict=True)
        centre = (sum(xs) / len(xs), sum(ys) / len(ys))
        assert bodymap.region_at(*centre) == code
        # the same spot on a picture shown at half size
        assert bodymap.region_at(centre[0] / 2, centre[1] / 2, bodymap.WIDTH / 2, bodymap.HEIGHT / 2) == code


def test_a_tap_outside_the_body_finds_nothing():
    assert bodymap.region_at(5, 5) is None
    assert bodymap.region_at(bodymap.WIDTH / 2, bodymap.HEIGHT / 2) is None
    assert bodymap.region_at(10, 10, 0, 0) is None


REGION = st.sampled_from(list(bodymap.REGIONS))


@given(chosen=st.lists(REGION, unique=True), code=REGION)
def test_toggle_twice_is_no_change(chosen, code):
    order = list(bodymap.REGIONS)
    chosen = [c for c in order if c in chosen]
    once = bodymap.toggle(chosen, code, order)
    assert (code in once) != (code in chosen)
    assert bodymap.toggle(once, code, order) == chosen


def test_every_region_is_big_enough_to_tap():
    """54 units each way: 44 px or more at the 540 px the kiosk draws the picture (style.css)."""
    for code, polygons in bodymap.REGIONS.items():
        for polygon in polygons:
            xs, ys = zip(*polygon, strict=True)
            assert min(max(xs) - min(xs), max(ys) - min(ys)) * 540 / bodymap.WIDTH >= 44, code


def test_the_inline_picture_has_every_region(bank):
    assert set(bodymap.region_points()) == set(bodymap.REGIONS)
    assert all(p.count(",") >= 4 for p in bodymap.outline())


def test_chosen_regions_are_painted():
    plain = bodymap.draw([], "Front", "Back").convert("RGB")
    painted = bodymap.draw(["lower_back"], "Front", "Back").convert("RGB")
    xs, ys = zip(*bodymap.REGIONS["lower_back"][0], strict=True)
    centre = (int(sum(xs) / len(xs)), int(sum(ys) / len(ys)))
    assert plain.getpixel(centre) != painted.getpixel(centre)
    assert painted.getpixel(centre) == (0xD1, 0x35, 0x2B)


def test_typed_text_is_stored_in_nfc(bank):
    typed = "Jose\u0301 Nun\u0303ez"  # é and ñ typed as letter + combining mark
    stored = flow.record(bank, {}, "patient.name", typed, AS_OF)
    assert stored["patient.name"] == "Jos\u00e9 Nu\u00f1ez" and len(stored["patient.name"]) == 10


@pytest.mark.parametrize(("value", "code"), [
    ("Ana\u202eLee", "format_chars"), ("Ann\u2028Lee", "line_separator"), ("Ann\u2029Lee", "line_separator")])
def test_format_and_separator_characters_are_named_at_once(bank, value, code):
    problem = flow.typed_problem(bank, "patient.name", value, AS_OF)
    assert problem is not None and problem.code == code
    assert problem.text(bank, "es") != problem.text(bank, "en")
