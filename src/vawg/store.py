"""The embedded DuckDB database: open it (encrypted at rest), load deliveries atomically, report.

**One way in.** :func:`connect` is how every command, analysis and the dashboard opens the
database (:func:`vawg.query.connect` wraps it for ibis). It attaches the file as catalog
``vawg``; when the file is encrypted it needs the key, which comes from the ``VAWG_DB_KEY``
environment variable or the OS keyring (service ``vawg-insight``, user ``database``) and is
never written to disk or to a log. A missing or wrong key is one clear error. New databases are
encrypted whenever a key is available (see :mod:`vawg.keys` for why and how).

**Deliveries.** One :func:`load_paths` run is one delivery, loaded in one transaction: a crash or
Ctrl-C leaves the database as it was. Rows are identified by what they are (a crime by its
``crime_ref``), so a new month's folder updates the crimes it holds and keeps the others
(:mod:`vawg.deliveries`); ``replace=True`` says the delivery is a full extract and withdraws
what it does not hold. A file whose content (SHA-256) was loaded before is unchanged and not
read again, so loading is idempotent. After the files, :func:`_after_load` runs the post-load
steps — the one place for them — and last moves any row whose reference no longer resolves to
quarantine. The ``deliveries``, ``loads`` (one row per file of a delivery), ``quarantine`` and
``withdrawals`` tables keep the whole history.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import replace as replaced
from datetime import date, datetime
from pathlib import Path

import duckdb

from vawg.deliveries import Orphans, quarantine_orphans
from vawg.errors import InputError
from vawg.ingest import InputFile, ReadFile, discover
from vawg.ingest.checks import DUCKDB_TYPES, ident
from vawg.keys import KEY_VARIABLE, KEYRING_SERVICE, KEYRING_USER, attach, database_key
from vawg.loading import (
    FileLoad,
    LoadResult,
    Quarantine,
    load_files,
    read_ahead,
    record_delivery,
)
from vawg.schema import TABLES

__all__ = [
    "DEFAULT_DB",
    "POST_LOAD_STEPS",
    "Delivery",
    "FileLoad",
    "LoadResult",
    "LoadedFile",
    "Status",
    "connect",
    "deliveries",
    "is_encrypted",
    "load_paths",
    "status",
]

DEFAULT_DB = Path("vawg.duckdb")

_BOOKKEEPING = (
    "CREATE TABLE IF NOT EXISTS deliveries (delivery INTEGER, label VARCHAR, loaded_at TIMESTAMP, "
    "replace BOOLEAN, period_from DATE, period_to DATE, files INTEGER, read BIGINT, "
    "loaded BIGINT, quarantined BIGINT, added BIGINT, updated BIGINT, unchanged BIGINT, "
    "withdrawn BIGINT, orphaned BIGINT)",
    "CREATE TABLE IF NOT EXISTS loads (delivery INTEGER, file VARCHAR, name VARCHAR, "
    "kind VARCHAR, format VARCHAR, encoding VARCHAR, sha256 VARCHAR, loaded_at TIMESTAMP, "
    "read BIGINT, loaded BIGINT, quarantined BIGINT, added BIGINT, updated BIGINT, "
    "unchanged BIGINT, withdrawn BIGINT, period_from DATE, period_to DATE, reader VARCHAR)",
    "CREATE TABLE IF NOT EXISTS quarantine (delivery INTEGER, file VARCHAR, kind VARCHAR, "
    "line BIGINT, last_line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)",
    "CREATE TABLE IF NOT EXISTS withdrawals (delivery INTEGER, kind VARCHAR, identity VARCHAR, "
    "rows BIGINT)",
)

PostLoadStep = Callable[[duckdb.DuckDBPyConnection, int], tuple[str, ...]]
"""A step run after every load, inside its transaction: (connection, delivery) → notes."""

POST_LOAD_STEPS: tuple[tuple[str, PostLoadStep], ...] = ()
"""Steps run after the files of every delivery, in this order, before the reference check.

