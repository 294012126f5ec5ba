"""How every report writes a number: one module, so a percentage, an interval, an effect, a
p-value and a period read the same in every output.

- shares as percentages, never decimals: ``pct(0.497)`` → ``50%``;
- effects (rate ratios) as "% more / fewer": ``change(1.12)`` → ``12% more``, with the
  interval ``from 3% more to 22% more``;
- differences of shares in percentage points;
- p-values as ``p < 0.001`` / ``p = 0.03`` (for appendices; the main text says "statistically
  clear" or not);
- periods as months: ``Apr–Sep 2021``, ``Apr 2017–Mar 2022``.

A missing or undefined figure is written ``–`` (never ``nan`` or a blank).
"""

from __future__ import annotations

import math
import re
from datetime import date

from vawg.outcomes.halves import Half
from vawg.wording import ratio_change, ratio_interval

__all__ = [
    "DASH",
    "change",
    "change_interval",
    "days",
    "days_interval",
    "interval",
    "missing",
    "number",
    "p_value",
    "pct",
    "pct_interval",
    "period",
    "points",
    "points_interval",
    "small",
]

DASH = "–"


def missing(value: float | None) -> bool:
    """Whether ``value`` is absent or not a finite number."""
    return value is None or not math.isfinite(float(value))


def number(value: float | None, digits: int = 0) -> str:
    """``12,345`` or ``5.8`` (``digits`` decimals)."""
    if missing(value):
        return DASH
    assert value is not None
    return f"{value:,.{digits}f}"


def pct(share: float | None, digits: int = 0) -> str:
    """A share (0–1) as a percentage: ``50%``; under 1% shown with one decimal."""
    if missing(share):
        return DASH
    assert share is not None
    value = 100 * share
    if digits == 0 and 0 < abs(value) < 1:
        digits = 1
    return f"{value:.{digits}f}%"


def interval(low: float | None, high: float | None, digits: int = 1) -> str:
    """``95% CI 5.6 to 6.0`` for a rate or a count."""
    if missing(low) or missing(high):
        return "interval not available"
    return f"95% CI {number(low, digits)} to {number(high, digits)}"


def pct_interval(low: float | None, high: float | None, digits: int = 0) -> str:
    """``95% CI 40% to 44%`` for a share."""
    if missing(low) or missing(high):
        return "interval not available"
    return f"95% CI {pct(low, digits)} to {pct(high, digits)}"


def change(ratio: float | None, unit: str = "") -> str:
    """A rate ratio in words: ``12% more``, ``8.0% fewer``, ``2.1 times as many``, ``about the
    same`` (one decimal under 10%; ``unit`` follows: ``12% more crimes``). The rule is
    :func:`vawg.wording.ratio_change`, shared with the analyses that word their findings."""
    if missing(ratio):
        return DASH
    assert ratio is not None
    return ratio_change(ratio, unit)


def change_interval(low: float | None, high: float | None, estimate: float | None = None) -> str:
    """The interval of a rate ratio in words, in one form: ``95% CI 3.0% fewer to 20% more``,
    or ``95% CI 1.04 to 5.7 times as many`` when an end is twice as many or more; beside its
    ``estimate``, in the form the estimate is written in (:func:`vawg.wording.ratio_interval`)."""
    if missing(low) or missing(high):
        return "interval not available"
    assert low is not None and high is not None
    return f"95% CI {ratio_interval(low, high, None if missing(estimate) else estimate)}"


def points(difference: float | None) -> str:
    """A difference of two shares: ``up 4.0 percentage points`` / ``down 1.2 …``."""
    if missing(difference):
        return DASH
    assert difference is not None
    value = 100 * difference
    if abs(value) < 0.05:
        return "about the same"
    return f"{'up' if value > 0 else 'down'} {abs(value):.1f} percentage points"


def points_interval(low: float | None, high: float | None) -> str:
    """``95% CI −1.2 to +6.8 percentage points``."""
    if missing(low) or missing(high):
        return "interval not available"
    assert low is not None and high is not None
    return f"95% CI {100 * low:+.1f} to {100 * high:+.1f} percentage points".replace("-", "−")


def days(value: float | None) -> str:
    """``35 days`` (``1 day``)."""
    if missing(value):
        return DASH
    assert value is not None
    return "1 day" if round(value) == 1 else f"{value:,.0f} days"


def days_interval(low: float | None, high: float | None) -> str:
    """``95% CI 3 days shorter to 5 days longer`` for a difference in days."""
    if missing(low) or missing(high):
        return "interval not available"

    def side(value: float) -> str:
        if round(value) == 0:
            return "no change"
        return f"{days(abs(value))} {'longer' if value > 0 else 'shorter'}"

    assert low is not None and high is not None
    return f"95% CI {side(low)} to {side(high)}"


def small(value: float | None) -> str:
    """A model constant that can be tiny: ``0.042``, ``< 0.001`` (never ``1e-08``)."""
    if missing(value):
        return DASH
    assert value is not None
    return "< 0.001" if abs(value) < 0.001 else f"{value:.3f}"


def p_value(p: float | None) -> str:
    """``p < 0.001``, ``p = 0.03``, ``p = 0.41``; for appendices only."""
    if missing(p):
        return DASH
    assert p is not None
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}"


def period(start: date, end: date) -> str:
    """Months, as a bulletin writes them: ``Apr–Sep 2021``, ``Oct 2021–Mar 2022``,
    ``Apr 2017–Mar 2022``, ``March 2022`` for one month."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if start.year == end.year:
        return f"{start:%b}–{end:%b %Y}"
    return f"{start:%b %Y}–{end:%b %Y}"


HALF_LABEL = re.compile(r"^(\d{4})H([12])$")
"""A financial half-year's code, as the outcome Results label halves (``2021H1``)."""


def half_months(label: str) -> str:
    """A financial half-year code in months (``2021H1`` → ``Apr–Sep 2021``, ``2021H2`` →
    ``Oct 2021–Mar 2022``); any other text as it is."""
    found = HALF_LABEL.match(label)
    if found is None:
        return label
    half = Half(int(found.group(1)), int(found.group(2)))
    return period(half.start, half.end)


def two_lines(period_: str) -> str:
    """A half-year's months on two lines (Plotly's ``<br>``), so upright tick labels need not
    be slanted or cut: ``Apr–Sep<br>2022``, ``Oct 2021–<br>Mar 2022``."""
    if period_.count(" ") > 1 and "–" in period_:
        first, last = period_.split("–", 1)
        return f"{first}–<br>{last}"
    head, _, year = period_.rpartition(" ")
    return f"{head}<br>{year}" if head else period_


def span(period_: tuple[date, date] | None) -> str:
    """A Result's period in months ("Apr 2017–Mar 2022"), or "the whole extract" when none."""
    return "the whole extract" if period_ is None else period(*period_)
