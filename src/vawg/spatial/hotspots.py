"""Hot spots of in-scope crime between LSOAs: Getis-Ord G*, z-test p-values, FDR q-values.

:func:`hotspots` runs G* (:mod:`vawg.spatial.gistar`, identical to esda's ``G_Local(star=True)``)
on each LSOA's crimes per 1,000 residents (or on crime counts) and decides which LSOAs are hot
spots by controlling the false discovery rate across all of them (Benjamini-Hochberg).

**The decision (default ``decision="normal"``).** Each LSOA's p-value is the two-sided p of its
G* z-score under the normal approximation (Ord & Getis 1995): the z-score is a standardised sum
of the LSOA's own value and its neighbours', close to normal once the neighbourhood holds more
than a handful of crimes. An LSOA is a **hot spot** (``declared``) when its Benjamini-Hochberg
q-value is below the FDR level (default 5%) and its z is positive; a **cold spot** when
negative. This is the inference of ESRI's Hot Spot Analysis with its FDR correction; Caldas de
Castro & Singer (2006) recommend FDR control for local statistics of spatial association.

Why not permutation p-values as the decision: the smallest attainable permutation p is
1 / (R + 1), while the Benjamini-Hochberg rule asks the strongest of m LSOAs for p <= 0.05 / m
(about 5e-5 for Kent's 1,065 LSOAs, 1.5e-6 for England's 33,000). With the 9,999 permutations
once used here no LSOA could ever be declared, planted or not; permutations "sized to the number
of tests" would need about a million per LSOA nationally. Normal p-values have no floor.

**The check.** Conditional permutation p-values (esda's ``p_sim``, seeded) are computed beside
them (``p_perm`` = two-sided, min(1, 2 p_sim)), and the Result counts how many declared hot spots
the permutation test also puts below 0.05. The two answer slightly different questions: the
conditional permutation holds the LSOA's own value fixed and asks whether its *neighbours* are
unusually high, so a single very busy LSOA among ordinary neighbours has a large z but need not
have a small ``p_perm``. ``decision="permutation"`` makes the permutation p-values the decision
(the former behaviour), for short area lists where R can be made large enough.

**Rates, not counts (``measure="rate"``, the analysis default).** LSOAs hold similar but not
equal numbers of residents (about 1,000 to 6,500 in Kent); G* on counts finds clusters of
populous LSOAs as well as clusters of high risk. On synthetic Kent with nothing planted (every
resident equally at risk) G* on counts declared about 1% of LSOAs hot spots, G* on rates none.

Checked by simulation: ``tests/spatial/test_hotspot_power.py`` (Kent's LSOAs with planted and
with no clusters, many draws) and the slow tests on synthetic Kent
(``tests/spatial/test_hotspots_synthetic.py``): on null data far fewer than 5% of LSOAs are
declared; planted town-centre neighbourhoods with a true rate ratio of 2 or more are found.

LSOAs with an unadjusted two-sided p below 0.05 that do not survive the FDR correction are
classed ``hot, not after FDR`` / ``cold, not after FDR``: an exploratory layer in which about 5%
of all LSOAs would appear by chance alone.

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

import functools
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
    "DECISIONS",
    "GI_CITATION",
    "MEASURES",
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
    "discovery rate. JRSS B 57(1):289-300; Caldas de Castro M, Singer BH (2006) Controlling the "
    "false discovery rate: a new application to account for multiple and dependent tests in "
    "local statistics of spatial association. Geographical Analysis 38(2):180-208; Rey SJ et al. "
    "esda (PySAL) G_Local, the reference implementation the numbers are checked against."
)

HOT, COLD, NOT_SIGNIFICANT = "hot spot", "cold spot", "not significant"
HOT_UNADJUSTED, COLD_UNADJUSTED = "hot, not after FDR", "cold, not after FDR"
CLASSES = (HOT, HOT_UNADJUSTED, NOT_SIGNIFICANT, COLD_UNADJUSTED, COLD)
UNADJUSTED_LEVEL = 0.05
MEASURES = ("rate", "count")
DECISIONS = ("normal", "permutation")


@dataclass(frozen=True)
class HotspotResult(ResultMixin):
    """G* per LSOA, strongest first.

    ``table``: lsoa_code, crimes, population (null when not given), value (what G* ran on:
    crimes per 1,000 residents, or crimes), gi, gi_z, p_value (two-sided normal), p_sim (esda's
    directed permutation p), p_perm (two-sided permutation), q_value (Benjamini-Hochberg on the
    decision's p-values), declared (a hot spot: q below the FDR level and z above 0),
    hotspot_class (one of ``CLASSES``). ``confirmed_by_permutation``: declared hot spots whose
    ``p_perm`` is also below 0.05.
    """

    params: Params
    table: pl.DataFrame
    weights: str
    permutations: int
    fdr_level: float
    hot_spots: int
    cold_spots: int
    hot_unadjusted: int
    cold_unadjusted: int
    measure: str = "count"
    decision: str = "normal"
    confirmed_by_permutation: int = 0

    def significant(self, kind: str = HOT) -> pl.DataFrame:
        """The hot (or cold) spots, strongest first."""
        return self.table.filter(pl.col("hotspot_class") == kind)

    @property
    def declared(self) -> tuple[str, ...]:
        """LSOA codes declared hot spots, strongest first."""
        return tuple(self.table.filter(pl.col("declared"))["lsoa_code"].to_list())


def _check_counts(
    counts: pl.DataFrame, weights: SpatialWeights, value: str, measure: str
) -> pl.DataFrame:
    needed = ("lsoa_code", value, "population") if measure == "rate" else ("lsoa_code", value)
    for column in needed:
        if column not in counts.columns:
            hint = (
                "; measure='rate' needs each LSOA's residents (or use measure='count')"
                if column == "population"
                else ""
            )
            raise InputError(
                f"hotspots: counts has no {column!r} column; columns are "
                f"{', '.join(counts.columns)}{hint}"
            )
    if counts["lsoa_code"].is_duplicated().any():
        raise InputError("hotspots: an LSOA appears twice in counts; aggregate to one row per LSOA")
    unknown = counts.filter(~pl.col("lsoa_code").is_in(list(weights.ids)))
    if unknown.height and unknown[value].sum() > 0:
        raise InputError(
            f"hotspots: {unknown.height} LSOAs with crimes are not in the weights "
            f"(e.g. {unknown['lsoa_code'][0]}); build the weights from the same area list"
        )
    keep = [pl.col(value).cast(pl.Float64).alias("crimes")]
    if "population" in counts.columns:
        keep.append(pl.col("population").cast(pl.Float64))
    frame = pl.DataFrame({"lsoa_code": list(weights.ids)}).join(
        counts.select("lsoa_code", *keep), on="lsoa_code", how="left"
    )
    frame = frame.with_columns(pl.col("crimes").fill_null(0.0))
    if "population" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("population"))
    if measure == "rate":
        bad = frame.filter(pl.col("population").is_null() | (pl.col("population") <= 0))
        if bad.height:
            raise InputError(
                f"hotspots: {bad.height} LSOAs have no residents count (e.g. "
                f"{bad['lsoa_code'][0]}); give every LSOA its population or use measure='count'"
            )
        return frame.with_columns((1000.0 * pl.col("crimes") / pl.col("population")).alias("value"))
    return frame.with_columns(pl.col("crimes").alias("value"))


def hotspots(
    counts: pl.DataFrame,
    weights: SpatialWeights,
    *,
    value: str = "crimes",
    measure: str = "count",
    decision: str = "normal",
    permutations: int = 999,
    seed: int = 0,
    fdr_level: float = 0.05,
    params: Params | None = None,
) -> HotspotResult:
    """G* hot and cold spots of ``counts[value]`` per LSOA (LSOAs absent from counts count 0).

    ``measure="rate"`` runs G* on crimes per 1,000 residents (``counts`` then needs a
    ``population`` column); ``"count"`` on the counts themselves. ``decision`` picks the
    p-values the FDR step uses: ``"normal"`` (the G* z-test) or ``"permutation"``. The
    ``declared`` column of the table (and :attr:`HotspotResult.declared`) are the hot spots.
    """
    if not 0 < fdr_level < 1:
        raise InputError(f"hotspots: fdr_level={fdr_level} must be between 0 and 1, e.g. 0.05")
    if measure not in MEASURES:
        raise InputError(f"hotspots: measure={measure!r}; use one of {', '.join(MEASURES)}")
    if decision not in DECISIONS:
        raise InputError(f"hotspots: decision={decision!r}; use one of {', '.join(DECISIONS)}")
    if permutations < 99:
        raise InputError(
            f"hotspots: permutations={permutations} is too few for a useful check; use 999"
        )
    frame = _check_counts(counts, weights, value, measure)
    result = gi_star(frame["value"].to_numpy(), weights, permutations=permutations, seed=seed)
    p_value = np.minimum(1.0, 2.0 * result.p_norm)
    p_perm = np.minimum(1.0, 2.0 * result.p_sim)
    decide = p_value if decision == "normal" else p_perm
    q = benjamini_hochberg(decide)
    significant = q < fdr_level
    nominal = decide < UNADJUSTED_LEVEL
    up = result.gi_z > 0
    klass = np.select(
        [significant & up, significant, nominal & up, nominal],
        [HOT, COLD, HOT_UNADJUSTED, COLD_UNADJUSTED],
        default=NOT_SIGNIFICANT,
    )
    declared = significant & up
    table = frame.with_columns(
        pl.Series("gi", result.gi),
        pl.Series("gi_z", result.gi_z),
        pl.Series("p_value", p_value),
        pl.Series("p_sim", result.p_sim),
        pl.Series("p_perm", p_perm),
        pl.Series("q_value", q),
        pl.Series("declared", declared),
        pl.Series("hotspot_class", klass.astype(str)),
    ).sort(["gi_z", "lsoa_code"], descending=[True, False])
    what = "crimes per 1,000 residents" if measure == "rate" else "crime counts"
    test = "normal z-test" if decision == "normal" else "conditional permutation"
    return HotspotResult(
        params=params
        or Params(
            method=f"Getis-Ord G* on {what} (binary weights, self included), {test} p-values, "
            f"Benjamini-Hochberg FDR at {fdr_level}; {permutations} conditional permutations "
            "as a check",
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
        measure=measure,
        decision=decision,
        confirmed_by_permutation=int((declared & (p_perm < UNADJUSTED_LEVEL)).sum()),
    )


@dataclass(frozen=True)
class HotspotTrendResult(ResultMixin):
    """Hot spots per financial year and each LSOA's pattern across the years.

    ``table``: lsoa_code, years_hot, hot_first, hot_latest, trend_tau, trend_p, pattern, and
    years_hot_unadjusted, pattern_unadjusted (the same on the exploratory p < 0.05 layer); one
    row per LSOA. ``yearly``: lsoa_code, year, crimes, gi_z, p_value, p_perm, q_value,
    hotspot_class. ``hot_all_but_one``: LSOAs a confirmed hot spot in every year but at most
    one (with fewer than three years, in every year): persistent in all but name.
    ``withheld_lsoas``: LSOAs whose pattern is withheld (a public result; 0 otherwise), which
    ``patterns`` and ``patterns_unadjusted`` then leave out, so that every count there can be
    checked against the table.
    """

    params: Params
    table: pl.DataFrame
    yearly: pl.DataFrame
    years: tuple[str, ...]
    patterns: dict[str, int]
    patterns_unadjusted: dict[str, int]
    hot_all_but_one: int
    withheld_lsoas: int = 0


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
    """Kendall's tau of ``z`` against time, and its p-value.

    Both depend only on the order of the values (which is larger, which tie), so they are
    computed once per order pattern: a few hundred patterns for 32,844 LSOAs over five years.
    """
    if len(z) < 3 or len(set(z)) < 2:
        return math.nan, math.nan
    if any(v is None or v != v for v in z):  # a missing value: as given, not as an order
        return _kendall_of(tuple(z))
    rank = {v: i for i, v in enumerate(sorted(set(z)))}
    return _kendall_of(tuple(float(rank[v]) for v in z))


@functools.lru_cache(maxsize=4096)
def _kendall_of(z: tuple[float, ...]) -> tuple[float, float]:
    tau, p = stats.kendalltau(np.arange(len(z)), z)
    return float(tau), float(p)


def hotspot_trends(
    counts: pl.DataFrame,
    weights: SpatialWeights,
    *,
    measure: str = "count",
    decision: str = "normal",
    permutations: int = 999,
    seed: int = 0,
    fdr_level: float = 0.05,
    params: Params | None = None,
) -> HotspotTrendResult:
    """Hot spots in each year of ``counts`` (lsoa_code, year, crimes and, for rates,
    population) and their patterns.

    Each year uses the same weights, measure, decision and seed; FDR is controlled within
    each year.
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
            measure=measure,
            decision=decision,
            permutations=permutations,
            seed=seed,
            fdr_level=fdr_level,
        )
        parts.append(
            one.table.select(
                "lsoa_code", "crimes", "gi_z", "p_value", "p_perm", "q_value", "hotspot_class"
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
    counts_by_pattern, unadjusted, all_but_one = pattern_counts(table, years)
    return HotspotTrendResult(
        params=params
        or Params(
            method=f"Getis-Ord G* per financial year ({measure}, {decision} p-values, FDR within "
            "each year); pattern across years; Mann-Kendall trend",
            citation=GI_CITATION,
            seed=seed,
        ),
        table=table,
        yearly=yearly.select(
            "lsoa_code", "year", "crimes", "gi_z", "p_value", "p_perm", "q_value", "hotspot_class"
        ),
        years=years,
        patterns=counts_by_pattern,
        patterns_unadjusted=unadjusted,
        hot_all_but_one=all_but_one,
    )


def pattern_counts(
    table: pl.DataFrame, years: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, int], int]:
    """LSOAs of each pattern (confirmed, then exploratory) and LSOAs hot in every year but at
    most one, counted from ``table`` (an LSOA with no pattern is in none of them)."""
    confirmed = {k: int((table["pattern"] == k).sum()) for k in PATTERNS}
    unadjusted = {k: int((table["pattern_unadjusted"] == k).sum()) for k in PATTERNS}
    most = len(years) - 1 if len(years) > 2 else len(years)
    return confirmed, unadjusted, int((table["years_hot"] >= most).sum())
