"""The area model on open data alone: violence and sexual offences per LSOA from police.uk.

police.uk street files give each crime's LSOA (of its anonymised snap point) and a broad type.
Counting "Violence and sexual offences" per LSOA over the loaded months, against the area
reference (population as exposure, deprivation, pubs), gives the same NB2 area model as a force
extract (:func:`vawg.models.area.fit_area_model`) on a different outcome: the type mixes the
sexes and includes non-VAWG violence, so it is context for VAWG, not a VAWG estimate. Rows
without an LSOA and rows in LSOAs outside the area reference are counted and named, not
dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vawg.errors import ModelError
from vawg.inputs import frames
from vawg.inputs.open_data import OPEN_DATA_CANNOT_SHOW, VIOLENCE_AND_SEXUAL, excluded_note
from vawg.models.area import AreaModelResult, fit_area_model
from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.spatial.weights import knn_weights

__all__ = ["CAVEAT", "OpenDataDrivers", "open_data_drivers"]

CAVEAT = (
    "The outcome is police.uk's 'Violence and sexual offences': it mixes the sexes and includes "
    "violence that is not violence against women and girls, so these rate ratios describe that "
    "whole category, not VAWG."
)


@dataclass(frozen=True)
class OpenDataDrivers(ResultMixin):
    """The area model on police.uk counts, the rows counted and left out, and what is missing."""

    params: Params
    area: AreaModelResult | None
    error: str | None
    months: tuple[str, str]
    crimes: int | None
    no_lsoa: int | None
    outside_areas: int | None
    area_source: str
    caveat: str
    cannot_show: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def table(self) -> pl.DataFrame:
        """The area model's rate ratios (no rows when it could not be fitted)."""
        if self.area is None:
            return pl.DataFrame(
                schema=["outcome", "model", "term", "rate_ratio", "ci_low", "ci_high", "p_value"]
            )
        return self.area.table


def open_data_drivers(
    tables: Tables, *, k: int = 6, exclude_months: tuple[date, ...] = ()
) -> OpenDataDrivers:
    """Fit the area model to violence and sexual offences per LSOA in the police.uk files,
    leaving out ``exclude_months`` (the months the feed check flags, with
    ``--exclude-anomalies``; said in ``notes``)."""
    street = tables.police_street
    rows = street.filter(street.crime_type == VIOLENCE_AND_SEXUAL)
    if exclude_months:
        rows = rows.filter(~rows.month.isin(list(exclude_months)))
    got = rows.group_by("lsoa_code").aggregate(all=rows.count()).to_polars()
    span = rows.aggregate(first=rows.month.min(), last=rows.month.max()).to_polars().row(0)
    if span[0] is None:
        raise ModelError("no 'Violence and sexual offences' rows in the loaded police.uk files")
    no_lsoa = int(got.filter(pl.col("lsoa_code").is_null())["all"].sum())
    counts = got.filter(pl.col("lsoa_code").is_not_null()).with_columns(
        pl.col("all").cast(pl.Int64)
    )
    areas, source = frames.area_table(tables)
    inside = counts.filter(pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    outside = int(counts["all"].sum()) - int(inside["all"].sum())
    frame = (
        areas.join(inside, on="lsoa_code", how="left")
        .with_columns(pl.col("all").fill_null(0))
        .sort("lsoa_code")
    )
    area: AreaModelResult | None = None
    error: str | None = None
    try:
        weights = None
        if frame["easting"].null_count() == 0 and frame["northing"].null_count() == 0:
            weights = knn_weights(frame["lsoa_code"], frame["easting"], frame["northing"], k=k)
        area = fit_area_model(frame, outcomes=("all",), weights=weights)
    except ModelError as failure:
        error = str(failure)
    return OpenDataDrivers(
        Params(
            method="NB2 area model (population offset) of police.uk violence and sexual "
            "offences per LSOA",
            citation="data.police.uk street-level files; see the area model's citations",
        ),
        area,
        error,
        (f"{span[0]:%Y-%m}", f"{span[1]:%Y-%m}"),
        int(got["all"].sum()),
        no_lsoa,
        outside,
        source,
        CAVEAT,
        OPEN_DATA_CANNOT_SHOW,
        tuple(excluded_note(exclude_months)),
    )
