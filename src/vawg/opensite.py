"""The open site's figures: every public Result the transparency site is drawn from.

:func:`open_site_results` runs the analyses the site shows (the overview, the profile, outcomes
by half-year, the surveys and the LSOA maps of rates and hot spots) and passes each through its family's ``disclose`` function, so
``vawg.report.site`` only renders Results that are public already. An analysis that is absent or
cannot run on the data leaves its page out (with the reason in ``skipped``), never the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vawg.config import Settings
from vawg.errors import VawgError
from vawg.evaluation.analysis import PlaceEvaluationResult, place_evaluation
from vawg.evaluation.public import disclose_evaluation
from vawg.outcomes.public import disclose_summary
from vawg.outcomes.summary import OutcomeSummary, outcome_summary
from vawg.profile import ProfileResult, disclose, disclose_overview, overview, profile
from vawg.profile.overview import Overview
from vawg.programme.analysis import ProgrammeEvaluationResult, programme_evaluation
from vawg.programme.public import disclose_programme
from vawg.query import Tables
from vawg.scope import vawg_scope
from vawg.spatial.analysis import HotspotAnalysis, hotspot_analysis
from vawg.spatial.public import disclose_hotspots
from vawg.survey import SurveyResult, disclose_survey, survey_analysis
from vawg.targeting.analysis import TargetingResult, targeting
from vawg.targeting.public import disclose_targeting

__all__ = ["OpenSiteResults", "open_site_results"]


@dataclass(frozen=True)
class OpenSiteResults:
    """The public Results of the open site. A page whose Result is None is left out;
    ``skipped`` says why (page name → reason)."""

    period: tuple[date, date]
    overview: Overview
    profile: ProfileResult | None
    outcomes: OutcomeSummary | None
    survey: SurveyResult | None
    places: HotspotAnalysis | None
    skipped: dict[str, str]
    evaluation: PlaceEvaluationResult | None = None
    programme: ProgrammeEvaluationResult | None = None
    targeting: TargetingResult | None = None


def open_site_results(tables: Tables, settings: Settings) -> OpenSiteResults:
    """Every figure of the open site, each made public by its family's ``disclose``.

    Raises :class:`~vawg.errors.InputError` when the period is not on the public grid.
    """
    scope = vawg_scope(tables, settings)
    front = disclose_overview(
        overview(tables, scope, threshold=settings.disclosure_threshold), settings
    )
    skipped: dict[str, str] = {}
    try:
        who: ProfileResult | None = disclose(profile(tables, settings), settings)
    except VawgError as error:
        who, skipped["profile"] = None, str(error)
    try:
        outcomes: OutcomeSummary | None = disclose_summary(
            outcome_summary(tables, settings), settings
        )
    except VawgError as error:
        outcomes, skipped["outcomes"] = None, str(error)
    try:
        survey: SurveyResult | None = disclose_survey(survey_analysis(tables, settings), settings)
    except VawgError as error:
        survey, skipped["surveys"] = None, str(error)
    try:
        places: HotspotAnalysis | None = disclose_hotspots(
            hotspot_analysis(tables, settings), settings
        )
    except VawgError as error:
        places, skipped["places"] = None, str(error)
    evaluation, programme, where = _evaluations(tables, settings, skipped)
    return OpenSiteResults(
        scope.period, front, who, outcomes, survey, places, skipped, evaluation, programme, where
    )


def _loaded(tables: Tables, name: str) -> bool:
    return int(getattr(tables, name).count().to_pyarrow().as_py()) > 0


def _evaluations(
    tables: Tables, settings: Settings, skipped: dict[str, str]
) -> tuple[PlaceEvaluationResult | None, ProgrammeEvaluationResult | None, TargetingResult | None]:
    """The "Did it work?" page's public Results: the place evaluation and where next (when
    interventions are loaded), the programme evaluation (when participants are)."""
    place = programme = where = None
    if _loaded(tables, "interventions"):
        try:
            place = disclose_evaluation(place_evaluation(tables, settings), settings)
            where = disclose_targeting(targeting(tables, settings), settings)
        except VawgError as error:
            skipped["Safer Streets evaluation"] = str(error)
    if _loaded(tables, "programme_participants"):
        try:
            programme = disclose_programme(programme_evaluation(tables, settings), settings)
        except VawgError as error:
            skipped["programme evaluation"] = str(error)
    return place, programme, where
