"""The options every command shares behave the same everywhere (``vawg/cli/common.py``), the
help reads in words, and the demo is one explicit list of steps.

Expected values are written by hand from the rules in the module docstring of
``vawg.cli.common``: --out is a file when its name has a suffix, else a folder; a date is
year-month-day; --from alone runs to the end of the last complete financial year.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from vawg.cli import app
from vawg.cli._app import COMMAND_PANELS
from vawg.cli.common import (
    check_period,
    output_formats,
    output_path,
    parse_day,
    period_settings,
    write_outputs,
)
from vawg.cli.demo import STEPS, DemoStep
from vawg.config import Settings
from vawg.errors import InputError
from vawg.report.page import PLOTLY_JS
from vawg.store import load_paths

ROOT = Path(__file__).resolve().parents[1]
KNOWN = ROOT / "tests" / "data" / "outcomes" / "known_answers"
runner = CliRunner()


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand, as the words typed after ``vawg``."""
    found: list[tuple[str, ...]] = []

    def walk(group: Any, prefix: tuple[str, ...]) -> None:
        for name in group.list_commands(None):
            command = group.get_command(typer.Context(group), name)
            found.append((*prefix, name))
            if hasattr(command, "commands"):
                walk(command, (*prefix, name))

    walk(typer.main.get_command(app), ())
    return found


@pytest.mark.parametrize("words", _command_paths(), ids=" ".join)
def test_help_shows_types_in_words(words: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    # Typer's own labels: <bool>, <list[str]>, <path>, <str>, <int>, <%Y-%m-%d>.
    assert not re.search(r"<[a-z%][^>]*>", result.output), result.output
    assert "%Y" not in result.output


def test_top_level_help_lists_every_command_once_in_its_panel() -> None:
    listed = [name for _, names in COMMAND_PANELS for name in names]
    assert len(listed) == len(set(listed))
    registered = [words[0] for words in _command_paths() if len(words) == 1]
    assert registered == listed, "add new commands to COMMAND_PANELS in vawg/cli/_app.py"
    output = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    for panel, _ in COMMAND_PANELS:
        assert panel in output
    assert output.index("ingest") < output.index("profile") < output.index("publish")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021-04-01", date(2021, 4, 1)), ("2024-02-29", date(2024, 2, 29))],
)
def test_a_date_is_year_month_day(text: str, expected: date) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["2021-13-01", "01/04/2021", "2021-4-1", "20210401", "2023-02-29"])
def test_a_bad_date_is_refused_in_words_with_an_example(text: str) -> None:
    with pytest.raises(typer.BadParameter) as refused:
        parse_day(text)
    message = str(refused.value)
    assert f"{text!r} is not a date" in message
    assert "e.g. 2021-04-01" in message and "%" not in message


def test_a_bad_date_on_the_command_line_names_the_option(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["drivers", "--db", str(tmp_path / "x.duckdb"), "--to", "31/03/2022"]
    )
    assert result.exit_code == 2
    assert "--to" in result.output and "'31/03/2022' is not a date" in result.output


def test_a_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(InputError, match="--from 2022-04-01 is after --to 2022-03-31"):
        check_period(date(2022, 4, 1), date(2022, 3, 31))
    with pytest.raises(InputError, match=r"e\.g\. --from 2021-04-01 --to 2022-03-31"):
        period_settings(Settings(), date(2022, 4, 1), date(2022, 3, 31))


