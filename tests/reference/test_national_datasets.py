"""The shipped national reference: every LSOA of England and Wales, its district and force.

Known answers come from outside the build script: counts and sums read here from the raw files
with the ``csv`` module, police force areas as Schedule 1 to the Police Act 1996 defines them
(districts per force), and pub sums of the 2019 mergers added up by hand from the ONS CSV.
Tests that need the raw data skip when ``shared/data/raw`` is absent.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from vawg import datasets

REPO = Path(__file__).parents[2]
RAW = REPO.parent / "shared" / "data" / "raw"
SCRIPT = REPO / "scripts" / "build_reference.py"
NATIONAL = (
    "england_wales_lsoa.csv.gz",
    "police_force_areas.csv",
    "england_wales_district_population.csv.gz",
)
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw public data not at {RAW}")


def _raw_rows(relative: str) -> list[dict[str, str]]:
    path = RAW / relative
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _num(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def lsoa() -> pl.DataFrame:
    return datasets.england_wales_lsoas()


def test_every_lsoa_of_england_and_wales_once(lsoa: pl.DataFrame) -> None:
    assert lsoa.height == 34_753
    assert lsoa["lsoa_code"].is_unique().all()
    assert lsoa["lsoa_code"].is_sorted()
    counts = dict(lsoa.group_by("country").len().iter_rows())
    assert counts == {"England": 32_844, "Wales": 1_909}
    assert lsoa.filter(pl.col("country") == "England")["lsoa_code"].str.starts_with("E01").all()
    assert lsoa.filter(pl.col("country") == "Wales")["lsoa_code"].str.starts_with("W01").all()
    assert lsoa["district"].n_unique() == 339
    assert lsoa["force_code"].n_unique() == 43


def test_wales_has_no_invented_population_or_deprivation(lsoa: pl.DataFrame) -> None:
    wales = lsoa.filter(pl.col("country") == "Wales")
    for column in ("population", "imd_rank", "imd_decile", "income_decile", "crime_rank"):
        assert wales[column].null_count() == wales.height, column
    england = lsoa.filter(pl.col("country") == "England")
    for column in ("population", "imd_rank", "imd_decile", "living_environment_decile"):
        assert england[column].null_count() == 0, column
    for column in ("easting", "northing", "district_pubs", "district_females", "force"):
        assert lsoa[column].null_count() == 0, column


# Schedule 1 to the Police Act 1996 (as amended): districts per police area, 2019 boundaries.
FORCE_DISTRICTS = {
    "Kent": 13,  # the 12 districts of Kent County Council and Medway
    "Metropolitan Police": 32,  # the London boroughs, without the City
    "London, City of": 1,
    "Greater Manchester": 10,
    "West Yorkshire": 5,
    "Dorset": 2,  # Dorset and Bournemouth, Christchurch and Poole (from April 2019)
    "Wiltshire": 2,  # Wiltshire and Swindon
    "North Wales": 6,
    "Gwent": 5,
    "South Wales": 7,
    "Dyfed-Powys": 4,
}


@pytest.mark.parametrize(("force", "districts"), sorted(FORCE_DISTRICTS.items()))
def test_force_areas_are_the_statutory_districts(
    lsoa: pl.DataFrame, force: str, districts: int
) -> None:
    assert lsoa.filter(pl.col("force") == force)["district"].n_unique() == districts


def test_each_district_lies_in_one_force(lsoa: pl.DataFrame) -> None:
    per = lsoa.group_by("district_code").agg(pl.col("force_code").n_unique())
    assert (per["force_code"] == 1).all()


def test_kent_rows_equal_the_kent_reference(lsoa: pl.DataFrame) -> None:
    kent = datasets.kent_lsoas()
    national = lsoa.filter(pl.col("force") == "Kent").select(kent.columns)
    assert national.equals(kent)


def test_merged_2019_districts_sum_their_2018_pubs(lsoa: pl.DataFrame) -> None:
    # Hand sums of the ONS 2018 counts ("Any number of employees") of the predecessors.
    expected = {
        "Bournemouth, Christchurch and Poole": 75 + 55 + 25,
        "Dorset": 50 + 50 + 40 + 125 + 55,
        "East Suffolk": 110 + 80,
        "West Suffolk": 35 + 80,
        "Somerset West and Taunton": 90 + 45,
    }
    got = dict(
        lsoa.filter(pl.col("district").is_in(list(expected)))
        .select("district", "district_pubs")
        .unique()
        .iter_rows()
    )
    assert got == expected


def test_police_force_areas_table() -> None:
    forces = datasets.police_force_areas()
    assert forces.height == 43
    assert forces["police_uk_id"].is_unique().all()
    by_id = {r["police_uk_id"]: r for r in forces.iter_rows(named=True)}
    assert by_id["kent"]["force_code"] == "E23000032"
    assert by_id["metropolitan"]["force"] == "Metropolitan Police"
    assert by_id["dyfed-powys"]["country"] == "Wales"
    assert (forces["country"] == "Wales").sum() == 4


def test_national_district_population_extends_kent() -> None:
    national = datasets.england_wales_district_population()
    assert national.height == 339 * 2 * 7
    kent = datasets.district_population()
    codes = kent["district_code"].unique().implode()
    assert national.filter(pl.col("district_code").is_in(codes)).equals(kent)


@pytest.mark.skipif(not RAW.is_dir(), reason="raw data absent")
def test_values_match_the_raw_files(lsoa: pl.DataFrame) -> None:
    by_code = {r["lsoa_code"]: r for r in lsoa.iter_rows(named=True)}
    file2 = _raw_rows("iod2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz")
    assert len(file2) == 32_844
    for row in (file2[0], file2[12_345], file2[-1]):
        ours = by_code[row["LSOA code (2011)"]]
        assert ours["district"] == row["Local Authority District name (2019)"]
        assert ours["crime_rank"] == _num(row["Crime Rank (where 1 is most deprived)"])
        assert ours["housing_services_decile"] == _num(
            row["Barriers to Housing and Services Decile (where 1 is most deprived 10% of LSOAs)"]
        )
    file6 = _raw_rows("iod2019/File_6_-_IoD2019_Population_Denominators.csv.gz")
    total = sum(_num(r["Total population: mid 2015 (excluding prisoners)"]) for r in file6)
    assert lsoa["population"].sum() == total
    females = _raw_rows("ons-mye2019-lad-female-population/femalePpltn2019ladcodes.csv")
    ew = next(r for r in females if r["Code"] == "K04000001")  # ENGLAND AND WALES
    district_females = lsoa.select("district_code", "district_females").unique()
    assert district_females["district_females"].sum() == _num(ew["All_females"])


@needs_raw
@pytest.mark.skipif(importlib.util.find_spec("pyproj") is None, reason="pyproj not installed")
def test_build_script_reproduces_the_national_files(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--raw", str(RAW), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in NATIONAL:
        rebuilt = (tmp_path / name).read_bytes()
        shipped = (REPO / "src" / "vawg" / "datasets" / name).read_bytes()
        assert rebuilt == shipped, f"{name} differs from a rebuild"
