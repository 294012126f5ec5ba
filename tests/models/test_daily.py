"""The daily temperature model: statsmodels' numbers, planted effects recovered, calendar right.

Daily counts are simulated here with numpy on the real HadCET temperatures with a known rate
ratio per degree and known calendar effects; the bank-holiday list is checked against the list
typed by hand from gov.uk in the synthetic generator.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
import statsmodels.formula.api as smf

from vawg.datasets import hadcet_daily
from vawg.errors import InputError
from vawg.models.calendar import bank_holidays, easter_sunday, in_lockdown
from vawg.models.daily import daily_design, fit_daily_model
from vawg.synth.calendar import BANK_HOLIDAYS

START, END = date(2017, 4, 1), date(2022, 3, 31)


def _simulate(
    seed: int, rr: float = 1.02, shape: str = "linear"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    weather = hadcet_daily().filter(pl.col("date").is_between(START, END)).sort("date")
    temp = weather["tmean_c"].to_numpy()
    data = daily_design(weather, "tmean_c")
    dow = np.array([1.0, 0.95, 0.95, 0.97, 1.05, 1.2, 1.15])[data["dow"]]
    month = 1 + 0.04 * np.sin(data["month"].to_numpy() / 12 * 2 * np.pi)
    # linear on the log scale, or flat until 15 °C and then steep
    heat = rr**temp if shape == "linear" else np.where(temp > 15, 1.06 ** (temp - 15), 1.0)
    mu = (
        40
        * dow
        * month
        * heat
        * 1.3 ** data["bank_holiday"].to_numpy()
        * 0.8 ** data["lockdown"].to_numpy()
        * 1.04 ** data["trend"].to_numpy()
    )
    counts = rng.negative_binomial(1 / 0.01, 1 / (1 + 0.01 * mu))
    daily = pl.DataFrame({"date": weather["date"], "all": counts, "home": rng.poisson(mu * 0.7)})
    return daily, weather.select("date", pl.lit(None, dtype=pl.Float64).alias("tmax_c"), "tmean_c")


def test_bank_holidays_match_the_gov_uk_list() -> None:
    ours = bank_holidays(date(2016, 1, 1), date(2023, 12, 31))
    assert sorted(ours) == sorted(date.fromisoformat(d) for d in BANK_HOLIDAYS)
    assert easter_sunday(2019) == date(2019, 4, 21) and easter_sunday(2024) == date(2024, 3, 31)
    assert in_lockdown(date(2020, 4, 1)) and not in_lockdown(date(2020, 8, 1))


def test_recovers_the_planted_rate_ratio_per_degree() -> None:
    daily, weather = _simulate(1)
    result = fit_daily_model(daily, weather, series=("all", "home"), curves_for=())
    assert result.temperature == "tmean_c"
    assert any("mean temperature" in n for n in result.notes)
    assert result.effects["tmax_per_degree"].contains(1.02)
    assert result.fits["home"].rate_ratios["temp"].contains(1.02)
    assert result.days == (END - START).days + 1


def test_coefficients_equal_a_direct_statsmodels_fit() -> None:
    daily, weather = _simulate(2)
    result = fit_daily_model(daily, weather, series=("home",), curves_for=())
    data = daily_design(weather, "tmean_c").assign(y=daily["home"].to_numpy())
    direct = smf.glm(
        "y ~ temp + C(dow) + C(month) + bank_holiday + lockdown + trend",
        data,
        family=__import__("statsmodels.api").api.families.Poisson(),
    ).fit()
    fit = result.fits["home"]
    assert fit.poisson_rate_ratios["temp"].estimate == pytest.approx(
        np.exp(direct.params["temp"]), rel=1e-9
    )
    # Intervals are quasi-Poisson: the SE times sqrt(Pearson chi2 / df) when above 1.
    phi = max(1.0, direct.pearson_chi2 / direct.df_resid)
    b, se = direct.params["temp"], direct.bse["temp"] * np.sqrt(phi)
    low, high = np.exp(b - 1.959963984540054 * se), np.exp(b + 1.959963984540054 * se)
    assert fit.poisson_rate_ratios["temp"].ci_low == pytest.approx(low, rel=1e-8)
    assert fit.poisson_rate_ratios["temp"].ci_high == pytest.approx(high, rel=1e-8)


def test_spline_is_flat_for_a_line_and_bends_for_a_threshold() -> None:
    daily, weather = _simulate(3)
    line = fit_daily_model(daily, weather, curves_for=("all",)).curves["all"]
    assert line.lr_p_value > 0.01
    curve = line.table
    at_ref = np.interp(
        line.reference, curve["temperature"].to_numpy(), curve["rate_ratio"].to_numpy()
    )
    assert at_ref == pytest.approx(1.0, abs=0.01)
    daily, weather = _simulate(4, shape="threshold")
    bent = fit_daily_model(daily, weather, curves_for=("all",)).curves["all"]
    assert bent.lr_p_value < 0.001


def test_no_temperature_effect_is_not_significant() -> None:
    daily, weather = _simulate(5, rr=1.0)
    result = fit_daily_model(daily, weather, curves_for=())
    assert result.effects["tmax_per_degree"].p_value > 0.05


def test_uses_the_maximum_when_it_is_there() -> None:
    daily, weather = _simulate(6)
    weather = weather.with_columns((pl.col("tmean_c") + 4).alias("tmax_c"))
    assert fit_daily_model(daily, weather, curves_for=()).temperature == "tmax_c"
    with pytest.raises(InputError, match="no daily temperature"):
        fit_daily_model(
            daily,
            weather.with_columns(
                pl.lit(None, dtype=pl.Float64).alias("tmean_c"),
                pl.lit(None, dtype=pl.Float64).alias("tmax_c"),
            ),
        )
