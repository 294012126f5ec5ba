"""Choosing comparisons: nearest-neighbour matching, and the balance table that shows it worked.

:func:`match_nearest` gives each treated unit (an LSOA, or a programme participant) its ``k``
nearest units from a pool of candidates, **exactly** alike on the ``exact`` columns (e.g.
town-centre status, or the month the programme started) and nearest on the others by
Mahalanobis distance (Rubin 1980), the covariance taken from treated and pool together so that
a covariate measured in pounds does not swamp one measured in crimes. Matching is without
replacement and greedy over the whole set: the closest remaining pair anywhere is taken first,
so an early treated unit does not use up the comparison a later one needed more (Rosenbaum
1989). When a covariate does not vary, the distance uses the variances only.

:func:`balance_table` is the check (Austin 2009; Stuart 2010): for each covariate the treated
mean, the mean of the whole pool (before matching) and of the matched comparisons (after),
and the **standardised difference** ``(treated mean - comparison mean) / s``, where ``s`` is
the square root of the average of the treated and pool variances *before* matching, the same
denominator before and after so that only the means move. An absolute standardised
difference under 0.1 is the usual mark of good balance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from vawg.errors import InputError

__all__ = [
    "BALANCE_LIMIT",
    "MATCHING_CITATION",
    "Matched",
    "Moments",
    "balance_table",
    "match_nearest",
]

BALANCE_LIMIT = 0.1
MATCHING_CITATION = (
    "Rubin DB (1980) Bias reduction using Mahalanobis-metric matching. Biometrics "
    "36(2):293-298; Rosenbaum PR (1989) Optimal matching for observational studies. JASA "
    "84(408):1024-1032; Austin PC (2009) Balance diagnostics for comparing the distribution of "
    "baseline covariates between treatment groups in propensity-score matched samples. Stat "
    "Med 28(25):3083-3107; Stuart EA (2010) Matching methods for causal inference: a review "
    "and a look forward. Stat Sci 25(1):1-21."
)


@dataclass(frozen=True)
class Matched:
    """Matched pairs: ``pairs`` (treated, comparison, distance), one row per comparison used,
    and the treated units that found fewer than ``k`` comparisons (``short``)."""

    pairs: pl.DataFrame
    short: tuple[str, ...]
    k: int


def _matrix(frame: pl.DataFrame, covariates: Sequence[str]) -> np.ndarray:
    return frame.select([pl.col(c).cast(pl.Float64) for c in covariates]).to_numpy()


def _inverse_covariance(values: np.ndarray, columns: int) -> np.ndarray:
    """The inverse covariance for Mahalanobis distance; the inverse variances when singular."""
    if values.shape[0] < 2 or columns == 0:
        return np.eye(columns)
    cov = np.atleast_2d(np.cov(values, rowvar=False))
    var = np.diag(cov).copy()
    var[var <= 0] = 1.0
    if np.linalg.cond(cov) < 1e12:
        return np.asarray(np.linalg.inv(cov))
    return np.diag(1 / var)


def _strata(
    treated: pl.DataFrame, pool: pl.DataFrame, exact: Sequence[str]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(treated rows, pool rows) alike on every ``exact`` column, both ascending; strata with
    no pool row are left out."""
    if not exact:
        return [(np.arange(treated.height), np.arange(pool.height))] if pool.height else []
    out = []
    for r in _groups(
        pl.concat([treated.select(exact), pool.select(exact)], how="vertical_relaxed")
    ):
        members, candidates = r[r < treated.height], r[r >= treated.height] - treated.height
        if members.size and candidates.size:
            out.append((members, candidates))
    return out


def _group_numbers(frame: pl.DataFrame) -> np.ndarray | None:
    """One integer per row, equal for equal rows, when every value is a small whole number
    (the columns' values read as the digits of one number); else None."""
    if not all(t.is_numeric() for t in frame.dtypes):
        return None
    values = frame.to_numpy().astype(np.float64)  # a null is NaN here
    if not (np.isfinite(values).all() and (values == np.round(values)).all()):
        return None
    digits = (values - values.min(axis=0)).astype(np.int64)
    spans = digits.max(axis=0) + 1
    if math.prod(int(x) for x in spans) >= 2**62:
        return None
    number = np.zeros(frame.height, dtype=np.int64)
    for column, span in zip(digits.T, spans, strict=True):
        number = number * span + column
    return number


