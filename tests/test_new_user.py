"""A new user's first hour (issue 14's "done when"): with one of the example exports, or with
only police.uk files, every command either writes its report or stops with a one-line error
that says what the data cannot support and what to do; none fails inside the product.

A VawgError is the product's one-line error (``vawg`` prints it as ``error: ...``); any other
exception would be printed as an internal error, which is what these tests rule out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.errors import VawgError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
STREET = ROOT.parent / "shared" / "data" / "raw" / "police-uk-kent-street"
PERIOD = ["--from", "2024-04-01", "--to", "2024-06-30"]
COMMANDS = (
    ["profile"],
    ["profile", "--public"],
    ["drivers"],
    ["hotspots"],
    ["outcomes"],
    ["audit", "--half", "2024H1"],
    ["survey"],
    ["target"],
    ["evaluate"],
)


def _run(args: list[str]) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output, result.exception


def _no_internal_error(args: list[str]) -> str:
    """Run ``args``; the error's words when it stopped with the product's own error, else ''."""
    code, output, exception = _run(args)
    if code == 0:
        return ""
    assert isinstance(exception, VawgError | SystemExit), (args, repr(exception), output)
    return str(exception)


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("newuser") / "v.duckdb"
    folder = EXAMPLES / "wide-pairs"
    mapping = str(folder / "force.toml")
    code, output, _ = _run(
        ["ingest", str(folder), "--mapping", mapping, "--db", str(db), "--unencrypted"]
    )
    assert code in (0, 3), output  # 3: a file over the quarantine share is flagged
    return db


def test_without_a_period_the_error_names_the_data_and_the_period_to_set(
    example_db: Path, tmp_path: Path
) -> None:
    words = _no_internal_error(["profile", "--db", str(example_db), "--out", str(tmp_path)])
    assert "no complete financial year" in words and "--from 2024-04-03" in words


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_on_an_example_export(
    example_db: Path, tmp_path: Path, command: list[str]
) -> None:
    args = [*command, "--db", str(example_db), "--out", str(tmp_path)]
    if command[0] not in ("audit", "evaluate"):
        args += PERIOD
    _no_internal_error(args)


@pytest.mark.skipif(not STREET.is_dir(), reason="shared/data/raw is absent")
@pytest.mark.parametrize("command", [*COMMANDS, ["publish"]], ids=lambda c: " ".join(c))
def test_every_command_on_police_uk_files_alone(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path_factory.getbasetemp() / "open.duckdb"
    if not db.exists():
        code, output, _ = _run(["ingest", str(STREET), "--db", str(db)])
        assert code == 0, output
    _no_internal_error([*command, "--db", str(db), "--out", str(tmp_path / "out")])


def test_drivers_without_weather_still_fit_the_other_models(
    example_db: Path, tmp_path: Path
) -> None:
    code, output, _ = _run(["drivers", "--db", str(example_db), "--out", str(tmp_path), *PERIOD])
    assert code == 0, output
    assert "not estimated (daily)" in output and "weather.csv" in output
    assert "nan" not in output
    assert (tmp_path / "drivers.html").is_file()
