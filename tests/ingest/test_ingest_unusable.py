"""Files that cannot be used at all: one clear error naming the file and the fix, nothing loaded.

Each case builds one unusable file next to a good one (``valid/involvements.csv``, loaded with
its base in the same run) and checks, for the library, the exception type and message, and that
the database is exactly as before, also for the good files of the same run; for the command
line, exit code 1 and one line on stderr with no traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from vawg.errors import ContractError, InputError, VawgError
from vawg.store import load_paths

from .conftest import DATA, dump, rows

VAWG = Path(sys.executable).with_name("vawg")
CRIMES_HEADER = (
    "crime_ref,recorded_date,committed_from,committed_to,offence_code,offence_group,"
    "domestic_abuse,location_type,lsoa_code,easting,northing,outcome_code,outcome_date\n"
)
GOOD_ROW = "C{},2020-01-05,2020-01-04 22:00,,,stalking,Y,dwelling,E01024001,,,,\n"


def _missing(folder: Path) -> Path:
    return folder / "crimes.csv"  # never written


def _xlsx(folder: Path) -> Path:
    path = folder / "crimes.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)))
    return path


def _txt(folder: Path) -> Path:
    path = folder / "crimes.txt"
    path.write_text(CRIMES_HEADER + GOOD_ROW.format(1), encoding="utf-8")
    return path


def _binary(folder: Path) -> Path:
    # A PNG signature and raw bytes saved as crimes.csv: \x89 cannot start a UTF-8 character.
    path = folder / "crimes.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def _nul_header(folder: Path) -> Path:
    # UTF-8-decodable but binary: NUL bytes in the first line (DuckDB cannot even name such a
    # column, so the loader must refuse it before building SQL).
    path = folder / "crimes.csv"
    path.write_bytes(CRIMES_HEADER.replace(",", "\x00,").encode() + GOOD_ROW.format(1).encode())
    return path


def _not_parquet(folder: Path) -> Path:
    path = folder / "crimes.parquet"
    path.write_text(CRIMES_HEADER + GOOD_ROW.format(1), encoding="utf-8")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "crimes.csv"
    path.write_bytes(b"")
    return path


def _no_column(folder: Path) -> Path:
    # tests/data/ingest/missing_column/crimes.csv lacks the required domestic_abuse.
    path = folder / "crimes.csv"
    shutil.copy(DATA / "missing_column/crimes.csv", path)
    return path


def _repeated_header(folder: Path) -> Path:
    path = folder / "crimes.csv"
    path.write_text(CRIMES_HEADER.replace("\n", ",lsoa_code\n") + "x\n", encoding="utf-8")
    return path


def _unrecognised(folder: Path) -> Path:
    path = folder / "extract_2020.csv"
    shutil.copy(DATA / "valid/crimes.csv", path)
    return path


# name -> (make the file, error type, the message after "<path>: " or the whole message)
CASES: dict[str, tuple[Callable[[Path], Path], type[VawgError], str]] = {
    "missing": (_missing, InputError, "no such file or folder; check the path"),
    "xlsx": (_xlsx, InputError, "not a .csv or .parquet file; export the table as CSV (UTF-8)"),
    "txt": (_txt, InputError, "not a .csv or .parquet file; export the table as CSV (UTF-8)"),
    "binary": (
        _binary,
        InputError,
        "not UTF-8 text (or pass --encoding cp1252 for a Windows-1252 file); export it as CSV "
        "(UTF-8, comma-separated) and load it again",
    ),
    "nul_header": (
        _nul_header,
        InputError,
        "the header holds NUL bytes, so this is a binary file, not CSV text; "
        "export the table as CSV (UTF-8)",
    ),
    "not_parquet": (
        _not_parquet,
        InputError,
        "not a readable Parquet file; re-export it, or save it as CSV",
    ),
    "empty": (
        _empty,
        ContractError,
        "the file is empty; a CSV needs a header row and data rows",
    ),
    "required_column_absent": (
        _no_column,
        ContractError,
        "required column domestic_abuse is absent from the header; add it "
        "(see docs/data-contract.md, table crimes)",
    ),
    "repeated_header": (
        _repeated_header,
        ContractError,
        "the header repeats lsoa_code; give every column a unique name",
    ),
    "unrecognised_name": (
        _unrecognised,
        InputError,
        "cannot tell what kind of file this is; name it one of people.csv, crimes.csv, "
        "involvements.csv, cjs_events.csv, programme_participants.csv, areas.csv, "
        "interventions.csv, weather.csv, public_survey.csv, victim_survey.csv, *-street.csv, "
        "*-outcomes.csv (or .parquet), or pass --kind",
    ),
}


def _good_files() -> list[Path]:
    return [DATA / "valid/people.csv", DATA / "valid/crimes.csv", DATA / "valid/involvements.csv"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_unusable_file_raises_one_clear_error_and_loads_nothing(name: str, tmp_path: Path) -> None:
    make, error, message = CASES[name]
    bad = make(tmp_path)
    db = tmp_path / "vawg.duckdb"
    # A database that already holds data: the failed run must leave it exactly as it was.
    load_paths([DATA / "valid/people.csv", DATA / "valid/crimes.csv"], db)
    before = dump(db)

    with pytest.raises(error) as caught:
        load_paths([*_good_files(), bad], db)

    assert str(caught.value) == f"{bad}: {message}"
    assert "\n" not in str(caught.value)
    assert dump(db) == before
    assert rows(db, "SELECT count(*) FROM involvements") == [(0,)]


@pytest.mark.parametrize("name", ["missing", "binary", "required_column_absent"])
def test_unusable_file_in_the_first_run_creates_no_database(name: str, tmp_path: Path) -> None:
    make, error, _ = CASES[name]
    bad = make(tmp_path)
    db = tmp_path / "vawg.duckdb"
    with pytest.raises(error):
        load_paths([*_good_files(), bad], db)
    assert not db.exists()


def test_unusable_file_inside_a_folder_stops_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    folder.mkdir()
    shutil.copy(DATA / "valid/people.csv", folder / "people.csv")
    _no_column(folder)
    db = tmp_path / "vawg.duckdb"
    with pytest.raises(ContractError, match="required column domestic_abuse"):
        load_paths([folder], db)
    assert not db.exists()


def test_a_folder_with_nothing_to_load_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "README.txt").write_text("notes", encoding="utf-8")
    db = tmp_path / "vawg.duckdb"
    with pytest.raises(InputError) as caught:
        load_paths([folder], db)
    assert str(caught.value).startswith(f"{folder}: nothing to load; no file here is named as an")
    assert not db.exists()


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("klingon", "--encoding klingon: unknown encoding; use e.g. utf-8, cp1252"),
        ("utf-16", "--encoding utf-16: not supported (line breaks and commas are not single"),
    ],
)
def test_an_encoding_that_cannot_be_read_is_refused(
    encoding: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(InputError) as caught:
        load_paths([DATA / "valid/crimes.csv"], tmp_path / "vawg.duckdb", encoding=encoding)
    assert str(caught.value).startswith(message)


def test_folder_skips_files_it_does_not_recognise(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    folder.mkdir()
    shutil.copy(DATA / "valid/crimes.csv", folder / "crimes.csv")
    (folder / "README.txt").write_text("notes", encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = load_paths([folder], tmp_path / "vawg.duckdb")
    assert [Path(f.file).name for f in result.files] == ["crimes.csv"]
    assert sorted(result.skipped) == [str(folder / "README.txt"), str(folder / "notes.csv")]


def test_kind_overrides_an_unrecognised_name(tmp_path: Path) -> None:
    bad = _unrecognised(tmp_path)  # extract_2020.csv holding valid/crimes.csv's 3 rows
    db = tmp_path / "vawg.duckdb"
    result = load_paths([bad], db, kind="crimes")
    assert [(f.kind, f.read, f.loaded, f.quarantined) for f in result.files] == [
        ("crimes", 3, 3, 0)
    ]
    assert rows(db, "SELECT crime_ref FROM crimes ORDER BY 1") == [("C1",), ("C2",), ("C3",)]


def test_kind_overrides_a_recognised_name(tmp_path: Path) -> None:
    # crimes.csv read as people: the people columns are absent, so the file is refused.
    db = tmp_path / "vawg.duckdb"
    with pytest.raises(ContractError) as caught:
        load_paths([DATA / "valid/crimes.csv"], db, kind="people")
    assert str(caught.value) == (
        f"{DATA / 'valid/crimes.csv'}: required column person_id, sex is absent from the header; "
        "add it (see docs/data-contract.md, table people)"
    )
    # And the other way round: people.csv named as it is, but loaded as what --kind says.
    same = tmp_path / "crimes.csv"
    shutil.copy(DATA / "valid/people.csv", same)
    result = load_paths([same], db, kind="people")
    assert [(f.kind, f.loaded) for f in result.files] == [("people", 3)]


def test_unknown_kind_lists_the_known_kinds(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_paths([DATA / "valid/crimes.csv"], tmp_path / "vawg.duckdb", kind="crime")
    assert str(caught.value) == (
        "unknown input kind 'crime'; use one of: people, crimes, involvements, cjs_events, "
        "programme_participants, areas, interventions, weather, public_survey, victim_survey, "
        "police_street, police_outcomes"
    )


# --- the command line -------------------------------------------------------------------------
# Most cases run ``vawg.cli.main`` in this process (what the console script calls), capturing
# stderr; one runs the installed ``vawg`` script in a subprocess, end to end.


def _main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str | Path
) -> tuple[int, str, str]:
    from vawg.cli import main

    monkeypatch.setattr(sys, "argv", ["vawg", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exited:
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "name",
    [
        "missing",
        "xlsx",
        "binary",
        "required_column_absent",
        "unrecognised_name",
    ],
)
def test_cli_prints_one_line_and_exits_1(
    name: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # mktemp gives a folder without brackets (see test_cli_error_keeps_brackets_in_paths).
    folder = tmp_path_factory.mktemp("cli")
    make, _, message = CASES[name]
    if name == "xlsx":  # the command line reads workbooks (vawg.mapping); this one is damaged
        message = (
            "not a readable .xlsx workbook (BadZipFile); re-save it from Excel as .xlsx, or "
            "export the sheet as CSV"
        )
    bad = make(folder)
    db = folder / "vawg.duckdb"
    load_paths([DATA / "valid/people.csv", DATA / "valid/crimes.csv"], db)
    before = dump(db)

    code, _, err = _main(
        monkeypatch, capsys, "ingest", DATA / "valid/involvements.csv", bad, "--db", db
    )

    assert code == 1
    assert err == f"error: {bad}: {message}\n"
    assert dump(db) == before


def test_cli_kind_option_loads_an_unrecognised_name(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    path = _unrecognised(folder)
    db = folder / "vawg.duckdb"
    code, out, err = _main(
        monkeypatch, capsys, "ingest", path, "--kind", "crimes", "--db", db, "--unencrypted"
    )
    assert (code, err) == (0, "")
    assert "extract_2020.csv" in out
    assert rows(db, "SELECT count(*) FROM crimes") == [(3,)]
    assert not (folder / "quarantine.csv").exists()


def test_cli_error_keeps_brackets_in_paths(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path_factory.mktemp("cli") / "extract [draft]"
    folder.mkdir()
    missing = folder / "crimes.csv"
    code, _, err = _main(monkeypatch, capsys, "ingest", missing, "--db", folder / "vawg.duckdb")
    assert code == 1
    assert err == f"error: {missing}: no such file or folder; check the path\n"


@pytest.mark.skipif(not VAWG.exists(), reason=f"console script not installed at {VAWG}")
def test_console_script_fails_in_one_line_with_exit_code_1(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    bad = _no_column(folder)
    db = folder / "vawg.duckdb"
    done = subprocess.run(
        [str(VAWG), "ingest", str(DATA / "valid"), str(bad), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {bad}: {CASES['required_column_absent'][2]}"]
    assert "Traceback" not in done.stdout + done.stderr
    assert not db.exists()