def _groups(frame: pl.DataFrame) -> list[np.ndarray]:
    """The row numbers of each group of equal rows of ``frame``, each ascending.

    Whole numbers (of any numeric type, none missing) are grouped with numpy (the programme matches 467 referral
    days, each with a pool of tens of thousands: a polars group_by there cost 2 ms a day);
    anything else with polars. (The order of the groups does not matter: every candidate pair
    is put in one order of distance afterwards.)
    """
    if not frame.height:
        return []
    group = _group_numbers(frame)
    if group is not None:
        order = np.argsort(group, kind="stable")
        starts = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])
        return np.split(order, starts[1:])
    rows = frame.with_row_index("row").group_by(frame.columns, maintain_order=True).agg("row")
    return [np.asarray(r, dtype=np.int64) for r in rows["row"].to_list()]


def _first_k(order: np.ndarray, ci: np.ndarray, k: int) -> np.ndarray:
    """With replacement: each treated row's first ``k`` candidates in ``order``, in that order."""
    rows = ci[order]
    by_row = np.argsort(rows, kind="stable")
    starts = np.flatnonzero(np.r_[True, rows[by_row][1:] != rows[by_row][:-1]])
    rank = np.empty(rows.size, dtype=np.int64)
    rank[by_row] = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    return order[rank < k]


def _greedy(
    order: np.ndarray, ci: np.ndarray, cj: np.ndarray, need: np.ndarray, pool_size: int
) -> np.ndarray:
    """Without replacement: walk ``order`` and take a pair while its treated row needs one and
    its candidate is still free."""
    used = np.zeros(pool_size, dtype=bool)
    chosen = []
    for n in order:
        i, j = int(ci[n]), int(cj[n])
        if need[i] and not used[j]:
            chosen.append(n)
            need[i] -= 1
            used[j] = True
            if not need.any():
                break
    return np.asarray(chosen, dtype=np.int64)


def match_nearest(
    treated: pl.DataFrame,
    pool: pl.DataFrame,
    *,
    id_column: str,
    covariates: Sequence[str],
    k: int = 1,
    exact: Sequence[str] = (),
    replace: bool = False,
) -> Matched:
    """Give each treated row its ``k`` nearest pool rows (see module docstring).

    ``replace``: a pool row may serve several treated rows (each still gets ``k`` different
    ones): less bias where close comparisons are scarce, at some cost in precision (Abadie &
    Imbens 2006).
    """
    if k < 1:
        raise InputError(f"match_nearest: k={k} must be 1 or more")
    for frame, name in ((treated, "treated"), (pool, "pool")):
        missing = [c for c in (id_column, *covariates, *exact) if c not in frame.columns]
        if missing:
            raise InputError(f"match_nearest: the {name} frame lacks {', '.join(missing)}")
    a, b = _matrix(treated, covariates), _matrix(pool, covariates)
    for values, name in ((a, "treated"), (b, "pool")):
        # An empty value (null) is NaN in the matrix, as a NaN is.
        empty = np.isnan(values).any(axis=0)
        if empty.any():
            nulls = [c for c, e in zip(covariates, empty, strict=True) if e]
            raise InputError(
                f"match_nearest: {name} has empty values in {', '.join(nulls)}; fill or drop "
                "those rows first"
            )
    inverse = _inverse_covariance(np.vstack([a, b]), len(covariates))
    keep = 20 * k + 20  # nearest candidates kept per treated unit
    cand_i: list[np.ndarray] = []
    cand_j: list[np.ndarray] = []
    cand_d: list[np.ndarray] = []
    for members, candidates in _strata(treated, pool, exact):
        for start in range(0, members.size, 256):
            rows_i = members[start : start + 256]
            diff = a[rows_i][:, None, :] - b[candidates][None, :, :]
            dist = np.sqrt(np.maximum(np.einsum("ijk,kl,ijl->ij", diff, inverse, diff), 0.0))
            take = min(keep, candidates.size)
            nearest = np.argpartition(dist, take - 1, axis=1)[:, :take]
            cand_i.append(np.repeat(rows_i, take))
            cand_j.append(candidates[nearest].ravel())
            cand_d.append(np.take_along_axis(dist, nearest, axis=1).ravel())
    need = np.full(a.shape[0], k)
    chosen = np.zeros(0, dtype=np.int64)
    ci = cj = np.zeros(0, dtype=np.int64)
    cd = np.zeros(0, dtype=np.float64)
    if cand_i:
        ci, cj, cd = np.concatenate(cand_i), np.concatenate(cand_j), np.concatenate(cand_d)
        order = np.lexsort((cj, ci, cd))  # the closest pair anywhere first
        chosen = (
            _first_k(order, ci, k) if replace else _greedy(order, ci, cj, need.copy(), b.shape[0])
        )
        need -= np.bincount(ci[chosen], minlength=a.shape[0])
    t_ids, p_ids = treated[id_column].cast(pl.String), pool[id_column].cast(pl.String)
    pairs = pl.DataFrame(
        {
            "treated": t_ids.gather(ci[chosen]),
            "comparison": p_ids.gather(cj[chosen]),
            "distance": pl.Series(cd[chosen], dtype=pl.Float64),
        }
    )
    short = tuple(t_ids.gather(np.flatnonzero(need)).to_list())
    return Matched(pairs=pairs, short=short, k=k)


