"""Kaplan–Meier from counts against a hand calculation and statsmodels' ``SurvfuncRight``;
the log-rank test against ``survdiff``."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from vawg.outcomes.survival import kaplan_meier, log_rank, time_to_outcome

# The 2021H2 cohort of tests/data/outcomes/known_answers (see its README): days, outcome?
HAND_DAYS = [30, 90, 20, 30, 62, 30, 171, 149, 121, 30]
HAND_EVENT = [True, True, True, True, True, True, False, True, False, True]


def _counts(days: list[int], event: list[bool]) -> pl.DataFrame:
    frame = pl.DataFrame({"days": days, "event": event})
    return frame.group_by("days", "event").len(name="n").sort("days")


def test_kaplan_meier_by_hand() -> None:
    counts = _counts(HAND_DAYS, HAND_EVENT)
    km = kaplan_meier(counts["days"].to_list(), counts["event"].to_list(), counts["n"].to_list())
    assert km.days.tolist() == [20, 30, 62, 90, 149]
    assert km.survival.tolist() == pytest.approx([0.9, 0.5, 0.4, 0.3, 0.15])
    assert km.at_risk.tolist() == [10, 9, 5, 4, 2]
    # S is exactly 0.5 from day 30; the median is the first day it is below 0.5.
    assert km.median().estimate == 62


def _random_cohort(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    days = np.floor(rng.lognormal(np.log(40), 1.0, n)).astype(int)
    follow = rng.integers(5, 400, n)
    event = days <= follow
    return np.where(event, days, follow), event


@pytest.mark.parametrize(("seed", "n"), [(0, 25), (1, 60), (2, 300), (3, 1500)])
def test_median_and_interval_equal_statsmodels(seed: int, n: int) -> None:
    time, event = _random_cohort(seed, n)
    reference = SurvfuncRight(time, event.astype(int))
    counts = _counts(time.tolist(), event.tolist())
    km = kaplan_meier(counts["days"].to_list(), counts["event"].to_list(), counts["n"].to_list())
    assert km.survival == pytest.approx(reference.surv_prob)
    assert km.se == pytest.approx(reference.surv_prob_se, nan_ok=True)
    median = km.median()
    expected = reference.quantile(0.5)
    with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels takes log(0) at S = 0
        low, high = reference.quantile_ci(0.5, alpha=0.05, method="cloglog")
    assert median.estimate == expected or (math.isnan(median.estimate) and math.isnan(expected))
    assert median.ci_low == low or (math.isnan(median.ci_low) and math.isnan(low))
    assert median.ci_high == high or (math.isnan(median.ci_high) and math.isnan(high))


def test_hand_cohort_median_interval_equals_statsmodels() -> None:
    reference = SurvfuncRight(np.array(HAND_DAYS), np.array(HAND_EVENT, dtype=int))
    counts = _counts(HAND_DAYS, HAND_EVENT)
    km = kaplan_meier(counts["days"].to_list(), counts["event"].to_list(), counts["n"].to_list())
    assert km.median().estimate == reference.quantile(0.5) == 62
    assert (km.median().ci_low, km.median().ci_high) == reference.quantile_ci(0.5)


@pytest.mark.parametrize("seed", [0, 5, 9])
def test_log_rank_equals_statsmodels_survdiff(seed: int) -> None:
    t1, e1 = _random_cohort(seed, 200)
    t2, e2 = _random_cohort(seed + 100, 150)
    t2 = (t2 * 1.3).astype(int)
    _chi2, reference = survdiff(
        np.concatenate([t1, t2]),
        np.concatenate([e1, e2]).astype(int),
        np.array([0] * t1.size + [1] * t2.size),
    )
    p, excess = log_rank(_counts(t1.tolist(), e1.tolist()), _counts(t2.tolist(), e2.tolist()))
    assert p == pytest.approx(reference, rel=1e-8)
    assert excess > 0  # the first group (shorter times) had more outcomes than expected


def test_results_do_not_depend_on_row_order() -> None:
    time, event = _random_cohort(4, 200)
    counts = _counts(time.tolist(), event.tolist()).with_columns(half=pl.lit("2021H2"))
    a = time_to_outcome(counts)
    b = time_to_outcome(counts.sample(fraction=1.0, shuffle=True, seed=1))
    assert a.table.equals(b.table)
    assert a.curves.equals(b.curves)


def test_a_cohort_where_fewer_than_half_close_has_no_median() -> None:
    counts = pl.DataFrame({"days": [10, 50], "event": [True, False], "n": [3, 7]})
    km = kaplan_meier(counts["days"].to_list(), counts["event"].to_list(), counts["n"].to_list())
    assert math.isnan(km.median().estimate)


def _exponential(seed: int, n: int, median: float) -> tuple[np.ndarray, np.ndarray]:
    """``n`` whole-day times from an exponential of the given median, censored at 120 days."""
    rng = np.random.default_rng(seed)
    days = np.floor(rng.exponential(median / math.log(2), n)).astype(int)
    return np.minimum(days, 120), days <= 120


def _independent_interval(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], replicates: int
) -> tuple[float, float]:
    """Percentile bootstrap of the difference in medians, resampling crimes one by one and
    taking each median from statsmodels' ``SurvfuncRight`` (no code shared with the
    package)."""
    rng = np.random.default_rng(11)
    diffs = []
    for _ in range(replicates):
        medians = []
        for time, event in (a, b):
            pick = rng.integers(0, time.size, time.size)
            medians.append(SurvfuncRight(time[pick], event[pick].astype(int)).quantile(0.5))
        diffs.append(medians[0] - medians[1])
    low, high = np.quantile(diffs, [0.025, 0.975])
    return float(low), float(high)


def test_interval_of_a_change_in_median_days_covers_a_planted_difference() -> None:
    """Medians of 30 and 40 days planted (a change of 10 days shorter): the interval covers
    the planted change, leaves out no change, and agrees with an independent bootstrap."""
    from vawg.outcomes.survival import median_difference_interval

    now, then = _exponential(1, 1500, 30.0), _exponential(2, 1500, 40.0)
    low, high = median_difference_interval(
        _counts(now[0].tolist(), now[1].tolist()),
        _counts(then[0].tolist(), then[1].tolist()),
        seed=0,
    )
    assert low <= -10 <= high and high < 0
    ref_low, ref_high = _independent_interval(now, then, 400)
    assert abs(low - ref_low) <= 2 and abs(high - ref_high) <= 2
    # Seeded: the same seed gives the same interval.
    again = median_difference_interval(
        _counts(now[0].tolist(), now[1].tolist()),
        _counts(then[0].tolist(), then[1].tolist()),
        seed=0,
    )
    assert again == (low, high)


def test_interval_of_no_planted_change_covers_none() -> None:
    from vawg.outcomes.survival import median_difference_interval

    now, then = _exponential(3, 800, 35.0), _exponential(4, 800, 35.0)
    low, high = median_difference_interval(
        _counts(now[0].tolist(), now[1].tolist()), _counts(then[0].tolist(), then[1].tolist())
    )
    assert low <= 0 <= high


def test_a_time_to_outcome_change_is_not_called_clear_when_its_interval_holds_none() -> None:
    """The log-rank test compares whole curves; the verdict on the median is never stronger
    than the interval of the change in the median printed beside it."""
    from vawg.outcomes.audit import _CHANGE_SCHEMA, judge

    def row(low: float, high: float) -> dict[str, object]:
        return {
            **dict.fromkeys(_CHANGE_SCHEMA),
            "base": "recorded",
            "dimension": "all",
            "value": "all",
            "measure": "median_days_to_outcome",
            "comparison": "year_earlier",
            "difference": -5.0,
            "ci_low": low,
            "ci_high": high,
            "p_value": 1e-6,
            "test": "log-rank",
            "sign": -1,
        }

    frame = pl.DataFrame([row(-9.0, 2.0), row(-9.0, -1.0)], schema=_CHANGE_SCHEMA)
    assert judge(frame, 0.05)["verdict"].to_list() == ["no clear change", "improved"]
