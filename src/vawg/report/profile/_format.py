"""Shared pieces of the profile report: colours, offence-group labels, number and interval
formatting, key-figure tiles and small HTML helpers. Renders no section itself.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.report.page import figure_html as _page_figure
from vawg.report.page import kpi_html
from vawg.results import Estimate
from vawg.schema.labels import LABELS as LABELS_BY_FAMILY

# Okabe & Ito (2008) colour-blind-safe colours (vawg.report.page.PALETTE).
ACCENT, HOME_C, PUBLIC_C, UNKNOWN_C, GREY = "#0072B2", "#0072B2", "#E69F00", "#BBBBBB", "#999999"


LABELS = LABELS_BY_FAMILY["offence_group"]


# ------------------------------------------------------------------------------------------
# Formatting
# ------------------------------------------------------------------------------------------


LOG_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]
"""Labelled ticks of a log axis (Plotly's default labels only some digits: "9 … 1 2 … 9 10 2")."""


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _n(value: int | float | None) -> str:
    return "–" if _missing(value) else f"{int(value):,}"  # type: ignore[arg-type]


def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if _missing(value) else f"{100 * value:.{digits}f}%"  # type: ignore[operator]


def _x(value: float | None, digits: int = 2) -> str:
    return "–" if _missing(value) else f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    """A home/public ratio as every part of the profile writes it: one decimal (two under
    0.1, so a small ratio never reads 0.0), ``–`` when missing or infinite."""
    if _missing(value):
        return "–"
    assert value is not None
    return f"{value:.2f}" if value < 0.1 else f"{value:.1f}"


def ratio_text(
    frame: pl.DataFrame, columns: Sequence[str] = ("ratio", "ci_low", "ci_high")
) -> pl.DataFrame:
    """``frame`` with its ratio columns written by :func:`_ratio` (a table then shows
    ``4.0`` beside ``3.9``, not ``3.96`` beside ``4``)."""
    return frame.with_columns(
        pl.col(c).map_elements(_ratio, return_dtype=pl.String, skip_nulls=False)
        for c in columns
        if c in frame.columns
    )


def _ci(e: Estimate, fmt: Any = _x) -> str:
    if _missing(e.ci_low) or _missing(e.ci_high):
        return ""
    return f"95% CI {fmt(e.ci_low)} to {fmt(e.ci_high)}"


def figure_html(fig: go.Figure, *, height: int = 380, data: pl.DataFrame | None = None) -> str:
    """A chart with its tool bar down the right-hand side (clear of the title); ``data`` is its
    data table for readers (default: the numbers the traces draw)."""
    fig.update_layout(modebar={"orientation": "v"}, title={"font": {"size": 15}})
    return _page_figure(fig, height=height, data=data)


def _finite_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Infinite ratios and limits (no public crimes) shown as empty cells."""
    floats = [c for c, t in frame.schema.items() if t in (pl.Float64, pl.Float32)]
    return frame.with_columns(
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in floats
    )


def percent_text(column: str, header: str) -> pl.Expr:
    """A share column (0-1) as percentages to one decimal place, for a chart's data table."""
    return (
        (pl.col(column) * 100)
        .map_elements(lambda v: f"{v:.1f}", return_dtype=pl.String)
        .alias(header)
    )


def _kpi(value: str, label: str, ci: str = "") -> str:
    return kpi_html(value, label, ci)


def _label(frame: pl.DataFrame, column: str = "offence_group") -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace(LABELS))


def _ul(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _esc(text: str) -> str:
    return html.escape(text)


def paragraphs_html(*texts: str) -> str:
    """Paragraphs of plain text."""
    return "".join(f"<p>{_esc(t)}</p>" for t in texts)


def _forest(frame: pl.DataFrame, title: str) -> str:
    rows = frame.filter(
        pl.col("ratio").is_not_null()
        & pl.col("ratio").is_finite()
        & pl.col("ci_high").is_finite()
        & (pl.col("ci_low") > 0)
    )
    if rows.is_empty():
        return ""
    fig = go.Figure(
        go.Scatter(
            x=rows["ratio"].to_list(),
            y=rows["group"].to_list(),
            mode="markers",
            marker={"color": ACCENT, "size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (rows["ci_high"] - rows["ratio"]).to_list(),
                "arrayminus": (rows["ratio"] - rows["ci_low"]).to_list(),
                "color": GREY,
            },
        )
    )
    fig.add_vline(x=1, line_dash="dot", line_color=GREY)
    fig.update_layout(
        title=title,
        xaxis_type="log",
        xaxis_tickvals=LOG_TICKS,
        xaxis_ticktext=[f"{v:g}" for v in LOG_TICKS],
        xaxis_title="home per public crime",
        yaxis={"autorange": "reversed"},
    )
    return figure_html(
        fig,
        height=max(260, 30 * rows.height + 90),
        data=rows.select(
            "group",
            *[
                pl.col(c).map_elements(_ratio, return_dtype=pl.String).alias(h)
                for c, h in (
                    ("ratio", "home crimes per public crime"),
                    ("ci_low", "95% CI from"),
                    ("ci_high", "95% CI to"),
                )
            ],
        ),
    )


def _bar(frame: pl.DataFrame, x: str, y: str, title: str, colour: str = ACCENT) -> go.Figure:
    # an age band or a range of counts ("18-24", "5-9") with an en dash
    categories = frame[x].cast(pl.String).str.replace(r"^(\d+)-(\d+)$", "${1}–${2}").to_list()
    fig = go.Figure(go.Bar(x=categories, y=frame[y].to_list(), marker_color=colour))
    fig.update_layout(title=title, yaxis_title=y, yaxis_tickformat=",")
    return fig
