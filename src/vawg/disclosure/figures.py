"""Estimates and harm as a public output gives them: coarse enough that they cannot undo the
rounding of the counts published beside them.

Why: an estimate worked out from exact counts, given to full precision beside those counts
rounded, gives the exact counts back. A rate ratio of two periods and two groups is exactly
``(T_after / T_before) / (C_after / C_before)``: 1.0383036935704537 beside counts rounded to
45, 35, 90 and 70 fits one set of true counts in the 625 the rounding allows (43, 33, 92, 68),
and "crimes averted" (``T_after × (1/ratio − 1)`` = −1.2173913043478948) gives ``T_after`` = 33
by a division. A harm total is a sum of a few published weights, so given to the day it pins
down the mix of offences behind a small count (``vawg.targeting.public``).

So a public output gives:

* a ratio (rate ratio, hazard ratio, ratio of means) and its interval to 2 decimal places,
  :func:`published_ratio`; a window of ±0.005 fits many of the counts the rounding allows;
* a figure worked out from counts (crimes or harm averted, cost per crime averted) to 2
  significant figures, :func:`published_figure`;
* a p-value to 2 significant figures (it is a function of the same counts);
* harm only for at least ``disclosure_min_base`` crimes, to 2 significant figures and never
  finer than :data:`HARM_STEP_DAYS` days, :func:`published_harm`, always from its own true
  value, never scaled by a rounded count (harm × rounded ÷ true gives the true count back).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import polars as pl

from vawg.results import Estimate

__all__ = [
    "HARM_STEP_DAYS",
    "RATIO_PLACES",
    "published_figure",
    "published_harm",
    "published_p",
    "published_ratio",
    "published_ratio_columns",
    "significant",
]

HARM_STEP_DAYS = 100
"""Published harm is never given finer than this many days (see the module docstring)."""

RATIO_PLACES = 2
"""Decimal places of a published ratio and its interval."""


def significant(value: float, digits: int = 2) -> float:
    """``value`` to ``digits`` significant figures (halves away from zero); NaN, infinities and
    0 are returned as they are."""
    if value == 0 or not math.isfinite(value):
        return value
    step = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    rounded = math.floor(abs(value) / step + 0.5) * step
    return math.copysign(float(f"{rounded:.{digits}g}"), value)


def published_p(p_value: float | None) -> float | None:
    """A p-value as published: to 2 significant figures; None stays None."""
    return None if p_value is None else significant(p_value)


def published_ratio_columns(
    table: pl.DataFrame, ratios: Sequence[str], p_value: str = "p_value"
) -> pl.DataFrame:
    """A table of ratios as published: its ``ratios`` columns (a ratio and its interval ends)
    to :data:`RATIO_PLACES` decimal places and its ``p_value`` column by :func:`published_p`,
    as :func:`published_ratio` gives one ratio."""
    return table.with_columns(
        pl.col(*ratios).round(RATIO_PLACES),
        pl.col(p_value).map_elements(significant, return_dtype=pl.Float64),
    )


def published_ratio(estimate: Estimate | None) -> Estimate | None:
    """A ratio and its interval to :data:`RATIO_PLACES` decimal places, its p-value to 2
    significant figures; None stays None."""
    if estimate is None:
        return None
    return dataclasses.replace(
        estimate,
        estimate=round(estimate.estimate, RATIO_PLACES),
        ci_low=round(estimate.ci_low, RATIO_PLACES),
        ci_high=round(estimate.ci_high, RATIO_PLACES),
        p_value=published_p(estimate.p_value),
    )


def published_figure(estimate: Estimate | None) -> Estimate | None:
    """An estimate worked out from counts, its interval and p-value, each to 2 significant
    figures; None stays None."""
    if estimate is None:
        return None
    return dataclasses.replace(
        estimate,
        estimate=significant(estimate.estimate),
        ci_low=significant(estimate.ci_low),
        ci_high=significant(estimate.ci_high),
        p_value=published_p(estimate.p_value),
    )


def published_harm(days: float | None) -> float | None:
    """Harm ``days`` as a public output gives it: to 2 significant figures, and never finer
    than the nearest :data:`HARM_STEP_DAYS` (halves up); None stays None."""
    if days is None or math.isnan(days):
        return None
    if days <= 0:
        return 0.0
    step = max(HARM_STEP_DAYS, 10 ** (math.floor(math.log10(days)) - 1))
    return float(math.floor(days / step + 0.5) * step)
