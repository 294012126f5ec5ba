"""Tests for the packaged reference datasets (``vawg.datasets``).

Known answers are independent of ``scripts/build_reference.py``: they are either constants copied
by hand from the raw public files, or re-read from those raw files here with the ``csv`` module.
Tests that need the raw data skip (with the reason) when ``shared/data/raw`` is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import importlib.util
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from vawg import datasets

REPO = Path(__file__).parents[1]
RAW = REPO.parent / "shared" / "data" / "raw"
SCRIPT = REPO / "scripts" / "build_reference.py"
SHIPPED = ("kent_lsoa.csv", "district_population.csv", "hadcet_daily.csv")
BOUNDARIES = "kent_lsoa_boundaries.geojson.gz"

needs_raw = pytest.mark.skipif(
    not RAW.is_dir(), reason=f"raw public data not available at {RAW} (only on the build machine)"
)

KENT_MEDWAY_DISTRICTS = {
    "E06000035": "Medway",
    "E07000105": "Ashford",
    "E07000106": "Canterbury",
    "E07000107": "Dartford",
    "E07000108": "Dover",
    "E07000109": "Gravesham",
    "E07000110": "Maidstone",
    "E07000111": "Sevenoaks",
    "E07000112": "Folkestone and Hythe",
    "E07000113": "Swale",
    "E07000114": "Thanet",
    "E07000115": "Tonbridge and Malling",
    "E07000116": "Tunbridge Wells",
}
AGE_BANDS = ["0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65+"]
SPOT_LSOAS = ("E01016017", "E01024006", "E01033215")
_IOD1 = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
_IOD6 = "File_6_-_IoD2019_Population_Denominators.csv.gz"
_CENTROIDS = (
    "ons-lsoa2011-pop-weighted-centroids/"
    "Lower_Layer_Super_Output_Areas_December_2011_Population_Weighted_Centroids.csv"
)


def _raw_rows(relative: str) -> list[dict[str, str]]:
    path = RAW / relative
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _num(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def lsoa() -> pl.DataFrame:
    return datasets.kent_lsoas()


@pytest.fixture(scope="module")
def popn() -> pl.DataFrame:
    return datasets.district_population()


@pytest.fixture(scope="module")
def hadcet() -> pl.DataFrame:
    return datasets.hadcet_daily()


# --------------------------------------------------------------------------- kent_lsoa.csv


def test_kent_lsoa_shape_and_keys(lsoa: pl.DataFrame) -> None:
    assert lsoa.columns == list(datasets.KENT_LSOA_SCHEMA)
    assert lsoa.height == 1065
    assert lsoa["lsoa_code"].n_unique() == 1065
    assert lsoa["lsoa_code"].to_list() == sorted(lsoa["lsoa_code"].to_list())
    assert lsoa["lsoa_code"].str.contains(r"^E01\d{6}$").all()
    assert lsoa.null_count().sum_horizontal().item() == 0


def test_kent_lsoa_districts(lsoa: pl.DataFrame) -> None:
    pairs = dict(lsoa.select("district_code", "district").unique().iter_rows())
    assert pairs == KENT_MEDWAY_DISTRICTS
    # Medway is the largest single authority: 163 LSOAs (count from the IoD2019 File 1 subset).
    assert lsoa.filter(pl.col("district_code") == "E06000035").height == 163


def test_kent_lsoa_ranges(lsoa: pl.DataFrame) -> None:
    assert lsoa["imd_rank"].is_between(1, 32844).all()
    assert lsoa["imd_decile"].is_between(1, 10).all()
    # decile 1 = most deprived 10% of England's 32,844 LSOAs: decile follows from rank
    assert (lsoa["imd_decile"] == (lsoa["imd_rank"] - 1) * 10 // 32844 + 1).all()
    assert (
        lsoa["population"]
        == lsoa["population_0_15"] + lsoa["population_16_59"] + lsoa["population_60_plus"]
    ).all()
    assert lsoa["easting"].is_between(540_000, 660_000).all()
    assert lsoa["northing"].is_between(100_000, 190_000).all()
    # pubs are a district attribute: constant within each district
    assert (
        lsoa.group_by("district_code")
        .agg(pl.col("district_pubs").n_unique())["district_pubs"]
        .to_list()
        == [1] * 13
    )


def test_kent_lsoa_known_values_hand_copied(lsoa: pl.DataFrame) -> None:
    # Copied by hand from kent_medway_File_1/File_6 (IoD2019) and the pubs CSV ("Any number of
    # employees", count_2018, Medway = 105).
    row = lsoa.filter(pl.col("lsoa_code") == "E01016017").row(0, named=True)
    assert row["lsoa_name"] == "Medway 015B"
    assert (row["imd_rank"], row["imd_decile"]) == (1727, 1)
    assert (
        row["population"],
        row["population_0_15"],
        row["population_16_59"],
        row["population_60_plus"],
    ) == (1686, 321, 1169, 196)
    assert row["district_pubs"] == 105


@needs_raw
@pytest.mark.parametrize("code", SPOT_LSOAS)
def test_kent_lsoa_spot_values_against_raw_iod(lsoa: pl.DataFrame, code: str) -> None:
    f1 = {r["LSOA code (2011)"]: r for r in _raw_rows("iod2019/" + _IOD1)}
    f6 = {r["LSOA code (2011)"]: r for r in _raw_rows("iod2019/" + _IOD6)}
    row = lsoa.filter(pl.col("lsoa_code") == code).row(0, named=True)
    r1, r6 = f1[code], f6[code]
    assert row["lsoa_name"] == r1["LSOA name (2011)"]
    assert row["district_code"] == r1["Local Authority District code (2019)"]
    assert row["district"] == r1["Local Authority District name (2019)"]
    assert row["imd_rank"] == _num(r1["Index of Multiple Deprivation (IMD) Rank"])
    assert row["imd_decile"] == _num(r1["Index of Multiple Deprivation (IMD) Decile"])
    assert row["population"] == _num(r6["Total population: mid 2015 (excluding prisoners)"])
    assert row["population_0_15"] == _num(
        r6["Dependent Children aged 0-15: mid 2015 (excluding prisoners)"]
    )
    assert row["population_16_59"] == _num(
        r6["Population aged 16-59: mid 2015 (excluding prisoners)"]
    )
    assert row["population_60_plus"] == _num(
        r6["Older population aged 60 and over: mid 2015 (excluding prisoners)"]
    )


@needs_raw
def test_kent_lsoa_same_set_as_raw_subset(lsoa: pl.DataFrame) -> None:
    subset = _raw_rows("iod2019/kent_medway_File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
    assert {r["LSOA code (2011)"] for r in subset} == set(lsoa["lsoa_code"].to_list())


@needs_raw
def test_kent_lsoa_pubs_against_raw(lsoa: pl.DataFrame) -> None:
    rows = _raw_rows(
        "ons-pubs-bars-by-la-2001-2018/publichousesandbarsbylocalauthority20012018.csv"
    )
    expected = {
        r["Area code"]: _num(r["count_2018"])
        for r in rows
        if r["Number of employees in public house or bar"] == "Any number of employees"
        and r["Area code"] in KENT_MEDWAY_DISTRICTS
    }
    got = dict(lsoa.select("district_code", "district_pubs").unique().iter_rows())
    assert got == expected


# ----------------------------------------------------------------------- centroids / BNG


AIRY_A, AIRY_B = 6377563.396, 6356256.909  # Airy 1830 ellipsoid (OSGB36)


def _wgs84_to_osgb36(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """WGS84 geodetic -> cartesian -> OS 7-parameter Helmert -> OSGB36 (Airy) geodetic, in
    degrees (lon, lat). Ordnance Survey, "A guide to coordinate systems in Great Britain"."""
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    a, f = 6378137.0, 1 / 298.257223563  # WGS84
    e2 = f * (2 - f)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    x = nu * math.cos(lat) * math.cos(lon)
    y = nu * math.cos(lat) * math.sin(lon)
    z = nu * (1 - e2) * math.sin(lat)
    tx, ty, tz = -446.448, 125.157, -542.060  # metres
    s = 20.4894e-6
    arc = math.pi / (180 * 3600)
    rx, ry, rz = -0.1502 * arc, -0.2470 * arc, -0.8421 * arc
    x2 = tx + (1 + s) * x - rz * y + ry * z
    y2 = ty + rz * x + (1 + s) * y - rx * z
    z2 = tz - ry * x + rx * y + (1 + s) * z
    e2 = 1 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A)
    p = math.hypot(x2, y2)
    lat = math.atan2(z2, p * (1 - e2))
    for _ in range(10):
        nu = AIRY_A / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z2 + e2 * nu * math.sin(lat), p)
    return math.degrees(math.atan2(y2, x2)), math.degrees(lat)


def _osgb36_to_bng(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """OSGB36 geodetic (degrees) -> National Grid easting/northing (Transverse Mercator, OS
    guide Annex C formulae)."""
    a, b = AIRY_A, AIRY_B
    e2 = 1 - (b * b) / (a * a)
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    f0, lat0, lon0, e0, n0 = 0.9996012717, math.radians(49), math.radians(-2), 400000, -100000
    n = (a - b) / (a + b)
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin**2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    dlat, slat = lat - lat0, lat + lat0
    m = (
        b
        * f0
        * (
            (1 + n + 1.25 * n**2 + 1.25 * n**3) * dlat
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(dlat) * math.cos(slat)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * dlat) * math.cos(2 * slat)
            - 35 / 24 * n**3 * math.sin(3 * dlat) * math.cos(3 * slat)
        )
    )
    i = m + n0
    ii = nu / 2 * sin * cos
    iii = nu / 24 * sin * cos**3 * (5 - tan**2 + 9 * eta2)
    iiia = nu / 720 * sin * cos**5 * (61 - 58 * tan**2 + tan**4)
    iv = nu * cos
    v = nu / 6 * cos**3 * (nu / rho - tan**2)
    vi = nu / 120 * cos**5 * (5 - 18 * tan**2 + tan**4 + 14 * eta2 - 58 * tan**2 * eta2)
    dl = lon - lon0
    northing = i + ii * dl**2 + iii * dl**4 + iiia * dl**6
    easting = e0 + iv * dl + v * dl**3 + vi * dl**5
    return easting, northing


def _wgs84_to_bng(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """Hand-coded WGS84 -> BNG, independent of pyproj (Helmert, ~2 m vs OSTN15)."""
    return _osgb36_to_bng(*_wgs84_to_osgb36(lon_deg, lat_deg))


def test_hand_tm_formula_matches_os_worked_example() -> None:
    # OS guide worked example: OSGB36 52°39'27.2531"N 1°43'4.5177"E -> E 651409.903,
    # N 313177.270.
    lat = 52 + 39 / 60 + 27.2531 / 3600
    lon = 1 + 43 / 60 + 4.5177 / 3600
    e, n = _osgb36_to_bng(lon, lat)
    assert e == pytest.approx(651409.903, abs=0.01)
    assert n == pytest.approx(313177.270, abs=0.01)


def test_centroid_conversion_hand_computed(lsoa: pl.DataFrame) -> None:
    # E01016017 (Medway 015B) population-weighted centroid, WGS84, copied by hand from the ONS
    # centroid file (X, Y columns).
    e, n = _wgs84_to_bng(0.519456442058812, 51.378910045096099)
    row = lsoa.filter(pl.col("lsoa_code") == "E01016017").row(0, named=True)
    assert abs(row["easting"] - e) <= 1.0
    assert abs(row["northing"] - n) <= 1.0


@needs_raw
def test_centroid_conversion_against_raw(lsoa: pl.DataFrame) -> None:
    raw = {r["lsoa11cd"]: r for r in _raw_rows(_CENTROIDS)}
    for code in SPOT_LSOAS:
        r = raw[code]
        e, n = _wgs84_to_bng(float(r["X"]), float(r["Y"]))
        row = lsoa.filter(pl.col("lsoa_code") == code).row(0, named=True)
        assert abs(row["easting"] - e) <= 1.0, code
        assert abs(row["northing"] - n) <= 1.0, code
    # the hand-copied coordinate above really is the one in the raw file
    assert float(raw["E01016017"]["X"]) == pytest.approx(0.519456442058812, abs=1e-12)
    assert float(raw["E01016017"]["Y"]) == pytest.approx(51.378910045096099, abs=1e-12)


# ------------------------------------------------------------- district_population.csv


def test_district_population_shape(popn: pl.DataFrame) -> None:
    assert popn.columns == list(datasets.DISTRICT_POPULATION_SCHEMA)
    assert popn.height == 13 * 2 * 7
    assert dict(popn.select("district_code", "district").unique().iter_rows()) == (
        KENT_MEDWAY_DISTRICTS
    )
    assert sorted(popn["sex"].unique().to_list()) == ["F", "M"]
    for (_, _sex), grp in popn.group_by("district_code", "sex"):
        assert grp["age_band"].to_list() == AGE_BANDS
    assert (popn["population"] > 0).all()
    assert popn.select("district_code", "sex", "age_band").is_unique().all()


def test_female_totals_hand_copied(popn: pl.DataFrame) -> None:
    female = popn.filter(pl.col("sex") == "F")
    totals = dict(female.group_by("district_code").agg(pl.col("population").sum()).iter_rows())
    # All_females, ONS mid-2019 (raw PROVENANCE.md): Medway 140,504; Kent CC (E10000016, the
    # 12 districts without Medway) 804,852.
    assert totals["E06000035"] == 140_504
    assert sum(v for k, v in totals.items() if k != "E06000035") == 804_852


@needs_raw
def test_female_totals_against_raw(popn: pl.DataFrame) -> None:
    rows = {
        r["Code"]: r
        for r in _raw_rows("ons-mye2019-lad-female-population/femalePpltn2019ladcodes.csv")
    }
    female = popn.filter(pl.col("sex") == "F")
    for code in KENT_MEDWAY_DISTRICTS:
        raw = rows[code]
        mine = female.filter(pl.col("district_code") == code)
        assert mine["population"].sum() == _num(raw["All_females"]), code
        band = dict(mine.select("age_band", "population").iter_rows())
        assert band["0-15"] == sum(_num(raw[f"female_{a}"]) for a in range(16))
        assert band["16-24"] == sum(_num(raw[f"female_{a}"]) for a in range(16, 25))
        assert band["65+"] == sum(_num(raw[f"female_{a}"]) for a in range(65, 90)) + _num(
            raw["female_90+"]
        )
    assert rows["E10000016"]["All_females"] == "804,852"


def test_male_rows_follow_documented_assumption(popn: pl.DataFrame) -> None:
    wide = popn.pivot(on="sex", index=["district_code", "age_band"], values="population")
    for age_band, f, m in wide.select("age_band", "F", "M").iter_rows():
        per_100 = 105 if age_band == "0-15" else 96
        assert m == (f * per_100 + 50) // 100


# ------------------------------------------------------------------------ hadcet_daily.csv


def test_hadcet_complete(hadcet: pl.DataFrame) -> None:
    assert hadcet.schema == pl.Schema(datasets.HADCET_DAILY_SCHEMA)
    assert hadcet.height == 2922
    assert hadcet["date"].null_count() == 0 and hadcet["tmean_c"].null_count() == 0
    assert hadcet["date"][0] == dt.date(2016, 1, 1)
    assert hadcet["date"][-1] == dt.date(2023, 12, 31)
    assert (hadcet["date"].diff().drop_nulls() == dt.timedelta(days=1)).all()
    assert hadcet["tmean_c"].is_between(-10, 35).all()


def test_hadcet_known_value(hadcet: pl.DataFrame) -> None:
    # 2018-07-26, copied by hand from meantemp_daily_totals.txt (summer 2018 heatwave)
    value = hadcet.filter(pl.col("date") == dt.date(2018, 7, 26))["tmean_c"].item()
    assert value == pytest.approx(22.4)


@needs_raw
def test_hadcet_against_raw_text(hadcet: pl.DataFrame) -> None:
    text = (RAW / "hadcet-daily-mean" / "meantemp_daily_totals.txt").read_text()
    raw = dict(
        (d, float(v))
        for d, v in re.findall(r"^(\d{4}-\d{2}-\d{2})\s+(-?\d+\.\d)\s*$", text, flags=re.M)
    )
    for date in ("2016-01-01", "2018-07-26", "2020-02-29", "2023-12-31"):
        got = hadcet.filter(pl.col("date") == dt.date.fromisoformat(date))["tmean_c"].item()
        assert got == pytest.approx(raw[date]), date


# ----------------------------------------------------------------- packaging / provenance


def test_dataset_path() -> None:
    for name in SHIPPED:
        path = datasets.dataset_path(name)
        assert path.is_file() and path.name == name
    with pytest.raises(FileNotFoundError):
        datasets.dataset_path("no_such_file.csv")
    with pytest.raises(ValueError):
        datasets.dataset_path("../__init__.py")


def test_provenance_row_counts_match() -> None:
    text = datasets.dataset_path("PROVENANCE.md").read_text(encoding="utf-8")
    for name in SHIPPED:
        section = text.split(f"## `{name}`", 1)
        assert len(section) == 2, f"PROVENANCE.md has no section for {name}"
        match = re.search(r"\*\*Rows:\*\* ([\d,]+)", section[1])
        assert match, name
        n_lines = datasets.dataset_path(name).read_bytes().count(b"\n") - 1
        assert _num(match.group(1)) == n_lines, name
    assert "ASSUMPTION" in text


@needs_raw
@pytest.mark.skipif(
    importlib.util.find_spec("pyproj") is None, reason="pyproj (scripts extra) not installed"
)
def test_build_script_reproduces_shipped_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--raw", str(RAW), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in (*SHIPPED, BOUNDARIES):
        rebuilt = (tmp_path / name).read_bytes()
        assert rebuilt == datasets.dataset_path(name).read_bytes(), f"{name} differs from build"


def test_boundaries_file_is_documented_and_complete() -> None:
    import json

    text = datasets.dataset_path("PROVENANCE.md").read_text(encoding="utf-8")
    section = text.split(f"## `{BOUNDARIES}`", 1)
    assert len(section) == 2, "PROVENANCE.md has no section for the boundaries"
    size = datasets.dataset_path(BOUNDARIES).stat().st_size
    match = re.search(r"\*\*Size:\*\* ([\d,]+) bytes", section[1])
    assert match and _num(match.group(1)) == size
    assert "Contains OS data" in section[1] and "Open Government Licence" in section[1]
    collection = json.loads(datasets.kent_lsoa_boundaries_geojson())
    codes = [f["properties"]["lsoa_code"] for f in collection["features"]]
    assert codes == sorted(codes) and len(codes) == 1065
    assert collection["crs"]["properties"]["name"].endswith("27700")
