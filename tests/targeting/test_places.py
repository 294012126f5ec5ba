"""Town centres from the area reference: named where ``town_centre_name`` is given, else the
flagged LSOAs linked within 1.5 km and named by district (a national synthetic force flags
town centres by a density proxy and names none)."""

from __future__ import annotations

import polars as pl

from vawg.targeting.places import town_centres


def _areas(names: list[str | None]) -> pl.DataFrame:
    # A and B 1 km apart in Dover; C 10 km away in Dover; D in Thanet; E not a town centre.
    return pl.DataFrame(
        {
            "lsoa_code": ["A", "B", "C", "D", "E"],
            "district": ["Dover", "Dover", "Dover", "Thanet", "Thanet"],
            "town_centre": [True, True, True, True, False],
            "easting": [630_000, 631_000, 640_000, 635_000, 636_000],
            "northing": [141_000, 141_000, 141_000, 165_000, 165_000],
            "town_centre_name": names,
        }
    )


def test_flagged_lsoas_are_linked_and_named_by_district() -> None:
    towns, source = town_centres(_areas([None] * 5).drop("town_centre_name"))
    got = dict(towns.sort("lsoa_code").iter_rows())
    # Dover's two clusters are numbered west to east (A+B at x 630,500, then C at 640,000).
    assert got == {
        "A": "Dover town centre",
        "B": "Dover town centre",
        "C": "Dover town centre 2",
        "D": "Thanet town centre",
    }
    assert towns.schema["town_centre"] == pl.String
    assert source.startswith("town-centre LSOAs linked within 1.5 km")


def test_names_are_used_where_given_and_the_rest_linked() -> None:
    towns, source = town_centres(_areas(["Deal", "Deal", None, None, None]))
    got = dict(towns.sort("lsoa_code").iter_rows())
    assert got == {
        "A": "Deal",
        "B": "Deal",
        "C": "Dover town centre",
        "D": "Thanet town centre",
    }
    assert source.startswith("named as in the area reference where it names them")
    assert "_" not in source  # a sentence, not a field name


def test_the_source_reads_as_a_sentence_under_its_heading() -> None:
    # The report's methods read "Town centres. the town-centre names of the area data."
    from vawg.report.targeting.report import sentence

    _, source = town_centres(_areas(["Deal"] * 5))
    assert source == "named as in the area reference"
    assert sentence(source) == "Named as in the area reference"
    assert sentence("public survey: share") == "Public survey: share"
