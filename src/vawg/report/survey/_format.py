"""Shared pieces of the survey report: percent, interval and p-value formatting, labels,
key-figure tiles, the shares table and the dot plot. Renders no section itself.
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.framework import HEADLINE_GROUPS
from vawg.report.page import figure_html, kpi_html, table_html
from vawg.report.survey.view import SurveyView
from vawg.schema.contract import OFFENCE_GROUPS as OFFENCE_GROUP_WORDS
from vawg.schema.labels import label

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
    return f"95% CI {_pct(row['ci_low'])} to {_pct(row['ci_high'])}"


def _value(row: dict[str, Any] | None) -> float | None:
    return None if row is None else row.get("estimate")


def _kpi(value: str, label: str, ci: str = "") -> str:
    return kpi_html(value, label, ci)


SMALL_GROUPS_WORDS = "small groups combined"


def _label(level: str, dimension: str = "") -> str:
    if dimension in ("outcome_group", "outcome"):
        return HEADLINE_GROUPS.get(level, level.replace("_", " "))
    if dimension == "sex":
        return label(level, "sex")
    if dimension == "offence_group" and level in OFFENCE_GROUP_WORDS:
        return label(level, "offence_group")
    return level.replace("_", " ")


def _short_label(level: str, dimension: str = "") -> str:
    """A chart's label for a group: a few words (an outcome group without its type numbers)."""
    if dimension in ("outcome_group", "outcome"):
        return label(level, "outcome_group_short") if level in HEADLINE_GROUPS else level
    return _label(level, dimension)


CHART_LABEL_WIDTH = 18
"""Characters a chart's group label runs to before it wraps: a phone keeps room for the plot."""


def wrapped(text: str, width: int = CHART_LABEL_WIDTH) -> str:
    """``text`` broken into lines of about ``width`` characters (Plotly's ``<br>``)."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _group_words(dimension: str, levels: str) -> str:
    """``outcome_group: other, out_of_court`` (a model note's codes) in words."""
    return ", ".join(_label(v.strip(), dimension) for v in levels.split(","))


def _labels(frame: pl.DataFrame, *, short: bool = False) -> list[str]:
    dims = (
        frame["dimension"].to_list()
        if "dimension" in frame.columns
        else (frame["term"].to_list() if "term" in frame.columns else [""] * frame.height)
    )
    words = _short_label if short else _label
    return [words(level, dim) for level, dim in zip(frame["level"].to_list(), dims, strict=True)]


def _p_text(column: str) -> pl.Expr:
    return pl.col(column).map_elements(_p, return_dtype=pl.String)


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


SHARE_LABELS = {
    "estimate": "%",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
    "n": "respondents",
    "n_effective": "effective respondents",
    "small_base": "too few to rely on",
    "vs_rest": "against the rest of Kent",
    "clear": "clearly different",
}
"""Headers of the shares tables, in words."""

SHARE_PERCENT = ["estimate", "ci_low", "ci_high"]


def _points_text(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:+.1f}".replace("-", "−")


def _vs_rest_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.1f} points".replace("-", "−")


def _shares_table(
    frame: pl.DataFrame,
    caption: str,
    *,
    rest: bool = True,
    public: bool = False,
    points: bool = False,
) -> str:
    """Shares by group as percentages with their intervals (``points``: differences of shares,
    in percentage points). Against the rest of Kent: the difference in points and whether it is
    clear (after allowing for the number of districts compared). Public: a dash where a group
    is too small to show (said under the table)."""
    frame = frame.with_columns(pl.Series("group", _labels(frame), dtype=pl.String))
    if points:
        frame = frame.with_columns(
            pl.col(c).map_elements(_points_text, return_dtype=pl.String) for c in SHARE_PERCENT
        )
    cols = [pl.col("group"), *SHARE_PERCENT, "n"]
    if not public:
        cols += [pl.col("n_effective").round(0), "small_base"]
    if rest and "vs_rest" in frame.columns:
        cols += [
            pl.col("vs_rest").map_elements(_vs_rest_text, return_dtype=pl.String),
            pl.when(pl.col("vs_rest_p_holm").is_null())
            .then(None)
            .otherwise(pl.col("vs_rest_p_holm") < 0.05)
            .alias("clear"),
        ]
    out = table_html(
        frame.select(cols),
        caption=caption,
        labels={**SHARE_LABELS, "estimate": "points"} if points else SHARE_LABELS,
        percent=() if points else SHARE_PERCENT,
    )
    if public and frame["estimate"].is_null().any():
        out += (
            '<p class="note">A dash: too few answers in that group to show (fewer than '
            "30 effective respondents, or a count of 1 to 4).</p>"
        )
    return out