def test_half_a_period_is_completed_and_said(capsys: pytest.CaptureFixture[str]) -> None:
    settings = period_settings(Settings(), date(2020, 4, 1), None)
    assert (settings.period_start, settings.period_end) == (date(2020, 4, 1), None)
    assert "ends with the last complete financial year" in capsys.readouterr().out
    settings = period_settings(Settings(), None, date(2021, 3, 31))
    assert (settings.period_start, settings.period_end) == (None, date(2021, 3, 31))
    assert "starts on 1 April, 5 years before" in capsys.readouterr().out
    both = period_settings(Settings(), date(2020, 4, 1), date(2021, 3, 31))
    assert (both.period_start, both.period_end) == (date(2020, 4, 1), date(2021, 3, 31))
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("out", "asked", "expected"),
    [
        ("reports", [], ("html",)),  # a folder: the default format
        ("reports", ["json"], ("json",)),  # a folder: --format
        ("h.html", [], ("html",)),  # a file: its suffix
        ("h.JSON", [], ("json",)),
        ("h.csv", ["csv"], ("csv",)),  # a file and a --format that agree
    ],
)
def test_out_is_a_file_with_a_suffix_else_a_folder(
    out: str, asked: list[str], expected: tuple[str, ...]
) -> None:
    assert output_formats(Path(out), asked, ("html", "json", "csv"), ("html",)) == expected


def test_out_refuses_a_file_in_another_format() -> None:
    with pytest.raises(InputError, match=r"\.pdf is not a format this command writes"):
        output_formats(Path("h.pdf"), [], ("html", "json"), ("html",))
    with pytest.raises(InputError, match=r"is a \.html file but --format asks for json"):
        output_formats(Path("h.html"), ["json"], ("html", "json"), ("html",))


def test_write_outputs_writes_the_file_itself_not_a_folder_of_that_name(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "h.html"
    manifest = {
        "version": "0",
        "created": "2026-01-01T00:00:00Z",
        "command": "vawg hotspots",
        "marking": None,
        "inputs": {"digest": "0" * 64, "deliveries": []},
    }
    kwargs: dict[str, Any] = {
        "html": lambda: "<p>x</p>",
        "json_data": lambda: {"a": 1},
        "csv_rows": lambda: (["a"], [[1]]),
        "manifest": manifest,
    }
    assert write_outputs(out, "hotspots", ("html",), **kwargs) == [out, out.parent / PLOTLY_JS]
    # The page, then the manifest every output carries (vawg.report.stamp).
    assert out.is_file() and out.read_text(encoding="utf-8").startswith("<p>x</p>")
    assert 'id="vawg-manifest"' in out.read_text(encoding="utf-8")
    folder = tmp_path / "reports"
    written = write_outputs(folder, "hotspots", ("json", "csv"), **kwargs)
    assert written == [
        folder / "hotspots.json",
        folder / "hotspots.csv",
        folder / "hotspots.csv.manifest.json",
    ]
    assert output_path(folder, "hotspots", "html") == folder / "hotspots.html"


def test_outcomes_out_file_and_folder(tmp_path: Path) -> None:
    db = tmp_path / "known.duckdb"
    load_paths([KNOWN], db)
    file = tmp_path / "o.json"
    assert runner.invoke(app, ["outcomes", "--db", str(db), "--out", str(file)]).exit_code == 0
    assert file.is_file() and file.read_text(encoding="utf-8").lstrip().startswith("{")
    folder = tmp_path / "reports"
    args = ["audit", "--half", "2021H2", "--db", str(db), "--out", str(folder), "--public"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (folder / "audit-2021H2-public.html").is_file()


def test_load_progress_knows_how_many_files(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    load_paths(
        [KNOWN],
        tmp_path / "k.duckdb",
        on_files=lambda files: seen.append(("all", len(files))),
        on_file=lambda file: seen.append(("one", len(seen))),
    )
    # areas, cjs_events, crimes, involvements, people, victim_survey: six files, told first.
    assert seen[0] == ("all", 6)
    assert [kind for kind, _ in seen[1:]] == ["one"] * 6


def test_the_demo_is_one_ordered_list_of_steps() -> None:
    assert isinstance(STEPS, tuple) and all(isinstance(s, DemoStep) for s in STEPS)
    titles = [s.title for s in STEPS]
    assert len(set(titles)) == len(titles)
    for command in ("profile", "drivers", "hotspots", "survey", "outcomes", "audit", "publish"):
        assert sum(f"(vawg {command})" in t for t in titles) == 1, command
    assert titles[-1].endswith("(vawg publish)")  # the open site comes after the analyses
