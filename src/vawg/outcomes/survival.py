"""Time from recording to outcome: Kaplan–Meier curves with open cases censored, not dropped.

A crime still open on the snapshot date (the extract's ``as_of``, or with equal follow-up each
half's end plus the same number of days) is censored at the days it has been open; one with an outcome is an event at the days from recorded date to outcome date. The
product-limit estimate is Kaplan EL, Meier P (1958), *JASA* 53:457–481, with Greenwood's (1926)
variance. The median is the first day on which the estimated share still open falls *below* one
half (the SAS LIFETEST and statsmodels convention); its confidence interval inverts the test of
S(t) = 0.5 on the complementary log-log scale (Brookmeyer R, Crowley J (1982), *Biometrics*
38:29–41; the log-log transform as in Klein JP, Moeschberger ML (2003), *Survival Analysis*,
§4.5). Curves are compared with the log-rank test (Mantel N (1966), *Cancer Chemotherapy
Reports* 50:163–170). The change in the median between two groups (two half-years) has a
percentile bootstrap interval (Efron B, Tibshirani RJ (1993), *An Introduction to the Bootstrap*,
ch. 13; for the Kaplan–Meier median, Efron B (1981), *JASA* 76:312–319): crimes are resampled
with replacement within each group, :data:`MEDIAN_REPLICATES` times from a stated seed, and the
median recomputed each time; a replicate whose curve never falls below one half has an
unbounded median. Work is done on counts per (days, event) so that only a few thousand rows
leave the database whatever the extract's size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import numpy as np
import polars as pl
from scipy import stats

from vawg.outcomes.halves import Half, half_label
from vawg.results import Estimate, Params, ResultMixin

__all__ = [
    "CITATION",
    "KaplanMeier",
    "SurvivalResult",
    "durations",
    "kaplan_meier",
    "log_rank",
    "median_difference_interval",
    "survival_by_dimension",
    "time_to_outcome",
]

CITATION = (
    "Kaplan & Meier (1958) JASA 53:457 with Greenwood's variance; median CI by Brookmeyer & "
    "Crowley (1982) Biometrics 38:29 on the log-log scale (Klein & Moeschberger 2003 §4.5); "
    "log-rank test, Mantel (1966); change in the median: percentile bootstrap over crimes, "
    "Efron (1981) JASA 76:312, Efron & Tibshirani (1993) ch. 13"
)
MEDIAN_REPLICATES = 999
"""Bootstrap replicates for the interval of a change in median days."""


@dataclass(frozen=True)
class KaplanMeier:
    """One Kaplan–Meier curve: per event time, at risk, events, S(t) and its standard error."""

    days: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    se: np.ndarray
    n: int
    n_events: int

    def median(self, *, level: float = 0.95) -> Estimate:
        """Median days to outcome with the Brookmeyer–Crowley (log-log) interval.

        NaN when fewer than half have an outcome; ``ci_high`` is ``inf`` when the upper limit is
        not reached within follow-up.
        """
        below = np.flatnonzero(self.survival < 0.5)
        median = float(self.days[below[0]]) if below.size else math.nan
        z = float(stats.norm.ppf(0.5 + level / 2))
        s, se = self.survival, self.se
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(-np.log(s))
            gprime = -1 / (s * np.log(s))
            r = (g - math.log(-math.log(0.5))) / (gprime * se)
        inside = np.flatnonzero(np.abs(r) <= z)
        if not inside.size:
            return Estimate(median, math.nan, math.nan, level=level)
        low = float(self.days[inside[0]])
        last = inside[-1]
        high = math.inf if last == len(self.days) - 1 else float(self.days[last + 1])
        return Estimate(median, low, high, level=level)

    def pointwise(self, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise log-log confidence limits for S(t) at each event time."""
        z = float(stats.norm.ppf(0.5 + level / 2))
        s = self.survival
        with np.errstate(divide="ignore", invalid="ignore"):
            theta_se = self.se / (s * np.abs(np.log(s)))
            low = s ** np.exp(z * theta_se)
            high = s ** np.exp(-z * theta_se)
        low = np.where(np.isfinite(low), low, s)
        high = np.where(np.isfinite(high), high, s)
        return low, high


def kaplan_meier(days: Sequence[int], event: Sequence[bool], count: Sequence[int]) -> KaplanMeier:
    """The product-limit estimate from counts: ``count[i]`` crimes ended at ``days[i]`` with an
    outcome (``event[i]``) or still open (censored)."""
    d_arr = np.asarray(days, dtype=float)
    e_arr = np.asarray(event, dtype=bool)
    c_arr = np.asarray(count, dtype=float)
    times, inverse = np.unique(d_arr, return_inverse=True)
    total = np.bincount(inverse, weights=c_arr, minlength=times.size)
    deaths = np.bincount(inverse, weights=c_arr * e_arr, minlength=times.size)
    at_risk = np.cumsum(total[::-1])[::-1]
    keep = deaths > 0
    times, deaths, at_risk = times[keep], deaths[keep], at_risk[keep]
    survival = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = deaths / (at_risk * (at_risk - deaths))
    terms[at_risk == deaths] = np.nan
    se = survival * np.sqrt(np.cumsum(terms))
    return KaplanMeier(
        times, at_risk, deaths, survival, se, int(c_arr.sum()), int((c_arr * e_arr).sum())
    )


