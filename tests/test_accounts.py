"""Staff accounts: Argon2 hashes, the password policy (zxcvbn), the login policy on a real SQLite
store with an injected clock, the account operations and the account commands."""

from __future__ import annotations

import getpass
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic import account_admin, account_cli, accounts
from clinic.accounts import AccountError
from clinic.config import Settings
from storage import open_store
from storage.staff import miss_key

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
POLICY = Settings(login_max_failures=5, login_lock_seconds=900, staff_idle_seconds=900)
GOOD = "a long enough passphrase"
OTHER = "quiet river under copper bridges"


@pytest.fixture
def store(tmp_path):
    opened = open_store(Settings(database_url=f"sqlite:///{tmp_path / 'acc.db'}",
                                 key_file=str(tmp_path / "acc.key")))
    yield opened
    opened.close()


def add(store, name: str = "alice", role: str = "clinician", password: str = GOOD):
    return account_admin.create_user(store, name, password, role, actor="setup")


def events(store) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.target) for e in reversed(store.audit_events())]


# ---------------------------------------------------------------- hashing and the password policy
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
    # the red team's two, and more a guesser tries first
    ("aaaaaaaaaaaa", "", 'Repeats like "aaa" are easy to guess'),
    ("password1234", "", "This is a very common password"),
    ("qwertyuiopasdf", "", "commonly used password"),
    ("123456789012", "", "too easy to guess"),
    ("alicealice2026", "alice", "too easy to guess"),  # the username is a known input
    ("clinicscreener", "", "too easy to guess"),  # so are the clinic's words
    ("a" * 1024, "", "too easy to guess"),  # long but only its first 72 characters are judged
])
def test_weak_passwords_are_refused_with_the_reason(password, username, complaint):
    with pytest.raises(AccountError, match=complaint) as refused:
        accounts.check_password(password, username)
    assert str(refused.value).startswith("password: ")


@pytest.mark.parametrize("password", [GOOD, OTHER, "una contraseña bastante larga", "Tr0ub4dor&3-plum"])
def test_strong_passwords_pass(password):
    accounts.check_password(password, "alice")


def test_the_refusal_says_how_guessable_and_what_to_do():
    with pytest.raises(AccountError) as refused:
        accounts.check_password("password1234")
    message = str(refused.value)
    assert "needs at least safely unguessable" in message and "Add another word" in message


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


# ---------------------------------------------------------------- the login policy
def test_delay_grows_then_locks():
    assert [accounts.delay_after(n, POLICY) for n in range(0, 7)] == [0, 0, 1, 2, 4, 900, 900]
    assert accounts.delay_after(19, Settings(login_max_failures=20)) == accounts.MAX_DELAY_SECONDS


@given(st.integers(1, 40), st.integers(10, 5000))
def test_wait_steps_give_the_store_the_same_waits_as_delay_after(max_failures, lock):
    policy = Settings(login_max_failures=max_failures, login_lock_seconds=lock)
    steps = accounts.wait_steps(policy)
    for failures in range(1, max_failures + 3):
        reached = [s for n, s in steps if min(failures, max_failures) >= n]
        assert (reached[0] if reached else 0) == accounts.delay_after(min(failures, max_failures), policy)


def login(store, name: str, password: str, at: datetime):
    return accounts.log_in(store, name, password, at, POLICY)


def test_wrong_passwords_lock_the_account_even_against_the_right_one(store):
    add(store)
    moment = T0
    for wait in (0, 0, 1, 2, 4):  # each try after the wait the previous failure set
        moment += timedelta(seconds=wait)
        outcome = login(store, "alice", "wrong", moment)
        assert (outcome.ok, outcome.wait_seconds) == (False, 0)
    user = store.get_user("alice")
    assert user.failed_logins == 5 and user.locked_until == moment + timedelta(seconds=900)
    refused = login(store, "alice", GOOD, moment + timedelta(seconds=899))
    assert (refused.ok, refused.wait_seconds) == (False, 1)
    assert store.get_user("alice").failed_logins == 5  # a refused try is not counted
    later = login(store, "ALICE", GOOD, moment + timedelta(seconds=900))
    assert later.ok and later.user.username == "alice"
    after = store.get_user("alice")
    assert (after.failed_logins, after.locked_until, after.last_login_at) == (
        0, None, moment + timedelta(seconds=900))


def test_trying_again_too_soon_is_refused_without_counting(store):
    add(store)
    login(store, "alice", "wrong", T0)
    login(store, "alice", "wrong", T0)
    early = login(store, "alice", GOOD, T0 + timedelta(seconds=0.5))
    assert (early.ok, early.wait_seconds, store.get_user("alice").failed_logins) == (False, 1, 2)
    assert login(store, "alice", GOOD, T0 + timedelta(seconds=1)).ok


