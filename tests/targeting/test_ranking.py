"""Ranking with rank intervals, and the coverage of top-N sets, on a fixture with a certain
answer; repeat locations by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from vawg.targeting.ranking import rank_places
from vawg.targeting.repeats import repeat_locations

DATA = Path(__file__).resolve().parents[1] / "data" / "targeting"


def test_a_place_that_holds_almost_all_the_harm_is_surely_first() -> None:
    data = pl.read_csv(DATA / "ranking_three.csv")
    index = data["place"].replace_strict({"A": 0, "B": 1}).to_numpy()
    r = rank_places(
        index, data["harm_days"].to_numpy(), 3, top_n=1, set_sizes=(1, 2), replicates=999, seed=0
    )
    assert r.crimes.tolist() == [10, 1, 0]
    assert r.harm.tolist() == [1000.0, 5.0, 0.0]
    assert r.rank.tolist() == [1, 2, 3]
    assert (r.best_rank[0], r.worst_rank[0]) == (1, 1)
    assert r.status[0] == "surely"
    assert r.top_n_share[0] == pytest.approx(1.0)
    assert r.status[2] == "no" and 2 <= r.best_rank[2] <= r.worst_rank[2] <= 3
    assert r.set_share[0] == pytest.approx(1000 / 1005)
    assert r.set_share[1] == pytest.approx(1.0)
    assert r.set_low[0] <= 1000 / 1005 <= r.set_high[0]


def test_two_equal_places_only_might_be_in_the_top_one() -> None:
    r = rank_places(
        [0] * 20 + [1] * 20, [10.0] * 40, 2, top_n=1, set_sizes=(1,), replicates=499, seed=3
    )
    assert r.status == ("might be", "might be")
    assert 0.3 < r.top_n_share[0] < 0.7


def test_repeat_locations_by_hand() -> None:
    events = pl.read_csv(DATA / "repeats.csv", try_parse_dates=True)
    r = repeat_locations(events, metres=25)
    assert (r.offences, r.locations, r.repeat_locations, r.offences_at_repeat_locations) == (
        6,
        3,
        2,
        5,
    )
    assert r.share_at_repeat_locations == pytest.approx(5 / 6)
    first = r.table.row(0, named=True)
    assert (first["easting"], first["northing"], first["offences"], first["harm_days"]) == (
        1012.5,
        1012.5,
        3,
        115.0,
    )
    assert (str(first["first_day"]), str(first["last_day"]), first["shortest_gap_days"]) == (
        "2021-01-01",
        "2021-02-01",
        4,
    )
    second = r.table.row(1, named=True)
    assert (second["offences"], second["harm_days"], second["shortest_gap_days"]) == (2, 20.0, 1)
    exact = repeat_locations(events, metres=0)
    assert exact.repeat_locations == 0 and exact.offences == 6
