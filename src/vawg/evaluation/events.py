"""In-scope crimes as events in place and time, with their harm: what targeting, the place
evaluation and the programme evaluation read.

One query pulls the in-scope crimes (the VAWG scope of :mod:`vawg.scope`) with the columns
these analyses need, and the perpetrators and victims linked to them, into small polars
frames. Each crime gets:

* ``place``: ``home`` (location type ``dwelling``), ``unknown``, or ``public`` (every other
  location type), as in the profile and the hot spots;
* ``lsoa_code``: placed (:mod:`vawg.spatial.placement`): its code when the area table holds
  it, else the LSOA its coordinates fall in; unchanged when it cannot be placed;
* ``day`` and ``hour`` from ``committed_from`` (when it happened, not when it was recorded);
* ``evening_night``: committed in the evening and night hours of the setting
  ``evening_night_hours`` (18,6 = 18:00 to 05:59);
* ``harm_days``: its Cambridge Crime Harm Index style weight (the weight of its Home Office
  code when listed, else of its offence group), from the same table as the profile
  (:func:`vawg.profile.harm.load_harm_weights`).

Two windows. Targeting uses the scope's period (crimes *recorded* in it), as the profile and
hot spots do. The evaluations need every month the extract can support, by the date crimes
were *committed*: the scope is widened to every recorded date, counting starts at the first
recorded date of the extract (a crime committed earlier may not be in it) and ends when the
extract is too recent for most crimes of those days to have been recorded (the 90th
percentile of the recording delay, at most 60 days; :func:`vawg.inputs.frames.committed_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vawg.config import Settings
from vawg.errors import ScopeError
from vawg.ingest.boundaries import boundaries_for
from vawg.inputs.frames import area_table, committed_scope
from vawg.profile.harm import load_harm_weights
from vawg.profile.harm_weights import describe
from vawg.query import Tables
from vawg.scope import vawg_scope
from vawg.spatial.placement import place_rows

__all__ = ["CrimeEvents", "crime_events", "evening_night", "hours_text"]

HOME, PUBLIC, UNKNOWN = "home", "public", "unknown"


@dataclass(frozen=True)
class CrimeEvents:
    """In-scope crimes and the people in them, as polars frames.

    ``crimes``: crime_ref, recorded_date, committed (datetime), day, hour, location_type,
    place, offence_group, domestic_abuse, lsoa_code, easting, northing, harm_days,
    evening_night.
    ``offenders``: crime_ref, person_id, age (age on the day). ``victims``: crime_ref,
    person_id. ``first_day``/``last_day``: the days whose crimes are complete in the frame.
    """

    crimes: pl.DataFrame
    offenders: pl.DataFrame
    victims: pl.DataFrame
    first_day: date
    last_day: date
    hours: tuple[int, int]
    window: str  # "period" (recorded in the scope's period) or "extract" (committed, all)
    harm_source: str
    notes: tuple[str, ...]


def evening_night(hour: pl.Expr, hours: tuple[int, int]) -> pl.Expr:
    """Whether ``hour`` falls in the evening and night hours (``from``, ``to``; wraps midnight)."""
    start, end = hours
    if start > end:
        return (hour >= start) | (hour < end)
    return (hour >= start) & (hour < end)


def hours_text(hours: tuple[int, int]) -> str:
    """``18:00 to 05:59`` for (18, 6)."""
    start, end = hours
    return f"{start:02d}:00 to {(end - 1) % 24:02d}:59"


def setting_hours(settings: Settings) -> tuple[int, int]:
    """The ``evening_night_hours`` setting as two whole hours."""
    start, end = (int(float(h)) for h in settings.evening_night_hours)
    return start, end


def _harm(crimes: pl.DataFrame, settings: Settings) -> tuple[pl.DataFrame, str]:
    weights = load_harm_weights(settings.harm_weights_file or None)
    by_code = weights.filter(pl.col("key_type") == "offence_code").select(
        offence_code=pl.col("key"), code_weight=pl.col("weight_days").cast(pl.Float64)
    )
    by_group = weights.filter(pl.col("key_type") == "offence_group").select(
        offence_group=pl.col("key"), group_weight=pl.col("weight_days").cast(pl.Float64)
    )
    out = (
        crimes.join(by_code, on="offence_code", how="left")
        .join(by_group, on="offence_group", how="left")
        .with_columns(harm_days=pl.coalesce("code_weight", "group_weight", pl.lit(0.0)))
        .drop("code_weight", "group_weight")
    )
    return out, describe(weights) if weights.height else ""


def crime_events(tables: Tables, settings: Settings, *, whole_extract: bool) -> CrimeEvents:
    """The in-scope crimes as events (see module docstring for the two windows)."""
    hours = setting_hours(settings)
    notes: list[str] = []
    if whole_extract:
        latest = tables.crimes.recorded_date.max().to_pyarrow().as_py()
        first = tables.crimes.recorded_date.min().to_pyarrow().as_py()
        if latest is None or first is None:
            raise ScopeError("no crimes are loaded; load a force extract with `vawg ingest`")
        wide = settings.replace(period_start=date(1900, 1, 1), period_end=latest)
        scope, (_, last), lag_notes = committed_scope(tables, wide)
        notes += lag_notes
        window = "extract"
    else:
        scope = vawg_scope(tables, settings)
        first, last = scope.period
        window = "period"
    crimes = (
        scope.crimes.select(
            "crime_ref",
            "recorded_date",
            "committed_from",
            "offence_code",
            "offence_group",
            "domestic_abuse",
            "location_type",
            "lsoa_code",
            "easting",
            "northing",
        )
        .to_polars()
        .rename({"committed_from": "committed"})
    )
    crimes = crimes.with_columns(
        pl.col("recorded_date").cast(pl.Date),
        day=pl.col("committed").dt.date(),
        hour=pl.col("committed").dt.hour().cast(pl.Int64),
        place=pl.when(pl.col("location_type") == "dwelling")
        .then(pl.lit(HOME))
        .when(pl.col("location_type") == "unknown")
        .then(pl.lit(UNKNOWN))
        .otherwise(pl.lit(PUBLIC)),
    ).with_columns(evening_night=evening_night(pl.col("hour"), hours))
    if whole_extract:
        crimes = crimes.filter(pl.col("day").is_between(first, last))
    # Each crime's LSOA: its code, else the LSOA its coordinates fall in (as the profile and
    # the hot spots place them), so a crime with coordinates but no usable code still counts
    # in its area's ranking and panel.
    areas, _ = area_table(tables)
    placed, placement = place_rows(
        crimes, areas["lsoa_code"], boundaries_for(settings), noun="in-scope crimes"
    )
    notes.append(placement.sentence())
    crimes = placed.with_columns(lsoa_code=pl.coalesce("placed_lsoa", "lsoa_code")).drop(
        "placed_lsoa", "placed_by", "placement_reason"
    )
    crimes, source = _harm(crimes, settings)
    refs = crimes.select("crime_ref")
    offenders = scope.offenders.select("crime_ref", "person_id", "age").to_polars()
    victims = scope.victims.select("crime_ref", "person_id").to_polars()
    return CrimeEvents(
        crimes=crimes.sort("committed", "crime_ref"),
        offenders=offenders.join(refs, on="crime_ref", how="semi"),
        victims=victims.join(refs, on="crime_ref", how="semi"),
        first_day=first,
        last_day=last,
        hours=hours,
        window=window,
        harm_source=source,
        notes=tuple(notes),
    )