_LOG_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]


def _dot_plot(
    frames: list[tuple[str, pl.DataFrame, str]],
    title: str,
    *,
    percent: bool = True,
    log_x: bool = False,
    x_title: str = "",
) -> str:
    """Dots with 95% intervals, one row per group. Groups with no estimate (too few answers to
    show) are left out of the chart, and the caption under it says so; the data table gives
    each dot's value and interval."""
    fig = go.Figure()
    scale = 100 if percent else 1
    data: list[dict[str, Any]] = []
    left_out: list[str] = []
    lines = 1  # the most lines a wrapped label takes
    for name, frame, colour in frames:
        if frame.is_empty():
            continue
        labels = _labels(frame, short=True)
        shown = [e is not None for e in frame["estimate"].to_list()]
        left_out += [lab for lab, ok in zip(labels, shown, strict=True) if not ok]
        frame = frame.filter(pl.Series(shown))
        labels = [lab for lab, ok in zip(labels, shown, strict=True) if ok]
        lines = max(lines, *(wrapped(lab).count("<br>") + 1 for lab in labels or [""]))
        x = [v * scale for v in frame["estimate"].to_list()]
        lows, highs = frame["ci_low"].to_list(), frame["ci_high"].to_list()
        lo = [None if v is None else e - v * scale for v, e in zip(lows, x, strict=True)]
        hi = [None if v is None else v * scale - e for v, e in zip(highs, x, strict=True)]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[wrapped(lab) for lab in labels],
                mode="markers",
                name=name,
                marker={"color": colour, "size": 10},
                error_x={"type": "data", "array": hi, "arrayminus": lo, "color": colour},
            )
        )
        digits = 1 if percent else 2
        for lab, e, low, high in zip(labels, x, lows, highs, strict=True):
            data.append(
                {
                    "measure": name,
                    "group": lab,
                    "value": f"{e:.{digits}f}",
                    "95% CI from": "–" if low is None else f"{low * scale:.{digits}f}",
                    "95% CI to": "–" if high is None else f"{high * scale:.{digits}f}",
                }
            )
    axis = x_title or ("% (95% CI)" if percent else "")
    fig.update_layout(
        xaxis_title=axis,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        showlegend=len(fig.data) > 1,
    )
    fig.update_layout(title=title)
    fig.update_yaxes(automargin=True)
    if log_x:
        fig.update_xaxes(type="log", tickvals=_LOG_TICKS, ticktext=[f"{v:g}" for v in _LOG_TICKS])
        fig.add_vline(x=1, line_dash="dot", line_color=_GREY)
    rows = max((f.height for _, f, _ in frames), default=1) - len(set(left_out))
    height = 140 + (28 + 14 * (lines - 1)) * max(rows, 1)
    table = pl.DataFrame(data) if data else None
    if table is not None and len(frames) == 1:
        table = table.drop("measure")
    if table is not None:
        table = table.rename({"value": "%" if percent else frames[0][0]})
    out = figure_html(fig, height=max(300, height), data=table)
    if left_out:
        names = ", ".join(dict.fromkeys(left_out))
        out += (
            f'<p class="note">Not in the chart (too few answers to show): {html.escape(names)}.</p>'
        )
    return out


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
