"""Weighted shares, means and differences against statsmodels, scipy and hand calculation."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from vawg.errors import InputError
from vawg.survey.estimates import (
    domain_contrast,
    homogeneity_test,
    weighted_mean,
    weighted_share,
)
from vawg.survey.public import indicator_values, public_survey_estimates

from .conftest import DATA, read_public
from .test_margins_raking import HAND_WEIGHTS

Z = stats.norm.ppf(0.975)


def _fixture() -> tuple[dict[str, np.ndarray], np.ndarray]:
    frame = read_public(DATA / "raking" / "public_survey.csv")
    w = np.array([HAND_WEIGHTS[r] for r in frame["respondent_id"]])
    return indicator_values(frame, unsafe_max=2), w


def test_weighted_share_equals_descrstatsw_and_the_hand_calculation() -> None:
    values, w = _fixture()
    y = values["unsafe_night_share"]
    est = weighted_share(y, w, ci_method="wald")
    assert est.estimate == pytest.approx(DescrStatsW(y, weights=w).mean)
    assert est.estimate == pytest.approx(71 / 120)  # README: hand-worked
    # Hand-worked linearised variance 93169/3110400 (README).
    se = math.sqrt(93169 / 3110400)
    assert est.se == pytest.approx(se)
    assert est.ci_low == pytest.approx(71 / 120 - Z * se)
    assert est.ci_high == pytest.approx(min(1.0, 71 / 120 + Z * se))
    assert est.n == 10 and est.count == 5
    assert est.n_effective == pytest.approx(240 / 29)
    assert est.small_base  # 8.3 effective respondents < 30


def test_logit_interval_is_the_linearised_se_on_the_logit_scale() -> None:
    values, w = _fixture()
    est = weighted_share(values["unsafe_night_share"], w, ci_method="logit")
    p, se = 71 / 120, math.sqrt(93169 / 3110400)
    half = Z * se / (p * (1 - p))
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert est.ci_low == pytest.approx(expit(math.log(p / (1 - p)) - half))
    assert est.ci_high == pytest.approx(expit(math.log(p / (1 - p)) + half))


def test_base_is_those_who_answered_the_item() -> None:
    values, w = _fixture()
    # not reported: asked of R01 R03 R04 R07 R10, four did not report; weighted 55/71 (README).
    est = weighted_share(values["not_reported_share"], w)
    assert est.n == 5 and est.count == 4
    assert est.estimate == pytest.approx(55 / 71)
    answered = ~np.isnan(values["not_reported_share"])
    ref = DescrStatsW(values["not_reported_share"][answered], weights=w[answered])
    assert est.estimate == pytest.approx(ref.mean)


@given(st.lists(st.booleans(), min_size=3, max_size=200).filter(lambda v: 0 < sum(v) < len(v)))
@settings(max_examples=60, deadline=None)
def test_equal_weights_give_the_simple_proportion_and_its_usual_ci(flags: list[bool]) -> None:
    y = np.array(flags, dtype=float)
    n, k = y.size, int(y.sum())
    est = weighted_share(y, np.full(n, 2.5), ci_method="wald")
    p = k / n
    assert est.estimate == pytest.approx(p)
    # The usual interval for a mean of 0/1 values: p +/- z sqrt(p(1-p)/(n-1)) (the sample
    # variance with n - 1), which is what DescrStatsW gives with no weights.
    half = Z * math.sqrt(p * (1 - p) / (n - 1))
    assert est.ci_low == pytest.approx(max(0.0, p - half))
    assert est.ci_high == pytest.approx(min(1.0, p + half))
    low, high = DescrStatsW(y).zconfint_mean()
    assert est.ci_low == pytest.approx(max(0.0, low)) and est.ci_high == pytest.approx(
        min(1.0, high)
    )
    # (The textbook Wald interval uses p(1-p)/n: wider than ours by sqrt(n/(n-1)) only.)
    wald = proportion_confint(k, n, method="normal")
    if p - half > 0 and p + half < 1:
        assert (est.ci_high - est.ci_low) / (wald[1] - wald[0]) == pytest.approx(
            math.sqrt(n / (n - 1))
        )
    assert est.n_effective == pytest.approx(n)


def test_weights_widen_the_interval_by_about_the_design_effect() -> None:
    rng = np.random.default_rng(5)
    y = (rng.random(4000) < 0.3).astype(float)
    w = rng.choice([0.5, 1.0, 3.0], size=4000)
    equal = weighted_share(y, np.ones_like(w), ci_method="wald")
    weighted = weighted_share(y, w, ci_method="wald")
    deff = 4000 * (w**2).sum() / w.sum() ** 2
    ratio = (weighted.se / equal.se) ** 2
    assert ratio == pytest.approx(deff, rel=0.1)  # y independent of w: var ratio ~ Kish deff


def test_zero_share_uses_clopper_pearson_on_the_effective_n() -> None:
    est = weighted_share(np.zeros(20), np.ones(20))
    assert est.estimate == 0 and est.ci_low == 0
    assert est.ci_high == pytest.approx(proportion_confint(0, 20, method="beta")[1])


def test_domain_estimate_is_the_subgroup_share_with_the_whole_design() -> None:
    values, w = _fixture()
    frame = read_public(DATA / "raking" / "public_survey.csv")
    women = (frame["sex"] == "F").to_numpy()
    y = values["unsafe_night_share"]
    est = weighted_share(y, w, women, ci_method="wald")
    # Women: R01 (1/2, unsafe) R02 (1/2) R03 R04 (4/3, unsafe) R05 (4/3): (1/2 + 8/3) / 5.
    p = Fraction(1, 2) + Fraction(8, 3)
    assert est.estimate == pytest.approx(float(p / 5))
    # Hand: var = n/(n-1) sum_domain (w (y - p_d))^2 / W_d^2 with n = 10 answering.
    pd = float(p / 5)
    ws, ys = w[women], y[women]
    var = 10 / 9 * float(((ws * (ys - pd)) ** 2).sum()) / 25
    assert est.se == pytest.approx(math.sqrt(var))
    assert est.n == 5


def test_paired_difference_equals_the_paired_t_statistic_with_equal_weights() -> None:
    values, _ = _fixture()
    d = values["unsafe_night_minus_day"]
    est = weighted_mean(d, np.ones(d.size), test_zero=True)
    # Unsafe at night R01 R03 R04 R08 R10, by day R03 R10: differences 1,0,0,1,0,0,0,1,0,0.
    assert est.estimate == pytest.approx(0.3)
    night, day = values["unsafe_night_share"], values["unsafe_day_share"]
    t = stats.ttest_rel(night, day)
    assert est.estimate / est.se == pytest.approx(t.statistic)
    assert est.p_value == pytest.approx(2 * stats.norm.sf(abs(t.statistic)))


def test_paired_difference_with_weights_matches_descrstatsw_and_hand() -> None:
    values, w = _fixture()
    d = values["unsafe_night_minus_day"]
    est = weighted_mean(d, w, test_zero=True)
    # (w_R01 + w_R04 + w_R08) / 10 = (1/2 + 4/3 + 3/4) / 10 = 31/120.
    assert est.estimate == pytest.approx(31 / 120)
    assert est.estimate == pytest.approx(DescrStatsW(d, weights=w).mean)
    var = 10 / 9 * float(((w * (d - 31 / 120)) ** 2).sum()) / 100
    assert est.se == pytest.approx(math.sqrt(var))


def test_domain_contrast_adds_the_variances_of_disjoint_domains() -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(600) < 0.4).astype(float)
    w = rng.uniform(0.5, 2, 600)
    d = rng.random(600) < 0.3
    c = domain_contrast(y, w, d)
    inside, outside = weighted_share(y, w, d), weighted_share(y, w, ~d)
    assert c.estimate == pytest.approx(inside.estimate - outside.estimate)
    assert c.se == pytest.approx(math.hypot(inside.se, outside.se))
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(c.estimate / c.se)))


def test_homogeneity_test_by_hand() -> None:
    values, w = _fixture()
    a = weighted_share(values["unsafe_night_share"], w, np.arange(10) < 5)
    b = weighted_share(values["unsafe_night_share"], w, np.arange(10) >= 5)
    stat, df, p = homogeneity_test([a, b])
    # Two groups: the chi-square is the squared z of their difference.
    z = (a.estimate - b.estimate) / math.hypot(a.se, b.se)
    assert stat == pytest.approx(z**2) and df == 1
    assert p == pytest.approx(stats.chi2.sf(z**2, 1))


def test_public_estimates_by_group_and_small_base_flags() -> None:
    frame = read_public(DATA / "raking" / "public_survey.csv")
    _, w = _fixture()
    result = public_survey_estimates(frame, w, weight_source="test")
    night = result.overall["unsafe_night_share"]
    assert night.estimate == pytest.approx(71 / 120)
    rows = result.table.filter(result.table["dimension"] == "sex")
    assert set(rows["level"]) == {"F", "M"}
    assert rows["small_base"].all()  # every base is far under 30 effective respondents
    assert result.to_dict()["unsafe_night_share"]["n"] == 10


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(InputError, match="0, 1 or NaN"):
        weighted_share(np.array([0.0, 2.0]), np.ones(2))
    with pytest.raises(InputError, match="weights"):
        weighted_share(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    with pytest.raises(InputError, match="ci_method"):
        weighted_share(np.array([0.0, 1.0]), np.ones(2), ci_method="exact")
