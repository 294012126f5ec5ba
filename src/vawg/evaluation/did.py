"""Difference-in-differences for counts: a Poisson model with area and month fixed effects.

The model (classic two-way fixed effects, on the log scale of a count):

    log E[y_it] = a_i + g_t + b * treated_i * post_t  (+ c * ring_i * post_t)

``a_i`` absorbs each area's own level (a town centre has more crime than a suburb), ``g_t``
each month's level shared by all areas (seasons, lockdowns, recording changes), so ``exp(b)``
is the **rate ratio**: how much the treated areas' counts changed after the start relative to
the comparison areas' change. With two periods and two groups its estimate is exactly the
ratio of ratios ``(T_after / T_before) / (C_after / C_before)`` of the group totals (the
Poisson likelihood's score equations for a saturated group-by-period structure), which the
tests check by hand. A ring term ``c`` measures displacement into the surrounding LSOAs in the
same model, against the same comparison areas.

Why two-way fixed effects and not Callaway & Sant'Anna (2021): each intervention is one
treated cohort (one start date) against comparison areas that are never treated, which is the
case where two-way fixed effects is unbiased under parallel trends; the problems of staggered
adoption (Goodman-Bacon 2021: already-treated areas acting as controls) arise only when
cohorts with different start dates share one regression. Several interventions are pooled by
*stacking* (Cengiz et al. 2019): each intervention's treated and matched comparison areas form
their own stack with stack-specific area and month effects, so no intervention's areas are a
control for another's.

Uncertainty: quasi-Poisson standard errors (the Pearson chi-square over its degrees of freedom
scales the Poisson variance, never by less than 1; McCullagh & Nelder 1989 §4.5), since crime
counts vary more than Poisson. Areas (and months) with no crimes at all carry no information on ``b`` in a
fixed-effects Poisson model and are left out (they would make their fixed effect -infinity).

**Event study**: ``b`` replaced by one coefficient per quarter relative to the start (the
quarter before the start is the reference; more than two years either side is binned; half-
years or years when quarters hold too few crimes), so trends before the start can be seen. **Pre-trend test**: on the months before the start only, ``treated_i * years_t``
(a linear difference in trend); p < 0.05 means the areas were already drifting apart and the
design cannot support a conclusion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats

from vawg.errors import InputError, ModelError
from vawg.evaluation.poisson import FixedEffect, PoissonFit, fit_poisson_fe
from vawg.results import Estimate

__all__ = [
    "DID_CITATION",
    "DidFit",
    "EventStudy",
    "PreTrend",
    "did_poisson",
    "event_study",
    "joint_wald",
    "pre_trend",
]

DID_CITATION = (
    "Two-way fixed effects difference-in-differences (Angrist JD, Pischke J-S (2009) Mostly "
    "Harmless Econometrics, ch. 5) as a Poisson model with quasi-Poisson standard errors "
    "(McCullagh P, Nelder JA (1989) Generalized Linear Models, 2nd ed.); staggered adoption: "
    "Goodman-Bacon A (2021) J Econometrics 225(2):254-277 and Callaway B, Sant'Anna PHC (2021) "
    "J Econometrics 225(2):200-230; stacking: Cengiz D, Dube A, Lindner A, Zipperer B (2019) "
    "QJE 134(3):1405-1454."
)
LEVEL = 0.95
_Z = float(stats.norm.ppf(0.5 + LEVEL / 2))
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DidFit:
    """A fitted difference-in-differences model.

    ``effects``: rate ratio per effect term (``treated_post``, and ``ring_post`` when a ring
    was given). ``coef``/``cov``: the log-scale coefficients of those terms and their
    covariance (for combining them, e.g. net crimes averted). ``units``/``periods``: used in
    the fit; ``dropped_units``: left out for having no crimes at all.
    """

    effects: dict[str, Estimate]
    coef: FloatArray
    cov: FloatArray
    terms: tuple[str, ...]
    scale: float
    errors: str
    units: int
    periods: int
    observations: int
    dropped_units: int


def _exp(x: float) -> float:
    return math.exp(min(float(x), 700.0))


def _codes(values: pl.Series) -> tuple[npt.NDArray[np.int64], int]:
    levels = values.unique().sort()
    codes = values.replace_strict(levels, pl.int_range(levels.len(), eager=True)).to_numpy()
    return codes.astype(np.int64), levels.len()


def _fit(
    frame: pl.DataFrame,
    outcome: str,
    unit: str,
    period: str,
    terms: Sequence[str],
    stack: str | None = None,
    cluster: str | None = None,
) -> tuple[PoissonFit, int, int, int]:
    """Fit the fixed-effects Poisson model; (fit, units, periods, units dropped)."""
    for column in (
        outcome,
        unit,
        period,
        *terms,
        *([stack] if stack else []),
        *([cluster] if cluster else []),
    ):
        if column not in frame.columns:
            raise InputError(f"did: the panel has no {column!r} column")
    if frame[outcome].null_count() or (frame[outcome] < 0).any():
        raise InputError(f"did: {outcome} must be a count or total of 0 or more, never empty")
    totals = frame.group_by(unit).agg(pl.col(outcome).sum())
    alive = totals.filter(pl.col(outcome) > 0)[unit]
    dropped = totals.height - alive.len()
    frame = frame.filter(pl.col(unit).is_in(alive.implode()))
    busy = frame.group_by(period).agg(pl.col(outcome).sum()).filter(pl.col(outcome) > 0)
    frame = frame.filter(pl.col(period).is_in(busy[period].implode()))
    unit_code, n_units = _codes(frame[unit])
    period_code, n_periods = _codes(frame[period])
    x_terms = frame.select([pl.col(t).cast(pl.Float64) for t in terms]).to_numpy()
    y = frame[outcome].cast(pl.Float64).to_numpy()
    for j, term in enumerate(terms):
        if not np.any(x_terms[:, j]) or not np.any(y[x_terms[:, j] != 0] > 0):
            raise ModelError(
                f"did: no crimes where {term} applies (in the areas and months with crimes); "
                "its effect cannot be estimated"
            )
    if stack is None:
        first: tuple[int, ...] = (0,)
    else:
        # Each stack's units and periods form their own two-way layout: drop one period per
        # stack, or the area and month effects are collinear within every stack.
        firsts = (
            frame.with_columns(code=pl.Series(period_code))
            .group_by(stack)
            .agg(pl.col("code").min())
        )
        first = tuple(int(c) for c in firsts["code"].to_list())
    fit = fit_poisson_fe(
        y,
        x_terms,
        [FixedEffect(unit_code, n_units), FixedEffect(period_code, n_periods, first)],
        cluster=frame[cluster].to_numpy() if cluster else None,
    )
    return fit, n_units, n_periods, int(dropped)


def did_poisson(
    panel: pl.DataFrame,
    *,
    outcome: str = "crimes",
    unit: str = "unit",
    period: str = "period",
    terms: Sequence[str] = ("treated_post",),
    stack: str | None = None,
    cluster: str | None = None,
) -> DidFit:
    """The difference-in-differences rate ratio(s) of ``terms`` (0/1 columns of ``panel``).

    ``stack``: the column naming each stack of a stacked design (units and periods must then
    be labelled per stack). ``cluster``: a column whose values share errors (cluster-robust
    standard errors); otherwise quasi-Poisson.
    """
    fit, units, periods, dropped = _fit(panel, outcome, unit, period, terms, stack, cluster)
    effects = {}
    for j, term in enumerate(terms):
        se = math.sqrt(max(float(fit.cov[j, j]), 0.0))
        z = fit.coef[j] / se if se > 0 else math.inf
        effects[term] = Estimate(
            _exp(fit.coef[j]),
            _exp(fit.coef[j] - _Z * se),
            _exp(fit.coef[j] + _Z * se),
            float(2 * stats.norm.sf(abs(z))),
        )
    return DidFit(
        effects=effects,
        coef=fit.coef,
        cov=fit.cov,
        terms=tuple(terms),
        scale=fit.scale,
        errors=fit.errors,
        units=units,
        periods=periods,
        observations=fit.observations,
        dropped_units=dropped,
    )


_WIDTH_NAMES = {3: "quarter", 6: "half-year", 12: "year"}
_SPAN_MONTHS = 24  # bins further than this from the start are pooled into the end bins


@dataclass(frozen=True)
class EventStudy:
    """Rate ratio of the treated areas against the comparison areas, per period from the start.

    Periods are quarters, or half-years or years when the treated areas have too few crimes a
    quarter (under 10 on average before the start) for a quarter's ratio to mean anything.
    ``table``: index (periods from the start; -1 = the last before it, the reference), label
    (e.g. ``−1``, ``0``, ``2``, ``−8 or earlier``, with a real minus sign), rate_ratio, ci_low, ci_high, p_value; the
    reference has rate ratio 1 and no interval, and a period in which the treated areas had no
    crimes at all has rate ratio 0 and no interval.

    ``leads_p_value``: the joint Wald test that every period before the start (besides the
    reference) has a rate ratio of 1, on ``leads`` periods (None with fewer than one). A small
    p-value says the treated areas were not steady against the comparison areas before the
    start, which the linear pre-trend test can miss (a dip or a spike rather than a slope).
    """

    table: pl.DataFrame
    width_months: int
    width: str
    leads_p_value: float | None = None
    leads: int = 0


def joint_wald(fit: DidFit, names: Sequence[str]) -> float | None:
    """p-value of the Wald test that the coefficients ``names`` of ``fit`` are all 0 (None when
    there are none, or their covariance is singular)."""
    if not names:
        return None
    index = [fit.terms.index(n) for n in names]
    coef = np.asarray(fit.coef)[index]
    cov = np.asarray(fit.cov)[np.ix_(index, index)]
    try:
        statistic = float(coef @ np.linalg.solve(cov, coef))
    except np.linalg.LinAlgError:
        return None
    if not math.isfinite(statistic):
        return None
    return float(stats.chi2.sf(statistic, len(index)))


def _width(frame: pl.DataFrame, outcome: str, treated: str, relative_month: str) -> int:
    before = frame.filter(pl.col(treated).cast(pl.Boolean), pl.col(relative_month) < 0)
    months = before[relative_month].n_unique()
    per_month = float(before[outcome].sum()) / max(months, 1)
    for width in (3, 6):
        if per_month * width >= 10:
            return width
    return 12


def event_study(
    panel: pl.DataFrame,
    *,
    outcome: str = "crimes",
    unit: str = "unit",
    period: str = "period",
    treated: str = "treated",
    relative_month: str = "relative_month",
    stack: str | None = None,
    cluster: str | None = None,
) -> EventStudy:
    """One rate ratio per period relative to the start (see :class:`EventStudy`).

    ``relative_month`` is months from the first month after the start (0 = that month).
    """
    width = _width(panel, outcome, treated, relative_month)
    bins = _SPAN_MONTHS // width
    frame = panel.with_columns(bin=(pl.col(relative_month) // width).clip(-bins, bins))
    is_treated = pl.col(treated).cast(pl.Boolean)
    present = sorted(frame.filter(is_treated)["bin"].unique().to_list())
    before = [b for b in present if b < 0]
    if not before:
        raise ModelError("event study: no month before the start; the pre-period is empty")
    reference = max(before)
    totals = frame.filter(is_treated).group_by("bin").agg(pl.col(outcome).sum())
    empty = set(totals.filter(pl.col(outcome) <= 0)["bin"].to_list()) - {reference}
    estimated = [b for b in present if b != reference and b not in empty]
    if not estimated:
        raise ModelError(
            "event study: no month besides the reference one has crimes in the treated areas"
        )
    names = [f"b{b}" for b in estimated]
    frame = frame.with_columns(
        [
            ((pl.col("bin") == b) & is_treated).cast(pl.Int8).alias(n)
            for b, n in zip(estimated, names, strict=True)
        ]
    )
    fit = did_poisson(
        frame, outcome=outcome, unit=unit, period=period, terms=names, stack=stack, cluster=cluster
    )
    rows: list[dict[str, float | int | None]] = [
        {"offset": reference, "rate_ratio": 1.0, "ci_low": None, "ci_high": None, "p_value": None}
    ]
    rows += [
        {"offset": b, "rate_ratio": 0.0, "ci_low": None, "ci_high": None, "p_value": None}
        for b in sorted(empty)
    ]
    for b, n in zip(estimated, names, strict=True):
        e = fit.effects[n]
        rows.append(
            {
                "offset": b,
                "rate_ratio": e.estimate,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "p_value": e.p_value,
            }
        )
    table = pl.DataFrame(
        rows,
        schema={
            "offset": pl.Int64,
            "rate_ratio": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "p_value": pl.Float64,
        },
    ).sort("offset")
    # A real minus sign (U+2212), not a hyphen, and no plus sign: the label is text, and a
    # CSV cell starting with "-" or "+" would be escaped as a possible spreadsheet formula
    # ("'-8 or earlier", "'+0").
    signed = pl.when(pl.col("offset") >= 0).then(pl.lit("")).otherwise(pl.lit("\u2212")) + pl.col(
        "offset"
    ).abs().cast(pl.String)
    label = (
        pl.when(pl.col("offset") == -bins)
        .then(signed + pl.lit(" or earlier"))
        .when(pl.col("offset") == bins)
        .then(signed + pl.lit(" or later"))
        .otherwise(signed)
    )
    leads = [n for b, n in zip(estimated, names, strict=True) if b < 0]
    return EventStudy(
        table.with_columns(label=label).select(
            "offset", "label", "rate_ratio", "ci_low", "ci_high", "p_value"
        ),
        width,
        _WIDTH_NAMES[width],
        leads_p_value=joint_wald(fit, leads),
        leads=len(leads),
    )


@dataclass(frozen=True)
class PreTrend:
    """The difference in linear trend before the start: rate ratio per year with its interval;
    ``differs`` when p < ``alpha``."""

    ratio_per_year: Estimate
    differs: bool
    alpha: float
    months: int


def pre_trend(
    panel: pl.DataFrame,
    *,
    outcome: str = "crimes",
    unit: str = "unit",
    period: str = "period",
    treated: str = "treated",
    relative_month: str = "relative_month",
    alpha: float = 0.05,
    stack: str | None = None,
    cluster: str | None = None,
) -> PreTrend:
    """Test whether the treated areas' counts trended differently before the start."""
    pre = panel.filter(pl.col(relative_month) < 0)
    if pre[period].n_unique() < 3:
        raise ModelError("pre-trend test: fewer than 3 months before the start")
    pre = pre.with_columns(
        treated_trend=pl.col(treated).cast(pl.Float64) * pl.col(relative_month) / 12.0
    )
    fit = did_poisson(
        pre,
        outcome=outcome,
        unit=unit,
        period=period,
        terms=("treated_trend",),
        stack=stack,
        cluster=cluster,
    )
    estimate = fit.effects["treated_trend"]
    p = estimate.p_value if estimate.p_value is not None else 1.0
    return PreTrend(estimate, bool(p < alpha), alpha, int(pre[period].n_unique()))
