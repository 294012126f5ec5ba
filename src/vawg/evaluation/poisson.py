"""A Poisson regression with many fixed effects, fitted by IRLS on a sparse design.

The difference-in-differences models have one fixed effect per area and per month (per stack
of them when interventions are pooled: several hundred columns over ten thousand rows), and
only a handful of coefficients of interest. A dense design makes every iteration of
iteratively reweighted least squares cost seconds; stored sparse (each row has one area, one
month and the terms), the normal equations ``X'WX b = X'Wz`` are a small dense system, solved
in milliseconds. The algorithm is the one of statsmodels' ``GLM`` with the Poisson family and
log link (McCullagh & Nelder 1989, §2.5): same start (``mu = (y + mean(y)) / 2``), same
convergence rule (relative change in deviance), and the tests check that both give the same
coefficients and standard errors.

Standard errors: **quasi-Poisson** (the inverse information times the Pearson dispersion,
never less than 1), or **cluster-robust** (the sandwich with scores summed per cluster and the
small-sample factor ``G / (G - 1) * (N - 1) / (N - K)``, as statsmodels' ``cov_type="cluster"``)
when observations share clusters, e.g. one comparison area used by several stacks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import linalg, sparse

from vawg.errors import ModelError

__all__ = ["FixedEffect", "PoissonFit", "fit_poisson_fe"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FixedEffect:
    """One set of fixed effects: each observation's level (0..levels-1) and the levels whose
    dummy is left out (to avoid collinearity with another set)."""

    codes: IntArray
    levels: int
    dropped: tuple[int, ...] = ()


@dataclass(frozen=True)
class PoissonFit:
    """The coefficients of the terms, their covariance, and how the fit went."""

    coef: FloatArray
    cov: FloatArray
    scale: float
    errors: str
    iterations: int
    observations: int
    parameters: int


def _dummies(effect: FixedEffect) -> sparse.csr_matrix:
    n = effect.codes.size
    keep = np.setdiff1d(np.arange(effect.levels), np.asarray(effect.dropped, dtype=np.int64))
    column = np.full(effect.levels, -1, dtype=np.int64)
    column[keep] = np.arange(keep.size)
    cols = column[effect.codes]
    rows = np.flatnonzero(cols >= 0)
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols[rows])), shape=(n, keep.size))


def _solve(a: FloatArray, b: FloatArray) -> FloatArray:
    try:
        factor = linalg.cho_factor(a, check_finite=False)
        return np.asarray(linalg.cho_solve(factor, b, check_finite=False), dtype=np.float64)
    except linalg.LinAlgError:
        return np.asarray(np.linalg.lstsq(a, b, rcond=None)[0], dtype=np.float64)


def _deviance(y: FloatArray, mu: FloatArray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(term - (y - mu)))


def fit_poisson_fe(
    y: npt.ArrayLike,
    terms: npt.ArrayLike,
    effects: Sequence[FixedEffect],
    *,
    cluster: npt.ArrayLike | None = None,
    max_iterations: int = 100,
    tolerance: float = 1e-8,
) -> PoissonFit:
    """Fit ``log E[y] = terms @ b + fixed effects``; return ``b`` and its covariance."""
    outcome = np.asarray(y, dtype=np.float64)
    x_terms = np.atleast_2d(np.asarray(terms, dtype=np.float64))
    if x_terms.shape[0] != outcome.size:
        x_terms = x_terms.T
    k = x_terms.shape[1]
    design = sparse.hstack(
        [sparse.csr_matrix(x_terms), *(_dummies(e) for e in effects)], format="csr"
    )
    n, p = design.shape
    mu = (outcome + outcome.mean()) / 2
    eta = np.log(mu)
    deviance = math.inf
    a = np.zeros((p, p))
    iterations = 0
    for step in range(1, max_iterations + 1):
        iterations = step
        z = eta + (outcome - mu) / mu
        weighted = design.multiply(mu[:, None]).tocsr()
        a = (design.T @ weighted).toarray()
        beta = _solve(a, weighted.T @ z)
        eta = np.minimum(design @ beta, 700.0)
        mu = np.exp(eta)
        new = _deviance(outcome, mu)
        converged = abs(new - deviance) / (abs(new) + 0.1) < tolerance
        deviance = new
        if converged:
            break
    else:
        raise ModelError(
            f"the Poisson model did not converge in {max_iterations} iterations; the counts may "
            "be too few or too uneven for these fixed effects"
        )
    weighted = design.multiply(mu[:, None]).tocsr()
    a = (design.T @ weighted).toarray()
    unit = np.zeros((p, k))
    unit[np.arange(k), np.arange(k)] = 1.0
    bread = _solve(a, unit).T  # k x p: rows of the inverse information for the terms
    if cluster is None:
        pearson = float(np.sum((outcome - mu) ** 2 / mu))
        scale = max(1.0, pearson / (n - p)) if n > p else 1.0
        cov = scale * bread[:, :k]
        errors = "quasi-Poisson"
    else:
        groups = np.unique(np.asarray(cluster), return_inverse=True)[1]
        g = int(groups.max()) + 1
        if g < 2:
            raise ModelError("cluster-robust errors need at least 2 clusters")
        member = sparse.csr_matrix((np.ones(n), (groups, np.arange(n))), shape=(g, n))
        scores = member @ design.multiply((outcome - mu)[:, None]).tocsr()
        projected = np.asarray(scores @ bread.T)  # g x k
        factor = g / (g - 1) * (n - 1) / (n - p)
        cov = factor * projected.T @ projected
        scale = 1.0
        errors = f"cluster-robust ({g} clusters)"
    return PoissonFit(
        coef=np.asarray(beta[:k], dtype=np.float64),
        cov=np.asarray(cov, dtype=np.float64),
        scale=scale,
        errors=errors,
        iterations=iterations,
        observations=n,
        parameters=p,
    )
