"""Stage one input file: read it as text, check every row, split clean rows from quarantine.

Staging happens in temporary tables of the caller's DuckDB connection; :mod:`vawg.store` then
moves the clean rows into the database inside its transaction. Checks that need the database
(a key already loaded from another file, an involvement pointing at an unknown crime) read the
database's tables of the same name, as they stand inside that transaction.

Line numbers: the header is line 1 and each record one line (a quoted value spanning lines shifts
later numbers). Rows DuckDB's CSV reader cannot split into the header's columns are quarantined
with the physical line it reports. For Parquet, "line" is the 1-based row number.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import duckdb

from vawg.errors import InputError
from vawg.ingest.checks import checked_select, sql_literal
from vawg.ingest.files import InputFile
from vawg.schema import Table

__all__ = ["StagedFile", "stage"]

_names = count()


@dataclass(frozen=True)
class StagedFile:
    """A checked file: temporary tables of clean rows and of quarantine records, and counts."""

    file: InputFile
    clean: str  # temp table: the table's columns + _line (+ an empty _errors)
    quarantine: str  # temp table: line, column, value, reason
    read: int
    loaded: int
    quarantined: int


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: duckdb.Error) -> str:
    return str(error).strip().splitlines()[0]


def _read_raw(con: duckdb.DuckDBPyConnection, file: InputFile, raw: str, rejects: str) -> None:
    """Create ``raw`` (every header as VARCHAR + ``_line``) and ``rejects`` (unsplittable lines)."""
    path = sql_literal(str(file.path))
    if file.format == "parquet":
        cols = ", ".join(f"CAST({_ident(h)} AS VARCHAR) AS {_ident(h)}" for h in file.headers)
        try:
            con.execute(
                f"CREATE TEMP TABLE {raw}_ordered AS SELECT "
                f"CAST(file_row_number + 1 AS BIGINT) AS _line, {cols} "
                f"FROM read_parquet({path}, file_row_number = true)"
            )
        except duckdb.Error as error:
            raise InputError(
                f"{file.path}: not a readable Parquet file ({_first_line(error)}); re-export it, "
                "or save it as CSV"
            ) from None
        con.execute(
            f"CREATE TEMP TABLE {rejects} (line BIGINT, csv_line VARCHAR, error_message VARCHAR)"
        )
        con.execute(f"CREATE TEMP VIEW {raw} AS SELECT * FROM {raw}_ordered")
        return
    columns = "{" + ", ".join(f"{sql_literal(h)}: 'VARCHAR'" for h in file.headers) + "}"
    errors, scans = f"{raw}_errors", f"{raw}_scans"
    try:
        con.execute(
            f"CREATE TEMP TABLE {raw}_ordered AS SELECT row_number() OVER () AS _ord, * "
            f"FROM read_csv({path}, header = true, auto_detect = false, delim = ',', "
            f"quote = '\"', escape = '\"', columns = {columns}, store_rejects = true, "
            f"rejects_table = '{errors}', rejects_scan = '{scans}', strict_mode = true, "
            f"encoding = 'utf-8')"
        )
    except duckdb.Error as error:
        # Strict CSV reading stops (it does not reject a line) at a carriage return inside an
        # unquoted value and at mixed line endings: refuse the file in one line, not a traceback.
        raise InputError(
            f"{file.path}: cannot be split into CSV rows ({_first_line(error)}); a line break "
            "inside an unquoted value or mixed line endings (\\r\\n and \\n) are the usual "
            "causes: re-save it as CSV (UTF-8) with values that hold line breaks in quotes"
        ) from None
    # DuckDB can report one error per missing column of the same line: keep one per line.
    con.execute(
        f"CREATE TEMP TABLE {rejects} AS SELECT CAST(line AS BIGINT) AS line, "
        f"arg_min(csv_line, coalesce(column_idx, 0)) AS csv_line, "
        f"arg_min(error_message, coalesce(column_idx, 0)) AS error_message "
        f"FROM {errors} GROUP BY line ORDER BY line"
    )
    # A good row's line: its ordinal + 1 (header) + the rejected lines before it. Reject i
    # (1-based, by line) has line - 1 - i good rows before it; consecutive rejects share that
    # count, so each count keeps its last (highest) i. With no rejects, the line is ordinal + 1.
    row = con.execute(f"SELECT count(*) FROM {rejects}").fetchone()
    if row is None or row[0] == 0:
        con.execute(
            f"CREATE TEMP VIEW {raw} AS SELECT CAST(_ord + 1 AS BIGINT) AS _line, "
            f"* EXCLUDE (_ord) FROM {raw}_ordered"
        )
    else:
        # The good row just after a run of rejects is the one with ordinal goods_before + 1;
        # a running maximum carries its count to the rows that follow. (An ASOF join said the
        # same, but on tables made in the open transaction DuckDB planned it to take a minute
        # for 2M rows and 2k rejects.) Only ordinals are joined; the text joins back on them.
        con.execute(
            f"CREATE TEMP TABLE {raw}_lines AS "
            f"WITH r AS (SELECT goods_before, max(rank) AS rank FROM (SELECT line - 1 - "
            f"row_number() OVER (ORDER BY line) AS goods_before, row_number() OVER (ORDER BY "
            f"line) AS rank FROM {rejects}) GROUP BY goods_before) "
            f"SELECT o._ord, CAST(o._ord + 1 + coalesce(max(r.rank) OVER (ORDER BY o._ord "
            f"ROWS UNBOUNDED PRECEDING), 0) AS BIGINT) AS _line "
            f"FROM (SELECT _ord FROM {raw}_ordered) o LEFT JOIN r ON o._ord = r.goods_before + 1"
        )
        con.execute(
            f"CREATE TEMP VIEW {raw} AS SELECT l._line, o.* EXCLUDE (_ord) "
            f"FROM {raw}_ordered o JOIN {raw}_lines l USING (_ord)"
        )
    con.execute(f"DROP TABLE IF EXISTS {errors}")
    con.execute(f"DROP TABLE IF EXISTS {scans}")


def _flag_duplicates(con: duckdb.DuckDBPyConnection, table: Table, checked: str, name: str) -> None:
    key = table.key
    if key is None:
        return
    k = _ident(key.name)
    # Each UPDATE joins the whole file: run it only when a cheap count says it can find rows.
    within = con.execute(
        f"SELECT count({k}) > count(DISTINCT {k}) FROM {checked} WHERE len(_errors) = 0"
    ).fetchone()
    other = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM main.{_ident(table.name)} WHERE _file <> {sql_literal(name)})"
    ).fetchone()
    if within is not None and within[0]:
        _flag_repeats(con, key.name, checked)
    if other is not None and other[0]:
        _flag_loaded(con, table, key.name, checked, name)


def _flag_repeats(con: duckdb.DuckDBPyConnection, key: str, checked: str) -> None:
    k = _ident(key)
    con.execute(
        f"UPDATE {checked} SET _errors = list_append(_errors, {{'column': {sql_literal(key)}, "
        f"'value': CAST(d.{k} AS VARCHAR), 'reason': 'duplicate {key}: first at line ' || d.first}}) "
        f"FROM (SELECT _line, {k}, min(_line) OVER (PARTITION BY {k}) AS first FROM {checked} "
        f"WHERE len(_errors) = 0 AND {k} IS NOT NULL) d "
        f"WHERE {checked}._line = d._line AND d._line > d.first"
    )


def _flag_loaded(
    con: duckdb.DuckDBPyConnection, table: Table, key: str, checked: str, name: str
) -> None:
    k = _ident(key)
    con.execute(
        f"UPDATE {checked} SET _errors = list_append(_errors, {{'column': {sql_literal(key)}, "
        f"'value': CAST(d.{k} AS VARCHAR), 'reason': 'duplicate {key}: already loaded from ' || d._file}}) "
        f"FROM (SELECT {k}, any_value(_file) AS _file FROM main.{_ident(table.name)} "
        f"WHERE _file <> {sql_literal(name)} GROUP BY {k}) d "
        f"WHERE {checked}.{k} = d.{k} AND len({checked}._errors) = 0"
    )


def _flag_orphans(con: duckdb.DuckDBPyConnection, table: Table, checked: str) -> None:
    for ref in table.references:
        c, target = _ident(ref.column), _ident(ref.target)
        con.execute(
            f"UPDATE {checked} SET _errors = list_append(_errors, {{'column': {sql_literal(ref.column)}, "
            f"'value': CAST({c} AS VARCHAR), 'reason': "
            f"{sql_literal(f'{ref.column} not found in {ref.table}')}}}) "
            f"WHERE {c} IS NOT NULL AND {c} NOT IN (SELECT {target} FROM main.{_ident(ref.table)} "
            f"WHERE {target} IS NOT NULL)"
            + (f" AND EXISTS (SELECT 1 FROM main.{_ident(ref.table)})" if ref.when_loaded else "")
        )


def stage(con: duckdb.DuckDBPyConnection, file: InputFile) -> StagedFile:
    """Read and check ``file``; return its staged clean rows and quarantine records."""
    n = next(_names)
    raw, rejects = f"_raw_{n}", f"_rejects_{n}"
    checked, quarantine = f"_checked_{n}", f"_quarantine_{n}"
    _read_raw(con, file, raw, rejects)
    con.execute(f"CREATE TEMP TABLE {checked} AS {checked_select(file.table, file.headers, raw)}")
    con.execute(f"DROP VIEW {raw}")
    con.execute(f"DROP TABLE IF EXISTS {raw}_lines")
    con.execute(f"DROP TABLE {raw}_ordered")
    _flag_duplicates(con, file.table, checked, file.name)
    _flag_orphans(con, file.table, checked)
    con.execute(
        f"CREATE TEMP TABLE {quarantine} AS "
        f"SELECT _line AS line, e.column AS column_name, e.value AS value, e.reason AS reason "
        f"FROM (SELECT _line, unnest(_errors) AS e FROM {checked} WHERE len(_errors) > 0) "
        f"UNION ALL SELECT line, '(row)', left(csv_line, 200), "
        f"error_message FROM {rejects} "
        f"ORDER BY line, column_name"
    )
    counts = con.execute(
        f"SELECT count(*) FILTER (WHERE len(_errors) = 0), count(*) FILTER (WHERE len(_errors) > 0) "
        f"FROM {checked}"
    ).fetchone()
    rejected = con.execute(f"SELECT count(DISTINCT line) FROM {rejects}").fetchone()
    assert counts is not None and rejected is not None
    # The checked table becomes the clean one (no copy): drop its quarantined rows.
    if counts[1]:
        con.execute(f"DELETE FROM {checked} WHERE len(_errors) > 0")
    con.execute(f"DROP TABLE {rejects}")
    loaded, bad = int(counts[0]), int(counts[1]) + int(rejected[0])
    return StagedFile(file, checked, quarantine, loaded + bad, loaded, bad)
