"""The birthday model: equal to a person-fixed-effect Poisson GLM, and recovers planted effects.

The known answers are independent: statsmodels' Poisson GLM with one dummy per person (which
the conditional Poisson must reproduce exactly), birthday offsets worked by hand, and crimes
simulated here with a known birthday rate ratio on a calendar with a weekly and seasonal cycle.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm

from vawg.models.birthday import (
    METHOD_STANDARDISED,
    birthday_effect,
    calendar_intensity,
    conditional_poisson,
    offsets_from_birthday,
)

START, END = date(2018, 1, 1), date(2021, 12, 31)


def _day(d: str) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def test_offsets_worked_by_hand() -> None:
    days = np.array(
        [
            _day("2019-03-15"),
            _day("2019-03-14"),
            _day("2019-12-31"),
            _day("2019-02-28"),
            _day("2020-02-29"),
            _day("2019-07-01"),
        ]
    )
    month = np.array([3, 3, 1, 2, 2, 1])
    mday = np.array([15, 15, 1, 29, 29, 1])
    # on the day; the day before; 31 Dec is a day before the next 1 Jan; a 29 Feb birthday is
    # kept on 28 Feb in 2019 but on 29 Feb in the leap year 2020; 1 July is 181 days after 1 Jan.
    assert offsets_from_birthday(days, month, mday).tolist() == [0, -1, -1, 0, 0, 181]


def test_conditional_poisson_equals_person_fixed_effects_glm() -> None:
    rng = np.random.default_rng(0)
    n = 80
    exposure = np.column_stack(
        [rng.uniform(300, 400, n), rng.uniform(0.5, 1.5, n), rng.uniform(1, 3, n)]
    )
    rate = rng.gamma(2, 0.01, n)[:, None] * exposure * np.array([1.0, 3.0, 1.5])
    counts = rng.poisson(rate)
    counts[:, 0] += 1
    fit = conditional_poisson(counts, exposure)
    long = pd.DataFrame(
        {
            "y": counts.ravel(),
            "person": np.repeat(np.arange(n), 3),
            "cat": np.tile([0, 1, 2], n),
            "off": np.log(exposure.ravel()),
        }
    )
    x = pd.get_dummies(long["person"], prefix="p", dtype=float)
    x["birthday"] = (long["cat"] == 1).astype(float)
    x["window"] = (long["cat"] == 2).astype(float)
    glm = sm.GLM(long["y"], x, family=sm.families.Poisson(), offset=long["off"]).fit()
    assert fit.coefficients == pytest.approx(
        glm.params[["birthday", "window"]].to_numpy(), abs=1e-7
    )
    assert fit.model_se == pytest.approx(glm.bse[["birthday", "window"]].to_numpy(), rel=1e-4)


def _simulate(
    seed: int, rr_day: float, rr_window: float, people: int = 3000
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pl.date_range(START, END, "1d", eager=True)
    dn = days.to_numpy().astype("datetime64[D]").astype(np.int64)
    doy = np.array([d.timetuple().tm_yday for d in days.to_list()])
    dow = np.array([d.weekday() for d in days.to_list()])
    lam = (1 + 0.25 * (dow >= 4)) * (1 + 0.2 * np.cos(2 * np.pi * (doy - 200) / 365.25))
    dob = [date(1970, 1, 1) + timedelta(days=int(x)) for x in rng.integers(0, 365 * 30, people)]
    month = np.array([d.month for d in dob])
    mday = np.array([min(d.day, 28) if d.month == 2 else d.day for d in dob])
    rows = []
    for i in range(people):
        offset = offsets_from_birthday(dn, np.full(dn.size, month[i]), np.full(dn.size, mday[i]))
        weight = lam * np.where(offset == 0, rr_day, np.where(np.abs(offset) == 1, rr_window, 1.0))
        n = rng.poisson(rng.gamma(1.5, 2.0))
        picks = rng.choice(dn.size, size=n, p=weight / weight.sum())
        rows += [(f"p{i}", days[int(k)]) for k in picks]
    events = pl.DataFrame(
        rows, schema={"person_id": pl.String, "day": pl.Date}, orient="row"
    ).with_columns(role=pl.lit("offender"))
    who = pl.DataFrame(
        {"person_id": [f"p{i}" for i in range(people)], "date_of_birth": dob, "role": "offender"}
    )
    daily = (
        pl.DataFrame({"date": days})
        .join(
            events.group_by("day").len().rename({"day": "date", "len": "crimes"}),
            on="date",
            how="left",
        )
        .with_columns(pl.col("crimes").fill_null(0))
    )
    return who, events, daily


def test_recovers_planted_birthday_effect_with_calendar_controls() -> None:
    # One seed; the coverage of the intervals over many seeds is in benchmarks/calibration.py.
    who, events, daily = _simulate(10, rr_day=2.0, rr_window=1.3)
    lam = calendar_intensity(daily)
    result = birthday_effect(who, events, lam)
    assert result.effects["offender_birthday"].contains(2.0)
    assert result.effects["offender_birthday_window"].contains(1.3)
    assert result.effects["offender_birthday"].p_value < 0.001
    row = result.profile.filter(pl.col("offset") == 0)
    assert row["ratio"][0] > 1.5
    assert result.people["victim"] == 0


def test_no_birthday_effect_is_not_significant() -> None:
    who, events, daily = _simulate(2, rr_day=1.0, rr_window=1.0)
    result = birthday_effect(who, events, calendar_intensity(daily))
    assert result.effects["offender_birthday"].p_value > 0.05 / 2
    assert result.effects["offender_birthday_window"].p_value > 0.05 / 2


def test_no_crime_on_a_birthday_falls_back_to_observed_over_expected() -> None:
    # Few people, and every crime moved off the birthday and its window: the conditional
    # likelihood has no finite maximum, so the fallback (observed / expected) is used and named.
    who, events, daily = _simulate(3, rr_day=1.0, rr_window=1.0, people=60)
    dob = dict(zip(who["person_id"].to_list(), who["date_of_birth"].to_list(), strict=True))
    keep = []
    for pid, day in events.select("person_id", "day").iter_rows():
        off = offsets_from_birthday(
            np.array([int(np.datetime64(day, "D").astype(np.int64))]),
            np.array([dob[pid].month]),
            np.array([min(dob[pid].day, 28) if dob[pid].month == 2 else dob[pid].day]),
        )[0]
        keep.append(abs(int(off)) > 1)
    events = events.filter(pl.Series(keep))
    result = birthday_effect(who, events, calendar_intensity(daily))
    assert result.methods["offender"].startswith(METHOD_STANDARDISED)
    row = result.table.filter(pl.col("exposure") == "birthday").row(0, named=True)
    assert row["crimes"] == 0 and row["method_used"] == METHOD_STANDARDISED
    est = result.effects["offender_birthday"]
    # exact Poisson upper limit for 0 events is -log(0.025) = 3.689 expected events
    assert est.estimate == 0.0 and est.ci_low == 0.0
    assert est.ci_high == pytest.approx(3.6888794541139363 / row["expected"], rel=1e-9)
