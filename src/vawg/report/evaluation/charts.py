"""Charts of the evaluation and targeting reports (Plotly figures; nothing computed here)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.wording import ratio_change, ratio_interval

__all__ = [
    "LOG_TICKS",
    "change_label",
    "change_ticks",
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


def change_label(ratio: float | None, *, whole: bool = False) -> str:
    """A ratio as a signed change for a chart's cells, ticks and hover: ``+2.1%``, ``−44%``,
    ``0%``; one decimal under 10% (none when ``whole``: a small cell), ``–`` when missing.
    (Formatting only: ``(ratio − 1) × 100``.)"""
    if ratio is None or ratio != ratio or ratio <= 0:
        return "–"
    percent = round((ratio - 1) * 100, 9)  # 0.9 is 10% fewer, not 9.999...%
    decimals = 1 if abs(percent) < 10 and not whole else 0
    shown = f"{abs(percent):,.{decimals}f}"
    if float(shown.replace(",", "")) == 0:
        return "0%"
    return f"{'+' if percent > 0 else '−'}{shown}%"


def change_ticks(ticks: tuple[float, ...] = LOG_TICKS) -> dict[str, list[Any]]:
    """Tick values (ratios, for a log axis) and their labels as changes: ``−50%``, ``0``,
    ``+100%`` (0 is no change)."""
    return {
        "tickvals": list(ticks),
        "ticktext": ["0" if t == 1 else change_label(t, whole=True) for t in ticks],
    }


def _hover_words(ratio: float, low: float | None, high: float | None) -> str:
    """A period's change and its interval in words, as the reports' text writes them
    (:mod:`vawg.wording`): ``50% fewer (95% CI 70% fewer to 10% fewer)``, ``5.7 times as many
    (95% CI 2.2 to 15 times as many)``; never a bare ``+470%``."""
    if low is None or high is None or low != low or high != high:
        return "the reference period (set at no change)" if ratio == 1 else ratio_change(ratio)
    return f"{ratio_change(ratio)} (95% CI {ratio_interval(low, high, ratio)})"


def event_study_chart(table: pl.DataFrame, width: str, title: str) -> go.Figure:
    """The change in crimes per period from the start (against the comparison areas, relative
    to the reference period), with 95% intervals and the line at no change. Drawn on a log
    scale (a halving and a doubling the same distance from no change), labelled in %."""
    shown = table.filter(pl.col("rate_ratio") > 0)
    hover = [
        f"{label}: {_hover_words(r, lo, hi)}"
        for label, r, lo, hi in shown.select("label", "rate_ratio", "ci_low", "ci_high").iter_rows()
    ]
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
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            name="change in crimes",
            meta={"measure": "ratio"},
        )
    )
    fig.add_hline(y=1, line_dash="dot", line_color=MUTED)
    labels = shown["label"].to_list()
    last = "\u22121" if "\u22121" in labels else "-1"  # written with a real minus sign
    if last in labels:
        # a category axis places its categories at 0, 1, 2, ...: the start is just after "−1"
        # (a string x would be read as the number -1, left of the first category)
        fig.add_vline(x=labels.index(last) + 0.5, line_dash="dash", line_color=MUTED)
    fig.update_yaxes(type="log", **change_ticks(), title="change in crimes (%)")
    # short axis titles (a phone clips long ones); the reference period is explained below it.
    # The periods' labels are listed and upright: where the chart is too narrow for them all,
    # on a phone, the report's script (and the dashboard's style) writes every second or
    # third, as for half-years, instead of Plotly slanting them.
    fig.update_xaxes(
        title=f"{width}s from the start",
        type="category",
        tickmode="array",
        tickvals=labels,
        # "−8 or earlier" on two lines: the widest label sets how many are written on a phone
        ticktext=[label.replace(" or ", " or<br>") for label in labels],
        tickangle=0,
    )
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


def survival_chart(
    curves: pl.DataFrame, curve: str, title: str, *, sampled: bool = False
) -> go.Figure:
    """Kaplan-Meier curves (share not yet reoffended) for participants and comparisons.

    The full curve is drawn as steps (it drops on each reoffence date). A ``sampled`` curve
    (the public one, read only at a few points) is drawn as markers joined by straight lines:
    drawn as steps it would stay flat until the first point, as if nobody had reoffended.
    """
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
            line={"shape": "linear" if sampled else "hv", "color": colour, "width": 2},
            name=f"{group}s",
            meta={"measure": "share"},
        )
        corners = _points if sampled else _steps
        upper = corners(days, [1.0, *part["ci_high"].to_list()])
        lower = corners(days, [1.0, *part["ci_low"].to_list()])[::-1]
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


def _points(xs: list[int], ys: list[float]) -> list[tuple[int, float]]:
    """The points themselves, for a band joined by straight lines."""
    return list(zip(xs, ys, strict=True))


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
    """Share of harm covered by the top-N places, with intervals (none drawn when the shares
    have none: the public shares of the places shown)."""
    intervals = coverage["ci_low"].is_not_null().any()
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
            }
            if intervals
            else None,
            meta={"measure": "share"},
        )
    )
    fig.update_layout(title=title, yaxis_tickformat=".0%", yaxis_title="share of all harm")
    return fig


def knox_heatmap(table: pl.DataFrame, title: str) -> go.Figure:
    """Pairs of offences close in space and time against chance (the Knox ratio), written as
    % more / fewer than chance in each cell, coloured around no change; a cell clearly above
    chance (the analysis' ``above_chance``) is marked *."""
    # the table is in band order (distance, then time): its labels' first appearances give it
    d_labels = table["distance_band"].unique(maintain_order=True).to_list()
    t_labels = table["time_band"].unique(maintain_order=True).to_list()

    def cell(d: str, t: str) -> tuple[float | None, bool]:
        row = table.filter(pl.col("distance_band") == d, pl.col("time_band") == t)
        return row["knox_ratio"][0], bool(row["above_chance"][0])

    cells = [[cell(d, t) for t in t_labels] for d in d_labels]
    # the colour is the change in % (0 = as many pairs as chance gives)
    grid = [[None if r is None else (r - 1) * 100 for r, _ in row] for row in cells]
    marks = [
        [change_label(r, whole=True) + ("*" if above else "") for r, above in row] for row in cells
    ]
    hover = [
        [
            f"{d} and {t} apart: {change_label(r)} pairs against chance"
            + (" (clearly above chance)" if above else "")
            for t, (r, above) in zip(t_labels, row, strict=True)
        ]
        for d, row in zip(d_labels, cells, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=t_labels,
            y=d_labels,
            text=marks,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdBu_r",
            zmid=0,
            # each cell prints its value: no colour scale, which would take a phone's width
            showscale=False,
            name="pairs against chance (%)",
            meta={"measure": "pct"},
        )
    )
    # long band names broken over two lines, so on a phone they leave the cells room
    fig.update_yaxes(
        autorange="reversed",
        title="distance apart",
        tickvals=d_labels,
        ticktext=[_two_lines(x) for x in d_labels],
    )
    fig.update_xaxes(
        title="time apart",
        tickvals=t_labels,
        ticktext=[_two_lines(x) for x in t_labels],
        tickangle=0,
    )
    fig.update_layout(title=title)
    return fig


def _two_lines(label: str) -> str:
    """A band name short and over two lines (``0-7<br>days``, ``over<br>56 days``), so a
    phone can print it level under a narrow cell."""
    first, _, rest = label.replace("more than ", "over ").partition(" ")
    return f"{first}<br>{rest}" if rest else first
