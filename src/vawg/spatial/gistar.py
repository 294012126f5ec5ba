"""The Getis-Ord local G* statistic with conditional permutation inference, vectorised.

G*_i = sum_j w_ij y_j / sum_j y_j with binary weights and w_ii = 1 (Getis & Ord 1992; Ord &
Getis 1995). Its z-score uses the analytical moments under randomisation, and its pseudo
p-value comes from conditional permutation (Anselin 1995): y_i stays put while its neighbours'
values are drawn at random, without replacement, from the other n - 1 areas.

This module reproduces ``esda.G_Local(y, w, transform="B", star=True, seed=seed)`` exactly:

* ``gi`` and ``gi_z`` use esda's formulas term by term (equal to about 1e-15);
* the permutation draws are esda's: permutation k takes the first ``max_card`` items of a
  random permutation of ``0 .. n-2`` from ``numpy.random.RandomState(seed)`` (what esda's
  ``vec_permutations`` does when numba is not installed, as in this environment; with numba
  esda uses numba's own generator and its draws differ), and position ``m`` maps to area
  ``m + (m >= i)`` for focal area ``i``;
* ``p_sim`` is esda's "directed" pseudo p-value (the smaller tail, (M + 1) / (R + 1)).

For integer counts every sum is exact in floating point, so the permutation counts, and hence
``p_sim``, are identical to esda's. The speed comes from never looping over areas: for one
permutation, the neighbour sum of every area is the same base sum plus a correction that is a
step function of i (the draws at or beyond position i shift by one), so one cumulative sum over
n gives all n areas at once: O(R n) work instead of O(R n k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from vawg.errors import InputError
from vawg.spatial.weights import SpatialWeights

__all__ = ["GiStar", "gi_star", "permutation_ids"]

_BLOCK = 1_000_000  # floats per working block (8 MB)


@dataclass(frozen=True, eq=False)
class GiStar:
    """Raw G* arrays aligned with the weights' ids (``p_sim`` empty when no permutations)."""

    gi: npt.NDArray[np.float64]
    gi_z: npt.NDArray[np.float64]
    p_norm: npt.NDArray[np.float64]
    p_sim: npt.NDArray[np.float64]
    expected: npt.NDArray[np.float64]
    permutations: int
    seed: int


def permutation_ids(n: int, max_card: int, permutations: int, seed: int) -> npt.NDArray[np.int64]:
    """esda's conditional-permutation draws: (permutations, max_card) positions in 0..n-2."""
    rs = np.random.RandomState(seed)
    out = np.empty((permutations, max_card), dtype=np.int64)
    for k in range(permutations):
        out[k] = rs.choice(n - 1, size=max_card, replace=False)
    return out


