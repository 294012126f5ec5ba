"""Results as JSON: a frame's records are the same whichever way they are made.

Frames of numbers, text and booleans are cleaned column by column in polars (NaN and
infinities to null); every other frame value by value. The expected records here are made the
slow way, value by value, from polars' own ``to_dicts``.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vawg.results import to_jsonable

FLOATS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
INTS = st.one_of(st.none(), st.integers(-(2**40), 2**40))
TEXT = st.one_of(st.none(), st.text(max_size=5))
BOOLS = st.one_of(st.none(), st.booleans())


def _by_value(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, date):
        return value.isoformat()
    return value


# Drawing a frame's columns one by one is slow on a loaded machine (two test workers on two
# cores): the check is of the records, not of how fast examples are made.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(0, 12))
def test_records_equal_value_by_value(data: st.DataObject, rows: int) -> None:
    frame = pl.DataFrame(
        {
            "crimes": pl.Series(
                data.draw(st.lists(INTS, min_size=rows, max_size=rows)), dtype=pl.Int64
            ),
            "rate": pl.Series(
                data.draw(st.lists(FLOATS, min_size=rows, max_size=rows)), dtype=pl.Float64
            ),
            "share": pl.Series(
                data.draw(st.lists(FLOATS, min_size=rows, max_size=rows)), dtype=pl.Float32
            ),
            "district": pl.Series(
                data.draw(st.lists(TEXT, min_size=rows, max_size=rows)), dtype=pl.String
            ),
            "hot": pl.Series(
                data.draw(st.lists(BOOLS, min_size=rows, max_size=rows)), dtype=pl.Boolean
            ),
        }
    )
    expected = [{k: _by_value(v) for k, v in row.items()} for row in frame.to_dicts()]
    got = to_jsonable(frame)
    assert json.dumps(got, allow_nan=False) == json.dumps(expected, allow_nan=False)


def test_frames_with_dates_keep_iso_dates() -> None:
    frame = pl.DataFrame({"month": [date(2021, 4, 1), None], "rate": [float("nan"), 2.5]})
    assert to_jsonable(frame) == [
        {"month": "2021-04-01", "rate": None},
        {"month": None, "rate": 2.5},
    ]
