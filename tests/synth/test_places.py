"""Where synthetic crimes are: coordinates strictly inside the true LSOA, codes blanked on a
configurable share, and placement recovering every blanked LSOA exactly.

The same seed at ``blank_lsoa_share`` 0 and 0.5 gives the same coordinates (the blanking draws
come last, from their own stream), so the folder with every code is the truth for the other.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
import shapely

from vawg.config import Settings
from vawg.errors import InputError
from vawg.ingest.boundaries import shipped_boundaries
from vawg.query import connect
from vawg.scope import vawg_scope
from vawg.spatial.placement import place_scope
from vawg.store import load_paths
from vawg.synth import SynthResult, generate

SEED = 3


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthResult, SynthResult]:
    root = tmp_path_factory.mktemp("places")
    every = generate(root / "every", scale=0.05, seed=SEED, blank_lsoa_share=0.0)
    half = generate(root / "half", scale=0.05, seed=SEED, blank_lsoa_share=0.5)
    return every, half


def _crimes(result: SynthResult) -> pl.DataFrame:
    return pl.read_csv(result.files["crimes"], infer_schema=False).select(
        "crime_ref",
        "lsoa_code",
        pl.col("easting").cast(pl.Int64),
        pl.col("northing").cast(pl.Int64),
    )


def test_coordinates_lie_strictly_inside_the_true_lsoa(
    pair: tuple[SynthResult, SynthResult],
) -> None:
    crimes = _crimes(pair[0]).filter(pl.col("easting").is_not_null())
    polygons = shipped_boundaries().polygons_for(crimes["lsoa_code"].to_list())
    east, north = crimes["easting"].to_numpy(), crimes["northing"].to_numpy()
    inside = shapely.contains_xy(polygons, east, north)
    assert crimes.height > 1000 and bool(inside.all())


def test_a_share_of_codes_is_blanked_and_nothing_else_changes(
    pair: tuple[SynthResult, SynthResult],
) -> None:
    every, half = (_crimes(r) for r in pair)
    assert every["crime_ref"].equals(half["crime_ref"])
    assert every.select("easting", "northing").equals(half.select("easting", "northing"))
    assert every["lsoa_code"].null_count() == 0
    blank = half["lsoa_code"].is_null()
    has_xy = half["easting"].is_not_null()
    assert not (blank & ~has_xy).any()  # a crime without coordinates keeps its code
    kept = ~blank
    assert half.filter(kept)["lsoa_code"].equals(every.filter(kept)["lsoa_code"])
    n, k = int(has_xy.sum()), int(blank.sum())
    assert abs(k / n - 0.5) < 4 * math.sqrt(0.25 / n)  # binomial, four standard errors
    recording = pair[1].truth["recording"]
    assert recording["blank_lsoa_share"] == 0.5
    assert recording["crimes_without_lsoa_code"] == k
    assert recording["crimes_with_coordinates"] == n


def test_placement_recovers_every_blanked_lsoa(
    pair: tuple[SynthResult, SynthResult], tmp_path: Path
) -> None:
    counts = []
    for name, result in zip(("every", "half"), pair, strict=True):
        db = tmp_path / f"{name}.duckdb"
        load_paths([result.out_dir], db)
        tables = connect(db)
        scope = vawg_scope(tables, Settings())
        areas = pl.read_csv(result.files["areas"])["lsoa_code"]
        placed, placement = place_scope(scope, areas, shipped_boundaries())
        assert placement.not_placed == 0 and placement.disagree == 0
        frame = pl.from_arrow(placed.crimes.select("crime_ref", "lsoa_code").to_pyarrow())
        assert isinstance(frame, pl.DataFrame)
        counts.append((frame.sort("crime_ref"), placement))
    (every, p_every), (half, p_half) = counts
    assert every.equals(half)
    assert p_every.by_coordinates == 0
    assert p_half.by_coordinates > 0
    assert p_half.by_code + p_half.by_coordinates == p_every.by_code


def test_the_share_is_checked() -> None:
    with pytest.raises(InputError, match="between 0 and 1"):
        generate(Path("unused"), scale=0.05, blank_lsoa_share=1.5)


def test_an_lsoa_without_a_shipped_polygon_gets_its_centroid_plus_noise() -> None:
    import numpy as np

    from vawg.synth.places import points_in_lsoas

    kent = shipped_boundaries()
    inside = kent.codes[0]
    codes = [inside, "W01000001", inside, "E01000001"]  # two codes with no Kent polygon
    anchor_e = np.array([600000.0, 320000.0, 600000.0, 532000.0])
    anchor_n = np.array([150000.0, 380000.0, 150000.0, 181000.0])
    unit = np.array([0.5, -1.0, 2.0, 0.25])
    east, north, has_polygon = points_in_lsoas(
        codes, anchor_e, anchor_n, unit, -unit, kent, np.random.default_rng(0)
    )
    assert has_polygon.tolist() == [True, False, True, False]
    # no polygon: the centroid plus 150 m times the unit draw, rounded to whole metres
    assert east[[1, 3]].tolist() == [320000 - 150, 532000 + 38]
    assert north[[1, 3]].tolist() == [380000 + 150, 181000 - 38]
    polygon = kent.polygons_for([inside])[0]
    assert shapely.contains_xy(polygon, east[[0, 2]], north[[0, 2]]).all()
