"""Sign-in throttling and lockout (no browser): exact delays on an injected clock.

Every expected wait below is worked out by hand from the rules in ``vawg.web.guard``: after the
k-th failure in a row the next attempt waits ``base * 2**(k-1)`` (capped), counted per account
from one client, and per client beyond ``client_grace`` failures; ``lockout_after`` failures of
an account from anywhere lock it.
"""

from __future__ import annotations

import pytest

from vawg.web.audit import AuditEvent
from vawg.web.guard import SignInGuard, seconds


def fail(guard: SignInGuard, name: str, client: str, at: float) -> None:
    guard.apply(AuditEvent(at, "sign-in-failed", name, client))


def test_delays_double_per_account_from_one_client_up_to_the_cap() -> None:
    guard = SignInGuard(base=1.0, cap=8.0, client_grace=100, lockout_after=100)
    now, waits = 0.0, []
    for _ in range(6):
        decision = guard.decide("alice", "10.0.0.1", now)
        assert decision.allowed or decision.wait > 0
        now += decision.wait  # the next attempt comes as soon as it may
        assert guard.decide("alice", "10.0.0.1", now).allowed
        fail(guard, "alice", "10.0.0.1", now)
        waits.append(guard.decide("alice", "10.0.0.1", now).wait)
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_a_second_client_is_not_slowed_by_the_first_clients_failures() -> None:
    guard = SignInGuard(base=1.0, cap=60.0, client_grace=5, lockout_after=10)
    for i in range(4):
        fail(guard, "alice", "attacker", float(i))
    assert guard.decide("alice", "attacker", 4.0).wait == pytest.approx(8.0 - 1.0)
    # Another client: neither for the same account nor for another one is there a wait.
    assert guard.decide("alice", "colleague", 4.0).allowed
    assert guard.decide("bob", "colleague", 4.0).allowed
    # The attacker's other accounts are not slowed until the client's grace is used up.
    assert guard.decide("bob", "attacker", 4.0).allowed


def test_one_client_trying_many_names_is_slowed_after_its_grace() -> None:
    guard = SignInGuard(base=1.0, cap=60.0, client_grace=5, lockout_after=10)
    for i in range(5):
        fail(guard, f"user{i}", "sprayer", 10.0)
    assert guard.decide("user9", "sprayer", 10.0).allowed  # 5 failures: within the grace
    fail(guard, "user5", "sprayer", 10.0)
    assert guard.decide("user9", "sprayer", 10.0).wait == 1.0  # 6th: base * 2**0
    fail(guard, "user6", "sprayer", 11.0)
    assert guard.decide("user9", "sprayer", 11.0).wait == 2.0  # 7th: base * 2**1
    assert guard.decide("user9", "elsewhere", 11.0).allowed


def test_the_account_locks_after_n_failures_from_anywhere_until_unlocked() -> None:
    guard = SignInGuard(lockout_after=3, base=1.0)
    for i, client in enumerate(("a", "b", "c")):
        assert not guard.should_lock("alice", float(i))
        fail(guard, "alice", client, float(i))
    assert guard.should_lock("alice", 3.0)
    guard.apply(AuditEvent(3.0, "locked", "alice", "c"))
    assert not guard.should_lock("alice", 3.0)  # locked once, not again
    locked = guard.decide("alice", "fresh-client", 1e6)
    assert locked.locked and not locked.allowed and locked.wait == 0
    assert "vawg users unlock" in locked.message(3)
    guard.apply(AuditEvent(4.0, "unlocked", "alice", "command line", "admin"))
    assert guard.decide("alice", "a", 4.0).allowed
    assert guard.failures("alice", "a", 4.0) == (0, 1, 0)  # the client's own count remains


def test_a_sign_in_clears_the_account_but_not_the_client() -> None:
    guard = SignInGuard(base=1.0, client_grace=1, lockout_after=10)
    for t in (0.0, 1.0, 3.0):
        fail(guard, "alice", "c", t)
    guard.apply(AuditEvent(10.0, "sign-in", "alice", "c", "password"))
    assert guard.failures("alice", "c", 10.0) == (0, 3, 0)
    # The client still has 3 failures, 2 beyond its grace: 2 s after its last failure (at 3).
    assert guard.decide("alice", "c", 4.0).wait == pytest.approx(1.0)


def test_quiet_forgets_throttling_after_15_minutes_and_lockout_counts_after_a_day() -> None:
    guard = SignInGuard(lockout_after=3, forget_after=900.0, account_forget_after=86_400.0)
    fail(guard, "alice", "c", 0.0)
    fail(guard, "alice", "c", 1.0)
    assert guard.failures("alice", "c", 900.0) == (2, 2, 2)  # 899 s after the last
    assert guard.failures("alice", "c", 901.5) == (0, 0, 2)
    assert guard.failures("alice", "c", 1.0 + 86_401.0) == (0, 0, 0)
    # A failure after a day's quiet starts the account's count again: no lockout at the third.
    fail(guard, "alice", "c", 90_000.0)
    assert guard.failures("alice", "c", 90_000.0) == (1, 1, 1)
    assert not guard.should_lock("alice", 90_000.0)


def test_waits_are_said_in_whole_seconds_rounded_up() -> None:
    assert [seconds(w) for w in (0.01, 1.0, 1.2, 59.5)] == ["1 s", "1 s", "2 s", "60 s"]
