"""The hot-spot main points are chosen by the analysis (which places, in which order, with which
figures) and only worded by the report; expected facts are worked out by hand here."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import polars as pl

from vawg.spatial.hotspots import HOT, HOT_UNADJUSTED
from vawg.spatial.mainpoints import NamedLsoa, TownCount, hotspot_main_points

NOT = "not significant"


def _result() -> Any:
    # code, name, district, town, town_centre, rate (all places), gi_z, class, public class
    rows = [
        ("E1", "Thanet 003A", "Thanet", "Margate", True, 20.0, 5.0, HOT, HOT),
        ("E2", "Shepway 012A", "Folkestone and Hythe", None, False, 25.0, 4.0, HOT, NOT),
        # a town that is not a town centre: Thanet's LSOAs outside its town centres
        ("E3", "Thanet 010B", "Thanet", "Ramsgate", False, 25.0, 4.5, HOT, NOT),
        ("E4", "Dover 001A", "Dover", None, None, 30.0, 3.9, HOT, NOT),
        # withheld by a public table: no figures, no class
        ("E5", "Dover 002A", "Dover", None, None, None, None, None, None),
        ("E6", "Dover 003A", "Dover", None, None, 9.0, 2.5, HOT_UNADJUSTED, NOT),
    ]
    rows += [
        (f"F{i}", f"Swale {i:03}A", "Swale", None, None, 4.0, 0.1, NOT, NOT) for i in range(34)
    ]
    code, name, district, town, centre, rate, z, klass, public = zip(*rows, strict=True)
    table = pl.DataFrame(
        {
            "lsoa_code": code,
            "lsoa_name": name,
            "district": district,
            "town": town,
            "town_centre": centre,
            "rate": rate,
            "rate_ci_low": [None if r is None else r - 5 for r in rate],
            "rate_ci_high": [None if r is None else r + 6 for r in rate],
            "gi_z": z,
            "hotspot_class": klass,
            "public_rate": [3.0 if c == "E1" else 1.0 for c in code],
            "public_rate_ci_low": [2.0] * len(code),
            "public_rate_ci_high": [4.5] * len(code),
            "public_gi_z": z,
            "public_hotspot_class": public,
        }
    )
    return SimpleNamespace(
        table=table,
        by_place={
            # 5 confirmed at all places: one of them (E5) in an LSOA the table withholds
            "all": SimpleNamespace(hot_spots=5, confirmed_by_permutation=3),
            "public": SimpleNamespace(hot_spots=1, confirmed_by_permutation=1),
        },
        force_rates={"all": 5.74, "public": 1.12},
        force_rate_intervals={"all": (5.67, 5.80)},
    )


def test_the_analysis_chooses_the_places_their_order_and_their_figures() -> None:
    facts = hotspot_main_points(_result())
    assert facts.lsoas == 40
    assert facts.chance == 2  # 1 in 20 of 40 LSOAs
    assert facts.renamed == (("Shepway", "Folkestone and Hythe"),)
    every, public = facts.places
    assert (every.place, every.confirmed, every.shown, every.unshown) == ("all", 5, 4, 1)
    # one LSOA each: by name; Thanet has a town centre among them, so E3 is "the rest" of it
    assert every.towns == (
        TownCount("Dover", 1),
        TownCount("Folkestone and Hythe", 1),
        TownCount("Margate town centre", 1),
        TownCount("Thanet outside its town centres", 1),
    )
    assert every.other_towns == 0
    # the three highest rates, the stronger cluster first between the two at 25.0
    assert every.highest == (
        NamedLsoa("E4", "Dover 001A", "Dover", None, 30.0, 25.0, 36.0),
        NamedLsoa("E3", "Thanet 010B", "Thanet", None, 25.0, 20.0, 31.0),
        NamedLsoa("E2", "Shepway 012A", "Folkestone and Hythe", None, 25.0, 20.0, 31.0),
    )
    assert (every.force_rate, every.force_rate_ci) == (5.74, (5.67, 5.80))
    assert (every.exploratory, every.confirmed_by_permutation) == (1, 3)
    # public places: its own columns; no exploratory count or second check said
    assert (public.place, public.confirmed, public.shown) == ("public", 1, 1)
    assert public.towns == (TownCount("Margate town centre", 1),)
    assert public.highest == (NamedLsoa("E1", "Thanet 003A", "Thanet", "Margate", 3.0, 2.0, 4.5),)
    assert (public.force_rate, public.force_rate_ci) == (1.12, (None, None))
    assert (public.exploratory, public.confirmed_by_permutation) == (None, None)


def test_past_six_towns_the_rest_are_counted_not_named() -> None:
    result = _result()
    districts = [f"District {c}" for c in "ABCDEFGH"]
    table = pl.DataFrame(
        {
            "lsoa_code": [f"E{i}" for i in range(9)],
            "lsoa_name": [f"{d} 001A" for d in districts] + ["District H 002A"],
            "district": [*districts, "District H"],
            "town": [None] * 9,
            "town_centre": [None] * 9,
            "rate": [float(i) for i in range(9)],
            "gi_z": [3.0] * 9,
            "hotspot_class": [HOT] * 9,
        },
        schema_overrides={"town": pl.String, "town_centre": pl.Boolean},
    )
    result.table = table
    result.by_place = {"all": SimpleNamespace(hot_spots=9, confirmed_by_permutation=9)}
    (every,) = hotspot_main_points(result).places
    # H has two LSOAs, so it comes first; then A to E by name, and F and G are counted
    assert [t.name for t in every.towns] == ["District H", *districts[:5]]
    assert every.towns[0].lsoas == 2
    assert every.other_towns == 2
    assert [x.lsoa_code for x in every.highest] == ["E8", "E7", "E6"]
    assert every.highest[0].rate_ci_low is None  # no interval in the table: none said
