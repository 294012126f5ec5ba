"""Birthday effect: are crimes more likely on the offender's (or victim's) birthday?

Design: a self-controlled, case-only comparison in the case-crossover family (Maclure 1991),
fitted as a conditional Poisson model (Armstrong et al. 2014). Each person is their own
control: given that a person was involved in n in-scope crimes during the period, each crime
could have fallen on any day of the period with probability proportional to the day's
expected volume of crime lambda(d), multiplied by RR_birthday on the person's birthdays and by
RR_window on the ``window`` days either side of them. Conditioning on each person's total
removes everything fixed about the person (propensity, age group, where they live); lambda(d),
fitted from all in-scope crimes by day with day of week, year-month strata and bank holidays
(a time-stratified calendar), takes out day of week, season, holidays and trend. Age is held
(nearly) constant because each person's birthdays recur once a year across the period, so
their birthday days and ordinary days span the same ages.

Concretely, with L_b, L_w, L_o the sums of lambda over the person's birthday days, window days
and all other days of the period, the conditional log-likelihood is

    sum_i [ y_bi b + y_wi w - n_i log(L_oi + L_bi e^b + L_wi e^w) ]

maximised by Newton's method; this is identical to a Poisson GLM with one fixed effect per
person (checked in the tests). Standard errors are robust (sandwich, clustered by person),
because one incident can produce several crime records on the same day. A 29 February birthday
is taken as 28 February in other years.

Fallback (no model drops a headline): when the conditional Poisson cannot be fitted (no crime
falls on a birthday or in its window, so the likelihood has no finite maximum, or Newton's
method does not converge), each rate ratio is the standardised ratio of observed to expected
crimes on those days (expected under no effect, from the same lambda(d) and each person's
total), with an exact Poisson interval for the observed count (Breslow & Day 1987, ch. 2;
:func:`vawg.stats.poisson_rate_interval`). ``method_used`` names which.

``age_profile`` adds age as a driver: people involved per 1,000 residents of the same sex and
age band over the period, with rate ratios against a reference band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats

from vawg.errors import InputError, ModelError
from vawg.results import Estimate, Params, ResultMixin

__all__ = [
    "BIRTHDAY_CITATION",
    "BirthdayResult",
    "ConditionalPoissonFit",
    "birthday_effect",
    "conditional_poisson",
    "exposure_sums",
    "offsets_from_birthday",
]

BIRTHDAY_CITATION = (
    "Maclure M (1991) The case-crossover design: a method for studying transient effects on the "
    "risk of acute events. Am J Epidemiol 133(2):144-153; Armstrong BG, Gasparrini A, Tobias A "
    "(2014) Conditional Poisson models: a flexible alternative to conditional logistic case "
    "cross-over analysis. BMC Med Res Methodol 14:122; Whitaker HJ et al. (2006) Tutorial in "
    "biostatistics: the self-controlled case series method. Stat Med 25:1768-1797; Breslow NE, "
    "Day NE (1987) Statistical Methods in Cancer Research II. IARC (standardised ratios)."
)

ROLES = ("offender", "victim")
METHOD_CONDITIONAL = "conditional Poisson (robust SEs by person)"
METHOD_STANDARDISED = "observed / expected with an exact Poisson interval (fallback)"
_DAY = np.timedelta64(1, "D")


def _day_numbers(values: Sequence[date] | pl.Series) -> npt.NDArray[np.int64]:
    series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.Date)
    return series.cast(pl.Date).to_numpy().astype("datetime64[D]").astype(np.int64)


def _birthdays_in(
    month: npt.NDArray[np.int64], day: npt.NDArray[np.int64], year: int
) -> npt.NDArray[np.int64]:
    """Day numbers of each person's birthday in ``year`` (29 Feb -> 28 Feb in other years)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    d = np.where((month == 2) & (day == 29) & (not leap), 28, day)
    months = np.datetime64(f"{year}-01", "M") + (month - 1).astype("timedelta64[M]")
    return (months.astype("datetime64[D]") + (d - 1) * _DAY).astype(np.int64)


