"""The PCC's public safety survey and the victims' satisfaction survey.

``margins``: population margins (shipped Kent, or the user's); ``raking``: iterative
proportional fitting with trimming, Kish design effect; ``estimates``: weighted shares, means
and differences with linearisation CIs; ``public``: the public survey's indicators by group;
``themes``: reasons for not reporting by keyword dictionary; ``satisfaction``: the five items,
linked to crimes and modelled; ``side_by_side``: recorded crime beside the survey per district;
``analysis``: all of it from the loaded tables; ``disclose``: ``disclose_survey(result,
settings)``, the public version (every count through the one disclosure rule).
"""

from vawg.survey.analysis import SurveyResult, survey_analysis
from vawg.survey.disclose import disclose_survey
from vawg.survey.estimates import SurveyEstimate, weighted_mean, weighted_share
from vawg.survey.margins import Margins, kent_margins, margins_from_frame
from vawg.survey.raking import RakingResult, kish, rake

__all__ = [
    "Margins",
    "RakingResult",
    "SurveyEstimate",
    "SurveyResult",
    "disclose_survey",
    "kent_margins",
    "kish",
    "margins_from_frame",
    "rake",
    "survey_analysis",
    "weighted_mean",
    "weighted_share",
]
