"""Harm weights: the shipped CCHI 2026 defaults, the official sheet's loader, the sensitivity line.

Known answers: the CCHI 2026 subgroup medians and means typed by hand from
``shared/spec/harm-and-outcomes.md`` section 1a; the per-code sheet fixture worked by hand
(``tests/data/profile/README.md``); the sensitivity shares on the hand extract worked by hand
below.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl
import pytest

from vawg.datasets import dataset_path
from vawg.profile.harm_weights import DEFAULT_TABLE, describe, load_harm_weights

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO.parent / "shared" / "spec" / "harm-and-outcomes.md"
SHEET = REPO / "tests" / "data" / "profile" / "cchi_sheet" / "values_sheet.csv"

# offence group -> (median, mean) of its PRC subgroup, typed from the spec's section 1a.
EXPECTED = {
    "rape": (2555, 2726.76),
    "other_sexual": (182.25, 395.57),
    "violence_with_injury": (365, 943.52),
    "violence_without_injury": (10, 437.36),
    "stalking": (10, 35.00),
    "harassment": (10, 35.00),
    "coercive_control": (10, 35.00),
    "drink_spiking": (365, 943.52),
    "other": (2, 86.30),
}


def test_shipped_defaults_are_the_cchi_2026_subgroup_medians() -> None:
    weights = load_harm_weights()
    assert set(weights["key_type"]) == {"offence_group"}  # no unsourced per-code row
    got = {r["key"]: (r["weight_days"], r["mean_days"]) for r in weights.to_dicts()}
    assert got == EXPECTED  # parsed from the same decimal text, so exactly equal
    assert all(s.startswith("CCHI 2026 subgroup median") for s in weights["status"])
    assert not weights["source"].str.contains("memory").any()
    assert describe(weights) == DEFAULT_TABLE


@pytest.mark.skipif(not SPEC.is_file(), reason=f"the spec is not at {SPEC}")
def test_the_shipped_file_is_rebuilt_byte_for_byte_from_the_spec() -> None:
    spec = importlib.util.spec_from_file_location("bhw", REPO / "scripts" / "build_harm_weights.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render(module.build(SPEC)) == dataset_path("harm_weights.csv").read_bytes()


def test_the_official_per_code_sheet_loads_with_group_fallbacks() -> None:
    weights = load_harm_weights(SHEET)
    codes = dict(
        weights.filter(pl.col("key_type") == "offence_code")
        .select("key", "weight_days")
        .iter_rows()
    )
    assert codes == {"19C": 2190.0, "8N": 182.5, "8L": 10.0, "008/66": 30.0}
    groups = weights.filter(pl.col("key_type") == "offence_group")
    assert dict(groups.select("key", "weight_days").iter_rows()) == pytest.approx(
        {k: v[0] for k, v in EXPECTED.items()}
    )
    assert describe(weights).startswith("official CCHI per-code sheet values_sheet.csv")


def test_the_harm_headline_comes_with_its_sensitivity_line(hand_result) -> None:  # type: ignore[no-untyped-def]
    sens = hand_result.harm.sensitivity
    assert set(sens["weighting"]) == {
        "as weighted",
        "CCHI 2026 subgroup means",
        "equal weights (every crime 1)",
    }
    as_weighted = sens.filter(pl.col("weighting") == "as weighted", pl.col("top_pct") == 10)
    assert as_weighted["harm_share"][0] == pytest.approx(
        hand_result.harm.harm_share_top_10pct.estimate
    )
    # Equal weights: the share of in-scope crimes (perpetrator-crime links) held by the top 10%
    # of the 19 perpetrators. In-scope crimes per perpetrator (the harm sums of
    # test_hand_extract.py): P01 5, P02 4, P03 3, P06 2, P07 2, P15 2 and 13 others with 1:
    # 31 links; the top 10% is 1.9 perpetrators = 5 + 0.9 x 4 = 8.6 crimes.
    equal = sens.filter(pl.col("weighting") == "equal weights (every crime 1)")
    top10 = equal.filter(pl.col("top_pct") == 10).row(0, named=True)
    assert top10["harm_share"] == pytest.approx(8.6 / 31)
    assert top10["ci_low"] <= top10["harm_share"] <= top10["ci_high"]
