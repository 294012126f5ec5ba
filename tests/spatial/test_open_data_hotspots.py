"""Hot spots on the real Kent police.uk files alone (issue 14, open data everywhere).

Known answer: the violence and sexual offences rows counted per LSOA equal a plain pandas count
of the raw files, computed here without the product's code: the Kent and Medway LSOAs are the
1,065 polygons of the raw ONS boundary files; a row whose "LSOA code" is one of them counts
there; any other row with coordinates counts in the raw polygon (WGS84, shapely) that holds
its point, and is not placed when none does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
import shapely
from tests.pages import assert_valid_html
from typer.testing import CliRunner

from vawg.cli import app
from vawg.config import Settings
from vawg.inputs.open_data import OPEN_DATA_CANNOT_SHOW
from vawg.query import connect
from vawg.report.open_data import open_hotspots_html
from vawg.spatial.open_data import OpenDataHotspots, open_data_hotspots
from vawg.spatial.public import disclose_open_hotspots
from vawg.store import load_paths

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"
STREET = RAW / "police-uk-kent-street"
BOUNDARIES = RAW / "ons-lsoa2011-boundaries-kent-medway"
pytestmark = pytest.mark.skipif(not STREET.is_dir(), reason="shared/data/raw is absent")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openhot") / "v.duckdb"
    load_paths(sorted(STREET.glob("*-street.csv")), path)
    return path


@pytest.fixture(scope="module")
def result(db: Path) -> OpenDataHotspots:
    tables = connect(db)
    try:
        return open_data_hotspots(tables, Settings())
    finally:
        tables.backend.disconnect()


def _expected() -> tuple[dict[str, int], int, int]:
    """Rows per Kent LSOA, rows not placed, and all violence and sexual offences rows."""
    frame = pd.concat(pd.read_csv(p, dtype=str) for p in sorted(STREET.glob("*-street.csv")))
    vso = frame[frame["Crime type"] == "Violence and sexual offences"]
    codes, polygons = [], []
    for path in sorted(BOUNDARIES.glob("E0*.json")):
        for feature in json.loads(path.read_text())["features"]:
            codes.append(feature["properties"]["LSOA11CD"])
            polygons.append(shapely.geometry.shape(feature["geometry"]))
    assert len(codes) == 1_065
    by_code = vso[vso["LSOA code"].isin(codes)]
    counts = by_code["LSOA code"].value_counts().to_dict()
    rest = vso[~vso["LSOA code"].isin(codes) & vso["Longitude"].notna()]
    lons, lats = rest["Longitude"].astype(float), rest["Latitude"].astype(float)
    for lon, lat in zip(lons, lats, strict=True):
        point = shapely.Point(lon, lat)
        inside = [c for c, poly in zip(codes, polygons, strict=True) if poly.covers(point)]
        if inside:
            counts[inside[0]] = counts.get(inside[0], 0) + 1
    placed = sum(counts.values())
    return counts, len(vso) - placed, len(vso)


def test_counts_per_lsoa_equal_a_pandas_count_of_the_raw_files(result: OpenDataHotspots) -> None:
    want, not_placed, rows = _expected()
    got = {code: n for code, n in result.table.select("lsoa_code", "crimes").iter_rows() if n > 0}
    assert got == want
    assert result.rows == rows == 22_353  # raw data INDEX.md
    assert result.placement.not_placed == not_placed
    assert result.table.height == 1_065
    assert result.months == ("2018-10", "2019-01") and result.n_months == 4


def test_rates_are_per_resident_per_year_and_hot_spots_are_gi_star(
    result: OpenDataHotspots,
) -> None:
    table = result.table
    want = 1000.0 * table["crimes"] / table["population"] / (4 / 12)
    assert (table["rate"] - want).abs().max() < 1e-9
    assert result.found.hot_spots == int(table["declared"].sum()) > 0
    # every declared hot spot has a positive z and a q-value under the FDR level
    hot = table.filter(pl.col("declared"))
    assert (hot["gi_z"] > 0).all() and (hot["q_value"] < 0.05).all()


def test_the_report_says_what_open_data_cannot_show(result: OpenDataHotspots) -> None:
    page = open_hotspots_html(result)
    assert "What open data cannot show" in page
    for clause in ("the sex of victims", "the domestic abuse flag", "people: no victims"):
        assert clause in page
    assert "not violence against women and girls" in page
    assert result.cannot_show == OPEN_DATA_CANNOT_SHOW


def test_public_version_withholds_small_counts_and_rounds(result: OpenDataHotspots) -> None:
    settings = Settings()
    public = disclose_open_hotspots(result, settings)
    shown = public.table["crimes"].drop_nulls()
    threshold = settings.disclosure_threshold
    assert (shown % threshold == 0).all()
    assert public.table["crimes"].null_count() > 0  # Kent has LSOAs with few rows in 4 months
    hidden = public.table.filter(pl.col("crimes").is_null())
    assert hidden["gi_z"].null_count() == hidden.height
    assert "p_value" not in public.table.columns and "p_perm" not in public.table.columns
    assert public.placement.rows is not None and public.placement.rows % threshold == 0


def test_hotspots_command_runs_on_open_data_alone(db: Path, tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["hotspots", "--db", str(db), "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "no crimes are loaded" not in out.output
    assert "open data cannot show" in out.output
    text = (tmp_path / "hotspots-open-data.html").read_text()
    assert "What open data cannot show" in text
    assert_valid_html(text)


def test_exclude_anomalies_leaves_out_the_flagged_months_and_png_maps_are_drawn(
    db: Path, tmp_path: Path
) -> None:
    """The real Kent files' November and December 2018 are a records-system artefact
    (raw data INDEX.md); --exclude-anomalies counts only October 2018 and January 2019."""
    frame = pd.concat(pd.read_csv(p, dtype=str) for p in sorted(STREET.glob("*-street.csv")))
    kept = frame[
        (frame["Crime type"] == "Violence and sexual offences")
        & frame["Month"].isin(["2018-10", "2019-01"])
    ]
    args = ["hotspots", "--db", str(db), "--out", str(tmp_path), "--exclude-anomalies", "--png"]
    out = CliRunner().invoke(app, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    got = json.loads((tmp_path / "hotspots-open-data.json").read_text())
    assert got["rows"] == len(kept)
    assert got["n_months"] == 2
    assert any("November 2018, December 2018" in n for n in got["notes"])
    assert (tmp_path / "hotspots-open-data-map.png").read_bytes()[:4] == b"\x89PNG"