Each gets the open connection (tables unqualified, inside the load's transaction) and the
delivery's number, and returns notes for the load report. A step that raises rolls back the
whole load.
"""


def connect(
    db: Path = DEFAULT_DB, *, read_only: bool = False, key: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the database (creating its tables when writable); a clear error if it cannot.

    ``key``: the encryption key; by default ``VAWG_DB_KEY`` or the OS keyring. A new database
    is encrypted when there is a key.
    """
    if read_only and not db.exists():
        raise InputError(
            f"{db}: no database here; load data first with `vawg ingest PATH --db {db}`"
        )
    con = attach(db, read_only=read_only, key=key if key is not None else database_key())
    if not read_only:
        try:
            _create(con, db)
        except BaseException:
            con.close()
            raise
    return con


def is_encrypted(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database ``con`` has open is encrypted."""
    row = con.execute(
        "SELECT encrypted FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row and row[0])


def _create(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    old = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = 'loads' AND column_name = 'delivery'"
    ).fetchone()
    tables = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name = 'loads'"
    ).fetchone()
    if tables and tables[0] and old is not None and not old[0]:
        con.close()
        raise InputError(
            f"{db}: made by an earlier vawg without deliveries; load the data again into a new "
            "database (--db another.duckdb)"
        )
    for table in TABLES.values():
        columns = ", ".join(f"{ident(c.name)} {DUCKDB_TYPES[c.type]}" for c in table.columns)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {ident(table.name)} ({columns}, _file VARCHAR, "
            "_line BIGINT, _delivery INTEGER)"
        )
    for statement in _BOOKKEEPING:
        con.execute(statement)


def _after_load(
    con: duckdb.DuckDBPyConnection, delivery: int, changed: set[str]
) -> tuple[tuple[Orphans, ...], tuple[str, ...]]:
    """The one place where work runs after a delivery's files, inside its transaction.

    First :data:`POST_LOAD_STEPS` in order, then the reference check, always last: a row whose
    reference no longer resolves is moved to quarantine, so the database has no orphans.
    ``changed``: the tables whose stored rows the delivery updated or withdrew.
    """
    notes: list[str] = []
    for _, step in POST_LOAD_STEPS:
        notes += step(con, delivery)
    return quarantine_orphans(con, delivery, changed), tuple(notes)


def load_paths(
    paths: list[Path],
    db: Path = DEFAULT_DB,
    *,
    kind: str | None = None,
    encoding: str = "utf-8",
    replace: bool = False,
    label: str | None = None,
    max_quarantined: float = 1.0,
    require_encryption: bool = False,
    key: str | None = None,
    on_file: Callable[[InputFile], None] | None = None,
    on_files: Callable[[list[InputFile]], None] | None = None,
) -> LoadResult:
    """Load every input file under ``paths`` into ``db`` as one delivery, in one transaction.

    Every file is checked for usability first, so an unusable file stops the run before
    anything is written; finding no file to load is an error too. ``replace``: the delivery
    is a full extract of the tables it holds (rows it does not hold are withdrawn).
    ``label`` names the delivery (default: the names of ``paths``). A file with more than
    ``max_quarantined`` of its records quarantined is flagged. ``require_encryption`` refuses
    to put person-level tables into a database that is not encrypted. For progress display,
    ``on_files`` is called once with every file to load (in load order) and ``on_file`` as
    each file starts to be read (every file is read before the transaction begins).
    """
    if not 0 <= max_quarantined <= 1:
        raise InputError(f"max_quarantined {max_quarantined}: give a share between 0 and 1")
    with ThreadPoolExecutor(1) as keyring:
        # Finding the OS keyring takes 0.1 s (its backends are plugins): look while the files
        # are scanned, which lets go of the interpreter.
        looked_up = keyring.submit(database_key) if key is None else None
        files, skipped = discover(paths, kind, encoding)
        key = looked_up.result() if looked_up is not None else key
    if not files:
        names = ", ".join(f"{p}.csv" for t in TABLES.values() for p in t.file_patterns)
        where = ", ".join(str(p) for p in paths) or "(no path given)"
        raise InputError(
            f"{where}: nothing to load; no file here is named as an input ({names}, or "
            ".parquet); name the files so, or pass the file with --kind"
        )
    if on_files is not None:
        on_files(files)
    personal = sorted({f.table.name for f in files if f.table.confidential})
    if require_encryption and personal and not _will_be_encrypted(db, key):
        raise InputError(
            f"{db}: not encrypted, and {', '.join(personal)} hold person-level data; set "
            f"{KEY_VARIABLE} (or store a key in the OS keyring: keyring set {KEYRING_SERVICE} "
            f"{KEYRING_USER}) for a new database, or pass --unencrypted (e.g. for synthetic data)"
        )
    con = connect(db, key=key)
    try:
        encrypted = is_encrypted(con)
        reads = read_ahead(con, files, replace=replace, on_file=on_file)
        try:
            result = _load(con, files, reads, replace, max_quarantined, label or _label(paths))
        finally:
            for read in reads.values():
                read.drop(con)
    finally:
        con.close()
    return replaced(result, skipped=tuple(str(p) for p in skipped), encrypted=encrypted)


def _load(
    con: duckdb.DuckDBPyConnection,
    files: list[InputFile],
    reads: dict[str, ReadFile],
    replace: bool,
    max_quarantined: float,
    label: str,
) -> LoadResult:
    """The delivery's read files in one transaction: stage, apply, post-load steps, commit."""
    now = datetime.now().replace(microsecond=0)
    try:
        con.begin()
        run = load_files(
            con, files, reads, replace=replace, max_quarantined=max_quarantined, now=now
        )
        orphans, steps = _after_load(con, run.delivery, run.changed)
        changed = any(f.added or f.updated or f.withdrawn for f in run.loads)
        if run.seen_before and not (changed or run.withdrawn or orphans):
            con.rollback()  # nothing new: record nothing, so loading twice changes nothing
            unchanged = tuple(replaced(f, status="unchanged") for f in run.loads)
            return LoadResult(unchanged, (), Quarantine(), None, replace)
        record_delivery(con, run, label=label, now=now, replace=replace)
        # Column by column through Arrow: DuckDB's fetchall makes each value one at a time
        # (0.09 s for 10,000 records, against 0.01 s).
        quarantine = Quarantine.from_arrow(
            con.execute(
                "SELECT file, line, last_line, column_name, value, reason FROM quarantine "
                "WHERE delivery = ? ORDER BY file, line, column_name",
                [run.delivery],
            ).to_arrow_table()
        )
        con.commit()
    except BaseException:
        with suppress(duckdb.Error):
            con.rollback()
        raise
    return LoadResult(
        tuple(run.loads),
        (),
        quarantine,
        run.delivery,
        replace,
        run.withdrawn,
        orphans,
        (*run.notes, *steps),
    )


def _will_be_encrypted(db: Path, key: str | None) -> bool:
    """Whether ``db`` is (or, being new, will be) encrypted."""
    if not db.exists():
        return key is not None
    con = connect(db, read_only=True, key=key)
    try:
        return is_encrypted(con)
    finally:
        con.close()


def _label(paths: list[Path]) -> str:
    return " + ".join(p.name or str(p) for p in paths)


@dataclass(frozen=True)
class LoadedFile:
    """One file of a delivery, as the ``loads`` table records it."""

    file: str
    name: str
    kind: str
    sha256: str
    read: int
    loaded: int
    quarantined: int
    added: int
    updated: int
    unchanged: int
    withdrawn: int
    period_from: date | None
    period_to: date | None


@dataclass(frozen=True)
class Delivery:
    """One delivery, as the ``deliveries`` table records it, with its files."""

    delivery: int
    label: str
    loaded_at: datetime
    replace: bool
    period_from: date | None
    period_to: date | None
    read: int
    loaded: int
    quarantined: int
    added: int
    updated: int
    unchanged: int
    withdrawn: int
    orphaned: int
    files: tuple[LoadedFile, ...]


def deliveries(con: duckdb.DuckDBPyConnection) -> tuple[Delivery, ...]:
    """Every delivery the open database holds, oldest first, with its files."""
    files: dict[int, list[LoadedFile]] = {}
    for number, *row in con.execute(
        "SELECT delivery, file, name, kind, sha256, read, loaded, quarantined, added, updated, "
        "unchanged, withdrawn, period_from, period_to FROM loads ORDER BY delivery, kind, file"
    ).fetchall():
        files.setdefault(int(number), []).append(LoadedFile(*row))
    return tuple(
        Delivery(*row[:14], files=tuple(files.get(int(row[0]), ())))  # type: ignore[misc]
        for row in con.execute(
            "SELECT delivery, label, loaded_at, replace, period_from, period_to, read, loaded, "
            "quarantined, added, updated, unchanged, withdrawn, orphaned FROM deliveries "
            "ORDER BY delivery"
        ).fetchall()
    )


@dataclass(frozen=True)
class Status:
    """What a database holds: its deliveries (oldest first) and whether it is encrypted."""

    deliveries: tuple[Delivery, ...]
    encrypted: bool


def status(db: Path = DEFAULT_DB) -> Status:
    """The deliveries loaded into ``db`` and their files."""
    con = connect(db, read_only=True)
    try:
        return Status(deliveries(con), is_encrypted(con))
    except duckdb.CatalogException:
        raise InputError(f"{db}: not a vawg database; pass another --db") from None
    finally:
        con.close()
