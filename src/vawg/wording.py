"""How a rate ratio is written in words, once, for the analyses that word their own findings
and for every report (``report/fmt.py`` uses these):

- a change as "% more / fewer", one decimal under 10% and whole above (``1.038`` → ``3.8%
  more``, ``0.77`` → ``23% fewer``), and ``2.4 times as many`` from twice as many;
- an interval in one form: both ends as changes (``41% fewer to 82% more``), or, when either
  end is twice as many or more, both ends as ratios (``1.04 to 5.7 times as many``), never
  ``4.3% more to 5.7 times as many``;
- an interval beside its estimate in the estimate's form: ``77% more (95% CI 38% more to 130%
  more)``, ``2.4 times as many (95% CI 1.04 to 5.7 times as many)``, never ``77% more (95% CI
  1.38 to 2.3 times as many)``;
- a change whose interval holds none in one form, "no clear change" first and the estimate as
  detail: ``no clear change (estimate 3.8% more crimes, 95% CI 41% fewer to 82% more)``
  (:func:`unclear`), the detail alone ``estimate 3.8% more crimes, 95% CI 41% fewer to 82%
  more`` (:func:`with_estimate`); never "point estimate", never a semicolon before the interval.
"""

from __future__ import annotations

import math

__all__ = [
    "percent_change",
    "ratio_change",
    "ratio_interval",
    "times",
    "unclear",
    "with_estimate",
]


def percent_change(percent: float) -> str:
    """The size of a percentage change, rounded as every report rounds it: one decimal under
    10% (``3.8``), whole above (``23``); without its sign. A ratio of 0.9 is 10% fewer, not
    the 9.999…% its floating-point difference from 1 gives."""
    size = round(abs(percent), 9)
    return f"{size:.1f}" if size < 10 else f"{size:.0f}"


def times(ratio: float) -> str:
    """A ratio as a number of times: two decimals under 2 (``1.04``), one from 2 (``5.7``)."""
    return f"{ratio:.2f}" if ratio < 2 else f"{ratio:.1f}"


def ratio_change(ratio: float, unit: str = "") -> str:
    """A rate ratio in words: ``12% more``, ``8.0% fewer``, ``2.1 times as many``, ``about the
    same`` (``unit`` follows: ``12% more crimes``)."""
    word = f" {unit}" if unit else ""
    if ratio >= 2:
        return f"{times(ratio)} times as many{word}"
    percent = (ratio - 1) * 100
    shown = percent_change(percent)
    if float(shown) == 0:
        return "about the same"
    return f"{shown}% {'more' if percent > 0 else 'fewer'}{word}"


def _percent_end(ratio: float) -> str:
    """An interval's end as a change in per cent, however large (``130% more``)."""
    percent = (ratio - 1) * 100
    shown = percent_change(percent)
    if float(shown) == 0:
        return "about the same"
    return f"{shown}% {'more' if percent > 0 else 'fewer'}"


def ratio_interval(low: float, high: float, estimate: float | None = None) -> str:
    """The interval of a rate ratio in one form (without "95% CI"): ``41% fewer to 82% more``;
    ``1.04 to 5.7 times as many`` when an end is twice as many or more. Beside its
    ``estimate``, in the estimate's form (:func:`ratio_change`): as ratios when the estimate is
    twice as many or more, else as changes in per cent (``38% more to 130% more``)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "not available"
    if estimate is not None and math.isfinite(estimate):
        as_times = estimate >= 2
    else:
        as_times = max(low, high) >= 2
    if as_times:
        return f"{times(low)} to {times(high)} times as many"
    return f"{_percent_end(low)} to {_percent_end(high)}"


def with_estimate(estimate: str, interval: str = "") -> str:
    """The detail after "no clear change": ``estimate 3.8% more crimes, 95% CI 41% fewer to
    82% more`` (``interval`` in words with its "95% CI"; without one, the estimate alone)."""
    return f"estimate {estimate}, {interval}" if interval else f"estimate {estimate}"


def unclear(noun: str, estimate: str, interval: str = "") -> str:
    """A change or difference whose interval holds none, never stronger than the interval:
    ``no clear change (estimate 3.8% more crimes, 95% CI 41% fewer to 82% more)``."""
    return f"no clear {noun} ({with_estimate(estimate, interval)})"
