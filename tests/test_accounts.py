"""Staff accounts: Argon2 hashes, the login policy with an injected clock, and ``create-user``."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic import accounts
from clinic.accounts import AccountError, LoginState
from clinic.config import Settings
from storage import open_store
from storage.records import User

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
POLICY = Settings(login_max_failures=5, login_lock_seconds=900, staff_idle_seconds=900)
GOOD = "a long enough passphrase"


@pytest.fixture(scope="module")
def alice() -> User:
    return User("alice", accounts.hash_password(GOOD), "clinician")


def test_hash_is_argon2id_salted_and_verifies():
    first, second = accounts.hash_password(GOOD), accounts.hash_password(GOOD)
    assert first.startswith("$argon2id$") and first != second
    assert accounts.verify_password(first, GOOD)
    assert not accounts.verify_password(first, GOOD + "x")
    assert not accounts.verify_password("not a hash", GOOD)


@pytest.mark.parametrize(("password", "username", "complaint"), [
    ("short", "", "at least 12"),
    ("x" * 11, "", "at least 12"),
    (" " * 12, "", "only spaces"),
    ("x" * 1025, "", "at most 1024"),
    ("Alice@Clinic.org", "alice@clinic.org", "not be the username"),
])
def test_bad_passwords_are_refused_with_the_rule(password, username, complaint):
    with pytest.raises(AccountError, match=complaint):
        accounts.check_password(password, username)


@pytest.mark.parametrize(("name", "ok"), [
    ("alice", True), ("Dr.Smith@Clinic.ORG", True), ("a", False), ("-x", False),
    ("has space", False), ("x" * 65, False), ("<script>", False), ("", False),
])
def test_usernames(name, ok):
    if ok:
        assert accounts.check_username(name) == name.strip().lower()
    else:
        with pytest.raises(AccountError, match="username"):
            accounts.check_username(name)


def test_delay_grows_then_locks():
    delays = [accounts.delay_after(n, POLICY) for n in range(0, 7)]
    assert delays == [0, 0, 1, 2, 4, 900, 900]


def test_delay_is_capped():
    policy = Settings(login_max_failures=20)
    assert accounts.delay_after(19, policy) == accounts.MAX_DELAY_SECONDS


def _attempts(user: User, passwords: list[str], gaps: list[float]):
    """Run attempts at T0 + cumulative gaps, saving the state as the page does."""
    moment, outcomes = T0, []
    for password, gap in zip(passwords, gaps, strict=True):
        moment += timedelta(seconds=gap)
        outcome = accounts.attempt_login(user, password, moment, POLICY)
        user = replace(user, failed_logins=outcome.state.failed_logins,
                       locked_until=outcome.state.locked_until)
        outcomes.append(outcome)
    return outcomes, user


def test_wrong_passwords_lock_the_account_even_against_the_right_one(alice):
    waits = [0, 0, 1, 2, 4]
    outcomes, locked = _attempts(alice, ["wrong"] * 5, waits)
    assert [o.ok for o in outcomes] == [False] * 5
    assert locked.failed_logins == 5 and locked.locked_until == T0 + timedelta(seconds=7 + 900)
    refused = accounts.attempt_login(locked, GOOD, T0 + timedelta(seconds=7 + 899), POLICY)
    assert not refused.ok and refused.wait_seconds == 1 and refused.state.failed_logins == 5
    later = accounts.attempt_login(locked, GOOD, T0 + timedelta(seconds=7 + 900), POLICY)
    assert later.ok and later.state == LoginState() and later.user == locked


def test_trying_again_too_soon_is_refused_without_counting(alice):
    outcomes, user = _attempts(alice, ["wrong", "wrong"], [0, 0])
    assert user.failed_logins == 2
    early = accounts.attempt_login(user, GOOD, T0 + timedelta(seconds=0.5), POLICY)
    assert (early.ok, early.wait_seconds, early.state.failed_logins) == (False, 1, 2)
    on_time = accounts.attempt_login(user, GOOD, T0 + timedelta(seconds=1), POLICY)
    assert on_time.ok


def test_unknown_names_and_inactive_accounts_answer_like_wrong_passwords(alice):
    wrong = accounts.attempt_login(alice, "wrong", T0, POLICY)
    unknown = accounts.attempt_login(None, GOOD, T0, POLICY)
    inactive = accounts.attempt_login(replace(alice, active=False), GOOD, T0, POLICY)
    for outcome in (wrong, unknown, inactive):
        assert (outcome.ok, outcome.wait_seconds, outcome.state) == (False, 0, LoginState(1, None))


def test_unknown_names_are_delayed_and_locked_like_accounts():
    names = accounts.UnknownNames(limit=2)
    moment = T0
    for _ in range(5):
        outcome = accounts.attempt_login(None, "x", moment, POLICY, unknown=names.get("ghost"))
        names.put("ghost", outcome.state)
        moment = outcome.state.locked_until or moment
    assert names.get("ghost").failed_logins == 5
    assert accounts.attempt_login(None, "x", moment - timedelta(seconds=1), POLICY,
                                  unknown=names.get("ghost")).wait_seconds == 1
    names.put("a", LoginState(1)), names.put("b", LoginState(1))
    assert names.get("ghost") == LoginState()  # oldest dropped: memory stays bounded


@given(st.lists(st.booleans(), max_size=30))
def test_a_success_always_clears_the_state_and_failures_never_exceed_the_limit(results):
    state, moment = LoginState(), T0
    for succeed in results:
        moment = max(moment, state.locked_until or moment)
        state = LoginState() if succeed else accounts.after_failure(state, moment, POLICY)
        assert state.failed_logins <= POLICY.login_max_failures
        assert (state.locked_until is None) == (state.failed_logins <= 1)


@pytest.mark.parametrize(("idle_seconds", "idle"), [(0, False), (899, False), (900, True), (5000, True)])
def test_idle_logoff(idle_seconds, idle):
    assert accounts.is_idle(T0, T0 + timedelta(seconds=idle_seconds), POLICY) is idle


# ---------------------------------------------------------------- python -m clinic create-user
@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'accounts.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "accounts.key"))
    from clinic.config import load_settings
    return load_settings()


def _cli(args: list[str], stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clinic", "create-user", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def test_cli_creates_an_admin_with_a_hash_and_an_audit_event(env):
    done = _cli(["Dr.Admin@Clinic.org", "--admin", "--password-stdin"], GOOD + "\n")
    assert done.returncode == 0, done.stderr
    assert GOOD not in done.stdout + done.stderr
    store = open_store(env)
    try:
        user = store.get_user("dr.admin@clinic.org")
        assert user.role == "admin" and accounts.verify_password(user.password_hash, GOOD)
        assert GOOD not in user.password_hash
        events = [(e.action, e.target) for e in store.audit_events()]
        assert events == [("create_user", "dr.admin@clinic.org")]
    finally:
        store.close()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["bob", "--password-stdin"], "too short\n", "at least 12"),
    (["b b", "--password-stdin"], GOOD + "\n", "username"),
    (["bob", "--password-stdin"], "\n", "at least 12"),
])
def test_cli_refuses_bad_input_and_creates_nothing(env, args, stdin, message):
    done = _cli(args, stdin)
    assert done.returncode == 2 and message in done.stderr
    store = open_store(env)
    try:
        assert store.list_users() == []
    finally:
        store.close()


def test_cli_refuses_an_existing_username(env):
    assert _cli(["carol", "--password-stdin"], GOOD + "\n").returncode == 0
    again = _cli(["Carol", "--password-stdin"], "another long password\n")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_cli_prompts_twice_and_refuses_different_entries(env, monkeypatch):
    answers = iter([GOOD, GOOD + "!"])
    monkeypatch.setattr(accounts.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    store = open_store(env)
    try:
        assert accounts.cli_create_user(["dave"], store=store) == 2
        assert store.get_user("dave") is None
        answers = iter([GOOD, GOOD])
        monkeypatch.setattr(accounts.getpass, "getpass", lambda prompt: next(answers))
        assert accounts.cli_create_user(["dave"], store=store) == 0
        assert store.get_user("dave").role == "clinician"
    finally:
        store.close()

