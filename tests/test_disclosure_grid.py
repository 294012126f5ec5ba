"""The grid of public periods, the rule in words, and what a public Result records.

Expected values are written out by hand from the financial calendar (1 April to 31 March).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from vawg.config import Settings
from vawg.disclosure import (
    describe,
    grid_period,
    grid_periods,
    public_params,
    public_source,
    public_text,
)
from vawg.errors import InputError
from vawg.results import Params


@pytest.mark.parametrize(
    ("start", "end", "kind", "label"),
    [
        (date(2021, 4, 1), date(2021, 6, 30), "quarter", "2021Q1"),
        (date(2021, 7, 1), date(2021, 9, 30), "quarter", "2021Q2"),
        (date(2021, 10, 1), date(2021, 12, 31), "quarter", "2021Q3"),
        (date(2022, 1, 1), date(2022, 3, 31), "quarter", "2021Q4"),
        (date(2021, 4, 1), date(2021, 9, 30), "half", "2021H1"),
        (date(2021, 10, 1), date(2022, 3, 31), "half", "2021H2"),
        (date(2021, 4, 1), date(2022, 3, 31), "year", "2021/22"),
        (date(2017, 4, 1), date(2022, 3, 31), "years", "2017/18 to 2021/22"),
        (date(1999, 4, 1), date(2000, 3, 31), "year", "1999/00"),
    ],
)
def test_grid_periods_are_accepted(start: date, end: date, kind: str, label: str) -> None:
    period = grid_period(start, end)
    assert (period.kind, period.label, period.start, period.end) == (kind, label, start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2017, 4, 1), date(2022, 3, 30)),  # the profile one day short
        (date(2021, 4, 2), date(2022, 3, 31)),  # one day late
        (date(2021, 1, 1), date(2021, 12, 31)),  # a calendar year
        (date(2021, 5, 1), date(2021, 5, 31)),  # a month
        (date(2021, 7, 1), date(2022, 6, 30)),  # a rolling twelve months
        (date(2021, 4, 1), date(2021, 12, 31)),  # three quarters
    ],
)
def test_other_periods_are_refused_with_the_nearest_grid_periods(start: date, end: date) -> None:
    with pytest.raises(InputError) as caught:
        grid_period(start, end)
    message = str(caught.value)
    assert "whole financial quarters, half-years or years" in message
    assert f"{start} to {end}" in message and "--from" in message and "--to" in message


def test_the_nearest_whole_years_are_suggested_for_a_long_period() -> None:
    with pytest.raises(InputError, match=r"2017/18 to 2020/21 \(--from 2017-04-01 --to 2021-03-31"):
        grid_period(date(2017, 4, 1), date(2022, 3, 30))


def test_every_grid_period_of_two_financial_years() -> None:
    # Two years (2020/21 and 2021/22): 8 quarters, 4 halves, 2 single years and 1 run of two.
    periods = grid_periods(date(2020, 4, 1), date(2022, 3, 31))
    kinds = [p.kind for p in periods]
    assert len(periods) == 15
    assert (kinds.count("quarter"), kinds.count("half")) == (8, 4)
    assert (kinds.count("year"), kinds.count("years")) == (2, 1)
    assert periods == sorted(periods, key=lambda p: (p.start, p.end))
    # Only periods lying wholly inside the data: a part year at either end adds nothing whole.
    trimmed = grid_periods(date(2020, 5, 15), date(2022, 2, 1))
    assert [p.label for p in trimmed if p.kind != "quarter"] == ["2020H2", "2021H1"]


def test_the_rule_in_words() -> None:
    rule = describe(5)
    assert rule["threshold"] == 5 and rule["rounding_base"] == 5
    assert "counts of 1 to 4 are not shown" in rule["summary"]
    assert "rounded to the nearest 5" in rule["summary"]
    text = " ".join(rule["method"])
    assert "never gives a number from 1 to 4" in text and "financial quarters" in text
    assert "rounded" in " ".join(describe(10)["method"]) and "1 to 9" in describe(10)["summary"]


def test_counts_in_notes_are_rounded_or_said_to_be_small() -> None:
    note = "drink_spiking: 74 crimes, too few to model; 3 victims had no date; 1,236 offenders"
    assert public_text(note, 5) == (
        "drink_spiking: 75 crimes, too few to model; fewer than 5 victims had no date; "
        "1,235 offenders"
    )
    assert (
        public_text("a ratio of 2.74 crimes per person", 5) == "a ratio of 2.74 crimes per person"
    )


def test_a_public_source_names_a_file_not_where_it_sits() -> None:
    assert public_source("/home/ann/vawg/harm_weights.csv") == "harm_weights.csv"
    assert public_source("C:\\Users\\ann\\areas.csv") == "areas.csv"
    assert public_source("the loaded areas table") == "the loaded areas table"


def test_public_params_check_the_grid_and_record_the_rule() -> None:
    params = Params("m", period=(date(2021, 4, 1), date(2022, 3, 31)), settings={"seed": 0})
    marked = public_params(params, Settings(disclosure_threshold=10))
    assert marked.settings["seed"] == 0 and marked.settings["public_period"] == "2021/22"
    assert marked.settings["disclosure"]["threshold"] == 10
    off = dataclasses.replace(params, period=(date(2021, 4, 1), date(2022, 3, 30)))
    with pytest.raises(InputError, match="financial quarters"):
        public_params(off, Settings())
    assert public_params(off, Settings(), grid=False).settings["disclosure_threshold"] == 5
