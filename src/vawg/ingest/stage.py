"""Stage one input file: read and check every record, then the rules that span rows and tables.

Staging happens in temporary tables of the caller's DuckDB connection, set-based: the contract's
checks are one query over the file (:func:`read_file`, run before the load's transaction
begins), repeated keys one query over the keys that repeat, references one anti-join per
reference, and the quarantine records come out of the same tables. :func:`stage` runs inside
the store's transaction, and :mod:`vawg.deliveries` then applies the clean rows to the
database. Checks that need the database (an involvement pointing at an unknown crime, a key
another file of the same delivery already holds) read the database's tables as they stand
inside that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import duckdb
import pyarrow as pa

from vawg.ingest.checks import ident, sql_literal
from vawg.ingest.files import InputFile
from vawg.ingest.read import ReadFile, read_checked
from vawg.schema import Table

__all__ = ["StagedFile", "read_file", "stage"]

_names = count()


@dataclass(frozen=True)
class StagedFile:
    """A checked file: its rows (clean and not), its quarantine records, and counts.

    ``rows`` is a view of every record read, typed, with ``_errors`` (NULL when clean),
    ``_line`` and ``_last_line``; ``clean`` selects the loadable ones. ``unreadable`` counts the
    records that could not be read at all (their keys are unknown).
    """

    file: InputFile
    rows: str
    quarantine: str  # temp table: line, last_line, column_name, value, reason
    read: int
    loaded: int
    quarantined: int
    unreadable: int
    reader: str  # "fast", "recovered" or "parquet"
    checked: str  # the rows as read and checked, before the rules across rows and tables
    # When the later rules quarantined rows: a variable with a bit per row, set for every row
    # quarantined (for a value, or by those rules).
    later: str | None
    first_rid: int = 0  # the row id of that variable's first bit

    @property
    def clean(self) -> str:
        """SQL relation of the rows that load: the table's columns and ``_line``.

        The rows as read with no error; when the later rules quarantined rows, those whose bit
        in :attr:`later` is not set (it marks every quarantined row, so one test a row), a
        filter on the row alone. (Leaving the later ones out by a join put the rows' insert on
        one core: 0.95 s against 0.6 s for 1M crimes with 1% broken rows.)
        """
        keep = (
            f"get_bit(getvariable('{self.later}'), CAST(_rid - {self.first_rid} AS INTEGER)) = 0"
            if self.later
            else "_errors IS NULL"
        )
        return f"(SELECT * EXCLUDE (_rid, _errors, _last_line) FROM {self.checked} WHERE {keep})"

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop the staging tables."""
        base = self.rows.removesuffix("_all")
        con.execute(f"DROP VIEW IF EXISTS {self.rows}")
        con.execute(f"DROP VIEW IF EXISTS {base}_rows")
        if self.later:
            con.execute(f"RESET VARIABLE {self.later}")
        for part in ("", "_lines", "_extra", "_quarantine"):
            con.execute(f"DROP TABLE IF EXISTS {base}{part}")


def _error_rows(column: str, value: str, reason: str) -> str:
    return f"{sql_literal(column)}, CAST({value} AS VARCHAR), {reason}"


def _flag_repeats(con: duckdb.DuckDBPyConnection, table: Table, rows: str, extra: str) -> None:
    """A key repeated within the file: the first row loads, later ones are quarantined."""
    key = table.key
    if key is None:
        return
    k = ident(key.name)
    # The few repeated keys first, then their rows: a window over every row cost 0.1 s a
    # million rows, and the keys' one aggregate costs less than counting them distinct.
    repeated = f"{extra}_keys"
    con.execute(
        f"CREATE TEMP TABLE {repeated} AS SELECT {k} AS k, min(_line) AS first FROM {rows} "
        f"WHERE _errors IS NULL AND {k} IS NOT NULL GROUP BY {k} HAVING count(*) > 1"
    )
    reason = f"'duplicate {key.name}: first at line ' || p.first"
    con.execute(
        f"INSERT INTO {extra} SELECT r._rid, {_error_rows(key.name, f'r.{k}', reason)} "
        f"FROM {rows} r JOIN {repeated} p ON r.{k} = p.k "
        f"WHERE r._errors IS NULL AND r._line > p.first"
    )
    con.execute(f"DROP TABLE {repeated}")


def _flag_delivered(
    con: duckdb.DuckDBPyConnection, table: Table, rows: str, extra: str, held: str
) -> None:
    """A key another file of this delivery holds (``held``): one delivery, one version of a row."""
    key = table.key
    if key is None:
        return
    k = ident(key.name)
    reason = sql_literal(f"duplicate {key.name}: another file of this delivery has it")
    con.execute(
        f"INSERT INTO {extra} SELECT _rid, {_error_rows(key.name, k, reason)} FROM {rows} "
        f"WHERE _errors IS NULL AND _rid NOT IN (SELECT _rid FROM {extra}) "
        f"AND CAST({k} AS VARCHAR) IN (SELECT g FROM {held})"
    )


def _flag_orphans(con: duckdb.DuckDBPyConnection, table: Table, rows: str, extra: str) -> None:
    """A value that must exist in another table and does not."""
    for ref in table.references:
        c, target, other = ident(ref.column), ident(ref.target), ident(ref.table)
        if ref.when_loaded:
            loaded = con.execute(f"SELECT EXISTS (SELECT 1 FROM {other})").fetchone()
            if loaded is None or not loaded[0]:
                continue
        reason = sql_literal(f"{ref.column} not found in {ref.table}")
        con.execute(
            f"INSERT INTO {extra} SELECT _rid, {_error_rows(ref.column, c, reason)} FROM {rows} "
            f"WHERE {c} IS NOT NULL AND {c} NOT IN "
            f"(SELECT {target} FROM {other} WHERE {target} IS NOT NULL)"
        )


