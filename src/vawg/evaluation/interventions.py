"""The interventions to evaluate, their areas and rings, and the monthly counts of the outcome.

An intervention's area is the LSOAs listed in ``interventions.csv``, or every LSOA whose
population-weighted centroid lies within the radius of the point given (the nearest LSOA when
none does, said in a note). Listed codes missing from the area reference are named in a note
and left out. Its **ring** (where displacement would show) is every other LSOA whose centroid
lies within ``evaluation_ring_metres`` of a treated LSOA's centroid; LSOAs treated by any
intervention are never in a ring. **Comparison candidates** are the LSOAs neither treated nor
in any intervention's ring.

The outcome counted: in-scope VAWG crimes in public places committed in the evening and night
hours, per LSOA and calendar month (by the date committed), with their harm; every LSOA and
every complete month of the extract, zeros included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from vawg.query import Tables

__all__ = ["Intervention", "month_floor", "monthly_outcome", "months_between", "read_interventions"]


@dataclass(frozen=True)
class Intervention:
    """One intervention with its area resolved to LSOAs."""

    intervention_id: str
    name: str
    type: str
    start: date
    end: date | None
    cost: float | None
    funder: str | None
    lsoas: tuple[str, ...]
    ring: tuple[str, ...]
    area: str
    notes: tuple[str, ...]


def month_floor(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def months_between(first: date, second: date) -> int:
    """Whole months from ``first``'s month to ``second``'s month."""
    return (second.year - first.year) * 12 + second.month - first.month


def _within(areas: pl.DataFrame, x: float, y: float, metres: float) -> list[str]:
    located = areas.filter(pl.col("easting").is_not_null() & pl.col("northing").is_not_null())
    dist = np.hypot(
        located["easting"].to_numpy().astype(float) - x,
        located["northing"].to_numpy().astype(float) - y,
    )
    codes = located["lsoa_code"].to_list()
    return [codes[i] for i in np.flatnonzero(dist <= metres)]


def _nearest(areas: pl.DataFrame, x: float, y: float) -> str | None:
    located = areas.filter(pl.col("easting").is_not_null() & pl.col("northing").is_not_null())
    if located.is_empty():
        return None
    dist = np.hypot(
        located["easting"].to_numpy().astype(float) - x,
        located["northing"].to_numpy().astype(float) - y,
    )
    return str(located["lsoa_code"][int(np.argmin(dist))])


def _resolve(row: dict[str, object], areas: pl.DataFrame) -> tuple[list[str], str, list[str]]:
    known = set(areas["lsoa_code"].to_list())
    notes: list[str] = []
    if row["lsoa_codes"]:
        listed = [c.strip() for c in str(row["lsoa_codes"]).split(";") if c.strip()]
        missing = [c for c in listed if c not in known]
        if missing:
            notes.append(
                f"{len(missing)} listed neighbourhood(s) (LSOAs) are outside the area covered and are left out: "
                + ", ".join(missing)
            )
        codes = [c for c in dict.fromkeys(listed) if c in known]
        return codes, f"{len(codes)} neighbourhoods (LSOAs) named by the scheme", notes
    x, y = float(str(row["easting"])), float(str(row["northing"]))
    radius = float(str(row["radius_m"]))
    codes = _within(areas, x, y, radius)
    # the point itself is not given: it can be a venue, and a reader needs the reach, not the grid
    area = (
        f"{len(codes)} neighbourhoods (LSOAs) whose centre lies within {radius:g} m of the "
        "scheme's site"
    )
    if not codes:
        nearest = _nearest(areas, x, y)
        codes = [nearest] if nearest else []
        notes.append(
            f"no LSOA centroid lies within {radius:g} m of the point; the nearest LSOA "
            f"({nearest}) stands for the area"
        )
    return codes, area, notes


def read_interventions(
    tables: Tables, areas: pl.DataFrame, ring_metres: float
) -> list[Intervention]:
    """Every loaded intervention with its treated LSOAs and ring, in order of start date."""
    frame = (
        tables.interventions.drop("_file", "_line")
        .to_polars()
        .sort("start_date", "intervention_id")
    )
    resolved = []
    for row in frame.iter_rows(named=True):
        codes, area, notes = _resolve(row, areas)
        resolved.append((row, codes, area, notes))
    every_treated = {c for _, codes, _, _ in resolved for c in codes}
    located = areas.filter(pl.col("easting").is_not_null() & pl.col("northing").is_not_null())
    xy = {
        code: (float(e), float(n))
        for code, e, n in located.select("lsoa_code", "easting", "northing").iter_rows()
    }
    out = []
    for row, codes, area, notes in resolved:
        ring: set[str] = set()
        for code in codes:
            if code in xy:
                ring.update(_within(areas, *xy[code], ring_metres))
        ring -= every_treated
        cost = row["cost"]
        out.append(
            Intervention(
                intervention_id=str(row["intervention_id"]),
                name=str(row["name"]),
                type=str(row["type"]),
                start=row["start_date"],
                end=row["end_date"],
                cost=None if cost is None or not math.isfinite(float(cost)) else float(cost),
                funder=row["funder"],
                lsoas=tuple(codes),
                ring=tuple(sorted(ring)),
                area=area,
                notes=tuple(notes),
            )
        )
    return out


def monthly_outcome(
    crimes: pl.DataFrame, lsoas: list[str], first_month: date, last_month: date
) -> pl.DataFrame:
    """lsoa_code, month, crimes, harm_days for every LSOA and month (zeros included)."""
    months = pl.date_range(first_month, last_month, "1mo", eager=True).alias("month")
    grid = pl.DataFrame({"lsoa_code": lsoas}).join(pl.DataFrame(months), how="cross")
    counted = (
        crimes.with_columns(month=pl.col("day").dt.truncate("1mo"))
        .group_by("lsoa_code", "month")
        .agg(crimes=pl.len(), harm_days=pl.col("harm_days").sum())
    )
    return (
        grid.join(counted, on=["lsoa_code", "month"], how="left")
        .with_columns(
            pl.col("crimes").fill_null(0).cast(pl.Int64), pl.col("harm_days").fill_null(0.0)
        )
        .sort("lsoa_code", "month")
    )
