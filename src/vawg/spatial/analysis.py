"""The hot-spot analysis: placement, weights, G* hot spots by place, persistence, concentration.

:func:`hotspot_analysis` first places every in-scope crime in an LSOA of the area table (by its
code, else by its coordinates: :mod:`vawg.spatial.placement`) and says how many it could not
place; then builds the spatial weights (k nearest neighbours between population-weighted
centroids by default; queen contiguity between the LSOA boundaries on request), runs G* on
in-scope crimes per 1,000 residents of each LSOA for all places, public places and homes
(:mod:`vawg.spatial.hotspots`: normal z-test p-values, FDR decision, permutation check), repeats
it per financial year for persistent and emerging hot spots, and measures concentration. The
rates it reports are, as everywhere in the product, crimes per 1,000 women and girls a year with
their exact Poisson intervals: an LSOA's female residents are estimated as its share of its
district's residents times the district's ONS female population (the profile's denominator), so
the LSOA rates add up to the profile's district rates. Beside its own rate each LSOA has its
neighbourhood's (itself and its neighbours, the area G* tests). Months
the feed check flags can be left out. The per-LSOA table carries the names a reader needs: the
LSOA name, the district and, where the area table has one, the town whose centre it is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.ingest.boundaries import SHIPPED_SOURCE, Boundaries, boundaries_for
from vawg.inputs import frames
from vawg.inputs.anomaly import feed_anomalies
from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.scope import Scope, held, vawg_scope
from vawg.spatial.concentration import ConcentrationResult, concentration
from vawg.spatial.hotspots import (
    GI_CITATION,
    HotspotResult,
    HotspotTrendResult,
    hotspot_trends,
    hotspots,
)
from vawg.spatial.placement import Placement, place_scope
from vawg.spatial.weights import SpatialWeights, distance_band_weights, knn_weights, queen_weights
from vawg.stats import rate_per_1000_per_year

__all__ = ["PLACES", "HotspotAnalysis", "hotspot_analysis"]

PLACES = ("all", "public", "home")
# Below this mean count of crimes per LSOA the G* z-test's normal approximation is optimistic
# (measured: P(any false hot spot | nothing planted) 6% at 20 per LSOA, 12% at 5, 17% at 2).
SMALL_COUNTS = 20.0
_PLACE_WORDS = {"all": "all places", "public": "public places", "home": "homes"}


def _small_counts_note(place: str, per_lsoa: float) -> str:
    """The warning for few crimes per LSOA, in words for the report's body (the measured false
    alarm rates, from simulation, are in the report's methods)."""
    return (
        f"Few crimes per LSOA at {_PLACE_WORDS[place]} ({per_lsoa:.1f} on average): with so "
        "few, the test declares a false hot spot somewhat more often than intended (see the "
        "methods); give most weight to hot spots the second check also confirms."
    )


@dataclass(frozen=True)
class HotspotAnalysis(ResultMixin):
    """``table``: one row per LSOA (lsoa_code, lsoa_name, district, town_centre, town, easting,
    northing, population (all residents), female_population (estimated: see the module
    docstring), neighbourhood_female_population (the LSOA's and its neighbours'), then crimes,
    rate, rate_ci_low, rate_ci_high (per 1,000 women and girls a year, exact 95% Poisson interval),
    neighbourhood_crimes, neighbourhood_rate (the same rate over the LSOA and its neighbours),
    gi_z, p_value, p_perm, q_value, declared, hotspot_class for all places, the same prefixed
    ``public_`` and ``home_``, and the pattern across years), strongest all-places G* first.
    ``placement``: how the in-scope crimes were placed in LSOAs (and how many were not).
    ``boundaries``: the LSOA polygons used for placement, queen weights and maps.
    ``force_rates``: in-scope crimes placed in the area's LSOAs per 1,000 women and girls per
    year, by place (all, public, home), the benchmark an LSOA's ``rate`` is read against;
    ``force_rate_intervals``: their 95% intervals (low, high); ``years``:
    the length of the period in years (flagged months left out when excluded)."""

    params: Params
    table: pl.DataFrame
    by_place: dict[str, HotspotResult]
    trends: HotspotTrendResult | None
    concentration: dict[str, ConcentrationResult]
    concentration_by_year: pl.DataFrame
    weights: str
    weights_kind: str
    area_source: str
    placement: Placement
    boundaries: Boundaries
    measure: str
    decision: str
    force_rates: dict[str, float]
    years: float
    excluded_months: tuple[date, ...]
    flagged_months: tuple[date, ...]
    notes: tuple[str, ...]
    force_rate_intervals: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)


