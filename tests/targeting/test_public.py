"""The public place rankings: a withheld place must not keep its place in the ranked list."""

from __future__ import annotations

import polars as pl
import pytest

from vawg.results import Params
from vawg.targeting.knox import KnoxResult
from vawg.targeting.public import _knox, _places


def test_withheld_places_follow_the_shown_ones_so_their_rank_is_not_given_away() -> None:
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E5", "E2", "E9", "E1", "E7", "E3"],
            "crimes": [40, 3, 30, 25, 2, 20],  # E2 and E7 are small: withheld
            "harm_days": [900.0, 800.0, 700.0, 600.0, 500.0, 400.0],
            "harm_share": [0.23, 0.2, 0.18, 0.15, 0.13, 0.1],
            "rank": [1, 2, 3, 4, 5, 6],
            "best_rank": [1, 1, 2, 3, 4, 5],
            "worst_rank": [2, 3, 4, 5, 6, 6],
        }
    )
    public = _places(ranked, 5, [()])
    shown = public.filter(pl.col("crimes").is_not_null())
    withheld = public.filter(pl.col("crimes").is_null())
    assert {"E2", "E7"} <= set(withheld["lsoa_code"])
    # every shown place first, in rank order; then the withheld ones by code, with no rank
    assert public["lsoa_code"].to_list() == [*shown["lsoa_code"], *withheld["lsoa_code"]]
    assert shown["rank"].to_list() == sorted(shown["rank"].to_list())
    assert withheld["lsoa_code"].to_list() == sorted(withheld["lsoa_code"].to_list())
    assert withheld["rank"].null_count() == withheld.height


def test_shares_are_of_every_ranked_place_as_in_the_restricted_table() -> None:
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3"],
            "crimes": [40, 3, 20],  # E2 withheld
            "harm_days": [800.0, 600.0, 400.0],
            "harm_share": [800 / 1800, 600 / 1800, 400 / 1800],
            "rank": [1, 2, 3],
        }
    )
    public = _places(ranked, 5, [()])
    shares = dict(public.select("lsoa_code", "harm_share").iter_rows())
    # E1: 40 crimes, shown as 40 -> 800 days of the 1,800 of all three (E2 is withheld, and
    # E3 with it so the published total cannot give E2 back).
    assert shares == {"E1": 800 / 1800, "E2": None, "E3": None}


def test_published_ranks_follow_the_published_harm() -> None:
    # E1 and E2 are close: rounding E1's count down and E2's up puts E2's published harm above
    # E1's, so the published ranks must swap (the demo showed rank 2 "6,374" above rank 3
    # "6,724").
    ranked = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3"],
            "crimes": [22, 23, 10],  # rounded to 20, 25, 10
            "harm_days": [660.0, 650.0, 100.0],
            "harm_share": [660 / 1410, 650 / 1410, 100 / 1410],
            "rank": [1, 2, 3],
            "best_rank": [1, 1, 3],
            "worst_rank": [2, 2, 3],
        }
    )
    public = _places(ranked, 5, [()])
    rows = {r["lsoa_code"]: r for r in public.iter_rows(named=True)}
    assert rows["E1"]["harm_days"] == 600 and rows["E2"]["harm_days"] == round(650 * 25 / 23)
    assert public["lsoa_code"].to_list() == ["E2", "E1", "E3"]
    assert [rows[c]["rank"] for c in ("E2", "E1", "E3")] == [1, 2, 3]
    # every published rank lies within its published range of ranks
    for r in rows.values():
        assert r["best_rank"] <= r["rank"] <= r["worst_rank"]


def test_a_published_knox_ratio_is_of_the_published_pair_count() -> None:
    # The demo showed "5 | 10.7 | 0.56": 0.56 x 10.7 gives the true 6 pairs back. The published
    # ratio must be of the rounded count, so ratio x expected gives the published count.
    table = pl.DataFrame(
        {
            "distance_band": ["0-100 m", "0-100 m", "100-200 m"],
            "time_band": ["0-7 days", "8-14 days", "0-7 days"],
            "distance_index": [0, 0, 1],
            "time_index": [0, 1, 0],
            "observed": [6, 23, 2],  # shown as 5, 25; 2 is withheld
            "expected": [10.7, 20.0, 3.0],
            "knox_ratio": [6 / 10.7, 23 / 20.0, 2 / 3.0],
            "p_value": [0.9, 0.002, 0.5],
            "above_chance": [False, True, False],
        }
    )
    knox = KnoxResult(
        params=Params(method="Knox test"),
        table=table,
        events=400,
        pairs=79800,
        near_pairs=1200,
        distance_edges=(0.0, 100.0, 200.0),
        time_edges=(0.0, 7.0, 14.0),
        permutations=99,
    )
    public = _knox(knox, 5)
    assert public is not None
    rows = public.table.select("observed", "expected", "knox_ratio").rows()
    assert rows[0][0] == 5 and rows[1][0] == 25
    assert rows[0][2] * rows[0][1] == pytest.approx(5.0)
    assert rows[1][2] * rows[1][1] == pytest.approx(25.0)
    assert rows[2][0] is None and rows[2][2] is None
    # The shuffle p-value is of the true pairs: public, only whether a cell is clearly above
    # chance is said.
    assert public.table["p_value"].null_count() == public.table.height
    assert public.table["above_chance"].to_list() == [False, True, None]
