"""The checks' cheap SQL tests against what they stand for, on generated text.

A date, a date and time and a month are checked for their exact written form with GLOB
patterns, and text goes through DuckDB's ``trim`` only when it may need it. Each is compared
here with an independent oracle: the contract's forms as Python regular expressions (copied
from docs/data-contract.md, not imported), and Python's ``strip`` of every Unicode space
(category Zs, what DuckDB's ``trim`` strips: a no-break space too, not a tab).
"""

from __future__ import annotations

import re
import sys
import unicodedata

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vawg.ingest import checks
from vawg.schema import TABLES, Column, ColumnType, Table

# The contract's written forms, as regular expressions ([0-9]: ASCII digits only).
FORMS = {
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "datetime": r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?|T[0-9]{2}:[0-9]{2}:[0-9]{2})",
    "month": r"[0-9]{4}-[0-9]{2}",
}
GLOBS = {
    "date": checks._DATE_FORMS,
    "datetime": checks._DATETIME_FORMS,
    "month": checks._MONTH_FORMS,
}
# Near misses are built from the characters of the forms, a letter, a slash, a tab, a
# non-ASCII digit (Arabic-Indic three) and a character GLOB treats specially.
NEAR = st.text(alphabet="0123456789-: T/x\t\u0663*", max_size=22)


SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Zs")


def _texts(form: str) -> st.SearchStrategy[list[str]]:
    exact = st.from_regex(FORMS[form], fullmatch=True).filter(str.isascii)
    return st.lists(st.one_of(exact, NEAR), min_size=1, max_size=40)


def _evaluate(sql_of: str, values: list[str]) -> list[object]:
    """``sql_of`` (SQL over a column ``x``) for each of ``values``, in order."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT i, {sql_of} FROM (SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i) "
            "ORDER BY i",
            [values, values],
        ).fetchall()
    return [value for _, value in rows]


@pytest.mark.parametrize("form", sorted(FORMS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_glob_form_matches_what_the_contracts_pattern_matches(
    form: str, data: st.DataObject
) -> None:
    values = data.draw(_texts(form))
    matched = _evaluate(checks._written_as("x", GLOBS[form]), values)
    assert matched == [re.fullmatch(FORMS[form], v) is not None for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=" a\t\n\u00a0é\u2003\u3000", max_size=6), min_size=1, max_size=40))
def test_trimmed_text_is_the_text_less_its_spaces_or_missing(values: list[str]) -> None:
    trimmed = _evaluate(checks._trimmed("x"), values)
    assert trimmed == [v.strip(SPACES) or None for v in values]


# Values at and around every kind of rule: bounds, forms, enums, flags, blanks, near misses.
EDGES = (
    *("", " ", "x", "=1+1", "0", "-1", "1", "22", "23", "3.0", "1.5", "0x10", " 5"),
    *("700000", "700001", "1300000", "1300001", "-0.5", "1e3", "nan", "inf"),
    *("2020-01-05", "2020-02-30", "2020-1-5", "2099-01-01", "1900-01-01"),
    *("2020-01-05 10:00", "2020-01-04 10:00", "2020-01-05T10:00:00", "2020-01", "2020-13"),
    *("Y", "N", "y", "E01000001", "W01000001", "E0100000", "8N", "105A", "008/01"),
)


def _good(column: Column) -> st.SearchStrategy[str]:
    """Values that keep ``column``'s own rules (a rule across columns may still break)."""
    match column.type:
        case ColumnType.ENUM:
            good = st.sampled_from(column.values)
        case ColumnType.FLAG:
            good = st.sampled_from(("Y", "N"))
        case ColumnType.DATE:
            good = st.sampled_from(("2020-01-05", "2020-01-06", "2021-03-01"))
        case ColumnType.DATETIME:
            good = st.sampled_from(("2020-01-04 22:00", "2020-01-05 10:00:00"))
        case ColumnType.MONTH:
            good = st.sampled_from(("2020-01", "2021-03"))
        case ColumnType.INTEGER | ColumnType.NUMBER:
            low = 0 if column.minimum is None else int(column.minimum)
            high = low + 100 if column.maximum is None else int(column.maximum)
            good = st.integers(low, high).map(str)
        case _:
            if column.pattern:
                good = st.from_regex(re.compile(column.pattern, re.ASCII), fullmatch=True)
            else:
                good = st.text(alphabet="abcXYZ019", min_size=1, max_size=4)
    return good if column.required else st.one_of(good, st.just(""))


def _edge(column: Column) -> st.SearchStrategy[str]:
    """A value at or around one of ``column``'s rules, or anything."""
    near = [
        f"{bound + step:g}"
        for bound in (column.minimum, column.maximum)
        if bound is not None
        for step in (-1, -0.5, 0, 0.5, 1)
    ]
    own = st.sampled_from(near) if near else st.nothing()
    return st.one_of(own, st.sampled_from(EDGES), st.text(max_size=6))


@st.composite
def _rows(draw: st.DrawFn, table: Table) -> list[tuple[str, ...]]:
    """Rows keeping each column's rules, with one or two cells swapped for an edge value."""
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        cells = [draw(_good(c)) for c in table.columns]
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(cells) - 1))
            cells[i] = draw(_edge(table.columns[i]))
        rows.append(tuple(cells))
    return rows


@pytest.mark.parametrize("name", sorted(TABLES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_row_is_flagged_exactly_when_it_has_an_error(name: str, data: st.DataObject) -> None:
    """The cheap test of whether a row is broken (``_errors`` NULL or not) against its list of
    errors made for every row: the same rules, the required-and-missing and the range tests
    folded into fewer conditions."""
    table = TABLES[name]
    headers = tuple(c.header for c in table.columns)
    rows = data.draw(_rows(table))
    values = pa.table(
        {h: pa.array([row[i] or None for row in rows], pa.string()) for i, h in enumerate(headers)}
    )
    sql = checks.checked_select(table, headers, "values")
    # The same query with every row's error list made (the flag replaced by TRUE).
    then = sql.index(" THEN list_filter(")
    when = sql.rindex("CASE WHEN ", 0, then) + len("CASE WHEN ")
    every = sql[:when] + "TRUE" + sql[then:]
    with duckdb.connect() as con:
        con.register("values", values)
        flagged = [r[0] for r in con.execute(f"SELECT _errors FROM ({sql})").fetchall()]
        errors = [r[0] for r in con.execute(f"SELECT _errors FROM ({every})").fetchall()]
    assert [e is not None for e in flagged] == [len(e) > 0 for e in errors]
    assert [e for e in flagged if e is not None] == [e for e in errors if e]
