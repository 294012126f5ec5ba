"""The embedded DuckDB database: create it, load files into it atomically, open it for reading.

One load run is one transaction: a crash or Ctrl-C leaves the database as it was. Loading is
idempotent: a file already loaded with the same content (by SHA-256) changes nothing; a file
whose content changed replaces the rows it loaded before. The ``loads`` table records, per
file, its content hash, when it was loaded and its read/loaded/quarantined counts; the
``quarantine`` table keeps every rejected value with its file, line, column and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from vawg.errors import InputError
from vawg.ingest import InputFile, discover, file_notes, stage
from vawg.ingest.checks import DUCKDB_TYPES, sql_literal
from vawg.schema import TABLES

__all__ = ["DEFAULT_DB", "FileLoad", "LoadResult", "connect", "load_paths", "status"]

DEFAULT_DB = Path("vawg.duckdb")

_LOADS = (
    "CREATE TABLE IF NOT EXISTS loads (file VARCHAR PRIMARY KEY, kind VARCHAR, format VARCHAR, "
    "sha256 VARCHAR, loaded_at TIMESTAMP, read BIGINT, loaded BIGINT, quarantined BIGINT)"
)
_QUARANTINE = (
    "CREATE TABLE IF NOT EXISTS quarantine (file VARCHAR, kind VARCHAR, line BIGINT, "
    "column_name VARCHAR, value VARCHAR, reason VARCHAR)"
)


@dataclass(frozen=True)
class FileLoad:
    """What happened to one file: ``read == loaded + quarantined`` always holds."""

    file: str
    kind: str
    status: str  # loaded | replaced | unchanged
    read: int
    loaded: int
    quarantined: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadResult:
    """A whole load run: one :class:`FileLoad` per file, files skipped in folders, quarantine."""

    files: tuple[FileLoad, ...]
    skipped: tuple[str, ...]
    quarantine: tuple[
        tuple[str, int, str, str | None, str], ...
    ]  # file, line, column, value, reason

    @property
    def read(self) -> int:
        """Rows read across every file."""
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        """Rows loaded across every file."""
        return sum(f.loaded for f in self.files)

    @property
    def quarantined(self) -> int:
        """Rows quarantined across every file."""
        return sum(f.quarantined for f in self.files)


def connect(db: Path = DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database (creating its tables when writable); a clear error if it cannot."""
    if read_only and not db.exists():
        raise InputError(
            f"{db}: no database here; load data first with `vawg ingest PATH --db {db}`"
        )
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as error:
        raise InputError(
            f"{db}: cannot open the database ({str(error).splitlines()[0]}); "
            "close other programs using it, or pass another --db"
        ) from None
    except duckdb.Error:
        raise InputError(f"{db}: not a vawg database; pass another --db") from None
    if not read_only:
        _create(con)
    return con


def _create(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES.values():
        columns = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.type]}' for c in table.columns)
        con.execute(
            f'CREATE TABLE IF NOT EXISTS "{table.name}" ({columns}, _file VARCHAR, _line BIGINT)'
        )
    con.execute(_LOADS)
    con.execute(_QUARANTINE)


def _previous(con: duckdb.DuckDBPyConnection, file: InputFile) -> tuple[str | None, str | None]:
    """The hash this path was loaded with, and another path already loaded with this content."""
    same_path = con.execute("SELECT sha256 FROM loads WHERE file = ?", [file.name]).fetchone()
    same_content = con.execute(
        "SELECT file FROM loads WHERE sha256 = ? AND kind = ? AND file <> ?",
        [file.sha256, file.table.name, file.name],
    ).fetchone()
    return (same_path[0] if same_path else None, same_content[0] if same_content else None)


def _forget(con: duckdb.DuckDBPyConnection, file: InputFile) -> None:
    con.execute(f'DELETE FROM "{file.table.name}" WHERE _file = ?', [file.name])
    con.execute("DELETE FROM quarantine WHERE file = ?", [file.name])
    con.execute("DELETE FROM loads WHERE file = ?", [file.name])


