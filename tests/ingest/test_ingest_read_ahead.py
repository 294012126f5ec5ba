"""Files are read before the load's transaction begins; the answers do not depend on where.

A table made outside a transaction has row ids 0, 1, 2, … in file order, and the fast reader
takes a record's line from its row id (the positional join it replaces ran on one thread).
Inside a transaction row ids are not positions: a file read there must still get its lines
right, and a fast read DuckDB stops on must abort nothing it should not.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import vawg.ingest.read
from vawg.ingest import discover, read_file
from vawg.ingest.read import FastReadFailed, read_checked
from vawg.loading import load_files
from vawg.store import connect, load_paths

from .conftest import rows

HEADER = (
    "crime_ref,recorded_date,committed_from,committed_to,offence_code,offence_group,"
    "domestic_abuse,location_type,lsoa_code,easting,northing,outcome_code,outcome_date"
)
ROWS = 300_000  # several of DuckDB's 122,880-row groups, read in parallel


@pytest.fixture(scope="module")
def crimes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300,000 crimes; row i (crime ``C<i>``) is on line i + 2."""
    groups = ("stalking", "harassment", "rape", "other", "coercive_control")
    lines = [
        f"C{i},2020-01-05,2020-01-04 22:00,,,{groups[i % 5]},Y,dwelling,E01024001,,,,"
        for i in range(ROWS)
    ]
    path = tmp_path_factory.mktemp("read_ahead") / "crimes.csv"
    path.write_text("\n".join([HEADER, *lines, ""]), encoding="utf-8")
    return path


