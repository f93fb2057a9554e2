"""The staff workspace through Streamlit's AppTest on the real app.py and a real SQLite store:
login, wrong password, lock-out, logoff, idle logoff, refusal without login, the kiosk reaching
no submission, the detail view (reasons, off-label, literal patient text), review and comments,
the admin audit log, and the audit trail itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from patients import BACK_EN, BANK, HOSTILE_TEXT, MIGRAINE_ES, URGENT_EN
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
from test_workspace_data import PASSWORD, add_user, minutes_ago, save

from clinic.config import load_settings
from storage import open_store
from workspace import login, session, views

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SECRET_NAME = "Zebulon Quartzfield"  # ASCII, so it is found in any serialised element
SECRET_TEXT = "my secret worry about the lump"
PROBE = {**BACK_EN, "patient.name": SECRET_NAME, "visit.concern": SECRET_TEXT}


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The store the app will open (same settings from the environment)."""
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'ws.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "ws.key"))
    monkeypatch.setenv("SCREENER_LOGIN_MAX_FAILURES", "3")
    opened = open_store(load_settings())
    yield opened
    opened.close()


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def goto(at: AppTest, url_path: str) -> AppTest:
    """Open /url_path as a browser would (AppTest.switch_page only knows file pages)."""
    at._page_hash = calc_hash(url_path)
    at.run()
    at._page_hash = ""
    assert not at.exception, at.exception
    return at


def log_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    if not _has(at, "ws_username"):
        goto(at, "staff")
    at.text_input(key="ws_username").input(username)
    at.text_input(key="ws_password").input(password)
    at.button(key="FormSubmitter:ws_login-Log in").click().run()
    assert not at.exception, at.exception
    return at


def _has(at: AppTest, key: str) -> bool:
    return any(getattr(w, "key", None) == key for w in at.text_input)


def shown_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as text (tables included)."""
    parts = []
    for node in at._tree:
        parts.append(str(getattr(node, "proto", "")))
        if getattr(node, "type", "") in ("arrow_data_frame", "dataframe"):
            parts.append(node.value.to_string())
    return "\n".join(parts)


def tables_with_rows(at: AppTest) -> list:
    """The tables showing any row (the login form's hidden warm-up table is empty)."""
    return [d for d in at.dataframe if len(d.value)]


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header] + [t.value for t in at.title]


def open_submission(at: AppTest, submission_id: str) -> AppTest:
    picker = next(s for s in at.selectbox if (s.key or "").startswith("ws_pick_"))
    picker.set_value(submission_id).run()
    assert not at.exception, at.exception
    return at


def idle_for(at: AppTest, seconds: int) -> None:
    """As if the last activity was ``seconds`` earlier than it was."""
    staff = at.session_state[session.STAFF_KEY]
    at.session_state[session.STAFF_KEY] = replace(
        staff, last_activity=staff.last_activity - timedelta(seconds=seconds))
    at.run()


def _local(moment) -> str:
    return moment.astimezone().strftime("%d %b %Y %H:%M")


def actions(store) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.target) for e in reversed(store.audit_events())]


# ---------------------------------------------------------------- login, logoff
def test_fresh_install_has_no_account_and_nobody_gets_in(store):
    at = goto(new_app(), "staff")
    assert headers(at) == ["Staff login"]
    for name, password in (("admin", "admin"), ("admin", ""), ("", "")):
        log_in(at, name, password)
        assert at.error[0].value == login.WRONG
    assert store.list_users() == []


def test_login_opens_todays_list_and_is_audited(store):
    add_user(store, "alice")
    sid = save(store, MIGRAINE_ES, minutes_ago(3))
    at = log_in(new_app(), "Alice")
    assert "Today's list" in headers(at)
    assert at.session_state[session.STAFF_KEY].username == "alice"
    table = at.dataframe[0].value
    assert list(table["Name"]) == ["María José Peña"] and list(table["Language"]) == ["ES"]
    assert ("alice", "login", "password") in actions(store)
    assert sid not in shown_text(at)  # ids are not shown or put in a URL


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_wrong_password_and_unknown_name_get_the_same_answer(store, username):
    add_user(store, "alice")
    at = log_in(new_app(), username, "not the password!")
    assert [e.value for e in at.error] == [login.WRONG]
    assert session.STAFF_KEY not in at.session_state
    assert headers(at) == ["Staff login"]
    expected = ("alice" if username == "alice" else "(unknown user)", "login_failed", "password")
    assert expected in actions(store)


