"""Read one input file into a checked table: fast when the file is sound, small losses when not.

Design: **a fast path, proved exact by counting lines, and a recovery path only when it is not.**

1. The file's bytes were hashed and their line breaks counted in one streaming pass when the
   file was found (:func:`vawg.ingest.lines.scan`).
2. DuckDB's parallel CSV reader reads it in strict mode, every value as text, straight into the
   contract's checks (:mod:`vawg.ingest.checks`): one query, one temporary table, no Python per
   row. Records DuckDB cannot split (too few or too many fields, a bad byte, text after a
   closing quote) go to its rejects table with the byte offset of their record.
3. If DuckDB rejected nothing and every record sat on exactly one physical line — records + 1
   == lines, and no stray carriage return — the fast result is exact: a record's line is its
   position plus the header. (After a reject DuckDB may resume inside the damaged line, so a
   file with any rejected record always takes step 4.) This is the usual case, and
   costs nothing more than the count.
4. Otherwise something spanned lines: a quote that never closed (DuckDB then swallows the rest
   of the file into one record), a value holding line breaks, blank lines, a bare CR, mixed
   line endings. Then :func:`vawg.ingest.lines.split_records` re-reads the bytes with numpy,
   skips just the lines that cannot be a record, and hands DuckDB a clean copy with each
   record's physical line range; DuckDB reads that copy exactly as in step 2.

So a 1M-row file pays one DuckDB read for its checks, and a damaged one a vectorised byte scan
and a second read — never a Python loop over its rows. Files in another encoding
(``--encoding cp1252``) are transcoded to UTF-8 on the fly by Python's codecs (C speed,
streaming) into a private temporary file; a byte the encoding does not define stays a bad
byte, so it costs its record like any other. (DuckDB's ``encodings`` extension does the same
inside DuckDB but ships a 350 MB binary for code pages Python already has.)

Line numbers are physical lines as an editor shows them (see :mod:`vawg.ingest.lines`); for
Parquet, "line" is the 1-based row number.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from vawg.errors import InputError
from vawg.ingest.checks import checked_select, ident, sql_literal, stored_types
from vawg.ingest.files import InputFile
from vawg.ingest.lines import split_records

__all__ = ["FastReadFailed", "ReadFile", "Unreadable", "read_checked"]

_VALUE_CHARS = 200


class FastReadFailed(Exception):
    """DuckDB's fast read stopped on a file (and aborted the open transaction with it).

    The store rolls back and loads the delivery again, reading this file by the recovery path
    from the start. Pre-checks (a bare CR, mixed line endings) make this rare.
    """

    def __init__(self, file: InputFile) -> None:
        super().__init__(str(file.path))
        self.file = file


@dataclass(frozen=True)
class Unreadable:
    """A record that could not be read as CSV: its physical lines, its text and why."""

    line: int
    last_line: int
    value: str
    reason: str


@dataclass(frozen=True)
class ReadFile:
    """What :func:`read_checked` made: the checked rows' relation, unreadable records, path."""

    file: InputFile
    name: str  # the temporary table of the checked rows; the view below is ``name``_rows
    rows: str  # view: _rid, typed columns, _errors, _line, _last_line
    unreadable: tuple[Unreadable, ...]
    reader: str  # "fast", "recovered" or "parquet", for the record

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop what the read made (after its file is staged and applied, or not needed)."""
        con.execute(f"DROP VIEW IF EXISTS {self.rows}")
        con.execute(f"DROP TABLE IF EXISTS {self.name}_lines")
        con.execute(f"DROP TABLE IF EXISTS {self.name}")


def _first_line(error: duckdb.Error) -> str:
    return str(error).strip().splitlines()[0]


def _csv_source(file: InputFile, path: Path, rejects: str) -> str:
    columns = "{" + ", ".join(f"{sql_literal(h)}: 'VARCHAR'" for h in file.headers) + "}"
    return (
        f"read_csv({sql_literal(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {columns}, strict_mode = true, "
        f"store_rejects = true, rejects_table = '{rejects}', "
        f"rejects_scan = '{rejects}_scan', encoding = 'utf-8')"
    )


@dataclass(frozen=True)
class _Reject:
    """A record DuckDB could not split or decode: its record number (header = 1) and why."""

    record: int
    error_at: int  # byte offset of the error
    kind: str
    message: str
    text: str


def _read(
    con: duckdb.DuckDBPyConnection, file: InputFile, path: Path, checked: str, rejects: str
) -> tuple[int, list[_Reject]]:
    """Read ``path`` into ``checked``; (rows read, the records DuckDB rejected)."""
    source = _csv_source(file, path, rejects)
    con.execute(
        f"CREATE TEMP TABLE {checked} AS {checked_select(file.table, file.headers, source)}"
    )
    # DuckDB can report one error per missing column of the same record: keep the first.
    found = con.execute(
        f"SELECT CAST(line AS BIGINT), arg_min(CAST(byte_position AS BIGINT), coalesce(column_idx, 0)), "
        f"arg_min(error_type::VARCHAR, coalesce(column_idx, 0)), "
        f"arg_min(error_message, coalesce(column_idx, 0)), arg_min(csv_line, coalesce(column_idx, 0)) "
        f"FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall()
    good = con.execute(f"SELECT count(*) FROM {checked}").fetchone()
    con.execute(f"DROP TABLE IF EXISTS {rejects}")
    con.execute(f"DROP TABLE IF EXISTS {rejects}_scan")
    assert good is not None
    return int(good[0]), [
        _Reject(int(a), int(b), str(c), str(d), str(e)) for a, b, c, d, e in found
    ]


_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _reason(error_type: str, message: str, encoding: str) -> str:
    """A reject's reason in words a supplier can act on."""
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        counted = _COLUMNS.search(message)
        if counted:
            expected, found = counted.groups()
            return f"{found} values where the header has {expected} columns"
    if error_type == "UNQUOTED VALUE":
        return (
            "a quoted value is followed by more text before the next comma (a quote inside a "
            'value must be written twice: "")'
        )
    if error_type == "INVALID ENCODING":
        if encoding == "utf-8":
            return (
                "not UTF-8 text (a Windows-1252 or Latin-1 byte?); if the whole file is "
                "Windows-1252, load it with --encoding cp1252"
            )
        return f"holds a byte that is not {encoding} text"
    return _first_line_text(message)


