"""Turn a table's declared rules into one SQL query that types every value and lists its errors.

The contract is enforced as written:

- **Text** values are trimmed of surrounding spaces (a crime reference `` C1`` is ``C1``).
- **Every other value** — dates, times, months, numbers, ``Y``/``N`` flags, enum words — must
  be written exactly as the contract shows it: ``2020-01-05``, not ``2020-1-5``; ``victim``,
  not ``" victim"`` or ``Victim``. A near miss is quarantined, and its reason says what the
  value would have had to be (``did you mean victim?``), so the supplier can fix the export.
  (The other choice, trimming and case-folding enum words with a note, was rejected: a value
  that changes silently between the file and the database cannot be traced back to the file.)
- A value that is empty or only spaces is missing.

Each value is typed by a cheap, exact test (a pattern, then a cast). Every broken rule adds a
``{column, value, reason}`` entry to the row's ``_errors`` list, so a row can carry several
reasons and nothing is decided by which check ran first; rows breaking nothing have a NULL list,
which costs nothing to store. Rules across columns are skipped when one of their columns
already failed to parse, so one bad value gives one clear reason.
"""

from __future__ import annotations

from vawg.schema import Column, ColumnType, Table

__all__ = ["DUCKDB_TYPES", "checked_select", "ident", "sql_literal", "stored_types"]

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

# The exact forms the contract accepts, checked before a cast. Dates and times as GLOB
# patterns: a GLOB matches the whole value, and these need only character classes, so each is
# the regular expression it replaces (YYYY-MM-DD is [0-9]{4}-[0-9]{2}-[0-9]{2}) at a fraction
# of its cost; numbers need RE2.
_DIGIT = "[0-9]"
_DATE_FORM = f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2}"
_DATE_FORMS = (_DATE_FORM,)
_DATETIME_FORMS = tuple(
    _DATE_FORM + time
    for time in (
        f" {_DIGIT * 2}:{_DIGIT * 2}",
        f" {_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}",
        f"T{_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}",
    )
)
_MONTH_FORMS = (f"{_DIGIT * 4}-{_DIGIT * 2}",)
# Whole numbers; a zero fraction is allowed ('3.0', as tools that store whole numbers as floats
# write). TRY_CAST alone would round '1.5' to 2 and read '0x10' as 16.
_INTEGER = r"[+-]?[0-9]+(\.0*)?"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"


def sql_literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _matches(x: str, pattern: str) -> str:
    return f"regexp_full_match({x}, {sql_literal(pattern)})"


def _written_as(x: str, forms: tuple[str, ...]) -> str:
    """SQL: whether the text ``x`` is written in one of the GLOB ``forms``."""
    return "(" + " OR ".join(f"{x} GLOB {sql_literal(form)}" for form in forms) + ")"


def _trimmed(x: str) -> str:
    """SQL of the text ``x`` trimmed of surrounding spaces, NULL when nothing is left.

    DuckDB's ``trim`` strips every Unicode space (a no-break space too) and copies each value
    it is given. An ASCII value (as many bytes as characters) can only hold the plain space,
    so when neither of its ends is one it is used as it is: testing that costs a third of
    the copy.
    """
    return (
        f"CASE WHEN strlen({x}) = length({x}) AND NOT starts_with({x}, ' ') "
        f"AND NOT ends_with({x}, ' ') THEN NULLIF({x}, '') ELSE NULLIF(trim({x}), '') END"
    )


