"""The store's promises: idempotent, atomic deliveries, and a marked, spreadsheet-safe quarantine.csv.

Databases are compared whole (every row of every table, bookkeeping tables included) with
``conftest.dump``; content hashes are recomputed here with :mod:`hashlib`.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

import vawg.loading
from vawg.cli.ingest import ingest_and_report
from vawg.store import load_paths, status

from .conftest import DATA, dump, rows

HEADER = (
    "crime_ref,recorded_date,committed_from,committed_to,offence_code,offence_group,"
    "domestic_abuse,location_type,lsoa_code,easting,northing,outcome_code,outcome_date\n"
)


def _crimes(path: Path, *lines: str) -> Path:
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _row(ref: str, recorded: str = "2020-01-05", group: str = "stalking") -> str:
    return f"{ref},{recorded},2020-01-04 22:00,,,{group},Y,dwelling,E01024001,,,,"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_loading_twice_changes_nothing(db: Path) -> None:
    paths = [DATA / "valid", DATA / "bad_date/crimes.csv"]
    # valid/crimes.csv and bad_date/crimes.csv are both crimes files with distinct refs.
    first = load_paths(paths, db)
    before = dump(db)

    second = load_paths(paths, db)

    assert dump(db) == before  # every table, including loads (loaded_at) and quarantine
    assert [f.status for f in first.files] == ["loaded"] * 4
    assert [f.status for f in second.files] == ["unchanged"] * 4
    assert [(f.read, f.loaded, f.quarantined) for f in second.files] == [
        (f.read, f.loaded, f.quarantined) for f in first.files
    ]
    # The quarantine of a run lists what that run found: nothing new the second time.
    assert len(first.quarantine) == 2 and second.quarantine == ()
    assert rows(db, "SELECT count(*) FROM quarantine") == [(2,)]


def test_loads_table_records_hash_format_and_counts(db: Path) -> None:
    path = DATA / "bad_date/crimes.csv"
    load_paths([path], db)
    assert rows(
        db,
        "SELECT delivery, file, name, kind, format, encoding, sha256, read, loaded, quarantined "
        "FROM loads",
    ) == [(1, str(path), "crimes.csv", "crimes", "csv", "utf-8", _sha256(path), 3, 1, 2)]
    [delivery] = status(db).deliveries
    [file] = delivery.files
    assert (delivery.delivery, delivery.label, delivery.replace) == (1, "crimes.csv", False)
    # bad_date/crimes.csv's one loadable row (D1) was recorded on 2020-01-05.
    assert (delivery.period_from, delivery.period_to) == (date(2020, 1, 5), date(2020, 1, 5))
    assert (file.kind, file.read, file.loaded, file.quarantined, file.sha256) == (
        "crimes",
        3,
        1,
        2,
        _sha256(path),
    )


def test_changed_file_is_a_new_delivery_that_updates_by_key(tmp_path: Path, db: Path) -> None:
    path = _crimes(
        tmp_path / "crimes.csv",
        _row("A1"),
        _row("A2", recorded="2020-02-30"),  # line 3: bad date
        _row("A3"),
    )
    first = load_paths([path], db)
    assert [(f.status, f.read, f.loaded, f.quarantined) for f in first.files] == [
        ("loaded", 3, 2, 1)
    ]

    # Version 2: A1 left out, A2 fixed, A3 as before, A4 added with a bad group on line 4.
    _crimes(path, _row("A2"), _row("A3"), _row("A4", group="robbery"))
    second = load_paths([path], db)

    [load] = second.files
    assert (load.status, load.read, load.loaded, load.quarantined) == ("loaded", 3, 2, 1)
    # A2 is new to the database (its first version was quarantined); A3 is unchanged.
    assert (load.added, load.updated, load.unchanged_rows, load.withdrawn) == (1, 0, 1, 0)
    # A1 is kept: a delivery that is not a full replacement withdraws nothing.
    assert rows(db, "SELECT crime_ref, _line, _delivery FROM crimes ORDER BY 1") == [
        ("A1", 2, 1),
        ("A2", 2, 2),
        ("A3", 4, 1),
    ]
    # Quarantine keeps each delivery's records.
    assert rows(db, "SELECT delivery, line, column_name, value FROM quarantine ORDER BY 1") == [
        (1, 3, "recorded_date", "2020-02-30"),
        (2, 4, "offence_group", "robbery"),
    ]
    loads = rows(db, "SELECT delivery, sha256, read, loaded, quarantined FROM loads ORDER BY 1")
    assert [(d, r, lo, q) for d, _, r, lo, q in loads] == [(1, 3, 2, 1), (2, 3, 2, 1)]
    assert loads[1][1] == _sha256(path) != loads[0][1]


def test_a_new_file_of_one_delivery_leaves_other_files_alone(tmp_path: Path, db: Path) -> None:
    (tmp_path / "a").mkdir()
    a = _crimes(tmp_path / "a" / "crimes.csv", _row("A1"))
    (tmp_path / "b").mkdir()
    b = _crimes(tmp_path / "b" / "crimes.csv", _row("B1"), _row("B2", group="x"))
    load_paths([a, b], db)
    _crimes(a, _row("A1"), _row("A9"))
    result = load_paths([a, b], db)
    assert [(f.status, f.added, f.unchanged_rows) for f in result.files] == [
        ("loaded", 1, 1),
        ("unchanged", 0, 1),
    ]
    assert rows(db, "SELECT crime_ref FROM crimes ORDER BY 1") == [("A1",), ("A9",), ("B1",)]
    assert rows(db, "SELECT file, line FROM quarantine") == [(str(b), 3)]


def test_same_content_under_another_path_is_unchanged(tmp_path: Path, db: Path) -> None:
    original = DATA / "bad_date/crimes.csv"
    copy = tmp_path / "copy" / "crimes.csv"
    copy.parent.mkdir()
    shutil.copy(original, copy)
    load_paths([original], db)
    before = dump(db)

    result = load_paths([copy], db)

    [load] = result.files
    assert (load.file, load.status, load.read, load.loaded, load.quarantined) == (
        str(copy),
        "unchanged",
        3,
        1,
        2,
    )
    assert load.notes == ("same content as a file of delivery 1",)
    assert result.delivery is None  # nothing new: no delivery is recorded
    assert dump(db) == before  # D1 is not loaded twice, and no new quarantine records


class Boom(Exception):
    """Raised on purpose in the middle of a run."""


@pytest.mark.parametrize("failure", [Boom, KeyboardInterrupt])
def test_failure_midway_leaves_the_database_exactly_as_before(
    failure: type[BaseException], tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crimes = _crimes(tmp_path / "crimes.csv", _row("A1"), _row("A2", recorded="bad"))
    load_paths([DATA / "valid/people.csv", crimes], db)
    before = dump(db)

    # The next run (a full replacement) withdraws A1 and adds A3 from crimes.csv (deleting and
    # inserting rows: the first file), then fails on its second file, weather.csv.
    _crimes(crimes, _row("A3"))
    weather = DATA / "weather_out_of_range/weather.csv"
    real = vawg.loading._load_one
    calls = []

    def flaky(con, read, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(read.file.path.name)
        if len(calls) == 2:
            raise failure("stop")
        return real(con, read, *args, **kwargs)

    monkeypatch.setattr(vawg.loading, "_load_one", flaky)
    with pytest.raises(failure):
        load_paths([crimes, weather], db, replace=True)

    assert calls == ["crimes.csv", "weather.csv"]
    assert dump(db) == before
    # The connection was closed and the database is usable: the same run now succeeds.
    monkeypatch.setattr(vawg.loading, "_load_one", real)
    result = load_paths([crimes, weather], db, replace=True)
    assert [(f.status, f.loaded, f.added, f.withdrawn) for f in result.files] == [
        ("loaded", 1, 1, 0),
        ("loaded", 1, 1, 0),
    ]
    assert result.withdrawn == (("crimes", 1),)
    assert rows(db, "SELECT crime_ref FROM crimes") == [("A3",)]


def test_failure_inside_staging_leaves_the_database_exactly_as_before(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_paths([DATA / "valid/people.csv", DATA / "valid/crimes.csv"], db)
    before = dump(db)
    real = vawg.loading.stage

    def stage_then_fail(con, read, **kwargs):  # type: ignore[no-untyped-def]
        staged = real(con, read, **kwargs)  # temp tables exist; no loads row written yet
        if read.file.table.name == "involvements":
            raise KeyboardInterrupt
        return staged

    monkeypatch.setattr(vawg.loading, "stage", stage_then_fail)
    with pytest.raises(KeyboardInterrupt):
        load_paths([DATA / "bad_date/crimes.csv", DATA / "valid/involvements.csv"], db)
    assert dump(db) == before


QUARANTINE_HEADER = ["file", "line", "last_line", "column", "value", "reason"]


def test_cli_writes_a_formula_safe_quarantine_csv_beside_the_database(
    tmp_path: Path,
) -> None:
    formula = '=HYPERLINK("http://example.com/x","click")'
    path = tmp_path / "crimes.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.strip().split(","))
        # line 2: fine; line 3: a formula as offence group; line 4: '@SUM(A1)' as LSOA and a
        # negative easting '-5' (with no northing, so the both-or-neither rule fires too).
        writer.writerow(_row("Q1").split(","))
        fields = _row("Q2").split(",")
        fields[5] = formula
        writer.writerow(fields)
        fields = _row("Q3").split(",")
        fields[8], fields[9] = "@SUM(A1)", "-5"
        writer.writerow(fields)
    db = tmp_path / "sub" / "vawg.duckdb"
    db.parent.mkdir()

    result = ingest_and_report([path], db)

    assert result.quarantined == 2
    target = tmp_path / "sub" / "quarantine.csv"
    # Person-level values: marked, and readable by the owner only.
    assert target.stat().st_mode & 0o777 == 0o600
    with target.open(newline="", encoding="utf-8") as handle:
        marking = handle.readline()
        got = list(csv.reader(handle))
    assert marking.startswith("# OFFICIAL-SENSITIVE: ")
    offence = (
        "not one of: violence_with_injury, violence_without_injury, stalking, harassment, "
        "coercive_control, rape, other_sexual, drink_spiking, other"
    )
    assert got[0] == QUARANTINE_HEADER
    # Two records on the same line and column have no set order between them: compare sorted.
    assert sorted(got[1:]) == [
        [str(path), "3", "3", "offence_group", "'" + formula, offence],
        [str(path), "4", "4", "easting", "'-5", "below the minimum 0"],
        [
            str(path),
            "4",
            "4",
            "easting",
            "'-5",
            "easting and northing must be given both or neither",
        ],
        [
            str(path),
            "4",
            "4",
            "lsoa_code",
            "'@SUM(A1)",
            "not in the form `E01` (England) or `W01` (Wales) + 6 digits (2011 or 2021 LSOA)",
        ],
    ]


def test_cli_writes_no_quarantine_csv_when_nothing_is_quarantined(tmp_path: Path) -> None:
    db = tmp_path / "vawg.duckdb"
    ingest_and_report([DATA / "valid"], db)
    assert not (tmp_path / "quarantine.csv").exists()
