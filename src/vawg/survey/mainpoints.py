"""The survey report's main points, as numbers: feeling unsafe at night and by day (and the
paired night-minus-day difference, clear when its 95% interval leaves out zero), harassment and
whether it was reported, and victims' satisfaction with the whole experience.

The survey is one wave, so there is no "same period last year"; each point says so by having
no comparison. A point whose estimate is withheld (public version) or rests on too small an
effective base is not made.
"""

from __future__ import annotations

import math

from vawg.results import Estimate, MainPoint, excludes
from vawg.survey.analysis import SurveyResult
from vawg.survey.estimates import SurveyEstimate

__all__ = ["survey_main_points"]

_TOPICS = {
    "unsafe_night_share": "People who feel unsafe in their town centre after dark",
    "harassment_share": "People who experienced harassment or crime in the last year",
    "not_reported_share": "Of those, people who did not report it",
}


def _estimate(e: SurveyEstimate | None) -> Estimate | None:
    if e is None or e.estimate is None or e.small_base:
        return None
    nan = math.nan
    return Estimate(
        e.estimate,
        nan if e.ci_low is None else e.ci_low,
        nan if e.ci_high is None else e.ci_high,
        e.p_value,
    )


def survey_main_points(result: SurveyResult) -> tuple[MainPoint, ...]:
    """Up to five points, in the order a reader asks."""
    points: list[MainPoint] = []
    overall = result.public.overall if result.public else {}
    night = _estimate(overall.get("unsafe_night_share"))
    gap = _estimate(overall.get("unsafe_night_minus_day"))
    if night is not None:
        points.append(
            MainPoint(
                topic=_TOPICS["unsafe_night_share"],
                measure="share",
                value=night,
                change=gap,
                change_kind="points_vs_day",
                clear=excludes(gap, 0.0),
                tested="the 95% interval of the paired night-minus-day difference leaves out zero",
            )
        )
    for name in ("harassment_share", "not_reported_share"):
        value = _estimate(overall.get(name))
        if value is not None:
            points.append(MainPoint(topic=_TOPICS[name], measure="share", value=value))
    if result.satisfaction is not None:
        whole = _estimate(result.satisfaction.items.get("whole_experience"))
        if whole is not None:
            points.append(
                MainPoint(
                    topic="Victims satisfied with their whole experience of the police",
                    measure="share",
                    value=whole,
                )
            )
    return tuple(points[:5])
