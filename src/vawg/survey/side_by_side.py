"""Recorded crime and the survey, district by district: the gap between recorded and experienced.

Per district: in-scope VAWG crimes recorded in the period (:func:`vawg.scope.vawg_scope`, placed
in a district through the crime's LSOA), as an annual rate per 1,000 women and girls of all ages
(ONS mid-2019 female population, :func:`vawg.datasets.district_population`) with an exact
Poisson interval (Garwood 1936), next to the survey's weighted shares who feel unsafe in town
centres at night, who experienced harassment or crime, and who did not report it. Spearman's
rank correlation between the recorded rate and each survey share says whether districts that
record more VAWG are also where more women say they experience it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from vawg.errors import InputError
from vawg.results import Params, to_jsonable
from vawg.stats import rate_per_1000_per_year

__all__ = ["SURVEY_COLUMNS", "SideBySideResult", "side_by_side"]

SURVEY_COLUMNS = ("unsafe_night_share", "harassment_share", "not_reported_share")
CITATION = "Garwood (1936) Biometrika 28:437-442; Spearman (1904) Am. J. Psychol. 15:72-101."


@dataclass(frozen=True)
class SideBySideResult:
    """``table``: one row per district: vawg_crimes, female_population, rate_per_1000 (annual)
    with ci_low/ci_high, and per survey indicator its estimate, CI, n and small_base.
    ``correlations``: indicator, spearman_rho, p_value, districts. ``unplaced``: in-scope crimes
    with no district (no LSOA, or an LSOA outside the area reference).
    """

    params: Params
    table: pl.DataFrame
    correlations: pl.DataFrame
    years: float
    unplaced: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe."""
        return {
            "method": self.params.method,
            "period": to_jsonable(self.params.period),
            "years": round(self.years, 3),
            "unplaced_crimes": self.unplaced,
            "districts": to_jsonable(self.table),
            "correlations": to_jsonable(self.correlations),
        }


def side_by_side(
    crimes: pl.DataFrame,
    female_population: pl.DataFrame,
    survey: pl.DataFrame,
    *,
    years: float,
    unplaced: int = 0,
    params: Params | None = None,
) -> SideBySideResult:
    """Join per-district crime rates with per-district survey estimates.

    ``crimes``: district, vawg_crimes. ``female_population``: district, female_population.
    ``survey``: the public estimates' by-group table (rows with dimension ``district``).
    Districts are those in ``female_population``.
    """
    if not years > 0:
        raise InputError(f"side_by_side: years={years!r} must be > 0 (the period's length)")
    table = female_population.join(crimes, on="district", how="left").with_columns(
        pl.col("vawg_crimes").fill_null(0).cast(pl.Int64)
    )
    rates = [
        rate_per_1000_per_year(int(c), float(p), years)
        for c, p in zip(table["vawg_crimes"], table["female_population"], strict=True)
    ]
    table = table.with_columns(
        rate_per_1000=pl.Series([r.estimate for r in rates], dtype=pl.Float64),
        rate_ci_low=pl.Series([r.ci_low for r in rates], dtype=pl.Float64),
        rate_ci_high=pl.Series([r.ci_high for r in rates], dtype=pl.Float64),
    )
    by_district = survey.filter(pl.col("dimension") == "district")
    correlations = []
    for name in SURVEY_COLUMNS:
        part = by_district.filter(pl.col("indicator") == name).select(
            pl.col("level").alias("district"),
            pl.col("estimate").alias(name),
            pl.col("ci_low").alias(f"{name}_ci_low"),
            pl.col("ci_high").alias(f"{name}_ci_high"),
            pl.col("n").alias(f"{name}_n"),
            pl.col("small_base").alias(f"{name}_small_base"),
        )
        table = table.join(part, on="district", how="left")
        both = table.filter(pl.col(name).is_not_null())
        if both.height >= 3:
            rho, p = stats.spearmanr(both["rate_per_1000"].to_numpy(), both[name].to_numpy())
            rho_f, p_f = float(np.asarray(rho)), float(np.asarray(p))
        else:
            rho_f, p_f = float("nan"), float("nan")
        correlations.append(
            {"indicator": name, "spearman_rho": rho_f, "p_value": p_f, "districts": both.height}
        )
    return SideBySideResult(
        params=params
        or Params(
            method="annual recorded rate per 1,000 women and girls with "
            "exact Poisson CI, beside weighted survey shares",
            citation=CITATION,
        ),
        table=table.sort("rate_per_1000", descending=True),
        correlations=pl.DataFrame(
            correlations,
            schema={
                "indicator": pl.String,
                "spearman_rho": pl.Float64,
                "p_value": pl.Float64,
                "districts": pl.Int64,
            },
        ),
        years=years,
        unplaced=unplaced,
    )
