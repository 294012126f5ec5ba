"""Every interval is written with "to" ("95% CI 8.4% to 10.5%"), never a dash between its
ends: the outcomes tiles read "8.4–10.5%" beside "to" everywhere else."""

from __future__ import annotations

from vawg.report.audit._format import fmt_ci
from vawg.report.survey._format import _ci


def test_rate_and_days_intervals_are_written_with_to() -> None:
    assert fmt_ci("charge_rate", 0.084, 0.105) == "95% CI 8.4% to 10.5%"
    assert fmt_ci("median_days_to_outcome", 37.0, 42.0) == "95% CI 37 to 42 days"
    assert fmt_ci("median_days_to_outcome", 37.0, float("inf")) == (
        "95% CI from 37 days (upper limit not reached)"
    )


def test_survey_intervals_are_written_with_to() -> None:
    assert _ci({"ci_low": 0.597, "ci_high": 0.622}) == "95% CI 60% to 62%"


def test_an_interval_beside_its_estimate_is_written_in_the_estimates_form() -> None:
    from vawg.report.drivers._format import effect_words
    from vawg.report.fmt import change, change_interval

    # 77% more, its interval reaching 2.3 times: one unit in the sentence, per cent
    assert change(1.77, "crimes") == "77% more crimes"
    assert change_interval(1.38, 2.3, 1.77) == "95% CI 38% more to 130% more"
    assert change_interval(0.54, 2.0, 1.048) == "95% CI 46% fewer to 100% more"
    # twice as many or more: times, both ends
    assert change(2.4, "crimes") == "2.4 times as many crimes"
    assert change_interval(1.043, 5.7, 2.4) == "95% CI 1.04 to 5.7 times as many"
    # an interval on its own keeps the rule of its ends
    assert change_interval(1.043, 5.7) == "95% CI 1.04 to 5.7 times as many"
    # the drivers report's table cell, which had "77% more crimes (95% CI 1.38 to 2.3 times …)"
    text = effect_words(1.77, 1.38, 2.3, unit="crimes")
    assert text == "77% more crimes (95% CI 38% more to 130% more)", text


def test_a_round_change_is_not_written_from_its_floating_point_error() -> None:
    from vawg.report.fmt import change, change_interval

    # (0.9 - 1) x 100 is -9.999999999999998 in floating point: 10% fewer, not "10.0% fewer"
    assert change(0.9) == "10% fewer"
    assert change(1.1, "crimes") == "10% more crimes"
    assert change_interval(0.9, 1.2, 1.05) == "95% CI 10% fewer to 20% more"
    assert change(0.95) == "5.0% fewer"
