"""The survey report: :class:`~vawg.survey.SurveyResult` → HTML, JSON and CSV.

A public report is the rendering of the public Result (:func:`vawg.survey.disclose_survey`:
bases, numerators and their complements, theme counts, crime counts, quarantine counts and model
group sizes through the one disclosure rule, no free-text quotes, no respondent identifiers).
Nothing here changes a number or computes a statistic.

Modules:

  ``view``: SurveyView: the tables every output renders, as the Result gives them
  ``writers``: the JSON document and CSV rows
  ``_format``: percent, interval and label formatting, tables and dot plots shared by the sections
  ``summary``: the summary section
  ``safety``: feeling safe, harassment and reporting, and reasons for not reporting
  ``satisfaction``: the victims' satisfaction section
  ``side_by_side``: recorded crime and the survey, side by side
  ``methods``: the weighting and methods sections
  ``document``: survey_html: the HTML page assembled from the sections
"""

from __future__ import annotations

from vawg.report.survey.document import survey_html
from vawg.report.survey.view import SurveyView, survey_view
from vawg.report.survey.writers import survey_csv_rows, survey_json

__all__ = [
    "SurveyView",
    "survey_csv_rows",
    "survey_html",
    "survey_json",
    "survey_view",
]
