"""The hazard-ratio table keeps the report's own rule: no ratio on fewer than 10 reoffences
in a group, and a note says why a row has none."""

from __future__ import annotations

from vawg.programme.analysis import MIN_EVENTS, _row
from vawg.programme.outcomes import CoxFit
from vawg.results import Estimate


def test_a_row_with_too_few_reoffences_has_no_ratio_and_says_why() -> None:
    # the demo's "not known yet" row: 2 participants, 1 reoffence, yet "0.712 0.113 4.47"
    fit = CoxFit(Estimate(0.712, 0.113, 4.47, 0.717), 2, 4, 1, 2)
    row = _row("Choices", "any victim", "not known yet", fit, "")
    assert row["hazard_ratio"] is None and row["ci_low"] is None and row["p_value"] is None
    assert row["participants"] == 2 and row["reoffended_participants"] == 1
    assert "too few reoffences" in str(row["note"])


def test_a_row_with_enough_reoffences_keeps_its_ratio() -> None:
    fit = CoxFit(Estimate(0.83, 0.62, 1.12, 0.22), 115, 225, MIN_EVENTS, 130)
    row = _row("Choices", "any victim", "all participants", fit, "")
    assert row["hazard_ratio"] == 0.83 and row["note"] == ""


def test_main_points_give_the_hazard_ratio_of_a_programme_that_can_conclude() -> None:
    from types import SimpleNamespace

    from vawg.programme.analysis import ProgrammeEvaluationResult

    hr, harm = Estimate(0.83, 0.62, 1.12), Estimate(0.26, 0.11, 0.55)
    params = SimpleNamespace(settings={"programme_followup_days": 365})
    result = SimpleNamespace(
        params=params,
        programmes=[
            SimpleNamespace(
                programme="Choices", can_conclude=True, hazard_ratio=hr, harm_ratio=None
            ),
            SimpleNamespace(
                programme="Other", can_conclude=False, hazard_ratio=hr, harm_ratio=harm
            ),
        ],
    )
    (point,) = ProgrammeEvaluationResult.main_points.fget(result)  # type: ignore[attr-defined]
    assert point.topic.startswith("Choices") and point.change == hr
    assert point.clear is False and point.better_when == "lower"
    # With a harm ratio, the harm of reoffending is a second point, clear when its interval
    # leaves out no difference.
    result.programmes[0].harm_ratio = harm
    rate, harmed = ProgrammeEvaluationResult.main_points.fget(result)  # type: ignore[attr-defined]
    assert rate == point and harmed.measure == "harm" and harmed.change == harm
    assert harmed.clear is True and "365 days after referral" in harmed.topic
