"""CSV export that a spreadsheet cannot be tricked into running (OWASP CSV injection).

Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an apostrophe in
front; other text and every number (a negative one included) is written as it is. Files are
read back with the :mod:`csv` module.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from vawg.safe_csv import escape_cell, write_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://example.com","x")', '\'=HYPERLINK("http://example.com","x")'),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),  # text that looks like a number is still text
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value: str, written: str) -> None:
    assert escape_cell(value) == written


@pytest.mark.parametrize(
    "value",
    ["", "Ashford", "a=b", " =1", "'=1", "E01024001", "Violence and sexual offences", "é=1"],
)
def test_other_text_is_unchanged(value: str) -> None:
    assert escape_cell(value) == value


@pytest.mark.parametrize("value", [0, 7, -3, -2.5, 1e-9, True, None])
def test_numbers_and_other_values_are_unchanged(value: object) -> None:
    assert escape_cell(value) is value


def test_write_csv_escapes_every_cell_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    count = write_csv(
        path,
        ("=name", "count", "note"),
        [
            ("Ashford", 12, None),
            ("=cmd|' /C calc'!A0", -3, "-2.5"),
            ("Dover, Kent", -2.5, 'said "no"\nthen left'),
        ],
    )
    assert count == 3
    with path.open(newline="", encoding="utf-8") as handle:
        got = list(csv.reader(handle))
    assert got == [
        ["'=name", "count", "note"],
        ["Ashford", "12", ""],  # None is an empty cell
        ["'=cmd|' /C calc'!A0", "-3", "'-2.5"],  # the negative number stays a bare number
        ["Dover, Kent", "-2.5", 'said "no"\nthen left'],
    ]
    # A negative number is written bare, so a spreadsheet reads it as the number -3.
    assert "\r\n'=cmd|' /C calc'!A0,-3,'-2.5\r\n" in path.read_bytes().decode("utf-8")


def test_write_csv_with_no_rows_writes_the_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    assert write_csv(path, ("file", "line"), []) == 0
    assert path.read_bytes() == b"file,line\r\n"
