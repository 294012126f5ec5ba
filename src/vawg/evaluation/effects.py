"""From a rate ratio to what a funder asks: crimes and harm averted, what each cost, and
whether the data can support a conclusion at all.

* **Crimes averted** in the treated areas after the start: the crimes that would have happened
  without the intervention (observed / rate ratio) less those that did, ``O (1 / RR - 1)``;
  the interval follows from the rate ratio's (a ratio of 0.8 with 100 crimes observed is 25
  averted). **Harm averted** is the crimes averted times the average harm of a crime of this
  kind in the treated areas (before and after the start): it assumes the intervention changed
  how many crimes there were, not their mix (a harm-weighted model of its own is too unstable,
  a single rape weighing as much as a hundred harassments). Its interval comes from 10,000
  draws of the rate ratio (normal on the log scale) times a bootstrap of the average harm.
* **Displaced crimes** into the ring: ``O_ring (1 - 1 / RR_ring)``; **net crimes averted** is
  the difference, its interval from 10,000 draws of the two log rate ratios from their joint
  normal distribution (same model, same comparison areas, so they are correlated).
* **Cost per crime averted**: cost / crimes averted, with the interval from the crimes-averted
  interval; when that interval reaches zero or below there is no upper limit (the money may
  have averted nothing), and when the estimate itself is zero or below, no cost per crime is
  given at all.

:func:`conclusion_reasons` names what stops a conclusion, plainly: too few crimes, too short a
period before or after the start, or trends that differed before the start. :func:`match_caution`
is the caveat a conclusion carries when the comparison areas were a poor match before the start:
a standardised difference above :data:`POOR_MATCH` (0.25) on any matched characteristic, the
mark of a comparison that regression adjustment cannot be trusted to mend (Rubin DB (2001)
*Health Services & Outcomes Research Methodology* 2:169-188; Stuart EA (2010) *Statistical
Science* 25(1):1-21). The balance table's own mark of a good match is 0.1.
"""

from __future__ import annotations

import math
import re

import numpy as np
import polars as pl

from vawg.evaluation.did import DidFit, PreTrend
from vawg.results import Estimate
from vawg.wording import percent_change, ratio_change, ratio_interval, with_estimate

__all__ = [
    "averted",
    "conclusion_reasons",
    "conclusion_text",
    "cost_per",
    "harm_averted",
    "leads_caution",
    "leads_outside",
    "match_caution",
    "net_averted",
    "poorly_matched",
    "ring_finding",
]


def _inverse(x: float) -> float:
    return math.inf if x <= 0 else 1 / x


def averted(observed: float, ratio: Estimate) -> Estimate:
    """What the intervention averted, from what was observed after it and the rate ratio."""
    return Estimate(
        observed * (_inverse(ratio.estimate) - 1),
        observed * (_inverse(ratio.ci_high) - 1),
        observed * (_inverse(ratio.ci_low) - 1),
    )


def harm_averted(
    observed: float, ratio: Estimate, harms: np.ndarray, *, draws: int = 10_000, seed: int = 0
) -> Estimate | None:
    """Harm (days) averted: crimes averted times the average harm per crime (see above)."""
    if harms.size == 0 or not (ratio.ci_low > 0 and ratio.ci_high > 0):
        return None
    rng = np.random.default_rng(seed)
    log_rr = math.log(ratio.estimate)
    se = (math.log(ratio.ci_high) - math.log(ratio.ci_low)) / (2 * 1.959963984540054)
    rr = np.exp(np.clip(rng.normal(log_rr, se, draws), -50, 50))
    picks = rng.integers(0, harms.size, size=(draws, harms.size)) if harms.size <= 300 else None
    if picks is not None:
        mean_harm = harms[picks].mean(axis=1)
    else:
        mean_harm = rng.normal(harms.mean(), harms.std(ddof=1) / math.sqrt(harms.size), draws)
    saved = observed * (1 / rr - 1) * mean_harm
    low, high = np.quantile(saved, [0.025, 0.975])
    return Estimate(
        observed * (1 / ratio.estimate - 1) * float(harms.mean()), float(low), float(high)
    )


def cost_per(cost: float | None, saved: Estimate | None) -> Estimate | None:
    """Cost per unit averted; ``ci_high`` is infinite when the interval reaches no effect."""
    if cost is None or saved is None or not saved.estimate > 0:
        return None
    low = cost / saved.ci_high if saved.ci_high > 0 else math.nan
    high = cost / saved.ci_low if saved.ci_low > 0 else math.inf
    return Estimate(cost / saved.estimate, low, high)


