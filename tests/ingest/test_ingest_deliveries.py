"""Deliveries, not files: rolling monthly extracts update by key, a full extract withdraws.

``tests/data/ingest/rolling/`` holds three monthly folders written by hand (the README there
lists every change). The counts below were worked out from those files, row by row:

- 2024-01: crimes J1-J3, people P1-P4, six involvements, one CJS event (J1 charged).
- 2024-02 (overlapping January): J2 gains an outcome (updated), J3 as before (unchanged), F1
  and F2 new; P2's date of birth corrected (updated), P5 and P6 new; J2's suspect is now P6
  (one involvement withdrawn, one added), J3's two unchanged, F1's and F2's four new; J2's CJS
  event new.
- 2024-03-full, loaded with ``--replace``: J1, J2, F1 as stored, F2 gains an outcome, M1 new,
  J3 gone (withdrawn) with its involvements; P4 (only in J3) gone; J1 reaches a first hearing.

The final database must equal the one loaded from the full extract alone, with no orphans.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from vawg.store import load_paths, status

from .conftest import DATA, queries, rows

ROLLING = DATA / "rolling"
MONTHS = ("2024-01", "2024-02", "2024-03-full")
# Every data column of the tables a delivery touches (not _file, _line, _delivery).
CONTENT = {
    "crimes": "SELECT * EXCLUDE (_file, _line, _delivery) FROM crimes",
    "people": "SELECT * EXCLUDE (_file, _line, _delivery) FROM people",
    "involvements": "SELECT * EXCLUDE (_file, _line, _delivery) FROM involvements",
    "cjs_events": "SELECT * EXCLUDE (_file, _line, _delivery) FROM cjs_events",
}
ORPHANS = (
    "SELECT (SELECT count(*) FROM involvements WHERE crime_ref NOT IN (SELECT crime_ref FROM "
    "crimes) OR person_id NOT IN (SELECT person_id FROM people)) + (SELECT count(*) FROM "
    "cjs_events WHERE crime_ref NOT IN (SELECT crime_ref FROM crimes))"
)


def _content(db: Path) -> dict[str, list[str]]:
    return {
        name: sorted(map(repr, result))
        for name, result in zip(CONTENT, queries(db, *CONTENT.values()), strict=True)
    }


def _changes(result, kind: str) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    [load] = [f for f in result.files if f.kind == kind]
    return (load.added, load.updated, load.unchanged_rows, load.withdrawn)


@pytest.fixture
def rolled(tmp_path: Path) -> tuple[Path, list]:  # type: ignore[type-arg]
    db = tmp_path / "rolling.duckdb"
    results = [
        load_paths([ROLLING / "2024-01"], db),
        load_paths([ROLLING / "2024-02"], db),
        load_paths([ROLLING / "2024-03-full"], db, replace=True),
    ]
    return db, results


def test_three_monthly_deliveries_end_as_the_last_full_extract(
    rolled: tuple[Path, list],
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    db, _ = rolled
    fresh = tmp_path / "fresh.duckdb"
    load_paths([ROLLING / "2024-03-full"], fresh)
    assert _content(db) == _content(fresh)
    assert rows(db, ORPHANS) == [(0,)]
    assert rows(db, "SELECT crime_ref FROM crimes ORDER BY 1") == [
        ("F1",),
        ("F2",),
        ("J1",),
        ("J2",),
        ("M1",),
    ]


def test_each_delivery_counts_what_it_changed(rolled: tuple[Path, list]) -> None:  # type: ignore[type-arg]
    _, (january, february, march) = rolled
    # (added, updated, unchanged, withdrawn) per file, as worked out in the module docstring.
    assert [_changes(january, k) for k in ("crimes", "people", "involvements", "cjs_events")] == [
        (3, 0, 0, 0),
        (4, 0, 0, 0),
        (6, 0, 0, 0),
        (1, 0, 0, 0),
    ]
    assert [_changes(february, k) for k in ("crimes", "people", "involvements", "cjs_events")] == [
        (2, 1, 1, 0),
        (2, 1, 0, 0),
        (5, 0, 3, 1),
        (1, 0, 0, 0),
    ]
    assert [_changes(march, k) for k in ("crimes", "people", "involvements", "cjs_events")] == [
        (1, 1, 3, 0),
        (0, 0, 5, 0),
        (2, 0, 8, 0),
        (1, 0, 2, 0),
    ]
    # The full replacement withdraws J3, P4 and J3's two involvements; nothing is orphaned.
    assert march.withdrawn == (("people", 1), ("crimes", 1), ("involvements", 2))
    assert march.orphans == ()
    assert (january.delivery, february.delivery, march.delivery) == (1, 2, 3)


def test_status_lists_the_deliveries_with_their_periods(rolled: tuple[Path, list]) -> None:  # type: ignore[type-arg]
    db, _ = rolled
    held = status(db)
    assert [
        (d.delivery, d.label, d.replace, d.period_from, d.period_to, len(d.files), d.withdrawn)
        for d in held.deliveries
    ] == [
        (1, "2024-01", False, date(2024, 1, 3), date(2024, 1, 20), 4, 0),
        # J2's CJS event (2024-02-05) falls inside its crimes' 2024-01-10 to 2024-02-14.
        (2, "2024-02", False, date(2024, 1, 10), date(2024, 2, 14), 4, 1),
        (3, "2024-03-full", True, date(2024, 1, 3), date(2024, 3, 8), 4, 4),
    ]
    assert rows(db, "SELECT delivery, kind, identity, rows FROM withdrawals ORDER BY 1, 2, 3") == [
        (2, "involvements", "J2", 1),
        (3, "crimes", "J3", 1),
        (3, "involvements", "J3", 2),
        (3, "people", "P4", 1),
    ]


def test_the_same_delivery_in_a_new_folder_is_unchanged(
    rolled: tuple[Path, list], tmp_path: Path
) -> None:  # type: ignore[type-arg]
    db, _ = rolled
    before = _content(db)
    copy = tmp_path / "copied" / "2024-02"
    shutil.copytree(ROLLING / "2024-02", copy)
    result = load_paths([copy], db)
    assert result.delivery is None  # nothing new: no delivery recorded
    assert {f.status for f in result.files} == {"unchanged"}
    assert result.quarantined == 0
    assert _content(db) == before


def test_a_rolling_extract_with_different_bytes_loads_as_unchanged_rows(
    tmp_path: Path, db: Path
) -> None:
    # The same rows in another order and with CR LF line ends: new bytes, same crimes.
    load_paths([ROLLING / "2024-01/crimes.csv"], db)
    lines = (ROLLING / "2024-01/crimes.csv").read_text(encoding="utf-8").splitlines()
    again = tmp_path / "crimes.csv"
    again.write_bytes(("\r\n".join([lines[0], *reversed(lines[1:])]) + "\r\n").encode())
    [load] = load_paths([again], db).files
    assert (load.status, load.added, load.updated, load.unchanged_rows) == ("loaded", 0, 0, 3)
    assert rows(db, "SELECT count(*) FROM crimes") == [(3,)]


def test_withdrawing_crimes_without_their_involvements_quarantines_the_orphans(
    tmp_path: Path, db: Path
) -> None:
    # A full replacement of crimes alone (J1 left out): J1's two involvements and its CJS event
    # would point at nothing, so they move to quarantine, said in the result.
    load_paths([ROLLING / "2024-01"], db)
    crimes = tmp_path / "crimes.csv"
    lines = (ROLLING / "2024-01/crimes.csv").read_text(encoding="utf-8").splitlines()
    crimes.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    result = load_paths([crimes], db, replace=True)
    assert result.withdrawn == (("crimes", 1),)
    assert [(o.table, o.column, o.target, o.rows) for o in result.orphans] == [
        ("involvements", "crime_ref", "crimes", 2),
        ("cjs_events", "crime_ref", "crimes", 1),
    ]
    assert rows(db, ORPHANS) == [(0,)]
    moved = rows(
        db,
        "SELECT kind, line, column_name, value FROM quarantine WHERE delivery = 2 ORDER BY 1, 2",
    )
    # Their lines in 2024-01's files: J1's involvements on lines 2-3, its CJS event on line 2.
    assert moved == [
        ("cjs_events", 2, "crime_ref", "J1"),
        ("involvements", 2, "crime_ref", "J1"),
        ("involvements", 3, "crime_ref", "J1"),
    ]


def test_without_replace_a_shorter_extract_withdraws_nothing(tmp_path: Path, db: Path) -> None:
    load_paths([ROLLING / "2024-01"], db)
    crimes = tmp_path / "crimes.csv"
    lines = (ROLLING / "2024-01/crimes.csv").read_text(encoding="utf-8").splitlines()
    crimes.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    result = load_paths([crimes], db)
    assert (result.withdrawn, result.orphans) == ((), ())
    assert rows(db, "SELECT count(*) FROM crimes") == [(3,)]


def test_a_replacing_file_with_unreadable_records_withdraws_nothing(
    tmp_path: Path, db: Path
) -> None:
    # Which crimes a file holds is not known when a record cannot be read: J3's line has a
    # stray quote, so J3 is not withdrawn though it is not read.
    load_paths([ROLLING / "2024-01/crimes.csv"], db)
    lines = (ROLLING / "2024-01/crimes.csv").read_text(encoding="utf-8").splitlines()
    crimes = tmp_path / "crimes.csv"
    crimes.write_text("\n".join([lines[0], lines[1], '"' + lines[3]]) + "\n", encoding="utf-8")
    result = load_paths([crimes], db, replace=True)
    assert result.withdrawn == ()
    assert result.notes == (
        "crimes: nothing withdrawn, because 1 records could not be read and which rows they "
        "hold is not known; fix them and load again with --replace",
    )
    assert rows(db, "SELECT crime_ref FROM crimes ORDER BY 1") == [("J1",), ("J2",), ("J3",)]


def test_police_uk_files_are_replaced_by_name(tmp_path: Path, db: Path) -> None:
    # A month's police.uk file downloaded again (a row corrected) replaces the rows of that
    # file name, wherever it sits; another month's file is kept.
    source = DATA / "police_lonlat/2019-01-kent-street.csv"
    text = source.read_text(encoding="utf-8").splitlines()
    first = tmp_path / "a" / "2019-01-kent-street.csv"
    first.parent.mkdir()
    first.write_text("\n".join(text[:2]) + "\n", encoding="utf-8")
    other = tmp_path / "a" / "2019-02-kent-street.csv"
    other.write_text("\n".join(text[:2]).replace("2019-01", "2019-02") + "\n", encoding="utf-8")
    load_paths([first.parent], db)
    again = tmp_path / "b" / "2019-01-kent-street.csv"
    again.parent.mkdir()
    again.write_text("\n".join(text[:2]).replace("On or near", "Near") + "\n", encoding="utf-8")
    [load] = load_paths([again], db).files
    assert (load.added, load.unchanged_rows, load.withdrawn) == (1, 0, 1)
    assert rows(
        db, "SELECT month::VARCHAR, parse_filename(_file) FROM police_street ORDER BY 1"
    ) == [
        ("2019-01-01", "2019-01-kent-street.csv"),
        ("2019-02-01", "2019-02-kent-street.csv"),
    ]
