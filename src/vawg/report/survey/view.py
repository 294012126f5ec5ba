"""The survey view: the tables every survey output renders, with public output passed
through :func:`vawg.disclosure.suppress` and whatever is computed from a suppressed count hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vawg.disclosure import suppress
from vawg.survey import SurveyResult
from vawg.survey.side_by_side import SURVEY_COLUMNS

_ESTIMATE_DEPENDENTS = (
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "p_value",
    "n_effective",
    "count",
    "vs_rest",
    "vs_rest_ci_low",
    "vs_rest_ci_high",
    "vs_rest_p_value",
    "vs_rest_p_holm",
)


@dataclass(frozen=True)
class SurveyView:
    """The frames a report shows, already disclosure-controlled when ``public``."""

    public: bool
    threshold: int
    estimates: pl.DataFrame
    satisfaction: pl.DataFrame
    themes: pl.DataFrame
    side: pl.DataFrame
    margins: pl.DataFrame
    effects: pl.DataFrame
    quarantine: pl.DataFrame
    examples: pl.DataFrame


def _estimates(frame: pl.DataFrame, threshold: int, groups: list[str]) -> pl.DataFrame:
    """Suppress small bases, then small numerators and complements (shares), with dependents."""
    if frame.is_empty():
        return frame.with_columns(suppressed=pl.lit(False))
    deps = [c for c in _ESTIMATE_DEPENDENTS if c in frame.columns]
    out = suppress(frame, "n", threshold=threshold, margins=[groups], dependents=deps)
    hidden = out["suppressed"]
    out = out.drop("suppressed").with_columns(_rest=pl.col("n") - pl.col("count"))
    for column in ("count", "_rest"):
        out = suppress(
            out, column, threshold=threshold, margins=[groups], dependents=[*deps, "_rest", "n"]
        )
        hidden = hidden | out["suppressed"]
        out = out.drop("suppressed")
    return out.drop("_rest").with_columns(suppressed=hidden)


def _counts(
    frame: pl.DataFrame,
    column: str,
    threshold: int,
    margins: Sequence[Sequence[str]],
    dependents: list[str],
) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    return suppress(
        frame,
        column,
        threshold=threshold,
        margins=margins,
        dependents=[d for d in dependents if d in frame.columns],
    )


def _scalar(value: int, view: SurveyView) -> int | None:
    if not view.public:
        return value
    return suppress(pl.DataFrame({"n": [value]}), "n", threshold=view.threshold, margins=[])["n"][0]


def survey_view(result: SurveyResult, *, public: bool, threshold: int) -> SurveyView:
    """The frames to show, suppressed when ``public``."""
    est = result.public.table if result.public else pl.DataFrame()
    sat = result.satisfaction.table if result.satisfaction else pl.DataFrame()
    themes = result.themes.table if result.themes else pl.DataFrame()
    side = result.side_by_side.table if result.side_by_side else pl.DataFrame()
    margins = result.weighting.table if result.weighting else pl.DataFrame()
    model = result.satisfaction.model if result.satisfaction else None
    effects = model.table if model else pl.DataFrame()
    examples = result.themes.examples if result.themes else pl.DataFrame()
    quarantine = result.quarantine
    if public:
        est = _estimates(est, threshold, ["indicator", "dimension"])
        sat = _estimates(sat, threshold, ["item", "dimension"])
        themes = _counts(
            themes, "respondents", threshold, [], ["share", "weighted_share", "ci_low", "ci_high"]
        )
        margins = _counts(
            margins, "respondents", threshold, [["variable"]], ["sample_share", "weighted_share"]
        )
        effects = _counts(
            effects, "n", threshold, [["term"]], ["estimate", "ci_low", "ci_high", "p_value"]
        )
        quarantine = _counts(quarantine, "records", threshold, [["table"]], [])
        if not side.is_empty():
            side = _counts(
                side,
                "vawg_crimes",
                threshold,
                [()],
                ["rate_per_1000", "rate_ci_low", "rate_ci_high"],
            )
            keep = [c for c in side.columns if not c.startswith(SURVEY_COLUMNS)]
            side = side.select(keep)
            for name in SURVEY_COLUMNS:
                part = est.filter(pl.col("indicator") == name, pl.col("dimension") == "district")
                side = side.join(
                    part.select(
                        pl.col("level").alias("district"),
                        pl.col("estimate").alias(name),
                        pl.col("ci_low").alias(f"{name}_ci_low"),
                        pl.col("ci_high").alias(f"{name}_ci_high"),
                        pl.col("n").alias(f"{name}_n"),
                        pl.col("small_base").alias(f"{name}_small_base"),
                    ),
                    on="district",
                    how="left",
                )
        examples = pl.DataFrame(schema={"theme": pl.String, "quote": pl.String})
    return SurveyView(
        public, threshold, est, sat, themes, side, margins, effects, quarantine, examples
    )