def net_averted(
    observed_treated: float,
    observed_ring: float,
    fit: DidFit,
    *,
    draws: int = 10_000,
    seed: int = 0,
) -> tuple[Estimate, Estimate]:
    """(net crimes averted, crimes displaced into the ring) from a fit with both terms."""
    b_t, b_r = fit.terms.index("treated_post"), fit.terms.index("ring_post")
    rng = np.random.default_rng(seed)
    sample = rng.multivariate_normal(fit.coef, fit.cov, size=draws, method="cholesky")
    saved = observed_treated * (np.exp(np.clip(-sample[:, b_t], -50, 50)) - 1)
    moved = observed_ring * (1 - np.exp(np.clip(-sample[:, b_r], -50, 50)))
    net = saved - moved
    point_saved = observed_treated * (math.exp(min(-fit.coef[b_t], 700)) - 1)
    point_moved = observed_ring * (1 - math.exp(min(-fit.coef[b_r], 700)))
    net_q = np.quantile(net, [0.025, 0.975])
    moved_q = np.quantile(moved, [0.025, 0.975])
    return (
        Estimate(point_saved - point_moved, float(net_q[0]), float(net_q[1])),
        Estimate(point_moved, float(moved_q[0]), float(moved_q[1])),
    )


def conclusion_reasons(
    *,
    before_months: int,
    after_months: int,
    crimes_before: int,
    crimes_after: int,
    pre_trend: PreTrend | None,
    min_before_months: int,
    min_after_months: int,
    min_crimes: int,
) -> list[str]:
    """Why the data cannot support a conclusion (empty: they can)."""
    reasons = []
    if before_months < min_before_months:
        reasons.append(
            f"too short a period before the start: {before_months} months of data (at least "
            f"{min_before_months} are needed to know the usual level and trend)"
        )
    if after_months < min_after_months:
        reasons.append(
            f"too short a period since the start: {after_months} months of data (at least "
            f"{min_after_months} are needed)"
        )
    if crimes_before < min_crimes or crimes_after < min_crimes:
        reasons.append(
            f"too few crimes: {crimes_before} before and {crimes_after} after the start in the "
            f"treated areas (at least {min_crimes} each are needed for a usable estimate)"
        )
    if pre_trend is not None and pre_trend.differs:
        e = pre_trend.ratio_per_year
        reasons.append(
            "the treated and comparison areas were already moving apart before the start "
            f"(a difference in trend of x{e.estimate:.2f} a year, 95% CI {e.ci_low:.2f} to "
            f"{e.ci_high:.2f}), so the comparison cannot stand for what would have happened"
        )
    return reasons


POOR_MATCH = 0.25
"""A standardised difference (after matching) above which the comparison is a poor match."""


def poorly_matched(balance: pl.DataFrame, limit: float = POOR_MATCH) -> tuple[str, ...]:
    """The characteristics of ``balance`` (:func:`~vawg.evaluation.matching.balance_table`)
    on which the matched comparison areas still differ by more than ``limit`` standardised
    differences, in the table's order (empty: a close enough match)."""
    if balance.is_empty():
        return ()
    worse = balance.filter(~(pl.col("smd_after").abs() <= limit))
    return tuple(worse["covariate"].to_list())


def match_caution(mismatched: tuple[str, ...]) -> str | None:
    """The caveat for a finding whose comparison areas were a poor match before the start
    (``mismatched``: from :func:`poorly_matched`), else None."""
    if not mismatched:
        return None
    names = tuple(re.sub(r" \(.*?\)", "", m) for m in mismatched)
    return (
        "Caution: the comparison areas were not a close match for the treated areas before the "
        f"start, on {_and(names)}, so this is uncertain."
    )


