"""Fixtures for the profile tests: the hand-built extract, a synthetic force, police.uk files.

The hand-built extract (``tests/data/profile/hand_extract``, 40 crimes) is profiled with
``period_years=2``; its latest recorded date is 2022-04-01, so the period is 2020-04-01 to
2022-03-31. The synthetic force is generated once per session at scale 0.1 (a few seconds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vawg.config import Settings
from vawg.profile import ProfileResult, profile
from vawg.query import Tables, connect
from vawg.store import load_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "profile"
HAND = DATA / "hand_extract"
KENT_STREET = Path("/work/shared/data/raw/police-uk-kent-street")


@dataclass(frozen=True)
class Loaded:
    """A loaded database and its tables."""

    db: Path
    tables: Tables


@dataclass(frozen=True)
class Synthetic:
    """A loaded synthetic force, its truth.json and its profile."""

    db: Path
    tables: Tables
    truth: dict[str, Any]
    result: ProfileResult


HAND_WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "profile" / "hand_harm_weights.csv"


@pytest.fixture(scope="session")
def hand(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    db = tmp_path_factory.mktemp("profile-hand") / "hand.duckdb"
    load = load_paths([HAND], db)
    assert load.quarantined == 0, load.quarantine
    return Loaded(db, connect(db))


@pytest.fixture(scope="session")
def hand_settings() -> Settings:
    # The hand numbers were worked with this fixed weight table (see tests/data/profile/README.md).
    return Settings(
        period_years=2,
        profile_bootstrap_replicates=499,
        harm_weights_file=str(HAND_WEIGHTS),
    )


@pytest.fixture(scope="session")
def hand_result(hand: Loaded, hand_settings: Settings) -> ProfileResult:
    return profile(hand.tables, hand_settings)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    from vawg.synth import generate

    folder = tmp_path_factory.mktemp("profile-synth")
    generate(folder / "data", scale=0.1, seed=3)
    db = folder / "synth.duckdb"
    load_paths([folder / "data"], db)
    truth = json.loads((folder / "data" / "truth.json").read_text(encoding="utf-8"))
    tables = connect(db)
    return Synthetic(db, tables, truth, profile(tables, Settings()))


@pytest.fixture(scope="session")
def kent_street(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    if not KENT_STREET.is_dir():
        pytest.skip("the real police.uk Kent files are not on this machine")
    db = tmp_path_factory.mktemp("profile-kent") / "kent.duckdb"
    load_paths([KENT_STREET], db)
    return Loaded(db, connect(db))
