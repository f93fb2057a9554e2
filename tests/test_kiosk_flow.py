"""Unit tests of the kiosk's pure parts: flow and branching, idle clock, kiosk text, body map."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest
from conftest import AS_OF
from hypothesis import given
from hypothesis import strategies as st
from test_kiosk_data import HEADACHE_ITEMS, PATIENT_EN

from kiosk import bodymap, flow, idle
from kiosk.ui_text import UI_TEXT_PATH, UiTextError, load_ui_text, parse_ui_text
from questionnaire.answers import check_answers

SECTIONS = ["right_now", "about_you", "where_it_hurts", "neck", "headaches", "back", "muscle_knots",
            "warning_signs", "mood", "safety"]


def walk(bank, answers):
    """Every screen a patient with ``answers`` passes through, from the language picker."""
    visit = flow.Visit(last_activity=0.0)
    flow.choose_language(bank, visit, answers["patient.language"])
    seen = [flow.LANGUAGE]
    while visit.screen != flow.REVIEW:
        seen.append(visit.screen)
        # branching inside a screen: answer what is shown until nothing new is asked
        for _ in range(4):
            shown = flow.shown_items(bank, visit.answers, visit.screen)
            typed = {i.id: answers[i.id] for i in shown if i.id in answers}
            visit.answers = bank.prune({**visit.answers, **typed}, AS_OF)
        assert flow.go_next(bank, visit, AS_OF), visit.problems
    return seen, visit


def test_every_section_in_bank_order(bank):
    seen, visit = walk(bank, PATIENT_EN)
    assert seen == [flow.LANGUAGE, *SECTIONS]
    assert visit.answers == PATIENT_EN
    assert check_answers(bank, visit.answers, AS_OF, complete=True) == []


def test_no_headaches_never_meets_a_headache_item(bank):
    answers = bank.prune({**PATIENT_EN, "ha.any": "no"}, AS_OF)
    visit = flow.Visit(last_activity=0.0, answers=answers, screen="headaches")
    shown = {i.id for i in flow.shown_items(bank, answers, "headaches")}
    assert shown == {"ha.any"}
    assert not (set(answers) & HEADACHE_ITEMS - {"ha.any"})
    assert flow.go_next(bank, visit, AS_OF)


@pytest.mark.parametrize(("change", "dropped"), [
    ({"ha.any": "no"}, {"ha.days", "ha.migraine_days", "ha.med_types", "rf.posture", "ha.first_started"}),
    ({"ha.med_days": 0}, {"ha.med_types"}),
    ({"safety.toxin_before": "no"}, {"safety.toxin_weeks", "toxin.prior_for", "toxin.prior_side_effects"}),
    ({"back.pain": "no", "pain.regions": ["head"]}, {"back.months", "rf.saddle", "rf.back_fever"}),
])
def test_answers_of_hidden_items_are_dropped(bank, change, dropped):
    before = bank.prune({**PATIENT_EN, "ha.med_days": 4, "ha.med_types": ["nsaid"]}, AS_OF)
    assert dropped <= set(before)
    item, value = next(iter(change.items()))
    after = before
    for item, value in change.items():
        after = flow.record(bank, after, item, value)
    assert not dropped & set(after)
    assert all(bank.is_asked(k, after, AS_OF) for k in after)


def test_failed_next_keeps_every_answer_and_names_the_fields(bank):
    answers = {"patient.language": "es", "patient.name": "Ana", "patient.birth_date": "2099-01-01"}
    visit = flow.Visit(last_activity=0.0, answers=dict(answers), screen="about_you")
    assert not flow.go_next(bank, visit, AS_OF)
    assert visit.screen == "about_you" and visit.answers == answers
    assert visit.problems["patient.birth_date"].code == "future_date"
    assert {"patient.sex", "visit.main_problem"} <= set(visit.problems)
    assert "patient.name" not in visit.problems and "visit.concern" not in visit.problems
    assert visit.problems["patient.sex"].text(bank, "es") == "Por favor conteste esta pregunta."


@pytest.mark.parametrize(("item", "value", "code"), [
    ("ha.days", 45, "out_of_range"),
    ("ha.migraine_days", 20, "migraine_days_above_days"),
    ("patient.birth_date", "2030-05-01", "future_date"),
    ("patient.birth_date", "1980-02-31", "bad_date"),
    ("patient.name", "x" * 101, "too_long"),
    ("patient.name", "Ana\x07", "control_chars"),
    ("ha.preventives", ["none", "topiramate"], "exclusive_choice"),
])
def test_bad_input_is_named_on_its_screen(bank, item, value, code):
    answers = {**PATIENT_EN, "ha.days": 10, item: value}
    screen = bank.item(item).section
    problems = flow.screen_problems(bank, answers, screen, AS_OF)
    assert [(p.item, p.code) for p in problems] == [(item, code)]


def test_back_and_next_are_inverse(bank):
    screens = [flow.LANGUAGE, *flow.section_screens(bank, PATIENT_EN), flow.REVIEW]
    for here, there in zip(screens, screens[1:], strict=False):
        assert flow.next_screen(bank, PATIENT_EN, here) == there
        assert flow.previous_screen(bank, PATIENT_EN, there) == here


def test_progress_counts_sections(bank):
    assert flow.step_of(bank, PATIENT_EN, "right_now") == (1, 10)
    assert flow.step_of(bank, PATIENT_EN, "about_you") == (2, 10)
    assert flow.step_of(bank, PATIENT_EN, "safety") == (10, 10)


@pytest.mark.parametrize("answers", [{}, {"patient.language": "es"}, {"ha.any": "no", "back.pain": "no"}])
def test_the_airway_emergency_question_comes_right_after_the_language(bank, answers):
    assert flow.next_screen(bank, answers, flow.LANGUAGE) == "right_now"
    assert [i.id for i in flow.shown_items(bank, answers, "right_now")] == ["rf.airway_now"]
    assert flow.step_of(bank, PATIENT_EN, flow.REVIEW) is None


def test_section_without_asked_items_is_skipped(bank):
    # A bank whose "neck" items are all conditional on an unanswered item: the screen is skipped.
    gated = replace(bank, items=tuple(
        replace(i, when=bank.item("ha.days").when) if i.section == "neck" else i for i in bank.items))
    assert "neck" not in flow.section_screens(gated, {"ha.any": "no"})
    assert "neck" in flow.section_screens(gated, {"ha.any": "yes"})


def test_change_from_review_returns_to_review_or_to_newly_asked_items(bank):
    answers = bank.prune({**PATIENT_EN, "ha.any": "no"}, AS_OF)
    visit = flow.Visit(last_activity=0.0, answers=answers, screen=flow.REVIEW)
    flow.go_change(visit, "headaches")
    visit.answers = flow.record(bank, visit.answers, "ha.any", "yes")
    assert not flow.go_next(bank, visit, AS_OF)  # the headache questions are now asked
    assert visit.screen == "headaches" and "ha.days" in visit.problems
    headache = {k: v for k, v in PATIENT_EN.items() if k in HEADACHE_ITEMS}
    visit.answers = bank.prune({**visit.answers, **headache}, AS_OF)
    assert flow.go_next(bank, visit, AS_OF)
    assert visit.screen == flow.REVIEW and not visit.return_to_review


def test_review_sends_back_to_first_incomplete_screen(bank):
    answers = {k: v for k, v in PATIENT_EN.items() if k != "back.months"}
    assert flow.first_incomplete(bank, answers, AS_OF)[0] == "back"
    assert flow.first_incomplete(bank, PATIENT_EN, AS_OF) is None
    assert flow.first_incomplete(bank, {}, AS_OF) == (flow.LANGUAGE, [])


def test_valid_answers_leaves_out_bad_ones(bank):
    answers = {**PATIENT_EN, "ha.days": 99}
    assert flow.valid_answers(bank, answers, AS_OF) == {k: v for k, v in answers.items() if k != "ha.days"}


# ---------------------------------------------------------------- idle
@pytest.mark.parametrize(("elapsed", "status", "left"), [
    (0, idle.ACTIVE, 180), (149, idle.ACTIVE, 31), (150, idle.WARN, 30), (179.5, idle.WARN, 1),
    (180, idle.EXPIRED, 0), (10_000, idle.EXPIRED, 0), (-5, idle.ACTIVE, 180),
])
def test_idle_states(elapsed, status, left):
    assert idle.idle_state(1000.0, 1000.0 + elapsed, 180, 30) == idle.IdleState(status, left)


@given(last=st.floats(0, 1e6), gap=st.floats(0, 1e4), total=st.integers(10, 3600), warn=st.integers(1, 3599))
def test_idle_is_monotone(last, gap, total, warn):
    if warn >= total:
        return
    order = {idle.ACTIVE: 0, idle.WARN: 1, idle.EXPIRED: 2}
    early = idle.idle_state(last, last + gap, total, warn)
    later = idle.idle_state(last, last + gap + 1, total, warn)
    assert order[early.status] <= order[later.status]
    assert (early.status == idle.EXPIRED) == (gap >= total)


def test_idle_refuses_a_warning_longer_than_the_timeout():
    with pytest.raises(ValueError, match="warning_seconds"):
        idle.idle_state(0, 1, 30, 30)


def test_thanks_expires():
    assert not idle.thanks_expired(100.0, 100.0 + idle.THANKS_SECONDS - 0.1)
    assert idle.thanks_expired(100.0, 100.0 + idle.THANKS_SECONDS)


# ---------------------------------------------------------------- ui text
def test_ui_text_loads_in_both_languages():
    ui = load_ui_text()
    assert ui("progress", "es", step=3, total=8) == "Paso 3 de 8"
    assert len(ui("months", "en").split(",")) == len(ui("months", "es").split(",")) == 12
    with UI_TEXT_PATH.open("rb") as fh:
        assert ui.keys() == set(tomllib.load(fh))


def test_every_ui_text_is_used_by_the_kiosk():
    source = "".join(p.read_text() for p in UI_TEXT_PATH.parent.glob("*.py"))
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


def test_chosen_regions_are_painted():
    plain = bodymap.draw([], "Front", "Back").convert("RGB")
    painted = bodymap.draw(["lower_back"], "Front", "Back").convert("RGB")
    xs, ys = zip(*bodymap.REGIONS["lower_back"][0], strict=True)
    centre = (int(sum(xs) / len(xs)), int(sum(ys) / len(ys)))
    assert plain.getpixel(centre) != painted.getpixel(centre)
    assert painted.getpixel(centre) == (0xD1, 0x35, 0x2B)



def test_typed_text_is_stored_in_nfc(bank):
    typed = "Jose\u0301 Nun\u0303ez"  # é and ñ typed as letter + combining mark
    stored = flow.record(bank, {}, "patient.name", typed)
    assert stored["patient.name"] == "Jos\u00e9 Nu\u00f1ez" and len(stored["patient.name"]) == 10