def test_lock_out_after_the_configured_number_of_failures(store):
    add_user(store, "alice")
    at = goto(new_app(), "staff")
    for attempt in range(1, 4):
        log_in(at, "alice", "wrong password!")
        assert at.error[0].value == login.WRONG
        user = store.get_user("alice")
        assert user.failed_logins == attempt
        if attempt < 3:  # time passes: the short delay after this failure is over
            store.set_login_state("alice", user.failed_logins, None)
    log_in(at, "alice")  # the right password, but locked
    assert at.error[0].value.startswith("Too many failed logins. Try again in 15 minutes")
    assert session.STAFF_KEY not in at.session_state
    assert ("alice", "login_refused", "wait 900s") in actions(store)
    store.set_login_state("alice", 3, minutes_ago(1))  # the lock has run out
    log_in(at, "alice")
    assert at.session_state[session.STAFF_KEY].username == "alice"
    assert store.get_user("alice").failed_logins == 0


def test_logoff_returns_to_the_login_form_and_forgets_the_selection(store):
    add_user(store, "alice")
    sid = save(store, PROBE, minutes_ago(3))
    at = open_submission(log_in(new_app(), "alice"), sid)
    assert SECRET_NAME in shown_text(at)
    at.button(key="ws_logoff").click().run()
    assert headers(at) == ["Staff login"] and at.info[0].value == "You are logged off."
    assert session.SELECTED_KEY not in at.session_state
    for page in ("today", "submission", "trends", "audit", "staff"):
        goto(at, page)
        assert SECRET_NAME not in shown_text(at) and SECRET_TEXT not in shown_text(at)
    assert ("alice", "logoff", "button") in actions(store)


def test_idle_staff_are_logged_off(store):
    add_user(store, "alice")
    sid = save(store, PROBE, minutes_ago(3))
    at = open_submission(log_in(new_app(), "alice"), sid)
    idle_for(at, 899)
    assert SECRET_NAME in shown_text(at)  # 899 s: still there, and the clock starts again
    idle_for(at, 900)
    assert headers(at) == ["Staff login"]
    assert at.info[0].value == "You were logged off after 15 minutes without activity."
    assert SECRET_NAME not in shown_text(at)
    assert ("alice", "logoff", "idle") in actions(store)


def test_a_disabled_account_is_logged_off_at_once(store):
    add_user(store, "alice")
    at = log_in(new_app(), "alice")
    store.set_user_active("alice", False)
    at.run()
    assert headers(at) == ["Staff login"]
    assert ("alice", "logoff", "account_disabled") in actions(store)


# ---------------------------------------------------------------- refusal without login
@pytest.mark.parametrize("page", ["today", "submission", "trends", "audit", "staff", "checkin", "nope"])
def test_no_page_shows_a_submission_without_login(store, page):
    sid = save(store, PROBE, minutes_ago(3))
    at = new_app()
    at.session_state[session.SELECTED_KEY] = sid  # even a planted selection is not shown
    at.query_params.update({"id": sid, "submission": sid})
    goto(at, page)
    text = shown_text(at)
    assert SECRET_NAME not in text and SECRET_TEXT not in text
    assert not tables_with_rows(at) and not at.download_button
    assert store.audit_events() == []


