"""The database's encryption key, and attaching the database file with it.

The database holds person-level, OFFICIAL-SENSITIVE data, so it is encrypted at rest with
DuckDB's own encryption (AES-GCM; ``ATTACH … (ENCRYPTION_KEY …)``). Writing an encrypted file
needs the OpenSSL crypto of DuckDB's ``httpfs`` extension, which ships on PyPI as
``duckdb-extension-httpfs`` and is loaded from the installed package, offline.

**Where the key comes from**: the ``VAWG_DB_KEY`` environment variable, else the OS keyring
(Windows Credential Manager, macOS Keychain, Secret Service; service ``vawg-insight``, user
``database``: ``keyring set vawg-insight database``). The key is never written to disk, to a
log or into an error message.

**On by default, where it matters.** A database is created encrypted whenever a key is
available. ``vawg ingest`` refuses to put person-level tables (crimes, people, involvements,
criminal justice events, surveys) into a database that is not encrypted unless the user says
``--unencrypted``; public data (police.uk, areas, weather) needs no key. The demo stays the
README's two commands: its data is synthetic, so without a key it is stored unencrypted and the
demo says so. Refusing by default costs a user one environment variable once; an unencrypted
copy of a force's extract on a laptop is the breach the default prevents.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import duckdb

from vawg.errors import InputError

__all__ = ["KEYRING_SERVICE", "KEYRING_USER", "KEY_VARIABLE", "attach", "database_key"]

KEY_VARIABLE = "VAWG_DB_KEY"
KEYRING_SERVICE = "vawg-insight"
KEYRING_USER = "database"
CATALOG = "vawg"
MIN_KEY_LENGTH = 16
STORAGE_VERSION = "v1.5.0"  # what DuckDB 1.5 gives an encrypted file
# Rows a row group of the database holds when written: half DuckDB's default (122,880). A load
# inserts the clean rows of a staging table, whose row groups have the default size, and
# DuckDB writes each group of the insert as it comes only when it fills a row group of the
# database; one a filter left short (the quarantined rows taken out) is held and joined to
# its neighbours at the end instead. Half the size is filled by any group that kept half its
# rows: with 1% of 1M crimes quarantined, their insert took 0.60 s at the default size and
# 0.48 s at this one, as long as a sound file's. DuckDB does not store the size in the file,
# so every connection that writes gives it.
ROW_GROUP_SIZE = 61_440


def database_key() -> str | None:
    """The key from ``VAWG_DB_KEY`` or the OS keyring; None when neither has one."""
    key = os.environ.get(KEY_VARIABLE)
    if key:
        return key
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception:  # no keyring package or no usable backend: no key from there
        return None
    return stored or None


def _httpfs() -> Path:
    """The httpfs extension file shipped by the ``duckdb-extension-httpfs`` package."""
    try:
        folder = resources.files("duckdb_extension_httpfs")
    except ModuleNotFoundError:
        raise InputError(
            "writing an encrypted database needs the duckdb-extension-httpfs package; "
            f"install it with pip install duckdb-extension-httpfs=={duckdb.__version__}"
        ) from None
    path = Path(str(folder)) / "extensions" / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"
    if not path.is_file():
        raise InputError(
            f"the installed duckdb-extension-httpfs does not match DuckDB {duckdb.__version__}; "
            f"install duckdb-extension-httpfs=={duckdb.__version__}"
        )
    return path


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach(db: Path, *, read_only: bool, key: str | None) -> duckdb.DuckDBPyConnection:
    """A connection with ``db`` attached as catalog ``vawg`` and in use.

    An encrypted file needs ``key``; a plain file opens without one (``key`` is then unused).
    A new file is created encrypted when ``key`` is given. Temporary files DuckDB spills go to
    ``<db>.tmp`` and are encrypted with the database.
    """
    con = duckdb.connect(config={"temp_directory": f"{db}.tmp"})
    try:
        _attach(con, db, read_only=read_only, key=key)
    except BaseException:
        con.close()
        raise
    return con


def _attach(con: duckdb.DuckDBPyConnection, db: Path, *, read_only: bool, key: str | None) -> None:
    mode = ["READ_ONLY"] if read_only else [f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"]
    target = _literal(str(db))
    if key is not None and not db.exists() and len(key) < MIN_KEY_LENGTH:
        raise InputError(
            f"{KEY_VARIABLE}: too short to protect a new database; use at least "
            f'{MIN_KEY_LENGTH} characters, e.g. from python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"'
        )
    if key is not None:
        con.execute(f"LOAD {_literal(str(_httpfs()))}")
        try:
            options = ", ".join([f"ENCRYPTION_KEY {_literal(key)}", *mode])
            con.execute(f"ATTACH {target} AS {CATALOG} ({options})")
        except duckdb.Error as error:
            text = str(error)
            if "is not encrypted" in text:
                _attach_plain(con, db, target, mode)
                return
            if "Wrong encryption key" in text:
                raise InputError(
                    f"{db}: the key does not open this database; check {KEY_VARIABLE} (or the "
                    f"keyring entry {KEYRING_SERVICE}/{KEYRING_USER})"
                ) from None
            raise _open_error(db, error) from None
        con.execute("SET temp_file_encryption = true")
    else:
        _attach_plain(con, db, target, mode)
    con.execute(f"USE {CATALOG}")


def _attach_plain(con: duckdb.DuckDBPyConnection, db: Path, target: str, mode: list[str]) -> None:
    # A new file gets the storage format an encrypted one gets (DuckDB's newest), not the
    # older one DuckDB writes by default for other versions to read: one format whether a
    # key is set or not, and its string compression writes 1M crimes 0.1 s faster.
    new = [] if db.exists() else [f"STORAGE_VERSION {_literal(STORAGE_VERSION)}"]
    try:
        con.execute(f"ATTACH {target} AS {CATALOG} ({', '.join([*new, *mode])})")
    except duckdb.Error as error:
        if "without a key" in str(error):
            raise InputError(
                f"{db}: the database is encrypted; set {KEY_VARIABLE} to its key (or store the "
                f"key in the OS keyring: keyring set {KEYRING_SERVICE} {KEYRING_USER})"
            ) from None
        raise _open_error(db, error) from None
    con.execute(f"USE {CATALOG}")


def _open_error(db: Path, error: duckdb.Error) -> InputError:
    if isinstance(error, duckdb.IOException):
        first = str(error).strip().splitlines()[0]
        return InputError(
            f"{db}: cannot open the database ({first}); close other programs using it, or pass "
            "another --db"
        )
    first = (str(error).strip().splitlines() or [""])[0]
    if "different configuration" in first or "already attached" in first:
        return InputError(
            f"{db}: the database is already open in this program in another mode ({first}); "
            "this is a fault in vawg-insight: please report it"
        )
    return InputError(f"{db}: not a vawg database ({first}); pass another --db")
