"""The hot-spot decision, checked by simulation on Kent's 1,065 real LSOAs.

Counts are drawn as Poisson(residents x rate x planted rate ratio), so the truth is known:

* with nothing planted, the share of LSOAs declared hot or cold stays far below 5% (the FDR
  level bounds the false share among declared ones; with every LSOA null, BH declares none in
  about 95% of draws);
* with clusters planted around ten town centres (the three LSOAs nearest each high street at
  four times the rate), at least half the planted LSOAs whose G* neighbourhood has a true rate
  ratio of 2 or more are declared, and almost nothing whose neighbourhood is ordinary;
* the normal p-values have no floor: the strongest planted LSOA's p is far below the
  1 / (R + 1) a permutation test can reach.

Gi* itself is checked against esda in test_gistar.py; here only the decision is.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from vawg.datasets import kent_lsoas
from vawg.spatial.hotspots import hotspots
from vawg.spatial.weights import SpatialWeights, knn_weights
from vawg.synth.areas import TOWN_CENTRES

MEAN_PER_LSOA = 60.0  # in-scope crimes per LSOA over five years at scale 0.5
DRAWS = 20


@pytest.fixture(scope="module")
def kent() -> tuple[pl.DataFrame, SpatialWeights]:
    areas = kent_lsoas().sort("lsoa_code")
    return areas, knn_weights(areas["lsoa_code"], areas["easting"], areas["northing"], k=6)


def _planted(areas: pl.DataFrame) -> np.ndarray:
    east, north = areas["easting"].to_numpy(), areas["northing"].to_numpy()
    ratio = np.ones(areas.height)
    for _town, e, n, _k in TOWN_CENTRES[:10]:
        ratio[np.argsort(np.hypot(east - e, north - n))[:3]] = 4.0
    return ratio


def _draw(areas: pl.DataFrame, ratio: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    population = areas["population"].to_numpy().astype(float)
    rate = MEAN_PER_LSOA / population.mean()
    return pl.DataFrame(
        {
            "lsoa_code": areas["lsoa_code"],
            "crimes": rng.poisson(population * rate * ratio),
            "population": population,
        }
    )


def test_null_data_declare_almost_nothing(kent: tuple[pl.DataFrame, SpatialWeights]) -> None:
    areas, weights = kent
    rng = np.random.default_rng(2024)
    shares = []
    for _ in range(DRAWS):
        counts = _draw(areas, np.ones(areas.height), rng)
        result = hotspots(counts, weights, measure="rate", permutations=99, seed=1)
        shares.append((result.hot_spots + result.cold_spots) / areas.height)
    assert max(shares) <= 0.05
    assert float(np.mean(shares)) <= 0.005


def test_planted_town_centres_are_found(kent: tuple[pl.DataFrame, SpatialWeights]) -> None:
    areas, weights = kent
    ratio = _planted(areas)
    population = areas["population"].to_numpy().astype(float)
    with_self = (weights.matrix + sp.identity(weights.n, format="csr")).tocsr()
    expected = population * ratio
    # The true rate ratio of each G* neighbourhood (the LSOA and its 6 neighbours).
    neighbourhood = (with_self @ expected) / (with_self @ population)
    neighbourhood = neighbourhood / (expected.sum() / population.sum())
    target = (ratio > 1) & (neighbourhood >= 2)
    ordinary = neighbourhood < 1.05
    assert target.sum() >= 10
    rng = np.random.default_rng(7)
    found, false_alarms, declared_total = [], [], []
    for _ in range(DRAWS):
        result = hotspots(_draw(areas, ratio, rng), weights, measure="rate", permutations=99)
        declared = result.table.sort("lsoa_code")["declared"].to_numpy()
        found.append(declared[target].mean())
        false_alarms.append(int((declared & ordinary).sum()))
        declared_total.append(int(declared.sum()))
    assert float(np.mean(found)) >= 0.5
    # Benjamini-Hochberg bounds the expected share of false alarms among those declared.
    assert float(np.sum(false_alarms)) / max(1, np.sum(declared_total)) <= 0.05


def test_normal_p_values_have_no_permutation_floor(
    kent: tuple[pl.DataFrame, SpatialWeights],
) -> None:
    areas, weights = kent
    counts = _draw(areas, _planted(areas), np.random.default_rng(3))
    result = hotspots(counts, weights, measure="rate", permutations=999, seed=0)
    strongest = result.table.row(0, named=True)
    assert strongest["p_value"] < 1e-6 < 1 / (999 + 1)
    assert strongest["p_perm"] >= 2 / (999 + 1)
    assert strongest["declared"]
    # The permutation check agrees on most declared hot spots.
    assert result.confirmed_by_permutation >= 0.5 * result.hot_spots


def test_the_rates_decided_on_are_esdas_gi_star(
    kent: tuple[pl.DataFrame, SpatialWeights],
) -> None:
    import warnings

    import esda

    areas, weights = kent
    counts = _draw(areas, _planted(areas), np.random.default_rng(5))
    result = hotspots(counts, weights, measure="rate", permutations=99, seed=4)
    table = result.table.sort("lsoa_code")
    rates = 1000.0 * counts["crimes"].to_numpy() / counts["population"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = esda.G_Local(
            rates, weights.to_libpysal(), transform="B", star=True, permutations=99, seed=4
        )
    np.testing.assert_allclose(table["gi_z"].to_numpy(), ref.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(table["p_value"].to_numpy(), 2 * ref.p_norm, rtol=1e-12)
    np.testing.assert_array_equal(table["p_sim"].to_numpy().astype(np.float32), ref.p_sim)