def test_after_a_lock_runs_out_the_count_starts_again(store):
    add(store)
    store.set_login_state("alice", 5, T0 - timedelta(seconds=1))
    assert not login(store, "alice", "wrong", T0).ok
    assert store.get_user("alice").failed_logins == 1


def test_unknown_names_and_inactive_accounts_answer_like_wrong_passwords(store):
    add(store)
    add(store, "bob")
    store.set_user_active("bob", False)
    wrong, unknown, inactive = (login(store, n, p, T0) for n, p in
                                (("alice", "wrong"), ("nobody", GOOD), ("bob", GOOD)))
    for outcome in (wrong, unknown, inactive):
        assert (outcome.ok, outcome.wait_seconds, outcome.user) == (False, 0, None)
    assert (wrong.known, unknown.known, inactive.known) == (True, False, True)


def test_unknown_names_are_delayed_and_locked_like_accounts_and_stored_only_hashed(store):
    moment = T0
    for wait in (0, 0, 1, 2, 4):
        moment += timedelta(seconds=wait)
        assert login(store, "Ghost", "secret typed as a name?", moment).wait_seconds == 0
    assert login(store, "ghost", "x", moment + timedelta(seconds=899)).wait_seconds == 1
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT name_key, failed_logins FROM login_misses").all()
    assert stored == [(miss_key(store.ring, "ghost"), 5)]
    assert "ghost" not in str(stored)


def test_forgotten_unknown_names_are_removed_after_a_quiet_day(store):
    login(store, "ghost", "x", T0)
    login(store, "other", "x", T0 + timedelta(days=2))
    with store.engine.connect() as conn:
        keys = [r[0] for r in conn.exec_driver_sql("SELECT name_key FROM login_misses")]
    assert keys == [miss_key(store.ring, "other")]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 1000)), max_size=12))
def test_failures_never_exceed_the_limit_and_a_success_clears_them(tmp_path_factory, attempts):
    store = open_store(Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('p') / 'p.db'}",
                                key_file=str(tmp_path_factory.mktemp("k") / "k.key")))
    try:
        store.create_user("alice", accounts.hash_password(GOOD), "clinician")
        moment = T0
        for right, gap in attempts:
            moment += timedelta(seconds=gap)
            outcome = login(store, "alice", GOOD if right else "wrong", moment)
            user = store.get_user("alice")
            assert user.failed_logins <= POLICY.login_max_failures
            if outcome.ok:
                assert (user.failed_logins, user.locked_until) == (0, None)
            assert not (right and not outcome.ok and not outcome.wait_seconds)
    finally:
        store.close()


@pytest.mark.parametrize(("idle_seconds", "idle"), [(0, False), (899, False), (900, True), (5000, True)])
def test_idle_logoff(idle_seconds, idle):
    assert accounts.is_idle(T0, T0 + timedelta(seconds=idle_seconds), POLICY) is idle


# ---------------------------------------------------------------- account operations
def test_deactivate_reactivate_reset_unlock_each_end_sessions_and_are_audited(store):
    add(store, "root", "admin")
    add(store)
    generation = store.get_user("alice").session_generation
    account_admin.set_active(store, "alice", False, "root")
    account_admin.set_active(store, "Alice", True, "root")
    account_admin.reset_password(store, "alice", OTHER, "root")
    assert store.get_user("alice").session_generation == generation + 3
    assert not login(store, "alice", GOOD, T0).ok and login(store, "alice", OTHER, T0 + timedelta(1)).ok
    store.set_login_state("alice", 5, T0 + timedelta(days=1))
    account_admin.unlock(store, "alice", "root")
    assert (store.get_user("alice").failed_logins, store.get_user("alice").locked_until) == (0, None)
    assert events(store)[2:] == [("root", "deactivate_user", "alice"), ("root", "reactivate_user", "alice"),
                                 ("root", "reset_password", "alice"), ("root", "unlock_user", "alice")]
    assert all(OTHER not in str(e) and GOOD not in str(e) for e in events(store))


@pytest.mark.parametrize(("action", "complaint"), [
    (lambda s: account_admin.set_active(s, "root", False, "root"), "your own account"),
    (lambda s: account_admin.set_active(s, "root", False, "cli"), "last active administrator"),
    (lambda s: account_admin.reset_password(s, "alice", "password1234", "root"), "too easy to guess"),
    (lambda s: account_admin.unlock(s, "nobody", "root"), "no account named 'nobody'"),
    (lambda s: account_admin.create_user(s, "Alice", OTHER, "clinician"), "already exists"),
    (lambda s: account_admin.create_user(s, "carol", OTHER, "nurse"), "role: one of clinician, admin"),
])
def test_account_operations_refuse_with_the_reason_and_change_nothing(store, action, complaint):
    add(store, "root", "admin")
    add(store)
    before = (store.list_users(), events(store))
    with pytest.raises(AccountError, match=complaint):
        action(store)
    assert (store.list_users(), events(store)) == before


