"""Issue 11 item 2: parallel wrong passwords cannot outrun the lock-out.

The red team sent 20 wrong passwords at once to one account and every one was checked (read
the count, verify for 0.2 s, write an absolute value). Here 20 threads, spread over 4 separate
stores (as 4 app replicas would be, each with its own connection pool), start at the same
instant against a real SQLite file and a real PostgreSQL server; the attacker keeps sending
bursts, each after the short wait the last one set has run out (the clock is injected, so no
test sleeps). Every attempt that is not refused with a wait had its password verified
(``clinic.accounts.log_in``: counted, then verified): at most ``login_max_failures`` may be,
over all bursts, and the account ends locked.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from clinic import accounts
from clinic.config import Settings
from storage import open_store

ATTEMPTS, REPLICAS = 20, 4
GOOD = "a long enough passphrase"


@pytest.fixture
def replicas(url, tmp_path):
    # a lock far longer than the test
    policy = Settings(database_url=url, key_file=str(tmp_path / "k.key"), login_max_failures=5,
                      login_lock_seconds=3600)
    stores = [open_store(policy) for _ in range(REPLICAS)]
    yield stores, policy
    for store in stores:
        store.close()


def burst(stores, policy, username: str, password: str, at: datetime) -> list[accounts.LoginOutcome]:
    """ATTEMPTS logins at ``at``, released together by a barrier, round-robin over the stores."""
    gate = threading.Barrier(ATTEMPTS)

    def attempt(i: int) -> accounts.LoginOutcome:
        gate.wait(timeout=60)
        return accounts.log_in(stores[i % len(stores)], username, password, at, policy)

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def verified(outcomes) -> int:
    """Attempts whose password was checked: every one not refused with a wait."""
    return sum(1 for o in outcomes if not o.wait_seconds)


def bursts(stores, policy, username: str, password: str, count: int = 6):
    """``count`` bursts a minute apart (past every short wait, well inside the lock)."""
    start = datetime.now(UTC)
    return [burst(stores, policy, username, password, start + timedelta(minutes=i)) for i in range(count)], \
        start + timedelta(minutes=count)


def test_twenty_parallel_wrong_passwords_verify_at_most_the_limit_then_lock(replicas):
    stores, policy = replicas
    stores[0].create_user("alice", accounts.hash_password(GOOD), "clinician")
    rounds, after = bursts(stores, policy, "alice", "wrong password, again")
    assert not any(o.ok for r in rounds for o in r)
    per_burst = [verified(r) for r in rounds]
    assert 1 <= per_burst[0] <= policy.login_max_failures  # the first burst reached the check
    assert sum(per_burst) == policy.login_max_failures, per_burst  # then no more were checked
    assert per_burst[-1] == 0
    user = stores[1].get_user("alice")
    assert user.failed_logins == policy.login_max_failures
    assert user.locked_until is not None and user.locked_until > after
    right = accounts.log_in(stores[2], "alice", GOOD, after, policy)
    assert not right.ok and right.wait_seconds > 3000  # locked, even against the right password


def test_one_burst_verifies_at_most_the_limit_when_the_limit_is_the_only_brake(replicas, tmp_path):
    """With ``login_max_failures`` 2 the lock follows the 2nd failure directly (no short wait first)."""
    stores, _ = replicas
    policy = Settings(database_url=str(stores[0].engine.url), key_file=str(tmp_path / "k.key"),
                      login_max_failures=2, login_lock_seconds=3600)
    stores[0].create_user("alice", accounts.hash_password(GOOD), "clinician")
    outcomes = burst(stores, policy, "alice", "wrong password, again", datetime.now(UTC))
    assert verified(outcomes) == 2 and sum(1 for o in outcomes if o.wait_seconds > 3000) == ATTEMPTS - 2


def test_twenty_parallel_tries_of_an_unknown_name_are_limited_the_same_way(replicas):
    stores, policy = replicas
    rounds, after = bursts(stores, policy, "nobody", "wrong password, again")
    assert sum(verified(r) for r in rounds) == policy.login_max_failures
    assert all(not o.known for r in rounds for o in r)
    assert accounts.log_in(stores[3], "nobody", "x", after, policy).wait_seconds > 3000


def test_parallel_right_passwords_get_in_and_leave_the_account_clear(replicas):
    """The count is no lock of its own: right passwords that reach the check all get in."""
    stores, policy = replicas
    stores[0].create_user("alice", accounts.hash_password(GOOD), "clinician")
    outcomes = burst(stores, policy, "alice", GOOD, datetime.now(UTC))
    assert all(o.ok for o in outcomes if not o.wait_seconds) and any(o.ok for o in outcomes)
    assert stores[0].get_user("alice").failed_logins == 0