def offsets_from_birthday(
    event_day: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Signed days from each event to the same person's nearest birthday (0 = on it)."""
    years = event_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    best = np.full(event_day.size, 10_000, dtype=np.int64)
    for year in np.unique(years):
        rows = np.flatnonzero(years == year)
        for shift in (-1, 0, 1):
            candidate = _birthdays_in(month[rows], day[rows], int(year + shift))
            offset = event_day[rows] - candidate
            better = np.abs(offset) < np.abs(best[rows])
            best[rows] = np.where(better, offset, best[rows])
    return best


def exposure_sums(
    month: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    intensity: npt.NDArray[np.float64],
    first_day: int,
    offsets: Sequence[int],
) -> npt.NDArray[np.float64]:
    """For each person and each offset j: sum over the period of lambda(birthday + j).

    ``intensity[t]`` is lambda on day ``first_day + t``; days outside the period count 0.
    """
    last_day = first_day + intensity.size - 1
    first_year = int(np.datetime64(first_day, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    last_year = int(np.datetime64(last_day, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    out = np.zeros((month.size, len(offsets)))
    for year in range(first_year - 1, last_year + 2):
        birthday = _birthdays_in(month, day, year)
        for k, j in enumerate(offsets):
            t = birthday + j - first_day
            inside = (t >= 0) & (t < intensity.size)
            out[inside, k] += intensity[t[inside]]
    return out


@dataclass(frozen=True)
class ConditionalPoissonFit:
    """Log rate ratios of the exposure categories against 'other days'."""

    coefficients: npt.NDArray[np.float64]
    model_se: npt.NDArray[np.float64]
    robust_se: npt.NDArray[np.float64]
    loglik: float
    iterations: int


def conditional_poisson(
    counts: npt.NDArray[np.float64], exposure: npt.NDArray[np.float64]
) -> ConditionalPoissonFit:
    """Conditional Poisson with one stratum per row.

    ``counts[i, c]`` events of person i in category c; ``exposure[i, c]`` the expected volume
    (sum of lambda) of category c. Column 0 is the reference ('other days'); the result holds
    the log rate ratios of columns 1.. against it.
    """
    y = np.asarray(counts, dtype=np.float64)
    e = np.asarray(exposure, dtype=np.float64)
    keep = (y.sum(axis=1) > 0) & (e[:, 0] > 0)
    y, e = y[keep], e[keep]
    n = y.sum(axis=1)
    k = y.shape[1] - 1
    if y.shape[0] == 0:
        raise ModelError("birthday model: no person has a crime in the period")
    beta = np.zeros(k)
    iterations = 0
    converged = False
    while iterations < 100 and not converged:
        iterations += 1
        rel = e * np.exp(np.r_[0.0, beta])[None, :]
        p = rel / rel.sum(axis=1, keepdims=True)
        score = (y[:, 1:] - n[:, None] * p[:, 1:]).sum(axis=0)
        pn = p[:, 1:] * n[:, None]
        info = np.diag(pn.sum(axis=0)) - (p[:, 1:, None] * pn[:, None, :]).sum(axis=0)
        if np.linalg.cond(info) > 1e12:
            raise ModelError(
                "birthday model: no crimes fall on birthdays or their window; the effect cannot "
                "be estimated (too few people with a date of birth?)"
            )
        step = np.linalg.solve(info, score)
        beta = beta + step
        converged = bool(np.max(np.abs(step)) < 1e-10)
    if not converged:
        raise ModelError("birthday model: the conditional Poisson fit did not converge")
    rel = e * np.exp(np.r_[0.0, beta])[None, :]
    p = rel / rel.sum(axis=1, keepdims=True)
    pn = p[:, 1:] * n[:, None]
    info = np.diag(pn.sum(axis=0)) - (p[:, 1:, None] * pn[:, None, :]).sum(axis=0)
    inverse = np.linalg.inv(info)
    scores = y[:, 1:] - n[:, None] * p[:, 1:]
    meat = scores.T @ scores
    robust = inverse @ meat @ inverse
    loglik = float((y * np.log(np.where(p > 0, p, 1.0))).sum())
    return ConditionalPoissonFit(
        coefficients=beta,
        model_se=np.sqrt(np.diag(inverse)),
        robust_se=np.sqrt(np.diag(robust)),
        loglik=loglik,
        iterations=iterations,
    )


@dataclass(frozen=True)
class BirthdayResult(ResultMixin):
    """Birthday rate ratios by role. ``table``: role, exposure, crimes, expected, rate_ratio,
    ci_low, ci_high, p_value, method_used. ``methods``: role → method used (with the reason
    when it is the fallback). ``profile``: role, offset (days from the birthday), crimes,
    expected (under no effect), ratio. ``effects``: ``offender_birthday``, ``victim_birthday``,
    ``offender_birthday_window``, ``victim_birthday_window``."""

    params: Params
    table: pl.DataFrame
    profile: pl.DataFrame
    effects: dict[str, Estimate]
    people: dict[str, int]
    window: int
    methods: dict[str, str]


def _estimate(beta: float, se: float) -> Estimate:
    if not (math.isfinite(beta) and math.isfinite(se)) or se <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    z = 1.959963984540054
    return Estimate(
        math.exp(beta),
        math.exp(beta - z * se),
        math.exp(beta + z * se),
        float(2 * stats.norm.sf(abs(beta / se))),
    )


def _standardised(observed: int, expected: float) -> Estimate:
    """observed / expected with the exact (Garwood) Poisson interval and the exact test of 1."""
    from vawg.stats import poisson_rate_interval

    if not expected > 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    low, high = poisson_rate_interval(observed, expected)
    tail = (
        stats.poisson.sf(observed - 1, expected)
        if observed >= expected
        else stats.poisson.cdf(observed, expected)
    )
    return Estimate(observed / expected, float(low), float(high), float(min(1.0, 2 * tail)))


def birthday_effect(
    people: pl.DataFrame,
    events: pl.DataFrame,
    intensity: pl.DataFrame,
    *,
    window: int = 1,
    profile_days: int = 7,
    params: Params | None = None,
) -> BirthdayResult:
    """Birthday rate ratios.

    ``people``: role (offender/victim), person_id, date_of_birth (one row per person and role).
    ``events``: role, person_id, day (date the crime was committed), one row per crime and
    person; events outside the intensity's days are ignored. ``intensity``: date, expected
    (lambda: the calendar's expected crimes that day), one row for every day of the period.
    """
    for name, frame, columns in (
        ("people", people, ("role", "person_id", "date_of_birth")),
        ("events", events, ("role", "person_id", "day")),
        ("intensity", intensity, ("date", "expected")),
    ):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(f"birthday model: {name} lacks {', '.join(missing)}")
    if not 1 <= window <= 30:
        raise InputError(f"birthday model: window={window} days; use 1 to 30 (default 1)")
    lam_frame = intensity.sort("date")
    days = _day_numbers(lam_frame["date"])
    first_day = int(days[0])
    if not np.array_equal(days, np.arange(first_day, first_day + days.size)):
        raise InputError("birthday model: the intensity must have one row for every day")
    lam = lam_frame["expected"].cast(pl.Float64).to_numpy()
    total = float(lam.sum())
    window_offsets = [j for j in range(-window, window + 1) if j != 0]
    profile_offsets = list(range(-profile_days, profile_days + 1))
    table_rows: list[dict[str, object]] = []
    profile_rows: list[dict[str, object]] = []
    effects: dict[str, Estimate] = {}
    counted: dict[str, int] = {}
    methods: dict[str, str] = {}
    for role in ROLES:
        who = people.filter((pl.col("role") == role) & pl.col("date_of_birth").is_not_null())
        who = who.unique("person_id", keep="first").sort("person_id")
        ev = events.filter(pl.col("role") == role).join(
            who.select("person_id", "date_of_birth"), on="person_id", how="inner"
        )
        ev = ev.with_columns(pl.col("day").cast(pl.Date))
        ev_days = _day_numbers(ev["day"])
        inside = (ev_days >= first_day) & (ev_days < first_day + lam.size)
        ev = ev.filter(pl.Series(inside))
        ev_days = ev_days[inside]
        counted[role] = 0
        if ev.height == 0:
            effects[f"{role}_birthday"] = Estimate(math.nan, math.nan, math.nan, math.nan)
            effects[f"{role}_birthday_window"] = Estimate(math.nan, math.nan, math.nan, math.nan)
            continue
        index = {pid: i for i, pid in enumerate(who["person_id"].to_list())}
        person = np.array([index[p] for p in ev["person_id"].to_list()], dtype=np.int64)
        dob = who["date_of_birth"]
        month = dob.dt.month().cast(pl.Int64).to_numpy()
        mday = dob.dt.day().cast(pl.Int64).to_numpy()
        offset = offsets_from_birthday(ev_days, month[person], mday[person])
        n_people = who.height
        category = np.where(offset == 0, 1, np.where(np.abs(offset) <= window, 2, 0))
        counts = np.zeros((n_people, 3))
        np.add.at(counts, (person, category), 1.0)
        sums = exposure_sums(month, mday, lam, first_day, [0, *window_offsets])
        exposure = np.column_stack([total - sums.sum(axis=1), sums[:, 0], sums[:, 1:].sum(axis=1)])
        n_i = counts.sum(axis=1)
        expected_null = (n_i[:, None] * exposure / total).sum(axis=0)
        counted[role] = int((n_i > 0).sum())
        fit: ConditionalPoissonFit | None
        try:
            fit = conditional_poisson(counts, exposure)
            methods[role] = METHOD_CONDITIONAL
        except ModelError as error:
            fit = None
            methods[role] = f"{METHOD_STANDARDISED}: {error}"
        for c, label, key in (
            (1, "birthday", f"{role}_birthday"),
            (2, f"within {window} day(s) either side", f"{role}_birthday_window"),
        ):
            est = (
                _estimate(float(fit.coefficients[c - 1]), float(fit.robust_se[c - 1]))
                if fit is not None
                else _standardised(int(counts[:, c].sum()), float(expected_null[c]))
            )
            effects[key] = est
            table_rows.append(
                {
                    "role": role,
                    "exposure": label,
                    "crimes": int(counts[:, c].sum()),
                    "expected": float(expected_null[c]),
                    "rate_ratio": est.estimate,
                    "ci_low": est.ci_low,
                    "ci_high": est.ci_high,
                    "p_value": est.p_value,
                    "method_used": METHOD_CONDITIONAL if fit is not None else METHOD_STANDARDISED,
                }
            )
        prof = exposure_sums(month, mday, lam, first_day, profile_offsets)
        expected_by_offset = (n_i[:, None] * prof / total).sum(axis=0)
        for k, j in enumerate(profile_offsets):
            observed = int((offset == j).sum())
            profile_rows.append(
                {
                    "role": role,
                    "offset": j,
                    "crimes": observed,
                    "expected": float(expected_by_offset[k]),
                    "ratio": observed / expected_by_offset[k]
                    if expected_by_offset[k]
                    else math.nan,
                }
            )
    return BirthdayResult(
        params=params
        or Params(
            method=f"self-controlled conditional Poisson (case-crossover family), birthday and "
            f"+/-{window} day window vs other days, calendar-adjusted; robust SEs by person",
            citation=BIRTHDAY_CITATION,
        ),
        table=pl.DataFrame(
            table_rows,
            schema={
                "role": pl.String,
                "exposure": pl.String,
                "crimes": pl.Int64,
                "expected": pl.Float64,
                "rate_ratio": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
                "p_value": pl.Float64,
                "method_used": pl.String,
            },
        ),
        profile=pl.DataFrame(
            profile_rows,
            schema={
                "role": pl.String,
                "offset": pl.Int64,
                "crimes": pl.Int64,
                "expected": pl.Float64,
                "ratio": pl.Float64,
            },
        ),
        effects=effects,
        people=counted,
        window=window,
        methods=methods,
    )


def calendar_intensity(daily: pl.DataFrame, value: str = "crimes") -> pl.DataFrame:
    """lambda(d): expected crimes per day from a Poisson GLM of ``daily[value]`` on day of week,
    year-month strata and bank holidays (a time-stratified calendar). Returns date, expected."""
    import pandas as pd
    import statsmodels.api as sm

    from vawg.models.calendar import bank_holidays

    frame = daily.sort("date")
    dates = frame["date"].to_list()
    if len(dates) < 28:
        raise ModelError(f"birthday model: {len(dates)} days; the calendar needs at least 28")
    holidays = bank_holidays(min(dates), max(dates))
    data = pd.DataFrame(
        {
            "dow": [d.weekday() for d in dates],
            "ym": [f"{d.year}-{d.month:02d}" for d in dates],
            "bank_holiday": [float(d in holidays) for d in dates],
        }
    )
    design = pd.get_dummies(data, columns=["dow", "ym"], drop_first=True, dtype=float)
    design.insert(0, "const", 1.0)
    design = design.loc[:, design.nunique() > 1].assign(const=1.0)
    y = frame[value].cast(pl.Float64).to_numpy()
    from vawg.models.glm import single_threaded

    with single_threaded():
        fit = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    return pl.DataFrame({"date": dates, "expected": np.asarray(fit.fittedvalues, dtype=np.float64)})
