"""``vawg mapping check`` lists what a load would quarantine; ``init`` drafts a usable mapping."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.mapping.test_examples import EXAMPLES
from typer.testing import CliRunner

from vawg.cli import app
from vawg.mapping import check, draft, load_mapping, load_translation, translate

runner = CliRunner()


def test_check_lists_the_unmapped_value_with_count_and_line_and_loads_nothing(
    tmp_path: Path,
) -> None:
    mapping = load_mapping(EXAMPLES / "wide-pairs" / "force.toml")
    findings, trial = check(mapping, [EXAMPLES / "wide-pairs"])
    first = findings[0]
    assert (first.column, first.value, first.count, first.lines) == (
        "Location Type",
        "Canal Towpath",
        1,
        (12,),
    )
    assert first.unmapped
    assert [f.unmapped for f in findings[1:]] == [False, False]  # its victim and suspect links
    assert sum(s.quarantined for s in trial.sources) == 1
    assert not list(tmp_path.iterdir())


def test_check_from_the_command_line(tmp_path: Path) -> None:
    folder = EXAMPLES / "three-tables"
    out = runner.invoke(
        app, ["mapping", "check", str(folder), "--mapping", str(folder / "force.toml")]
    )
    assert out.exit_code == 0, out.output
    assert "Gender" in out.output and "N-0008" in out.output
    assert "missing from the mapping: 1" in out.output


def test_ingest_with_mapping_writes_source_terms_to_quarantine_csv(tmp_path: Path) -> None:
    folder = EXAMPLES / "wide-pairs"
    db = tmp_path / "v.duckdb"
    args = [
        "ingest",
        str(folder / "pairs.csv"),
        "--mapping",
        str(folder / "force.toml"),
        "--db",
        str(db),
        "--unencrypted",  # made-up sample data
    ]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    text = (tmp_path / "quarantine.csv").read_text()
    assert "pairs.csv,12,Location Type,Canal Towpath," in text
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "unchanged" in again.output


def test_a_malformed_row_is_quarantined_at_its_physical_line(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    lines = (EXAMPLES / "wide-pairs" / "pairs.csv").read_text().splitlines()
    # A quoted value over two lines (line 2-3), then a row with too few fields (line 5).
    lines[1] = lines[1].replace("Dwelling - House", '"Dwelling -\nHouse"')
    lines[3] = "OCC-24-0099,05/04/2024"
    (folder / "pairs.csv").write_text("\n".join(lines) + "\n")
    mapping = load_mapping(EXAMPLES / "wide-pairs" / "force.toml")
    result = load_translation(translate(mapping, [folder]), tmp_path / "v.duckdb")
    rows = [r for r in result.quarantine if r[2] == "(row)"]
    assert {r[1] for r in rows} == {5}
    assert all(r[4].startswith("the row has 2 fields; the header has 17") for r in rows)
    # Line 2's "Dwelling -\nHouse" is unmapped (it is not "Dwelling - House").
    assert (2, "Location Type") in [(r[1], r[2]) for r in result.quarantine]
    (source,) = result.sources
    assert source.rows == source.loaded + source.quarantined == 12


def test_draft_of_the_wide_export_maps_headers_values_and_persons(tmp_path: Path) -> None:
    text = draft([EXAMPLES / "wide-pairs" / "pairs.csv"])
    data = tomllib.loads(text)
    columns = data["crimes"]["columns"]
    assert columns["crime_ref"] == "Occurrence Number"
    assert columns["recorded_date"] == "Date Recorded"
    assert columns["offence_code"] == "Home Office Classification"
    assert columns["location_type"] == "Location Type"
    assert {p["role"] for p in data["persons"]} == {"victim", "suspect"}
    assert "Female" in data["values"]["sex"]["F"]
    assert "Dwelling - Flat" in data["values"]["location_type"]["dwelling"]
    assert data["values"]["location_type"]["licensed_premises"] == ["Public House"]
    assert set(data["values"]["sex"]["F"]) == {"Female", "F"}  # victims' and suspects' columns
    assert "%d/%m/%Y" in data["dates"]["formats"]
    assert "Canal Towpath" in text  # listed as unplaced, for the analyst
    path = tmp_path / "draft.toml"
    path.write_text(text)
    _findings, trial = check(load_mapping(path), [EXAMPLES / "wide-pairs" / "pairs.csv"])
    assert trial.sources[0].rows == 12


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "force.toml"
    target.write_text("# mine\n")
    src = str(EXAMPLES / "three-tables")
    out = runner.invoke(app, ["mapping", "init", src, "--out", str(target)])
    assert out.exit_code != 0 and target.read_text() == "# mine\n"
    out = runner.invoke(app, ["mapping", "init", src, "--out", str(target), "--force"])
    assert out.exit_code == 0, out.output
    data = tomllib.loads(target.read_text())
    assert {"crimes", "people", "involvements"} <= set(data)
    # Headers in CamelCase are read as words: CrimeNo, HOCode, OutcomeDate, NominalRef.
    assert data["crimes"]["columns"]["crime_ref"] == "CrimeNo"
    assert data["crimes"]["columns"]["offence_code"] == "HOCode"
    assert data["crimes"]["columns"]["outcome_date"] == "OutcomeDate"
    assert data["people"]["columns"]["person_id"] == "NominalRef"
    assert data["involvements"]["columns"]["role"] == "InvolvementType"
