"""Synthetic forces with planted (and null) Safer Streets and programme effects, each
generated, loaded and evaluated once per session; shared by the evaluation, targeting and
programme tests and the CLI tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vawg.config import Settings
from vawg.evaluation.analysis import PlaceEvaluationResult, place_evaluation
from vawg.programme.analysis import ProgrammeEvaluationResult, programme_evaluation
from vawg.query import connect
from vawg.store import load_paths
from vawg.synth import generate

SCALE, SEED = 0.2, 0
FAST = Settings(target_bootstrap_replicates=199, knox_simulations=199)


@dataclass(frozen=True)
class Evaluated:
    """A generated force: its database, truth, and both evaluations."""

    db: Path
    truth: dict[str, Any]
    place: PlaceEvaluationResult
    programme: ProgrammeEvaluationResult


def evaluated(root: Path, *, null: bool, seed: int = SEED, scale: float = SCALE) -> Evaluated:
    data = generate(root / "data", scale=scale, seed=seed, null=null)
    db = root / "vawg.duckdb"
    load_paths([root / "data"], db)
    tables = connect(db)
    place, programme = place_evaluation(tables, FAST), programme_evaluation(tables, FAST)
    # Closed as the commands close theirs: a public run records its release in ``db``, which
    # cannot be opened for writing while this process still holds it open to read.
    tables.backend.disconnect()
    return Evaluated(db, dict(data.truth), place, programme)


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Evaluated:
    return evaluated(tmp_path_factory.mktemp("planted"), null=False)


@pytest.fixture(scope="session")
def null(tmp_path_factory: pytest.TempPathFactory) -> Evaluated:
    return evaluated(tmp_path_factory.mktemp("null"), null=True)
