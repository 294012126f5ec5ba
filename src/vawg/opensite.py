"""The open site's figures: every public Result the transparency site is drawn from.

:func:`open_site_results` runs the analyses the site shows (the overview, the profile, outcomes
by half-year, the surveys and the LSOA maps of rates and hot spots) and passes each through its family's ``disclose`` function, so
``vawg.report.site`` only renders Results that are public already. An analysis that is absent or
cannot run on the data leaves its page out (with the reason in ``skipped``), never the site.

With police.uk open data alone loaded (no force extract), :func:`open_data_site_results` makes
the site from what open data supports: the open-data profile, the hot spots of violence and
sexual offences and their published outcome categories, each through its own ``disclose``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from vawg.config import Settings
from vawg.errors import VawgError
from vawg.evaluation.analysis import PlaceEvaluationResult, place_evaluation
from vawg.evaluation.public import disclose_evaluation
from vawg.inputs.open_data import OPEN_DATA_CANNOT_SHOW
from vawg.outcomes.open_data import OpenDataOutcomes, open_data_outcomes
from vawg.outcomes.public import disclose_open_outcomes, disclose_summary
from vawg.outcomes.summary import OutcomeSummary, outcome_summary
from vawg.profile import ProfileResult, disclose, disclose_overview, overview, profile
from vawg.profile.opendata import OpenDataResult, open_data_profile
from vawg.profile.overview import Overview
from vawg.profile.public.release import disclose_open_data
from vawg.programme.analysis import ProgrammeEvaluationResult, programme_evaluation
from vawg.programme.public import disclose_programme
from vawg.query import Tables
from vawg.scope import Scope, held, vawg_scope
from vawg.spatial.analysis import HotspotAnalysis, hotspot_analysis
from vawg.spatial.open_data import OpenDataHotspots, open_data_hotspots
from vawg.spatial.public import disclose_hotspots, disclose_open_hotspots
from vawg.survey import SurveyResult, disclose_survey, survey_analysis
from vawg.targeting.analysis import TargetingResult, targeting
from vawg.targeting.public import disclose_targeting

__all__ = [
    "MadeResults",
    "OpenDataSiteResults",
    "OpenSiteResults",
    "open_data_site_results",
    "open_site_results",
    "site_overview",
]

R = TypeVar("R")


@dataclass
class MadeResults:
    """Public Results an earlier step of the same run has made already, with the same settings
    and data (the demo makes every public report before the site): the site takes them as they
    are instead of running and disclosing those analyses again. None: not made yet."""

    overview: Overview | None = None
    profile: ProfileResult | None = None
    outcomes: OutcomeSummary | None = None
    survey: SurveyResult | None = None
    places: HotspotAnalysis | None = None
    evaluation: PlaceEvaluationResult | None = None
    programme: ProgrammeEvaluationResult | None = None
    targeting: TargetingResult | None = None


def _made_or(made: R | None, make: Callable[[], R]) -> R:
    return made if made is not None else make()


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


def open_site_results(
    tables: Tables, settings: Settings, made: MadeResults | None = None
) -> OpenSiteResults:
    """Every figure of the open site, each made public by its family's ``disclose`` (or taken
    from ``made``, public Results the same run has made already).

    Raises :class:`~vawg.errors.InputError` when the period is not on the public grid.
    """
    made = made or MadeResults()
    scope = vawg_scope(tables, settings)
    front = _made_or(
        made.overview,
        lambda: disclose_overview(site_overview(tables, settings, scope), settings),
    )
    skipped: dict[str, str] = {}
    try:
        who: ProfileResult | None = _made_or(
            made.profile, lambda: disclose(profile(tables, settings), settings)
        )
    except VawgError as error:
        who, skipped["profile"] = None, str(error)
    try:
        outcomes: OutcomeSummary | None = _made_or(
            made.outcomes,
            lambda: disclose_summary(outcome_summary(tables, settings), settings),
        )
    except VawgError as error:
        outcomes, skipped["outcomes"] = None, str(error)
    try:
        survey: SurveyResult | None = _made_or(
            made.survey, lambda: disclose_survey(survey_analysis(tables, settings), settings)
        )
    except VawgError as error:
        survey, skipped["surveys"] = None, str(error)
    try:
        places: HotspotAnalysis | None = _made_or(
            made.places, lambda: disclose_hotspots(hotspot_analysis(tables, settings), settings)
        )
    except VawgError as error:
        places, skipped["places"] = None, str(error)
    evaluation, programme, where = _evaluations(tables, settings, skipped, made)
    return OpenSiteResults(
        scope.period, front, who, outcomes, survey, places, skipped, evaluation, programme, where
    )


def site_overview(tables: Tables, settings: Settings, scope: Scope | None = None) -> Overview:
    """The front page's overview as analysts see it (restricted: :func:`open_site_results`
    discloses it): counts of the scope's crimes by month, offence group, district and place.
    ``scope``: the settings' VAWG scope when the caller has it already (it takes queries)."""
    scope = scope if scope is not None else vawg_scope(tables, settings)
    # The overview reads the scope in five queries (its perpetrators and victims too): held once.
    with held(tables, scope) as kept:
        return overview(tables, kept, threshold=settings.disclosure_threshold)


