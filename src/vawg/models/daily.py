"""Daily model: in-scope crimes per day against the day's temperature, calendar controlled.

For each series (all in-scope crimes; at home; in public; each offence group) a negative
binomial (NB2) GLM of the count of crimes *committed* on each day on

    temperature (linear, °C) + day of week + calendar month + bank holiday
    + England national lockdown + linear trend (years since the first day)

gives the rate ratio per 1 °C (key ``tmax_per_degree``, whichever temperature is used). Daily
counts of recorded crime vary more than a Poisson (or an NB2 whose alpha goes to 0) allows,
because one incident can produce several crime records on the same day, so the standard
errors are multiplied by sqrt(Pearson chi-square / df) when that exceeds 1 (quasi-likelihood,
as in time-series studies of weather and health; Bhaskaran et al. 2013). The
temperature is the daily maximum (``tmax_c``) where the weather table has it for at least 95%
of the days modelled, else the daily mean (``tmean_c``); ``temperature`` in the result says
which. Month dummies take out the seasonal cycle, so the temperature effect is identified from
days that were warmer or colder than usual for their month (and from year-to-year differences
in the same month), which is what separates weather from season.

Each series goes down the count models' fallback ladder (:mod:`vawg.models.glm`): NB2, else
the Poisson with quasi-likelihood standard errors when the dispersion vanishes (usual for daily
counts once the calendar is controlled), else the Poisson with sandwich standard errors; the
table's ``method_used`` names the rung. Series are fitted independently: a series that cannot be
modelled at all is listed in ``errors`` and noted, and never blanks another series or the
headline, which always comes from series ``all`` when it has enough crimes. The ``trend`` control
is reported too (``effects['trend_per_year']``, rate ratio per year from the first day).

The shape is allowed to be non-linear with a natural cubic regression spline of temperature
(patsy ``cr``, 4 df, centred) in the same model; the curve is shown as the rate ratio against
the median temperature with pointwise 95% intervals, and a likelihood-ratio test (alpha fixed
at the linear model's estimate) says whether it departs from a straight line on the log scale.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import patsy
import polars as pl
import statsmodels.api as sm
from scipy import stats

from vawg.errors import InputError, ModelError
from vawg.models.calendar import bank_holidays, in_lockdown
from vawg.models.glm import NB_CITATION, CountFit, fit_count_model, single_threaded
from vawg.results import Estimate, Params, ResultMixin

__all__ = ["DailyModelResult", "SplineCurve", "daily_design", "fit_daily_model"]

CONTROLS = "C(dow) + C(month) + bank_holiday + lockdown + trend"
REPORTED = ("temp", "trend")
DAILY_CITATION = (
    NB_CITATION + " Bhaskaran K, Gasparrini A, Hajat S, Smeeth L, Armstrong B (2013) Time series "
    "regression studies in environmental epidemiology. Int J Epidemiol 42:1187-1195 "
    "(quasi-Poisson scaling for overdispersed daily counts); Gasparrini A, Armstrong B, Kenward MG (2010) Distributed lag non-linear "
    "models. Stat Med 29:2224-2234 (time-series regression of daily counts on temperature with "
    "calendar controls); Wood SN (2017) Generalized Additive Models, 2nd ed. (cubic regression "
    "splines)."
)


@dataclass(frozen=True)
class SplineCurve:
    """The fitted temperature curve of one series: rate ratio vs the reference temperature."""

    series: str
    reference: float
    df: int
    lr_statistic: float
    lr_p_value: float
    table: pl.DataFrame  # temperature, rate_ratio, ci_low, ci_high


@dataclass(frozen=True)
class DailyModelResult(ResultMixin):
    """Rate ratio per °C for each series. ``table``: series, crimes, days, rate_ratio, ci_low,
    ci_high, p_value, method_used, alpha, dispersion_scale, poisson_rate_ratio.
    ``effects['tmax_per_degree']`` is the headline (series ``all``), ``effects['trend_per_year']``
    the calendar trend of the same series. ``errors``: series that could not be modelled, why."""

    params: Params
    table: pl.DataFrame
    fits: dict[str, CountFit]
    curves: dict[str, SplineCurve]
    effects: dict[str, Estimate]
    temperature: str
    days: int
    first_day: date
    last_day: date
    excluded_days: int
    errors: dict[str, str]
    notes: tuple[str, ...]


def _temperature(frame: pl.DataFrame, temperature: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    if temperature not in ("auto", "tmax_c", "tmean_c"):
        raise InputError(f"daily model: temperature={temperature!r}; use auto, tmax_c or tmean_c")
    if temperature != "auto":
        if temperature not in frame.columns or frame[temperature].null_count() == frame.height:
            raise InputError(f"daily model: the weather table has no {temperature} values")
        return temperature, notes
    share = 0.0
    if "tmax_c" in frame.columns and frame.height:
        share = 1 - frame["tmax_c"].null_count() / frame.height
    if share >= 0.95:
        return "tmax_c", notes
    if "tmean_c" not in frame.columns or frame["tmean_c"].null_count() == frame.height:
        raise InputError(
            "daily model: no daily temperature for the period; load weather.csv (tmax_c or tmean_c)"
        )
    notes.append(
        "The daily mean temperature (tmean_c) is used because the maximum is missing for more "
        f"than 5% of days ({share:.0%} have it); the key stays tmax_per_degree."
    )
    return "tmean_c", notes


def daily_design(days: pl.DataFrame, temperature: str) -> pd.DataFrame:
    """Calendar columns for each ``date`` in ``days`` plus ``temp`` from ``temperature``."""
    dates = days["date"].to_list()
    if not dates:
        raise ModelError("daily model: no days to model in the period")
    first, last = min(dates), max(dates)
    holidays = bank_holidays(first, last)
    return pd.DataFrame(
        {
            "temp": days[temperature].cast(pl.Float64).to_numpy(),
            "dow": [d.weekday() for d in dates],
            "month": [d.month for d in dates],
            "bank_holiday": [float(d in holidays) for d in dates],
            "lockdown": [float(in_lockdown(d)) for d in dates],
            "trend": [(d - first).days / 365.25 for d in dates],
        }
    )


def _matrix(formula: str, data: pd.DataFrame) -> pd.DataFrame:
    design = patsy.dmatrix(formula, data, return_type="dataframe")
    design = design.rename(columns={"Intercept": "const"})
    # Drop controls with no variation in this period (e.g. no lockdown day).
    keep = [c for c in design.columns if c == "const" or design[c].nunique() > 1]
    return design[keep]


def _spline(
    series: str,
    y: np.ndarray,
    data: pd.DataFrame,
    alpha: float,
    df: int,
) -> SplineCurve:
    spline_term = f"cr(temp, df={df}, constraints='center')"
    formula = f"{spline_term} + {CONTROLS}"
    design_info = patsy.dmatrix(formula, data, return_type="dataframe")
    design = design_info.rename(columns={"Intercept": "const"})
    keep = [c for c in design.columns if c == "const" or design[c].nunique() > 1]
    design = design[keep]
    family = (
        sm.families.NegativeBinomial(alpha=alpha)
        if math.isfinite(alpha) and alpha > 0
        else sm.families.Poisson()
    )
    with warnings.catch_warnings(), single_threaded():
        warnings.simplefilter("ignore")
        fit = sm.GLM(y, design, family=family).fit()
        linear = sm.GLM(y, _matrix(f"temp + {CONTROLS}", data), family=family).fit()
    spline_cols = [c for c in design.columns if c.startswith("cr(")]
    reference = float(np.median(data["temp"]))
    grid = np.linspace(float(data["temp"].quantile(0.01)), float(data["temp"].quantile(0.99)), 60)
    info = design_info.design_info.subset([spline_term])
    basis = patsy.build_design_matrices([info], pd.DataFrame({"temp": np.r_[grid, reference]}))[0]
    basis = np.asarray(basis)
    diff = basis[:-1] - basis[-1]
    beta = fit.params[spline_cols].to_numpy()
    cov = fit.cov_params().loc[spline_cols, spline_cols].to_numpy()
    # Quasi-likelihood: widen by the Pearson dispersion when the counts vary more than the
    # model says (as the linear model's intervals are), and scale the LR statistic alike.
    phi = max(1.0, float(fit.pearson_chi2 / fit.df_resid))
    log_rr = diff @ beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", diff, cov, diff) * phi)
    lr = max(0.0, 2 * (float(fit.llf) - float(linear.llf))) / phi
    return SplineCurve(
        series=series,
        reference=reference,
        df=df,
        lr_statistic=lr,
        lr_p_value=float(stats.chi2.sf(lr, df - 1)),
        table=pl.DataFrame(
            {
                "temperature": grid,
                "rate_ratio": np.exp(log_rr),
                "ci_low": np.exp(log_rr - 1.959963984540054 * se),
                "ci_high": np.exp(log_rr + 1.959963984540054 * se),
            }
        ),
    )


def fit_daily_model(
    daily: pl.DataFrame,
    weather: pl.DataFrame,
    *,
    series: Sequence[str] = ("all",),
    temperature: str = "auto",
    spline_df: int = 4,
    curves_for: Sequence[str] = ("all", "home", "public"),
    min_crimes: int = 100,
    params: Params | None = None,
) -> DailyModelResult:
    """Fit the daily model to ``daily`` (``date`` + one count column per series; every day of
    the modelled period present, zeros included) joined to ``weather`` (date, tmax_c/tmean_c).

    Series with fewer than ``min_crimes`` crimes are skipped (noted).
    """
    if "date" not in daily.columns or "date" not in weather.columns:
        raise InputError("daily model: both the counts and the weather need a 'date' column")
    missing = [s for s in series if s not in daily.columns]
    if missing:
        raise InputError(f"daily model: no count column for series {', '.join(missing)}")
    if spline_df < 3:
        raise InputError(f"daily model: spline_df={spline_df}; use at least 3 (default 4)")
    joined = daily.join(weather, on="date", how="left").sort("date")
    temp_col, notes = _temperature(joined, temperature)
    usable = joined.filter(pl.col(temp_col).is_not_null())
    excluded = joined.height - usable.height
    if excluded:
        notes.append(f"{excluded} days have no {temp_col} and are left out.")
    if usable.height < 60:
        raise ModelError(
            f"daily model: {usable.height} days with temperature; the model needs at least 60"
        )
    data = daily_design(usable, temp_col)
    design = _matrix(f"temp + {CONTROLS}", data)
    fits: dict[str, CountFit] = {}
    curves: dict[str, SplineCurve] = {}
    errors: dict[str, str] = {}
    rows = []
    for name in series:
        y = usable[name].cast(pl.Float64).to_numpy()
        if y.sum() < min_crimes:
            notes.append(f"{name}: {int(y.sum())} crimes, too few to model (< {min_crimes}).")
            continue
        try:
            fit = fit_count_model(
                y, design, np.zeros(y.size), outcome=name, terms=REPORTED, pearson_scale=True
            )
        except ModelError as error:
            # One series failing never blanks another, nor the headline (series "all").
            errors[name] = str(error)
            notes.append(f"{name}: not modelled ({error}).")
            continue
        fits[name] = fit
        if fit.is_fallback:
            notes.append(f"{name}: {fit.method_used}. {fit.method_note}")
        e = fit.rate_ratios["temp"]
        rows.append(
            {
                "series": name,
                "crimes": fit.events,
                "days": fit.n,
                "rate_ratio": e.estimate,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "p_value": e.p_value,
                "method_used": fit.method_used,
                "alpha": fit.alpha.estimate,
                "dispersion_scale": fit.dispersion_scale,
                "poisson_rate_ratio": fit.poisson_rate_ratios["temp"].estimate,
            }
        )
        if name in curves_for:
            try:
                curves[name] = _spline(name, y, data, fit.alpha.estimate, spline_df)
            except (ModelError, np.linalg.LinAlgError, ValueError) as error:
                notes.append(f"{name}: the temperature curve could not be drawn ({error}).")
    if not fits:
        raise ModelError(
            "daily model: no series could be modelled"
            + (f" ({'; '.join(errors.values())})" if errors else "")
        )
    if "all" in fits:
        headline = fits["all"]
    else:
        headline = next(iter(fits.values()))
        notes.append(
            f"The headline comes from series {headline.outcome!r}: series 'all' was not modelled."
        )
    dates = usable["date"].to_list()
    return DailyModelResult(
        params=params
        or Params(
            method=f"NB2 GLM of daily crimes on {temp_col} + day of week + month + bank holiday "
            "+ lockdown + trend; natural cubic spline for the shape",
            citation=DAILY_CITATION,
        ),
        table=pl.DataFrame(rows),
        fits=fits,
        curves=curves,
        effects={
            "tmax_per_degree": headline.rate_ratios["temp"],
            "trend_per_year": headline.rate_ratios.get(
                "trend", Estimate(math.nan, math.nan, math.nan, math.nan)
            ),
        },
        errors=errors,
        temperature=temp_col,
        days=usable.height,
        first_day=min(dates),
        last_day=max(dates),
        excluded_days=excluded,
        notes=tuple(notes),
    )