def _bootstrap_medians(
    counts: pl.DataFrame, replicates: int, rng: np.random.Generator
) -> np.ndarray:
    """Kaplan–Meier medians (``inf`` where a curve never falls below one half) of
    ``replicates`` resamples, with replacement, of the crimes of a ``days, event, n`` frame."""
    frame = counts.group_by("days", "event").agg(pl.col("n").sum()).sort("days", "event")
    days = frame["days"].to_numpy().astype(float)
    event = frame["event"].to_numpy().astype(bool)
    n = frame["n"].to_numpy().astype(float)
    total = int(n.sum())
    if total == 0:
        return np.full(replicates, np.nan)
    draws = rng.multinomial(total, n / total, size=replicates).astype(float)
    times, first = np.unique(days, return_index=True)
    ended = np.add.reduceat(draws, first, axis=1)
    deaths = np.add.reduceat(draws * event, first, axis=1)
    at_risk = np.cumsum(ended[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, 1 - deaths / at_risk, 1.0)
    below = np.cumprod(step, axis=1) < 0.5
    reached = below.any(axis=1)
    return np.where(reached, times[below.argmax(axis=1)], np.inf)


def median_difference_interval(
    a: pl.DataFrame,
    b: pl.DataFrame,
    *,
    replicates: int = MEDIAN_REPLICATES,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of median(``a``) − median(``b``) in days, for two groups
    given as ``days, event, n`` count frames (crimes resampled within each group); NaN where
    an end cannot be told (the medians are unbounded in too many replicates)."""
    rng = np.random.default_rng(seed)
    now, then = _bootstrap_medians(a, replicates, rng), _bootstrap_medians(b, replicates, rng)
    with np.errstate(invalid="ignore"):  # inf - inf: both unbounded
        diff = now - then
    diff = diff[~np.isnan(diff)]  # both unbounded: no difference to tell
    if diff.size < replicates / 2:
        return math.nan, math.nan
    tail = (1 - level) / 2
    low, high = np.quantile(diff, [tail, 1 - tail], method="inverted_cdf")
    return (
        float(low) if math.isfinite(low) else math.nan,
        float(high) if math.isfinite(high) else math.nan,
    )


def log_rank(a: pl.DataFrame, b: pl.DataFrame) -> tuple[float, float]:
    """Two-sided log-rank p-value for two groups given as ``days, event, n`` count frames, and
    the observed minus expected outcomes in ``a`` (positive: ``a`` reached outcomes sooner)."""
    both = pl.concat(
        [
            a.select("days", "event", "n", grp=pl.lit(0)),
            b.select("days", "event", "n", grp=pl.lit(1)),
        ]
    )
    if both.filter(pl.col("event"))["n"].sum() == 0 or a["n"].sum() == 0 or b["n"].sum() == 0:
        return math.nan, math.nan
    times = np.sort(both["days"].unique().to_numpy())
    risk = {g: both.filter(pl.col("grp") == g) for g in (0, 1)}
    arrays = {}
    for g, frame in risk.items():
        idx = np.searchsorted(times, frame["days"].to_numpy())
        n = frame["n"].to_numpy().astype(float)
        ev = frame["event"].to_numpy()
        arrays[g] = (
            np.bincount(idx, weights=n, minlength=times.size),
            np.bincount(idx, weights=n * ev, minlength=times.size),
        )
    n0 = np.cumsum(arrays[0][0][::-1])[::-1]
    n1 = np.cumsum(arrays[1][0][::-1])[::-1]
    d0, d1 = arrays[0][1], arrays[1][1]
    n_all, d_all = n0 + n1, d0 + d1
    use = d_all > 0
    observed = float(d0[use].sum())
    expected = float((d_all * n0 / n_all)[use].sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        v = d_all * (n0 / n_all) * (1 - n0 / n_all) * (n_all - d_all) / (n_all - 1)
    variance = float(np.nansum(v[use]))
    if variance <= 0:
        return math.nan, observed - expected
    chi2 = (observed - expected) ** 2 / variance
    return float(stats.chi2.sf(chi2, 1)), observed - expected


def durations(
    cases: ir.Table,
    halves: Sequence[Half],
    *,
    as_of: date,
    by: str | None = None,
    follow_up: timedelta | None = None,
) -> pl.DataFrame:
    """Counts of crimes recorded in ``halves`` by (half, [by], days, event), from the database.

    ``days`` is recorded date to outcome date, or to the snapshot for a crime still open then.
    The snapshot is ``as_of``; with ``follow_up`` it is each half's end plus ``follow_up``
    (never after ``as_of``), and an outcome reached after its half's snapshot counts as still
    open, censored at the snapshot: equal follow-up, so an older half is not flattered by more
    time to close cases (as :func:`vawg.outcomes.rates.outcome_counts`).
    """
    labels = [h.label for h in halves]
    frame = cases.mutate(half=half_label(cases.recorded_date))
    frame = frame.filter(frame.half.isin(labels))
    snapshot: ir.DateValue = ibis.literal(as_of, type="date")
    if follow_up is not None:
        snapshot = ibis.cases(
            *[
                (frame.half == h.label, ibis.literal(min(h.end + follow_up, as_of), type="date"))
                for h in halves
            ],
            else_=snapshot,
        )
    frame = frame.mutate(snapshot=snapshot)
    event = frame.outcome_date.notnull() & (frame.outcome_date <= frame.snapshot)
    end = event.ifelse(frame.outcome_date, frame.snapshot)
    frame = frame.mutate(days=end.delta(frame.recorded_date, unit="day"), event=event)
    keys = ["half", *([by] if by else []), "days", "event"]
    return frame.group_by(keys).aggregate(n=frame.count()).to_polars().sort(keys)


@dataclass(frozen=True)
class SurvivalResult(ResultMixin):
    """Kaplan–Meier time to outcome per half (and ``by`` group).

    ``table``: one row per curve (``half``, ``group``, ``n``, ``outcomes``, ``open``,
    ``median_days``, ``ci_low``, ``ci_high``). ``curves``: one row per curve and event time
    (``days``, ``at_risk`` just before, ``outcomes_so_far``, ``share_with_outcome`` = 1 - S(t),
    pointwise ``ci_low``/``ci_high``).
    """

    params: Params
    table: pl.DataFrame
    curves: pl.DataFrame


def time_to_outcome(
    counts: pl.DataFrame,
    *,
    by: str | None = None,
    params: Params | None = None,
    level: float = 0.95,
) -> SurvivalResult:
    """Kaplan–Meier per half (and ``by``) from :func:`durations` counts."""
    keys = ["half", *([by] if by else [])]
    rows, curve_rows = [], []
    for key, part in counts.group_by(keys, maintain_order=True):
        km = kaplan_meier(part["days"].to_list(), part["event"].to_list(), part["n"].to_list())
        median = km.median(level=level)
        label = dict(zip(keys, key, strict=True))
        rows.append(
            {
                "half": label["half"],
                "group": str(label.get(by, "all")) if by else "all",
                "n": km.n,
                "outcomes": km.n_events,
                "open": km.n - km.n_events,
                "median_days": median.estimate,
                "ci_low": median.ci_low,
                "ci_high": median.ci_high,
            }
        )
        low, high = km.pointwise(level=level)
        so_far = np.cumsum(km.events)
        for i, day in enumerate(km.days):
            curve_rows.append(
                {
                    "half": rows[-1]["half"],
                    "group": rows[-1]["group"],
                    "days": int(day),
                    "at_risk": int(km.at_risk[i]),
                    "outcomes_so_far": int(so_far[i]),
                    "share_with_outcome": float(1 - km.survival[i]),
                    "ci_low": float(1 - high[i]),
                    "ci_high": float(1 - low[i]),
                }
            )
    schema = {
        "half": pl.String,
        "group": pl.String,
        "n": pl.Int64,
        "outcomes": pl.Int64,
        "open": pl.Int64,
        "median_days": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    curve_schema = {
        "half": pl.String,
        "group": pl.String,
        "days": pl.Int64,
        "at_risk": pl.Int64,
        "outcomes_so_far": pl.Int64,
        "share_with_outcome": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    return SurvivalResult(
        params or Params(method="Kaplan-Meier time from recording to outcome", citation=CITATION),
        pl.DataFrame(rows, schema=schema).sort(["half", "group"]),
        pl.DataFrame(curve_rows, schema=curve_schema),
    )


def survival_by_dimension(
    cases: ir.Table,
    halves: list[Half],
    as_of: date,
    dimensions: tuple[str, ...],
    *,
    follow_up: timedelta | None = None,
) -> tuple[SurvivalResult, dict[str, pl.DataFrame]]:
    """Kaplan–Meier per half for ``all`` and each dimension; also the duration counts.

    ``follow_up``: censor each half at its end plus this (see :func:`durations`); ``None``
    censors every half at ``as_of``."""
    tables, curves, counts = [], [], {}
    for dimension in ("all", *dimensions):
        by = None if dimension == "all" else dimension
        dur = durations(cases, halves, as_of=as_of, by=by, follow_up=follow_up)
        if by:
            dur = dur.with_columns(pl.col(by).cast(pl.String))
        counts[dimension] = dur
        result = time_to_outcome(dur, by=by)
        tables.append(result.table.with_columns(dimension=pl.lit(dimension)))
        curves.append(result.curves.with_columns(dimension=pl.lit(dimension)))
    table = pl.concat(tables).rename({"group": "value"})
    table = table.select(
        "half",
        "dimension",
        "value",
        *[c for c in table.columns if c not in ("half", "dimension", "value")],
    )
    curve = pl.concat(curves).rename({"group": "value"})
    return SurvivalResult(
        Params(method="Kaplan-Meier time to outcome", citation=CITATION), table, curve
    ), counts