def test_each_staff_page_checks_the_login_itself(store):
    """Even when the router is bypassed, a staff page shows only the login form."""
    from workspace import audit_log, detail, today, trends
    sid = save(store, PROBE, minutes_ago(3))
    for page in (today.today_page, detail.detail_page, trends.trends_page, audit_log.audit_page):
        at = AppTest.from_function(_call_page, kwargs={"page": page, "selected": sid}, default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        assert headers(at) == ["Staff login"], page
        assert SECRET_NAME not in shown_text(at) and not tables_with_rows(at)


def _call_page(page, selected):
    import streamlit as st
    st.session_state["ws_selected"] = selected
    page()


def test_the_kiosk_page_reaches_no_submission_even_with_staff_logged_in_elsewhere(store):
    add_user(store, "alice")
    sid = save(store, PROBE, minutes_ago(3))
    staff = log_in(new_app(), "alice")  # another browser session is logged in
    assert staff.session_state[session.STAFF_KEY]
    kiosk = new_app()
    kiosk.query_params.update({"id": sid, "submission": sid, "page": "submission"})
    kiosk.run()
    text = shown_text(kiosk)
    assert SECRET_NAME not in text and SECRET_TEXT not in text
    assert not any("Log off" in b.label for b in kiosk.button)


def test_a_clinician_cannot_open_the_audit_log(store):
    add_user(store, "alice")
    at = goto(log_in(new_app(), "alice"), "audit")
    assert "Audit log" not in headers(at) and not any("alice" in str(d.value) for d in at.dataframe)


# ---------------------------------------------------------------- the detail view
def test_detail_shows_reasons_with_items_and_the_patients_text_literally(store):
    add_user(store, "alice")
    sid = save(store, MIGRAINE_ES, minutes_ago(3))
    at = open_submission(log_in(new_app(), "alice"), sid)
    markdown = [m.value for m in at.markdown]
    heading = "**Chronic migraine** · ●● strong · :green-badge[FDA\\-approved · effective]"
    assert any(m.startswith(heading) for m in markdown)
    reasons = store.get_submission(sid).result.to_dict()["indications"][0]["reasons"]
    for reason in reasons:
        assert any(", ".join(reason["items"]) in m for m in markdown), reason
    assert HOSTILE_TEXT in [c.value for c in at.text]
    assert "ibuprofeno 400 mg\nsumatriptán" in [c.value for c in at.text]
    for element in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success]:
        assert "**bold**" not in element.value and "<b>x</b>" not in element.value
    answers = next(d.value for d in at.dataframe if "Item" in d.value.columns).set_index("Item")
    assert answers.loc["ha.duration", "Answer"] == BANK.item("ha.duration").option("4h_to_1d").label
    assert answers.loc["patient.sex", "Answer"] == BANK.item("patient.sex").option("female").label
    assert answers.loc["visit.concern", "Answer"] == HOSTILE_TEXT
    assert ("alice", "view_submission", sid) in actions(store)


def test_off_label_indications_are_marked_with_their_evidence(store):
    add_user(store, "alice")
    sid = save(store, BACK_EN, minutes_ago(3))
    at = open_submission(log_in(new_app(), "alice"), sid)
    low_back = store.get_submission(sid).result.indication("low_back_pain").to_dict()
    assert low_back["evidence"] == "off_label" and low_back["match"] == "strong"
    heading = "**Low back pain** · ●● strong · :orange-badge[Off\\-label · possibly effective]"
    assert any(m.value.startswith(heading) for m in at.markdown)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Evidence: Not approved \\(off\\-label\\)") and "AAN" in c for c in captions)


def test_urgent_submissions_come_first_and_show_their_red_flags(store):
    add_user(store, "alice")
    save(store, MIGRAINE_ES, minutes_ago(1))
    urgent = save(store, URGENT_EN, minutes_ago(30))
    at = log_in(new_app(), "alice")
    assert list(at.dataframe[0].value["Name"]) == ["Ann Urgent", "María José Peña"]
    open_submission(at, urgent)
    assert at.error[0].value.startswith("URGENT")
    assert any("rf.thunderclap" in e.value.replace("\\", "") for e in at.error)


def test_mark_reviewed_and_versioned_comments(store):
    add_user(store, "alice")
    sid = save(store, MIGRAINE_ES, minutes_ago(3))
    at = open_submission(log_in(new_app(), "alice"), sid)
    at.button(key="ws_mark_reviewed").click().run()
    assert store.get_submission(sid).reviewed_by == "alice"
    for text in ("First look: **call back**", "Second thought <i>x</i>"):
        at.text_area(key="ws_comment_text").input(text)
        at.button(key="FormSubmitter:ws_comment-Save comment").click().run()
        assert not at.exception, at.exception
    comments = store.get_submission(sid).comments
    assert [(c.version, c.author, c.text) for c in comments] == [
        (1, "alice", "First look: **call back**"), (2, "alice", "Second thought <i>x</i>")]
    own_words = [text for _, text in views.patient_texts(BANK, MIGRAINE_ES)]  # plain text too
    shown = [t.value for t in at.text]
    assert shown == [*own_words, "Second thought <i>x</i>", "First look: **call back**"]
    headers_shown = [c.value for c in at.caption if c.value.startswith("v")]
    assert headers_shown == [f"v{c.version} · alice · {_local(c.written_at)}" for c in reversed(comments)]
    assert any(s.value.startswith("Reviewed by alice") for s in at.success)
    log = actions(store)
    assert ("alice", "mark_reviewed", sid) in log and ("alice", "comment", f"{sid} v2") in log
    assert all("call back" not in target for _, _, target in log)  # comments stay out of the log


