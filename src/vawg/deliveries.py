"""Apply a staged file to the database as part of a delivery, and keep references whole.

Forces send rolling extracts: each month a new folder, overlapping the last. So a row is
identified by what it is, never by the file or folder it came from:

- **Keyed tables** (``crimes`` by ``crime_ref``, ``people`` by ``person_id``, …): a delivered
  row is *added* (new key), *updated* (the key's values changed) or *unchanged*; keys the
  delivery does not mention are kept.
- **Grouped tables** (``involvements`` and ``cjs_events`` by ``crime_ref``): a crime's rows are
  the ones its latest delivery lists. Rows it no longer lists count as *withdrawn*. A delivery
  holding crimes.csv also re-delivers the involvements of every crime in it (possibly none).
- **Other tables** (police.uk's monthly files): the rows of a file name (``2019-01-kent-
  street.csv``) are replaced by those of the newly delivered file of that name.

Only when the user says a delivery is a full replacement (``--replace``) are rows it does not
mention *withdrawn*: keys, crimes' groups or file names absent from it. A replacing file that
had unreadable records withdraws nothing (which rows it holds is not known) and says so.

After every load, :func:`quarantine_orphans` moves rows whose reference no longer resolves
(an involvement of a withdrawn crime) to quarantine, with the reason, so no analysis meets an
orphan and nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from vawg.ingest import StagedFile
from vawg.ingest.checks import ident, sql_literal
from vawg.schema import TABLES, Table

__all__ = ["Changes", "Orphans", "apply", "present", "quarantine_orphans", "withdraw"]


@dataclass(frozen=True)
class Changes:
    """What one delivered file did to its table."""

    added: int
    updated: int
    unchanged: int
    withdrawn: int
    period: tuple[object, object]  # first and last date of the delivered rows (or None)


@dataclass(frozen=True)
class Orphans:
    """Rows moved to quarantine after a load because a reference no longer resolves."""

    table: str
    column: str
    target: str
    rows: int


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


def _same(table: Table, left: str, right: str) -> str:
    return " AND ".join(
        f"{left}.{ident(c.name)} IS NOT DISTINCT FROM {right}.{ident(c.name)}"
        for c in table.columns
    )


def _period(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> tuple[object, object]:
    column = staged.file.table.period
    if column is None:
        return (None, None)
    row = con.execute(
        f"SELECT min({ident(column)}), max({ident(column)}) FROM {staged.clean}"
    ).fetchone()
    return (row[0], row[1]) if row is not None else (None, None)


def _insert(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, delivery: int, where: str = ""
) -> int:
    table = staged.file.table
    columns = ", ".join(ident(c.name) for c in table.columns)
    return _one(
        con,
        f"INSERT INTO {ident(table.name)} ({columns}, _file, _line, _delivery) "
        f"SELECT {columns}, {sql_literal(staged.file.name)}, _line, {delivery} "
        f"FROM {staged.clean} s {where}",
    )


def present(table: Table) -> str:
    """Temp table of what this delivery holds of ``table``: keys, groups or file names."""
    return f"_present_{table.name}"


def _identity(table: Table) -> tuple[str, str]:
    """SQL of a row's identity in the database (alias ``m``) and in a staged file (``s``)."""
    if table.key is not None:
        k = ident(table.key.name)
        return f"m.{k}", f"s.{k}"
    if table.group is not None:
        g = ident(table.group)
        return f"m.{g}", f"s.{g}"
    return "parse_filename(m._file)", ""


