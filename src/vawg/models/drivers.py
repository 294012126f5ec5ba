"""The drivers analysis: feed check, area model, daily weather model, birthdays and age.

:func:`drivers` runs every model of issue 5 on the store under one set of settings and returns
one :class:`DriversResult`. The feed anomaly check always runs first; with
``exclude_anomalies=True`` the flagged months are left out of every model (crimes recorded in
them for the area model; days in them for the daily and birthday models).
"""

from __future__ import annotations

import math
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError, ModelError
from vawg.ingest.boundaries import Boundaries, boundaries_for
from vawg.inputs import frames
from vawg.inputs.anomaly import AnomalyResult, feed_anomalies
from vawg.models.age import AgeProfileResult, age_profile
from vawg.models.area import AreaModelResult, fit_area_model
from vawg.models.birthday import BirthdayResult, birthday_effect, calendar_intensity
from vawg.models.daily import DailyModelResult, fit_daily_model
from vawg.query import Tables
from vawg.results import Estimate, Params, ResultMixin
from vawg.schema import OFFENCE_GROUPS
from vawg.scope import held, vawg_scope
from vawg.spatial.placement import place_scope
from vawg.spatial.weights import knn_weights

__all__ = ["EFFECT_KEYS", "DriversResult", "drivers"]

EFFECT_KEYS = (
    "imd_decile_step",
    "pubs",
    "town_centre",
    "tmax_per_degree",
    "offender_birthday",
    "victim_birthday",
)


@dataclass(frozen=True)
class DriversResult(ResultMixin):
    """Every driver model. ``effects``: the headline estimates under the stable keys;
    ``table``: one row per headline effect (key, estimate, ci_low, ci_high, p_value)."""

    params: Params
    table: pl.DataFrame
    effects: dict[str, Estimate]
    anomalies: AnomalyResult
    excluded_months: tuple[date, ...]
    area: AreaModelResult | None
    daily: DailyModelResult | None
    birthday: BirthdayResult | None
    age: AgeProfileResult | None
    area_source: str
    weather_source: str
    errors: dict[str, str]
    notes: tuple[str, ...]
    boundaries: Boundaries | None = None  # the LSOA polygons for the map (None: none match)
    population_source: str = ""
    """Which population is the area model's exposure (:func:`vawg.inputs.frames.population_source`)."""


def _nan() -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, math.nan)


def drivers(
    tables: Tables, settings: Settings, *, exclude_anomalies: bool = False
) -> DriversResult:
    """Run the feed check and every driver model on ``tables``."""
    # The models read the scope (and the scope widened to every recorded date) in about twenty
    # queries: each is held once instead of derived again in every one.
    with ExitStack() as stack:
        return _drivers(tables, settings, exclude_anomalies, stack)


