"""What each criminal justice agency did in a half-year, from ``cjs_events``.

Activity counts by the date of the event (as the Home Office's "outcomes assigned" base does for
the police): charging decisions in the half (Crown Prosecution Service), first hearings, trials
and verdicts (courts), each by result. Two rates, with Wilson intervals: the share of charging
decisions that were to charge, and the share of verdicts that were convictions (``guilty``,
``guilty_plea`` or ``convicted``). Timeliness: median days from the crime's recording to its
first hearing and to its verdict, for events in the half, with a distribution-free interval for
the median (binomial order statistics; Conover WJ (1999), *Practical Nonparametric Statistics*,
§3.2, as ``scipy.stats.quantile_test``). The police's own stage is the outcomes assigned in the
half (:mod:`vawg.outcomes.rates`, base ``assigned``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import polars as pl
from scipy import stats

from vawg.outcomes.attrition import CONVICTED_RESULTS
from vawg.outcomes.halves import Half, half_label
from vawg.outcomes.proportions import wilson
from vawg.results import Params, ResultMixin

__all__ = [
    "AGENCY_MEASURES",
    "STAGE_AGENCY",
    "AgencyResult",
    "agency_counts",
    "agency_rates",
    "agency_timeliness",
]

STAGE_AGENCY = {
    "charge_decision": "Crown Prosecution Service",
    "first_hearing": "Courts",
    "trial": "Courts",
    "verdict": "Courts",
}
AGENCY_MEASURES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "cps_charge_rate": ("charge_decision", ("charged",), "Charging decisions that were to charge"),
    "conviction_rate": ("verdict", CONVICTED_RESULTS, "Verdicts that were convictions"),
}
"""measure → (stage, results counted, label)."""


def _events(cases: ir.Table, cjs_events: ir.Table, halves: Sequence[Half]) -> ir.Table:
    ev = cjs_events.semi_join(cases, "crime_ref")
    ev = ev.mutate(half=half_label(ev.date), result=ev.result.lower().fill_null("not recorded"))
    return ev.filter(ev.half.isin([h.label for h in halves]))


def agency_counts(cases: ir.Table, cjs_events: ir.Table, halves: Sequence[Half]) -> pl.DataFrame:
    """Tidy ``half, agency, stage, result, count`` of in-scope events dated in ``halves``."""
    ev = _events(cases, cjs_events, halves)
    counts = ev.group_by("half", "stage", "result").aggregate(count=ev.count()).to_polars()
    return (
        counts.with_columns(
            agency=pl.col("stage").replace_strict(STAGE_AGENCY, default="Other"),
            count=pl.col("count").cast(pl.Int64),
        )
        .select("half", "agency", "stage", "result", "count")
        .sort("half", "stage", "result")
    )


def agency_rates(
    counts: pl.DataFrame, halves: Sequence[Half], *, level: float = 0.95
) -> pl.DataFrame:
    """``half, agency, measure, numerator, denominator, estimate, ci_low, ci_high``; null where a
    count is null (suppressed)."""
    rows = []
    for half in halves:
        part = counts.filter(pl.col("half") == half.label)
        for measure, (stage, results, _label) in AGENCY_MEASURES.items():
            at = part.filter(pl.col("stage") == stage)
            values = at["count"].to_list()
            hidden = any(v is None for v in values)
            n = None if hidden else int(sum(values))
            k_values = at.filter(pl.col("result").is_in(list(results)))["count"].to_list()
            k = None if any(v is None for v in k_values) else int(sum(k_values))
            est = wilson(k, n, level=level) if k is not None and n else None
            rows.append(
                {
                    "half": half.label,
                    "agency": STAGE_AGENCY[stage],
                    "measure": measure,
                    "numerator": k,
                    "denominator": n,
                    "estimate": est.estimate if est else None,
                    "ci_low": est.ci_low if est else None,
                    "ci_high": est.ci_high if est else None,
                }
            )
    schema = {
        "half": pl.String,
        "agency": pl.String,
        "measure": pl.String,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "estimate": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def _median_ci(days: np.ndarray, level: float) -> tuple[float, float, float]:
    if days.size == 0:
        return math.nan, math.nan, math.nan
    median = float(np.median(days))
    if days.size < 2:
        return median, math.nan, math.nan
    ci = stats.quantile_test(days, q=median, p=0.5).confidence_interval(level)
    return median, float(ci.low), float(ci.high)


def agency_timeliness(
    cases: ir.Table, cjs_events: ir.Table, halves: Sequence[Half], *, level: float = 0.95
) -> pl.DataFrame:
    """Median days from recording to first hearing and to verdict, for events in each half."""
    ev = _events(cases, cjs_events, halves)
    ev = ev.filter(ev.stage.isin(["first_hearing", "verdict"]))
    joined = ev.join(cases.select("crime_ref", "recorded_date"), "crime_ref")
    joined = joined.mutate(days=joined.date.delta(joined.recorded_date, unit="day"))
    # First event of each stage per crime, so a crime counts once per stage.
    first = joined.group_by("half", "stage", "crime_ref").aggregate(days=joined.days.min())
    grouped = first.group_by("half", "stage", "days").aggregate(n=ibis._.count()).to_polars()
    rows = []
    for half in halves:
        for stage in ("first_hearing", "verdict"):
            part = grouped.filter((pl.col("half") == half.label) & (pl.col("stage") == stage))
            days = np.repeat(part["days"].to_numpy(), part["n"].to_numpy())
            median, low, high = _median_ci(days.astype(float), level)
            rows.append(
                {
                    "half": half.label,
                    "stage": stage,
                    "n": int(days.size),
                    "median_days": None if math.isnan(median) else median,
                    "ci_low": None if math.isnan(low) else low,
                    "ci_high": None if math.isnan(high) else high,
                }
            )
    schema = {
        "half": pl.String,
        "stage": pl.String,
        "n": pl.Int64,
        "median_days": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class AgencyResult(ResultMixin):
    """Agency stage tables: ``table`` (rates), ``counts`` (by result), ``timeliness``."""

    params: Params
    table: pl.DataFrame
    counts: pl.DataFrame
    timeliness: pl.DataFrame
