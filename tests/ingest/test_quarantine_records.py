"""A load's quarantine records, kept as columns, behave as the tuple of records they hold."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from vawg.loading import Quarantine

records = st.lists(
    st.tuples(
        st.text(max_size=5),
        st.integers(1, 10**6),
        st.integers(1, 10**6),
        st.text(max_size=5),
        st.none() | st.text(max_size=5),
        st.text(max_size=5),
    ),
    max_size=30,
)


def _columns(rows: list[tuple[object, ...]]) -> tuple[list[object], ...]:
    return tuple([row[i] for row in rows] for i in range(6))


@given(records, st.integers(-40, 40), st.integers(-40, 40))
def test_the_records_read_as_the_tuples_they_were(
    rows: list[tuple[object, ...]], start: int, stop: int
) -> None:
    quarantine = Quarantine(_columns(rows))
    assert list(quarantine) == rows
    assert len(quarantine) == len(rows) and bool(quarantine) == bool(rows)
    assert [quarantine[i] for i in range(-len(rows), len(rows))] == rows[-len(rows) :] + rows
    assert list(quarantine[start:stop]) == rows[start:stop]
    assert all(row in quarantine for row in rows)


@given(records)
def test_records_from_arrow_are_the_rows_of_the_table(rows: list[tuple[object, ...]]) -> None:
    names = ["file", "line", "last_line", "column_name", "value", "reason"]
    types = [pa.string(), pa.int64(), pa.int64(), pa.string(), pa.string(), pa.string()]
    table = pa.table(
        {n: pa.array(c, type=t) for n, c, t in zip(names, _columns(rows), types, strict=True)}
    )
    quarantine = Quarantine.from_arrow(table)
    assert list(quarantine) == rows
    assert quarantine == Quarantine(_columns(rows))


def test_no_records_is_empty_however_it_was_made() -> None:
    assert len(Quarantine()) == 0 and not Quarantine() and list(Quarantine()) == []
    assert Quarantine() == Quarantine(([], [], [], [], [], []))
    assert Quarantine() != Quarantine((["f"], [2], [2], ["c"], [None], ["r"]))
    assert Quarantine() == () and Quarantine() == []


@given(records)
def test_the_records_equal_the_tuple_of_them(rows: list[tuple[object, ...]]) -> None:
    quarantine = Quarantine(_columns(rows))
    assert quarantine == tuple(rows) and quarantine == rows
    assert quarantine != (*rows, ("f", 1, 1, "c", None, "r"))