def _typed(column: Column, x: str, v: str) -> str:
    """SQL reading the value as its column's type, NULL when it is not written exactly right.

    ``x`` is the text as written, ``v`` the trimmed text (NULL when empty).
    """
    match column.type:
        case ColumnType.TEXT:
            return v
        case ColumnType.DATE:
            return f"CASE WHEN {_written_as(x, _DATE_FORMS)} THEN TRY_CAST({x} AS DATE) END"
        case ColumnType.DATETIME:
            return (
                f"CASE WHEN {_written_as(x, _DATETIME_FORMS)} THEN TRY_CAST({x} AS TIMESTAMP) END"
            )
        case ColumnType.MONTH:
            return (
                f"CASE WHEN {_written_as(x, _MONTH_FORMS)} THEN TRY_CAST({x} || '-01' AS DATE) END"
            )
        case ColumnType.INTEGER:
            return f"CASE WHEN {_matches(x, _INTEGER)} THEN TRY_CAST({x} AS BIGINT) END"
        case ColumnType.NUMBER:
            number = f"TRY_CAST({x} AS DOUBLE)"
            return f"CASE WHEN {_matches(x, _NUMBER)} AND isfinite({number}) THEN {number} END"
        case ColumnType.FLAG:
            return f"CASE {x} WHEN 'Y' THEN TRUE WHEN 'N' THEN FALSE END"
        case ColumnType.ENUM:
            # A cast to the column's own ENUM type: exact (case, spaces and all), NULL for
            # any other word, and one byte a value in the staging table (see _enum).
            return f"TRY_CAST({x} AS {_enum(column)})"
    raise AssertionError(column.type)  # pragma: no cover


_PARSE_REASON = {
    ColumnType.DATE: "not a date (YYYY-MM-DD)",
    ColumnType.DATETIME: "not a date and time (YYYY-MM-DD HH:MM)",
    ColumnType.MONTH: "not a month (YYYY-MM)",
    ColumnType.INTEGER: "not a whole number",
    ColumnType.NUMBER: "not a number",
    ColumnType.FLAG: "not Y or N",
}


def _enum(column: Column) -> str:
    """SQL of ``column``'s own ENUM type, its values in the contract's order.

    Staged values of an enum column keep this type: one byte a value where text is copied
    with every row (for 1M crimes, reading is 0.05 s faster and the insert no slower, as the
    rows go through :func:`stored_types` on their way to the database).
    """
    return "ENUM(" + ", ".join(sql_literal(value) for value in column.values) + ")"


def stored_types(table: Table) -> str:
    """SQL ``REPLACE`` clause turning staged columns into the database's types (or ``""``).

    Only enum columns differ: staged as their own ENUM type, stored as text.
    """
    enums = [c for c in table.columns if c.type is ColumnType.ENUM]
    if not enums:
        return ""
    return (
        "REPLACE ("
        + ", ".join(f"CAST({ident(c.name)} AS VARCHAR) AS {ident(c.name)}" for c in enums)
        + ")"
    )


def _parse_reason(column: Column) -> str:
    if column.type is ColumnType.ENUM:
        return "not one of: " + ", ".join(column.values)
    return _PARSE_REASON[column.type]


def _suggestion(column: Column, v: str) -> str | None:
    """SQL for what a near miss should have been written as (NULL when it is no near miss)."""
    loose = f"lower({v})"
    match column.type:
        case ColumnType.ENUM | ColumnType.FLAG:
            values = column.values if column.type is ColumnType.ENUM else ("Y", "N")
            cases = " ".join(
                f"WHEN {sql_literal(value.lower())} THEN {sql_literal(value)}" for value in values
            )
            return f"CASE {loose} {cases} END"
        case ColumnType.DATE:
            return f"strftime(try_strptime({v}, '%Y-%m-%d'), '%Y-%m-%d')"
        case ColumnType.DATETIME:
            return (
                f"strftime(coalesce(try_strptime({v}, '%Y-%m-%d %H:%M'), "
                f"try_strptime({v}, '%Y-%m-%d %H:%M:%S')), '%Y-%m-%d %H:%M')"
            )
        case ColumnType.MONTH:
            return f"strftime(try_strptime({v} || '-01', '%Y-%m-%d'), '%Y-%m')"
        case ColumnType.INTEGER | ColumnType.NUMBER:
            return f"CASE WHEN {_matches(v, _NUMBER)} THEN {v} END"
    return None