def _with_extra(con: duckdb.DuckDBPyConnection, read: str, extra: str, rows: str) -> bool:
    """``rows``: the read rows with the errors found after reading added to ``_errors``.

    Whether there were such errors. (A LIST column cannot be updated in place: DuckDB would
    move the row, and rows must stay in file order for their line numbers. So later errors
    live in their own table.)
    """
    found = con.execute(f"SELECT count(*) FROM {extra}").fetchone()
    if found is None or not found[0]:
        con.execute(f"CREATE TEMP VIEW {rows} AS SELECT * FROM {read}")
        return False
    con.execute(
        f"CREATE TEMP VIEW {rows} AS SELECT r.* REPLACE (CASE WHEN e._rid IS NULL THEN r._errors "
        f"ELSE list_concat(coalesce(r._errors, []), e.errors) END AS _errors) FROM {read} r "
        f"LEFT JOIN (SELECT _rid, list({{'column': column_name, 'value': value, "
        f"'reason': reason}}) AS errors FROM {extra} GROUP BY _rid) e USING (_rid)"
    )
    return True


def _mark_later(con: duckdb.DuckDBPyConnection, checked: str, extra: str) -> int:
    """Set the variable ``extra`` to a bitstring with a bit for each row of ``checked``, set
    for the rows with errors and those in the table ``extra`` (by ``_rid``); the row id of its
    first bit.

    A row's bit is its row id less the first (row ids are positions outside a transaction,
    and start near 2^55 inside one; either way they run without gaps, so the bitstring has
    one bit a row).
    """
    span = con.execute(f"SELECT min(rowid), max(rowid) FROM {checked}").fetchone()
    assert span is not None and span[0] is not None  # there are rows: some were quarantined
    first, last = int(span[0]), int(span[1])
    con.execute(
        f"SET VARIABLE {extra} = (SELECT bitstring_agg(_rid, {first}, {last}) FROM "
        f"(SELECT _rid FROM {extra} UNION SELECT rowid FROM {checked} WHERE _errors IS NOT NULL))"
    )
    return first


def read_file(con: duckdb.DuckDBPyConnection, file: InputFile, *, fast: bool = True) -> ReadFile:
    """Read and check every value of ``file`` into temporary tables, ready for :func:`stage`.

    Reads outside the load's transaction (see :func:`vawg.ingest.read.read_checked`), so a
    delivery's files are read before it begins. ``fast``: try DuckDB's reader on the file
    itself first.
    """
    return read_checked(con, file, f"_staged_{next(_names)}", fast=fast)


def stage(con: duckdb.DuckDBPyConnection, read: ReadFile, *, held: str | None = None) -> StagedFile:
    """Check the rules across rows and tables of a ``read`` file; its staged rows and quarantine.

    ``held``: a temp table ``(g)`` of the keys earlier files of the same delivery and kind
    hold, when there were such files; a key found there is quarantined as a duplicate.
    """
    file, base = read.file, read.name
    quarantine, extra, rows = f"{base}_quarantine", f"{base}_extra", f"{base}_all"
    con.execute(
        f"CREATE TEMP TABLE {extra} (_rid BIGINT, column_name VARCHAR, value VARCHAR, "
        "reason VARCHAR)"
    )
    _flag_repeats(con, file.table, read.rows, extra)
    if held is not None:
        _flag_delivered(con, file.table, read.rows, extra, held)
    _flag_orphans(con, file.table, read.rows, extra)
    later = _with_extra(con, read.rows, extra, rows)
    first_rid = _mark_later(con, base, extra) if later else 0
    con.execute(
        f"CREATE TEMP TABLE {quarantine} AS SELECT _line AS line, _last_line AS last_line, "
        f"e.column AS column_name, e.value AS value, e.reason AS reason "
        f"FROM (SELECT _line, _last_line, unnest(_errors) AS e FROM {rows} "
        f"WHERE _errors IS NOT NULL)"
    )
    if read.unreadable:
        records = pa.table(
            {
                "line": [u.line for u in read.unreadable],
                "last_line": [u.last_line for u in read.unreadable],
                "column_name": ["(row)"] * len(read.unreadable),
                "value": [u.value for u in read.unreadable],
                "reason": [u.reason for u in read.unreadable],
            }
        )
        con.register(f"{quarantine}_arrow", records)
        con.execute(f"INSERT INTO {quarantine} SELECT * FROM {quarantine}_arrow")
        con.unregister(f"{quarantine}_arrow")
    total = con.execute(f"SELECT count(*) FROM {base}").fetchone()
    assert total is not None
    # Every quarantined row: the bits already mark them when the later rules found some.
    bad_rows = con.execute(
        f"SELECT bit_count(getvariable('{extra}'))"
        if later
        else f"SELECT count(*) FROM {base} WHERE _errors IS NOT NULL"
    ).fetchone()
    assert bad_rows is not None
    loaded = int(total[0]) - int(bad_rows[0])
    bad = int(bad_rows[0]) + len(read.unreadable)
    return StagedFile(
        file,
        rows,
        quarantine,
        loaded + bad,
        loaded,
        bad,
        len(read.unreadable),
        read.reader,
        read.rows,
        extra if later else None,
        first_rid,
    )
