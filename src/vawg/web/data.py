"""Cached calls into the library: every query result the pages show comes through here.

Results are cached with :func:`streamlit.cache_data`, keyed on the database path and its
modification time (re-loading the database refreshes the cache), the settings, the filters and
whether the caller is ``public`` (a viewer). A ``public`` result is the analysis's own public
Result (the family's ``disclose`` function: the same one the public reports and the open site
use) *before* it leaves this module, so a viewer's page never holds a count that has not been
through the disclosure rule. Person-level results (the RFGV list) are only returned to an analyst:
:func:`require_analyst` is checked inside the function that builds them, not only on the page.

Queries share one read-only DuckDB connection per database file; DuckDB connections are not
thread-safe and Streamlit runs each session in its own thread, so queries are serialised by a
lock (the cache makes that cheap).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import ibis
import ibis.expr.types as ir
import polars as pl
import streamlit as st

from vawg.config import Settings
from vawg.disclosure import describe
from vawg.disclosure.grid import grid_periods
from vawg.errors import InputError
from vawg.profile import ProfileResult, disclose, disclose_overview
from vawg.profile.overview import Overview
from vawg.profile.overview import overview as overview_result
from vawg.query import Tables, connect
from vawg.report.site.sections import profile_tables
from vawg.scope import Scope, default_period, vawg_scope
from vawg.web.filters import Filters, apply_filters, narrow

__all__ = [
    "DataOptions",
    "Overview",
    "db_stamp",
    "locked",
    "options",
    "overview",
    "require_analyst",
    "rule_summary",
    "run_query",
    "scope_for",
    "tables",
    "warm_all",
]

T = TypeVar("T")
log = logging.getLogger("vawg.web")
_LOCK = threading.RLock()
_TTL = 3600


def db_stamp(db: Path) -> float:
    """The database file's modification time: part of every cache key."""
    if not db.exists():
        raise InputError(
            f"{db}: no database here; load data first with `vawg ingest PATH --db {db}`"
        )
    return db.stat().st_mtime


@st.cache_resource(show_spinner=False, max_entries=4)
def tables(db: str, stamp: float) -> Tables:
    """The store's tables, read-only, one connection per database file version."""
    return connect(Path(db))


def locked(work: Callable[[], T]) -> T:
    """Run ``work`` holding the query lock (library calls that query the database)."""
    with _LOCK:
        return work()


def run_query(expr: ir.Table) -> pl.DataFrame:
    """Execute an ibis expression and return a polars frame."""
    with _LOCK:
        return expr.to_polars()


def rule_summary(settings: Settings) -> str:
    """The disclosure rule in one line, as every public Result records it."""
    return str(describe(settings.disclosure_threshold)["summary"])


def require_analyst(role: str) -> None:
    """Refuse person-level data to anyone but an analyst."""
    if role != "analyst":
        raise PermissionError("person-level data is for analysts only")


_MATERIALIZED: OrderedDict[str, Scope] = OrderedDict()
_KEEP = 8
_WARMED: set[tuple[Any, ...]] = set()


def _base_scope(t: Tables, db: str, stamp: float, settings: Settings) -> Scope:
    """The VAWG scope for the settings' period, held in temporary tables (caller holds the lock).

    The scope's joins are the expensive part of every page; computing them once per period
    and database keeps each page under two seconds. The last few periods are kept.
    """
    key = hashlib.sha1(repr((db, stamp, settings)).encode()).hexdigest()[:16]
    if key in _MATERIALIZED:
        _MATERIALIZED.move_to_end(key)
        return _MATERIALIZED[key]
    scope = vawg_scope(t, settings)
    held: dict[str, ir.Table] = {}
    for part in ("crimes", "offenders", "victims"):
        name = f"_vawg_web_{key}_{part}"
        sql = ibis.to_sql(getattr(scope, part), dialect="duckdb")
        t.backend.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')
        held[part] = t.backend.table(name)
    materialized = dataclasses.replace(scope, **held)
    _MATERIALIZED[key] = materialized
    while len(_MATERIALIZED) > _KEEP:
        old, _ = _MATERIALIZED.popitem(last=False)
        for part in ("crimes", "offenders", "victims"):
            try:
                t.backend.raw_sql(f'DROP TABLE IF EXISTS "_vawg_web_{old}_{part}"')
            except Exception:  # a temporary table already gone is not an error
                log.debug("could not drop an old temporary table", exc_info=True)
    return materialized


def scope_for(db: str, stamp: float, settings: Settings, filters: Filters) -> Scope:
    """The filtered VAWG scope: the period's (materialised) scope narrowed to the filters."""
    t = tables(db, stamp)
    with _LOCK:
        return narrow(_base_scope(t, db, stamp, filters.settings(settings)), t, filters)


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


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=8)
def options(db: str, stamp: float, settings: Settings) -> DataOptions:
    """Filter choices for the database."""
    t = tables(db, stamp)

    def work() -> DataOptions:
        span = t.crimes.aggregate(
            first=t.crimes.recorded_date.min(), last=t.crimes.recorded_date.max()
        ).to_polars()
        start, end = default_period(t, settings)
        districts = t.areas.select("district").distinct().order_by("district").to_polars()
        first, last = span["first"][0], span["last"][0]
        grid = tuple((p.label, p.start, p.end) for p in grid_periods(first, last))
        return DataOptions(
            first.replace(day=1),
            last.replace(day=1),
            start,
            end,
            tuple(str(d) for d in districts["district"].drop_nulls()),
            grid,
        )

    return locked(work)


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=64)
def overview(db: str, stamp: float, settings: Settings, filters: Filters, public: bool) -> Overview:
    """Volumes for the overview page (the public overview for a viewer)."""
    t = tables(db, stamp)
    result = locked(
        lambda: overview_result(
            t, scope_for(db, stamp, settings, filters), threshold=settings.disclosure_threshold
        )
    )
    return disclose_overview(result, settings) if public else result


