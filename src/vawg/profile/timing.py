"""Timing: when in-scope crimes were committed, by hour of day and day of week, and by month.

Uses ``committed_from`` (the earliest time the crime may have been committed), so a crime
spanning a period is counted at its start. Hour 0 includes times recorded as exactly midnight,
which some records systems use when the time is not known.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import polars as pl

from vawg.profile.data import ProfileData, to_polars
from vawg.results import Params, ResultMixin

__all__ = ["DAYS", "TimingResult", "timing"]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = tuple(calendar.month_abbr[m] for m in range(1, 13))


@dataclass(frozen=True)
class TimingResult(ResultMixin):
    """``table``/``hour_by_day``: day (Mon..Sun), day_index (0-6), hour (0-23), crimes (all 168
    cells). ``by_day``: day, crimes. ``by_month_of_year``: month (1-12), month_name, crimes.
    ``midnight_share``: share of crimes recorded at exactly 00:00."""

    params: Params
    table: pl.DataFrame
    hour_by_day: pl.DataFrame
    by_day: pl.DataFrame
    by_month_of_year: pl.DataFrame
    midnight_share: float


def timing(data: ProfileData) -> TimingResult:
    """Hour-by-day and month-of-year counts of in-scope crimes."""
    crimes = data.crimes
    when = crimes.committed_from
    cells = to_polars(
        crimes.group_by(day_index=when.day_of_week.index(), hour=when.hour()).aggregate(
            crimes=crimes.count(),
            midnight=(
                # hour, minute and second, not time() == "00:00:00": Spark has no TIME type
                (when.hour() == 0) & (when.minute() == 0) & (when.second() == 0)
            ).sum(),
        )
    ).with_columns(pl.col("day_index", "hour").cast(pl.Int64))
    grid = pl.DataFrame(
        {"day_index": [d for d in range(7) for _ in range(24)], "hour": list(range(24)) * 7}
    )
    hour_by_day = (
        grid.join(cells.drop("midnight"), on=["day_index", "hour"], how="left")
        .with_columns(pl.col("crimes").fill_null(0).cast(pl.Int64))
        .with_columns(day=pl.col("day_index").replace_strict(dict(enumerate(DAYS))))
        .select("day", "day_index", "hour", "crimes")
    )
    by_day = (
        hour_by_day.group_by("day_index", "day")
        .agg(pl.col("crimes").sum())
        .sort("day_index")
        .select("day", "crimes")
    )
    months = to_polars(
        crimes.group_by(month=when.month()).aggregate(crimes=crimes.count())
    ).with_columns(pl.col("month").cast(pl.Int64))
    by_month = (
        pl.DataFrame({"month": list(range(1, 13)), "month_name": list(MONTHS)})
        .join(months, on="month", how="left")
        .with_columns(pl.col("crimes").fill_null(0).cast(pl.Int64))
    )
    total = int(hour_by_day["crimes"].sum())
    midnight = int(cells["midnight"].sum()) if cells.height else 0
    return TimingResult(
        params=Params(method="counts by committed_from", period=data.period),
        table=hour_by_day,
        hour_by_day=hour_by_day,
        by_day=by_day,
        by_month_of_year=by_month,
        midnight_share=midnight / total if total else float("nan"),
    )
