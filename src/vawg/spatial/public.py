"""The public hot-spot result: :func:`disclose_hotspots` (``HotspotAnalysis`` → the same type).

* LSOA counts, for each place (all, public places, homes): withheld when small, with the LSOAs
  of a district protected together, because district totals are published (in the profile and
  on the open site): no district may have one withheld LSOA, nor withheld LSOAs adding up to a
  small count. Shown counts are rounded.
* No statistic of a withheld LSOA: its G* z-score, q-value, class and pattern across the years
  are blank too (a z-score of a hidden count, with its neighbours' counts, would give it back).
  G* z-scores are rounded to one decimal; permutation p-values and the trend statistics are not
  published.
* Per year: LSOA counts are not published; the yearly G* statistics of an LSOA-year whose count
  is small are blank, and so is the pattern across the years of an LSOA whose count is withheld.
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
from vawg.spatial.hotspots import HotspotResult, HotspotTrendResult

__all__ = ["PREFIXES", "disclose_hotspots"]

PREFIXES = {"all": "", "public": "public_", "home": "home_"}
"""Column prefix of each place in the per-LSOA table."""

_STATISTICS = ("gi_z", "p_sim", "q_value", "hotspot_class")


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
        table = table.drop(SUPPRESSED_FLAG).with_columns(pl.col(prefix + "gi_z").round(1))
        by_place[place] = _place(found, table, prefix)
    table = table.drop(
        [c for c in table.columns if c.endswith("p_sim") or c == "trend_tau"], strict=False
    )
    hidden = table.filter(pl.col("crimes").is_null())["lsoa_code"]
    return dataclasses.replace(
        result,
        params=params,
        table=table,
        by_place=by_place,
        trends=_trends(result.trends, threshold, hidden) if result.trends else None,
        concentration={p: _concentration(c, threshold) for p, c in result.concentration.items()},
        concentration_by_year=_by_year(result.concentration_by_year, threshold),
        notes=public_notes(result.notes, threshold),
        area_source=public_source(result.area_source),
    )


def _place(found: HotspotResult, table: pl.DataFrame, prefix: str) -> HotspotResult:
    """The place's own table, made from the public per-LSOA table (nothing else of it)."""
    shown = table.select(
        "lsoa_code",
        *(pl.col(prefix + c).alias(c) for c in ("crimes", "gi_z", "q_value", "hotspot_class")),
    ).sort("gi_z", descending=True, nulls_last=True)
    return dataclasses.replace(found, table=shown)


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
    yearly = yearly.drop("_small", "crimes", "p_sim", strict=False).with_columns(
        pl.col("gi_z").round(1)
    )
    table = trends.table.drop("trend_tau", "trend_p", strict=False)
    withheld = pl.col("lsoa_code").is_in(hidden.implode())
    table = table.with_columns(
        pl.when(withheld).then(None).otherwise(pl.col(c)).alias(c)
        for c in table.columns
        if c != "lsoa_code"
    )
    return dataclasses.replace(trends, table=table, yearly=yearly)


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