def _moments(
    y: npt.NDArray[np.float64], cardinality: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    n = y.size
    mean = y.sum() / n
    mean_of_squares = (y**2).sum() / n
    variance = mean_of_squares - mean**2
    expected = cardinality / n
    var_g = cardinality * (n - cardinality)
    var_g = var_g / (n - 1)
    var_g = var_g * (1 / n**2)
    var_g = var_g * (variance / (mean**2))
    return expected, var_g


def _count_larger(
    y: npt.NDArray[np.float64],
    observed_sum: npt.NDArray[np.float64],
    sites: npt.NDArray[np.int64],
    ids: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """For each of ``sites``: how many permutations give a neighbour sum >= the observed one.

    ``ids`` (R x c) are the draws for these sites' cardinality c. The random neighbour sum of
    site i in permutation r is sum_m y[ids[r, m] + (ids[r, m] >= i)].
    """
    n = y.size
    r, c = ids.shape
    base_values = y[ids]  # (R, c)
    step = y[ids + 1] - base_values  # value gained when the draw shifts past the focal area
    base = base_values.sum(axis=1)  # sums with no shift, exact for integer counts
    larger = np.zeros(sites.size, dtype=np.int64)
    target = observed_sum[sites]
    if sites.size * c < n:  # few sites of this cardinality: gather directly
        per_block = max(1, _BLOCK // max(1, r * c))
        for start in range(0, sites.size, per_block):
            block = sites[start : start + per_block]
            shifted = ids[None, :, :] + (ids[None, :, :] >= block[:, None, None])
            sums = y[shifted].sum(axis=2)  # (m, R)
            larger[start : start + block.size] = (
                sums >= target[start : start + block.size, None]
            ).sum(axis=1)
        return larger
    per_block = max(1, _BLOCK // n)
    rows = np.arange(r, dtype=np.int64)
    for start in range(0, r, per_block):
        stop = min(r, start + per_block)
        m = stop - start
        # correction[r, i] = sum of step over draws with position >= i: a reversed cumsum.
        correction = np.zeros((m, n), dtype=np.float64)
        np.add.at(
            correction, (np.repeat(rows[:m], c), ids[start:stop].ravel()), step[start:stop].ravel()
        )
        correction = np.cumsum(correction[:, ::-1], axis=1)[:, ::-1]
        sums = base[start:stop, None] + correction[:, sites]  # (m, sites)
        larger += (sums >= target[None, :]).sum(axis=0)
    return larger


def gi_star(
    y: npt.ArrayLike,
    weights: SpatialWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
) -> GiStar:
    """G* for every area of ``weights`` (``y`` in the same order), with pseudo p-values."""
    values = np.asarray(y, dtype=np.float64).ravel()
    n = values.size
    if n != weights.n:
        raise InputError(f"gi_star: {n} values for {weights.n} areas; give one value per area")
    if n < 3:
        raise InputError(f"gi_star: {n} areas; G* needs at least 3")
    if not np.isfinite(values).all() or (values < 0).any():
        raise InputError("gi_star: values must be finite counts or rates >= 0")
    if values.sum() <= 0:
        raise InputError("gi_star: every value is 0; there is nothing to find hot spots in")
    if permutations < 0:
        raise InputError(f"gi_star: permutations={permutations} must be 0 or more (e.g. 999)")
    matrix = weights.matrix
    card = weights.cardinalities
    if (card == 0).any():
        raise InputError("gi_star: some areas have no neighbours; join islands before testing")
    neighbour_sum = np.asarray(matrix @ values).ravel()
    total = values.sum()
    with_self = (matrix + sp.identity(n, format="csr")).tocsr()
    with_self.sort_indices()
    gi = np.asarray(with_self @ values).ravel() / total
    expected, var_g = _moments(values, card.astype(np.float64) + 1.0)
    gi_z = (gi - expected) / np.sqrt(var_g)
    from scipy import stats

    p_norm = stats.norm.sf(np.abs(gi_z))
    p_sim = np.full(n, np.nan)
    if permutations:
        draws = permutation_ids(n, int(card.max()), permutations, seed)
        larger = np.zeros(n, dtype=np.int64)
        integer = bool(np.all(values == np.round(values)) and total < 2**52)
        for c in np.unique(card):
            sites = np.flatnonzero(card == c).astype(np.int64)
            if integer:
                # (s + y_i) / total >= G*_i  <=>  s >= observed neighbour sum, exactly, because
                # every sum of integer counts is exact in floating point.
                larger[sites] = _count_larger(values, neighbour_sum, sites, draws[:, :c])
            else:
                larger[sites] = _count_larger_float(values, gi, sites, draws[:, :c], total)
        low = (permutations - larger) < larger
        larger[low] = permutations - larger[low]
        p_sim = (larger + 1.0) / (permutations + 1.0)
    return GiStar(gi, gi_z, p_norm, p_sim, expected, permutations, seed)


def _count_larger_float(
    y: npt.NDArray[np.float64],
    observed_gi: npt.NDArray[np.float64],
    sites: npt.NDArray[np.int64],
    ids: npt.NDArray[np.int64],
    total: float,
) -> npt.NDArray[np.int64]:
    """Rates rather than counts: esda's float expression site by site, so ties round alike."""
    c = ids.shape[1]
    ones = np.ones(c)
    larger = np.zeros(sites.size, dtype=np.int64)
    for k, i in enumerate(sites):
        others = np.delete(y, i)
        random = (others[ids] @ ones + 1.0 * y[i]) / total
        larger[k] = int((random >= observed_gi[i]).sum())
    return larger
