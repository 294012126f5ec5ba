"""Turn a table's declared rules into one SQL query that types every value and lists its errors.

Each value is read as text, trimmed (empty = missing), then typed. Every broken rule adds a
``{column, value, reason}`` entry to the row's ``_errors`` list, so a row can carry several
reasons and nothing is decided by which check ran first. Rules across columns are skipped when
one of their columns already failed to parse, so one bad value gives one clear reason.
"""

from __future__ import annotations

from vawg.schema import Column, ColumnType, Table

__all__ = ["DUCKDB_TYPES", "checked_select", "sql_literal"]

DUCKDB_TYPES = {
    ColumnType.TEXT: "VARCHAR",
    ColumnType.DATE: "DATE",
    ColumnType.DATETIME: "TIMESTAMP",
    ColumnType.MONTH: "DATE",
    ColumnType.INTEGER: "BIGINT",
    ColumnType.NUMBER: "DOUBLE",
    ColumnType.FLAG: "BOOLEAN",
    ColumnType.ENUM: "VARCHAR",
}


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _typed(column: Column, v: str) -> str:
    """SQL that reads the trimmed text ``v`` as the column's type, NULL when it cannot."""
    match column.type:
        case ColumnType.TEXT:
            return v
        case ColumnType.DATE:
            return f"CAST(try_strptime({v}, '%Y-%m-%d') AS DATE)"
        case ColumnType.DATETIME:
            return (
                f"coalesce(try_strptime({v}, '%Y-%m-%d %H:%M'), "
                f"try_strptime({v}, '%Y-%m-%d %H:%M:%S'), try_strptime({v}, '%Y-%m-%dT%H:%M:%S'))"
            )
        case ColumnType.MONTH:
            return f"CAST(try_strptime({v} || '-01', '%Y-%m-%d') AS DATE)"
        case ColumnType.INTEGER:
            # TRY_CAST alone rounds '1.5' to 2 and reads '0x10' as 16: only digits, with an
            # optional zero fraction ('3.0', as tools that store whole numbers as floats write).
            return (
                f"CASE WHEN regexp_full_match({v}, '[+-]?[0-9]+(\\.0*)?') "
                f"THEN TRY_CAST({v} AS BIGINT) END"
            )
        case ColumnType.NUMBER:
            return f"CASE WHEN isfinite(TRY_CAST({v} AS DOUBLE)) THEN TRY_CAST({v} AS DOUBLE) END"
        case ColumnType.FLAG:
            return f"CASE {v} WHEN 'Y' THEN TRUE WHEN 'N' THEN FALSE END"
        case ColumnType.ENUM:
            values = ", ".join(sql_literal(x) for x in column.values)
            return f"CASE WHEN {v} IN ({values}) THEN {v} END"
    raise AssertionError(column.type)  # pragma: no cover


_PARSE_REASON = {
    ColumnType.DATE: "not a date (YYYY-MM-DD)",
    ColumnType.DATETIME: "not a date and time (YYYY-MM-DD HH:MM)",
    ColumnType.MONTH: "not a month (YYYY-MM)",
    ColumnType.INTEGER: "not a whole number",
    ColumnType.NUMBER: "not a number",
    ColumnType.FLAG: "not Y or N",
}


def _parse_reason(column: Column) -> str:
    if column.type is ColumnType.ENUM:
        return "not one of: " + ", ".join(column.values)
    return _PARSE_REASON[column.type]


def _error(column: str, value_sql: str, reason_sql: str) -> str:
    return (
        f"{{'column': {sql_literal(column)}, 'value': CAST({value_sql} AS VARCHAR), "
        f"'reason': {reason_sql}}}"
    )


def _column_errors(column: Column) -> list[tuple[str, str]]:
    """``(condition, error)`` pairs: the error record is due when the condition is true."""
    v = _ident("v_" + column.name)
    t = _ident("t_" + column.name)
    err = []
    if column.type is not ColumnType.TEXT:
        err.append(
            (
                f"{v} IS NOT NULL AND {t} IS NULL",
                _error(column.name, v, sql_literal(_parse_reason(column))),
            )
        )
    if column.required:
        err.append(
            (f"{v} IS NULL", _error(column.name, "NULL", sql_literal("required value missing")))
        )
    bounds: list[tuple[str, str]] = []
    if column.minimum is not None:
        bounds.append((f"{t} < {column.minimum!r}", f"below the minimum {column.minimum:g}"))
    if column.maximum is not None:
        bounds.append((f"{t} > {column.maximum!r}", f"above the maximum {column.maximum:g}"))
    if column.pattern:
        doc = column.pattern_doc or column.pattern
        bounds.append(
            (f"NOT regexp_full_match({t}, {sql_literal(column.pattern)})", f"not in the form {doc}")
        )
    if column.not_future:
        bounds.append((f"{t} > current_date", "in the future"))
    if column.earliest:
        bounds.append((f"{t} < DATE {sql_literal(column.earliest)}", f"before {column.earliest}"))
    err += [(cond, _error(column.name, v, sql_literal(reason))) for cond, reason in bounds]
    return err


def checked_select(table: Table, headers: tuple[str, ...], source: str) -> str:
    """SQL selecting typed columns, ``_line`` and ``_errors`` from the raw text relation ``source``.

    ``source`` has every header as VARCHAR plus ``_line``. Optional columns absent from the file
    come out as typed NULLs.
    """
    trimmed = [
        f"NULLIF(trim({_ident(c.header)}), '') AS {_ident('v_' + c.name)}"
        if c.header in headers
        else f"CAST(NULL AS VARCHAR) AS {_ident('v_' + c.name)}"
        for c in table.columns
    ]
    typed = [
        f"{_typed(c, _ident('v_' + c.name))} AS {_ident('t_' + c.name)}" for c in table.columns
    ]
    errors: list[tuple[str, str]] = []
    for column in table.columns:
        errors += _column_errors(column)
    placeholders = {c.name: _ident("t_" + c.name) for c in table.columns}
    by_name = {c.name: c for c in table.columns}
    for rule in table.rules:
        parsed = " AND ".join(
            f"NOT ({_ident('v_' + n)} IS NOT NULL AND {_ident('t_' + n)} IS NULL)"
            for n in rule.columns
        )
        first = by_name[rule.columns[0]]
        errors.append(
            (
                f"{parsed} AND coalesce(({rule.violated.format(**placeholders)}), FALSE)",
                _error(first.name, _ident("v_" + first.name), sql_literal(rule.reason)),
            )
        )
    outputs = [
        f"CAST({_ident('t_' + c.name)} AS {DUCKDB_TYPES[c.type]}) AS {_ident(c.name)}"
        for c in table.columns
    ]
    # The conditions are cheap; the list of error records is built only for rows breaking one.
    error_list = "[" + ", ".join(f"CASE WHEN {c} THEN {e} END" for c, e in errors) + "]"
    broken = " OR ".join(f"coalesce(({c}), FALSE)" for c, _ in errors) or "FALSE"
    return (
        f"WITH v AS (SELECT _line, {', '.join(trimmed)} FROM {source}), "
        f"t AS (SELECT *, {', '.join(typed)} FROM v) "
        f"SELECT _line, {', '.join(outputs)}, "
        f"CASE WHEN {broken} THEN list_filter({error_list}, e -> e IS NOT NULL) ELSE [] END "
        f"AS _errors FROM t"
    )
