"""``vawg synth`` and the argument checks of ``generate``: clear errors that name the fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import vawg.cli.synth  # noqa: F401  (registers the command on the shared app)
from vawg.cli._app import app
from vawg.errors import InputError
from vawg.synth import PlantedEffects, generate

runner = CliRunner()


def test_help_ends_with_an_example() -> None:
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Example: vawg synth --out" in result.output


def test_cli_writes_files_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    result = runner.invoke(app, ["synth", "--out", str(out), "--scale", "0.02", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert (out / "truth.json").is_file() and (out / "crimes.csv").is_file()
    assert "crimes in scope" in result.output and "truth.json" in result.output
    null = runner.invoke(
        app, ["synth", "--out", str(tmp_path / "null"), "--scale", "0.02", "--null"]
    )
    assert null.exit_code == 0, null.output
    assert '"null": true' in (tmp_path / "null" / "truth.json").read_text(encoding="utf-8")


def test_cli_rejects_a_bad_date_in_words(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "x"), "--from", "2022-13-01"])
    assert result.exit_code == 2
    assert "'2022-13-01' is not a date" in result.output
    assert "e.g. 2021-04-01" in result.output and "%" not in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--scale", "0"], "--scale 0.0"),
        (["--scale", "-2"], "--scale -2.0"),
        (["--from", "2022-01-01", "--to", "2021-01-01"], "--from 2022-01-01 is after --to"),
    ],
)
def test_cli_rejects_bad_arguments(tmp_path: Path, args: list[str], needle: str) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "x"), *args])
    assert isinstance(result.exception, InputError)
    assert needle in str(result.exception)
    assert "e.g." in str(result.exception)  # the message says how to fix it
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"scale": 0.0}, "scale = 0.0 must be > 0"),
        ({"scale": float("nan")}, "scale = nan is not a number"),
        ({"seed": -1}, "seed = -1"),
        ({"start": date(2020, 1, 2), "end": date(2020, 1, 1)}, "from = 2020-01-02 is after"),
        ({"start": date(2012, 1, 1), "end": date(2013, 1, 1)}, "not fully covered"),
        ({"null": True, "effects": PlantedEffects()}, "null=True and effects"),
        ({"effects": PlantedEffects(tmax_per_degree=0.0)}, "effects.tmax_per_degree = 0.0"),
        ({"effects": PlantedEffects(offender_birthday=0.5)}, "effects.offender_birthday = 0.5"),
    ],
)
def test_generate_rejects_bad_arguments(
    tmp_path: Path, kwargs: dict[str, Any], needle: str
) -> None:
    with pytest.raises(InputError) as info:
        generate(tmp_path / "x", **kwargs)
    assert needle in str(info.value)


def test_other_period_and_custom_effects(tmp_path: Path) -> None:
    effects = PlantedEffects(offender_birthday=3.0, tmax_per_degree=1.02)
    result = generate(
        tmp_path / "p",
        scale=0.02,
        seed=5,
        start=date(2018, 1, 1),
        end=date(2019, 12, 31),
        effects=effects,
    )
    assert result.truth["period"] == {"start": "2018-01-01", "end": "2019-12-31"}
    assert result.truth["planted"]["birthday"]["offender_birthday"] == 3.0
    assert set(result.truth["headline"]["crimes_by_financial_year_and_group"]) == {
        "2017/18", "2018/19", "2019/20"
    }  # fmt: skip
    assert result.truth["headline"]["crimes_in_scope"] > 0
