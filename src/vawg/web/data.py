"""The dashboard's data: every Result a page shows comes through here, kept and typed.

Two speeds. The overview's counts are quick: they are read from the VAWG scope over every month
in the database, held once per database version in temporary tables and narrowed to any period
and filter in a fraction of a second (:func:`overview`). The analyses (profile, hot spots,
drivers, outcomes, surveys) take seconds at force scale: pages ask for them through
:func:`later`, which runs them on a background worker (:mod:`vawg.web.jobs`) and keeps the
Result, so a page draws what it has at once and the rest when it is ready, and a Result once
made for a selection is instant the next time. :func:`prefetch` computes a selection's Results
ahead of need (at start-up for the default filters, and for whatever filters are in use).

Every cache key holds the database path and its modification time (re-loading the database
refreshes everything), the settings, the filters and whether the caller is ``public`` (a
viewer). A ``public`` result is the analysis's own public Result (the family's ``disclose``
function: the same one the public reports and the open site use) *before* it leaves this
module, so a viewer's page never holds a count that has not been through the disclosure rule.
Person-level results (the RFGV list) are only returned to an analyst: :func:`require_analyst`
is checked inside the function that builds them, not only on the page.

DuckDB connections are not thread-safe: the page threads share one (queries serialised by a
lock; they are quick), and each background worker has its own.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ParamSpec, TypeVar

import polars as pl

from vawg.config import Settings
from vawg.disclosure import describe
from vawg.disclosure.grid import grid_periods
from vawg.errors import InputError
from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.ingest.boundaries import Boundaries
from vawg.models.drivers import DriversResult
from vawg.outcomes.summary import OutcomeSummary
from vawg.profile import ProfileResult, disclose, disclose_overview
from vawg.profile.mainpoints import profile_main_points
from vawg.profile.overview import Overview
from vawg.profile.overview import overview as overview_result
from vawg.programme.analysis import ProgrammeEvaluationResult
from vawg.query import Tables, connect
from vawg.report.site.sections import profile_tables
from vawg.report.survey.view import SurveyView
from vawg.results import MainPoint
from vawg.scope import Scope, default_period, hold, vawg_scope
from vawg.spatial.analysis import HotspotAnalysis
from vawg.survey import SurveyResult
from vawg.targeting.analysis import TargetingResult
from vawg.web.filters import Filters, apply_filters, narrow
from vawg.web.jobs import Job, Jobs, Memo

__all__ = [
    "DataOptions",
    "HotspotView",
    "Overview",
    "ProfileView",
    "RfgvView",
    "SurveyPage",
    "db_stamp",
    "drivers_result",
    "evaluation_result",
    "filtered_tables",
    "hotspots",
    "later",
    "locked",
    "options",
    "outcomes_result",
    "overview",
    "prefetch",
    "prefetch_all",
    "profile_view",
    "require_analyst",
    "rfgv_list",
    "rule_summary",
    "scope_for",
    "single_changes",
    "survey_result",
    "tables",
    "targeting_result",
    "warm",
]

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger("vawg.web")

_CONNECTIONS = Memo(keep=16)  # per thread role and database version: a few
_SCOPES = Memo(keep=8)  # the scope held in temporary tables, per database version and settings
_QUICK = Memo(keep=256)  # filter choices, exclusions and overviews: small frames
_RESULTS = Memo(keep=96)  # the analyses' Results: every single filter change's, warmed
_LOCKS: dict[str, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()
_JOBS: Jobs | None = None
_SPAN = (date(1900, 1, 1), date(2999, 12, 31))


def db_stamp(db: Path) -> float:
    """The database file's modification time: part of every cache key."""
    if not db.exists():
        raise InputError(
            f"{db}: no database here; load data first with `vawg ingest PATH --db {db}`"
        )
    return db.stat().st_mtime


def _role() -> str:
    """Which connection the calling thread uses: a worker's or the start-up warm-up's own, or
    the pages' shared one (so warming up never holds the lock a page is waiting for)."""
    name = threading.current_thread().name
    return name if name.startswith(("vawg-jobs-", "vawg-warm")) else "pages"


def _lock() -> threading.RLock:
    role = _role()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(role, threading.RLock())


def tables(db: str, stamp: float) -> Tables:
    """The store's tables, read-only: one connection per thread role and database version."""
    role = _role()
    return _CONNECTIONS.get(("tables", db, stamp, role), lambda: connect(Path(db)))


def locked(work: Callable[[], T]) -> T:
    """Run ``work`` holding the lock of the calling thread's connection."""
    with _lock():
        return work()