def _misplaced(con: duckdb.DuckDBPyConnection, view: str) -> int:
    row = con.execute(
        f"SELECT count(*) FROM {view} WHERE _line <> CAST(substr(crime_ref, 2) AS BIGINT) + 2 "
        "OR _last_line <> _line"
    ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("in_transaction", [False, True])
def test_every_row_keeps_its_line_read_inside_a_transaction_or_not(
    crimes: Path, in_transaction: bool
) -> None:
    [file], _ = discover([crimes])
    con = duckdb.connect()
    if in_transaction:
        con.begin()
    read = read_checked(con, file, "checked")
    assert read.reader == "fast"
    (first_id,) = con.execute("SELECT min(rowid) FROM checked").fetchone() or (None,)
    # The test means something only if row ids are positions outside a transaction and not
    # inside one.
    assert (first_id == 0) is not in_transaction
    assert con.execute(f"SELECT count(*) FROM {read.rows}").fetchone() == (ROWS,)
    assert _misplaced(con, read.rows) == 0


def test_a_fast_read_that_stops_is_read_again_at_once_outside_a_transaction(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = vawg.ingest.read._read
    attempts = []

    def stops_first(con, file, path, checked, rejects):  # type: ignore[no-untyped-def]
        attempts.append(path)
        if len(attempts) == 1:
            con.execute("SELECT * FROM read_csv('/no/such/file.csv')")  # a real DuckDB error
        return real(con, file, path, checked, rejects)

    monkeypatch.setattr(vawg.ingest.read, "_read", stops_first)
    path = tmp_path / "crimes.csv"
    path.write_text(
        f"{HEADER}\nA1,2020-01-05,2020-01-04 22:00,,,stalking,Y,dwelling,E01024001,,,,\n"
        "A2,2020-01-05,2020-01-04 22:00,,,stalking,Y,dwelling,,,,,\n"  # no LSOA nor place
    )
    result = load_paths([path], db)
    assert [(f.loaded, f.quarantined) for f in result.files] == [(1, 1)]
    assert len(attempts) == 2
    assert rows(db, "SELECT reader FROM loads") == [("recovered",)]
    assert rows(db, "SELECT crime_ref, _line FROM crimes") == [("A1", 2)]
    assert rows(db, "SELECT line FROM quarantine") == [(3,)]


def test_a_fast_read_that_stops_inside_a_transaction_says_so(
    crimes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stops(con, file, path, checked, rejects):  # type: ignore[no-untyped-def]
        con.execute("SELECT * FROM read_csv('/no/such/file.csv')")

    monkeypatch.setattr(vawg.ingest.read, "_read", stops)
    [file], _ = discover([crimes])
    con = duckdb.connect()
    con.begin()
    with pytest.raises(FastReadFailed):
        read_checked(con, file, "checked")


def test_a_file_not_read_ahead_is_read_in_the_transaction(crimes: Path, db: Path) -> None:
    [file], _ = discover([crimes])
    con = connect(db, key=None)
    try:
        con.begin()
        run = load_files(con, [file], {}, replace=False, max_quarantined=1.0, now=datetime.now())
        con.commit()
    finally:
        con.close()
    assert [(f.read, f.loaded) for f in run.loads] == [(ROWS, ROWS)]
    assert rows(db, "SELECT reader FROM loads") == [("recovered",)]
    assert rows(
        db, "SELECT count(*) FROM crimes WHERE _line <> CAST(substr(crime_ref, 2) AS BIGINT) + 2"
    ) == [(0,)]


def test_the_reads_are_dropped_after_the_load(crimes: Path, db: Path) -> None:
    [file], _ = discover([crimes])
    con = connect(db, key=None)
    try:
        read = read_file(con, file)
        assert con.execute(f"SELECT count(*) FROM {read.rows}").fetchone() == (ROWS,)
        read.drop(con)
        for kind in ("tables", "views"):
            left = con.execute(
                f"SELECT count(*) FROM duckdb_{kind}() WHERE temporary "
                "AND starts_with("
                + ("table_name" if kind == "tables" else "view_name")
                + ", '_staged')"
            ).fetchone()
            assert left == (0,), kind
    finally:
        con.close()


@pytest.mark.parametrize("ahead", [True, False])
def test_rows_a_later_rule_quarantines_are_left_out_read_ahead_or_not(
    tmp_path: Path, db: Path, ahead: bool
) -> None:
    """Each row the rules across rows quarantine (here every repeated crime reference) is
    left out of the insert, and every other row goes in with its own line, whether the file
    was read before the transaction (row ids from 0) or inside it (row ids near 2^55)."""
    repeats = {i for i in range(50, 2000, 97)}  # row i repeats the reference of row i - 50
    refs = [f"C{i - 50 if i in repeats else i}" for i in range(2000)]
    path = tmp_path / "crimes.csv"
    path.write_text(
        "\n".join(
            [HEADER]
            + [f"{r},2020-01-05,2020-01-04 22:00,,,stalking,Y,dwelling,E01024001,,,," for r in refs]
        )
        + "\n",
        encoding="utf-8",
    )
    [file], _ = discover([path])
    con = connect(db, key=None)
    try:
        reads = {file.name: read_file(con, file)} if ahead else {}
        con.begin()
        run = load_files(con, [file], reads, replace=False, max_quarantined=1.0, now=datetime.now())
        con.commit()
        assert con.execute("SELECT count(*) FROM duckdb_variables()").fetchone() == (0,)
    finally:
        con.close()
    assert [(f.loaded, f.quarantined) for f in run.loads] == [(2000 - len(repeats), len(repeats))]
    expected = [(f"C{i}", i + 2) for i in range(2000) if i not in repeats]
    assert rows(db, "SELECT crime_ref, _line FROM crimes ORDER BY _line") == expected
    assert rows(db, "SELECT line FROM quarantine ORDER BY line") == [
        (i + 2,) for i in sorted(repeats)
    ]


@pytest.mark.parametrize("recover", [False, True])
def test_staged_enum_words_take_a_byte_and_reach_the_database_as_text(
    tmp_path: Path, recover: bool
) -> None:
    """An enum column is staged as its own ENUM type, and every view of the staged rows (the
    one stage, apply and the quarantine read) has the database's types, text for enums."""
    from vawg.ingest.checks import DUCKDB_TYPES
    from vawg.schema import TABLES

    lines = [
        "C1,2020-01-05,2020-01-04 22:00,,,stalking,Y,dwelling,E01024001,,,,",
        "C2,2020-01-05,2020-01-04 22:00,,,Stalking,Y,dwelling,E01024001,,,,",
    ]
    if recover:  # a blank line sends the file down the recovery path
        lines.insert(1, "")
    path = tmp_path / "crimes.csv"
    path.write_text("\n".join([HEADER, *lines, ""]), encoding="utf-8")
    [file], _ = discover([path])
    con = duckdb.connect()
    read = read_checked(con, file, "t")
    assert read.reader == ("recovered" if recover else "fast")
    staged = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE t)").fetchall())
    assert staged["offence_group"].startswith("ENUM(") and staged["location_type"].startswith(
        "ENUM("
    )
    shown = dict(
        con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {read.rows})").fetchall()
    )
    for column in TABLES["crimes"].columns:
        assert shown[column.name] == DUCKDB_TYPES[column.type], column.name
    got = con.execute(
        f"SELECT offence_group, _errors IS NULL, _line FROM {read.rows} ORDER BY _line"
    ).fetchall()
    assert got == [("stalking", True, 2), (None, False, 3 + recover)]