def _and(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def leads_outside(event_study: pl.DataFrame) -> int:
    """How many periods before the start (besides the reference, -1) of an event study's table
    have an interval that leaves out no change."""
    if event_study.is_empty():
        return 0
    before = event_study.filter(pl.col("offset") < -1, pl.col("ci_low").is_not_null())
    return before.filter((pl.col("ci_low") > 1) | (pl.col("ci_high") < 1)).height


MANY_OUTSIDE = 2
"""Periods before the start outside their intervals that call for a caution when they cannot
be tested together: one of several is about as likely as not by chance; two of seven, at the
5% level each, about 4%."""


def leads_caution(
    p_value: float | None, leads: int, alpha: float = 0.05, outside: int = 0
) -> str | None:
    """A caution for a finding whose event study was not steady before the start (the joint
    test of :attr:`~vawg.evaluation.did.EventStudy.leads_p_value` below ``alpha``), else None.

    When the periods could not be tested together (``p_value`` None: with a few clustered
    schemes their covariance is singular), the fallback is said: ``outside`` periods (of
    :func:`leads_outside`), when at least :data:`MANY_OUTSIDE`, call for the same caution."""
    see = "see the chart of periods from the start before quoting this."
    if p_value is None:
        if outside < MANY_OUTSIDE:
            return None
        return (
            f"Caution: before the start, {outside} of the {leads} periods differ from the last "
            "one before it (their intervals leave out no change), and they could not be tested "
            "together (too few schemes for that test), so the comparison may not stand for what "
            f"would have happened; {see}"
        )
    if p_value >= alpha:
        return None
    periods = "period" if leads == 1 else f"{leads} periods"
    return (
        f"Caution: before the start, the treated areas were not steady against the comparison "
        f"areas (the {periods} before the start differ from the last one before it, in a joint "
        f"test at the {alpha:.0%} level), so the comparison may not stand for what would have "
        f"happened; {see}"
    )


def conclusion_text(
    ratio: Estimate | None, reasons: list[str], outcome: str, *cautions: str | None
) -> str:
    """The plain-English finding, or why there is none; each of ``cautions`` (when a finding
    is drawn) follows it."""
    if reasons:
        return "Cannot conclude: " + "; ".join(reasons) + "."
    if ratio is None:
        return "Cannot conclude: the model could not be fitted."
    return " ".join([_finding(ratio, outcome), *(c for c in cautions if c)])


def ring_finding(ratio: Estimate | None, scheme: str = "the scheme") -> str | None:
    """The finding for the ring around the treated areas (where crime could have moved to),
    when its change against the comparison areas is clear (its interval excludes no change):
    a rise is possible displacement, a fall benefits that may have spread. None otherwise.
    ``scheme``: what the ring is around (``the schemes`` for them all together)."""
    if ratio is None or not (ratio.ci_low > 1 or ratio.ci_high < 1):
        return None
    words = (
        f"{ratio_change(ratio.estimate, 'crimes')} (95% CI "
        f"{ratio_interval(ratio.ci_low, ratio.ci_high, ratio.estimate)}) against the comparison areas"
    )
    if ratio.ci_low > 1:
        return (
            f"Crime rose in the ring around {scheme}: {words}. This may be crime displaced "
            f"from {scheme}."
        )
    return (
        f"Crime fell in the ring around {scheme}: {words}. The benefits may have spread "
        f"beyond {scheme}."
    )


def _finding(ratio: Estimate, outcome: str) -> str:
    """The finding in words, as a percentage change with its interval (no bare ratio), each
    figure rounded as every report rounds a change (:func:`vawg.wording.percent_change`), so
    the finding and the main point beside it give the same number."""
    rr, lo, hi = ratio.estimate, ratio.ci_low, ratio.ci_high

    def fall(r: float) -> str:
        return f"{percent_change(100 * (1 - r))}%"

    def rise(r: float) -> str:
        return f"{percent_change(100 * (r - 1))}%"

    if hi < 1:
        least = "almost nothing" if 1 - hi < 0.005 else fall(hi)
        return (
            f"{outcome} fell by {fall(rr)} relative to the comparison areas: the data are "
            f"consistent with a fall of anything from {least} to {fall(lo)} (95% CI)."
        )
    if lo > 1:
        return (
            f"{outcome} rose by {rise(rr)} relative to the comparison areas: the data are "
            f"consistent with a rise of anything from {rise(lo)} to {rise(hi)} (95% CI)."
        )
    point = f"a fall of {fall(rr)}" if rr < 1 else f"a rise of {rise(rr)}"
    return (
        f"No clear change in {outcome[0].lower() + outcome[1:]} relative to the comparison "
        f"areas ({with_estimate(point)}): anything from a fall of {fall(lo)} to a rise of "
        f"{rise(hi)} is consistent with the data (95% CI)."
    )
