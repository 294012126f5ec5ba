"""An .xlsx sheet reads like CSV: same rows loaded, and quarantine records name sheet and row."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
from tests.mapping.test_examples import CONTRACT, EXAMPLES, contents

from vawg.mapping import load_mapping, load_translation, read_source, translate
from vawg.store import load_paths


def _typed(header: str, text: str) -> object:
    """What Excel itself would store: real dates for date columns, numbers for outcomes."""
    if not text:
        return None
    if header in ("Date Recorded", "Victim DOB", "Suspect DOB", "Outcome Date"):
        return dt.datetime.strptime(text, "%d/%m/%Y")
    if header in ("Committed From", "Committed To"):
        return dt.datetime.strptime(text, "%d/%m/%Y %H:%M")
    if header == "Outcome":
        return int(text)
    return text


def write_workbook(target: Path, *, blank_row_at: int | None = None) -> None:
    with (EXAMPLES / "wide-pairs" / "pairs.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Extract"
    header = rows[0]
    sheet.append(header)
    for number, row in enumerate(rows[1:], start=2):
        if number == blank_row_at:
            sheet.append([None] * len(header))
        sheet.append([_typed(h, v) for h, v in zip(header, row, strict=True)])
    book.save(target)


def test_xlsx_loads_the_same_rows_as_the_contract_version(tmp_path: Path) -> None:
    workbook = tmp_path / "pairs-april.xlsx"
    write_workbook(workbook, blank_row_at=5)
    mapping = load_mapping(EXAMPLES / "wide-pairs" / "force.toml")
    result = load_translation(translate(mapping, [workbook]), tmp_path / "x.duckdb")
    load_paths([CONTRACT / "wide-pairs"], tmp_path / "contract.duckdb")
    assert contents(tmp_path / "x.duckdb") == contents(tmp_path / "contract.duckdb")
    (source,) = result.sources
    assert (source.rows, source.loaded, source.quarantined, source.blank) == (12, 11, 1, 1)
    # CSV line 12 is sheet row 13: the blank row inserted before CSV line 5 shifts it by one.
    label = f"{workbook.resolve()} [sheet Extract]"
    assert (label, 13, "Location Type", "Canal Towpath") in [r[:4] for r in result.quarantine]


def test_sheet_cells_become_contract_text(tmp_path: Path) -> None:
    workbook = tmp_path / "pairs.xlsx"
    write_workbook(workbook)
    table = read_source(workbook)
    first = dict(zip(table.headers, table.rows[0].cells, strict=True))
    assert first["Date Recorded"] == "2024-04-03"
    assert first["Committed From"] == "2024-04-02 22:15:00"
    assert first["Outcome"] == "16"
    assert table.sheet == "Extract"
    assert [r.line for r in table.rows][:2] == [2, 3]


def _contract_workbook(source: Path, target: Path) -> None:
    """``source`` (a contract CSV) as a workbook, dates as real date cells like Excel keeps them."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = []
        for header, text in zip(rows[0], row, strict=True):
            if text and header in ("recorded_date", "outcome_date", "date_of_birth"):
                cells.append(dt.date.fromisoformat(text))
            elif text and header == "outcome_code":
                cells.append(int(text))
            else:
                cells.append(text or None)
        sheet.append(cells)
    book.save(target)


def test_contract_workbooks_load_without_a_mapping(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vawg.cli import app

    for table in ("crimes", "people", "involvements"):
        _contract_workbook(CONTRACT / "wide-pairs" / f"{table}.csv", tmp_path / f"{table}.xlsx")
    db = tmp_path / "x.duckdb"
    books = [str(tmp_path / f"{t}.xlsx") for t in ("involvements", "crimes", "people")]
    out = CliRunner().invoke(app, ["ingest", *books, "--db", str(db), "--unencrypted"])
    assert out.exit_code == 0, out.output
    load_paths([CONTRACT / "wide-pairs"], tmp_path / "contract.duckdb")
    assert contents(db) == contents(tmp_path / "contract.duckdb")
    text = (tmp_path / "quarantine.csv").read_text()
    # OCC-24-0009 is data row 9 of crimes.csv: sheet row 10 (header = row 1).
    crimes = f"{(tmp_path / 'crimes.xlsx').resolve()} [sheet Sheet]"
    assert f'{crimes},10,location_type,Canal Towpath,"not one of: dwelling,' in text
