"""Hot spots, FDR, persistence patterns, concentration and contiguity weights.

Known answers: statsmodels' Benjamini-Hochberg; a hand-worked Gini and top-5% share; a
hand-drawn 3 x 3 grid of polygons (tests/data/models/README.md); a planted cluster on a
lattice, which must be found, and pure noise, in which the FDR control must find nothing.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from vawg.leaks import is_count_name
from vawg.spatial.concentration import concentration, top_share
from vawg.spatial.hotspots import (
    HOT,
    HotspotResult,
    HotspotTrendResult,
    _kendall,
    _pattern,
    hotspot_trends,
    hotspots,
)
from vawg.spatial.weights import knn_weights, queen_weights
from vawg.stats import benjamini_hochberg

GRID = Path(__file__).resolve().parents[1] / "data" / "models" / "grid_3x3.geojson"


def _lattice(side: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    ids = [f"E01{i:06d}" for i in range(side * side)]
    e, n = np.meshgrid(np.arange(side) * 500.0, np.arange(side) * 500.0)
    return ids, e.ravel(), n.ravel()


def test_benjamini_hochberg_equals_statsmodels() -> None:
    p = np.random.default_rng(0).uniform(0, 0.2, 300) ** 2
    p[[3, 50]] = np.nan
    ok = np.isfinite(p)
    expected = multipletests(p[ok], method="fdr_bh")[1]
    np.testing.assert_allclose(benjamini_hochberg(p)[ok], expected, rtol=1e-12)
    assert np.isnan(benjamini_hochberg(p)[[3, 50]]).all()


def test_planted_cluster_is_found_and_noise_is_not() -> None:
    ids, e, n = _lattice(20)
    w = knn_weights(ids, e, n, k=8)
    rng = np.random.default_rng(4)
    y = rng.poisson(5, 400)
    block = [(r * 20 + c) for r in range(8, 12) for c in range(8, 12)]  # 4 x 4 block
    y[block] = rng.poisson(30, len(block))
    frame = pl.DataFrame({"lsoa_code": ids, "crimes": y})
    result = hotspots(frame, w, permutations=9999, seed=1)
    hot = set(result.significant(HOT)["lsoa_code"].to_list())
    inner = {ids[(r * 20 + c)] for r in range(9, 11) for c in range(9, 11)}
    assert inner <= hot, "the centre of the planted block must be a hot spot"
    assert hot <= {ids[(r * 20 + c)] for r in range(6, 14) for c in range(6, 14)}
    noise = pl.DataFrame({"lsoa_code": ids, "crimes": rng.poisson(5, 400)})
    null = hotspots(noise, w, permutations=9999, seed=1)
    assert null.hot_spots == 0 and null.cold_spots == 0


def test_lsoas_missing_from_counts_count_zero() -> None:
    ids, e, n = _lattice(6)
    w = knn_weights(ids, e, n, k=4)
    part = pl.DataFrame({"lsoa_code": ids[:30], "crimes": np.arange(30)})
    result = hotspots(part, w, permutations=99, seed=0)
    assert result.table.height == 36
    assert result.table.filter(pl.col("lsoa_code").is_in(ids[30:]))["crimes"].sum() == 0


@pytest.mark.parametrize(
    ("hot", "pattern"),
    [
        ([True] * 5, "persistent"),
        ([False, False, False, False, True], "emerging"),
        ([False, False, True, False, True], "emerging"),
        ([False, True, True, False, True], "intermittent"),
        ([True, True, False, False, False], "diminishing"),
        ([False] * 5, "never"),
    ],
)
def test_patterns(hot: list[bool], pattern: str) -> None:
    assert _pattern(hot) == pattern


def test_a_cluster_every_year_is_persistent() -> None:
    ids, e, n = _lattice(12)
    w = knn_weights(ids, e, n, k=8)
    rng = np.random.default_rng(9)
    block = [(r * 12 + c) for r in range(4, 8) for c in range(4, 8)]
    rows = []
    for year in ("2019/20", "2020/21", "2021/22"):
        y = rng.poisson(5, 144)
        y[block] = rng.poisson(40, len(block))
        rows.append(pl.DataFrame({"lsoa_code": ids, "year": year, "crimes": y}))
    trends = hotspot_trends(pl.concat(rows), w, permutations=9999, seed=3)
    persistent = set(trends.table.filter(pl.col("pattern") == "persistent")["lsoa_code"].to_list())
    assert {ids[5 * 12 + 5], ids[6 * 12 + 6]} <= persistent
    assert trends.patterns["emerging"] == 0


def test_a_cluster_hot_in_all_years_but_one_is_counted_beside_the_persistent() -> None:
    # Block A is planted in all three years, block B in the first two only: B's centre is hot
    # in all years but one, so it is counted there and not as persistent.
    ids, e, n = _lattice(12)
    w = knn_weights(ids, e, n, k=8)
    rng = np.random.default_rng(11)
    block_a = [(r * 12 + c) for r in range(1, 4) for c in range(1, 4)]
    block_b = [(r * 12 + c) for r in range(7, 10) for c in range(7, 10)]
    rows = []
    for index, year in enumerate(("2019/20", "2020/21", "2021/22")):
        y = rng.poisson(5, 144)
        y[block_a] = rng.poisson(40, len(block_a))
        if index < 2:
            y[block_b] = rng.poisson(40, len(block_b))
        rows.append(pl.DataFrame({"lsoa_code": ids, "year": year, "crimes": y}))
    trends = hotspot_trends(pl.concat(rows), w, permutations=999, seed=3)
    centre_b = trends.table.filter(pl.col("lsoa_code") == ids[8 * 12 + 8]).row(0, named=True)
    assert centre_b["years_hot"] == 2 and centre_b["pattern"] != "persistent"
    assert trends.patterns["persistent"] >= 1
    assert trends.hot_all_but_one >= trends.patterns["persistent"] + 1


def test_concentration_worked_by_hand() -> None:
    # 20 LSOAs: one with 30 crimes, four with 5, the rest none. Top 5% = ceil(1) = 1 LSOA,
    # holding 30 of 50 crimes = 60%. Gini of (0 x15, 5 x4, 30): sorted ascending, i = 1..20,
    # sum(i y) = 5 (16+17+18+19) + 30 * 20 = 950; G = 2*950/(20*50) - 21/20 = 1.9 - 1.05 = 0.85.
    y = [30, 5, 5, 5, 5] + [0] * 15
    frame = pl.DataFrame(
        {"lsoa_code": [f"E{i}" for i in range(20)], "crimes": y, "population": [1500] * 20}
    )
    result = concentration(frame, seed=0)
    assert result.top_lsoas == 1
    assert result.top_share == pytest.approx(0.6)
    assert result.gini == pytest.approx(0.85)
    assert top_share(y, 0.05) == pytest.approx(0.6)
    # By chance, 50 crimes over 20 equal LSOAs: the busiest holds about 5-7 crimes (10-14%).
    assert 0.08 < result.chance_share < 0.2
    assert result.table["share_of_crimes"][-1] == pytest.approx(1.0)


@given(
    st.lists(
        st.sampled_from([-2.5, -1.0, 0.0, 0.3, 1.0, 1.96, 4.0, math.nan]), min_size=3, max_size=7
    )
)
def test_trend_test_is_scipys_kendall_tau(z: list[float]) -> None:
    # The trend is computed once per order pattern; it must equal scipy on the values themselves.
    tau, p = _kendall(z)
    if len(set(z)) < 2:
        assert math.isnan(tau) and math.isnan(p)
        return
    expected = stats.kendalltau(np.arange(len(z)), z)
    for got, want in ((tau, expected.statistic), (p, expected.pvalue)):
        assert got == want or (math.isnan(got) and math.isnan(want))


def test_chance_benchmark_is_the_busiest_lsoas_of_each_allocation() -> None:
    # The chance share, recomputed with a full sort of the same multinomial draws.
    rng = np.random.default_rng(3)
    population = rng.integers(1000, 3000, 300)
    frame = pl.DataFrame(
        {
            "lsoa_code": [f"E{i:03d}" for i in range(300)],
            "crimes": rng.poisson(4, 300),
            "population": population,
        }
    )
    result = concentration(frame, simulations=199, seed=7)
    total = int(frame["crimes"].sum())
    ordered = frame.sort(["crimes", "lsoa_code"], descending=[True, False])
    weights = ordered["population"].to_numpy() / ordered["population"].sum()
    draws = np.random.default_rng(7).multinomial(total, weights, size=199)
    top = np.sort(draws, axis=1)[:, ::-1][:, : result.top_lsoas].sum(axis=1) / total
    assert result.chance_share == pytest.approx(float(np.mean(top)))
    assert (result.chance_low, result.chance_high) == pytest.approx(
        tuple(np.percentile(top, [2.5, 97.5]))
    )


def test_queen_contiguity_from_polygons() -> None:
    ids = [f"E0100000{i}" for i in range(1, 10)]
    w = queen_weights(GRID, ids)
    card = dict(zip(w.ids, w.cardinalities.tolist(), strict=True))
    assert card["E01000005"] == 8
    assert [card[c] for c in ("E01000001", "E01000003", "E01000007", "E01000009")] == [3, 3, 3, 3]
    assert [card[c] for c in ("E01000002", "E01000004", "E01000006", "E01000008")] == [5, 5, 5, 5]


@pytest.mark.parametrize("result_type", [HotspotResult, HotspotTrendResult])
def test_every_whole_number_of_a_hot_spot_result_counts_areas_and_is_published_as_such(
    result_type: type,
) -> None:
    # The whole numbers on these Results count LSOAs (or permutations), which are public; read
    # as counts of crimes, the release log refused the demo's public hot spots when two LSOAs
    # were hot in all years but one.
    whole = [f.name for f in dataclasses.fields(result_type) if f.type in ("int", int)]
    assert whole  # the check is not vacuous
    assert [name for name in whole if is_count_name(name)] == []