def _error(column: str, value_sql: str, reason_sql: str) -> str:
    return (
        f"{{'column': {sql_literal(column)}, 'value': CAST({value_sql} AS VARCHAR), "
        f"'reason': {reason_sql}}}"
    )


def _column_errors(column: Column) -> list[tuple[str, str]]:
    """``(condition, error)`` pairs: the error record is due when the condition is true."""
    x, v, t = ident("x_" + column.name), ident("v_" + column.name), ident("t_" + column.name)
    err = []
    if column.type is not ColumnType.TEXT:
        reason = sql_literal(_parse_reason(column))
        hint = _suggestion(column, v)
        if hint is not None:
            # Only when the near miss differs from what was written (e.g. '1.5' is no integer
            # near miss of itself).
            reason = (
                f"{reason} || coalesce(CASE WHEN {hint} <> {x} THEN "
                f"'; did you mean ' || {hint} || '? (values are read exactly as written)' END, '')"
            )
        err.append((f"{v} IS NOT NULL AND {t} IS NULL", _error(column.name, x, reason)))
    if column.required:
        err.append(
            (f"{v} IS NULL", _error(column.name, "NULL", sql_literal("required value missing")))
        )
    # A value that parsed was written exactly, so its trimmed text is the text as written.
    err += [
        (cond, _error(column.name, v, sql_literal(reason)))
        for cond, reason in _range(column) + _forms(column)
    ]
    return err


def _range(column: Column) -> list[tuple[str, str]]:
    """``(condition, reason)`` for a typed value below the column's minimum or above its
    maximum."""
    t = ident("t_" + column.name)
    bounds = []
    if column.minimum is not None:
        low = _number(column, column.minimum)
        bounds.append((f"{t} < {low}", f"below the minimum {column.minimum:g}"))
    if column.maximum is not None:
        high = _number(column, column.maximum)
        bounds.append((f"{t} > {high}", f"above the maximum {column.maximum:g}"))
    return bounds


def _forms(column: Column) -> list[tuple[str, str]]:
    """``(condition, reason)`` for a typed value breaking the column's other rules: its
    pattern, not in the future, not before its earliest date."""
    t = ident("t_" + column.name)
    rules = []
    if column.pattern:
        doc = column.pattern_doc or column.pattern
        rules.append((f"NOT {_matches(t, column.pattern)}", f"not in the form {doc}"))
    if column.not_future:
        rules.append((f"{t} > current_date", "in the future"))
    if column.earliest:
        rules.append((f"{t} < DATE {sql_literal(column.earliest)}", f"before {column.earliest}"))
    return rules


def _number(column: Column, bound: float) -> str:
    """SQL literal of a bound of ``column``: a whole number for a whole-number column.

    (``0.0`` against a BIGINT makes DuckDB turn every value into a DOUBLE to compare it.)
    """
    if column.type is ColumnType.INTEGER and float(bound).is_integer():
        return str(int(bound))
    return repr(bound)


def _column_broken(column: Column) -> list[str]:
    """Conditions, one of which is true when the column's value breaks a rule.

    The conditions of :func:`_column_errors`, but a required value's first two (written but
    not read; missing) are one: there is no typed value; and a minimum and a maximum are one
    test, outside the range. (Every row tests every condition, so each one saved is saved a
    million times.)
    """
    v, t = ident("v_" + column.name), ident("t_" + column.name)
    if column.required:
        first = [f"{t} IS NULL"]
    elif column.type is not ColumnType.TEXT:
        first = [f"{v} IS NOT NULL AND {t} IS NULL"]
    else:
        first = []
    if column.minimum is not None and column.maximum is not None:
        low, high = _number(column, column.minimum), _number(column, column.maximum)
        bounds = [f"NOT ({t} BETWEEN {low} AND {high})"]
    else:
        bounds = [condition for condition, _ in _range(column)]
    return [*first, *bounds, *(condition for condition, _ in _forms(column))]


