"""Districts in the outcome reports are placed as the profile places them: by the LSOA code,
else by the crime's coordinates."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import shapely

from vawg.config import Settings
from vawg.ingest.boundaries import shipped_boundaries
from vawg.outcomes.cases import outcome_cases
from vawg.query import connect
from vawg.store import load_paths

from .conftest import KNOWN


def test_a_crime_with_coordinates_but_no_code_is_counted_in_its_district(
    tmp_path: Path,
) -> None:
    # C01 (Ashford by its code E01000001) loses its code and gets instead a point inside a real
    # Kent LSOA, which the area table puts in Ashford: it is placed there by its coordinates.
    boundaries = shipped_boundaries()
    code = boundaries.codes[0]
    point = shapely.point_on_surface(boundaries.polygons_for([code]))[0]
    folder = tmp_path / "data"
    shutil.copytree(KNOWN, folder)
    areas = pl.read_csv(folder / "areas.csv", infer_schema=False)
    extra = pl.DataFrame({"lsoa_code": [code], "district": ["Ashford"], "population": ["1000"]})
    pl.concat([areas, extra.select(areas.columns)]).write_csv(folder / "areas.csv")
    crimes = pl.read_csv(folder / "crimes.csv", infer_schema=False)
    crimes = crimes.with_columns(
        pl.when(pl.col("crime_ref") == "C01").then(None).otherwise(pl.col(c)).alias(c)
        for c in ("lsoa_code",)
    ).with_columns(
        pl.when(pl.col("crime_ref") == "C01")
        .then(pl.lit(str(round(value))))
        .otherwise(pl.col(c))
        .alias(c)
        for c, value in (("easting", point.x), ("northing", point.y))
    )
    crimes.write_csv(folder / "crimes.csv")
    db = tmp_path / "vawg.duckdb"
    load_paths([folder], db)
    cases = outcome_cases(connect(db), Settings())
    districts = dict(cases.table.select("crime_ref", "district").to_polars().iter_rows())
    assert districts["C01"] == "Ashford"
    assert "unknown" not in districts.values()
    assert cases.placement.by_coordinates == 1
    assert cases.placement.not_placed == 0
    assert "1 crime by their coordinates" in cases.placement.sentence()