def _drivers(
    tables: Tables, settings: Settings, exclude_anomalies: bool, stack: ExitStack
) -> DriversResult:
    scope = stack.enter_context(held(tables, vawg_scope(tables, settings)))
    anomalies = feed_anomalies(
        frames.monthly_series(tables, scope),
        z_threshold=settings.anomaly_z,
        default_cv=settings.anomaly_cv,
    )
    force_flags = anomalies.flagged_in("force extract")
    excluded = force_flags if exclude_anomalies else ()
    notes: list[str] = []
    errors: dict[str, str] = {}
    if force_flags and not exclude_anomalies:
        notes.append(
            "The feed check flagged "
            + ", ".join(m.strftime("%b %Y") for m in force_flags)
            + " in the force extract; the models below still include them (they can be left "
            "out on request)."
        )
    # Area model: every in-scope crime placed in an LSOA first (by code, else coordinates).
    areas, area_source = frames.area_table(tables)
    boundaries = boundaries_for(settings)
    placed, placement = place_scope(scope, areas["lsoa_code"], boundaries)
    notes.append("Area model: " + placement.sentence())
    counts = frames.lsoa_counts(placed, excluded)
    frame = (
        areas.join(counts, on="lsoa_code", how="left")
        .with_columns(pl.col(c).fill_null(0) for c in ("home", "public", "all"))
        .sort("lsoa_code")
    )
    unmatched = counts.filter(~pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    if unmatched.height:
        notes.append(
            f"{int(unmatched['all'].sum()):,} in-scope crimes in {unmatched.height} LSOAs that "
            "outside the area covered are left out of the area model."
        )
    area: AreaModelResult | None = None
    try:
        has_xy = frame["easting"].null_count() == 0 and frame["northing"].null_count() == 0
        weights = (
            knn_weights(
                frame["lsoa_code"], frame["easting"], frame["northing"], k=settings.hotspot_k
            )
            if has_xy
            else None
        )
        area = fit_area_model(frame, weights=weights)
    except ModelError as error:
        errors["area"] = str(error)
    # Daily and birthday models: crimes by the day they were committed.
    committed, days, day_notes = frames.committed_scope(tables, settings, scope)
    committed = stack.enter_context(held(tables, committed))
    notes += day_notes
    full_days = frames.daily_counts(committed, days)
    daily_frame = (
        full_days.filter(~pl.col("date").dt.truncate("1mo").is_in(list(excluded)))
        if excluded
        else full_days
    )
    committed_total = int(daily_frame["all"].sum())
    if placement.rows is not None and committed_total != placement.rows:
        # The same period read two ways: a reader comparing the daily model's table with the
        # report's total would otherwise see two counts of the same crimes.
        notes.append(
            f"The daily and birthday models count crimes by the day they were committed: "
            f"{committed_total:,} crimes committed in the period, where the area model and the "
            f"report's totals count the {placement.rows:,} crimes recorded in it."
        )
    weather, weather_source = frames.weather_table(tables)
    daily: DailyModelResult | None = None
    try:
        groups = [g for g in OFFENCE_GROUPS if g in daily_frame.columns]
        daily = fit_daily_model(daily_frame, weather, series=["all", "home", "public", *groups])
        errors.update({f"daily.{name}": message for name, message in daily.errors.items()})
    except (ModelError, InputError) as error:  # InputError: no temperature for the period
        errors["daily"] = str(error)
    birthday: BirthdayResult | None = None
    try:
        lam = calendar_intensity(full_days.select("date", pl.col("all").alias("crimes")))
        if excluded:
            lam = lam.with_columns(
                pl.when(pl.col("date").dt.truncate("1mo").is_in(list(excluded)))
                .then(0.0)
                .otherwise(pl.col("expected"))
                .alias("expected")
            )
        people, events = frames.birthday_frames(tables, committed, days)
        if excluded:
            events = events.filter(~pl.col("day").dt.truncate("1mo").is_in(list(excluded)))
        birthday = birthday_effect(people, events, lam, window=settings.birthday_window)
    except ModelError as error:
        errors["birthday"] = str(error)
    age: AgeProfileResult | None = None
    try:
        from vawg.datasets import district_population

        age = age_profile(frames.age_people(scope), district_population())
    except ModelError as error:
        errors["age"] = str(error)
    effects = {key: _nan() for key in EFFECT_KEYS}
    if area is not None:
        effects.update({k: v for k, v in area.effects.items() if k in EFFECT_KEYS})
    if daily is not None:
        effects["tmax_per_degree"] = daily.effects["tmax_per_degree"]
    if birthday is not None:
        for key in ("offender_birthday", "victim_birthday"):
            effects[key] = birthday.effects[key]
    table = pl.DataFrame(
        [{"key": k, **e.to_dict()} for k, e in effects.items()],
        schema={
            "key": pl.String,
            "estimate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "p_value": pl.Float64,
        },
    )
    return DriversResult(
        params=Params(
            method="drivers of VAWG: NB2 area model, NB2 daily temperature model, "
            "self-controlled birthday model, age profile, feed anomaly check",
            period=scope.period,
            seed=settings.seed,
            settings={
                "exclude_anomalies": exclude_anomalies,
                "birthday_window": settings.birthday_window,
                "anomaly_z": settings.anomaly_z,
                "anomaly_cv": settings.anomaly_cv,
            },
        ),
        table=table,
        effects=effects,
        anomalies=anomalies,
        excluded_months=excluded,
        area=area,
        daily=daily,
        birthday=birthday,
        age=age,
        area_source=area_source,
        population_source=frames.population_source(areas),
        weather_source=weather_source,
        errors=errors,
        notes=tuple(notes),
        boundaries=_matching(boundaries, area),
    )


def _matching(boundaries: Boundaries, area: AreaModelResult | None) -> Boundaries | None:
    """``boundaries`` when they hold at least one LSOA the area model used, else None."""
    if area is None or not area.lsoas.height:
        return None
    return boundaries if set(boundaries.codes) & set(area.lsoas["lsoa_code"].to_list()) else None
