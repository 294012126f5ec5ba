"""Proportions and their differences: Wilson intervals, Newcombe's interval for a difference, a
two-proportion test, and the Benjamini–Hochberg adjustment across many comparisons.

- Wilson score interval: Wilson EB (1927), *JASA* 22:209–212; recommended for rates by Brown,
  Cai & DasGupta (2001), *Statistical Science* 16:101–133.
- Difference of two independent proportions: Newcombe's hybrid score interval (method 10 of
  Newcombe RG (1998), *Statistics in Medicine* 17:873–890), built from the two Wilson intervals.
- Test of no change: the pooled two-proportion z-test; Fisher's exact test (two-sided) when any
  expected cell count of the 2×2 table is below 5.
- Many comparisons: Benjamini Y, Hochberg Y (1995), *JRSS B* 57:289–300, false discovery rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from vawg.results import Estimate

__all__ = [
    "CITATIONS",
    "Difference",
    "benjamini_hochberg",
    "newcombe_difference",
    "two_proportion_test",
    "wilson",
]

CITATIONS = (
    "Wilson (1927) JASA 22:209; Newcombe (1998) Stat Med 17:873 (hybrid score interval for a "
    "difference); pooled two-proportion z-test, Fisher's exact test for small expected counts; "
    "Benjamini & Hochberg (1995) JRSS B 57:289"
)

_NAN = float("nan")


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson(successes: int, trials: int, *, level: float = 0.95) -> Estimate:
    """``successes / trials`` with its Wilson score interval (all NaN when ``trials`` is 0)."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"wilson: need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return Estimate(_NAN, _NAN, _NAN, level=level)
    z = _z(level)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # At k = 0 (k = n) the lower (upper) limit is exactly 0 (1); avoid rounding residue.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Estimate(p, low, high, level=level)


@dataclass(frozen=True)
class Difference:
    """``later - earlier`` proportion with Newcombe's interval, and the test of no change."""

    difference: Estimate
    test: str  # "z" or "fisher"


def newcombe_difference(
    later: tuple[int, int], earlier: tuple[int, int], *, level: float = 0.95
) -> Estimate:
    """``p_later - p_earlier`` with Newcombe's hybrid score interval; each is (successes, trials)."""
    a, b = wilson(*later, level=level), wilson(*earlier, level=level)
    if math.isnan(a.estimate) or math.isnan(b.estimate):
        return Estimate(_NAN, _NAN, _NAN, level=level)
    d = a.estimate - b.estimate
    low = d - math.sqrt((a.estimate - a.ci_low) ** 2 + (b.ci_high - b.estimate) ** 2)
    high = d + math.sqrt((a.ci_high - a.estimate) ** 2 + (b.estimate - b.ci_low) ** 2)
    return Estimate(d, low, high, level=level)


def two_proportion_test(later: tuple[int, int], earlier: tuple[int, int]) -> tuple[float, str]:
    """Two-sided p-value for no difference, and the test used (``z`` or ``fisher``)."""
    (k1, n1), (k2, n2) = later, earlier
    if n1 == 0 or n2 == 0:
        return _NAN, "none"
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0, "z"
    expected = [n * q for n in (n1, n2) for q in (pooled, 1 - pooled)]
    if min(expected) < 5:
        table = [[k1, n1 - k1], [k2, n2 - k2]]
        return float(stats.fisher_exact(table, alternative="two-sided").pvalue), "fisher"
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / se
    return float(2 * stats.norm.sf(abs(z))), "z"


def difference(
    later: tuple[int, int], earlier: tuple[int, int], *, level: float = 0.95
) -> Difference:
    """Newcombe's interval for the change and the test's p-value, in one :class:`Difference`."""
    est = newcombe_difference(later, earlier, level=level)
    p, test = two_proportion_test(later, earlier)
    return Difference(Estimate(est.estimate, est.ci_low, est.ci_high, p, level), test)


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p-values (q-values); ``None``/NaN stay ``None`` and are not
    counted among the comparisons."""
    index = [i for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    out: list[float | None] = [None] * len(p_values)
    if not index:
        return out
    p = np.array([p_values[i] for i in index], dtype=float)
    m = len(p)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.minimum(adjusted, 1.0)
    for position, value in zip(order, adjusted, strict=True):
        out[index[position]] = float(value)
    return out
