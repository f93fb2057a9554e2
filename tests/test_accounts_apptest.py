"""The Accounts page (admins) and My password (every staff member), through AppTest on the real
app.py and a real SQLite store: list, create (weak passwords refused with zxcvbn's reason),
deactivate and reset a password (the person's live session ends on its next rerun), unlock,
change one's own password (other sessions end, this one stays), each audited; and the audit
log's CSV export for a date range, formulas neutralised."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from test_workspace_apptest import actions, goto, headers, log_in, new_app, shown_text, store  # noqa: F401
from test_workspace_data import PASSWORD, add_user

from storage import rows as stored
from workspace import audit_log, session

NEW = "quiet river under copper bridges"


def as_admin(store):  # noqa: F811 - the fixture from test_workspace_apptest
    add_user(store, "root", role="admin")
    return goto(log_in(new_app(), "root"), "accounts")


def pick(at, username: str):
    at.selectbox(key="ws_acc_pick").set_value(username).run()
    assert not at.exception, at.exception
    return at


def fill_password(at, prefix: str, first: str, second: str | None = None):
    at.text_input(key=f"{prefix}_pw1").input(first)
    at.text_input(key=f"{prefix}_pw2").input(first if second is None else second)


def test_the_accounts_page_lists_accounts_without_secrets_and_only_for_admins(store):  # noqa: F811
    add_user(store, "alice")
    at = as_admin(store)
    assert "Accounts" in headers(at)
    table = at.dataframe[0].value
    assert list(zip(table["Username"], table["Role"], table["State"], strict=True)) == [
        ("alice", "clinician", "active"), ("root", "admin", "active")]
    assert "$argon2" not in shown_text(at)
    clinician = goto(log_in(new_app(), "alice"), "accounts")
    assert "Accounts" not in headers(clinician)
    assert "Username" not in shown_text(clinician)


def test_an_admin_creates_an_account_and_weak_passwords_are_refused_with_the_reason(store):  # noqa: F811
    at = as_admin(store)
    for password, second, reason in (("password1234", None, "This is a very common password"),
                                      ("aaaaaaaaaaaa", None, "Repeats like"),
                                      (NEW, NEW + "!", "the two entries differ")):
        at.text_input(key="ws_acc_new_name").input("Dr.Lee@Clinic.org")
        fill_password(at, "ws_acc_new", password, second)
        at.button(key="FormSubmitter:ws_acc_create-Create account").click().run()
        assert reason in at.error[0].value.replace("\\", "")
        assert store.get_user("dr.lee@clinic.org") is None
    at.text_input(key="ws_acc_new_name").input("Dr.Lee@Clinic.org")
    at.radio(key="ws_acc_new_role").set_value("admin")
    fill_password(at, "ws_acc_new", NEW)
    at.button(key="FormSubmitter:ws_acc_create-Create account").click().run()
    assert store.get_user("dr.lee@clinic.org").role == "admin"
    assert "Created admin account" in at.success[0].value.replace("\\", "")
    assert ("root", "create_user", "dr.lee@clinic.org") in actions(store)
    assert all(NEW not in str(a) for a in actions(store))


def test_deactivating_ends_the_persons_live_session(store):  # noqa: F811
    add_user(store, "alice")
    alice = log_in(new_app(), "alice")
    assert "Today's list" in headers(alice)
    at = pick(as_admin(store), "alice")
    at.button(key="ws_acc_active").click().run()
    assert "Its sessions have ended" in at.success[0].value
    alice.run()
    assert headers(alice) == ["Staff login"] and session.STAFF_KEY not in alice.session_state
    assert ("root", "deactivate_user", "alice") in actions(store)
    assert ("alice", "logoff", "account_disabled") in actions(store)
    pick(at, "alice").button(key="ws_acc_active").click().run()  # reactivated: the old session stays ended
    assert store.get_user("alice").active
    alice.run()
    assert session.STAFF_KEY not in alice.session_state
    log_in(alice, "alice")
    assert alice.session_state[session.STAFF_KEY].username == "alice"


def test_an_admin_cannot_deactivate_their_own_account(store):  # noqa: F811
    at = pick(as_admin(store), "root")
    at.button(key="ws_acc_active").click().run()
    assert "cannot deactivate your own account" in at.error[0].value.replace("\\", "")
    assert store.get_user("root").active


def test_a_password_reset_ends_the_session_and_the_new_password_works(store):  # noqa: F811
    add_user(store, "alice")
    alice = log_in(new_app(), "alice")
    at = pick(as_admin(store), "alice")
    fill_password(at, "ws_acc_reset", "password1234")
    at.button(key="FormSubmitter:ws_acc_reset-Set new password").click().run()
    assert "too easy to guess" in at.error[0].value
    fill_password(at, "ws_acc_reset", NEW)
    at.button(key="FormSubmitter:ws_acc_reset-Set new password").click().run()
    assert "New password set for alice" in at.success[0].value
    alice.run()
    assert headers(alice) == ["Staff login"]
    assert "your account was changed" in alice.info[0].value
    assert ("alice", "logoff", "session_ended") in actions(store)
    log_in(alice, "alice", PASSWORD)
    assert session.STAFF_KEY not in alice.session_state
    store.set_login_state("alice", 0, None)  # the wrong try's short wait is over
    log_in(alice, "alice", NEW)
    assert alice.session_state[session.STAFF_KEY].username == "alice"
    assert ("root", "reset_password", "alice") in actions(store)


def test_an_admin_unlocks_a_locked_account(store):  # noqa: F811
    add_user(store, "alice")
    store.set_login_state("alice", 3, datetime.now(UTC) + timedelta(minutes=15))
    alice = log_in(new_app(), "alice")
    assert alice.error[0].value.startswith("Too many failed logins")
    at = as_admin(store)
    assert list(at.dataframe[0].value["State"])[0].startswith("locked")
    pick(at, "alice").button(key="ws_acc_unlock").click().run()
    assert "Unlocked alice" in at.success[0].value
    log_in(alice, "alice")
    assert alice.session_state[session.STAFF_KEY].username == "alice"
    assert ("root", "unlock_user", "alice") in actions(store)


def test_staff_change_their_own_password_and_their_other_sessions_end(store):  # noqa: F811
    add_user(store, "alice")
    other = log_in(new_app(), "alice")
    at = goto(log_in(new_app(), "alice"), "password")
    assert "My password" in headers(at)
    at.text_input(key="ws_own_current").input("not my password!")
    fill_password(at, "ws_own", NEW)
    at.button(key="FormSubmitter:ws_own_password-Change password").click().run()
    assert "not your current password" in at.error[0].value
    store.set_login_state("alice", 0, None)
    at.text_input(key="ws_own_current").input(PASSWORD)
    fill_password(at, "ws_own", NEW)
    at.button(key="FormSubmitter:ws_own_password-Change password").click().run()
    assert "Your password is changed" in at.success[0].value
    at.run()
    assert at.session_state[session.STAFF_KEY].username == "alice"  # this session stays
    other.run()
    assert session.STAFF_KEY not in other.session_state  # the other one has ended
    assert [a for a in actions(store) if a[1].startswith("change_password")] == [
        ("alice", "change_password_failed", "alice"), ("alice", "change_password", "alice")]
    assert all(NEW not in str(a) and PASSWORD not in str(a) for a in actions(store))


# ---------------------------------------------------------------- audit log CSV
def _event_on(store, day: date, actor: str, action: str, target: str) -> None:  # noqa: F811
    moment = datetime.combine(day, datetime.min.time()).astimezone() + timedelta(hours=12)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO audit_events (at, actor, action, target) VALUES (?, ?, ?, ?)",
                             (stored.ts(moment), actor, action, target))


def test_the_audit_csv_holds_every_event_of_the_dates_formulas_neutralised(store):  # noqa: F811
    today = date.today()
    _event_on(store, today - timedelta(days=10), "old", "login", "password")
    _event_on(store, today - timedelta(days=2), "=HYPERLINK(\"http://x\")", "login_failed",
              "+cmd|' /C calc'!A0")
    _event_on(store, today - timedelta(days=1), "alice", "export", "csv:list of 3")
    _event_on(store, today + timedelta(days=1), "future", "login", "password")
    data = audit_log.csv_export(store, "root", today - timedelta(days=2), today)()
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == audit_log.CSV_COLUMNS
    assert [row[2:] for row in table[1:]] == [
        ["'=HYPERLINK(\"http://x\")", "login_failed", "'+cmd|' /C calc'!A0"],
        ["alice", "export", "csv:list of 3"]]
    assert actions(store)[-1] == ("root", "export_audit_log",
                                  f"{(today - timedelta(days=2)).isoformat()}..{today.isoformat()}")


def test_the_audit_page_offers_the_csv_of_the_chosen_dates(store):  # noqa: F811
    add_user(store, "root", role="admin")
    at = goto(log_in(new_app(), "root"), "audit")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["CSV of every event on these dates"]
