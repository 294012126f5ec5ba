"""G* is esda's G_Local(star=True), value for value, and our weights are libpysal's.

Known answers: a five-point chain worked by hand (below), and esda (the PySAL reference
implementation) on the 1,065 Kent LSOA centroids with the same weights and seed.
"""

from __future__ import annotations

import math
import warnings

import esda
import numpy as np
import pytest
from libpysal.weights import KNN

from vawg.datasets import kent_lsoas
from vawg.errors import InputError
from vawg.spatial.gistar import gi_star
from vawg.spatial.weights import distance_band_weights, knn_weights


def _esda(y: np.ndarray, w: object, permutations: int, seed: int) -> esda.G_Local:
    with warnings.catch_warnings():
        # esda 2.9 warns that its default 'directed' alternative will change; we match it.
        warnings.simplefilter("ignore", DeprecationWarning)
        # libpysal warns when a k-nearest-neighbour graph has several components: harmless.
        warnings.filterwarnings("ignore", "The weights matrix is not fully connected")
        return esda.G_Local(
            y, w, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1
        )


@pytest.fixture(scope="module")
def kent() -> tuple[list[str], np.ndarray, np.ndarray]:
    t = kent_lsoas()
    return t["lsoa_code"].to_list(), t["easting"].to_numpy(), t["northing"].to_numpy()


def test_chain_worked_by_hand() -> None:
    # Points 0..4 on a line 1 km apart; a 1.5 km band links each to the next: a chain.
    # y = 1, 2, 3, 4, 10; total 20. G*_4 = (4 + 10) / 20 = 0.7 (itself and point 3).
    # n = 5, mean 4, mean of squares (1+4+9+16+100)/5 = 26, variance 26 - 16 = 10.
    # E[G*_4] = 2/5 = 0.4; Var = 2 (5-2) / (5-1) / 25 * 10 / 16 = 0.0375; z = 0.3 / 0.19365 = 1.5492.
    # G*_2 = (2 + 3 + 4) / 20 = 0.45, E = 3/5, Var = 3*2/4/25*0.625 = 0.0375, z = -0.7746.
    w = distance_band_weights(
        [f"E0100000{i}" for i in range(5)], np.arange(5) * 1000.0, np.zeros(5), threshold=1500
    )
    result = gi_star([1, 2, 3, 4, 10], w, permutations=0)
    assert result.gi[4] == pytest.approx(0.7)
    assert result.gi_z[4] == pytest.approx(0.3 / math.sqrt(0.0375))
    assert result.gi[2] == pytest.approx(0.45)
    assert result.gi_z[2] == pytest.approx(-0.15 / math.sqrt(0.0375))
    assert np.isnan(result.p_sim).all()


@pytest.mark.parametrize("kind", ["knn", "distance"])
def test_gi_star_equals_esda_on_kent(
    kind: str, kent: tuple[list[str], np.ndarray, np.ndarray]
) -> None:
    ids, east, north = kent
    if kind == "knn":
        w = knn_weights(ids, east, north, k=6)
    else:  # variable numbers of neighbours, including LSOAs joined to their nearest
        w = distance_band_weights(ids, east, north, threshold=1500)
    y = np.random.default_rng(11).negative_binomial(3, 0.15, len(ids)).astype(float)
    mine = gi_star(y, w, permutations=999, seed=12345)
    ref = _esda(y, w.to_libpysal(), 999, 12345)
    np.testing.assert_allclose(mine.gi, ref.Gs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(mine.gi_z, ref.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(mine.p_norm, ref.p_norm, rtol=0, atol=1e-12)
    # esda stores p_sim as float32: the permutation counts, hence the p-values, are identical.
    np.testing.assert_array_equal(mine.p_sim.astype(np.float32), ref.p_sim)


def test_rates_not_counts_also_match_esda(kent: tuple[list[str], np.ndarray, np.ndarray]) -> None:
    ids, east, north = kent
    w = knn_weights(ids, east, north, k=5)
    y = np.random.default_rng(2).poisson(12, len(ids)) / 3.7  # ties, as rates from counts have
    mine = gi_star(y, w, permutations=199, seed=7)
    ref = _esda(y, w.to_libpysal(), 199, 7)
    np.testing.assert_allclose(mine.gi_z, ref.Zs, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(mine.p_sim.astype(np.float32), ref.p_sim)


def test_knn_weights_are_libpysals(kent: tuple[list[str], np.ndarray, np.ndarray]) -> None:
    ids, east, north = kent
    mine = knn_weights(ids, east, north, k=6).to_libpysal()
    ref = KNN.from_array(np.column_stack([east, north]), k=6, ids=ids)
    assert mine.id_order == list(ids)
    assert all(set(mine.neighbors[i]) == set(ref.neighbors[i]) for i in ids)
    assert set(mine.cardinalities.values()) == {6}


def test_seed_changes_p_but_not_z(kent: tuple[list[str], np.ndarray, np.ndarray]) -> None:
    ids, east, north = kent
    w = knn_weights(ids, east, north)
    y = np.random.default_rng(5).poisson(8, len(ids))
    a = gi_star(y, w, permutations=199, seed=1)
    b = gi_star(y, w, permutations=199, seed=1)
    c = gi_star(y, w, permutations=199, seed=2)
    np.testing.assert_array_equal(a.p_sim, b.p_sim)
    np.testing.assert_array_equal(a.gi_z, c.gi_z)
    assert not np.array_equal(a.p_sim, c.p_sim)


def test_bad_input_says_what_to_fix(kent: tuple[list[str], np.ndarray, np.ndarray]) -> None:
    ids, east, north = kent
    w = knn_weights(ids, east, north)
    with pytest.raises(InputError, match="one value per area"):
        gi_star([1.0, 2.0], w)
    with pytest.raises(InputError, match="every value is 0"):
        gi_star(np.zeros(len(ids)), w)
    with pytest.raises(InputError, match="k=0"):
        knn_weights(ids, east, north, k=0)
