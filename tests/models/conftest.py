"""Session fixtures: small synthetic forces with planted (and with no) effects, analysed once.

Generated at scale 0.2 (about 6,000 in-scope crimes a year) with a fixed seed, loaded into a
temporary DuckDB file, and run through the drivers and hot-spot analyses a single time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vawg.config import Settings
from vawg.models.drivers import DriversResult, drivers
from vawg.query import connect
from vawg.spatial.analysis import HotspotAnalysis, hotspot_analysis
from vawg.store import load_paths
from vawg.synth import generate

SCALE, SEED = 0.2, 7


@dataclass(frozen=True)
class Force:
    """A generated, loaded and analysed synthetic force."""

    db: Path
    truth: dict[str, Any]
    drivers: DriversResult
    hotspots: HotspotAnalysis


def _force(root: Path, *, null: bool) -> Force:
    data = root / "data"
    generate(data, scale=SCALE, seed=SEED, null=null)
    db = root / "vawg.duckdb"
    load_paths([data], db)
    tables = connect(db)
    settings = Settings()
    return Force(
        db=db,
        truth=json.loads((data / "truth.json").read_text(encoding="utf-8")),
        drivers=drivers(tables, settings),
        hotspots=hotspot_analysis(tables, settings),
    )


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Force:
    return _force(tmp_path_factory.mktemp("planted"), null=False)


@pytest.fixture(scope="session")
def null(tmp_path_factory: pytest.TempPathFactory) -> Force:
    return _force(tmp_path_factory.mktemp("null"), null=True)