def _load_one(con: duckdb.DuckDBPyConnection, file: InputFile, now: datetime) -> FileLoad:
    before, twin = _previous(con, file)
    if before == file.sha256 or (before is None and twin is not None):
        row = con.execute(
            "SELECT read, loaded, quarantined FROM loads WHERE file = ?", [twin or file.name]
        ).fetchone()
        assert row is not None
        notes: tuple[str, ...] = (f"same content as {twin}",) if twin and before is None else ()
        read, loaded, quarantined = (int(x) for x in row)
        return FileLoad(file.name, file.table.name, "unchanged", read, loaded, quarantined, notes)
    if before is not None:
        _forget(con, file)
    staged = stage(con, file)
    name = sql_literal(file.name)
    columns = ", ".join(f'"{c.name}"' for c in file.table.columns)
    con.execute(
        f'INSERT INTO "{file.table.name}" ({columns}, _file, _line) '
        f"SELECT {columns}, {name}, _line FROM {staged.clean}"
    )
    con.execute(
        f"INSERT INTO quarantine SELECT {name}, {sql_literal(file.table.name)}, line, column_name, "
        f"value, reason FROM {staged.quarantine}"
    )
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file.name,
            file.table.name,
            file.format,
            file.sha256,
            now,
            staged.read,
            staged.loaded,
            staged.quarantined,
        ],
    )
    found = file_notes(con, staged)
    con.execute(f"DROP TABLE {staged.clean}")
    con.execute(f"DROP TABLE {staged.quarantine}")
    status = "replaced" if before is not None else "loaded"
    return FileLoad(
        file.name, file.table.name, status, staged.read, staged.loaded, staged.quarantined, found
    )


def load_paths(
    paths: list[Path],
    db: Path = DEFAULT_DB,
    *,
    kind: str | None = None,
    on_file: Callable[[InputFile], None] | None = None,
    on_files: Callable[[list[InputFile]], None] | None = None,
) -> LoadResult:
    """Load every input file under ``paths`` into ``db`` in one transaction.

    Every file is checked for usability first, so an unusable file stops the run before
    anything is written. For progress display, ``on_files`` is called once with every file to
    load (in load order) and ``on_file`` as each file starts.
    """
    files, skipped = discover(paths, kind)
    if on_files is not None:
        on_files(files)
    con = connect(db)
    loads: list[FileLoad] = []
    now = datetime.now().replace(microsecond=0)
    try:
        con.begin()
        for file in files:
            if on_file is not None:
                on_file(file)
            loads.append(_load_one(con, file, now))
        fresh = [f.file for f in loads if f.status != "unchanged"]
        quarantine = con.execute(
            "SELECT file, line, column_name, value, reason FROM quarantine "
            "WHERE list_contains(?, file) ORDER BY file, line, column_name",
            [fresh],
        ).fetchall()
        con.commit()
    except BaseException:
        with suppress(duckdb.Error):
            con.rollback()
        raise
    finally:
        con.close()
    return LoadResult(tuple(loads), tuple(str(p) for p in skipped), tuple(quarantine))


def status(db: Path = DEFAULT_DB) -> list[tuple[str, str, str, int, int, int, str]]:
    """One row per loaded file: file, kind, loaded_at, read, loaded, quarantined, sha256 prefix."""
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT file, kind, strftime(loaded_at, '%Y-%m-%d %H:%M'), read, loaded, quarantined, "
            "left(sha256, 12) FROM loads ORDER BY kind, file"
        ).fetchall()
    except duckdb.CatalogException:
        raise InputError(f"{db}: not a vawg database; pass another --db") from None
    finally:
        con.close()
    return [
        (str(a), str(b), str(c), int(d), int(e), int(f), str(g)) for a, b, c, d, e, f, g in rows
    ]
