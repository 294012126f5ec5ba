"""Outcomes and the area model on the real Kent police.uk files alone.

Known answer: the counts per outcome category equal a plain pandas count of the raw files
(violence and sexual offences, blank category kept as blank), and the area model counts every
such row once: in the model, without an LSOA, or outside the area reference.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.config import Settings
from vawg.inputs.open_data import flagged_police_months
from vawg.models.open_data import open_data_drivers
from vawg.outcomes.open_data import open_data_outcomes
from vawg.query import Tables, connect
from vawg.store import load_paths

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "police-uk-kent-street"
pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason="shared/data/raw is absent")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("open") / "v.duckdb"
    load_paths(sorted(RAW.glob("*-street.csv")), path)
    return path


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.concat(pd.read_csv(p, dtype=str) for p in sorted(RAW.glob("*-street.csv")))
    return frame[frame["Crime type"] == "Violence and sexual offences"]


@pytest.fixture(scope="module")
def tables(db: Path) -> Tables:
    return connect(db)


def test_outcome_counts_equal_a_pandas_count_of_the_raw_files(
    tables: Tables, raw: pd.DataFrame
) -> None:
    result = open_data_outcomes(tables)
    want = raw["Last outcome category"].fillna("").value_counts().to_dict()
    got = dict(zip(result.police.table["category"], result.police.table["count"], strict=True))
    assert got == want
    assert sum(got.values()) == 22_353  # raw data INDEX.md
    assert result.police.months == ("2018-10", "2019-01")
    assert any("sex of victims" in line for line in result.cannot_show)
    assert set(result.police.table["category"]) <= set(result.mapping["category"]) | {""}


def test_area_model_counts_every_row_once(tables: Tables, raw: pd.DataFrame) -> None:
    result = open_data_drivers(tables)
    assert result.crimes == len(raw)
    assert result.no_lsoa == int(raw["LSOA code"].isna().sum())
    assert result.area is not None and result.error is None
    assert result.area.table["outcome"].unique().to_list() == ["all"]
    assert "not VAWG" in result.caveat


def test_commands_run_and_say_what_open_data_cannot_show(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for command, page in (
        ("outcomes", "outcomes-open-data.html"),
        ("drivers", "drivers-open-data.html"),
    ):
        out = runner.invoke(app, [command, "--db", str(db), "--out", str(tmp_path)])
        assert out.exit_code == 0, out.output
        assert "open data cannot show" in out.output
        text = (tmp_path / page).read_text()
        assert "What open data cannot show" in text


def test_area_model_leaves_out_the_months_it_is_given(tables: Tables, raw: pd.DataFrame) -> None:
    flagged = flagged_police_months(tables, Settings())
    assert flagged == (dt.date(2018, 11, 1), dt.date(2018, 12, 1))  # raw data INDEX.md
    result = open_data_drivers(tables, exclude_months=flagged)
    assert result.crimes == int(raw["Month"].isin(["2018-10", "2019-01"]).sum())
    assert any("November 2018, December 2018" in note for note in result.notes)
