"""The hot-spot analysis: weights, G* hot spots by place, persistence across years, concentration.

:func:`hotspot_analysis` builds the spatial weights (k nearest neighbours between
population-weighted centroids by default; queen contiguity when LSOA polygons are given), runs
G* on in-scope crimes per LSOA for all places, public places and homes, repeats it per
financial year for persistent and emerging hot spots, and measures concentration. Months the
feed check flags can be left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.inputs import frames
from vawg.inputs.anomaly import feed_anomalies
from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.scope import vawg_scope
from vawg.spatial.concentration import ConcentrationResult, concentration
from vawg.spatial.hotspots import (
    GI_CITATION,
    HotspotResult,
    HotspotTrendResult,
    hotspot_trends,
    hotspots,
)
from vawg.spatial.weights import SpatialWeights, distance_band_weights, knn_weights, queen_weights

__all__ = ["PLACES", "HotspotAnalysis", "hotspot_analysis"]

PLACES = ("all", "public", "home")


@dataclass(frozen=True)
class HotspotAnalysis(ResultMixin):
    """``table``: one row per LSOA (lsoa_code, district, easting, northing, population, then
    crimes, gi_z, p_sim, q_value, hotspot_class for all places, and the same prefixed
    ``public_`` and ``home_``, and the pattern across years)."""

    params: Params
    table: pl.DataFrame
    by_place: dict[str, HotspotResult]
    trends: HotspotTrendResult | None
    concentration: dict[str, ConcentrationResult]
    concentration_by_year: pl.DataFrame
    weights: str
    weights_kind: str
    geojson: str | None
    area_source: str
    excluded_months: tuple[date, ...]
    flagged_months: tuple[date, ...]
    notes: tuple[str, ...]


def _weights(
    areas: pl.DataFrame, kind: str, k: int, band: float, geojson: Path | None
) -> SpatialWeights:
    ids, east, north = areas["lsoa_code"], areas["easting"], areas["northing"]
    if kind == "queen":
        if geojson is None:
            raise InputError("--weights queen needs LSOA polygons: pass --geojson areas.geojson")
        return queen_weights(geojson, ids.to_list(), east.to_list(), north.to_list())
    if areas["easting"].null_count() or areas["northing"].null_count():
        raise InputError(
            "hot spots need a population-weighted centroid (easting, northing) for every LSOA "
            "in areas.csv, or --weights queen with --geojson"
        )
    if kind == "knn":
        return knn_weights(ids, east, north, k=k)
    if kind == "distance":
        return distance_band_weights(ids, east, north, threshold=band)
    raise InputError(f"--weights {kind!r}: use knn, queen or distance")


def hotspot_analysis(
    tables: Tables,
    settings: Settings,
    *,
    exclude_anomalies: bool = False,
    weights_kind: str = "knn",
    geojson: Path | None = None,
    distance_band: float = 2000.0,
) -> HotspotAnalysis:
    """Hot spots of in-scope crime over the LSOAs of the area table."""
    scope = vawg_scope(tables, settings)
    anomalies = feed_anomalies(
        frames.monthly_series(tables, scope),
        z_threshold=settings.anomaly_z,
        default_cv=settings.anomaly_cv,
    )
    flagged = anomalies.flagged_in("force extract")
    excluded = flagged if exclude_anomalies else ()
    areas, source = frames.area_table(tables)
    areas = areas.sort("lsoa_code")
    weights = _weights(areas, weights_kind, settings.hotspot_k, distance_band, geojson)
    counts = frames.lsoa_counts(scope, excluded)
    notes: list[str] = []
    outside = counts.filter(~pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    if outside.height:
        notes.append(
            f"{int(outside['all'].sum()):,} in-scope crimes in {outside.height} LSOAs outside the "
            "area table are not mapped."
        )
    counts = counts.filter(pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    if flagged and not exclude_anomalies:
        notes.append(
            "The feed check flagged "
            + ", ".join(m.strftime("%b %Y") for m in flagged)
            + "; they are included (use --exclude-anomalies to leave them out)."
        )
    by_place: dict[str, HotspotResult] = {}
    for place in PLACES:
        part = counts.select("lsoa_code", pl.col(place).alias("crimes"))
        if int(part["crimes"].sum()) == 0:
            notes.append(f"No in-scope crimes at {place} places; no hot spots computed for them.")
            continue
        by_place[place] = hotspots(
            part,
            weights,
            permutations=settings.hotspot_permutations,
            seed=settings.seed,
            fdr_level=settings.hotspot_fdr,
        )
    yearly = frames.lsoa_year_counts(scope, excluded)
    yearly = yearly.filter(pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    trends: HotspotTrendResult | None = None
    if yearly["year"].n_unique() >= 2:
        trends = hotspot_trends(
            yearly,
            weights,
            permutations=settings.hotspot_permutations,
            seed=settings.seed,
            fdr_level=settings.hotspot_fdr,
        )
    else:
        notes.append("Fewer than two financial years: no persistence analysis.")
    population = areas.select("lsoa_code", "population")
    conc: dict[str, ConcentrationResult] = {}
    for place in ("all", "public"):
        part = population.join(
            counts.select("lsoa_code", pl.col(place).alias("crimes")), on="lsoa_code", how="left"
        ).with_columns(pl.col("crimes").fill_null(0))
        if int(part["crimes"].sum()) > 0:
            conc[place] = concentration(part, seed=settings.seed)
    by_year_rows = []
    for year in sorted(yearly["year"].unique().to_list()):
        part = population.join(
            yearly.filter(pl.col("year") == year).select("lsoa_code", "crimes"),
            on="lsoa_code",
            how="left",
        ).with_columns(pl.col("crimes").fill_null(0))
        if int(part["crimes"].sum()) == 0:
            continue
        year_conc = concentration(part, simulations=199, seed=settings.seed)
        by_year_rows.append(
            {
                "year": year,
                "crimes": year_conc.crimes,
                "top_share": year_conc.top_share,
                "chance_share": year_conc.chance_share,
                "gini": year_conc.gini,
            }
        )
    table = areas.select("lsoa_code", "district", "easting", "northing", "population")
    for place, result in by_place.items():
        prefix = "" if place == "all" else f"{place}_"
        table = table.join(
            result.table.select(
                pl.col("lsoa_code"),
                *(
                    pl.col(c).alias(prefix + c)
                    for c in ("crimes", "gi_z", "p_sim", "q_value", "hotspot_class")
                ),
            ),
            on="lsoa_code",
            how="left",
        )
    if trends is not None:
        table = table.join(
            trends.table.select("lsoa_code", "years_hot", "pattern", "trend_tau"),
            on="lsoa_code",
            how="left",
        )
    if "gi_z" in table.columns:
        table = table.sort("gi_z", descending=True, nulls_last=True)
    return HotspotAnalysis(
        params=Params(
            method=f"Getis-Ord G* with {settings.hotspot_permutations} conditional permutations, "
            f"Benjamini-Hochberg FDR at {settings.hotspot_fdr}; {weights.description}",
            citation=GI_CITATION,
            period=scope.period,
            seed=settings.seed,
            settings={
                "permutations": settings.hotspot_permutations,
                "fdr_level": settings.hotspot_fdr,
                "weights": weights_kind,
                "k": settings.hotspot_k,
                "exclude_anomalies": exclude_anomalies,
            },
        ),
        table=table,
        by_place=by_place,
        trends=trends,
        concentration=conc,
        concentration_by_year=pl.DataFrame(
            by_year_rows,
            schema={
                "year": pl.String,
                "crimes": pl.Int64,
                "top_share": pl.Float64,
                "chance_share": pl.Float64,
                "gini": pl.Float64,
            },
        ),
        weights=weights.description,
        weights_kind=weights.kind,
        geojson=str(geojson) if geojson else None,
        area_source=source,
        excluded_months=excluded,
        flagged_months=flagged,
        notes=tuple(notes),
    )
