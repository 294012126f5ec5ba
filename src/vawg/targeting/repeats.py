"""Repeat locations: the same public place with two or more offences.

A place is a square of ``metres`` on the British National Grid (the setting
``repeat_location_metres``, default 25 m: a shop front, a bus stop, a stretch of street);
with 0 it is the exact recorded coordinates (as when a force's system snaps crimes to
addresses). Every located public-place offence falls in one square; a square with two or more
is a repeat location. The share of offences at repeat locations is how much a response at the
place of an incident (patrols, a Safe Space, a camera) could reach (Farrell & Pease 1993 on
repeat victimisation; Sherman, Gartin & Buerger 1989 on hot spots of place).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from vawg.errors import InputError
from vawg.results import Params, ResultMixin

__all__ = ["REPEAT_CITATION", "RepeatResult", "repeat_locations"]

REPEAT_CITATION = (
    "Farrell G, Pease K (1993) Once bitten, twice bitten: repeat victimisation and its "
    "implications for crime prevention. Home Office Crime Prevention Unit Paper 46; Sherman LW, "
    "Gartin PR, Buerger ME (1989) Hot spots of predatory crime: routine activities and the "
    "criminology of place. Criminology 27(1):27-56."
)


@dataclass(frozen=True)
class RepeatResult(ResultMixin):
    """Repeat locations.

    ``table``: one row per repeat location (two or more offences): easting, northing (the
    square's centre, or the exact point), lsoa_code (of most of its offences), offences,
    harm_days, first_day, last_day, shortest_gap_days; most offences first. Restricted: exact
    places of crimes.
    """

    params: Params
    table: pl.DataFrame
    offences: int | None  # located offences examined (None: suppressed, public version)
    locations: int | None  # distinct places with at least one offence
    repeat_locations: int | None
    offences_at_repeat_locations: int | None
    metres: float

    @property
    def share_at_repeat_locations(self) -> float | None:
        """Share of the located offences that happened at a repeat location."""
        if not self.offences or self.offences_at_repeat_locations is None:
            return None
        return self.offences_at_repeat_locations / self.offences


def repeat_locations(events: pl.DataFrame, *, metres: float = 25.0) -> RepeatResult:
    """Repeat locations among ``events`` (easting, northing, day, harm_days, lsoa_code)."""
    needed = ("easting", "northing", "day", "harm_days", "lsoa_code")
    missing = [c for c in needed if c not in events.columns]
    if missing:
        raise InputError(f"repeat_locations: events lack column(s) {', '.join(missing)}")
    if metres < 0:
        raise InputError(f"repeat_locations: metres={metres} must be 0 or more")
    located = events.filter(pl.col("easting").is_not_null() & pl.col("northing").is_not_null())
    if metres > 0:
        key_x = (pl.col("easting") / metres).floor() * metres + metres / 2
        key_y = (pl.col("northing") / metres).floor() * metres + metres / 2
    else:
        key_x, key_y = pl.col("easting").cast(pl.Float64), pl.col("northing").cast(pl.Float64)
    located = located.with_columns(place_x=key_x, place_y=key_y).sort("day")
    grouped = located.group_by("place_x", "place_y").agg(
        offences=pl.len(),
        harm_days=pl.col("harm_days").sum(),
        first_day=pl.col("day").min(),
        last_day=pl.col("day").max(),
        shortest_gap_days=pl.col("day").diff().dt.total_days().min(),
        lsoa_code=pl.col("lsoa_code").drop_nulls().mode().sort().first(),
    )
    repeats = (
        grouped.filter(pl.col("offences") >= 2)
        .rename({"place_x": "easting", "place_y": "northing"})
        .with_columns(pl.col("offences").cast(pl.Int64), pl.col("shortest_gap_days").cast(pl.Int64))
        .sort(
            ["offences", "harm_days", "easting", "northing"], descending=[True, True, False, False]
        )
        .select(
            "easting",
            "northing",
            "lsoa_code",
            "offences",
            "harm_days",
            "first_day",
            "last_day",
            "shortest_gap_days",
        )
    )
    where = "the exact coordinates" if metres == 0 else f"squares of {metres:g} m"
    return RepeatResult(
        params=Params(
            method=f"offences grouped by place ({where}); two or more = a repeat location",
            citation=REPEAT_CITATION,
            settings={"repeat_location_metres": metres},
        ),
        table=repeats,
        offences=located.height,
        locations=grouped.height,
        repeat_locations=repeats.height,
        offences_at_repeat_locations=int(repeats["offences"].sum()) if repeats.height else 0,
        metres=metres,
    )
