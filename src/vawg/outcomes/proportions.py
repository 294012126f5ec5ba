"""Proportions and their differences as :class:`~vawg.results.Estimate`: Wilson intervals,
Newcombe's interval for a difference and a two-proportion test, computed by :mod:`vawg.stats`
(statsmodels and scipy). The audit's Benjamini–Hochberg adjustment is
:func:`vawg.stats.adjusted_list`.

- Wilson score interval: Wilson EB (1927), *JASA* 22:209–212; recommended for rates by Brown,
  Cai & DasGupta (2001), *Statistical Science* 16:101–133.
- Difference of two independent proportions: Newcombe's hybrid score interval (method 10 of
  Newcombe RG (1998), *Statistics in Medicine* 17:873–890), built from the two Wilson intervals.
- Test of no change: the pooled two-proportion z-test; Fisher's exact test (two-sided) when any
  expected cell count of the 2×2 table is below 5.
- Many comparisons: Benjamini Y, Hochberg Y (1995), *JRSS B* 57:289–300, false discovery rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from vawg import stats
from vawg.results import Estimate

__all__ = [
    "CITATIONS",
    "Difference",
    "difference",
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


def wilson(successes: int, trials: int, *, level: float = 0.95) -> Estimate:
    """``successes / trials`` with its Wilson score interval (all NaN when ``trials`` is 0)."""
    low, high = stats.wilson_interval(successes, trials, level=level)
    return Estimate(successes / trials if trials else _NAN, low, high, level=level)


@dataclass(frozen=True)
class Difference:
    """``later - earlier`` proportion with Newcombe's interval, and the test of no change."""

    difference: Estimate
    test: str  # "z" or "fisher"


def newcombe_difference(
    later: tuple[int, int], earlier: tuple[int, int], *, level: float = 0.95
) -> Estimate:
    """``p_later - p_earlier`` with Newcombe's hybrid score interval; each is (successes, trials)."""
    d, low, high = stats.newcombe_interval(later, earlier, level=level)
    return Estimate(d, low, high, level=level)


def two_proportion_test(later: tuple[int, int], earlier: tuple[int, int]) -> tuple[float, str]:
    """Two-sided p-value for no difference, and the test used: the pooled z-test, or Fisher's
    exact test (``fisher``) when an expected cell count of the 2x2 table is below 5."""
    (k1, n1), (k2, n2) = later, earlier
    if n1 == 0 or n2 == 0:
        return _NAN, "none"
    pooled = (k1 + k2) / (n1 + n2)
    expected = [n * q for n in (n1, n2) for q in (pooled, 1 - pooled)]
    if 0 < pooled < 1 and min(expected) < 5:
        return stats.fisher_exact_test(later, earlier), "fisher"
    return stats.two_proportion_z_test(later, earlier), "z"


def difference(
    later: tuple[int, int], earlier: tuple[int, int], *, level: float = 0.95
) -> Difference:
    """Newcombe's interval for the change and the test's p-value, in one :class:`Difference`."""
    est = newcombe_difference(later, earlier, level=level)
    p, test = two_proportion_test(later, earlier)
    return Difference(Estimate(est.estimate, est.ci_low, est.ci_high, p, level), test)