def _weights(
    areas: pl.DataFrame, kind: str, k: int, band: float, boundaries: Boundaries
) -> SpatialWeights:
    ids, east, north = areas["lsoa_code"], areas["easting"], areas["northing"]
    if kind == "queen":
        has_xy = not (east.null_count() or north.null_count())
        return queen_weights(
            boundaries,
            ids.to_list(),
            east.to_list() if has_xy else None,
            north.to_list() if has_xy else None,
        )
    if east.null_count() or north.null_count():
        # No centroid in areas.csv: a point inside the LSOA's boundary stands in for it.
        import shapely

        inside = shapely.point_on_surface(boundaries.polygons_for(ids.to_list()))
        east = east.cast(pl.Float64).fill_null(pl.Series(shapely.get_x(inside)))
        north = north.cast(pl.Float64).fill_null(pl.Series(shapely.get_y(inside)))
        if east.is_nan().any() or north.is_nan().any() or east.null_count():
            raise InputError(
                "hot spots need a population-weighted centroid (easting, northing) or a "
                "boundary for every LSOA in areas.csv; set the boundaries setting to the "
                "force's areas.geojson"
            )
    if kind == "knn":
        return knn_weights(ids, east, north, k=k)
    if kind == "distance":
        return distance_band_weights(ids, east, north, threshold=band)
    raise InputError(f"--weights {kind!r}: use knn, queen or distance")


def _female_population(areas: pl.DataFrame) -> pl.DataFrame:
    """lsoa_code, female_population: each LSOA's share of its district's residents (in the area
    table) times the district's ONS mid-2019 female population (all ages); a district the
    national file does not know gets the force-wide female share of residents."""
    from vawg.datasets.national import england_wales_district_population

    females = (
        england_wales_district_population()
        .filter(pl.col("sex") == "F")
        .group_by("district")
        .agg(pl.col("population").sum().cast(pl.Float64).alias("_females"))
    )
    frame = areas.select("lsoa_code", "district", pl.col("population").cast(pl.Float64)).join(
        females, on="district", how="left"
    )
    frame = frame.with_columns(
        pl.col("population").sum().over("district").alias("_residents")
    ).with_columns((pl.col("_females") / pl.col("_residents")).alias("_share"))
    known = (
        frame.filter(pl.col("_share").is_not_null())
        .group_by("district")
        .agg(pl.col("_females").first(), pl.col("population").sum())
    )
    overall = (
        float(known["_females"].sum()) / float(known["population"].sum())
        if known.height and float(known["population"].sum()) > 0
        else 0.51  # no district known: about the female share of England and Wales
    )
    return frame.select(
        "lsoa_code",
        (pl.col("population") * pl.col("_share").fill_null(overall)).alias("female_population"),
    )


def _neighbourhood(weights: SpatialWeights, codes: pl.Series, values: pl.Series) -> pl.Series:
    """Each LSOA's value plus its neighbours' (the neighbourhood G* tests), in ``codes`` order."""
    index = {code: i for i, code in enumerate(weights.ids)}
    vector = np.zeros(weights.n)
    for code, value in zip(codes.to_list(), values.to_list(), strict=True):
        if code in index and value is not None:
            vector[index[code]] = float(value)
    summed = np.asarray((weights.matrix != 0) @ vector).ravel() + vector
    return pl.Series([float(summed[index[c]]) if c in index else None for c in codes.to_list()])


