"""Hot-spot rates are per 1,000 women and girls (the product's one rate), with the
neighbourhood's rate beside the LSOA's own; expected values are worked out by hand here."""

from __future__ import annotations

import polars as pl
import pytest

from vawg.datasets.national import england_wales_district_population
from vawg.report.hotspots._format import towns_phrase
from vawg.spatial.analysis import _female_population, _neighbourhood, _small_counts_note
from vawg.spatial.mainpoints import town_counts
from vawg.spatial.weights import knn_weights


def test_lsoa_women_and_girls_add_up_to_the_district_female_population() -> None:
    females = (
        england_wales_district_population()
        .filter(pl.col("sex") == "F", pl.col("district") == "Thanet")["population"]
        .sum()
    )
    areas = pl.DataFrame(
        {
            "lsoa_code": ["A", "B", "C"],
            "district": ["Thanet", "Thanet", "Nowhere"],
            "population": [1000, 3000, 2000],
        }
    )
    got = dict(_female_population(areas).iter_rows())
    assert got["A"] == pytest.approx(females * 1000 / 4000)
    assert got["B"] == pytest.approx(females * 3000 / 4000)
    # A district the national file does not know: the known districts' female share.
    assert got["C"] == pytest.approx(2000 * females / 4000)


def test_the_neighbourhood_is_the_lsoa_and_its_neighbours() -> None:
    ids = pl.Series(["a", "b", "c", "d"])
    weights = knn_weights(ids, pl.Series([0, 1, 2, 10]), pl.Series([0, 0, 0, 0]), k=1)
    # nearest neighbour: a->b, b->a (tie with c: the first), c->b, d->c
    summed = dict(
        zip(ids, _neighbourhood(weights, ids, pl.Series([1, 10, 100, 1000])), strict=True)
    )
    assert summed["d"] == 1100
    assert summed["a"] == 11
    assert summed["c"] == 110


def test_a_district_beside_its_own_town_centre_reads_as_the_rest_of_it() -> None:
    rows = [
        {"district": "Thanet", "town": "Ramsgate", "town_centre": True},
        {"district": "Thanet", "town": None, "town_centre": False},
        {"district": "Dover", "town": None, "town_centre": False},
    ]
    assert towns_phrase(town_counts(rows)) == (
        "Dover, Ramsgate town centre and Thanet outside its town centres"
    )
    # past six places the rest are counted, in the singular when there is one
    seven = town_counts([{"district": d, "town": None} for d in "ABCDEFG"])
    assert towns_phrase(seven[:6], 1).endswith(", F and 1 more place")
    assert towns_phrase(seven[:6], 2).endswith("and 2 more places")


def test_the_small_counts_warning_names_the_place_and_leaves_the_simulation_to_the_methods() -> (
    None
):
    note = _small_counts_note("home", 19.8)
    assert "at homes (19.8 on average)" in note
    assert "see the methods" in note
    # the measured false-alarm rates are the methods' (a body note keeps to words)
    assert "simulation" not in note and "%" not in note
