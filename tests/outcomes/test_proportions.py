"""Wilson, Newcombe and the two-proportion test as Estimates, against reference libraries
(statsmodels, scipy) and one hand calculation; the audit's Benjamini–Hochberg list."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from vawg.outcomes.proportions import (
    difference,
    newcombe_difference,
    two_proportion_test,
    wilson,
)
from vawg.stats import adjusted_list


def test_wilson_by_hand() -> None:
    # 3 of 10, z = 1.959964: centre 0.355507, half-width 0.247716 (tests/data/outcomes/README).
    e = wilson(3, 10)
    assert e.estimate == 0.3
    assert e.ci_low == pytest.approx(0.107792, abs=1e-6)
    assert e.ci_high == pytest.approx(0.603222, abs=1e-6)


@pytest.mark.parametrize(
    ("k", "n"), [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (1, 6), (57, 1583), (828, 1583)]
)
def test_wilson_matches_statsmodels(k: int, n: int) -> None:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    e = wilson(k, n)
    assert e.ci_low == pytest.approx(low, abs=1e-12)
    assert e.ci_high == pytest.approx(high, abs=1e-12)


def test_wilson_of_nothing_is_nan_and_bad_counts_refused() -> None:
    assert math.isnan(wilson(0, 0).estimate)
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson(5, 3)


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_is_a_proportion_around_the_estimate(kn: tuple[int, int]) -> None:
    k, n = kn
    e = wilson(k, n)
    if n == 0:
        return
    assert 0.0 <= e.ci_low <= e.estimate <= e.ci_high <= 1.0


@pytest.mark.parametrize(
    ("later", "earlier"),
    [((151, 1583), (137, 1435)), ((3, 10), (1, 6)), ((0, 12), (5, 20)), ((40, 40), (30, 41))],
)
def test_newcombe_matches_statsmodels(later: tuple[int, int], earlier: tuple[int, int]) -> None:
    low, high = confint_proportions_2indep(*later, *earlier, method="newcomb", compare="diff")
    e = newcombe_difference(later, earlier)
    assert e.estimate == pytest.approx(later[0] / later[1] - earlier[0] / earlier[1])
    assert e.ci_low == pytest.approx(low, abs=1e-10)
    assert e.ci_high == pytest.approx(high, abs=1e-10)


def test_two_proportion_z_test_matches_statsmodels() -> None:
    p, test = two_proportion_test((151, 1583), (111, 1360))
    _z, reference = proportions_ztest([151, 111], [1583, 1360])
    assert test == "z"
    assert p == pytest.approx(reference, rel=1e-10)


def test_small_expected_counts_use_fishers_exact_test() -> None:
    p, test = two_proportion_test((3, 10), (1, 6))
    assert test == "fisher"
    assert p == pytest.approx(stats.fisher_exact([[3, 7], [1, 5]]).pvalue)


def test_no_events_anywhere_is_no_evidence_of_change() -> None:
    assert two_proportion_test((0, 50), (0, 60)) == (1.0, "z")
    assert math.isnan(difference((0, 0), (1, 5)).difference.estimate)


def test_benjamini_hochberg_matches_statsmodels_and_skips_missing() -> None:
    p = [0.001, 0.04, None, 0.03, 0.2, float("nan"), 0.0005, 0.9]
    given_ = [v for v in p if v is not None and not math.isnan(v)]
    _reject, reference, _s, _b = multipletests(given_, method="fdr_bh")
    q = adjusted_list(p, "fdr_bh")
    assert q[2] is None and q[5] is None
    assert [v for v in q if v is not None] == pytest.approx(list(reference))
