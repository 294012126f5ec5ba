"""Users file and password hashing (no browser); throttling is in test_guard and test_access."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from vawg.errors import InputError
from vawg.web.auth import SSO_ONLY, hash_password, load_users, save_user, verify_password


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


def test_a_single_sign_on_user_has_no_password_that_works(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    save_user(path, "sam", "viewer", None)
    stored = load_users(path)["sam"].password_hash
    assert stored == SSO_ONLY
    assert not verify_password("", stored) and not verify_password("!", stored)