@dataclass(frozen=True)
class Moments:
    """How many rows a pool has, and each covariate's mean and sum of squared deviations from
    it: all the balance table needs of the pool, kept in place of its rows.

    A programme's pool is every eligible man on every referral date, each with his
    characteristics on that date; holding the rows took 7.6 GB at Kent scale 5 (3,000
    participants). Pools are added up with Chan, Golub and LeVeque's update (1979), which
    gives the mean and variance of the rows put together to within rounding.
    """

    n: int
    mean: dict[str, float]
    m2: dict[str, float]

    @classmethod
    def empty(cls) -> Moments:
        """A pool of no rows (adding it changes nothing)."""
        return cls(0, {}, {})

    @classmethod
    def of(cls, frame: pl.DataFrame, covariates: Sequence[str]) -> Moments:
        """The moments of ``frame``'s ``covariates`` (as numpy's mean and variance make them)."""
        if not frame.height:
            return cls.empty()
        mean, m2 = {}, {}
        for c in covariates:
            values = frame[c].cast(pl.Float64).to_numpy()
            mean[c] = float(values.mean())
            deviation = values - mean[c]
            m2[c] = float(np.sum(deviation * deviation))
        return cls(frame.height, mean, m2)

    def __add__(self, other: Moments) -> Moments:
        if not other.n:
            return self
        if not self.n:
            return other
        n = self.n + other.n
        mean, m2 = {}, {}
        for c in self.mean:
            delta = other.mean[c] - self.mean[c]
            mean[c] = self.mean[c] + delta * other.n / n
            m2[c] = self.m2[c] + other.m2[c] + delta * delta * self.n * other.n / n
        return Moments(n, mean, m2)

    def variance(self, covariate: str) -> float:
        """The sample variance (ddof 1) of ``covariate``; 0 for fewer than two rows."""
        return self.m2[covariate] / (self.n - 1) if self.n > 1 else 0.0


def balance_table(
    treated: pl.DataFrame,
    pool: pl.DataFrame | Moments,
    matched: pl.DataFrame,
    covariates: Sequence[str],
    *,
    labels: dict[str, str] | None = None,
) -> pl.DataFrame:
    """covariate, treated_mean, pool_mean, matched_mean, smd_before, smd_after, balanced.

    ``pool``: the candidates' rows, or their :class:`Moments`. ``matched`` holds the matched
    comparison rows (a row used twice counts twice).
    """
    labels = labels or {}
    moments = pool if isinstance(pool, Moments) else Moments.of(pool, covariates)
    rows = []
    for c in covariates:
        t = treated[c].cast(pl.Float64).to_numpy()
        m = matched[c].cast(pl.Float64).to_numpy()
        var_t = float(np.var(t, ddof=1)) if t.size > 1 else 0.0
        var_p = moments.variance(c)
        s = math.sqrt((var_t + var_p) / 2)
        mean_t = float(t.mean()) if t.size else math.nan
        mean_p = moments.mean[c] if moments.n else math.nan
        mean_m = float(m.mean()) if m.size else math.nan

        def smd(other: float, mean_t: float = mean_t, s: float = s) -> float:
            if s > 0:
                return (mean_t - other) / s
            return 0.0 if mean_t == other else math.inf

        after = smd(mean_m)
        rows.append(
            {
                "covariate": labels.get(c, c),
                "treated_mean": mean_t,
                "pool_mean": mean_p,
                "matched_mean": mean_m,
                "smd_before": smd(mean_p),
                "smd_after": after,
                "balanced": bool(abs(after) < BALANCE_LIMIT),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "covariate": pl.String,
            "treated_mean": pl.Float64,
            "pool_mean": pl.Float64,
            "matched_mean": pl.Float64,
            "smd_before": pl.Float64,
            "smd_after": pl.Float64,
            "balanced": pl.Boolean,
        },
    )
