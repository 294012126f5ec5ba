"""LSOA boundaries: the shipped Kent and Medway file, a force's own file, queen neighbours.

Known answers: tests/data/place/boundaries_wgs84.geojson (five hand-written features, see the
README there), the 3 x 3 grid of tests/data/models, libpysal's Queen on the shipped polygons,
and PROJ's own EPSG:4326 -> 27700 transformation.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import shapely

from vawg.config import Settings
from vawg.errors import InputError
from vawg.ingest.boundaries import boundaries_for, read_boundaries, shipped_boundaries
from vawg.spatial.weights import queen_weights

DATA = Path(__file__).resolve().parents[1] / "data"
WGS84 = DATA / "place" / "boundaries_wgs84.geojson"
GRID = DATA / "models" / "grid_3x3.geojson"


def test_shipped_boundaries_are_a_clean_coverage_of_kent_and_medway() -> None:
    from vawg.datasets import kent_lsoas

    b = shipped_boundaries()
    assert b.n == 1065 and b.problems == ()
    assert list(b.codes) == kent_lsoas()["lsoa_code"].to_list()
    assert bool(shapely.is_valid(b.polygons).all())
    assert bool(shapely.coverage_is_valid(b.polygons))
    # Kent + Medway is about 3,730 km2 (ONS standard area measurements: 3,736 km2 clipped).
    assert shapely.area(b.polygons).sum() / 1e6 == pytest.approx(3736, rel=0.01)
    names = dict(zip(b.codes, b.names, strict=True))
    assert names["E01016016"] == "Medway 015A"
    # Every ONS population-weighted centroid lies inside its LSOA or within metres of it (the
    # boundaries are generalised, and both were moved to the grid with a ~2 m transformation):
    # 1,051 of 1,065 inside, the other 14 at most 9 m outside.
    lsoa = kent_lsoas()
    east, north = lsoa["easting"].to_numpy(), lsoa["northing"].to_numpy()
    found = b.locate(east, north)
    assert float(np.mean(found == lsoa["lsoa_code"].to_numpy())) > 0.98
    own = b.polygons_for(lsoa["lsoa_code"].to_list())
    assert float(shapely.distance(own, shapely.points(east, north)).max()) < 10.0


def test_locate_gives_the_first_lsoa_each_point_touches_as_a_brute_force_check_does() -> None:
    """Random points over Kent, polygon corners (on shared edges) and points outside, against
    every polygon tested one by one: the first code in sort order whose polygon the point
    touches, else None."""
    b = shipped_boundaries()
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = shapely.total_bounds(b.polygons)
    corners = shapely.get_coordinates(shapely.get_exterior_ring(b.polygons[rng.choice(b.n, 40)]))
    east = np.concatenate([rng.uniform(x0 - 5_000, x1, 400), corners[::7, 0], [np.nan, 1.0]])
    north = np.concatenate([rng.uniform(y0, y1 + 5_000, 400), corners[::7, 1], [1.0, np.nan]])
    touches = shapely.intersects(b.polygons[:, None], shapely.points(east, north)[None, :])
    expected = [b.codes[int(np.argmax(col))] if col.any() else None for col in touches.T]
    assert b.locate(east, north).tolist() == expected
    assert sum(code is None for code in expected) > 50  # points outside Kent, and the NaNs
    assert touches.sum(axis=0).max() > 1  # some corners lie on shared edges

    # Asked again (every analysis places the same crimes), the kept answer is the same, and
    # changing what it returned changes nothing kept; other points get their own answer.
    again = b.locate(east.copy(), north.copy())
    assert again.tolist() == expected
    again[:] = "E00000000"
    assert b.locate(east, north).tolist() == expected
    moved = b.locate(north[:400], east[:400])  # the same numbers, swapped: points elsewhere
    assert moved.tolist() == b._locate(north[:400].copy(), east[:400].copy()).tolist()
    assert moved.tolist() != expected[:400]


def test_boundaries_that_have_placed_points_go_to_another_process_and_place_them_alike() -> None:
    """A Result carrying Boundaries comes back from the demo's worker processes pickled: the
    kept answers' lock is left behind, and the copy places points as the original does."""
    b = shipped_boundaries()
    x0, y0, x1, y1 = shapely.total_bounds(b.polygons)
    rng = np.random.default_rng(3)
    east, north = rng.uniform(x0, x1, 300), rng.uniform(y0, y1, 300)
    placed = b.locate(east, north)  # fills the kept answers and makes the lock
    copy = pickle.loads(pickle.dumps(b))
    assert copy.codes == b.codes and copy.source == b.source and copy.n == b.n
    assert shapely.equals(copy.polygons, b.polygons).all()
    assert "_located" not in vars(copy)
    assert copy.locate(east, north).tolist() == placed.tolist()


def test_a_force_file_in_longitude_latitude() -> None:
    from pyproj import Transformer

    b = read_boundaries(WGS84)
    assert b.codes == ("E01000101", "E01000102", "E01000103")
    assert b.names == ("Test 001A", "Test 001B", "Test 001C")
    problems = " ".join(b.problems)
    assert "1 feature(s) without an LSOA code were left out (feature numbers 4)" in problems
    assert "1 invalid polygon(s) repaired" in problems
    assert "1 LSOA code(s) appear in more than one feature; their parts were joined" in problems
    # E01000101 is two separate squares; its first corner (1.00 E, 51.00 N) is where PROJ's
    # own transformation puts it, within the pinned Helmert's 2 m or so.
    first = b.polygons[0]
    assert first.geom_type == "MultiPolygon" and len(first.geoms) == 2
    x, y = Transformer.from_crs(4326, 27700, always_xy=True).transform(1.0, 51.0)
    corner = shapely.Point(x, y)
    assert first.distance(corner) < 5.0
    assert bool(shapely.is_valid(b.polygons).all())  # the bow tie was repaired


def test_a_grid_file_in_metres() -> None:
    b = read_boundaries(GRID)
    assert b.n == 9 and b.problems == ()
    assert shapely.area(b.polygons).tolist() == [1e6] * 9


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.geojson", None, "no such boundaries file"),
        ("areas.csv", "lsoa_code\nE01000001\n", "boundaries must be"),
        (
            "nocode.geojson",
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            '{"name2":"x"},"geometry":{"type":"Point","coordinates":[1,51]}}]}',
            "no LSOA code property; found name2",
        ),
    ],
)
def test_unusable_files_are_refused_with_the_fix(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_boundaries(path)


def test_the_setting_picks_the_file(tmp_path: Path) -> None:
    assert boundaries_for(Settings()) is shipped_boundaries()
    chosen = boundaries_for(Settings(boundaries=str(GRID)))
    assert chosen.n == 9 and chosen.source == "grid_3x3.geojson"
    with pytest.raises(InputError, match="no such file"):
        boundaries_for(Settings(boundaries=str(tmp_path / "none.geojson")))
    with pytest.raises(InputError, match=r"must be a \.geojson"):
        Settings().replace(boundaries="areas.csv")


def test_queen_neighbours_equal_libpysal_on_the_shipped_polygons() -> None:
    import geopandas as gpd
    from libpysal.weights import Queen

    b = shipped_boundaries()
    w = queen_weights(b, b.codes)
    frame = gpd.GeoDataFrame({"lsoa_code": list(b.codes)}, geometry=list(b.polygons), crs=27700)
    reference = Queen.from_dataframe(frame, ids="lsoa_code", use_index=False, silence_warnings=True)
    assert not reference.islands
    for i, code in enumerate(b.codes):
        ours = {b.codes[j] for j in w.matrix[i].indices}
        assert ours == set(reference.neighbors[code]), code
