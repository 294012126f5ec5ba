"""Shared pieces of the survey report: percent, interval and p-value formatting, labels,
key-figure tiles, the shares table and the dot plot. Renders no section itself.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.framework import HEADLINE_GROUPS
from vawg.report.page import figure_html, kpi_html, table_html
from vawg.report.survey.view import SurveyView

_ACCENT, _GREY = "#0072B2", "#999999"


# ---------------------------------------------------------------- formatting


def _pct(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.{digits}f}%"


def _ci(row: dict[str, Any] | None, *, points: bool = False) -> str:
    if not row or row.get("ci_low") is None:
        return ""
    if points:
        return f"95% CI {100 * row['ci_low']:+.1f} to {100 * row['ci_high']:+.1f} points"
    return f"95% CI {_pct(row['ci_low'])}–{_pct(row['ci_high'])}"


def _value(row: dict[str, Any] | None) -> float | None:
    return None if row is None else row.get("estimate")


def _kpi(value: str, label: str, ci: str = "") -> str:
    return kpi_html(value, label, ci)


def _label(level: str, dimension: str = "") -> str:
    if dimension in ("outcome_group", "outcome"):
        return HEADLINE_GROUPS.get(level, level.replace("_", " "))
    return level.replace("_", " ")


def _labels(frame: pl.DataFrame) -> list[str]:
    dims = (
        frame["dimension"].to_list()
        if "dimension" in frame.columns
        else (frame["term"].to_list() if "term" in frame.columns else [""] * frame.height)
    )
    return [_label(level, dim) for level, dim in zip(frame["level"].to_list(), dims, strict=True)]


def _p_text(column: str) -> pl.Expr:
    return pl.col(column).map_elements(_p, return_dtype=pl.String)


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _shares_table(frame: pl.DataFrame, caption: str, *, rest: bool = True) -> str:
    frame = frame.with_columns(pl.Series("group", _labels(frame), dtype=pl.String))
    cols = [pl.col("group")]
    cols += [(pl.col(c) * 100).round(1).alias(f"{c} %") for c in ("estimate", "ci_low", "ci_high")]
    cols += [pl.col("n"), pl.col("n_effective").round(0).alias("effective n"), pl.col("small_base")]
    if rest and "vs_rest" in frame.columns:
        cols += [
            (pl.col("vs_rest") * 100).round(1).alias("vs rest of Kent (points)"),
            _p_text("vs_rest_p_holm").alias("p (Holm)"),
        ]
    return table_html(frame.select(cols), caption=caption)


def _dot_plot(
    frames: list[tuple[str, pl.DataFrame, str]],
    title: str,
    *,
    percent: bool = True,
    log_x: bool = False,
) -> str:
    fig = go.Figure()
    for name, frame, colour in frames:
        if frame.is_empty():
            continue
        scale = 100 if percent else 1
        x = [None if v is None else v * scale for v in frame["estimate"].to_list()]
        lo = [
            None if (v is None or e is None) else (e - v) * scale
            for v, e in zip(frame["ci_low"].to_list(), frame["estimate"].to_list(), strict=True)
        ]
        hi = [
            None if (v is None or e is None) else (v - e) * scale
            for v, e in zip(frame["ci_high"].to_list(), frame["estimate"].to_list(), strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_labels(frame),
                mode="markers",
                name=name,
                marker={"color": colour, "size": 10},
                error_x={"type": "data", "array": hi, "arrayminus": lo, "color": colour},
            )
        )
    fig.update_layout(title=title, xaxis_title="%" if percent else "", legend={"orientation": "h"})
    if log_x:
        fig.update_xaxes(type="log")
        fig.add_vline(x=1, line_dash="dot", line_color=_GREY)
    height = 120 + 28 * max((f.height for _, f, _ in frames), default=1)
    return figure_html(fig, height=max(300, height))


def _part(frame: pl.DataFrame, key: str, value: str, dimension: str) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    return frame.filter(pl.col(key) == value, pl.col("dimension") == dimension)


# ---------------------------------------------------------------- sections


def _significant(view: SurveyView, indicator: str, sign: int) -> list[str]:
    rows = (
        _part(view.estimates, "indicator", indicator, "district")
        .filter(
            pl.col("vs_rest_p_holm") < 0.05, pl.col("vs_rest") * sign > 0, ~pl.col("small_base")
        )
        .sort("estimate", descending=sign > 0)
    )
    return [f"{r['level']} ({_pct(r['estimate'])})" for r in rows.to_dicts()]
