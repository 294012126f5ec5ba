"""Volume: in-scope crimes, distinct perpetrators and victims, by year, month, area and offence.

Rates are in-scope crimes per 1,000 female residents per year (ONS mid-2019 female population
of each district, all ages; the period's length in years of 365.25 days), with exact Poisson
intervals (Garwood 1936). The trend is a negative binomial (NB2) regression of monthly counts on
time with log(days in the month) as offset, reported as a rate ratio per year; when the NB2
dispersion is not significantly above zero (likelihood-ratio test, half chi-square) or the NB2
cannot be fitted, the Poisson fit is used with quasi-likelihood standard errors (multiplied by
sqrt(Pearson chi-square / df) where that exceeds 1; Cameron & Trivedi 2013), and ``model`` and
``note`` say so.
"""

from __future__ import annotations

import calendar
import math
import warnings
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial

from vawg.profile.data import ProfileData, to_polars
from vawg.results import Estimate, Params, ResultMixin
from vawg.stats import rate_per_1000_per_year

__all__ = ["TrendResult", "VolumeResult", "monthly_trend", "volume"]

CITATION = (
    "Garwood, F. (1936) Fiducial limits for the Poisson distribution. Biometrika 28, 437-442. "
    "Cameron, A. C. & Trivedi, P. K. (2013) Regression Analysis of Count Data, 2nd ed. CUP."
)


@dataclass(frozen=True)
class TrendResult(ResultMixin):
    """Rate ratio per year from a count regression on monthly totals, with its fit."""

    rate_ratio_per_year: Estimate
    model: str  # "negative binomial (NB2)" | "Poisson, quasi-likelihood ..." | "not fitted"
    months: int
    alpha: float | None = None
    aic_poisson: float | None = None
    aic_negative_binomial: float | None = None
    note: str = ""
    fitted: list[float] = field(default_factory=list)


def _months(start: date, end: date) -> list[date]:
    out, y, m = [], start.year, start.month
    while date(y, m, 1) <= end:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _days_in(month: date, start: date, end: date) -> int:
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    first = max(month, start)
    return (min(last, end) - first).days + 1


def monthly_trend(counts: pl.DataFrame, start: date, end: date) -> TrendResult:
    """Fit the trend on ``counts`` (month, crimes), zero-filled over the whole period."""
    months = _months(start, end)
    by_month = dict(zip(counts["month"].to_list(), counts["crimes"].to_list(), strict=True))
    y = np.array([by_month.get(m, 0) for m in months], dtype=float)
    days = np.array([_days_in(m, start, end) for m in months], dtype=float)
    mid = np.array(
        [((m - start).days + _days_in(m, start, end) / 2) / 365.25 for m in months], dtype=float
    )
    nan = float("nan")
    if len(months) < 6 or y.sum() < 10:
        return TrendResult(
            Estimate(nan, nan, nan),
            "not fitted",
            len(months),
            note="fewer than 6 months or 10 crimes: no trend fitted",
        )
    x = sm.add_constant(mid)
    offset = np.log(days)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        nb_ok = True
        try:
            nb = NegativeBinomial(y, x, loglike_method="nb2", offset=offset).fit(
                disp=0, maxiter=200
            )
            nb_ok = bool(nb.mle_retvals.get("converged", False)) and bool(
                np.all(np.isfinite(nb.bse))
            )
        except (np.linalg.LinAlgError, ValueError):
            nb_ok = False
    chosen, alpha, aic_nb = poisson, None, None
    model = "Poisson, quasi-likelihood (Pearson-scaled) SEs"
    note = (
        "The negative binomial could not be fitted; the Poisson trend is reported with "
        "quasi-likelihood standard errors."
    )
    if nb_ok:
        note = (
            "The monthly counts vary no more than a Poisson allows (the negative binomial's "
            "dispersion is not significant), so the Poisson trend is reported with "
            "quasi-likelihood standard errors."
        )
        alpha = float(nb.params[-1])
        aic_nb = float(nb.aic)
        lr = 2.0 * (float(nb.llf) - float(poisson.llf))
        p_alpha = 0.5 * float(stats.chi2.sf(max(lr, 0.0), 1))
        if alpha > 1e-8 and p_alpha < 0.05:
            chosen, model, note = nb, "negative binomial (NB2)", ""
    beta, se = float(chosen.params[1]), float(chosen.bse[1])
    if chosen is poisson:
        se *= math.sqrt(max(1.0, float(poisson.pearson_chi2 / poisson.df_resid)))
    z = float(stats.norm.ppf(0.975))
    p_value = float(2 * stats.norm.sf(abs(beta / se))) if se > 0 else nan
    rr = Estimate(math.exp(beta), math.exp(beta - z * se), math.exp(beta + z * se), p_value)
    fitted = np.exp(float(chosen.params[0]) + beta * mid + offset)
    return TrendResult(
        rr, model, len(months), alpha, float(poisson.aic), aic_nb, note=note, fitted=fitted.tolist()
    )


