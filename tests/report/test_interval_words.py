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