def test_the_list_filters_by_language_and_name(store):
    add_user(store, "alice")
    save(store, MIGRAINE_ES, minutes_ago(3))
    save(store, BACK_EN, minutes_ago(4))
    at = log_in(new_app(), "alice")
    at.multiselect(key="ws_language").set_value(["es"]).run()
    assert list(at.dataframe[0].value["Name"]) == ["María José Peña"]
    at.multiselect(key="ws_language").set_value([]).run()
    at.text_input(key="ws_name").input("baker").run()
    assert list(at.dataframe[0].value["Name"]) == ["Tom Baker"]
    goto(at, "trends")
    goto(at, "today")  # the filters are still there after visiting another page
    assert at.text_input(key="ws_name").value == "baker"
    assert list(at.dataframe[0].value["Name"]) == ["Tom Baker"]


# ---------------------------------------------------------------- admins, single sign-on
def test_admin_reads_the_audit_log_with_filters(store):
    add_user(store, "root", role="admin")
    at = log_in(new_app(), "root", "wrong password!")
    store.set_login_state("root", 1, None)
    goto(log_in(at, "root"), "audit")
    assert "Audit log" in headers(at)
    table = at.dataframe[0].value
    assert list(zip(table["Who"], table["Action"], table["Target"], strict=True)) == [
        ("root", "login", "password"), ("root", "login_failed", "password")]
    at.multiselect(key="ws_audit_action").set_value(["login_failed"]).run()
    assert list(at.dataframe[0].value["Action"]) == ["login_failed"]
    assert ("root", "view_audit_log", "") in actions(store)


def test_single_sign_on_needs_an_account_with_that_email(store):
    add_user(store, "dr.who@clinic.org")
    auth = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                     "client_id": "id", "client_secret": "s", "server_metadata_url": "https://idp/.well-known"}}
    stranger = AppTest.from_file(APP, default_timeout=60)
    stranger.secrets, stranger.user = auth, {"is_logged_in": True, "email": "someone@else.org"}
    goto(stranger.run(), "staff")
    assert session.STAFF_KEY not in stranger.session_state
    assert any("no staff account" in e.value for e in stranger.error)
    known = AppTest.from_file(APP, default_timeout=60)
    known.secrets, known.user = auth, {"is_logged_in": True, "email": "Dr.Who@clinic.org"}
    goto(known.run(), "staff")
    staff = known.session_state[session.STAFF_KEY]
    assert (staff.username, staff.via) == ("dr.who@clinic.org", "oidc")
    assert ("dr.who@clinic.org", "login", "oidc") in actions(store)


def test_without_an_auth_section_there_is_no_single_sign_on_button(store):
    at = goto(new_app(), "staff")
    assert [b.label for b in at.button] == ["Log in"]


# ---------------------------------------------------------------- health, unscored, trends
def test_unscored_submissions_raise_the_health_banner_and_still_show_their_answers(store):
    from storage import NewSubmission
    add_user(store, "alice")
    unscored = NewSubmission(answers=PROBE, language="en", questionnaire_version=BANK.version,
                             submitted_at=minutes_ago(2))
    sid = store.save_submission(unscored)
    at = log_in(new_app(), "alice")
    assert any("no scoring result yet" in w.value for w in at.warning)
    assert list(at.dataframe[0].value["Triage"]) == ["Not scored"]
    open_submission(at, sid)
    assert at.warning[0].value.startswith("Not scored yet")
    assert SECRET_TEXT in [c.value for c in at.text]


def test_trends_show_a_returning_patients_change_from_the_first_visit(store):
    add_user(store, "alice")
    save(store, {**MIGRAINE_ES, "ha.days": 26, "neck.pain": 7}, datetime.now(UTC) - timedelta(days=30))
    latest = save(store, MIGRAINE_ES, minutes_ago(3))
    at = goto(open_submission(log_in(new_app(), "alice"), latest), "trends")
    assert "Trends" in headers(at)
    change = at.dataframe[-1].value.set_index("Measure")
    assert change.loc["Headache days a month", "Change from first"] == 20 - 26
    assert change.loc["Neck pain (0-10)", "Change from first"] == 4 - 7
    charts = [n for n in at._tree if getattr(n, "type", "") in ("arrow_vega_lite_chart", "vega_lite_chart")]
    assert len(charts) == 3, sorted({getattr(n, "type", "") for n in at._tree})


