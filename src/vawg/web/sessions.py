"""Signed-in sessions, held on the server: created at sign-in, ended by time, sign-out or admin.

The browser holds only a random token (32 bytes from :mod:`secrets`, in an ``HttpOnly``,
``SameSite=Lax`` cookie; ``Secure`` over HTTPS). The server keeps, under the token's SHA-256,
who signed in, with which role, from which client and when. Why a server-side session and not
a signed token in the address or a self-contained cookie: a token in the address is copied with
every pasted link, kept in the browser history and proxy logs, and sent to other sites in the
Referer header; a self-contained cookie cannot be revoked before it expires. A server-side
session is ended at once by sign-out, by the idle timeout, by its lifetime, by a lockout or by a
change of the user's role in the users file. The price: restarting the server signs everyone
out.

A session is bound to the client address it was created from (a copied cookie does not work
from another machine), ends after ``idle`` seconds without use and ``lifetime`` seconds after
sign-in, whichever comes first. The clock is passed in, so tests are exact.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = ["Session", "SessionStore"]


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    """One signed-in browser: user, role, client, how it signed in and its times (epoch s)."""

    user: str
    role: str
    client: str
    via: str
    created: float
    last_seen: float
    form_token: str
    """Secret that forms posted by this session (sign-out) must carry (against CSRF)."""

    def ends(self, idle: float, lifetime: float) -> float:
        """When the session ends if it is not used again."""
        return min(self.last_seen + idle, self.created + lifetime)


class SessionStore:
    """Sessions by token, thread-safe (the web server and the page scripts share it)."""

    def __init__(self, *, idle: float, lifetime: float, clock: Callable[[], float]) -> None:
        self.idle, self.lifetime = idle, lifetime
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def create(self, user: str, role: str, client: str, *, via: str = "password") -> str:
        """Start a session; return its token (give it to the browser, keep nothing else)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        session = Session(user, role, client, via, now, now, secrets.token_urlsafe(16))
        with self._lock:
            self._prune(now)
            self._sessions[_key(token)] = session
        return token

    def get(self, token: str | None, client: str) -> Session | None:
        """The live session for ``token`` used from ``client``, else None (does not touch it)."""
        if not token:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(_key(token))
        if session is None or now >= session.ends(self.idle, self.lifetime):
            return None
        return session if hmac.compare_digest(session.client, client) else None

    def why_ended(self, token: str | None) -> str:
        """``idle`` or ``lifetime`` for a session that timed out but is still held, else ``""``."""
        if not token:
            return ""
        with self._lock:
            session = self._sessions.get(_key(token))
        if session is None:
            return ""
        now = self._clock()
        if now >= session.created + self.lifetime:
            return "lifetime"
        return "idle" if now >= session.last_seen + self.idle else ""

    def touch(self, token: str) -> None:
        """Record a use of the session now (the idle timeout starts again)."""
        now = self._clock()
        with self._lock:
            session = self._sessions.get(_key(token))
            if session is not None and now < session.ends(self.idle, self.lifetime):
                self._sessions[_key(token)] = replace(session, last_seen=now)

    def revoke(self, token: str) -> Session | None:
        """End one session (sign-out); return it if it was live."""
        with self._lock:
            return self._sessions.pop(_key(token), None)

    def revoke_user(self, user: str) -> int:
        """End every session of ``user`` (locked, removed or given another role)."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if s.user == user]
            for key in keys:
                del self._sessions[key]
        return len(keys)

    def _prune(self, now: float) -> None:
        expired = [
            key
            for key, session in self._sessions.items()
            if now >= session.ends(self.idle, self.lifetime)
        ]
        for key in expired:
            del self._sessions[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)
