"""Dashboard users: a TOML file of names, roles and salted scrypt hashes.

The users file (``vawg users add NAME --role analyst|viewer`` writes it) looks like::

    # vawg-insight dashboard users
    [users.alice]
    role = "analyst"
    password = "scrypt$32768$8$1$<salt, base64>$<key, base64>"

Passwords are never stored: each is hashed with :func:`hashlib.scrypt` (RFC 7914; N=2^15, r=8,
p=1, a 16-byte random salt per user, 32-byte key) and checked with a constant-time comparison
(:func:`hmac.compare_digest`). An unknown user name costs the same hash as a known one, so the
time taken does not tell which names exist.

A user who signs in only through the force's single sign-on (``vawg users add NAME --sso``) has
the password ``!``, which no password matches. Throttling, lockout and the audit of sign-ins are
in :mod:`vawg.web.guard` and :mod:`vawg.web.access`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vawg.errors import InputError

__all__ = [
    "DUMMY_HASH",
    "ROLES",
    "SSO_ONLY",
    "User",
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
SSO_ONLY = "!"
"""The stored password of a user who signs in through single sign-on only (matches nothing)."""


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


DUMMY_HASH = hash_password(base64.b64encode(os.urandom(18)).decode())
"""A hash of a random string, checked when the user name is unknown (so timing tells nothing)."""


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


def save_user(path: Path, name: str, role: str, password: str | None) -> bool:
    """Add ``name`` to the users file at ``path`` (or replace it); True if the user was new.

    ``password=None`` makes a single-sign-on user (no password works). The file is rewritten
    atomically and made readable by its owner only.
    """
    _check_name(name)
    _check_role(role)
    users = load_users(path) if path.exists() else {}
    created = name not in users
    users[name] = User(name, role, SSO_ONLY if password is None else hash_password(password))
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