# ---------------------------------------------------------------- the detail view on contract v3
def open_detail(at: AppTest, submission_id: str) -> AppTest:
    """The detail page of one submission, chosen as the list chooses it (session state)."""
    at.session_state[session.SELECTED_KEY] = submission_id
    return goto(at, "submission")


def test_a_stored_v2_result_is_shown_as_scored_its_warning_sign_never_contradicted(store):
    import samples

    from storage import NewSubmission
    add_user(store, "alice")
    stored = samples.hand_result("routine", {"tension_type_headache": "strong", "low_back_pain": "possible"},
                                 red_flags=[{"id": "rf.positional", "level": "review", "answer": "unsure",
                                             "items": ["rf.positional"]}], v2=True)
    sid = store.save_submission(NewSubmission(
        answers=samples.V2_ANSWERS, language="en", questionnaire_version="2026.11.1",
        submitted_at=minutes_ago(2), result=stored, rules_version="2026.11.24.1"))
    at = open_detail(log_in(new_app(), "alice"), sid)
    banner = at.warning[0].value
    assert banner.startswith("Scored routine, but 1 warning sign") and "answered unsure" in banner
    assert not at.success  # never the green "Routine: no warning signs."
    everything = " ".join(e.value for e in [*at.markdown, *at.caption, *at.warning, *at.success, *at.info])
    assert "no warning signs" not in everything.casefold()
    assert any("rules 2026.11.24.1" in c.value.replace("\\", "") for c in at.caption)  # as scored
    label = BANK.retired["rf.positional"].label[:20]
    assert any(label in w.value and "unsure" in w.value for w in at.warning)
    order = ["Warning signs", "Safety before toxin", "Key numbers", "Suggested to discuss",
             "Pattern present, toxin not recommended"]
    assert [h.value for h in at.subheader][:5] == order
    markdown = [m.value for m in at.markdown]
    low_back = "**Low back pain** · ●○ possible · :orange-badge[Off\\-label · possibly effective]"
    tension = "**Tension\\-type headache** · ●● strong · :red-badge[Off\\-label · probably ineffective]"
    assert any(m.startswith(low_back) for m in markdown) and any(m.startswith(tension) for m in markdown)
    assert [e.label.replace("\\", "") for e in at.expander if e.label.startswith("Unlikely")] == [
        "Unlikely: cervical dystonia, chronic migraine, myofascial pain"]
    answers = next(d.value for d in at.dataframe if "Item" in d.value.columns).set_index("Item")
    assert answers.loc["rf.cancer_immuno", "Question"] == BANK.retired["rf.cancer_immuno"].label
    assert answers.loc["rf.cancer_immuno", "Answer"] == "Yes"


def test_contraindications_come_first_and_flags_show_their_text(store):
    from datetime import date

    from patients import spanish_headache
    add_user(store, "alice")
    doc = spanish_headache(BANK, date.today(), rf__pattern_change="unsure", safety__blood_thinner="yes",
                           safety__skin_infection="yes")
    sid = save(store, doc, minutes_ago(2))
    result = store.get_submission(sid).result.to_dict()
    at = open_detail(log_in(new_app(), "alice"), sid)
    safety = [m.value for m in at.markdown if "badge[" in m.value and "safety\\." in m.value]
    assert safety[0].startswith(":red-badge[CONTRAINDICATION]")
    assert safety[0].replace("\\", "").endswith("safety.skin_infection")
    assert [s.replace("\\", "").rsplit(" · ", 1)[-1] for s in safety] == [f["id"] for f in sorted(
        result["safety"], key=lambda f: f["level"] != "contraindication")]
    flags = [w.value.replace("\\", "") for w in at.warning[1:]]
    for flag in result["red_flags"]:
        assert any(flag["text"] in w and flag["id"] in w for w in flags), flag["id"]
    numbers = next(d.value for d in at.dataframe if "Number" in d.value.columns).set_index("Number")
    assert numbers.loc["Preventive classes", "Value"].startswith("2 · antiepileptic, beta blocker")
    assert numbers.loc["PHQ-2", "Value"] == f"{result['phq2']}/6"
