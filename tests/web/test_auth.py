"""Users file, password hashing and the failed-login slowdown (no browser)."""

from __future__ import annotations

import hashlib
import stat
import threading
from pathlib import Path

import pytest

from vawg.errors import InputError
from vawg.web import auth
from vawg.web.auth import (
    LoginThrottle,
    authenticate,
    hash_password,
    load_users,
    save_user,
    verify_password,
)


class FakeClock:
    """A clock the throttle reads and sleeps on, so delays are exact and instant."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_hash_is_salted_scrypt_and_verifies() -> None:
    one, two = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert one != two  # a fresh salt each time
    scheme, n, r, p, salt, key = one.split("$")
    assert (scheme, n, r, p) == ("scrypt", "32768", "8", "1")
    # Recompute independently with hashlib: the stored key is scrypt(password, salt).
    import base64

    expected = hashlib.scrypt(
        b"correct horse battery",
        salt=base64.b64decode(salt),
        n=32768,
        r=8,
        p=1,
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )
    assert base64.b64decode(key) == expected
    assert verify_password("correct horse battery", one)
    assert not verify_password("correct horse batterY", one)
    assert not verify_password("correct horse battery", one.replace("scrypt", "md5"))
    assert not verify_password("correct horse battery", "garbage")


def test_short_passwords_are_refused() -> None:
    with pytest.raises(InputError, match="too short"):
        hash_password("short")


def test_users_file_round_trip_and_permissions(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    assert save_user(path, "alice", "analyst", "alice-password-1") is True
    assert save_user(path, "bob.v", "viewer", "bob-password-12") is True
    assert save_user(path, "alice", "viewer", "alice-password-2") is False  # updated
    users = load_users(path)
    assert {u.name: u.role for u in users.values()} == {"alice": "viewer", "bob.v": "viewer"}
    assert verify_password("alice-password-2", users["alice"].password_hash)
    assert not verify_password("alice-password-1", users["alice"].password_hash)
    assert "alice-password" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [("al ice", "analyst", "user name"), ("alice", "admin", "role")],
)
def test_bad_names_and_roles_are_refused(
    tmp_path: Path, name: str, role: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        save_user(tmp_path / "u.toml", name, role, "long-enough-password")


def test_a_missing_users_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="vawg users add"):
        load_users(tmp_path / "none.toml")


def test_delays_grow_with_failures_for_the_user_and_the_client() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(base=0.5, cap=8.0, clock=clock, sleep=clock.slept.append)
    waits = []
    for _ in range(6):
        waits.append(throttle.wait_turn("alice", "10.0.0.1"))
        clock.now += waits[-1]  # the attempt is checked once its wait is over
        throttle.record("alice", "10.0.0.1", success=False)
    # Attempts arrive back to back: the k-th waits base * 2**(k-2), capped at 8 s.
    assert waits == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0]
    # At that moment, another user from the same client is slowed too (per client) ...
    assert throttle.wait_turn("bob", "10.0.0.1") == 8.0
    # ... and so is the same user from another client (per user).
    assert throttle.wait_turn("alice", "10.0.0.2") == 8.0
    assert clock.slept == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_success_clears_the_user_not_the_client_and_quiet_forgets() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(base=1.0, forget_after=900, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        throttle.wait_turn("alice", "c")
        throttle.record("alice", "c", success=False)
    throttle.wait_turn("alice", "c")
    throttle.record("alice", "c", success=True)
    assert throttle.failures("alice", "other-client") == 0
    assert throttle.failures("someone", "c") == 3
    clock.now += 901
    assert throttle.failures("someone", "c") == 0


def test_parallel_attempts_queue_instead_of_multiplying_guesses() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(base=1.0, clock=clock, sleep=lambda s: None)
    for _ in range(2):
        throttle.wait_turn("alice", "c")
        throttle.record("alice", "c", success=False)
    # Three sessions try at the same instant: each gets a later turn than the one before.
    waits = [throttle.wait_turn("alice", f"c{i}") for i in range(3)]
    assert waits[0] == pytest.approx(2.0)
    assert waits[0] < waits[1] < waits[2]


def test_authenticate_checks_a_hash_even_for_unknown_users(monkeypatch: pytest.MonkeyPatch) -> None:
    users = {"alice": auth.User("alice", "analyst", hash_password("alice-password-1"))}
    calls: list[str] = []
    real = auth.verify_password

    def counting(password: str, stored: str) -> bool:
        calls.append(stored)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", counting)
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock, sleep=clock.sleep)
    assert authenticate(users, "alice", "alice-password-1", client="c", throttle=throttle)
    assert authenticate(users, "mallory", "alice-password-1", client="c", throttle=throttle) is None
    assert authenticate(users, "alice", "wrong-password", client="c", throttle=throttle) is None
    assert len(calls) == 3  # the unknown name cost a hash too (equal timing)
    assert throttle.failures("mallory", "x") == 1


def test_throttle_is_thread_safe() -> None:
    throttle = LoginThrottle(base=0.0, sleep=lambda s: None)

    def fail() -> None:
        for _ in range(50):
            throttle.record("alice", "c", success=False)

    threads = [threading.Thread(target=fail) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert throttle.failures("alice", "c") == 200