def rule_summary(settings: Settings) -> str:
    """The disclosure rule in one line, as every public Result records it."""
    return str(describe(settings.disclosure_threshold)["summary"])


def require_analyst(role: str) -> None:
    """Refuse person-level data to anyone but an analyst."""
    if role != "analyst":
        raise PermissionError("person-level data is for analysts only")


# --------------------------------------------------------------------------------------------
# Quick: filter choices and the overview, from the scope held in temporary tables.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataOptions:
    """What the filter widgets offer: months with data, the default period, districts, and the
    periods a viewer may choose (the public grid: label, first day, last day)."""

    first_month: date
    last_month: date
    default_start: date
    default_end: date
    districts: tuple[str, ...]
    grid: tuple[tuple[str, date, date], ...] = ()


def options(db: str, stamp: float, settings: Settings) -> DataOptions:
    """Filter choices for the database."""

    def work() -> DataOptions:
        t = tables(db, stamp)
        span = t.crimes.aggregate(
            first=t.crimes.recorded_date.min(), last=t.crimes.recorded_date.max()
        ).to_polars()
        start, end = default_period(t, settings)
        districts = t.areas.select("district").distinct().order_by("district").to_polars()
        first, last = span["first"][0], span["last"][0]
        if first is None or last is None:
            raise InputError("no crimes are loaded; load a force extract with `vawg ingest`")
        grid = tuple((p.label, p.start, p.end) for p in grid_periods(first, last))
        return DataOptions(
            first.replace(day=1),
            last.replace(day=1),
            start,
            end,
            tuple(str(d) for d in districts["district"].drop_nulls()),
            grid,
        )

    return _QUICK.get(("options", db, stamp, settings), lambda: locked(work))


def _span_settings(settings: Settings) -> Settings:
    return settings.replace(period_start=_SPAN[0], period_end=_SPAN[1])


def _base_scope(db: str, stamp: float, settings: Settings) -> Scope:
    """The VAWG scope over every month, held in temporary tables of the pages' connection.

    The scope's joins are the expensive part of every count; made once per database version and
    scope settings, any period and filter is then a quick filter of these tables.
    """
    span = _span_settings(settings)

    def work() -> Scope:
        t = tables(db, stamp)
        # Held as long as the pages' connection (one per database version and role): its
        # temporary tables go with it, so nothing is released here.
        return hold(t, vawg_scope(t, span), [])

    return _SCOPES.get(("base-scope", db, stamp, span, _role()), lambda: locked(work))


def _exclusions(db: str, stamp: float, settings: Settings) -> pl.DataFrame:
    """What each scope rule excluded in the settings' period (one aggregate query)."""
    return _QUICK.get(
        ("exclusions", db, stamp, settings),
        lambda: locked(lambda: vawg_scope(tables(db, stamp), settings).exclusions),
    )


def scope_for(db: str, stamp: float, settings: Settings, filters: Filters) -> Scope:
    """The VAWG scope for the filters: the held scope narrowed to the period and selections."""
    period = filters.settings(settings)

    def work() -> Scope:
        base = _base_scope(db, stamp, settings)
        crimes = base.crimes.filter(base.crimes.recorded_date.between(filters.start, filters.end))
        refs = crimes.select("crime_ref")
        in_period = dataclasses.replace(
            base,
            period=(filters.start, filters.end),
            crimes=crimes,
            offenders=base.offenders.semi_join(refs, "crime_ref"),
            victims=base.victims.semi_join(refs, "crime_ref"),
            exclusions=_exclusions(db, stamp, period),
            settings=period,
        )
        return narrow(in_period, tables(db, stamp), filters)

    return locked(work)


def overview(db: str, stamp: float, settings: Settings, filters: Filters, public: bool) -> Overview:
    """Volumes for the overview page (the public overview, from its ``disclose``, for a viewer)."""

    def work() -> Overview:
        t = tables(db, stamp)
        result = locked(
            lambda: overview_result(
                t, scope_for(db, stamp, settings, filters), threshold=settings.disclosure_threshold
            )
        )
        return disclose_overview(result, filters.settings(settings)) if public else result

    return _QUICK.get(("overview", db, stamp, settings, filters, public), work)


# --------------------------------------------------------------------------------------------
# Slow: the analyses' Results, on a background worker (see `later`). Each library function
# takes (tables, settings) and applies the scope itself; the filters reach it through a
# narrowed view of the tables.
# --------------------------------------------------------------------------------------------


def _jobs() -> Jobs:
    global _JOBS
    with _LOCKS_GUARD:
        if _JOBS is None:
            _JOBS = Jobs(keep=256)  # page views: small (the Results are in _RESULTS)
        return _JOBS


