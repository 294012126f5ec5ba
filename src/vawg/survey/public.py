"""The public safety survey's headline estimates, overall and by district, age band and sex.

Definitions (the issue's): *unsafe* is a score of 1 or 2 (``unsafe_max``) on the 1 (very unsafe)
to 5 (very safe) scale; every share's base is those who answered the item; *not reported* is
``reported = N`` among those asked (people who experienced harassment or crime). The paired
night-vs-day difference is each respondent's own (unsafe at night - unsafe by day), averaged, so
only people who answered both items count. Statistics are in :mod:`vawg.survey.estimates`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from vawg.errors import InputError
from vawg.results import Params, to_jsonable
from vawg.stats import adjusted_list
from vawg.survey.estimates import (
    SurveyEstimate,
    domain_contrast,
    homogeneity_test,
    weighted_mean,
    weighted_share,
)

__all__ = [
    "DIMENSIONS",
    "INDICATORS",
    "PublicSurveyEstimates",
    "indicator_values",
    "public_survey_estimates",
]

DIMENSIONS = ("district", "age_band", "sex")
MISSING = "(missing)"

INDICATORS: dict[str, tuple[str, str]] = {
    "unsafe_night_share": ("share", "Feel unsafe in town centres at night"),
    "unsafe_day_share": ("share", "Feel unsafe in town centres by day"),
    "unsafe_night_minus_day": ("difference", "Unsafe at night minus unsafe by day (paired)"),
    "harassment_share": ("share", "Experienced harassment or crime"),
    "not_reported_share": ("share", "Did not report it (of those who experienced it)"),
    "safety_night_mean": ("mean", "Mean feeling of safety at night (1-5)"),
    "safety_day_mean": ("mean", "Mean feeling of safety by day (1-5)"),
    "safety_night_minus_day": ("difference", "Mean safety score, night minus day (paired)"),
}
"""Indicator name → (kind, label). Kinds: share (0/1), mean, difference (paired, tested vs 0)."""

CITATION = (
    "Woodruff (1971) JASA 66(334):411-414; Lumley (2010) Complex Surveys, Wiley; "
    "Korn & Graubard (1998) Survey Methodology 24(2):193-201; Kish (1965) Survey Sampling; "
    "Holm (1979) Scand. J. Statist. 6:65-70."
)


@dataclass(frozen=True)
class PublicSurveyEstimates:
    """Weighted estimates from the public survey.

    ``overall``: indicator → :class:`SurveyEstimate` for everyone. ``table``: one row per
    indicator, dimension (``all``, district, age_band, sex) and level, with the estimate, CI,
    base (``n``, ``n_effective``, ``small_base``), ``count`` (shares) and the difference from
    the rest of the sample (``vs_rest``, its CI, p-value and the Holm-adjusted p-value across
    the levels of the dimension, ``vs_rest_p_holm``; Holm 1979). ``tests``: per indicator and
    dimension, the Wald chi-square that all levels are equal.
    """

    params: Params
    overall: dict[str, SurveyEstimate]
    table: pl.DataFrame
    tests: pl.DataFrame
    weight_source: str
    n: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: overall estimates by name, then the by-group table and the tests."""
        return {
            **{name: est.to_dict() for name, est in self.overall.items()},
            "weight_source": self.weight_source,
            "respondents": self.n,
            "by_group": to_jsonable(self.table),
            "group_tests": to_jsonable(self.tests),
        }


def _flag(column: pl.Series) -> np.ndarray:
    values = column.cast(pl.Float64).to_numpy()
    return np.asarray(values, dtype=float)


def indicator_values(frame: pl.DataFrame, unsafe_max: int) -> dict[str, np.ndarray]:
    """Each indicator's per-respondent value (NaN = not in its base)."""
    night = frame["feel_safe_town_night"].cast(pl.Float64).to_numpy().astype(float)
    day = frame["feel_safe_town_day"].cast(pl.Float64).to_numpy().astype(float)
    unsafe_night = np.where(np.isnan(night), np.nan, (night <= unsafe_max).astype(float))
    unsafe_day = np.where(np.isnan(day), np.nan, (day <= unsafe_max).astype(float))
    reported = _flag(frame["reported"])
    return {
        "unsafe_night_share": unsafe_night,
        "unsafe_day_share": unsafe_day,
        "unsafe_night_minus_day": unsafe_night - unsafe_day,
        "harassment_share": _flag(frame["experienced_harassment"]),
        "not_reported_share": np.where(np.isnan(reported), np.nan, 1.0 - reported),
        "safety_night_mean": night,
        "safety_day_mean": day,
        "safety_night_minus_day": night - day,
    }


