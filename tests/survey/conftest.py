"""Shared fixtures for the survey tests: the hand-made files and generated synthetic forces.

Generated data: the public survey always has 8,200 respondents; the victims' survey has about
1,500 x scale responses, so scale 0.2 gives about 300 (enough for the satisfaction model).
Each force is generated, loaded and analysed once per session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from vawg.config import Settings
from vawg.query import connect
from vawg.store import load_paths
from vawg.survey import SurveyResult, survey_analysis
from vawg.synth.generate import generate

DATA = Path(__file__).resolve().parents[1] / "data" / "survey"
"""Hand-made fixtures (see the README there for what each exercises and its answers)."""

PUBLIC_SCHEMA = {
    "respondent_id": pl.String,
    "district": pl.String,
    "age_band": pl.String,
    "sex": pl.String,
    "feel_safe_town_day": pl.Int64,
    "feel_safe_town_night": pl.Int64,
    "experienced_harassment": pl.String,
    "reported": pl.String,
    "reason_not_reported": pl.String,
    "weight": pl.Float64,
}


def read_public(path: Path) -> pl.DataFrame:
    """A public_survey.csv as the store types it (Y/N flags as booleans)."""
    frame = pl.read_csv(path, schema=PUBLIC_SCHEMA)
    return frame.with_columns(
        pl.col("experienced_harassment").replace_strict(
            {"Y": True, "N": False}, default=None, return_dtype=pl.Boolean
        ),
        pl.col("reported").replace_strict(
            {"Y": True, "N": False}, default=None, return_dtype=pl.Boolean
        ),
    )


class Force:
    """A generated, loaded force: its database, truth and survey analyses."""

    def __init__(self, root: Path, *, scale: float, seed: int, null: bool) -> None:
        self.data = root / "data"
        self.db = root / "vawg.duckdb"
        generate(self.data, scale=scale, seed=seed, null=null)
        load_paths([self.data], self.db)
        self.truth: dict[str, Any] = json.loads((self.data / "truth.json").read_text())
        self._results: dict[tuple[Any, ...], SurveyResult] = {}

    def result(self, *, rake: bool | None = None, **settings: Any) -> SurveyResult:
        key = (rake, *sorted(settings.items()))
        if key not in self._results:
            self._results[key] = survey_analysis(
                connect(self.db), Settings().replace(**settings), rake=rake
            )
        return self._results[key]


@pytest.fixture(scope="session")
def force(tmp_path_factory: pytest.TempPathFactory) -> Force:
    """A synthetic Kent with the planted survey effects (scale 0.2, seed 2)."""
    return Force(tmp_path_factory.mktemp("survey-force"), scale=0.2, seed=2, null=False)


@pytest.fixture(scope="session")
def null_force(tmp_path_factory: pytest.TempPathFactory) -> Force:
    """The same generator with every effect switched off (scale 0.05, seed 3)."""
    return Force(tmp_path_factory.mktemp("survey-null"), scale=0.05, seed=3, null=True)
