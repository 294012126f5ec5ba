"""A force other than Kent end to end: synthetic Cumbria, loaded, and its profile's volume
section (rates per 1,000 women and girls) computed with its own denominators.

Known answer: Cumbria's six districts and its 253,556 women and girls (ONS mid-2019, the
county row E10000006 of the raw file, typed here by hand); the profile's rate per 1,000 uses
them, not Kent's.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from vawg.config import Settings
from vawg.profile.data import prepared
from vawg.profile.harm import load_harm_weights
from vawg.profile.volume import volume
from vawg.query import connect
from vawg.scope import vawg_scope
from vawg.store import load_paths
from vawg.synth import generate


def test_cumbria_profile_uses_cumbrian_denominators(tmp_path: Path) -> None:
    generate(tmp_path / "data", scale=0.3, seed=5, geography="england", force="Cumbria")
    db = tmp_path / "cumbria.duckdb"
    load = load_paths([tmp_path / "data"], db)
    assert load.quarantined == 0
    tables = connect(db)
    with prepared(tables, vawg_scope(tables, Settings()), load_harm_weights(None)) as data:
        result = volume(data)
    assert result.female_population == 253_556
    districts = result.by_district.filter(pl.col("female_population").is_not_null())
    assert districts.height == 6
    assert set(districts["district"]) == {
        "Allerdale",
        "Barrow-in-Furness",
        "Carlisle",
        "Copeland",
        "Eden",
        "South Lakeland",
    }
    assert districts["rate_per_1000_per_year"].is_not_null().all()
