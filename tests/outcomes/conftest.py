"""Fixtures for the outcome tests: the hand-built extract and small synthetic forces.

The synthetic forces are generated once per session at scale 0.1 (a few seconds each).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vawg.query import Tables, connect
from vawg.store import LoadResult, load_paths

KNOWN = Path(__file__).resolve().parents[1] / "data" / "outcomes" / "known_answers"


@dataclass(frozen=True)
class Loaded:
    """A loaded database: its path, the load result and the tables."""

    db: Path
    load: LoadResult
    tables: Tables


@dataclass(frozen=True)
class Synthetic:
    """A loaded synthetic force and its truth.json."""

    db: Path
    tables: Tables
    truth: dict[str, Any]


@pytest.fixture(scope="session")
def known(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    db = tmp_path_factory.mktemp("outcomes-known") / "known.duckdb"
    load = load_paths([KNOWN], db)
    return Loaded(db, load, connect(db))


def _synthetic(tmp_path_factory: pytest.TempPathFactory, name: str, *, null: bool) -> Synthetic:
    from vawg.synth import generate

    folder = tmp_path_factory.mktemp(name)
    generate(folder / "data", scale=0.1, seed=0, null=null)
    db = folder / "synth.duckdb"
    load_paths([folder / "data"], db)
    truth = json.loads((folder / "data" / "truth.json").read_text(encoding="utf-8"))
    return Synthetic(db, connect(db), truth)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    return _synthetic(tmp_path_factory, "outcomes-synth", null=False)


@pytest.fixture(scope="session")
def synthetic_null(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    return _synthetic(tmp_path_factory, "outcomes-synth-null", null=True)
