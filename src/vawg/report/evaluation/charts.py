"""Charts of the evaluation and targeting reports (Plotly figures; nothing computed here)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

__all__ = [
    "LOG_TICKS",
    "coverage_chart",
    "event_study_chart",
    "knox_heatmap",
    "survival_chart",
    "synthetic_chart",
]

ACCENT, SECOND, MUTED = "#5b2a86", "#d08a1e", "#9aa1ad"
_BELOW = {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0}
"""A legend under the plot, so on a phone it does not take the plot's width."""
LOG_TICKS = (0.125, 0.25, 0.5, 1, 2, 4, 8, 16)


def event_study_chart(table: pl.DataFrame, width: str, title: str) -> go.Figure:
    """Rate ratio per period from the start, with 95% intervals and the line at 1."""
    shown = table.filter(pl.col("rate_ratio") > 0)
    fig = go.Figure(
        go.Scatter(
            x=shown["label"].to_list(),
            y=shown["rate_ratio"].to_list(),
            mode="markers+lines",
            marker={"size": 9, "color": ACCENT},
            line={"color": ACCENT, "width": 1},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (shown["ci_high"] - shown["rate_ratio"]).fill_null(0).to_list(),
                "arrayminus": (shown["rate_ratio"] - shown["ci_low"]).fill_null(0).to_list(),
            },
            name="rate ratio",
            meta={"measure": "ratio"},
        )
    )
    fig.add_hline(y=1, line_dash="dot", line_color=MUTED)
    labels = shown["label"].to_list()
    if "-1" in labels:
        # a category axis places its categories at 0, 1, 2, ...: the start is just after "-1"
        # (a string x would be read as the number -1, left of the first category)
        fig.add_vline(x=labels.index("-1") + 0.5, line_dash="dash", line_color=MUTED)
    fig.update_yaxes(
        type="log",
        tickvals=LOG_TICKS,
        ticktext=[f"{t:g}" for t in LOG_TICKS],
        title="rate ratio (log scale)",
    )
    # short axis titles (a phone clips long ones); the reference period is explained below it
    fig.update_xaxes(title=f"{width}s from the start", type="category")
    fig.update_layout(title=title, showlegend=False)
    return fig


def synthetic_chart(series: pl.DataFrame, title: str) -> go.Figure:
    """The treated areas against their synthetic control, per quarter."""
    fig = go.Figure()
    for column, name, colour in (
        ("treated", "treated areas (average per LSOA)", ACCENT),
        ("synthetic", "synthetic control", SECOND),
    ):
        fig.add_scatter(
            x=series["quarter"].to_list(),
            y=series[column].to_list(),
            mode="lines+markers",
            name=name,
            line={"color": colour},
            meta={"measure": "mean"},
        )
    fig.add_vline(x=-0.5, line_dash="dash", line_color=MUTED)
    fig.update_layout(
        title=title,
        xaxis_title="quarters from the start",
        yaxis_title="crimes a quarter per LSOA",
        legend=_BELOW,
    )
    return fig


def survival_chart(curves: pl.DataFrame, curve: str, title: str) -> go.Figure:
    """Kaplan-Meier curves (share not yet reoffended) for participants and comparisons."""
    fig = go.Figure()
    for group, colour in (("participant", ACCENT), ("comparison", SECOND)):
        part = curves.filter(pl.col("curve") == curve, pl.col("group") == group).sort("days")
        if part.is_empty():
            continue
        # every man starts not yet reoffended: the curve begins at 100% on the day of referral
        days = [0, *part["days"].to_list()]
        fig.add_scatter(
            x=days,
            y=[1.0, *part["survival"].to_list()],
            mode="lines+markers",
            line={"shape": "hv", "color": colour, "width": 2},
            name=f"{group}s",
            meta={"measure": "share"},
        )
        upper = _steps(days, [1.0, *part["ci_high"].to_list()])
        lower = _steps(days, [1.0, *part["ci_low"].to_list()])[::-1]
        fig.add_scatter(
            x=[x for x, _ in upper + lower],
            y=[y for _, y in upper + lower],
            mode="lines",
            fill="toself",
            line={"width": 0},
            fillcolor=colour,
            opacity=0.15,
            hoverinfo="skip",
            name=f"{group}s: 95% interval",
            meta={"measure": "share"},
        )
    fig.update_layout(
        title=title,
        xaxis_title="days from referral",
        yaxis_title="not yet reoffended",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1.02],
        legend=_BELOW,
    )
    return fig


def _steps(xs: list[int], ys: list[float]) -> list[tuple[int, float]]:
    """The corners of a step line (each value held until the next x), so a band drawn from
    an upper and a reversed lower step line follows the steps both ways."""
    points: list[tuple[int, float]] = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if i:
            points.append((x, ys[i - 1]))
        points.append((x, y))
    return points


def coverage_chart(coverage: pl.DataFrame, title: str) -> go.Figure:
    """Share of harm covered by the top-N places, with intervals."""
    fig = go.Figure(
        go.Bar(
            x=[f"top {n}" for n in coverage["up_to_rank"].to_list()],
            y=coverage["harm_share"].to_list(),
            marker_color=ACCENT,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (coverage["ci_high"] - coverage["harm_share"]).to_list(),
                "arrayminus": (coverage["harm_share"] - coverage["ci_low"]).to_list(),
            },
            meta={"measure": "share"},
        )
    )
    fig.update_layout(title=title, yaxis_tickformat=".0%", yaxis_title="share of all harm")
    return fig


def knox_heatmap(table: pl.DataFrame, title: str) -> go.Figure:
    """Knox ratios by distance and time band (p < 0.05 cells marked)."""
    # the table is in band order (distance, then time): its labels' first appearances give it
    d_labels = table["distance_band"].unique(maintain_order=True).to_list()
    t_labels = table["time_band"].unique(maintain_order=True).to_list()
    grid = [
        [
            table.filter(pl.col("distance_band") == d, pl.col("time_band") == t)["knox_ratio"][0]
            for t in t_labels
        ]
        for d in d_labels
    ]
    marks = [
        [
            (
                "*"
                if (
                    p := table.filter(pl.col("distance_band") == d, pl.col("time_band") == t)[
                        "p_value"
                    ][0]
                )
                is not None
                and p < 0.05
                else ""
            )
            for t in t_labels
        ]
        for d in d_labels
    ]
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=t_labels,
            y=d_labels,
            text=marks,
            texttemplate="%{z:.2f}%{text}",
            colorscale="RdBu_r",
            zmid=1,
            # each cell prints its value: no colour scale, which would take a phone's width
            showscale=False,
            meta={"measure": "ratio"},
        )
    )
    fig.update_yaxes(autorange="reversed", title="distance apart")
    fig.update_xaxes(title="time apart")
    fig.update_layout(title=title)
    return fig