def _loaded(tables: Tables, name: str) -> bool:
    return int(getattr(tables, name).count().to_pyarrow().as_py()) > 0


def _evaluations(
    tables: Tables, settings: Settings, skipped: dict[str, str], made: MadeResults
) -> tuple[PlaceEvaluationResult | None, ProgrammeEvaluationResult | None, TargetingResult | None]:
    """The "Did it work?" page's public Results: the place evaluation and where next (when
    interventions are loaded), the programme evaluation (when participants are)."""
    place = programme = where = None
    if _loaded(tables, "interventions"):
        try:
            place = _made_or(
                made.evaluation,
                lambda: disclose_evaluation(place_evaluation(tables, settings), settings),
            )
            where = _made_or(
                made.targeting, lambda: disclose_targeting(targeting(tables, settings), settings)
            )
        except VawgError as error:
            skipped["Safer Streets evaluation"] = str(error)
    if _loaded(tables, "programme_participants"):
        try:
            programme = _made_or(
                made.programme,
                lambda: disclose_programme(programme_evaluation(tables, settings), settings),
            )
        except VawgError as error:
            skipped["programme evaluation"] = str(error)
    return place, programme, where


@dataclass(frozen=True)
class OpenDataSiteResults:
    """The public Results of an open site made from police.uk open data alone; ``months``:
    first and last month loaded; ``cannot_show``: what open data cannot show, said first on
    every page. A page whose Result is None is left out, with the reason in ``skipped``."""

    months: tuple[date, date] | None
    profile: OpenDataResult
    places: OpenDataHotspots | None
    outcomes: OpenDataOutcomes | None
    skipped: dict[str, str]
    cannot_show: tuple[str, ...] = OPEN_DATA_CANNOT_SHOW


def open_data_site_results(tables: Tables, settings: Settings) -> OpenDataSiteResults:
    """Every figure of the open site on police.uk data alone, each made public by its family's
    ``disclose`` (counts withheld or rounded by the one rule; police.uk months are public
    already, so the period is not held to the grid)."""
    profile = disclose_open_data(open_data_profile(tables, settings), settings)
    skipped: dict[str, str] = {}
    try:
        places: OpenDataHotspots | None = disclose_open_hotspots(
            open_data_hotspots(tables, settings), settings
        )
    except VawgError as error:
        places, skipped["places"] = None, str(error)
    try:
        outcomes: OpenDataOutcomes | None = disclose_open_outcomes(
            open_data_outcomes(tables), settings
        )
    except VawgError as error:
        outcomes, skipped["outcomes"] = None, str(error)
    for page in ("the VAWG profile", "surveys", "Safer Streets and programme evaluation"):
        skipped[page] = "needs a force extract or survey responses; only police.uk data is loaded"
    return OpenDataSiteResults(profile.months, profile, places, outcomes, skipped)
