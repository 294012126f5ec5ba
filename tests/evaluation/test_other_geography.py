"""A synthetic force outside Kent gets no Safer Streets interventions and no programme (they
are planted in Kent's named town centres), says so in truth.json and its README, and
`vawg evaluate` refuses it plainly while `vawg target` still ranks its places."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vawg.cli.evaluate import evaluations
from vawg.errors import InputError
from vawg.query import connect
from vawg.store import load_paths
from vawg.synth import generate
from vawg.targeting.analysis import targeting

from .conftest import FAST


def test_a_force_outside_kent_is_not_evaluated_but_is_targeted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, scale=0.1, seed=3, geography="england", force="Cumbria")
    assert not (data / "interventions.csv").exists()
    assert not (data / "programme_participants.csv").exists()
    planted = json.loads((data / "truth.json").read_text(encoding="utf-8"))["planted"]
    for name in ("safer_streets", "programme"):
        assert planted[name]["planted"] is False
        assert "Kent" in planted[name]["reason"] and "Cumbria" in planted[name]["reason"]
    readme = (data / "README.md").read_text(encoding="utf-8")
    assert "interventions.csv" not in readme and "not planted for Cumbria" in readme
    db = tmp_path / "cumbria.duckdb"
    assert load_paths([data], db).quarantined == 0
    with pytest.raises(InputError, match=r"neither interventions\.csv nor programme"):
        evaluations(db, FAST, public=False)
    result = targeting(connect(db), FAST)
    assert result.table.height > 0 and result.crimes
    assert set(result.table["district"].drop_nulls()) <= {
        "Allerdale",
        "Barrow-in-Furness",
        "Carlisle",
        "Copeland",
        "Eden",
        "South Lakeland",
    }