def test_change_own_password_needs_the_current_one_and_counts_as_a_try(store):
    add(store)
    with pytest.raises(AccountError, match="not your current password"):
        account_admin.change_own_password(store, "alice", "wrong guess", OTHER, T0, POLICY)
    assert store.get_user("alice").failed_logins == 1
    with pytest.raises(AccountError, match="too easy to guess"):
        account_admin.change_own_password(store, "alice", GOOD, "password1234", T0, POLICY)
    changed = account_admin.change_own_password(store, "alice", GOOD, OTHER, T0 + timedelta(1), POLICY)
    assert accounts.verify_password(changed.password_hash, OTHER)
    assert [e[1:] for e in events(store)[1:]] == [("change_password_failed", "alice"),
                                                   ("change_password", "alice")]


# ---------------------------------------------------------------- the account commands
@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'accounts.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "accounts.key"))
    from clinic.config import load_settings
    return load_settings()


def _cli(command: str, args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clinic", command, *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)


def _opened(env):
    return open_store(env)


def test_cli_creates_an_admin_with_a_hash_and_an_audit_event(env):
    done = _cli("create-user", ["Dr.Admin@Clinic.org", "--admin", "--password-stdin"], GOOD + "\n")
    assert done.returncode == 0, done.stderr
    assert GOOD not in done.stdout + done.stderr
    store = _opened(env)
    try:
        user = store.get_user("dr.admin@clinic.org")
        assert user.role == "admin" and accounts.verify_password(user.password_hash, GOOD)
        assert events(store) == [(f"cli:{getpass.getuser()}", "create_user", "dr.admin@clinic.org")]
    finally:
        store.close()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["bob", "--password-stdin"], "too short\n", "at least 12"),
    (["b b", "--password-stdin"], GOOD + "\n", "username"),
    (["bob", "--password-stdin"], "\n", "at least 12"),
    (["bob", "--password-stdin"], "password1234\n", "This is a very common password"),
])
def test_cli_refuses_bad_input_and_creates_nothing(env, args, stdin, message):
    done = _cli("create-user", args, stdin)
    assert done.returncode == 2 and message in done.stderr
    store = _opened(env)
    try:
        assert store.list_users() == []
    finally:
        store.close()


def test_the_account_commands_from_a_script(env):
    """create, list, deactivate, reactivate, reset-password, unlock, change-password: one script."""
    assert _cli("create-user", ["root", "--admin", "--password-stdin"], GOOD + "\n").returncode == 0
    assert _cli("create-user", ["carol", "--password-stdin"], GOOD + "\n").returncode == 0
    again = _cli("create-user", ["Carol", "--password-stdin"], OTHER + "\n")
    assert again.returncode == 2 and "already exists" in again.stderr
    store = _opened(env)
    try:
        store.set_login_state("carol", 5, datetime.now(UTC) + timedelta(minutes=10))
    finally:
        store.close()
    listing = _cli("list-users", [])
    assert listing.returncode == 0 and "$argon2" not in listing.stdout
    assert [line.split()[:3] for line in listing.stdout.splitlines()[1:]] == [
        ["carol", "clinician", "locked"], ["root", "admin", "active"]]
    for command, args, stdin in (("unlock", ["carol"], ""), ("deactivate", ["carol"], ""),
                                 ("reactivate", ["carol"], ""),
                                 ("reset-password", ["carol", "--password-stdin"], OTHER + "\n"),
                                 ("change-password", ["carol", "--password-stdin"], f"{OTHER}\n{GOOD}\n")):
        done = _cli(command, args, stdin)
        assert done.returncode == 0, (command, done.stderr)
        assert GOOD not in done.stdout + done.stderr and OTHER not in done.stdout + done.stderr
    assert "deactivated" in _cli("deactivate", ["carol"]).stdout.lower()
    assert "carol" in _cli("list-users", []).stdout and "deactivated" in _cli("list-users", []).stdout
    refused = _cli("deactivate", ["root"])
    assert refused.returncode == 2 and "last active administrator" in refused.stderr
    store = _opened(env)
    try:
        assert [e[1] for e in events(store)] == [
            "create_user", "create_user", "unlock_user", "deactivate_user", "reactivate_user",
            "reset_password", "change_password", "deactivate_user"]
        assert accounts.verify_password(store.get_user("carol").password_hash, GOOD)
    finally:
        store.close()


def test_cli_prompts_twice_and_refuses_different_entries(env, monkeypatch):
    answers = iter([GOOD, GOOD + "!"])
    monkeypatch.setattr(account_cli.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    store = _opened(env)
    try:
        assert account_cli.cli_create_user(["dave"], store=store) == 2
        assert store.get_user("dave") is None
        answers = iter([GOOD, GOOD])
        monkeypatch.setattr(account_cli.getpass, "getpass", lambda prompt: next(answers))
        assert account_cli.cli_create_user(["dave"], store=store) == 0
        assert store.get_user("dave").role == "clinician"
    finally:
        store.close()
