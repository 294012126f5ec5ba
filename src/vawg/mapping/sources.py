"""Read a force's source file — CSV or an Excel ``.xlsx`` sheet — as text rows with locators.

Every row keeps where it came from: the physical line of a CSV file (the line its record starts
on, header = line 1) or the sheet and row of a workbook (header = row 1). A quarantine record
names that place, so an analyst can open the file at the row. Cells are text: a workbook's dates
become ISO text (``2024-03-01`` or ``2024-03-01 21:30:00``), numbers their shortest text
(``8`` not ``8.0``). Wholly blank rows are skipped and counted, never dropped silently.

Workbooks are read with openpyxl (read-only mode, values not formulas).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vawg.errors import InputError

__all__ = ["SOURCE_SUFFIXES", "SourceRow", "SourceTable", "read_source"]

SOURCE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class SourceRow:
    """One data row: its line (CSV) or row (sheet) number, and its cells as text."""

    line: int
    cells: tuple[str, ...]
    fields: int  # how many fields the row really had (a CSV row can be short or long)


@dataclass(frozen=True)
class SourceTable:
    """A whole source table: file, sheet (workbooks), header and rows."""

    path: Path
    sheet: str | None
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    blank_rows: int

    @property
    def label(self) -> str:
        """How a quarantine record names the file: ``name.xlsx [sheet Crimes]`` for a sheet."""
        return f"{self.path} [sheet {self.sheet}]" if self.sheet else str(self.path)

    def column(self, header: str) -> int:
        """Index of ``header``; the error names the file and the headers it has."""
        try:
            return self.headers.index(header)
        except ValueError:
            raise InputError(
                f"{self.label}: the mapping names column {header!r}, which the header lacks "
                f"(it has {', '.join(repr(h) for h in self.headers)}); fix the mapping"
            ) from None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    try:
        with path.open(newline="", encoding=encoding) as handle:
            reader = csv.reader(handle)
            start = 1
            for record in reader:
                yield start, record
                start = reader.line_num + 1
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not {encoding} text; set [source] encoding in the mapping "
            '(e.g. encoding = "cp1252" for a Windows export)'
        ) from None
    except csv.Error as error:
        raise InputError(f"{path}: cannot be read as CSV ({error}); re-save it as CSV") from None


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    import openpyxl  # a heavy import, needed only for workbooks

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or foreign file
        raise InputError(
            f"{path}: not a readable .xlsx workbook ({type(error).__name__}); re-save it from "
            "Excel as .xlsx, or export the sheet as CSV"
        ) from None
    name = sheet or book.sheetnames[0]
    if name not in book.sheetnames:
        raise InputError(
            f"{path}: no sheet {name!r} (sheets: {', '.join(book.sheetnames)}); fix sheet = "
            "in the mapping"
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(book[name].iter_rows(values_only=True), start=1):
                yield number, [_text(v) for v in values]
        finally:
            book.close()

    return name, rows()


def read_source(
    path: Path, *, encoding: str = "utf-8-sig", sheet: str | None = None
) -> SourceTable:
    """Read ``path`` (``.csv`` or ``.xlsx``) into a :class:`SourceTable`."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise InputError(f"{path}: not a .csv or .xlsx file; export the table as CSV or .xlsx")
    sheet_name: str | None = None
    if suffix == ".xlsx":
        sheet_name, records = _xlsx_rows(path, sheet)
    else:
        records = _csv_rows(path, encoding)
    header: tuple[str, ...] | None = None
    rows: list[SourceRow] = []
    blank = 0
    for line, record in records:
        if header is None:
            while record and not record[-1].strip() and suffix == ".xlsx":
                record = record[:-1]
            header = tuple(h.strip() for h in record)
            if not any(header):
                raise InputError(f"{path}: the first row is empty; it must hold the headers")
            repeated = sorted({h for h in header if header.count(h) > 1 and h})
            if repeated:
                raise InputError(f"{path}: the header repeats {', '.join(repeated)}")
            continue
        if not any(cell.strip() for cell in record):
            blank += 1
            continue
        width = len(record)
        if suffix == ".xlsx":  # a sheet's rows are as wide as its widest row; trailing blanks
            while width > len(header) and not record[width - 1].strip():
                width -= 1
        cells = tuple(record[: len(header)]) + ("",) * (len(header) - len(record))
        rows.append(SourceRow(line, cells, width))
    if header is None:
        raise InputError(f"{path}: the file is empty; it needs a header row and data rows")
    return SourceTable(path.resolve(), sheet_name, header, tuple(rows), blank)
