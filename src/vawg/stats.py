"""Intervals, tests and multiple-testing corrections: one place, each a call to statsmodels or scipy.

The analyses call these rather than writing the formulas again, so one well-tested library does
the arithmetic and a reviewer has one place to check. Each function handles the edge cases the
analyses meet (no trials, missing p-values) the same way everywhere: an undefined quantity is
NaN (or ``None`` in a list), never a made-up number.

- **Wilson score interval** for a proportion: Wilson EB (1927) *JASA* 22:209-212; recommended by
  Brown, Cai & DasGupta (2001) *Statistical Science* 16:101-133.
  ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
- **Exact (Clopper-Pearson) binomial interval**: Clopper CJ, Pearson ES (1934) *Biometrika*
  26:404-413. ``proportion_confint(method="beta")``.
- **Exact (Garwood) Poisson interval** for a count: Garwood F (1936) *Biometrika* 28:437-442
  (the central interval from the chi-square quantiles).
  ``statsmodels.stats.rates.confint_poisson(method="exact-c")``.
- **Newcombe's hybrid score interval** for the difference of two independent proportions
  (method 10 of Newcombe RG (1998) *Statistics in Medicine* 17:873-890).
  ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``.
- **Pooled two-proportion z-test**: ``statsmodels.stats.proportion.proportions_ztest``; and
  **Fisher's exact test** of a 2x2 table: ``scipy.stats.fisher_exact``.
- **Crimes per 1,000 women and girls per year** (:func:`rate_per_1000_per_year`): the one rate
  every report and the site show; the count and the female population must cover the same
  people and places, and the interval is the exact Poisson one above.
- **Ratio of two Poisson rates** (this period against the same period a year earlier): score
  interval and score test of Gu, Ng, Tang & Schucany (2008) *Biometrical Journal* 50:2-21.
  ``statsmodels.stats.rates.confint_poisson_2indep`` / ``test_poisson_2indep``.
- **Benjamini-Hochberg** false discovery rate (Benjamini Y, Hochberg Y (1995) *JRSS B*
  57:289-300) and **Holm**'s step-down family-wise correction (Holm S (1979) *Scand J Statist*
  6:65-70): ``statsmodels.stats.multitest.multipletests(method="fdr_bh" / "holm")``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import stats as scipy_stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep, test_poisson_2indep

from vawg.results import Estimate

__all__ = [
    "adjusted_list",
    "benjamini_hochberg",
    "clopper_pearson_interval",
    "fisher_exact_test",
    "holm",
    "newcombe_interval",
    "poisson_interval",
    "poisson_rate_interval",
    "rate_per_1000_per_year",
    "rate_ratio",
    "two_proportion_z_test",
    "wilson_interval",
]

_NAN = float("nan")


def _alpha(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level={level}: give a confidence level between 0 and 1, e.g. 0.95")
    return 1 - level


def wilson_interval(successes: int, trials: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``successes / trials`` (NaN, NaN when ``trials`` is 0).

    At 0 successes the lower limit is exactly 0, at ``trials`` successes the upper limit is
    exactly 1 (statsmodels leaves a rounding residue of about 1e-17 there)."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"wilson: need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return _NAN, _NAN
    low, high = proportion_confint(successes, trials, alpha=_alpha(level), method="wilson")
    low = 0.0 if successes == 0 else max(0.0, float(low))
    high = 1.0 if successes == trials else min(1.0, float(high))
    return low, high


def clopper_pearson_interval(
    successes: float, trials: float, *, level: float = 0.95
) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for ``successes / trials``; the counts may be effective
    (non-whole) sizes, as for a weighted survey share. NaN, NaN when ``trials`` is 0."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(
            f"clopper_pearson: need 0 <= successes <= trials, got {successes} of {trials}"
        )
    if trials == 0:
        return _NAN, _NAN
    low, high = proportion_confint(successes, trials, alpha=_alpha(level), method="beta")
    return float(low), float(high)


def poisson_interval(count: int, *, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson ``count``; divide by the exposure for a
    rate. The lower limit at a count of 0 is 0."""
    if count < 0:
        raise ValueError(f"poisson_interval: count={count} must be 0 or more")
    low, high = confint_poisson(count, 1.0, method="exact-c", alpha=_alpha(level))
    return (0.0 if count == 0 else float(low)), float(high)


def poisson_rate_interval(
    count: int, exposure: float, *, level: float = 0.95
) -> tuple[float, float]:
    """Exact (Garwood) interval for the rate ``count / exposure`` (exposure > 0)."""
    if not exposure > 0:
        raise ValueError(f"poisson_rate_interval: exposure={exposure} must be greater than 0")
    low, high = poisson_interval(count, level=level)
    return low / exposure, high / exposure