def _first_line_text(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "cannot be read as CSV"


def _text(path: Path, reject: _Reject) -> str:
    """The rejected record's text as written, to show in quarantine (bad bytes escaped).

    DuckDB shows a byte it cannot decode as ``?``; for those records the physical line around
    the bad byte is read from the file instead.
    """
    if reject.kind != "INVALID ENCODING":
        return reject.text[:_VALUE_CHARS]
    start = max(reject.error_at - 4096, 0)
    with path.open("rb") as handle:
        handle.seek(start)
        window = handle.read(8192)
    at = reject.error_at - start
    begin = window.rfind(b"\n", 0, at) + 1
    end = window.find(b"\n", at)
    line = window[begin : end if end >= 0 else len(window)].rstrip(b"\r")
    return line.decode("utf-8", "backslashreplace")[:_VALUE_CHARS]


def _rows_view(
    con: duckdb.DuckDBPyConnection,
    file: InputFile,
    checked: str,
    rows: str,
    count: int,
    first: np.ndarray | None,
    last: np.ndarray | None,
) -> None:
    """``rows``: ``checked`` with each row's physical lines (line = position + 2 when no map),
    in the database's types (:func:`~vawg.ingest.checks.stored_types`).

    ``checked`` holds the rows in file order, so a positional join lines them up with their
    positions or with ``first``/``last``. A table made outside a transaction has row ids 0, 1,
    2, … in that order, and then a row's position is its row id: reading rows through a
    positional join runs on one thread, and the rows' insert into the database took twice as
    long (1.1 s against 0.55 s for 1M crimes). Inside a transaction the row ids are not
    positions; the positional join is kept for that case.
    """
    types = stored_types(file.table)
    if first is None or last is None:
        if _row_ids_are_positions(con, checked, count):
            position = "c.rowid"
            source = f"{checked} c"
        else:
            position = "r.range"
            source = f"{checked} c POSITIONAL JOIN range({count}) r"
        con.execute(
            f"CREATE TEMP VIEW {rows} AS SELECT c.rowid AS _rid, c.* {types}, "
            f"CAST({position} + 2 AS BIGINT) AS _line, CAST({position} + 2 AS BIGINT) AS _last_line "
            f"FROM {source}"
        )
        return
    lines = f"{checked}_lines"
    table = pa.table({"_line": first.astype(np.int64), "_last_line": last.astype(np.int64)})
    con.register(f"{lines}_arrow", table)
    con.execute(f"CREATE TEMP TABLE {lines} AS SELECT * FROM {lines}_arrow")
    con.unregister(f"{lines}_arrow")
    con.execute(
        f"CREATE TEMP VIEW {rows} AS SELECT c.rowid AS _rid, c.* {types}, l._line, l._last_line "
        f"FROM {checked} c POSITIONAL JOIN {lines} l"
    )


def _row_ids_are_positions(con: duckdb.DuckDBPyConnection, table: str, count: int) -> bool:
    """Whether ``table``'s row ids run 0 to ``count`` - 1 (a table made and kept unchanged
    outside a transaction: row ids are then the rows' positions)."""
    if count == 0:
        return True
    row = con.execute(f"SELECT min(rowid), max(rowid), count(*) FROM {table}").fetchone()
    return row is not None and (row[0], row[1], row[2]) == (0, count - 1, count)


def _good(records: int, rejected: list[int]) -> np.ndarray:
    """Positions (0-based) of the records that were read, given the rejected positions."""
    return np.delete(np.arange(records, dtype=np.int64), np.asarray(rejected, dtype=np.int64))


@contextmanager
def _utf8(file: InputFile) -> Iterator[Path]:
    """The file as UTF-8 bytes: itself, or a private transcoded copy deleted afterwards."""
    if file.encoding == "utf-8":
        yield file.path
        return
    decoder = codecs.getincrementaldecoder(file.encoding)("surrogateescape")
    handle, name = tempfile.mkstemp(prefix="vawg-utf8-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out, file.path.open("rb") as source:
            for block in iter(lambda: source.read(1 << 22), b""):
                out.write(decoder.decode(block).encode("utf-8", "surrogateescape"))
            out.write(decoder.decode(b"", final=True).encode("utf-8", "surrogateescape"))
        yield Path(name)
    finally:
        with suppress(OSError):
            os.unlink(name)


def read_checked(
    con: duckdb.DuckDBPyConnection, file: InputFile, name: str, *, fast: bool = True
) -> ReadFile:
    """Read and type-check ``file`` into temp table ``name`` and view ``name``_rows.

    Call it outside a transaction: the rows are then read back on every core (see
    :func:`_rows_view`), and when DuckDB's fast read stops on some damage, the file is read
    again by the recovery path at once. Inside a transaction that stop aborts the
    transaction: then it raises :class:`FastReadFailed`, and the caller rolls back and reads
    the file with ``fast=False``.
    """
    rows = f"{name}_rows"
    if file.format == "parquet":
        _read_parquet(con, file, name, rows)
        return ReadFile(file, name, rows, (), "parquet")
    rejects = f"{name}_rejects"
    # DuckDB's strict reader stops at a bare CR and at mixed line endings: go straight to the
    # recovery path for those.
    fast = fast and file.scan.bare_cr == 0 and not file.scan.mixed
    with _utf8(file) as path:
        if fast:
            try:
                good, rejected = _read(con, file, path, name, rejects)
            except duckdb.Error:
                if _aborted(con):
                    raise FastReadFailed(file) from None
                for table in (rejects, f"{rejects}_scan"):
                    con.execute(f"DROP TABLE IF EXISTS {table}")
                good, rejected = -1, []
            # Trusted only when DuckDB rejected nothing: after a reject its reader may resume
            # inside the damaged line and read a quote there as opening a value that swallows
            # the next line, and the count of records can still match the count of lines.
            if not rejected and good + 1 == file.scan.lines:
                # One record per line: record i is on line i + 1.
                _rows_view(con, file, name, rows, good, None, None)
                return ReadFile(file, name, rows, (), "fast")
        con.execute(f"DROP TABLE IF EXISTS {name}")
        return _recover(con, file, path, name, rows, rejects)


def _aborted(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the failed read aborted ``con``'s transaction (only one opened by the caller)."""
    try:
        con.execute("SELECT 1")
    except duckdb.TransactionException:
        return True
    return False


def _recover(
    con: duckdb.DuckDBPyConnection, file: InputFile, path: Path, name: str, rows: str, rejects: str
) -> ReadFile:
    """Split the file into records with :func:`split_records` and read the clean copy."""
    try:
        split = split_records(path.read_bytes(), len(file.headers))
    except ValueError as error:
        raise InputError(f"{file.path}: {error}; fix the header row and load it again") from None
    handle, clean = tempfile.mkstemp(prefix="vawg-records-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(split.data)
        try:
            good, rejected = _read(con, file, Path(clean), name, rejects)
        except duckdb.Error as error:
            raise InputError(
                f"{file.path}: cannot be split into CSV rows ({_first_line(error)}); re-save "
                "it as CSV (UTF-8) and load it again"
            ) from None
        if good + len(rejected) != split.first_line.size:
            raise InputError(
                f"{file.path}: cannot be split into CSV rows the same way twice; re-save it as "
                "CSV (UTF-8) and load it again"
            )
        kept = _good(good + len(rejected), [r.record - 2 for r in rejected])
        _rows_view(con, file, name, rows, good, split.first_line[kept], split.last_line[kept])
        unreadable = [
            Unreadable(
                int(split.first_line[r.record - 2]),
                int(split.last_line[r.record - 2]),
                _text(Path(clean), r),
                _reason(r.kind, r.message, file.encoding),
            )
            for r in rejected
        ]
    finally:
        with suppress(OSError):
            os.unlink(clean)
    unreadable += [
        Unreadable(
            s.first_line,
            s.last_line,
            s.text.decode("utf-8", "backslashreplace")[:_VALUE_CHARS],
            s.reason,
        )
        for s in split.skipped
    ]
    unreadable.sort(key=lambda u: u.line)
    return ReadFile(file, name, rows, tuple(unreadable), "recovered")


def _read_parquet(con: duckdb.DuckDBPyConnection, file: InputFile, name: str, rows: str) -> None:
    path = sql_literal(str(file.path))
    cols = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS {ident(h)}" for h in file.headers)
    source = (
        f"(SELECT CAST(file_row_number + 1 AS BIGINT) AS _line, {cols} "
        f"FROM read_parquet({path}, file_row_number = true))"
    )
    try:
        con.execute(
            f"CREATE TEMP TABLE {name} AS "
            f"{checked_select(file.table, file.headers, source, carry=('_line',))}"
        )
    except duckdb.Error as error:
        raise InputError(
            f"{file.path}: not a readable Parquet file ({_first_line(error)}); re-export it, "
            "or save it as CSV"
        ) from None
    con.execute(
        f"CREATE TEMP VIEW {rows} AS SELECT rowid AS _rid, * {stored_types(file.table)}, "
        f"_line AS _last_line FROM {name}"
    )
