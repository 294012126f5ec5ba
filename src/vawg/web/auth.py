"""Dashboard users: a TOML file of names, roles and salted scrypt hashes, and a login throttle.

The users file (``vawg users add NAME --role analyst|viewer`` writes it) looks like::

    # vawg-insight dashboard users
    [users.alice]
    role = "analyst"
    password = "scrypt$32768$8$1$<salt, base64>$<key, base64>"

Passwords are never stored: each is hashed with :func:`hashlib.scrypt` (RFC 7914; N=2^15, r=8,
p=1, a 16-byte random salt per user, 32-byte key) and checked with a constant-time comparison
(:func:`hmac.compare_digest`). An unknown user name costs the same hash as a known one, so the
time taken does not tell which names exist.

Repeated failures are slowed down on the server (:class:`LoginThrottle`): after the k-th failure
in a row for a user name, or from a client address, every further attempt for that name or from
that client waits ``base * 2**(k-1)`` seconds (capped at ``cap``) before the password is even
checked. Attempts are queued per name and per client, one delay apart, so opening many
sessions in parallel does not buy an attacker more guesses. Failures are forgotten after ``forget_after`` seconds of quiet; a
successful login clears its user name's count (not the client's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vawg.errors import InputError

__all__ = [
    "ROLES",
    "LoginThrottle",
    "User",
    "authenticate",
    "hash_password",
    "load_users",
    "save_user",
    "verify_password",
]

ROLES = ("analyst", "viewer")
"""``analyst``: person-level data and every page; ``viewer``: disclosure-controlled figures only."""

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_N, _R, _P, _KEY, _SALT = 2**15, 8, 1, 32, 16
_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD = 10


@dataclass(frozen=True)
class User:
    """A dashboard user as read from the users file."""

    name: str
    role: str
    password_hash: str = field(repr=False)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=_KEY
    )


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$key`` for ``password`` with a fresh random salt."""
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"password: {len(password)} characters is too short; use at least {MIN_PASSWORD}"
        )
    salt = salt if salt is not None else os.urandom(_SALT)
    key = _scrypt(password, salt, _N, _R, _P)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A hash of a random string, checked against when the user name is unknown (equal timing).
_DUMMY_HASH = hash_password(base64.b64encode(os.urandom(18)).decode())


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InputError(
            f"user name {name!r}: use 1-64 letters, digits, '.', '_', '-' or '@' (no spaces)"
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"role {role!r}: use one of {', '.join(ROLES)}")
    return role


def load_users(path: Path) -> dict[str, User]:
    """The users in ``path`` (a TOML file written by ``vawg users add``), by name."""
    if not path.exists():
        raise InputError(
            f"{path}: no users file; create one with `vawg users add NAME --role analyst "
            f"--users {path}`"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML ({error}); fix or recreate the file") from None
    users: dict[str, User] = {}
    for name, entry in (data.get("users") or {}).items():
        if not isinstance(entry, dict) or not {"role", "password"} <= entry.keys():
            raise InputError(f"{path}: user {name!r} needs a role and a password hash")
        users[_check_name(name)] = User(name, _check_role(entry["role"]), str(entry["password"]))
    return users


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_user(path: Path, name: str, role: str, password: str) -> bool:
    """Add ``name`` to the users file at ``path`` (or replace it); True if the user was new.

    The file is rewritten atomically and made readable by its owner only.
    """
    _check_name(name)
    _check_role(role)
    users = load_users(path) if path.exists() else {}
    created = name not in users
    users[name] = User(name, role, hash_password(password))
    lines = ["# vawg-insight dashboard users: written by `vawg users add`; hashes are scrypt.", ""]
    for user in sorted(users.values(), key=lambda u: u.name):
        lines += [
            f"[users.{_toml_string(user.name)}]",
            f"role = {_toml_string(user.role)}",
            f"password = {_toml_string(user.password_hash)}",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return created


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0
    next_allowed: float = 0.0


class LoginThrottle:
    """Server-side slowdown of repeated failed logins, per user name and per client address."""

    def __init__(
        self,
        *,
        base: float = 0.5,
        cap: float = 30.0,
        forget_after: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base, self.cap, self.forget_after = base, cap, forget_after
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def delay_after(self, failures: int) -> float:
        """Seconds the next attempt waits after ``failures`` failures in a row."""
        return 0.0 if failures <= 0 else min(self.cap, self.base * 2 ** (failures - 1))

    def _record(self, key: str, now: float) -> _Record:
        record = self._records.setdefault(key, _Record())
        if record.failures and now - record.last_failure > self.forget_after:
            record.failures, record.next_allowed = 0, 0.0
        return record

    def failures(self, user: str, client: str) -> int:
        """Failures in a row counted for this user name or client (the larger)."""
        with self._lock:
            now = self._clock()
            return max(
                self._record(f"user:{user}", now).failures,
                self._record(f"client:{client}", now).failures,
            )

    def wait_turn(self, user: str, client: str) -> float:
        """Block until this attempt may be checked; return the seconds waited.

        After k failures in a row (for the name or the client, whichever has more) the attempt
        waits ``delay_after(k)`` at least; attempts for the same name or client also queue
        behind each other, one delay apart.
        """
        with self._lock:
            now = self._clock()
            records = [self._record(f"user:{user}", now), self._record(f"client:{client}", now)]
            step = max(self.delay_after(r.failures) for r in records)
            turn = max([now + step, *(r.next_allowed for r in records)])
            for record in records:  # reserve: a parallel attempt queues behind this one
                record.next_allowed = turn + step
        wait = turn - now
        if wait > 0:
            self._sleep(wait)
        return wait

    def record(self, user: str, client: str, *, success: bool) -> None:
        """Count a failure (or clear the user name's count after a success)."""
        with self._lock:
            now = self._clock()
            keys = (f"user:{user}", f"client:{client}")
            if success:
                self._records.pop(keys[0], None)
                return
            for key in keys:
                record = self._record(key, now)
                record.failures += 1
                record.last_failure = now


def authenticate(
    users: dict[str, User], name: str, password: str, *, client: str, throttle: LoginThrottle
) -> User | None:
    """The user if ``name`` and ``password`` match, else None; slowed down after failures."""
    name = name.strip()
    throttle.wait_turn(name, client)
    user = users.get(name)
    ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    ok = ok and user is not None
    throttle.record(name, client, success=ok)
    return user if ok else None
