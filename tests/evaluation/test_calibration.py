"""Slow: the planted Safer Streets and programme effects are recovered over several seeds, and
null forces give intervals that cover 1 (run with ``-m slow``; not part of CI).

Each seed generates a force at scale 0.5, loads it and runs both evaluations (about a minute
each on an idle machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Evaluated, evaluated

pytestmark = pytest.mark.slow

SEEDS = (1, 2, 3, 4, 5)
SCALE = 0.5


@pytest.fixture(scope="module")
def planted_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Evaluated]:
    return [
        evaluated(Path(tmp_path_factory.mktemp(f"planted{s}")), null=False, seed=s, scale=SCALE)
        for s in SEEDS
    ]


@pytest.fixture(scope="module")
def null_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Evaluated]:
    return [
        evaluated(Path(tmp_path_factory.mktemp(f"null{s}")), null=True, seed=s, scale=SCALE)
        for s in SEEDS
    ]


def test_pooled_place_effect_covers_the_truth_on_every_seed(planted_runs: list[Evaluated]) -> None:
    for run in planted_runs:
        pooled = run.place.pooled
        assert pooled is not None and pooled.rate_ratio is not None
        assert pooled.rate_ratio.contains(0.8), run.db


def test_each_intervention_covers_the_truth_at_the_nominal_rate(
    planted_runs: list[Evaluated],
) -> None:
    covered = [
        e.rate_ratio.contains(0.8)
        for run in planted_runs
        for e in run.place.interventions
        if e.rate_ratio is not None
    ]
    assert len(covered) == 8 * len(SEEDS)
    assert sum(covered) / len(covered) >= 0.85


def test_programme_hazard_ratio_covers_the_truth(planted_runs: list[Evaluated]) -> None:
    covered = []
    for run in planted_runs:
        truth = run.truth["planted"]["programme"]["hazard_ratio_marginal"]
        hr = run.programme.programmes[0].hazard_ratio
        assert hr is not None and hr.ci_high < 1.2
        covered.append(hr.contains(truth))
    assert sum(covered) >= len(SEEDS) - 1


def test_null_forces_cover_one(null_runs: list[Evaluated]) -> None:
    place = [run.place.pooled.rate_ratio.contains(1.0) for run in null_runs]
    programme = [run.programme.programmes[0].hazard_ratio.contains(1.0) for run in null_runs]
    assert sum(place) >= len(SEEDS) - 1
    assert sum(programme) >= len(SEEDS) - 1
