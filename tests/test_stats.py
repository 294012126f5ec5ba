"""``vawg.stats``: each interval, test and correction against its reference library and against
values worked by hand (written beside each test, from the textbook formula and tables)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from vawg.stats import (
    adjusted_list,
    benjamini_hochberg,
    clopper_pearson_interval,
    fisher_exact_test,
    holm,
    newcombe_interval,
    poisson_interval,
    poisson_rate_interval,
    two_proportion_z_test,
    wilson_interval,
)


def test_wilson_by_hand() -> None:
    # 3 of 10, z = 1.959964: centre (0.3 + z²/20) / (1 + z²/10) = 0.355507, half-width
    # z·sqrt(0.3·0.7/10 + z²/400) / (1 + z²/10) = 0.247716.
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(0.107792, abs=1e-6)
    assert high == pytest.approx(0.603222, abs=1e-6)


def test_wilson_ends_are_exact_and_nothing_is_nan() -> None:
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="confidence level"):
        wilson_interval(1, 4, level=95)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=1e-12)


def test_garwood_by_hand() -> None:
    # Tables of chi-square: chi2(0.025; 6) = 1.237344, chi2(0.975; 8) = 17.534546, halved.
    low, high = poisson_interval(3)
    assert low == pytest.approx(0.618672, abs=1e-6)
    assert high == pytest.approx(8.767273, abs=1e-6)
    # No events: lower 0, upper chi2(0.975; 2) / 2 = -ln(0.025).
    assert poisson_interval(0) == (0.0, pytest.approx(-math.log(0.025), abs=1e-9))


def test_a_rate_interval_is_the_count_interval_over_the_exposure() -> None:
    # 3 crimes over 2 (thousand person-years): the count limits above, halved.
    assert poisson_rate_interval(3, 2.0) == pytest.approx((0.309336, 4.383637), abs=1e-6)
    with pytest.raises(ValueError, match="exposure=0"):
        poisson_rate_interval(3, 0)


@pytest.mark.parametrize("count", [0, 1, 2, 5, 17, 250, 10_000])
def test_garwood_matches_scipy_chi2(count: int) -> None:
    low = scipy_stats.chi2.ppf(0.05, 2 * count) / 2 if count else 0.0
    high = scipy_stats.chi2.ppf(0.95, 2 * count + 2) / 2
    assert poisson_interval(count, level=0.9) == pytest.approx((low, high), rel=1e-10)


def test_newcombe_by_hand_from_the_wilson_limits() -> None:
    # Newcombe (1998) method 10: d ± sqrt of the squared distances to each Wilson limit.
    (l1, u1), (l2, u2) = wilson_interval(3, 10), wilson_interval(1, 10)
    d = 0.3 - 0.1
    low = d - math.sqrt((0.3 - l1) ** 2 + (u2 - 0.1) ** 2)
    high = d + math.sqrt((u1 - 0.3) ** 2 + (0.1 - l2) ** 2)
    assert newcombe_interval((3, 10), (1, 10)) == pytest.approx((d, low, high), abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b"), [((3, 10), (1, 10)), ((57, 1583), (80, 1490)), ((0, 5), (5, 5))]
)
def test_newcombe_matches_statsmodels(a: tuple[int, int], b: tuple[int, int]) -> None:
    low, high = confint_proportions_2indep(*a, *b, method="newcomb", compare="diff")
    assert newcombe_interval(a, b)[1:] == pytest.approx((low, high), abs=1e-12)
    assert all(math.isnan(v) for v in newcombe_interval(a, (0, 0)))


def test_z_test_by_hand() -> None:
    # 30/100 against 20/100: pooled 0.25, se = sqrt(0.25·0.75·(1/100 + 1/100)) = 0.0612372,
    # z = 0.1 / se = 1.632993, two-sided p = erfc(z / sqrt 2).
    z = 0.1 / math.sqrt(0.25 * 0.75 * 0.02)
    assert two_proportion_z_test((30, 100), (20, 100)) == pytest.approx(
        math.erfc(z / math.sqrt(2)), abs=1e-12
    )
    assert two_proportion_z_test((0, 50), (0, 60)) == 1.0
    assert math.isnan(two_proportion_z_test((1, 5), (0, 0)))


def test_fisher_by_hand() -> None:
    # [[3, 0], [0, 3]]: the table and the equally extreme [[0, 3], [3, 0]] each have
    # probability 1 / C(6, 3) = 1/20, so the two-sided p is 0.1.
    assert fisher_exact_test((3, 3), (0, 3)) == pytest.approx(0.1, abs=1e-12)


def test_benjamini_hochberg_and_holm_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    # BH: sorted 0.005, 0.01, 0.03, 0.04 times m/rank = 0.02, 0.02, 0.04, 0.04 (already monotone).
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # Holm: sorted times (m - rank + 1) = 0.02, 0.03, 0.06, 0.04, then running maximum.
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])


@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.05, 0.5, 1.0])),
        min_size=1,
        max_size=40,
    )
)
def test_holm_is_statsmodels_holm(p: list[float]) -> None:
    # Ties, zeros and ones included: the written-out Holm against the library's.
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1], rel=1e-12, abs=0)


def test_corrections_skip_missing_values_and_match_statsmodels() -> None:
    p = [0.001, 0.04, None, 0.03, 0.2, float("nan"), 0.0005, 0.9]
    present = [v for v in p if v is not None and not math.isnan(v)]
    for method in ("fdr_bh", "holm"):
        reference = multipletests(present, method=method)[1]
        adjusted = adjusted_list(p, method)
        assert adjusted[2] is None and adjusted[5] is None
        assert [v for v in adjusted if v is not None] == pytest.approx(list(reference))
    arr = benjamini_hochberg(np.array([np.nan, 0.01]))
    assert math.isnan(arr[0]) and arr[1] == pytest.approx(0.01)
    assert benjamini_hochberg(np.array([])).shape == (0,)
    with pytest.raises(ValueError, match="fdr_bh"):
        adjusted_list([0.1], "bonferroni")


def test_clopper_pearson_by_hand_and_with_effective_sizes() -> None:
    # 0 of 10: upper limit 1 - 0.025^(1/10) = 0.308497; 10 of 10: lower 0.025^(1/10) = 0.691503.
    assert clopper_pearson_interval(0, 10) == (0.0, pytest.approx(1 - 0.025**0.1, abs=1e-9))
    assert clopper_pearson_interval(10, 10) == (pytest.approx(0.025**0.1, abs=1e-9), 1.0)
    # A weighted share: 2.5 of an effective 10.3, from the beta quantiles.
    low = scipy_stats.beta.ppf(0.025, 2.5, 10.3 - 2.5 + 1)
    high = scipy_stats.beta.ppf(0.975, 2.5 + 1, 10.3 - 2.5)
    assert clopper_pearson_interval(2.5, 10.3) == pytest.approx((low, high), abs=1e-12)
    assert all(math.isnan(v) for v in clopper_pearson_interval(0, 0))


def test_rate_per_1000_per_year_is_the_garwood_interval_over_the_exposure() -> None:
    from scipy.stats import chi2

    from vawg.stats import rate_per_1000_per_year

    # 100 crimes over 2 years among 50,000 women and girls: exposure 100 thousand-person-years.
    rate = rate_per_1000_per_year(100, 50_000, 2.0)
    assert rate.estimate == pytest.approx(1.0)
    assert rate.ci_low == pytest.approx(chi2.ppf(0.025, 200) / 2 / 100)
    assert rate.ci_high == pytest.approx(chi2.ppf(0.975, 202) / 2 / 100)
    assert math.isnan(rate_per_1000_per_year(None, 50_000, 2.0).estimate)
    assert math.isnan(rate_per_1000_per_year(5, 0, 2.0).estimate)


def test_rate_ratio_agrees_with_the_exact_conditional_interval() -> None:
    from scipy.stats import binomtest

    from vawg.stats import rate_ratio

    # Equal exposures: given the total, the first count is binomial(n, R / (1 + R)).
    k1, k0 = 260, 200
    exact = binomtest(k1, k1 + k0).proportion_ci(method="exact")
    low, high = (p / (1 - p) for p in (exact.low, exact.high))
    ratio = rate_ratio(k1, 365.0, k0, 365.0)
    assert ratio.estimate == pytest.approx(1.3)
    assert ratio.ci_low == pytest.approx(low, rel=0.02)
    assert ratio.ci_high == pytest.approx(high, rel=0.02)
    assert ratio.p_value == pytest.approx(binomtest(k1, k1 + k0).pvalue, rel=0.25)
    assert ratio.p_value < 0.01
    assert math.isnan(rate_ratio(5, 1.0, 0, 1.0).estimate)
