"""Access to the dashboard: the users file, the audit log, the sign-in guard and the sessions.

One :class:`Access` per server process, made by ``vawg serve`` (:mod:`vawg.web.server`) before
the first request and shared by the HTTP layer (sign-in page, gate) and the page scripts, which
find it with :func:`current`. When no server made one (the page script run on its own, e.g.
``streamlit run`` on its script), :func:`current` returns None and the pages show nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vawg.config import Settings
from vawg.web.audit import AuditLog, audit_path
from vawg.web.auth import DUMMY_HASH, SSO_ONLY, User, load_users, verify_password
from vawg.web.guard import Decision, SignInGuard, seconds
from vawg.web.sessions import Session, SessionStore

__all__ = ["Access", "SignInOutcome", "configure", "current"]

log = logging.getLogger("vawg.web")

_CURRENT: Access | None = None


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in attempt came to: a session token, or a message and an HTTP status."""

    token: str | None
    user: User | None
    message: str
    status: int
    retry_after: float = 0.0


class Access:
    """Users, audit log, guard and sessions of one dashboard server."""

    def __init__(
        self,
        users: Path,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        guard: SignInGuard | None = None,
        ahead: bool = True,
    ) -> None:
        self.users_path = users
        self.ahead = ahead
        """Whether the pages compute every page's Results ahead of need (off in tests)."""
        self.settings = settings
        self.clock = clock
        self.audit = AuditLog(audit_path(users, settings.dashboard_audit_log), clock=clock)
        self.guard = guard or SignInGuard(lockout_after=settings.dashboard_lockout_failures)
        self.sessions = SessionStore(
            idle=settings.dashboard_session_idle_minutes * 60,
            lifetime=settings.dashboard_session_hours * 3600,
            clock=clock,
        )
        self._sign_in = threading.Lock()
        self._users: tuple[tuple[float, int], dict[str, User]] | None = None
        self._sync_lock = threading.Lock()
        self.sync()

    # --- the audit log, which is also the guard's memory -------------------------------------

    def sync(self) -> None:
        """Apply to the guard whatever was appended to the audit log since the last sync."""
        with self._sync_lock:
            for event in self.audit.read_new():
                self.guard.apply(event)
                if event.event == "locked":
                    self.sessions.revoke_user(event.user)

    def record(self, event: str, user: str, client: str, detail: str = "") -> None:
        """Append an event to the audit log (and let the guard see it)."""
        self.audit.append(event, user, client, detail)
        self.sync()

    # --- users -------------------------------------------------------------------------------

    def users(self) -> dict[str, User]:
        """The users file, re-read when it changes."""
        stat = self.users_path.stat()
        stamp = (stat.st_mtime, stat.st_size)
        if self._users is None or self._users[0] != stamp:
            self._users = (stamp, load_users(self.users_path))
        return self._users[1]

    # --- sign-in -----------------------------------------------------------------------------

    def decide(self, name: str, client: str) -> Decision:
        """Whether an attempt for ``name`` from ``client`` may be checked now."""
        self.sync()
        return self.guard.decide(name, client, self.clock())

    def sign_in(self, name: str, password: str, client: str) -> SignInOutcome:
        """Check a password, throttled and audited; one attempt at a time (blocking).

        Attempts are checked one after another, so parallel submissions cannot buy extra
        guesses; an attempt that must wait is refused at once with the seconds to wait.
        """
        name = name.strip()
        lockout = self.settings.dashboard_lockout_failures
        with self._sign_in:
            decision = self.decide(name, client)
            if not decision.allowed:
                reason = "locked" if decision.locked else f"wait {seconds(decision.wait)}"
                self.record("sign-in-refused", name, client, reason)
                return SignInOutcome(
                    None,
                    None,
                    decision.message(lockout),
                    403 if decision.locked else 429,
                    decision.wait,
                )
            users = self.users()
            user = users.get(name)
            usable = user is not None and user.password_hash != SSO_ONLY
            stored = user.password_hash if user is not None and usable else DUMMY_HASH
            ok = verify_password(password, stored) and usable  # same cost whoever it is
            if ok and user is not None:
                self.record("sign-in", name, client, "password")
                token = self.sessions.create(user.name, user.role, client)
                return SignInOutcome(token, user, "", 303)
            self.record("sign-in-failed", name, client)
            now = self.clock()
            if self.guard.should_lock(name, now):
                self.record("locked", name, client, f"after {lockout} failures in a row")
                return SignInOutcome(None, None, Decision(False, locked=True).message(lockout), 403)
            after = self.guard.decide(name, client, now)
            message = "Wrong user name or password."
            if not after.allowed:
                message += f" Wait {seconds(after.wait)} before the next attempt."
            return SignInOutcome(None, None, message, 401, after.wait)

    def sso_session(self, name: str, client: str) -> str | None:
        """A session for ``name`` vouched for by the trusted proxy (single sign-on), or None."""
        self.sync()
        user = self.users().get(name)
        if user is None or self.guard.is_locked(name):
            reason = "locked" if user is not None else "not in the users file"
            self.record("sign-in-refused", name, client, f"sso: {reason}")
            return None
        self.record("sign-in", name, client, "sso")
        return self.sessions.create(user.name, user.role, client, via="sso")

    # --- sessions ----------------------------------------------------------------------------

    def session(self, token: str | None, client: str) -> Session | None:
        """The live session for ``token`` from ``client``, else None.

        A timed-out session, or one whose user the users file no longer has with that role, is
        ended and audited.
        """
        found = self.sessions.get(token, client)
        if found is None and token:
            reason = self.sessions.why_ended(token)
            if reason:
                self.end_session(token, client, reason)
        if found is not None and token:
            user = self.users().get(found.user)
            if user is None or user.role != found.role:
                self.end_session(token, client, "users file changed")
                return None
        return found

    def end_session(self, token: str, client: str, reason: str) -> None:
        """End a session (sign-out, timeout, users file changed) and audit it once."""
        session = self.sessions.revoke(token)
        if session is not None:
            event = "signed-out" if reason == "sign-out" else "session-ended"
            self.record(event, session.user, client, "" if reason == "sign-out" else reason)


def configure(access: Access) -> Access:
    """Make ``access`` the server's (called once by the server before it serves)."""
    global _CURRENT
    _CURRENT = access
    return access


def current() -> Access | None:
    """The server's access object, or None when the pages run without ``vawg serve``."""
    return _CURRENT
