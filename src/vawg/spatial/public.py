"""The public hot-spot result: :func:`disclose_hotspots` (``HotspotAnalysis`` → the same type).

* LSOA counts, for each place (all, public places, homes): withheld when small, with the LSOAs
  of a district protected together, because district totals are published (in the profile and
  on the open site): no district may have one withheld LSOA, nor withheld LSOAs adding up to a
  small count. Shown counts are rounded.
* No statistic of a withheld LSOA: its rate, G* z-score, q-value, class, hot-spot flag and
  pattern across the years are blank too (a z-score of a hidden count, with its neighbours'
  counts, would give it back). A shown rate is the rate of the rounded count (the exact rate
  would give the exact count back, residents being public), with the exact interval of the
  rounded count; a neighbourhood's rate is that of its count rounded the same way (the
  neighbourhood count itself is not published). G* z-scores are rounded to one
  decimal and q-values to two significant figures; p-values (normal and permutation) and the
  trend statistics are not published.
* Placement: the counts of crimes placed by code, by coordinates and not at all are rounded,
  and withheld when small (:func:`disclose_placement`).
* Per year: LSOA counts are not published; the yearly G* statistics of an LSOA-year whose count
  is small are blank, and so is the pattern across the years of an LSOA whose count is withheld;
  the counts of LSOAs by pattern are of the LSOAs shown, and the rest are counted as not shown.
* Concentration: the Lorenz curve only at every 5% of LSOAs (each step then holds dozens of
  LSOAs, not one), crimes rounded, shares to three decimals; the same by year.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl

from vawg.config import Settings
from vawg.disclosure import (
    SUPPRESSED_FLAG,
    is_disclosive,
    public_notes,
    public_params,
    public_source,
    round_count,
    suppress,
)
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.concentration import ConcentrationResult
from vawg.spatial.hotspots import HotspotResult, HotspotTrendResult, pattern_counts
from vawg.spatial.open_data import CAVEAT, OpenDataHotspots
from vawg.spatial.placement import Placement
from vawg.stats import rate_per_1000_per_year

__all__ = ["PREFIXES", "disclose_hotspots", "disclose_open_hotspots", "disclose_placement"]

PREFIXES = {"all": "", "public": "public_", "home": "home_"}
"""Column prefix of each place in the per-LSOA table."""

_STATISTICS = (
    "rate",
    "rate_ci_low",
    "rate_ci_high",
    "neighbourhood_crimes",
    "neighbourhood_rate",
    "gi_z",
    "p_value",
    "p_sim",
    "p_perm",
    "q_value",
    "declared",
    "hotspot_class",
)
_EXACT_P = ("p_sim", "p_value", "p_perm")


def disclose_hotspots(result: HotspotAnalysis, settings: Settings) -> HotspotAnalysis:
    """The public version of ``result`` (same type): see the module docstring."""
    if "disclosure" in result.params.settings:
        return result
    params = public_params(result.params, settings)
    threshold = settings.disclosure_threshold
    table = result.table
    by_place = {}
    for place, found in result.by_place.items():
        prefix = PREFIXES[place]
        statistics = [prefix + c for c in _STATISTICS if prefix + c in table.columns]
        table = suppress(
            table,
            prefix + "crimes",
            threshold=threshold,
            margins=[["district"]],
            dependents=statistics,
        )
        if place == "all":  # the pattern across the years is a statistic of the LSOA too
            table = table.with_columns(
                pl.when(pl.col(SUPPRESSED_FLAG)).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("years_hot", "pattern")
                if c in table.columns
            )
        table = _rounded_rates(table.drop(SUPPRESSED_FLAG), prefix, result.years, threshold)
        table = table.with_columns(
            pl.col(prefix + "gi_z").round(1), pl.col(prefix + "q_value").round_sig_figs(2)
        )
        by_place[place] = _place(found, table, prefix)
    table = table.drop(
        [
            c
            for c in table.columns
            if c.endswith((*_EXACT_P, "neighbourhood_crimes")) or c == "trend_tau"
        ],
        strict=False,
    )
    hidden = table.filter(pl.col("crimes").is_null())["lsoa_code"]
    placement = disclose_placement(result.placement, threshold)
    placed_notes = set(result.placement.notes())
    other_notes = [n for n in result.notes if n not in placed_notes]
    return dataclasses.replace(
        result,
        params=params,
        table=table,
        by_place=by_place,
        trends=_trends(result.trends, threshold, hidden) if result.trends else None,
        concentration={p: _concentration(c, threshold) for p, c in result.concentration.items()},
        concentration_by_year=_by_year(result.concentration_by_year, threshold),
        notes=(*placement.notes(), *public_notes(other_notes, threshold)),
        placement=placement,
        area_source=public_source(result.area_source),
    )


def _rounded_rates(table: pl.DataFrame, prefix: str, years: float, base: int) -> pl.DataFrame:
    """The place's rates (own, with interval, and the neighbourhood's) of the rounded counts:
    an exact rate would give the exact count back, residents being public."""
    if "female_population" not in table.columns:  # an older Result: residents only
        return table.with_columns(
            (1000.0 * pl.col(prefix + "crimes") / pl.col("population") / years).alias(
                prefix + "rate"
            )
        )
    rates = [
        rate_per_1000_per_year(c, p, years)
        for c, p in zip(table[prefix + "crimes"], table["female_population"], strict=True)
    ]
    out = table.with_columns(
        pl.Series(prefix + "rate", [r.estimate for r in rates], dtype=pl.Float64),
        pl.Series(prefix + "rate_ci_low", [r.ci_low for r in rates], dtype=pl.Float64),
        pl.Series(prefix + "rate_ci_high", [r.ci_high for r in rates], dtype=pl.Float64),
    ).with_columns(
        pl.col(prefix + c).fill_nan(None) for c in ("rate", "rate_ci_low", "rate_ci_high")
    )
    if prefix + "neighbourhood_crimes" in out.columns:
        rounded = pl.Series(
            [round_count(n, base) for n in out[prefix + "neighbourhood_crimes"].to_list()],
            dtype=pl.Float64,
        )
        out = out.with_columns(
            (1000.0 * rounded / out["neighbourhood_female_population"] / years).alias(
                prefix + "neighbourhood_rate"
            )
        )
    return out


def disclose_open_hotspots(result: OpenDataHotspots, settings: Settings) -> OpenDataHotspots:
    """The public version of the open-data hot spots (same type), by the rules above for all
    places: small LSOA counts withheld (districts protected together) with their statistics,
    shown counts rounded, rates of the rounded counts, exact p-values dropped, placement
    rounded; the area rate to one decimal and the total rows rounded."""
    if "disclosure" in result.params.settings:
        return result
    threshold = settings.disclosure_threshold
    statistics = [c for c in _STATISTICS if c in result.table.columns]
    table = suppress(
        result.table,
        "crimes",
        threshold=threshold,
        margins=[["district"]],
        dependents=statistics,
    )
    table = table.drop(SUPPRESSED_FLAG).with_columns(
        pl.col("gi_z").round(1),
        (1000.0 * pl.col("crimes") / pl.col("population") / result.years).alias("rate"),
        pl.col("q_value").round_sig_figs(2),
    )
    table = table.drop([c for c in table.columns if c.endswith(_EXACT_P)], strict=False)
    placement = disclose_placement(result.placement, threshold)
    return dataclasses.replace(
        result,
        params=public_params(result.params, settings, grid=False),  # police.uk months
        table=table,
        found=_place(result.found, table, ""),
        placement=placement,
        rows=round_count(result.rows, threshold) or 0,  # None only for None
        force_rate=round(result.force_rate, 1),
        area_source=public_source(result.area_source),
        notes=(*placement.notes(), CAVEAT),
    )


def _place(found: HotspotResult, table: pl.DataFrame, prefix: str) -> HotspotResult:
    """The place's own table, made from the public per-LSOA table (nothing else of it)."""
    columns = ("crimes", "population", "rate", "gi_z", "q_value", "declared", "hotspot_class")
    # (the own-rate interval and the neighbourhood's rate stay in the per-LSOA table)
    shown = table.select(
        "lsoa_code",
        *(pl.col(prefix + c).alias(c) for c in columns if prefix + c in table.columns),
    ).sort("gi_z", descending=True, nulls_last=True)
    return dataclasses.replace(found, table=shown)