def _remember(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> None:
    """Add what ``staged`` holds (any readable key, group or its file name) to ``present``."""
    table = staged.file.table
    held = present(table)
    column = table.key.name if table.key is not None else table.group
    if column is not None:
        c = ident(column)
        source = f"SELECT DISTINCT CAST({c} AS VARCHAR) FROM {staged.rows} WHERE {c} IS NOT NULL"
    else:
        source = f"SELECT {sql_literal(staged.file.path.name)}"
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {held} (g VARCHAR)")
    con.execute(f"INSERT INTO {held} {source} EXCEPT SELECT g FROM {held}")


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    return bool(_one(con, f"SELECT count(*) FROM (SELECT 1 FROM {relation} LIMIT 1)"))


def _apply_keyed(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, delivery: int
) -> tuple[int, int, int, int]:
    table = staged.file.table
    assert table.key is not None
    name, k = ident(table.name), ident(table.key.name)
    if not _exists(con, name):
        return _insert(con, staged, delivery), 0, 0, 0
    status = f"{staged.rows}_status"
    con.execute(
        f"CREATE TEMP TABLE {status} AS SELECT s.{k}, CASE WHEN m.{k} IS NULL THEN 0 "
        f"WHEN {_same(table, 's', 'm')} THEN 2 ELSE 1 END AS status "
        f"FROM {staged.clean} s LEFT JOIN {name} m ON s.{k} = m.{k}"
    )
    counts = con.execute(
        f"SELECT count(*) FILTER (WHERE status = 0), count(*) FILTER (WHERE status = 1), "
        f"count(*) FILTER (WHERE status = 2) FROM {status}"
    ).fetchone()
    assert counts is not None
    added, updated, unchanged = (int(x) for x in counts)
    if updated:
        con.execute(f"DELETE FROM {name} WHERE {k} IN (SELECT {k} FROM {status} WHERE status = 1)")
    if added or updated:
        _insert(
            con, staged, delivery, f"WHERE s.{k} IN (SELECT {k} FROM {status} WHERE status < 2)"
        )
    con.execute(f"DROP TABLE {status}")
    return added, updated, unchanged, 0


def _apply_grouped(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, delivery: int, groups: str | None
) -> tuple[int, int, int, int]:
    """Replace the rows of every group the file delivers (and of ``groups``, e.g. crimes).

    Rows are compared as a multiset (two identical police.uk rows are two rows): a delivered
    row matching a stored one of its group is unchanged, others are added, and stored rows of
    the group left unmatched are withdrawn. Groups an earlier file of this delivery already
    delivered are added to, not replaced.
    """
    table = staged.file.table
    name = ident(table.name)
    if not _exists(con, name):
        return _insert(con, staged, delivery), 0, 0, 0
    m, _ = _identity(table)
    if table.group is not None:
        g = ident(table.group)
        mine = f"SELECT CAST({g} AS VARCHAR) FROM {staged.rows} WHERE {g} IS NOT NULL"
    else:
        mine = f"SELECT {sql_literal(staged.file.path.name)}"
    if groups:
        mine += f" UNION SELECT g FROM {groups}"
    held = present(table)
    if _exists(con, f"duckdb_tables() WHERE table_name = {sql_literal(held)}"):
        mine = f"({mine}) EXCEPT SELECT g FROM {held}"
    columns = ", ".join(ident(c.name) for c in table.columns)
    base = f"{staged.rows}_apply"
    con.execute(f"CREATE TEMP TABLE {base}_groups AS {mine}")
    con.execute(
        f"CREATE TEMP TABLE {base}_old AS SELECT m.rowid AS _rid, {columns}, row_number() OVER "
        f"(PARTITION BY {columns} ORDER BY m.rowid) AS _occ FROM {name} m "
        f"WHERE CAST({m} AS VARCHAR) IN (SELECT * FROM {base}_groups)"
    )
    con.execute(
        f"CREATE TEMP TABLE {base}_new AS SELECT {columns}, _line, row_number() OVER "
        f"(PARTITION BY {columns} ORDER BY _line) AS _occ FROM {staged.clean}"
    )
    same = _same(table, "n", "o") + " AND n._occ = o._occ"
    matched = f"EXISTS (SELECT 1 FROM {base}_old o WHERE {same})"
    counts = con.execute(
        f"SELECT count(*) FILTER (WHERE {matched}), count(*) FROM {base}_new n"
    ).fetchone()
    assert counts is not None
    unchanged, total = int(counts[0]), int(counts[1])
    gone = (
        f"m.rowid IN (SELECT _rid FROM {base}_old o WHERE NOT EXISTS "
        f"(SELECT 1 FROM {base}_new n WHERE {same}))"
    )
    withdrawn = _one(con, f"SELECT count(*) FROM {name} m WHERE {gone}")
    if withdrawn:
        _record_withdrawals(con, delivery, table, m, gone)
        con.execute(f"DELETE FROM {name} m WHERE {gone}")
    if total > unchanged:
        con.execute(
            f"INSERT INTO {name} ({columns}, _file, _line, _delivery) "
            f"SELECT {columns}, {sql_literal(staged.file.name)}, _line, {delivery} "
            f"FROM {base}_new n WHERE NOT {matched}"
        )
    for part in ("groups", "old", "new"):
        con.execute(f"DROP TABLE {base}_{part}")
    return total - unchanged, 0, unchanged, withdrawn


def _record_withdrawals(
    con: duckdb.DuckDBPyConnection, delivery: int, table: Table, identity: str, where: str
) -> None:
    """Record (identity, rows) of the rows about to be withdrawn."""
    con.execute(
        f"INSERT INTO withdrawals SELECT {delivery}, {sql_literal(table.name)}, "
        f"CAST({identity} AS VARCHAR), count(*) FROM {ident(table.name)} m WHERE {where} "
        f"GROUP BY ALL"
    )


def apply(
    con: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    *,
    delivery: int,
    groups: str | None = None,
    remember: bool = False,
) -> Changes:
    """Apply ``staged``'s clean rows to its table as part of ``delivery``.

    ``groups``: for a grouped table, a SQL relation ``(g)`` of further groups this delivery
    re-delivers (the crime_refs of the delivery's crimes file). ``remember``: add what the file
    holds to :func:`present`, for later files of the delivery and for withdrawals.
    """
    table = staged.file.table
    if table.key is not None:
        counts = _apply_keyed(con, staged, delivery)
    else:
        counts = _apply_grouped(con, staged, delivery, groups if table.group else None)
    if remember:
        _remember(con, staged)
    return Changes(*counts, period=_period(con, staged))


def withdraw(
    con: duckdb.DuckDBPyConnection, table: Table, delivery: int, groups: str | None = None
) -> int:
    """Withdraw the rows of ``table`` this (replacing) delivery does not hold; how many.

    ``groups``: further groups the delivery holds (for involvements: its crimes).
    """
    m, _ = _identity(table)
    held = f"SELECT g FROM {present(table)}" + (f" UNION SELECT g FROM {groups}" if groups else "")
    where = f"CAST({m} AS VARCHAR) NOT IN ({held})"
    rows = _one(con, f"SELECT count(*) FROM {ident(table.name)} m WHERE {where}")
    if rows:
        _record_withdrawals(con, delivery, table, m, where)
        con.execute(f"DELETE FROM {ident(table.name)} m WHERE {where}")
    return rows


def quarantine_orphans(
    con: duckdb.DuckDBPyConnection, delivery: int, changed: set[str]
) -> tuple[Orphans, ...]:
    """Move every row whose reference does not resolve to quarantine; what was moved.

    ``changed``: tables whose existing rows this delivery updated or withdrew. Only references
    into them can have broken (new rows were checked against their targets when staged).
    """
    moved = []
    for table in TABLES.values():
        name = ident(table.name)
        for ref in table.references:
            c, target, other = ident(ref.column), ident(ref.target), ident(ref.table)
            if ref.table not in changed or not _exists(con, name):
                continue
            if ref.when_loaded and not _exists(con, other):
                continue
            where = (
                f"{c} IS NOT NULL AND {c} NOT IN (SELECT {target} FROM {other} "
                f"WHERE {target} IS NOT NULL)"
            )
            rows = _one(con, f"SELECT count(*) FROM {name} WHERE {where}")
            if not rows:
                continue
            reason = sql_literal(
                f"{ref.column} not found in {ref.table} after delivery {delivery} "
                "(withdrawn or replaced); the row was moved here from the database"
            )
            con.execute(
                f"INSERT INTO quarantine SELECT {delivery}, _file, {sql_literal(table.name)}, "
                f"_line, _line, {sql_literal(ref.column)}, CAST({c} AS VARCHAR), {reason} "
                f"FROM {name} WHERE {where}"
            )
            con.execute(f"DELETE FROM {name} WHERE {where}")
            moved.append(Orphans(table.name, ref.column, ref.table, rows))
    return tuple(moved)
