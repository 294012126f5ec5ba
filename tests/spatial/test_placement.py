"""Placing crimes in LSOAs: the hand-built fixture in tests/data/place (its README has the
answers, worked out by hand), the reports that carry the counts, and police.uk longitude/latitude.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from vawg.config import Settings
from vawg.ingest.boundaries import read_boundaries, shipped_boundaries
from vawg.profile import profile as build_profile
from vawg.profile.overview import overview
from vawg.query import Tables, connect
from vawg.scope import vawg_scope
from vawg.spatial.analysis import hotspot_analysis
from vawg.spatial.placement import BY_CODE, BY_COORDINATES, NOT_PLACED, place_rows, place_scope
from vawg.store import load_paths

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURE = DATA / "place"
GRID = DATA / "models" / "grid_3x3.geojson"
RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"
BOUNDARIES = RAW / "ons-lsoa2011-boundaries-kent-medway"
SETTINGS = Settings(period_start=date(2021, 4, 1), period_end=date(2022, 3, 31), hotspot_k=2)
AREAS = ["E01024190", "E01024191", "E01024633", "E01024634"]

# The README's table: crime -> (placed LSOA or the code it keeps, placed_by).
EXPECTED = {
    "K1": ("E01024190", BY_CODE),
    "K2": ("E01024633", BY_COORDINATES),
    "K3": ("E01024190", BY_CODE),
    "K4": ("E01024634", BY_CODE),
    "K5": (None, NOT_PLACED),
    "K6": ("E01000001", NOT_PLACED),
    "K7": ("E01024191", BY_COORDINATES),
    "K8": (None, NOT_PLACED),
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    db = tmp_path_factory.mktemp("place") / "place.duckdb"
    load_paths([FIXTURE], db)
    return connect(db)


@pytest.mark.skipif(not BOUNDARIES.is_dir(), reason="raw ONS boundaries not on this machine")
def test_fixture_points_lie_inside_the_raw_ons_polygons() -> None:
    import geopandas as gpd
    import pandas as pd
    import shapely

    raw = pd.concat(
        [gpd.read_file(BOUNDARIES / f"{lad}.json") for lad in ("E07000108", "E07000114")]
    ).to_crs(27700)
    polygons = dict(zip(raw["LSOA11CD"], raw.geometry, strict=True))
    for code, x, y in (
        ("E01024191", 623740, 152815),
        ("E01024633", 638484, 169135),
        ("E01024634", 637891, 169449),
        ("E01024200", 629712, 151227),
    ):
        point = shapely.Point(x, y)
        assert polygons[code].contains(point), code
        assert polygons[code].exterior.distance(point) > 50, code


def test_each_crime_is_placed_as_the_readme_says(tables: Tables) -> None:
    scope = vawg_scope(tables, SETTINGS)
    placed, placement = place_scope(scope, AREAS, shipped_boundaries())
    rows = placed.crimes.select("crime_ref", "lsoa_code", "placed_by").to_pyarrow().to_pylist()
    got = {r["crime_ref"]: (r["lsoa_code"], r["placed_by"]) for r in rows}
    assert got == EXPECTED
    assert placement.rows == 8
    assert (placement.by_code, placement.by_coordinates, placement.not_placed) == (3, 2, 3)
    assert (placement.checked, placement.disagree) == (2, 1)
    reasons = dict(placement.table.select("reason", "rows").iter_rows())
    assert reasons["no LSOA code; coordinates inside an LSOA boundary"] == 1  # K2
    assert reasons["LSOA code outside the area covered; coordinates inside an LSOA boundary"] == 1
    assert reasons["LSOA code outside the area covered and no coordinates"] == 1  # K6
    assert reasons["coordinates outside the area covered"] == 2  # K5, K8
    notes = " ".join(placement.notes())
    assert (
        "Of 8 in-scope crimes, 3 crimes were placed in their LSOA by its code, 2 crimes by their "
        "coordinates and 3 crimes could not be placed" in notes
    )
    assert "different LSOA for 1 crime (50.0%)" in notes
    assert "cover Kent and Medway only" in notes


def test_hotspot_analysis_reports_placement_and_keeps_the_unplaced(tables: Tables) -> None:
    result = hotspot_analysis(tables, SETTINGS)
    assert (result.placement.by_code, result.placement.by_coordinates) == (3, 2)
    assert result.placement.not_placed == 3
    counts = dict(result.table.select("lsoa_code", "crimes").iter_rows())
    # Placed: E01024190 <- K1, K3; E01024191 <- K7; E01024633 <- K2; E01024634 <- K4.
    assert counts == {"E01024190": 2, "E01024191": 1, "E01024633": 1, "E01024634": 1}
    assert any("3 crimes could not be placed" in n for n in result.notes)


def test_profile_district_table_has_a_not_placed_row(tables: Tables) -> None:
    result = build_profile(tables, SETTINGS.replace(profile_bootstrap_replicates=99))
    rows = dict(result.place.by_district.select("district", "crimes").iter_rows())
    assert rows == {"Dover": 3, "Thanet": 2, "Not placed": 3}
    assert result.place.placement is not None
    assert result.place.placement.by_coordinates == 2


def test_overview_districts_place_crimes_as_the_profile_does(tables: Tables) -> None:
    # The open site's front page and the dashboard overview count by district too: K2 and K7
    # (no usable code, coordinates inside an LSOA) are placed by their coordinates, as in the
    # profile, not counted as unplaced.
    result = overview(tables, vawg_scope(tables, SETTINGS))
    rows = dict(result.by_district.select("district", "crimes").iter_rows())
    assert rows == {"Dover": 3, "Thanet": 2, "Not placed": 3}


def test_targeting_and_evaluation_events_place_crimes_as_the_profile_does(tables: Tables) -> None:
    from vawg.evaluation.events import crime_events

    events = crime_events(tables, SETTINGS, whole_extract=False)
    got = dict(events.crimes.select("crime_ref", "lsoa_code").iter_rows())
    assert got == {ref: code for ref, (code, _) in EXPECTED.items()}
    assert any("2 crimes by their coordinates" in note for note in events.notes)


def test_police_uk_longitude_latitude_are_placed() -> None:
    from pyproj import Transformer

    # Standard PROJ EPSG:27700 -> 4326 (independent of the product's pinned pipeline) for the
    # fixture's Thanet and Dover points; police.uk rows have a code, no code, or neither.
    to_lonlat = Transformer.from_crs(27700, 4326, always_xy=True)
    lon1, lat1 = to_lonlat.transform(638484, 169135)
    lon2, lat2 = to_lonlat.transform(623740, 152815)
    rows = pl.DataFrame(
        {
            "lsoa_code": [None, "E01024634", None],
            "longitude": [lon1, lon2, None],
            "latitude": [lat1, lat2, None],
        }
    )
    out, placement = place_rows(
        rows, AREAS, shipped_boundaries(), x="longitude", y="latitude", lonlat=True, noun="rows"
    )
    assert out["placed_lsoa"].to_list() == ["E01024633", "E01024634", None]
    assert out["placed_by"].to_list() == [BY_COORDINATES, BY_CODE, NOT_PLACED]
    assert (placement.checked, placement.disagree) == (1, 1)  # the Dover point vs a Thanet code


def test_a_point_on_a_shared_edge_goes_to_the_first_code() -> None:
    grid = read_boundaries(GRID)
    # (601000, 150500) is on the edge between E01000001 and E01000002; (601500, 150500) inside
    # E01000002; (605000, 150500) outside the grid.
    assert grid.locate([601000, 601500, 605000], [150500, 150500, 150500]).tolist() == [
        "E01000001",
        "E01000002",
        None,
    ]


def test_no_rows_places_nothing() -> None:
    empty = pl.DataFrame(
        {"lsoa_code": [], "easting": [], "northing": []},
        schema={"lsoa_code": pl.String, "easting": pl.Int64, "northing": pl.Int64},
    )
    out, placement = place_rows(empty, AREAS, shipped_boundaries())
    assert out.height == 0 and placement.rows == 0 and placement.not_placed == 0


def test_public_placement_counts_are_rounded_or_withheld(tables: Tables) -> None:
    from vawg.spatial.public import disclose_hotspots, disclose_placement

    scope = vawg_scope(tables, SETTINGS)
    _, placement = place_scope(scope, AREAS, shipped_boundaries())
    shown = disclose_placement(placement, 5)
    # 8 crimes round to 10; 3, 2 and 3 (and the 1 disagreement) are small: withheld.
    assert (shown.rows, shown.by_code, shown.by_coordinates, shown.not_placed) == (
        10,
        None,
        None,
        None,
    )
    assert shown.sentence().startswith("Of 10 in-scope crimes, fewer than 5 crimes were placed")
    public = disclose_hotspots(hotspot_analysis(tables, SETTINGS), SETTINGS)
    text = " ".join(public.notes)
    assert "3 crimes" not in text and "2 crimes" not in text
    assert public.placement.not_placed is None


def test_a_report_whose_lsoas_have_no_boundary_says_so_and_draws_no_map(tmp_path: Path) -> None:
    import shutil

    from vawg.datasets import kent_lsoas
    from vawg.report.hotspots import hotspot_map_figures, hotspots_html

    folder = tmp_path / "place"
    shutil.copytree(FIXTURE, folder)
    centroids = kent_lsoas().select("lsoa_code", "easting", "northing")
    areas = pl.read_csv(FIXTURE / "areas.csv").join(centroids, on="lsoa_code", how="left")
    areas.write_csv(folder / "areas.csv")  # centroids, so no boundary is needed for neighbours
    load_paths([folder], tmp_path / "place.duckdb")
    other = read_boundaries(GRID)  # a 3 x 3 grid of made-up LSOAs: none of the fixture's
    assert not set(other.codes) & set(AREAS)
    result = hotspot_analysis(connect(tmp_path / "place.duckdb"), SETTINGS, boundaries=other)
    assert result.placement.area_lsoas_with_boundary == 0
    page = hotspots_html(result)
    assert 'aria-label="Map of' not in page and "map-svg" not in page
    assert "No map: none of the 4 neighbourhoods (LSOAs) covered has a boundary" in page
    assert "LSOAs by rate, highest first" in page  # the tables stay
    assert hotspot_map_figures(result) == {}
