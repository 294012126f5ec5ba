"""Hot spots on open data alone: police.uk violence and sexual offences per LSOA, by coordinates.

A database holding only police.uk street files has no force extract to scope, so
:func:`open_data_hotspots` counts the rows of the broad type "Violence and sexual offences"
instead. Each row is placed once by the rule every spatial analysis uses
(:func:`vawg.spatial.placement.place_rows`): its LSOA code when the area table holds it, else the
LSOA boundary holding its (WGS84, moved to the grid) coordinates, else not placed and counted as
such. The counts per LSOA, per 1,000 residents per year, go through the same Getis-Ord G* test
with Benjamini-Hochberg FDR control as a force extract (:func:`vawg.spatial.hotspots.hotspots`).

The type mixes the sexes and includes violence that is not VAWG, so these are hot spots of that
whole category, context for VAWG rather than a VAWG estimate; the Result carries the caveat and
the shared list of what open data cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.ingest.boundaries import Boundaries, boundaries_for
from vawg.inputs import frames
from vawg.inputs.open_data import (
    OPEN_DATA_CANNOT_SHOW,
    VIOLENCE_AND_SEXUAL,
    excluded_note,
)
from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.spatial.analysis import SMALL_COUNTS, _names, _weights
from vawg.spatial.hotspots import GI_CITATION, HotspotResult, hotspots
from vawg.spatial.placement import Placement, place_rows

__all__ = ["CAVEAT", "OpenDataHotspots", "open_data_hotspots"]

CAVEAT = (
    "These are hot spots of police.uk's 'Violence and sexual offences': the type mixes the sexes "
    "and includes violence that is not violence against women and girls, so they show where "
    "that whole category clusters, not where VAWG does."
)


@dataclass(frozen=True)
class OpenDataHotspots(ResultMixin):
    """G* hot spots of police.uk violence and sexual offences per LSOA.

    ``table``: one row per LSOA of the area table (lsoa_code, lsoa_name, district, population,
    crimes, rate per 1,000 residents per year, gi_z, p_value, p_perm, q_value, declared,
    hotspot_class), strongest G* first. ``found``: the G* Result itself. ``placement``: how the
    rows were placed (by code, by coordinates, not placed). ``rows``: violence and sexual
    offences rows in the loaded files; ``months``: first and last month, ``n_months`` how many.
    ``force_rate``: placed rows per 1,000 residents per year over the area table.
    ``boundaries``: the LSOA polygons used for placement and the map.
    """

    params: Params
    table: pl.DataFrame
    found: HotspotResult
    placement: Placement
    months: tuple[str, str]
    n_months: int
    rows: int
    years: float
    force_rate: float
    weights: str
    area_source: str
    caveat: str
    cannot_show: tuple[str, ...]
    notes: tuple[str, ...]
    boundaries: Boundaries | None = None


def open_data_hotspots(
    tables: Tables,
    settings: Settings,
    *,
    weights_kind: str = "knn",
    boundaries: Boundaries | None = None,
    distance_band: float = 2000.0,
    exclude_months: tuple[date, ...] = (),
) -> OpenDataHotspots:
    """Hot spots of the police.uk violence and sexual offences rows over the area table's LSOAs,
    leaving out ``exclude_months`` (the months the feed check flags, with
    ``--exclude-anomalies``; said in the notes)."""
    boundaries = boundaries if boundaries is not None else boundaries_for(settings)
    street = tables.police_street
    vso = street.filter(street.crime_type == VIOLENCE_AND_SEXUAL)
    raw = pl.from_arrow(vso.select("month", "lsoa_code", "longitude", "latitude").to_pyarrow())
    assert isinstance(raw, pl.DataFrame)
    if raw.height == 0:
        raise InputError("no 'Violence and sexual offences' rows in the loaded police.uk files")
    excluded = exclude_months
    if excluded:
        raw = raw.filter(~pl.col("month").cast(pl.Date).is_in(list(excluded)))
        if raw.height == 0:
            raise InputError("every loaded month is flagged by the feed check; nothing is left")
    months = raw["month"].unique().sort()
    areas, source = frames.area_table(tables)
    areas = areas.sort("lsoa_code")
    placed, placement = place_rows(
        raw,
        areas["lsoa_code"],
        boundaries,
        x="longitude",
        y="latitude",
        lonlat=True,
        noun="violence and sexual offences rows",
        unit="rows",
    )
    counts = (
        placed.filter(pl.col("placed_lsoa").is_not_null())
        .group_by("placed_lsoa")
        .agg(crimes=pl.len().cast(pl.Int64))
        .rename({"placed_lsoa": "lsoa_code"})
    )
    part = (
        areas.select("lsoa_code", "population")
        .join(counts, on="lsoa_code", how="left")
        .with_columns(pl.col("crimes").fill_null(0))
    )
    weights = _weights(areas, weights_kind, settings.hotspot_k, distance_band, boundaries)
    decision = settings.hotspot_decision
    notes = [*placement.notes(), CAVEAT, *excluded_note(excluded)]
    per_lsoa = int(part["crimes"].sum()) / part.height
    if per_lsoa < SMALL_COUNTS and decision == "normal":
        notes.append(
            f"Few rows per LSOA ({per_lsoa:.1f} on average): the z-test is then a little "
            "optimistic; give most weight to hot spots the permutation check also confirms."
        )
    found = hotspots(
        part,
        weights,
        measure="rate",
        decision=decision,
        permutations=settings.hotspot_permutations,
        seed=settings.seed,
        fdr_level=settings.hotspot_fdr,
    )
    years = months.len() / 12.0
    table = (
        _names(areas, boundaries)
        .select("lsoa_code", "lsoa_name", "district")
        .join(
            found.table.select(
                "lsoa_code",
                pl.col("population").cast(pl.Int64),
                pl.col("crimes").cast(pl.Int64),
                (1000.0 * pl.col("crimes") / pl.col("population") / years).alias("rate"),
                "gi_z",
                "p_value",
                "p_perm",
                "q_value",
                "declared",
                "hotspot_class",
            ),
            on="lsoa_code",
        )
        .sort(["gi_z", "lsoa_code"], descending=[True, False])
    )
    residents = float(part["population"].sum())
    test = "normal z-test" if decision == "normal" else "conditional permutation"
    return OpenDataHotspots(
        params=Params(
            method=f"Getis-Ord G* on police.uk violence and sexual offences per 1,000 residents, "
            f"{test} p-values, Benjamini-Hochberg FDR at {settings.hotspot_fdr}; "
            f"{settings.hotspot_permutations} conditional permutations as a check; "
            f"{weights.description}",
            citation="data.police.uk street-level files; " + GI_CITATION,
            seed=settings.seed,
            settings={
                "permutations": settings.hotspot_permutations,
                "fdr_level": settings.hotspot_fdr,
                "decision": decision,
                "weights": weights_kind,
                "k": settings.hotspot_k,
                "boundaries": boundaries.source,
            },
        ),
        table=table,
        found=found,
        placement=placement,
        months=(f"{months[0]:%Y-%m}", f"{months[-1]:%Y-%m}"),
        n_months=months.len(),
        rows=raw.height,
        years=years,
        force_rate=1000.0 * int(part["crimes"].sum()) / residents / years,
        weights=weights.description,
        area_source=source,
        caveat=CAVEAT,
        cannot_show=OPEN_DATA_CANNOT_SHOW,
        notes=tuple(notes),
        boundaries=boundaries,
    )