def checked_select(
    table: Table, headers: tuple[str, ...], source: str, *, carry: tuple[str, ...] = ()
) -> str:
    """SQL selecting typed columns and ``_errors`` from the raw text relation ``source``.

    The query keeps the rows in the order ``source`` gives them (no join, no aggregate), so a
    table created from it lines up row for row with the file.

    ``source`` has every header as VARCHAR, and the columns named in ``carry`` (a line number),
    which come out first, unchanged. Optional columns absent from the file come out as typed
    NULLs; an enum column as its own ENUM type (:func:`stored_types` makes it text again).
    ``_errors`` is NULL for a row that breaks no rule.
    """
    raw = [
        f"{ident(c.header)} AS {ident('x_' + c.name)}"
        if c.header in headers
        else f"CAST(NULL AS VARCHAR) AS {ident('x_' + c.name)}"
        for c in table.columns
    ]
    # The trimmed text (NULL when empty): text columns need it to be typed; other columns
    # only where the value did not parse, since a parsed value was written exactly (no spaces
    # to trim). Trimming every value first cost a fifth of the query at 1M rows.
    text = [c for c in table.columns if c.type is ColumnType.TEXT]
    others = [c for c in table.columns if c.type is not ColumnType.TEXT]
    trimmed = [f"{_trimmed(ident('x_' + c.name))} AS {ident('v_' + c.name)}" for c in text] or [
        "NULL AS _no_text"
    ]
    typed = [
        f"{_typed(c, ident('x_' + c.name), ident('v_' + c.name))} AS {ident('t_' + c.name)}"
        for c in table.columns
    ]
    written = [
        f"CASE WHEN {ident('t_' + c.name)} IS NOT NULL THEN {ident('x_' + c.name)} "
        f"ELSE {_trimmed(ident('x_' + c.name))} END AS {ident('v_' + c.name)}"
        for c in others
    ] or ["NULL AS _no_other"]
    errors: list[tuple[str, str]] = []
    for column in table.columns:
        errors += _column_errors(column)
    placeholders = {c.name: ident("t_" + c.name) for c in table.columns}
    by_name = {c.name: c for c in table.columns}
    flags = [condition for column in table.columns for condition in _column_broken(column)]
    for rule in table.rules:
        flags.append(rule.violated.format(**placeholders))
        parsed = " AND ".join(
            f"NOT ({ident('v_' + n)} IS NOT NULL AND {ident('t_' + n)} IS NULL)"
            for n in rule.columns
        )
        first = by_name[rule.columns[0]]
        errors.append(
            (
                f"{parsed} AND coalesce(({rule.violated.format(**placeholders)}), FALSE)",
                _error(first.name, ident("v_" + first.name), sql_literal(rule.reason)),
            )
        )
    outputs = [
        f"{ident('t_' + c.name)} AS {ident(c.name)}"
        if c.type is ColumnType.ENUM
        else f"CAST({ident('t_' + c.name)} AS {DUCKDB_TYPES[c.type]}) AS {ident(c.name)}"
        for c in table.columns
    ]
    # The list of error records is built only for rows breaking a rule. Whether a row breaks
    # one needs no guards: a rule skipped because a value did not parse leaves the row broken
    # by that value anyway; and a NULL condition (a missing value) does not select the row.
    error_list = "[" + ", ".join(f"CASE WHEN {c} THEN {e} END" for c, e in errors) + "]"
    broken = " OR ".join(f"({c})" for c in flags) or "FALSE"
    keep = "".join(f"{ident(h)}, " for h in carry)
    return (
        f"WITH x AS (SELECT {keep}{', '.join(raw)} FROM {source}), "
        f"v AS (SELECT *, {', '.join(trimmed)} FROM x), "
        f"t AS (SELECT *, {', '.join(typed)} FROM v), "
        f"w AS (SELECT *, {', '.join(written)} FROM t) "
        f"SELECT {keep}{', '.join(outputs)}, "
        f"CASE WHEN {broken} THEN list_filter({error_list}, e -> e IS NOT NULL) END "
        f"AS _errors FROM w"
    )
