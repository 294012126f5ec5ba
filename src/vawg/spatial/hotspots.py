"""Hot spots of in-scope crime between LSOAs: Getis-Ord G*, permutation p-values, FDR q-values.

:func:`hotspots` runs G* (:mod:`vawg.spatial.gistar`, identical to esda's ``G_Local(star=True)``)
on crimes per LSOA, with conditional permutation inference (seeded), and controls the false
discovery rate across all LSOAs with the Benjamini-Hochberg procedure. esda's ``p_sim`` is a
*directed* pseudo p-value (the tail the statistic falls in, chosen after seeing it), so the
q-values are computed from the two-sided p-value ``min(1, 2 * p_sim)``; an LSOA is a hot spot
when its q-value is below the FDR level (default 0.05) and its G* z-score is positive, a cold
spot when negative. LSOAs with a two-sided p below 0.05 that do not survive the FDR correction
are classed ``hot, not after FDR`` / ``cold, not after FDR``: an exploratory layer in which
about 5% of all LSOAs would appear by chance alone.

Two properties of the permutation test matter when reading the results. The smallest
attainable p-value is 1 / (R + 1), and the Benjamini-Hochberg rule asks the strongest of m
LSOAs for p <= 0.05 / m (about 5e-5 for Kent's 1,065), so R must be large (the default is 9,999
permutations). And conditional permutation holds the LSOA's own count fixed, so it tests
whether the *neighbours* are unusually high given the LSOA: a single very busy LSOA among
ordinary neighbours has a large G* z-score (its own count is in G*) but no significant
permutation p-value. Neighbour counts are skewed (a few town-centre LSOAs hold many crimes),
so the permutation distribution has a heavy upper tail and is far less extreme than the
normal approximation behind the z-score.

:func:`hotspot_trends` repeats the analysis for each financial year and classifies each LSOA's
history (a simplified version of the categories of ESRI's emerging hot spot analysis):

* ``persistent``: a hot spot in every year;
* ``emerging``: a hot spot in the latest year, not in the first, and in fewer than half of the
  earlier years (new or recently appeared);
* ``diminishing``: a hot spot in the first year but not the latest;
* ``intermittent``: a hot spot in some years, none of the above;
* ``never``: never a hot spot.

The same patterns are given on the exploratory (unadjusted p < 0.05) layer. Beside it,
Kendall's tau of the yearly G* z-scores (Mann-Kendall trend test) says whether the
LSOA's clustering is rising or falling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from vawg.errors import InputError
from vawg.results import Params, ResultMixin
from vawg.spatial.gistar import gi_star
from vawg.spatial.weights import SpatialWeights
from vawg.stats import benjamini_hochberg

__all__ = [
    "CLASSES",
    "GI_CITATION",
    "PATTERNS",
    "HotspotResult",
    "HotspotTrendResult",
    "hotspot_trends",
    "hotspots",
]

GI_CITATION = (
    "Getis A, Ord JK (1992) The analysis of spatial association by use of distance statistics. "
    "Geographical Analysis 24(3):189-206; Ord JK, Getis A (1995) Local spatial autocorrelation "
    "statistics: distributional issues and an application. Geographical Analysis 27(4):286-306; "
    "Anselin L (1995) Local indicators of spatial association - LISA. Geographical Analysis "
    "27(2):93-115 (conditional permutation); Benjamini Y, Hochberg Y (1995) Controlling the false "
    "discovery rate. JRSS B 57(1):289-300; Rey SJ et al. esda (PySAL) G_Local, the reference "
    "implementation the numbers are checked against."
)

HOT, COLD, NOT_SIGNIFICANT = "hot spot", "cold spot", "not significant"
HOT_UNADJUSTED, COLD_UNADJUSTED = "hot, not after FDR", "cold, not after FDR"
CLASSES = (HOT, HOT_UNADJUSTED, NOT_SIGNIFICANT, COLD_UNADJUSTED, COLD)
UNADJUSTED_LEVEL = 0.05


@dataclass(frozen=True)
class HotspotResult(ResultMixin):
    """G* per LSOA: ``table`` has lsoa_code, crimes, gi, gi_z, p_norm, p_sim, p_two_sided,
    q_value, hotspot_class (one of ``CLASSES``); sorted by gi_z, highest first."""

    params: Params
    table: pl.DataFrame
    weights: str
    permutations: int
    fdr_level: float
    hot_spots: int
    cold_spots: int
    hot_unadjusted: int
    cold_unadjusted: int

    def significant(self, kind: str = HOT) -> pl.DataFrame:
        """The hot (or cold) spots, strongest first."""
        return self.table.filter(pl.col("hotspot_class") == kind)


def _check_counts(counts: pl.DataFrame, weights: SpatialWeights, value: str) -> pl.DataFrame:
    for column in ("lsoa_code", value):
        if column not in counts.columns:
            raise InputError(
                f"hotspots: counts has no {column!r} column; columns are {', '.join(counts.columns)}"
            )
    if counts["lsoa_code"].is_duplicated().any():
        raise InputError("hotspots: an LSOA appears twice in counts; aggregate to one row per LSOA")
    unknown = counts.filter(~pl.col("lsoa_code").is_in(list(weights.ids)))
    if unknown.height and unknown[value].sum() > 0:
        raise InputError(
            f"hotspots: {unknown.height} LSOAs with crimes are not in the weights "
            f"(e.g. {unknown['lsoa_code'][0]}); build the weights from the same area list"
        )
    frame = pl.DataFrame({"lsoa_code": list(weights.ids)}).join(
        counts.select("lsoa_code", pl.col(value).cast(pl.Float64)), on="lsoa_code", how="left"
    )
    return frame.with_columns(pl.col(value).fill_null(0.0))


def hotspots(
    counts: pl.DataFrame,
    weights: SpatialWeights,
    *,
    value: str = "crimes",
    permutations: int = 999,
    seed: int = 0,
    fdr_level: float = 0.05,
    params: Params | None = None,
) -> HotspotResult:
    """G* hot and cold spots of ``counts[value]`` per LSOA (LSOAs absent from counts count 0)."""
    if not 0 < fdr_level < 1:
        raise InputError(f"hotspots: fdr_level={fdr_level} must be between 0 and 1, e.g. 0.05")
    if permutations < 99:
        raise InputError(
            f"hotspots: permutations={permutations} is too few for FDR control; use 999"
        )
    frame = _check_counts(counts, weights, value)
    y = frame[value].to_numpy()
    result = gi_star(y, weights, permutations=permutations, seed=seed)
    two_sided = np.minimum(1.0, 2.0 * result.p_sim)
    q = benjamini_hochberg(two_sided)
    significant = q < fdr_level
    nominal = two_sided < UNADJUSTED_LEVEL
    up = result.gi_z > 0
    klass = np.select(
        [significant & up, significant, nominal & up, nominal],
        [HOT, COLD, HOT_UNADJUSTED, COLD_UNADJUSTED],
        default=NOT_SIGNIFICANT,
    )
    table = frame.rename({value: "crimes"}).with_columns(
        pl.Series("gi", result.gi),
        pl.Series("gi_z", result.gi_z),
        pl.Series("p_norm", result.p_norm),
        pl.Series("p_sim", result.p_sim),
        pl.Series("p_two_sided", two_sided),
        pl.Series("q_value", q),
        pl.Series("hotspot_class", klass.astype(str)),
    )
    table = table.sort(["gi_z", "lsoa_code"], descending=[True, False])
    return HotspotResult(
        params=params
        or Params(
            method="Getis-Ord G* (binary weights, self included), conditional permutation, "
            "Benjamini-Hochberg FDR",
            citation=GI_CITATION,
            seed=seed,
        ),
        table=table,
        weights=weights.description,
        permutations=permutations,
        fdr_level=fdr_level,
        hot_spots=int((klass == HOT).sum()),
        cold_spots=int((klass == COLD).sum()),
        hot_unadjusted=int(np.isin(klass, [HOT, HOT_UNADJUSTED]).sum()),
        cold_unadjusted=int(np.isin(klass, [COLD, COLD_UNADJUSTED]).sum()),
    )


@dataclass(frozen=True)
class HotspotTrendResult(ResultMixin):
    """Hot spots per financial year and each LSOA's pattern across the years.

    ``table``: lsoa_code, years_hot, hot_first, hot_latest, trend_tau, trend_p, pattern, and
    years_hot_unadjusted, pattern_unadjusted (the same on the exploratory p < 0.05 layer); one
    row per LSOA. ``yearly``: lsoa_code, year, crimes, gi_z, p_sim, q_value, hotspot_class.
    """

    params: Params
    table: pl.DataFrame
    yearly: pl.DataFrame
    years: tuple[str, ...]
    patterns: dict[str, int]
    patterns_unadjusted: dict[str, int]


PATTERNS = ("persistent", "emerging", "diminishing", "intermittent", "never")


def _pattern(hot: list[bool]) -> str:
    if not any(hot):
        return "never"
    if all(hot):
        return "persistent"
    earlier = hot[:-1]
    if hot[-1] and not hot[0] and sum(earlier) < len(earlier) / 2:
        return "emerging"
    if hot[0] and not hot[-1]:
        return "diminishing"
    return "intermittent"


def _kendall(z: list[float]) -> tuple[float, float]:
    if len(z) < 3 or len(set(z)) < 2:
        return math.nan, math.nan
    tau, p = stats.kendalltau(np.arange(len(z)), z)
    return float(tau), float(p)


def hotspot_trends(
    counts: pl.DataFrame,
    weights: SpatialWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
    fdr_level: float = 0.05,
    params: Params | None = None,
) -> HotspotTrendResult:
    """Hot spots in each year of ``counts`` (lsoa_code, year, crimes) and their patterns.

    Each year uses the same weights and seed; FDR is controlled within each year.
    """
    if "year" not in counts.columns:
        raise InputError("hotspot_trends: counts needs a 'year' column (financial year)")
    years = tuple(sorted(counts["year"].unique().to_list()))
    if len(years) < 2:
        raise InputError(
            f"hotspot_trends: {len(years)} year(s) of data; persistence needs at least 2 years"
        )
    parts = []
    for year in years:
        one = hotspots(
            counts.filter(pl.col("year") == year).drop("year"),
            weights,
            permutations=permutations,
            seed=seed,
            fdr_level=fdr_level,
        )
        parts.append(
            one.table.select(
                "lsoa_code", "crimes", "gi_z", "p_sim", "q_value", "hotspot_class"
            ).with_columns(pl.lit(year).alias("year"))
        )
    yearly = pl.concat(parts).sort(["lsoa_code", "year"])
    rows = []
    for (code,), group in yearly.group_by(["lsoa_code"], maintain_order=True):
        classes = group["hotspot_class"].to_list()
        hot = [c == HOT for c in classes]
        nominal = [c in (HOT, HOT_UNADJUSTED) for c in classes]
        tau, p = _kendall(group["gi_z"].to_list())
        rows.append(
            (
                code,
                sum(hot),
                hot[0],
                hot[-1],
                tau,
                p,
                _pattern(hot),
                sum(nominal),
                _pattern(nominal),
            )
        )
    table = pl.DataFrame(
        rows,
        schema={
            "lsoa_code": pl.String,
            "years_hot": pl.Int64,
            "hot_first": pl.Boolean,
            "hot_latest": pl.Boolean,
            "trend_tau": pl.Float64,
            "trend_p": pl.Float64,
            "pattern": pl.String,
            "years_hot_unadjusted": pl.Int64,
            "pattern_unadjusted": pl.String,
        },
        orient="row",
    ).sort(["years_hot", "years_hot_unadjusted", "lsoa_code"], descending=[True, True, False])
    counts_by_pattern = {k: int((table["pattern"] == k).sum()) for k in PATTERNS}
    unadjusted = {k: int((table["pattern_unadjusted"] == k).sum()) for k in PATTERNS}
    return HotspotTrendResult(
        params=params
        or Params(
            method="Getis-Ord G* per financial year; pattern across years; Mann-Kendall trend",
            citation=GI_CITATION,
            seed=seed,
        ),
        table=table,
        yearly=yearly.select(
            "lsoa_code", "year", "crimes", "gi_z", "p_sim", "q_value", "hotspot_class"
        ),
        years=years,
        patterns=counts_by_pattern,
        patterns_unadjusted=unadjusted,
    )
