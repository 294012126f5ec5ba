"""Which weights the estimates use: supplied weights as given, raking when asked or needed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.weightstats import DescrStatsW

from vawg.config import Settings
from vawg.errors import InputError
from vawg.query import connect
from vawg.store import load_paths
from vawg.survey import survey_analysis
from vawg.survey.inputs import read_margins

from .conftest import DATA, read_public
from .test_margins_raking import HAND_WEIGHTS


def _db_with_weights(tmp_path: Path, weights: list[float | None]) -> Path:
    frame = pl.read_csv(DATA / "raking" / "public_survey.csv", infer_schema=False)
    frame = frame.with_columns(weight=pl.Series([None if w is None else str(w) for w in weights]))
    folder = tmp_path / "in"
    folder.mkdir()
    frame.write_csv(folder / "public_survey.csv")
    (folder / "areas.csv").write_bytes((DATA / "raking" / "areas.csv").read_bytes())
    db = tmp_path / "vawg.duckdb"
    load_paths([folder], db)
    return db


def test_supplied_weights_are_used_as_given(tmp_path: Path) -> None:
    weights = [1.0, 2.0, 1.0, 3.0, 1.0, 1.0, 0.5, 1.0, 1.0, 4.0]
    result = survey_analysis(connect(_db_with_weights(tmp_path, weights)), Settings())
    assert result.weighting is None and result.weight_source.startswith("supplied weights, used")
    frame = read_public(DATA / "raking" / "public_survey.csv")
    y = (frame["feel_safe_town_night"] <= 2).cast(pl.Float64).to_numpy()
    est = result.public.overall["unsafe_night_share"]  # type: ignore[union-attr]
    assert est.estimate == pytest.approx(DescrStatsW(y, weights=np.array(weights)).mean)


def test_supplied_weights_are_raked_only_when_asked(tmp_path: Path) -> None:
    weights = [HAND_WEIGHTS[f"R{i:02d}"] for i in range(1, 11)]
    db = _db_with_weights(tmp_path, weights)
    result = survey_analysis(
        connect(db), Settings(), rake=True, margins=read_margins(DATA / "raking" / "margins.csv")
    )
    assert result.weight_source.startswith("supplied weights, raked")
    # The supplied weights already meet the margins, so raking leaves the estimate at 71/120.
    est = result.public.overall["unsafe_night_share"]  # type: ignore[union-attr]
    assert est.estimate == pytest.approx(71 / 120, abs=1e-6)


def test_some_weights_missing_is_an_error(tmp_path: Path) -> None:
    db = _db_with_weights(tmp_path, [1.0] * 9 + [None])
    with pytest.raises(InputError, match="1 of 10 respondents have no weight"):
        survey_analysis(connect(db), Settings())
