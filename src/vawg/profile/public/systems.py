"""The profile's linked systems of cells, protected together by
:func:`vawg.disclosure.protect`: the crimes and people systems gather every published count
that shares a total; and the helpers that protect a listed count or fill a table from a system.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import polars as pl

from vawg.disclosure import Relation, protect, suppress
from vawg.profile.data import HOME, PUBLIC, UNKNOWN
from vawg.profile.people import CRIME_BANDS, LINK_BANDS
from vawg.profile.place import home_public_ratio
from vawg.profile.profile import ProfileResult
from vawg.results import Estimate

PLACES = (HOME, PUBLIC, UNKNOWN)


NAN = float("nan")


def _crimes_system(result: ProfileResult, threshold: int) -> dict[Hashable, int | None]:
    """Every count of crimes that adds up to the in-scope total, suppressed as one system."""
    v, p = result.volume, result.place
    cells: dict[Hashable, int | None] = {"G": result.crimes_in_scope}
    relations: list[Relation] = []
    for place_name, value in (
        (HOME, p.home_crimes),
        (PUBLIC, p.public_crimes),
        (UNKNOWN, p.unknown_location_crimes),
    ):
        cells[("place", place_name)] = value
    relations.append(([("place", x) for x in PLACES], "G"))
    for dim, frame in (("district", p.by_district), ("offence_group", p.by_offence_group)):
        keys = frame[dim].to_list()
        for row in frame.iter_rows(named=True):
            for x in PLACES:
                cells[(dim, row[dim], x)] = row[x]
            cells[(dim, row[dim], "all")] = row["crimes"]
            relations.append(([(dim, row[dim], x) for x in PLACES], (dim, row[dim], "all")))
        for x in PLACES:
            relations.append(([(dim, k, x) for k in keys], ("place", x)))
        relations.append(([(dim, k, "all") for k in keys], "G"))
    by_type = p.by_location_type
    for row in by_type.iter_rows(named=True):
        cells[("location_type", row["location_type"])] = row["crimes"]
    for x in PLACES:
        parts = [
            ("location_type", t) for t in by_type.filter(pl.col("place") == x)["location_type"]
        ]
        relations.append((parts, ("place", x)))
    for row in v.by_domestic_abuse.iter_rows(named=True):
        cells[("domestic_abuse", row["domestic_abuse"])] = row["crimes"]
    relations.append(([("domestic_abuse", f) for f in v.by_domestic_abuse["domestic_abuse"]], "G"))
    for row in v.by_financial_year.iter_rows(named=True):
        cells[("fy", row["financial_year"])] = row["crimes"]
    relations.append(([("fy", y) for y in v.by_financial_year["financial_year"]], "G"))
    months = v.by_month.with_columns(fy=_fy(pl.col("month")))
    for row in months.iter_rows(named=True):
        cells[("month", row["month"])] = row["crimes"]
    for (year,), group in months.group_by("fy"):
        if ("fy", year) in cells:
            relations.append(([("month", m) for m in group["month"]], ("fy", year)))
    return protect(cells, relations, threshold)


def _fy(month: pl.Expr) -> pl.Expr:
    first = month.dt.year() - (month.dt.month() < 4).cast(pl.Int32)
    return pl.format("{}/{}", first, ((first + 1) % 100).cast(pl.String).str.zfill(2))


def _people_system(
    total: int | None,
    repeat: int | None,
    several: int | None,
    age: pl.DataFrame,
    crimes: pl.DataFrame,
    links: pl.DataFrame,
    label: str,
    repeat_min: int,
    threshold: int,
) -> dict[Hashable, int | None]:
    """A person total with its age, crimes-per-person and links-per-person breakdowns."""
    cells: dict[Hashable, int | None] = {"total": total, "repeat": repeat, "several": several}
    relations: list[Relation] = []
    for name, frame, column in (
        ("age", age, "age_band"),
        ("crimes", crimes, "band"),
        ("links", links, "band"),
    ):
        for row in frame.iter_rows(named=True):
            cells[(name, row[column])] = row[label]
        relations.append(([(name, k) for k in frame[column]], "total"))
    if repeat_min in (2, 3, 4, 5, 10):  # the repeat count is a sum of whole bands
        lows = {b: int(b.split("-")[0].rstrip("+")) for b in CRIME_BANDS}
        relations.append(([("crimes", b) for b in CRIME_BANDS if lows[b] >= repeat_min], "repeat"))
    relations.append(([("links", b) for b in LINK_BANDS if b != "1"], "several"))
    return protect(cells, relations, threshold)


def _list(
    frame: pl.DataFrame,
    column: str,
    threshold: int,
    dependents: Sequence[str] = (),
    total_published: bool = True,
) -> pl.DataFrame:
    """A one-way list under one total (published elsewhere, or not at all)."""
    if frame.is_empty():
        return frame
    out = suppress(
        frame,
        column,
        threshold=threshold,
        margins=[()] if total_published else [],
        dependents=list(dependents),
    )
    return out.drop("suppressed")


def _fill(
    frame: pl.DataFrame,
    column: str,
    values: Mapping[Hashable, int | None],
    key: Sequence[str],
    prefix: tuple[object, ...] = (),
) -> pl.DataFrame:
    """Replace ``column`` by the protected values looked up by ``prefix + row[key...]``."""
    looked = []
    for row in frame.iter_rows(named=True):
        name: Hashable = (*prefix, *(row[k] for k in key))
        if name in values:
            looked.append(values[name])
        else:  # not part of the protected system: only a zero may stand
            looked.append(0 if row[column] == 0 else None)
    return frame.with_columns(pl.Series(column, looked, dtype=pl.Int64))


def _ratio_columns(frame: pl.DataFrame) -> pl.DataFrame:
    estimates = [
        home_public_ratio(h, p) if h is not None and p is not None else Estimate(NAN, NAN, NAN)
        for h, p in zip(frame[HOME], frame[PUBLIC], strict=True)
    ]
    return frame.with_columns(
        ratio=pl.Series([e.estimate for e in estimates], dtype=pl.Float64).fill_nan(None),
        ci_low=pl.Series([e.ci_low for e in estimates], dtype=pl.Float64).fill_nan(None),
        ci_high=pl.Series([e.ci_high for e in estimates], dtype=pl.Float64).fill_nan(None),
    )
