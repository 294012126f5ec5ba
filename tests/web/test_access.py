"""Sign-in as the server does it (no browser): throttled, locked, audited; sessions that end.

A fake clock drives the guard, the audit log's time stamps and the sessions, so every wait and
timeout is exact and nothing sleeps.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.config import Settings
from vawg.web import access as access_module
from vawg.web.access import Access
from vawg.web.audit import AuditLog
from vawg.web.auth import save_user
from vawg.web.sessions import SessionStore

PASSWORD = "alice-password-1"


class FakeClock:
    """Seconds since the epoch that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def users(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    save_user(path, "alice", "analyst", PASSWORD)
    save_user(path, "bob", "viewer", "bob-password-12")
    save_user(path, "sam", "viewer", None)  # single sign-on only
    return path


def make(users: Path, clock: FakeClock, **settings: object) -> Access:
    return Access(users, Settings().replace(**settings), clock=clock)


def events(access: Access) -> list[tuple[str, str, str, str]]:
    return [(e.event, e.user, e.client, e.detail) for e in access.audit]


def test_a_sign_in_makes_a_session_and_is_audited_with_who_where_and_when(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock)
    outcome = access.sign_in(" alice ", PASSWORD, "10.0.0.1")
    assert outcome.status == 303 and outcome.token and outcome.user
    session = access.session(outcome.token, "10.0.0.1")
    assert session is not None and (session.user, session.role) == ("alice", "analyst")
    assert access.session(outcome.token, "10.0.0.2") is None  # bound to the client
    line = json.loads(access.audit.path.read_text().splitlines()[0])
    assert line == {
        "at": "2027-01-15T08:00:00.000+00:00",
        "event": "sign-in",
        "user": "alice",
        "client": "10.0.0.1",
        "detail": "password",
    }
    assert access.audit.path == users.with_name("users.audit.jsonl")
    assert oct(access.audit.path.stat().st_mode & 0o777) == "0o600"


def test_an_attempt_too_soon_is_answered_with_the_wait_and_its_password_is_not_checked(
    users: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    access = make(users, clock)
    checked: list[str] = []
    real = access_module.verify_password

    def counting(password: str, stored: str) -> bool:
        checked.append(password)
        return real(password, stored)

    monkeypatch.setattr(access_module, "verify_password", counting)
    first = access.sign_in("alice", "wrong-password", "c")
    assert first.status == 401
    assert first.message == "Wrong user name or password. Wait 1 s before the next attempt."
    again = access.sign_in("alice", PASSWORD, "c")  # the right password, but too soon
    assert (again.status, again.token, again.retry_after) == (429, None, 1.0)
    assert again.message == "Too many failed sign-ins: wait 1 s before trying again."
    assert checked == ["wrong-password"]
    clock.now += 1.0
    assert access.sign_in("alice", PASSWORD, "c").status == 303
    assert [e[0] for e in events(access)] == ["sign-in-failed", "sign-in-refused", "sign-in"]
    assert events(access)[1][3] == "wait 1 s"


def test_parallel_submissions_get_one_check_each_answered(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock)
    statuses: list[int] = []

    def attempt() -> None:
        statuses.append(access.sign_in("alice", "wrong-password", "c").status)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One is checked (and fails); the others, at the same instant, are told to wait.
    assert sorted(statuses) == [401, 429, 429, 429, 429, 429]


def test_n_failures_lock_the_account_until_unlock_even_across_restarts(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock, dashboard_lockout_failures=3)
    clients = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]  # from three places: no client is slowed
    outcomes = [access.sign_in("alice", "wrong-password", c) for c in clients]
    assert [o.status for o in outcomes] == [401, 401, 403]
    assert "locked after 3 failed sign-ins" in outcomes[2].message
    assert events(access)[-1][:2] == ("locked", "alice")
    clock.now += 3600
    refused = access.sign_in("alice", PASSWORD, "10.9.9.9")
    assert refused.status == 403 and refused.token is None
    assert access.sign_in("bob", "bob-password-12", "10.0.0.1").status == 303  # others go on
    # A restart reads the lock back from the audit log.
    restarted = make(users, clock, dashboard_lockout_failures=3)
    assert restarted.sign_in("alice", PASSWORD, "10.9.9.9").status == 403
    # `vawg users unlock` (another process) writes to the log; the server sees it at once.
    result = CliRunner().invoke(app, ["users", "unlock", "alice", "--users", str(users)])
    assert result.exit_code == 0, result.output
    assert "unlocked alice" in result.output
    assert restarted.sign_in("alice", PASSWORD, "10.9.9.9").status == 303
    again = CliRunner().invoke(app, ["users", "unlock", "alice", "--users", str(users)])
    assert "alice is not locked" in again.output


def test_a_lockout_ends_the_accounts_sessions(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock, dashboard_lockout_failures=2)
    token = access.sign_in("alice", PASSWORD, "desk").token
    assert access.session(token, "desk") is not None
    access.sign_in("alice", "guess-1-xxxx", "elsewhere")
    clock.now += 1
    access.sign_in("alice", "guess-2-xxxx", "elsewhere-2")
    assert access.session(token, "desk") is None


def test_unknown_names_and_sso_users_cost_a_hash_and_lock_like_real_ones(
    users: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    access = make(users, clock, dashboard_lockout_failures=2)
    checked: list[str] = []
    real = access_module.verify_password
    monkeypatch.setattr(
        access_module, "verify_password", lambda p, s: checked.append(s) or real(p, s)
    )
    assert access.sign_in("mallory", "some-password", "c1").status == 401
    assert access.sign_in("sam", "!", "c2").status == 401  # no password signs in an SSO user
    assert len(checked) == 2 and checked[0] == checked[1]  # both against the dummy hash
    clock.now += 1
    assert access.sign_in("mallory", "some-password", "c3").status == 403  # locked like any


def test_sessions_end_after_idle_time_or_lifetime_and_say_why(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock, dashboard_session_idle_minutes=10, dashboard_session_hours=1)
    token = access.sign_in("alice", PASSWORD, "c").token
    assert token is not None
    for _ in range(5):  # used every 9 minutes: still live after 45 minutes
        clock.now += 9 * 60
        assert access.session(token, "c") is not None
        access.sessions.touch(token)
    clock.now += 15 * 60  # 60 minutes after sign-in: the lifetime is over
    assert access.sessions.why_ended(token) == "lifetime"
    assert access.session(token, "c") is None
    assert events(access)[-1] == ("session-ended", "alice", "c", "lifetime")
    other = access.sign_in("alice", PASSWORD, "c").token
    clock.now += 10 * 60 + 1
    assert access.sessions.why_ended(other) == "idle"
    assert access.session(other, "c") is None


def test_sign_out_revokes_and_is_audited_once(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock)
    token = access.sign_in("bob", "bob-password-12", "c").token
    assert token is not None
    access.end_session(token, "c", "sign-out")
    access.end_session(token, "c", "sign-out")
    assert access.session(token, "c") is None
    assert [e[0] for e in events(access)] == ["sign-in", "signed-out"]


def test_single_sign_on_needs_a_known_unlocked_user(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock)
    token = access.sso_session("sam", "10.0.0.5")
    assert token is not None
    session = access.session(token, "10.0.0.5")
    assert session is not None and (session.user, session.via) == ("sam", "sso")
    assert access.sso_session("nobody", "10.0.0.5") is None
    assert events(access)[-1][:2] == ("sign-in-refused", "nobody")


def test_the_audit_log_is_appended_and_read_back_by_another_reader(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "audit.jsonl"
    writer, reader = AuditLog(path, clock=clock), AuditLog(path, clock=clock)
    writer.append("page", "alice", "c", "overview: 1 Apr 2017 to 31 Mar 2022")
    assert [e.detail for e in reader.read_new()] == ["overview: 1 Apr 2017 to 31 Mar 2022"]
    assert reader.read_new() == []
    with path.open("ab") as handle:  # a damaged line (say, a full disk) is skipped, not fatal
        handle.write(b'{"at": broken\n')
    writer.append("download", "alice", "c", "vawg-crimes-per-month.csv")
    assert [e.event for e in reader.read_new()] == ["download"]
    with pytest.raises(ValueError, match="unknown audit event"):
        writer.append("shrug", "alice", "c")


def test_session_store_binds_to_the_client_and_touch_extends_only_the_idle_time() -> None:
    clock = FakeClock()
    store = SessionStore(idle=60, lifetime=150, clock=clock)
    token = store.create("alice", "analyst", "c")
    assert store.get(token, "c") is not None and store.get(token, "d") is None
    assert store.get("not-a-token", "c") is None and store.get(None, "c") is None
    clock.now += 50
    store.touch(token)
    clock.now += 50  # 100 s after sign-in, 50 after the touch
    assert store.get(token, "c") is not None
    store.touch(token)
    clock.now += 55  # 155 s: past the 150 s lifetime although used 55 s ago
    assert store.get(token, "c") is None
    assert len(store) == 1  # held until pruned; a new session prunes it
    store.create("bob", "viewer", "c")
    assert len(store) == 1


def test_a_change_of_role_in_the_users_file_ends_the_session(users: Path) -> None:
    clock = FakeClock()
    access = make(users, clock)
    token = access.sign_in("alice", PASSWORD, "c").token
    assert access.session(token, "c") is not None
    save_user(users, "alice", "viewer", PASSWORD)
    assert access.session(token, "c") is None
    assert events(access)[-1] == ("session-ended", "alice", "c", "users file changed")