def rate_per_1000_per_year(
    count: int | None, population: float | None, years: float, *, level: float = 0.95
) -> Estimate:
    """Crimes per 1,000 women and girls per year with its exact Poisson interval: ``count``
    crimes against women and girls over ``years`` years among ``population`` female residents
    (all ages) of the same area. NaN throughout when the count is withheld or there is no
    population, never a made-up rate."""
    if count is None or not population or not years > 0:
        return Estimate(_NAN, _NAN, _NAN, level=level)
    exposure = float(population) * years / 1000.0
    low, high = poisson_rate_interval(int(count), exposure, level=level)
    return Estimate(int(count) / exposure, low, high, level=level)


def rate_ratio(
    count: int, exposure: float, count0: int, exposure0: float, *, level: float = 0.95
) -> Estimate:
    """``(count / exposure) / (count0 / exposure0)`` with the score interval and the score
    test's two-sided p-value; NaN when the comparison period has no crimes or no exposure."""
    if count0 <= 0 or not exposure > 0 or not exposure0 > 0 or count < 0:
        return Estimate(_NAN, _NAN, _NAN, level=level)
    ratio = (count / exposure) / (count0 / exposure0)
    low, high = confint_poisson_2indep(
        count, exposure, count0, exposure0, method="score", compare="ratio", alpha=_alpha(level)
    )
    test = test_poisson_2indep(count, exposure, count0, exposure0, method="score")
    return Estimate(ratio, float(low), float(high), float(test.pvalue), level=level)


def newcombe_interval(
    later: tuple[int, int], earlier: tuple[int, int], *, level: float = 0.95
) -> tuple[float, float, float]:
    """``p_later - p_earlier`` with Newcombe's hybrid score interval, each argument
    ``(successes, trials)``; all NaN when either has no trials."""
    (k1, n1), (k2, n2) = later, earlier
    if n1 == 0 or n2 == 0:
        return _NAN, _NAN, _NAN
    low, high = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=_alpha(level)
    )
    return k1 / n1 - k2 / n2, float(low), float(high)


def two_proportion_z_test(later: tuple[int, int], earlier: tuple[int, int]) -> float:
    """Two-sided p-value of the pooled z-test of equal proportions; NaN when either has no
    trials, and 1 when no trial anywhere (or every one) is a success: no evidence of change."""
    (k1, n1), (k2, n2) = later, earlier
    if n1 == 0 or n2 == 0:
        return _NAN
    if k1 + k2 in (0, n1 + n2):
        return 1.0
    _, p = proportions_ztest(np.array([k1, k2]), np.array([n1, n2]), alternative="two-sided")
    return float(p)


def fisher_exact_test(later: tuple[int, int], earlier: tuple[int, int]) -> float:
    """Two-sided p-value of Fisher's exact test of the 2x2 table of successes and failures."""
    (k1, n1), (k2, n2) = later, earlier
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    return float(scipy_stats.fisher_exact(table, alternative="two-sided").pvalue)


def _holm(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Holm's step-down adjustment, as statsmodels' ``multipletests(method="holm")`` computes
    it. Written out because that function runs a full garbage collection on every call: 0.14 s
    each in a process holding a large analysis, 3.5 of the survey step's 8 s."""
    order = np.argsort(p)
    stepped = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
    out = np.empty_like(p)
    out[order] = np.minimum(stepped, 1.0)
    return out


def _adjust(p_values: npt.ArrayLike, method: str) -> npt.NDArray[np.float64]:
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = _holm(p[ok]) if method == "holm" else multipletests(p[ok], method=method)[1]
    return out


def benjamini_hochberg(p_values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted among
    the comparisons."""
    return _adjust(p_values, "fdr_bh")


def holm(p_values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Holm's step-down adjusted p-values, in the order given; NaN stays NaN and is not
    counted among the comparisons."""
    return _adjust(p_values, "holm")


def adjusted_list(p_values: Sequence[float | None], method: str = "fdr_bh") -> list[float | None]:
    """:func:`benjamini_hochberg` (``fdr_bh``) or :func:`holm` (``holm``) of a list that may
    hold ``None``: ``None`` in, ``None`` out."""
    if method not in ("fdr_bh", "holm"):
        raise ValueError(f"method={method!r}: use 'fdr_bh' (Benjamini-Hochberg) or 'holm'")
    raw = [_NAN if p is None else float(p) for p in p_values]
    adjusted = _adjust(raw, method)
    return [None if math.isnan(q) else float(q) for q in adjusted]