# --------------------------------------------------------------------------------------------
# The analyses' Results, for the other pages. Each library function takes (tables, settings)
# and applies the scope itself; the filters reach it through a narrowed view of the tables.
# --------------------------------------------------------------------------------------------


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


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=16)
def _profile(db: str, stamp: float, settings: Settings, filters: Filters) -> ProfileResult:
    """The full (restricted) profile; only the functions below read it, never a page."""
    from vawg.profile import profile

    t = tables(db, stamp)
    return locked(lambda: profile(filtered_tables(t, filters), filters.settings(settings)))


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


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=32)
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
    )


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=8)
def rfgv_list(
    db: str, stamp: float, settings: Settings, filters: Filters, role: str
) -> tuple[pl.DataFrame, str]:
    """The RFGV list (person-level) and how it was scored: analysts only."""
    require_analyst(role)
    result = _profile(db, stamp, settings, filters)
    method = f"{result.rfgv.params.method}. {result.rfgv.params.citation}".strip()
    return result.rfgv.table, method


@dataclass(frozen=True)
class HotspotView:
    """The map's table (the public one for a viewer) and the concentration figures."""

    table: pl.DataFrame
    concentration_by_year: pl.DataFrame
    notes: tuple[str, ...]
    weights: str


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=8)
def _hotspots(db: str, stamp: float, settings: Settings, filters: Filters) -> Any:
    from vawg.spatial.analysis import hotspot_analysis

    t = tables(db, stamp)
    return locked(
        lambda: hotspot_analysis(
            filtered_tables(t, filters, districts=False), filters.settings(settings)
        )
    )


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=16)
def hotspots(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool
) -> HotspotView:
    """G* hot spots over every LSOA (the district filter zooms the map, it does not cut it)."""
    from vawg.report.hotspots import hotspot_view
    from vawg.spatial.public import disclose_hotspots

    unfiltered = dataclasses.replace(filters, districts=())
    result = _hotspots(db, stamp, settings, unfiltered)
    if public:
        result = disclose_hotspots(result, filters.settings(settings))
    return HotspotView(
        hotspot_view(result), result.concentration_by_year, result.notes, result.weights
    )


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=8)
def _drivers(db: str, stamp: float, settings: Settings) -> Any:
    from vawg.models.drivers import drivers

    t = tables(db, stamp)
    return locked(lambda: drivers(t, settings))


def drivers_result(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool = False
) -> Any:
    """The drivers models for the filter's period over the whole force (models need every area
    and every day; only the period filter applies, so only it is in the cache key); the public
    Result for a viewer."""
    from vawg.models.public import disclose_drivers

    chosen = filters.settings(settings)
    result = _drivers(db, stamp, chosen)
    return disclose_drivers(result, chosen) if public else result


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=8)
def _outcomes(db: str, stamp: float, settings: Settings, filters: Filters) -> Any:
    from vawg.outcomes.summary import outcome_summary

    t = tables(db, stamp)
    return locked(lambda: outcome_summary(filtered_tables(t, filters), filters.settings(settings)))


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=16)
def outcomes_result(
    db: str, stamp: float, settings: Settings, filters: Filters, public: bool
) -> Any:
    """Outcomes by financial half-year on both count bases (disclosed for a viewer)."""
    from vawg.outcomes.public import disclose_summary

    result = _outcomes(db, stamp, settings, filters)
    return disclose_summary(result, settings) if public else result


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=4)
def _survey(db: str, stamp: float, settings: Settings) -> Any:
    from vawg.survey import survey_analysis

    t = tables(db, stamp)
    return locked(lambda: survey_analysis(t, settings))


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=8)
def survey_result(db: str, stamp: float, settings: Settings, public: bool) -> Any:
    """The surveys (county-wide; not filtered), as the survey report shows them."""
    from vawg.report.survey import survey_view
    from vawg.survey import disclose_survey

    result = _survey(db, stamp, settings)
    if public:
        result = disclose_survey(result, settings)
    view = survey_view(result)
    return result.weight_source, result.design_effect, result.notes, view


def warm_all(db: str, stamp: float, settings: Settings, filters: Filters) -> None:
    """Compute every page's results for ``filters`` in the background (server start-up)."""
    key = (db, stamp, settings, filters)
    with _LOCK:
        if key in _WARMED:
            return
        _WARMED.add(key)

    def work() -> None:
        steps: list[Callable[[], Any]] = [
            lambda: overview(db, stamp, settings, filters, False),
            lambda: overview(db, stamp, settings, filters, True),
            lambda: profile_view(db, stamp, settings, filters, False),
            lambda: profile_view(db, stamp, settings, filters, True),
            lambda: outcomes_result(db, stamp, settings, filters, True),
            lambda: survey_result(db, stamp, settings, True),
            lambda: hotspots(db, stamp, settings, filters, True),
            lambda: drivers_result(db, stamp, settings, filters, True),
        ]
        for step in steps:
            try:
                step()
            except Exception:  # a page shows its own error when it asks again
                log.warning("warming a page's results failed", exc_info=True)

    threading.Thread(target=work, name="vawg-warm-all", daemon=True).start()
