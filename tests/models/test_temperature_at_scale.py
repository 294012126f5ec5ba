"""Slow: the planted temperature effect (1.01 per degree) is recovered within its 95% interval
at the scales people use (0.5 and 1.0, three seeds each), every daily series gets a fit whose
method is named, and the drivers report no errors.

Before the fallback ladder the daily negative binomial failed to converge at these scales and
``tmax_per_degree`` came back empty (issue 12.3). Run with
``pytest -m slow tests/models/test_temperature_at_scale.py`` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vawg.config import Settings
from vawg.models.drivers import drivers
from vawg.query import connect
from vawg.store import load_paths
from vawg.synth import generate


@pytest.mark.slow
@pytest.mark.parametrize("scale", [0.5, 1.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_temperature_effect_recovered_at_scale(
    tmp_path: Path, scale: float, seed: int
) -> None:
    generate(tmp_path / "data", scale=scale, seed=seed)
    load_paths([tmp_path / "data"], tmp_path / "vawg.duckdb")
    planted = json.loads((tmp_path / "data" / "truth.json").read_text())["planted"]["daily"]
    result = drivers(connect(tmp_path / "vawg.duckdb"), Settings())
    assert result.errors == {}
    assert result.daily is not None and result.daily.errors == {}
    assert result.effects["tmax_per_degree"].contains(planted["tmax_per_degree"])
    assert result.daily.table["method_used"].null_count() == 0
    assert result.daily.table.height == 12  # all, home, public and the nine offence groups
