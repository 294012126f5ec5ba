"""A synthetic force outside Kent gets Safer Streets schemes in its largest districts' proxy
town centres but no perpetrator programme (the Kent PCC's own scheme); truth.json and its
README say so, `vawg evaluate` evaluates the places and says the programme is missing, and
`vawg target` still ranks its places."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from vawg.cli.evaluate import evaluations
from vawg.query import connect
from vawg.store import load_paths
from vawg.synth import generate
from vawg.synth.interventions import PLANNED
from vawg.targeting.analysis import targeting

from .conftest import FAST

CUMBRIA = {"Allerdale", "Barrow-in-Furness", "Carlisle", "Copeland", "Eden", "South Lakeland"}


def test_a_force_outside_kent_gets_schemes_but_no_programme(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, scale=0.1, seed=3, geography="england", force="Cumbria")
    assert not (data / "programme_participants.csv").exists()
    schemes = pl.read_csv(data / "interventions.csv")
    # One scheme per district (Cumbria has six, fewer than the eight planned).
    assert schemes.height == min(len(PLANNED), len(CUMBRIA))
    assert set(schemes["type"]) <= {plan[2] for plan in PLANNED}
    planted = json.loads((data / "truth.json").read_text(encoding="utf-8"))["planted"]
    assert planted["programme"]["planted"] is False
    assert "Kent" in planted["programme"]["reason"]
    ss = planted["safer_streets"]["interventions"]
    assert {i["town"] for i in ss} == CUMBRIA
    areas = pl.read_csv(data / "areas.csv")
    for scheme in ss:
        treated = areas.filter(pl.col("lsoa_code").is_in(scheme["treated_lsoas"]))
        # A town of three town-centre LSOAs, all in the scheme's district.
        assert treated.height == 3
        assert set(treated["town_centre"]) == {"Y"} and set(treated["district"]) == {scheme["town"]}
    readme = (data / "README.md").read_text(encoding="utf-8")
    assert "interventions.csv" in readme and "programme_participants.csv" not in readme
    assert "not planted for Cumbria" in readme
    db = tmp_path / "cumbria.duckdb"
    assert load_paths([data], db).quarantined == 0
    place, programme, missing = evaluations(db, FAST, public=False)
    assert programme is None and any("programme" in m for m in missing)
    assert place is not None
    assert set(place.table["intervention_id"]) == set(schemes["intervention_id"])
    result = targeting(connect(db), FAST)
    assert result.table.height > 0 and result.crimes
    assert set(result.table["district"].drop_nulls()) <= CUMBRIA
    # its survey cannot be raked to Kent's population: unweighted, and said so
    assert "unweighted (it could not be weighted to Kent's population" in result.survey_source