def _key(fn: Callable[P, T], args: tuple[object, ...]) -> tuple[object, ...]:
    return (fn.__module__, fn.__qualname__, *args)


def later(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Job[T]:
    """``fn(*args)`` on a background worker, ahead of prefetches; kept for the next caller."""
    return _jobs().get(
        _key(fn, (*args, *sorted(kwargs.items()))), functools.partial(fn, *args, **kwargs)
    )


def prefetch(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Job[T]:
    """``fn(*args)`` when a worker is free: computed ahead of need."""
    return _jobs().prefetch(
        _key(fn, (*args, *sorted(kwargs.items()))), functools.partial(fn, *args, **kwargs)
    )


def filtered_tables(t: Tables, filters: Filters, *, districts: bool = True) -> Tables:
    """``t`` with ``crimes`` (and, for a district selection, ``areas``) narrowed to the filters.

    Every library function that applies the scope to these tables then sees only the selected
    crimes. ``districts=False`` leaves the area table whole (models and hot spots need every
    area; the page zooms to the districts instead).
    """
    chosen = filters if districts else dataclasses.replace(filters, districts=())
    if not (chosen.districts or chosen.offence_groups or chosen.domestic_abuse != "all"):
        return t
    crimes = apply_filters(t.crimes, t, chosen)
    areas = (
        t.areas.filter(t.areas.district.isin(list(chosen.districts)))
        if chosen.districts
        else t.areas
    )
    return dataclasses.replace(t, crimes=crimes, areas=areas)


def _profile(db: str, stamp: float, settings: Settings, filters: Filters) -> ProfileResult:
    """The full (restricted) profile; only the functions below read it, never a page."""
    from vawg.profile import profile

    def work() -> ProfileResult:
        t = tables(db, stamp)
        return locked(lambda: profile(filtered_tables(t, filters), filters.settings(settings)))

    return _RESULTS.get(("profile", db, stamp, settings, filters), work)


@dataclass(frozen=True)
class ProfileView:
    """What the profile page shows: aggregates only, disclosure-controlled when ``public``."""

    public: bool
    shares: pl.DataFrame  # measure, count, denominator, share, ci_low, ci_high
    headline: pl.DataFrame  # measure, value, ci_low, ci_high (analysts only; empty if public)
    by_year: pl.DataFrame
    relationship: pl.DataFrame
    offender_age: pl.DataFrame
    victim_age: pl.DataFrame
    repeats: pl.DataFrame  # who, band, people
    concentration: pl.DataFrame
    lorenz: pl.DataFrame
    hour_by_day: pl.DataFrame
    main_points: tuple[MainPoint, ...] = ()  # the profile's own (its public ones for a viewer)


def profile_view(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool
) -> ProfileView:
    """The profile's aggregates for the page (the profile's own disclosure for a viewer; never
    the RFGV list)."""
    result = _profile(db, stamp, settings, filters)
    if public:
        result = disclose(result, filters.settings(settings))
    f = profile_tables(result)
    return ProfileView(
        public,
        f["shares"],
        result.table.clear() if public else result.table,
        f["by_year"],
        f["relationship"],
        f["offender_age"],
        f["victim_age"],
        f["repeats"],
        f["concentration"],
        f["lorenz"],
        f["hour_by_day"],
        profile_main_points(result),
    )


@dataclass(frozen=True)
class RfgvView:
    """The RFGV list (person-level) and how, and over which window, it was scored."""

    table: pl.DataFrame
    method: str
    window: tuple[date, date]
    scored: int | None = None  # people scored in the window
    top_band_score: float = 0.0  # the top band starts at this score ...
    top_band_people: int | None = None  # ... and holds this many people ...
    top_band_harm_share: float | None = None  # ... whose crimes did this share of the harm


def rfgv_list(db: str, stamp: float, settings: Settings, filters: Filters, role: str) -> RfgvView:
    """The RFGV list (person-level) and how it was scored: analysts only."""
    require_analyst(role)
    result = _profile(db, stamp, settings, filters)
    method = f"{result.rfgv.params.method}. {result.rfgv.params.citation}".strip()
    rf = result.rfgv
    return RfgvView(
        rf.table,
        method,
        rf.window,
        rf.perpetrators_scored,
        rf.top_band_score,
        rf.top_band_people,
        rf.top_band_harm_share,
    )


@dataclass(frozen=True)
class HotspotView:
    """The map's table (the public one for a viewer) and the concentration figures."""

    table: pl.DataFrame
    concentration_by_year: pl.DataFrame
    notes: tuple[str, ...]
    weights: str
    boundaries: Boundaries | None  # None: no LSOA of the area table has a boundary to draw
    main_points: tuple[str, ...] = ()  # the report's, as HTML sentences (whole force)


def _hotspots(db: str, stamp: float, settings: Settings, filters: Filters) -> HotspotAnalysis:
    from vawg.spatial.analysis import hotspot_analysis

    def work() -> HotspotAnalysis:
        t = tables(db, stamp)
        return locked(
            lambda: hotspot_analysis(
                filtered_tables(t, filters, districts=False), filters.settings(settings)
            )
        )

    return _RESULTS.get(("hotspots", db, stamp, settings, filters), work)


def hotspots(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool
) -> HotspotView:
    """G* hot spots over every LSOA (the district filter zooms the map, it does not cut it)."""
    from vawg.report.hotspots import hotspot_view, main_points
    from vawg.spatial.public import disclose_hotspots

    unfiltered = dataclasses.replace(filters, districts=())
    result = _hotspots(db, stamp, settings, unfiltered)
    if public:
        result = disclose_hotspots(result, filters.settings(settings))
    drawn = result.placement.area_lsoas_with_boundary > 0
    return HotspotView(
        hotspot_view(result),
        result.concentration_by_year,
        result.notes,
        result.weights,
        result.boundaries if drawn else None,
        tuple(main_points(result)),
    )


def _drivers(db: str, stamp: float, settings: Settings) -> DriversResult:
    from vawg.models.drivers import drivers

    def work() -> DriversResult:
        t = tables(db, stamp)
        return locked(lambda: drivers(t, settings))

    return _RESULTS.get(("drivers", db, stamp, settings), work)


def drivers_result(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool = False
) -> DriversResult:
    """The drivers models for the filter's period over the whole force (models need every area
    and every day; only the period filter applies, so only it is in the cache key); the public
    Result for a viewer."""
    from vawg.models.public import disclose_drivers

    chosen = filters.settings(settings)
    result = _drivers(db, stamp, chosen)
    return disclose_drivers(result, chosen) if public else result


def _outcomes(db: str, stamp: float, settings: Settings, filters: Filters) -> OutcomeSummary:
    from vawg.outcomes.summary import outcome_summary

    def work() -> OutcomeSummary:
        t = tables(db, stamp)
        return locked(
            lambda: outcome_summary(filtered_tables(t, filters), filters.settings(settings))
        )

    return _RESULTS.get(("outcomes", db, stamp, settings, filters), work)


def outcomes_result(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool
) -> OutcomeSummary:
    """Outcomes by financial half-year on both count bases (disclosed for a viewer)."""
    from vawg.outcomes.public import disclose_summary

    result = _outcomes(db, stamp, settings, filters)
    return disclose_summary(result, settings) if public else result


def _survey(db: str, stamp: float, settings: Settings) -> SurveyResult:
    from vawg.survey import survey_analysis

    def work() -> SurveyResult:
        t = tables(db, stamp)
        return locked(lambda: survey_analysis(t, settings))

    return _RESULTS.get(("survey", db, stamp, settings), work)


@dataclass(frozen=True)
class SurveyPage:
    """What the surveys page shows: how the sample was weighted, notes and the frames."""

    weight_source: str
    design_effect: float
    notes: tuple[str, ...]
    view: SurveyView
    main_points: tuple[MainPoint, ...] = ()  # the survey's own (its public ones for a viewer)


def survey_result(db: str, stamp: float, settings: Settings, public: bool) -> SurveyPage:
    """The surveys (county-wide; not filtered), as the survey report shows them."""
    from vawg.report.survey import survey_view
    from vawg.survey import disclose_survey
    from vawg.survey.mainpoints import survey_main_points

    result = _survey(db, stamp, settings)
    if public:
        result = disclose_survey(result, settings)
    view = survey_view(result)
    return SurveyPage(
        result.weight_source,
        result.design_effect,
        result.notes,
        view,
        survey_main_points(result),
    )


def prefetch_all(
    db: str, stamp: float, settings: Settings, filters: Filters, *, public: bool | None = None
) -> None:
    """Queue every page's Results for ``filters`` ahead of need (for ``public`` or both)."""
    for role_public in (True, False) if public is None else (public,):
        prefetch(profile_view, db, stamp, settings, filters, role_public)
        prefetch(outcomes_result, db, stamp, settings, filters, role_public)
        prefetch(hotspots, db, stamp, settings, filters, role_public)
        prefetch(survey_result, db, stamp, settings, role_public)
        prefetch(drivers_result, db, stamp, settings, filters, role_public)
        prefetch(targeting_result, db, stamp, settings, filters, role_public)
        prefetch(evaluation_result, db, stamp, settings, role_public)


def _targeting(db: str, stamp: float, settings: Settings) -> TargetingResult:
    from vawg.targeting.analysis import targeting

    def work() -> TargetingResult:
        t = tables(db, stamp)
        return locked(lambda: targeting(t, settings))

    return _RESULTS.get(("targeting", db, stamp, settings), work)


def targeting_result(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool
) -> TargetingResult:
    """Targeting over the whole force for the filter's period (disclosed for a viewer)."""
    from vawg.targeting.public import disclose_targeting

    period = filters.settings(settings)
    result = _targeting(db, stamp, period)
    return disclose_targeting(result, period) if public else result


Evaluations = tuple[PlaceEvaluationResult | None, ProgrammeEvaluationResult | None]


def _evaluations(db: str, stamp: float, settings: Settings) -> Evaluations:
    from vawg.evaluation.analysis import place_evaluation
    from vawg.programme.analysis import programme_evaluation

    def work() -> Evaluations:
        t = tables(db, stamp)

        def run() -> Evaluations:
            loaded = {
                name: int(getattr(t, name).count().to_pyarrow().as_py())
                for name in ("interventions", "programme_participants")
            }
            place = place_evaluation(t, settings) if loaded["interventions"] else None
            programme = (
                programme_evaluation(t, settings) if loaded["programme_participants"] else None
            )
            return place, programme

        return locked(run)

    return _RESULTS.get(("evaluations", db, stamp, settings), work)


def evaluation_result(db: str, stamp: float, settings: Settings, public: bool) -> Evaluations:
    """(place, programme) evaluations of the whole extract, None where not loaded; the
    public versions for a viewer (no person-level rows in either)."""
    from vawg.evaluation.public import disclose_evaluation
    from vawg.programme.public import disclose_programme

    place, programme = _evaluations(db, stamp, settings)
    if public:
        place = disclose_evaluation(place, settings) if place is not None else None
        programme = disclose_programme(programme, settings) if programme is not None else None
    return place, programme


def single_changes(
    filters: Filters, districts: tuple[str, ...], groups: tuple[str, ...]
) -> list[Filters]:
    """``filters`` with one more selection each: every district, offence group and flag alone."""
    return [
        *(dataclasses.replace(filters, districts=(d,)) for d in districts),
        *(dataclasses.replace(filters, offence_groups=(g,)) for g in groups),
        *(dataclasses.replace(filters, domestic_abuse=flag) for flag in ("yes", "no")),
    ]


def warm(
    db: str,
    stamp: float,
    settings: Settings,
    filters: Filters,
    *,
    districts: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    grid: tuple[tuple[str, date, date], ...] = (),
) -> None:
    """At start-up: the overview for ``filters`` and for every single change of them (so the
    first filter a user picks answers at once), every page's Results for ``filters``, then the
    overview for every period of the public ``grid`` (label, first day, last day): the only
    periods a viewer can pick, and the financial years and quarters analysts pick most; last,
    the profile, hot spots and outcomes for every single change, for analysts and viewers."""
    spans = {(start, end) for _, start, end in grid}
    periods = [dataclasses.replace(filters, start=start, end=end) for start, end in sorted(spans)]
    for changed in (filters, *single_changes(filters, districts, groups), *periods):
        for public in (True, False):
            if public and spans and (changed.start, changed.end) not in spans:
                continue  # a viewer cannot pick this period (the public figures refuse it)
            try:
                overview(db, stamp, settings, changed, public)
            except Exception:  # a page shows its own error when it asks again
                log.warning("warming the overview failed", exc_info=True)
                return
        if changed is filters:
            prefetch_all(db, stamp, settings, filters)
    # Last, every filtered page's Results for every single change, one at a time on the
    # prefetch worker (a page's own request still goes first), so the first filter a user
    # changes completes at once, not only its overview.
    for changed in single_changes(filters, districts, groups):
        for public in (False, True):
            for page in (profile_view, hotspots, outcomes_result):
                _prefetch_and_wait(page, db, stamp, settings, changed, public)


def _prefetch_and_wait(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> None:
    """:func:`prefetch` ``fn(*args)`` and wait until it is done (its error, if any, is kept
    for the page that asks). Asked again every 30 s, so the queue never forgets it."""
    while not prefetch(fn, *args, **kwargs).wait(timeout=30.0):
        pass