def _estimator(kind: str, ci_method: str, min_base: float) -> Callable[..., SurveyEstimate]:
    if kind == "share":
        return lambda y, w, d: weighted_share(y, w, d, ci_method=ci_method, min_base=min_base)
    return lambda y, w, d: weighted_mean(y, w, d, min_base=min_base, test_zero=kind == "difference")


def _row(
    indicator: str, dimension: str, level: str, est: SurveyEstimate, rest: SurveyEstimate | None
) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "dimension": dimension,
        "level": level,
        "estimate": est.estimate,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "se": est.se,
        "p_value": est.p_value,
        "n": est.n,
        "n_effective": est.n_effective,
        "small_base": est.small_base,
        "count": est.count,
        "vs_rest": rest.estimate if rest else None,
        "vs_rest_ci_low": rest.ci_low if rest else None,
        "vs_rest_ci_high": rest.ci_high if rest else None,
        "vs_rest_p_value": rest.p_value if rest else None,
        "vs_rest_p_holm": None,
    }


_SCHEMA = {
    "indicator": pl.String,
    "dimension": pl.String,
    "level": pl.String,
    "estimate": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "se": pl.Float64,
    "p_value": pl.Float64,
    "n": pl.Int64,
    "n_effective": pl.Float64,
    "small_base": pl.Boolean,
    "count": pl.Int64,
    "vs_rest": pl.Float64,
    "vs_rest_ci_low": pl.Float64,
    "vs_rest_ci_high": pl.Float64,
    "vs_rest_p_value": pl.Float64,
    "vs_rest_p_holm": pl.Float64,
}


def _holm(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add Holm-adjusted p-values of the vs-rest differences within one indicator x dimension."""
    adjusted = adjusted_list([r["vs_rest_p_value"] for r in rows], "holm")
    for row, p in zip(rows, adjusted, strict=True):
        row["vs_rest_p_holm"] = p
    return rows


def public_survey_estimates(
    frame: pl.DataFrame,
    weights: np.ndarray,
    *,
    weight_source: str,
    unsafe_max: int = 2,
    ci_method: str = "logit",
    min_base: float = 30,
) -> PublicSurveyEstimates:
    """Every indicator overall and by district, age band and sex (see module docstring)."""
    if not 1 <= unsafe_max <= 4:
        raise InputError(f"unsafe_max={unsafe_max!r} must be 1-4 on the 1-5 scale, e.g. 2")
    w = np.asarray(weights, dtype=float)
    if w.shape[0] != frame.height:
        raise InputError(f"{w.shape[0]} weights for {frame.height} respondents; give one each")
    values = indicator_values(frame, unsafe_max)
    overall: dict[str, SurveyEstimate] = {}
    rows: list[dict[str, Any]] = []
    tests: list[dict[str, Any]] = []
    for name, (kind, _label) in INDICATORS.items():
        estimate = _estimator(kind, ci_method, min_base)
        y = values[name]
        overall[name] = estimate(y, w, None)
        rows.append(_row(name, "all", "all", overall[name], None))
        for dimension in DIMENSIONS:
            levels = frame[dimension].cast(pl.String).fill_null(MISSING).to_numpy()
            by_level, group = [], []
            for level in sorted(set(levels)):
                domain = levels == level
                est = estimate(y, w, domain)
                rest = domain_contrast(y, w, domain, min_base=min_base)
                group.append(_row(name, dimension, str(level), est, rest))
                if level != MISSING:
                    by_level.append(est)
            rows += _holm(group)
            statistic, df, p = homogeneity_test(by_level)
            tests.append(
                {
                    "indicator": name,
                    "dimension": dimension,
                    "statistic": statistic,
                    "df": df,
                    "p_value": p,
                }
            )
    params = Params(
        method="weighted shares and means, linearisation (Taylor series) variance; "
        f"{ci_method} intervals for shares, Wald for means and differences",
        citation=CITATION,
        settings={
            "unsafe_max": unsafe_max,
            "ci_method": ci_method,
            "min_base": min_base,
            "weight_source": weight_source,
        },
    )
    return PublicSurveyEstimates(
        params=params,
        overall=overall,
        table=pl.DataFrame(rows, schema=_SCHEMA),
        tests=pl.DataFrame(
            tests,
            schema={
                "indicator": pl.String,
                "dimension": pl.String,
                "statistic": pl.Float64,
                "df": pl.Int64,
                "p_value": pl.Float64,
            },
        ),
        weight_source=weight_source,
        n=frame.height,
    )
