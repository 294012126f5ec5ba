"""``vawg reference``: any force's area reference, found by name, written ready for ingest.

Known answers: Kent and Medway's 1,065 LSOAs and 1,795,251 residents (IoD2019 mid-2015, the
figure in PROVENANCE.md), Gwent's five districts, the hand-made files in tests/data/reference/
(see its README), and a load through the real ``vawg ingest`` path (read = loaded).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import vawg.cli.reference  # noqa: F401  (registers the command group on the shared app)
from vawg.cli._app import app
from vawg.errors import InputError
from vawg.reference import (
    AREAS_COLUMNS,
    find_districts,
    find_force,
    force_reference,
    read_lsoa_population,
    write_force_reference,
)
from vawg.schema import TABLES
from vawg.store import load_paths

DATA = Path(__file__).parents[1] / "data" / "reference"
runner = CliRunner()


@pytest.mark.parametrize(
    "name",
    ["Kent", "Kent Police", "kent", "KENT CONSTABULARY", "E23000032", " kent  police "],
)
def test_kent_by_any_name(name: str) -> None:
    assert find_force(name).code == "E23000032"


@pytest.mark.parametrize(
    ("name", "ons"),
    [
        ("Devon and Cornwall", "Devon & Cornwall"),
        ("devon-and-cornwall", "Devon & Cornwall"),
        ("City of London Police", "London, City of"),
        ("Metropolitan Police Service", "Metropolitan Police"),
        ("metro", "Metropolitan Police"),
        ("Thames Valley", "Thames Valley"),
        ("Dyfed Powys", "Dyfed-Powys"),
    ],
)
def test_force_aliases(name: str, ons: str) -> None:
    assert find_force(name).name == ons


def test_unknown_force_names_the_closest() -> None:
    with pytest.raises(InputError, match=r"did you mean 'Metropolitan Police'.*vawg reference"):
        find_force("Metropolitn")
    with pytest.raises(InputError, match="no police force area called 'Narnia'"):
        find_force("Narnia")
    with pytest.raises(InputError, match="empty"):
        find_force("police")


def test_districts_by_name_or_code() -> None:
    assert find_districts(["Medway", "e07000113", "medway"]) == ("E06000035", "E07000113")
    with pytest.raises(InputError, match="did you mean"):
        find_districts(["Medwya"])


def test_kent_reference_is_the_contract_areas_table() -> None:
    ref = force_reference(force="Kent")
    assert ref.areas.height == 1_065
    assert ref.areas["population"].sum() == 1_795_251
    assert ref.areas["district"].n_unique() == 13
    assert (ref.areas["force"] == "Kent").all()
    contract = [c.name for c in TABLES["areas"].columns]
    assert set(AREAS_COLUMNS) <= set(contract)
    assert sorted(AREAS_COLUMNS, key=contract.index) == list(AREAS_COLUMNS)
    # Pubs are the district totals, the same on every LSOA of a district.
    per = ref.areas.group_by("district").agg(pl.col("pubs").n_unique())
    assert (per["pubs"] == 1).all()
    assert ref.areas["town_centre"].null_count() == 1_065
    assert ref.district_population.height == 13 * 2 * 7
    assert any("district's 2018 count" in note for note in ref.notes)


def test_force_or_districts_not_both() -> None:
    with pytest.raises(InputError, match="either a force"):
        force_reference(force="Kent", districts=["Medway"])
    with pytest.raises(InputError, match="either a force"):
        force_reference()


def test_wales_needs_a_population_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"368 of the 368 LSOAs chosen are in Wales.*--population"):
        force_reference(force="Gwent")
    gwent = _codes_of("Gwent")
    pop_file = tmp_path / "gwent.csv"
    pop_file.write_text(
        "lsoa11cd,population\n" + "".join(f"{c},{1000 + i}\n" for i, c in enumerate(gwent)),
        encoding="utf-8",
    )
    ref = force_reference(force="Gwent", population=read_lsoa_population(pop_file))
    assert ref.areas.height == 368
    assert ref.areas["population"].sum() == sum(1000 + i for i in range(368))
    assert ref.areas["imd_decile"].null_count() == 368
    assert any("Welsh Index of Multiple Deprivation" in note for note in ref.notes)


def _codes_of(force: str) -> list[str]:
    from vawg.datasets import england_wales_lsoas

    lsoa = england_wales_lsoas()
    return lsoa.filter(pl.col("force") == force)["lsoa_code"].to_list()


def test_population_file_headers_and_checks(tmp_path: Path) -> None:
    pop = read_lsoa_population(DATA / "population.csv")
    assert pop.to_dicts() == [
        {"lsoa_code": "E01016017", "population": 1700},
        {"lsoa_code": "E01024006", "population": 1650},
    ]
    with pytest.raises(InputError, match="no row for 1,063 of the 1,065"):
        force_reference(force="Kent", population=pop)
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA11CD,Total\nE01016017,n/a\n", encoding="utf-8")
    with pytest.raises(InputError, match="'E01016017' = 'n/a'"):
        read_lsoa_population(bad)
    twice = tmp_path / "twice.csv"
    twice.write_text("lsoa_code,population\nE01016017,5\nE01016017,6\n", encoding="utf-8")
    with pytest.raises(InputError, match="repeat"):
        read_lsoa_population(twice)
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("area,people\nE01016017,5\n", encoding="utf-8")
    with pytest.raises(InputError, match="need an LSOA code column"):
        read_lsoa_population(nameless)


def test_written_files_load_through_ingest(tmp_path: Path) -> None:
    ref = force_reference(force="Kent")
    written = write_force_reference(ref, tmp_path / "kent")
    assert written.boundaries_missing is None
    assert {p.name for p in written.files.values()} == {
        "areas.csv",
        "district_population.csv",
        "lsoa_reference.csv",
        "README.md",
    }
    assert "Lower Layer Super Output Areas (December 2011)" in written.files["readme"].read_text(
        encoding="utf-8"
    )
    result = load_paths([written.files["areas"]], tmp_path / "kent.duckdb")
    assert (result.read, result.loaded, result.quarantined) == (1_065, 1_065, 0)


def test_welsh_codes_load_through_ingest(tmp_path: Path) -> None:
    gwent = _codes_of("Gwent")
    pop = pl.DataFrame({"lsoa_code": gwent, "population": [1500] * len(gwent)})
    written = write_force_reference(force_reference(force="Gwent", population=pop), tmp_path)
    result = load_paths([written.files["areas"]], tmp_path / "gwent.duckdb")
    assert (result.read, result.loaded, result.quarantined) == (368, 368, 0)


def test_boundaries_are_cut_to_the_force(tmp_path: Path) -> None:
    ref = force_reference(force="Kent")
    written = write_force_reference(ref, tmp_path, boundaries=DATA / "boundaries.geojson")
    cut = json.loads(written.files["boundaries"].read_text(encoding="utf-8"))
    assert [f["properties"] for f in cut["features"]] == [
        {"lsoa_code": "E01016017", "lsoa_name": "Medway 015B", "district": "Medway"},
        {"lsoa_code": "E01024006", "lsoa_name": "Ashford 009B", "district": "Ashford"},
    ]
    assert cut["crs"]["properties"]["name"].endswith("CRS84")
    assert cut["features"][0]["geometry"]["coordinates"][0][0] == [0.50, 51.38]
    assert written.boundaries_missing is not None
    assert len(written.boundaries_missing) == 1_063


def test_boundaries_without_any_of_the_lsoas_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="none of the 308"):
        write_force_reference(
            force_reference(force="Dyfed-Powys", population=_flat("Dyfed-Powys")),
            tmp_path,
            boundaries=DATA / "boundaries.geojson",
        )
    with pytest.raises(InputError, match="not found; download"):
        write_force_reference(
            force_reference(force="Kent"), tmp_path, boundaries=tmp_path / "nope.geojson"
        )


def _flat(force: str) -> pl.DataFrame:
    codes = _codes_of(force)
    return pl.DataFrame({"lsoa_code": codes, "population": [1500] * len(codes)})


def test_cli_build_forces_and_districts(tmp_path: Path) -> None:
    out = tmp_path / "surrey"
    done = runner.invoke(app, ["reference", "build", "--force", "surrey", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert (out / "areas.csv").is_file()
    assert "709 LSOAs in 11 districts" in done.output
    assert "Lower Layer Super Output Areas" in done.output
    listed = runner.invoke(app, ["reference", "forces"])
    assert listed.exit_code == 0 and "Dyfed-Powys" in listed.output
    kent = runner.invoke(app, ["reference", "districts", "--force", "Kent"])
    assert kent.exit_code == 0 and "Medway" in kent.output and "Elmbridge" not in kent.output
    two = runner.invoke(
        app, ["reference", "build", "--districts", "Medway, Swale", "--out", str(tmp_path / "two")]
    )
    assert two.exit_code == 0, two.output
    assert pl.read_csv(tmp_path / "two" / "areas.csv")["district"].n_unique() == 2


def test_cli_refuses_an_unknown_force(tmp_path: Path) -> None:
    done = runner.invoke(app, ["reference", "build", "--force", "Atlantis", "--out", str(tmp_path)])
    assert done.exit_code != 0
    assert isinstance(done.exception, InputError)
    assert "Atlantis" in str(done.exception)
