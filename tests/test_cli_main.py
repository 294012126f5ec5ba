"""``vawg.cli.main``: one line and an exit code for every way a command can fail."""

from __future__ import annotations

import subprocess
import sys

import pytest

import vawg.cli.ingest
from vawg.cli import main
from vawg.errors import InputError


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["vawg", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    return int(stopped.value.code or 0)


def test_usage_error_is_typer_message_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, "no-such-command") == 2
    assert "No such command 'no-such-command'" in capsys.readouterr().err


def test_vawg_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise InputError("x.csv: not a .csv or .parquet file; export the table as CSV (UTF-8)")

    monkeypatch.setattr(vawg.cli.ingest, "ingest_and_report", refuse)
    assert _run(monkeypatch, "ingest", "x.csv") == 1
    err = capsys.readouterr().err
    assert err == "error: x.csv: not a .csv or .parquet file; export the table as CSV (UTF-8)\n"


def test_a_bug_is_one_line_exit_2_and_a_traceback_on_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise OverflowError("math range error")

    monkeypatch.setattr(vawg.cli.ingest, "ingest_and_report", crash)
    monkeypatch.delenv("VAWG_DEBUG", raising=False)
    assert _run(monkeypatch, "ingest", "x.csv") == 2
    err = capsys.readouterr().err
    assert err.startswith("internal error: OverflowError: math range error;")
    assert "Traceback" not in err
    monkeypatch.setenv("VAWG_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["vawg", "ingest", "x.csv"])
    with pytest.raises(OverflowError):
        main()


def test_python_dash_m_vawg_is_the_vawg_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vawg", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "demo" in done.stdout and "Usage" in done.stdout
