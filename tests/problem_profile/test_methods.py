"""The statistics under the profile, checked against reference libraries and hand cases."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.rates import test_poisson_2indep as exact_test

from vawg.errors import InputError
from vawg.profile.harm import gini, load_harm_weights, lorenz_curve, top_share
from vawg.profile.place import home_public_ratio
from vawg.profile.volume import monthly_trend
from vawg.stats import poisson_rate_interval

# ---------------------------------------------------------------------------- home/public ratio


def _exact(home: int, public: int, value: float, alternative: str) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels divides by a zero count
        return float(
            exact_test(
                home,
                1,
                public,
                1,
                value=value,
                method="exact-cond",
                compare="ratio",
                alternative=alternative,
            ).pvalue
        )


@pytest.mark.parametrize(("home", "public"), [(18, 10), (400, 100), (3, 0), (0, 7), (1, 1)])
def test_ratio_interval_inverts_the_statsmodels_exact_conditional_test(
    home: int, public: int
) -> None:
    # The exact conditional interval is the set of ratios the exact conditional test does not
    # reject: at each limit the one-sided test's p-value is 0.025 (statsmodels, 'exact-cond').
    ratio = home_public_ratio(home, public)
    if home > 0 and public > 0:
        assert ratio.estimate == pytest.approx(home / public)
    if ratio.ci_low > 0:
        p = _exact(home, public, ratio.ci_low, "larger")
        assert p == pytest.approx(0.025, abs=1e-6)
    else:
        assert home == 0
    if math.isfinite(ratio.ci_high):
        p = _exact(home, public, ratio.ci_high, "smaller")
        assert p == pytest.approx(0.025, abs=1e-6)
    else:
        assert public == 0
    assert ratio.p_value == pytest.approx(_exact(home, public, 1.0, "two-sided"), rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 3000))
def test_ratio_interval_brackets_the_estimate(home: int, public: int) -> None:
    ratio = home_public_ratio(home, public)
    assert 0 < ratio.ci_low < ratio.estimate < ratio.ci_high


def test_ratio_of_nothing_is_undefined() -> None:
    assert math.isnan(home_public_ratio(0, 0).estimate)


# ---------------------------------------------------------------------------- rates and trend


def test_poisson_rate_interval_hand_case() -> None:
    # 0 events: lower limit 0, upper -ln(0.025) = 3.689 (the classic "rule of 3.7").
    low, high = poisson_rate_interval(0, 1.0)
    assert low == 0 and high == pytest.approx(-math.log(0.025))


def _months(n: int) -> list[date]:
    return [date(2017 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(n)]


def test_trend_recovers_a_planted_rate_ratio_with_overdispersion() -> None:
    # 60 months, 1,000 crimes a month rising 8% a year, gamma noise (NB2 alpha 0.02): the NB2
    # model must be chosen and its interval must hold 1.08.
    rng = np.random.default_rng(7)
    months = _months(60)
    t = np.arange(60) / 12
    mu = 1000 * 1.08**t * rng.gamma(50, 1 / 50, size=60)
    counts = pl.DataFrame({"month": months, "crimes": rng.poisson(mu)})
    trend = monthly_trend(counts, date(2017, 4, 1), date(2022, 3, 31))
    assert trend.model == "negative binomial (NB2)"
    assert trend.rate_ratio_per_year.contains(1.08)
    assert trend.alpha is not None and 0.005 < trend.alpha < 0.06


def test_trend_is_flat_when_nothing_changes() -> None:
    rng = np.random.default_rng(1)
    counts = pl.DataFrame({"month": _months(60), "crimes": rng.poisson(200, size=60)})
    trend = monthly_trend(counts, date(2017, 4, 1), date(2022, 3, 31))
    assert trend.model.startswith("Poisson, quasi-likelihood") and "Poisson" in trend.note
    assert trend.rate_ratio_per_year.contains(1.0)


def test_trend_needs_enough_data() -> None:
    counts = pl.DataFrame({"month": _months(3), "crimes": [1, 0, 2]})
    trend = monthly_trend(counts, date(2017, 4, 1), date(2017, 6, 30))
    assert trend.model == "not fitted" and math.isnan(trend.rate_ratio_per_year.estimate)


# ---------------------------------------------------------------------------- harm


def test_top_share_and_lorenz_hand_case() -> None:
    # Harm 10, 0, 30, 60 (total 100). Sorted down: 60, 30, 10, 0. Top 25% = 1 person = 0.60;
    # top 50% = 0.90; top 10% = 0.4 of a person = 24 -> 0.24. Lorenz at 0.5 = 10 / 100.
    values = np.array([10.0, 0.0, 30.0, 60.0])
    desc = np.sort(values)[::-1]
    assert top_share(desc, 0.25) == pytest.approx(0.60)
    assert top_share(desc, 0.50) == pytest.approx(0.90)
    assert top_share(desc, 0.10) == pytest.approx(0.24)
    curve = lorenz_curve(values, points=5)
    assert curve["harm_share"].to_list() == pytest.approx([0, 0, 0.1, 0.4, 1.0])
    # Gini: mean absolute difference / (2 x mean): sum |xi - xj| = 2 x (10+30+60+20+50+30) = 400;
    # 400 / (2 x 16 x 25) = 0.5.
    assert gini(values) == pytest.approx(0.5)


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(
        "key_type,key,label,weight_days,status,source\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


GROUPS = [
    f"offence_group,{g},{g},{w},official,CCHI 2023 test"
    for g, w in (
        ("violence_with_injury", 100),
        ("violence_without_injury", 10),
        ("stalking", 50),
        ("harassment", 20),
        ("coercive_control", 200),
        ("rape", 2000),
        ("other_sexual", 300),
        ("drink_spiking", 150),
        ("other", 1),
    )
]


def test_an_official_table_loads_and_missing_groups_are_named(tmp_path: Path) -> None:
    ok = load_harm_weights(
        _write(tmp_path / "ok.csv", [*GROUPS, "offence_code,19C,x,2500,official,s"])
    )
    assert ok.height == 10
    with pytest.raises(InputError, match=r"no weight for offence group.*drink_spiking"):
        load_harm_weights(_write(tmp_path / "gap.csv", [g for g in GROUPS if "drink" not in g]))
    with pytest.raises(InputError, match="key_type 'crime_code'"):
        load_harm_weights(_write(tmp_path / "kind.csv", [*GROUPS, "crime_code,1,x,5,a,b"]))
    with pytest.raises(InputError, match="no usable weight_days"):
        load_harm_weights(_write(tmp_path / "w.csv", [*GROUPS, "offence_code,8N,x,-3,a,b"]))
    with pytest.raises(InputError, match="more than once"):
        load_harm_weights(_write(tmp_path / "d.csv", [*GROUPS, GROUPS[0]]))
    with pytest.raises(InputError, match="no such file"):
        load_harm_weights(tmp_path / "absent.csv")
    (tmp_path / "cols.csv").write_text("key,weight\nrape,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        load_harm_weights(tmp_path / "cols.csv")


def test_official_weights_change_the_harm(hand, hand_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from vawg.profile import profile

    path = _write(tmp_path / "official.csv", GROUPS)
    result = profile(hand.tables, hand_settings, harm_weights=path)
    # No codes listed, so every crime takes its group weight: rape C04 + C17 = 2 x 2000.
    by_group = dict(result.harm.by_offence_group.select("offence_group", "harm_days").iter_rows())
    assert by_group["rape"] == 4000
    assert result.harm.crimes_weighted_by_code == 0
    assert result.harm.assumed_weights.height == 0  # every applied weight is 'official'