def _names(areas: pl.DataFrame, boundaries: Boundaries) -> pl.DataFrame:
    """lsoa_code, lsoa_name, district, town_centre, town for every LSOA of the area table."""
    names = boundaries.frame().select("lsoa_code", pl.col("lsoa_name").alias("_name"))
    if boundaries.source != SHIPPED_SOURCE:
        from vawg.datasets import kent_lsoas

        shipped = kent_lsoas().select("lsoa_code", pl.col("lsoa_name").alias("_shipped"))
        names = names.join(shipped, on="lsoa_code", how="full", coalesce=True).select(
            "lsoa_code", pl.coalesce("_name", "_shipped").alias("_name")
        )
    out = areas.join(names, on="lsoa_code", how="left")
    if "town_centre_name" in out.columns:  # the contract's name for the town an LSOA centres
        out = out.rename({"town_centre_name": "town"})
    for column, dtype in (("town_centre", pl.Boolean), ("town", pl.String)):
        if column not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=dtype).alias(column))
    return out.select(
        "lsoa_code",
        pl.col("_name").alias("lsoa_name"),
        "district",
        pl.col("town_centre").cast(pl.Boolean),
        pl.col("town").cast(pl.String),
    )


def hotspot_analysis(
    tables: Tables,
    settings: Settings,
    *,
    exclude_anomalies: bool = False,
    weights_kind: str = "knn",
    boundaries: Boundaries | None = None,
    distance_band: float = 2000.0,
) -> HotspotAnalysis:
    """Hot spots of in-scope crime over the LSOAs of the area table.

    ``boundaries`` defaults to the ``boundaries`` setting's file, else the shipped Kent and
    Medway LSOAs; they place crimes that have coordinates but no usable code, give queen
    neighbours (``weights_kind="queen"``) and draw the maps.
    """
    boundaries = boundaries if boundaries is not None else boundaries_for(settings)
    # The scope is read by the feed check, the placement and the counts: held once for them.
    with held(tables, vawg_scope(tables, settings)) as scope:
        return _hotspot_analysis(
            tables, settings, scope, exclude_anomalies, weights_kind, boundaries, distance_band
        )