@dataclass(frozen=True)
class VolumeResult(ResultMixin):
    """Counts of in-scope crimes, perpetrators and victims, their breakdowns and the trend.

    ``table``/``by_financial_year``: financial_year, crimes, offenders, victims.
    ``by_month``: month, crimes (every month of the period). ``by_district``: district, crimes,
    female_population, rate_per_1000_per_year, ci_low, ci_high. ``by_offence_group``:
    offence_group, crimes, share. ``by_domestic_abuse``: domestic_abuse, crimes.
    """

    params: Params
    crimes_in_scope: int | None  # None = suppressed (public output)
    distinct_offenders: int | None
    distinct_victims: int | None
    rate_per_1000_per_year: Estimate
    female_population: int
    table: pl.DataFrame
    by_financial_year: pl.DataFrame
    by_month: pl.DataFrame
    by_district: pl.DataFrame
    by_offence_group: pl.DataFrame
    by_domestic_abuse: pl.DataFrame
    trend: TrendResult


def _distinct_per_year(data: ProfileData, people: str) -> pl.DataFrame:
    table = getattr(data, people)
    years = data.crimes.select("crime_ref", "financial_year")
    joined = table.join(years, "crime_ref")
    return to_polars(
        joined.group_by("financial_year").aggregate(joined.person_id.nunique().name(people))
    )


def _sum(cube: pl.DataFrame, by: str) -> pl.DataFrame:
    return cube.group_by(by).agg(pl.col("crimes").sum().cast(pl.Int64))


def volume(data: ProfileData) -> VolumeResult:
    """Volumes, rates and the trend of the in-scope crimes."""
    offenders, victims, cube = data.offenders, data.victims, data.cube
    start, end = data.period
    years = data.period_years
    by_year = (
        _sum(cube, "financial_year")
        .join(_distinct_per_year(data, "offenders"), on="financial_year", how="left")
        .join(_distinct_per_year(data, "victims"), on="financial_year", how="left")
        .fill_null(0)
        .sort("financial_year")
    )
    months = pl.DataFrame({"month": _months(start, end)})
    by_month = months.join(_sum(cube, "month"), on="month", how="left").with_columns(
        pl.col("crimes").fill_null(0).cast(pl.Int64)
    )
    n_crimes = int(cube["crimes"].sum())
    by_group = (
        _sum(cube, "offence_group")
        .with_columns(share=pl.col("crimes") / max(n_crimes, 1))
        .sort("crimes", descending=True)
    )
    by_da = _sum(cube, "domestic_abuse").sort("domestic_abuse", descending=True)
    by_district = _sum(cube, "district").join(
        data.female_population, on="district", how="full", coalesce=True
    )
    by_district = by_district.with_columns(pl.col("crimes").fill_null(0).cast(pl.Int64)).sort(
        "district"
    )
    rates = [
        rate_per_1000_per_year(int(c), p, years)
        for c, p in zip(by_district["crimes"], by_district["female_population"], strict=True)
    ]
    by_district = by_district.with_columns(
        rate_per_1000_per_year=pl.Series([r.estimate for r in rates], dtype=pl.Float64),
        ci_low=pl.Series([r.ci_low for r in rates], dtype=pl.Float64),
        ci_high=pl.Series([r.ci_high for r in rates], dtype=pl.Float64),
    ).with_columns(pl.col("rate_per_1000_per_year", "ci_low", "ci_high").fill_nan(None))
    population = int(data.female_population["female_population"].sum())
    rate = rate_per_1000_per_year(n_crimes, population, years)
    counts = offenders.aggregate(o=offenders.person_id.nunique()).cross_join(
        victims.aggregate(v=victims.person_id.nunique())
    )
    o, v = to_polars(counts).row(0)
    c = n_crimes
    return VolumeResult(
        params=Params(
            method=(
                "counts of in-scope crimes by recorded date; rates per 1,000 female residents per "
                "year with exact Poisson intervals; NB2/Poisson regression of monthly counts"
            ),
            citation=CITATION,
            period=data.period,
        ),
        crimes_in_scope=int(c),
        distinct_offenders=int(o),
        distinct_victims=int(v),
        rate_per_1000_per_year=rate,
        female_population=population,
        table=by_year,
        by_financial_year=by_year,
        by_month=by_month,
        by_district=by_district,
        by_offence_group=by_group,
        by_domestic_abuse=by_da,
        trend=monthly_trend(by_month, start, end),
    )
