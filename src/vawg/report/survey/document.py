"""Assembles the survey report's HTML page from its sections."""

from __future__ import annotations

from vawg.report.page import Classification, render_page
from vawg.report.survey.methods import _methods, _weighting
from vawg.report.survey.safety import _harassment, _reasons, _safety
from vawg.report.survey.satisfaction import _satisfaction
from vawg.report.survey.side_by_side import _side
from vawg.report.survey.summary import _summary
from vawg.report.survey.view import survey_view
from vawg.survey import SurveyResult
from vawg.survey.mainpoints import survey_main_points


def survey_html(result: SurveyResult) -> str:
    """The report as one self-contained HTML page (public when ``result`` is the public one,
    :func:`vawg.survey.disclose_survey`)."""
    view = survey_view(result)
    sections = [_summary(result, view)]
    if result.public is not None:
        sections += [_safety(view), _harassment(view), _reasons(result, view)]
    sections += [
        _satisfaction(result, view),
        _side(result, view),
        _weighting(result, view),
        _methods(result, view),
    ]
    return render_page(
        "Public safety and victims' satisfaction surveys",
        sections,
        classification=(
            Classification.public(view.rule) if view.rule else Classification.restricted()
        ),
        subtitle="How safe people feel, what they experience and report, and how victims rate "
        "the service — weighted to the Kent population, with 95% confidence intervals.",
        main_points=survey_main_points(result),
    )