def disclose_placement(placement: Placement, threshold: int) -> Placement:
    """The placement counts rounded to the threshold, each withheld when small."""

    def shown(value: int | None) -> int | None:
        return None if is_disclosive(value, threshold) else round_count(value, threshold)

    rows = [shown(v) for v in placement.table["rows"].to_list()]
    return dataclasses.replace(
        placement,
        table=placement.table.with_columns(pl.Series("rows", rows, dtype=pl.Int64)),
        rows=shown(placement.rows),
        by_code=shown(placement.by_code),
        by_coordinates=shown(placement.by_coordinates),
        not_placed=shown(placement.not_placed),
        checked=shown(placement.checked),
        disagree=shown(placement.disagree),
        withheld_below=threshold,
    )


def _trends(trends: HotspotTrendResult, threshold: int, hidden: pl.Series) -> HotspotTrendResult:
    yearly = trends.yearly.with_columns(
        pl.col("crimes")
        .map_elements(lambda n: is_disclosive(n, threshold), return_dtype=pl.Boolean)
        .alias("_small")
    )
    yearly = yearly.with_columns(
        pl.when(pl.col("_small")).then(None).otherwise(pl.col(c)).alias(c)
        for c in _STATISTICS
        if c in yearly.columns
    )
    yearly = yearly.drop("_small", "crimes", *_EXACT_P, strict=False).with_columns(
        pl.col("gi_z").round(1)
    )
    table = trends.table.drop("trend_tau", "trend_p", strict=False)
    withheld = pl.col("lsoa_code").is_in(hidden.implode())
    table = table.with_columns(
        pl.when(withheld).then(None).otherwise(pl.col(c)).alias(c)
        for c in table.columns
        if c != "lsoa_code"
    )
    # The pattern counts are of the LSOAs shown: counted over all of them, they would give back
    # the patterns of withheld LSOAs (and would not add up to the table's rows).
    confirmed, unadjusted, all_but_one = pattern_counts(table, trends.years)
    return dataclasses.replace(
        trends,
        table=table,
        yearly=yearly,
        patterns=confirmed,
        patterns_unadjusted=unadjusted,
        hot_all_but_one=all_but_one,
        withheld_lsoas=int(table["pattern"].is_null().sum()),
    )


def _concentration(result: ConcentrationResult, threshold: int) -> ConcentrationResult:
    curve = result.table
    if curve.height > 2:
        grid = np.linspace(0.0, 1.0, 21)
        values = np.interp(
            grid, curve["share_of_lsoas"].to_numpy(), curve["share_of_crimes"].to_numpy()
        )
        curve = pl.DataFrame({"share_of_lsoas": grid, "share_of_crimes": values.round(3)})
    return dataclasses.replace(
        result,
        table=curve,
        crimes=round_count(result.crimes, threshold) or 0,
        top_share=round(result.top_share, 3),
        top_population_share=round(result.top_population_share, 3),
        gini=round(result.gini, 3),
    )


def _by_year(frame: pl.DataFrame, threshold: int) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    shares = [c for c in ("top_share", "chance_share", "gini") if c in frame.columns]
    out = suppress(frame, "crimes", threshold=threshold, margins=[], dependents=shares)
    return out.drop(SUPPRESSED_FLAG).with_columns(pl.col(shares).round(3))