def _hotspot_analysis(
    tables: Tables,
    settings: Settings,
    scope: Scope,
    exclude_anomalies: bool,
    weights_kind: str,
    boundaries: Boundaries,
    distance_band: float,
) -> HotspotAnalysis:
    anomalies = feed_anomalies(
        frames.monthly_series(tables, scope),
        z_threshold=settings.anomaly_z,
        default_cv=settings.anomaly_cv,
    )
    flagged = anomalies.flagged_in("force extract")
    excluded = flagged if exclude_anomalies else ()
    areas, source = frames.area_table(tables)
    areas = areas.sort("lsoa_code")
    scope, placement = place_scope(scope, areas["lsoa_code"], boundaries)
    weights = _weights(areas, weights_kind, settings.hotspot_k, distance_band, boundaries)
    counts = frames.lsoa_counts(scope, excluded)
    notes: list[str] = list(placement.notes())
    counts = counts.filter(pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    if flagged and not exclude_anomalies:
        notes.append(
            "The feed check flagged "
            + ", ".join(m.strftime("%b %Y") for m in flagged)
            + "; they are included (they can be left out on request)."
        )
    population = areas.select("lsoa_code", "population")
    female = _female_population(areas)
    female = female.with_columns(
        _neighbourhood(weights, female["lsoa_code"], female["female_population"]).alias(
            "neighbourhood_female_population"
        )
    )
    women = float(female["female_population"].sum())
    measure, decision = settings.hotspot_measure, settings.hotspot_decision
    years_in_period = _years(scope.period, excluded)
    by_place: dict[str, HotspotResult] = {}
    for place in PLACES:
        part = population.join(
            counts.select("lsoa_code", pl.col(place).alias("crimes")), on="lsoa_code", how="left"
        ).with_columns(pl.col("crimes").fill_null(0))
        if int(part["crimes"].sum()) == 0:
            notes.append(f"No in-scope crimes at {place} places; no hot spots computed for them.")
            continue
        per_lsoa = int(part["crimes"].sum()) / part.height
        if per_lsoa < SMALL_COUNTS and decision == "normal":
            notes.append(_small_counts_note(place, per_lsoa))
        by_place[place] = hotspots(
            part,
            weights,
            measure=measure,
            decision=decision,
            permutations=settings.hotspot_permutations,
            seed=settings.seed,
            fdr_level=settings.hotspot_fdr,
        )
    yearly = frames.lsoa_year_counts(scope, excluded)
    yearly = yearly.filter(pl.col("lsoa_code").is_in(areas["lsoa_code"].implode()))
    # Every LSOA in every year (zero where it had no crime), each with its residents.
    yearly = (
        population.join(yearly.select("year").unique(), how="cross")
        .join(yearly, on=["lsoa_code", "year"], how="left")
        .with_columns(pl.col("crimes").fill_null(0))
    )
    trends: HotspotTrendResult | None = None
    if yearly["year"].n_unique() >= 2:
        trends = hotspot_trends(
            yearly,
            weights,
            measure=measure,
            decision=decision,
            permutations=settings.hotspot_permutations,
            seed=settings.seed,
            fdr_level=settings.hotspot_fdr,
        )
    else:
        notes.append("Fewer than two financial years: no persistence analysis.")
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
    table = _names(areas, boundaries).join(
        areas.select("lsoa_code", "easting", "northing", "population"), on="lsoa_code"
    )
    table = table.join(female, on="lsoa_code", how="left")
    for place, result in by_place.items():
        prefix = "" if place == "all" else f"{place}_"
        own = result.table.select("lsoa_code", "crimes").join(female, on="lsoa_code", how="left")
        rates = [
            rate_per_1000_per_year(int(c), p, years_in_period)
            for c, p in zip(own["crimes"], own["female_population"], strict=True)
        ]
        nbhd = _neighbourhood(weights, own["lsoa_code"], own["crimes"])
        own = own.with_columns(
            pl.Series(prefix + "rate", [r.estimate for r in rates], dtype=pl.Float64),
            pl.Series(prefix + "rate_ci_low", [r.ci_low for r in rates], dtype=pl.Float64),
            pl.Series(prefix + "rate_ci_high", [r.ci_high for r in rates], dtype=pl.Float64),
            nbhd.cast(pl.Int64).alias(prefix + "neighbourhood_crimes"),
            (1000.0 * nbhd / own["neighbourhood_female_population"] / years_in_period).alias(
                prefix + "neighbourhood_rate"
            ),
        )
        table = table.join(
            result.table.select(
                pl.col("lsoa_code"),
                pl.col("crimes").cast(pl.Int64).alias(prefix + "crimes"),
                *(
                    pl.col(c).alias(prefix + c)
                    for c in ("gi_z", "p_value", "p_perm", "q_value", "declared", "hotspot_class")
                ),
            ),
            on="lsoa_code",
            how="left",
        ).join(
            own.select(
                "lsoa_code",
                *(
                    prefix + c
                    for c in (
                        "rate",
                        "rate_ci_low",
                        "rate_ci_high",
                        "neighbourhood_crimes",
                        "neighbourhood_rate",
                    )
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
        table = table.sort(["gi_z", "lsoa_code"], descending=[True, False], nulls_last=True)
    what = "crimes per 1,000 residents" if measure == "rate" else "crime counts"
    test = "normal z-test" if decision == "normal" else "conditional permutation"
    force = {
        place: rate_per_1000_per_year(int(r.table["crimes"].sum()), women, years_in_period)
        for place, r in by_place.items()
    }
    return HotspotAnalysis(
        params=Params(
            method=f"Getis-Ord G* on {what}, {test} p-values, Benjamini-Hochberg FDR at "
            f"{settings.hotspot_fdr}; {settings.hotspot_permutations} conditional permutations "
            f"as a check; {weights.description}",
            citation=GI_CITATION,
            period=scope.period,
            seed=settings.seed,
            settings={
                "permutations": settings.hotspot_permutations,
                "fdr_level": settings.hotspot_fdr,
                "measure": measure,
                "decision": decision,
                "weights": weights_kind,
                "k": settings.hotspot_k,
                "exclude_anomalies": exclude_anomalies,
                "boundaries": boundaries.source,
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
        area_source=source,
        placement=placement,
        boundaries=boundaries,
        measure=measure,
        decision=decision,
        force_rates={p: f.estimate for p, f in force.items()},
        force_rate_intervals={p: (f.ci_low, f.ci_high) for p, f in force.items()},
        years=years_in_period,
        excluded_months=excluded,
        flagged_months=flagged,
        notes=tuple(notes),
    )


def _years(period: tuple[date, date], excluded: tuple[date, ...]) -> float:
    """Length of the period in years, less the excluded months (for rates per year)."""
    start, end = period
    days = (end - start).days + 1
    for month in excluded:
        following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        days -= (following - month).days
    return max(days, 1) / 365.25
