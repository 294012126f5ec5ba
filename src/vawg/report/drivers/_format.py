"""Shared pieces of the drivers report: effect labels, rate-ratio, interval and change
formatting, key-figure tiles and the forest plot. Renders no section itself.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from vawg.report import fmt
from vawg.report.evaluation.charts import change_ticks
from vawg.report.page import kpi_html
from vawg.results import Estimate
from vawg.wording import unclear, with_estimate

_ACCENT, _SECOND, _GREY, _RED = "#0072B2", "#E69F00", "#999999", "#D55E00"


LABELS = {
    "imd_decile_step": "Deprivation: each decile less deprived",
    "pubs": "Pubs: each extra pub or bar",
    "town_centre": "Town-centre areas",
    "tmax_per_degree": "Temperature: each 1 °C warmer",
    "offender_birthday": "Perpetrator's birthday",
    "victim_birthday": "Victim's birthday",
}

# Short names for the forest plot's rows: long ones leave the plot a sliver on a phone.
SHORT_LABELS = {
    "imd_decile_step": "Deprivation (decile)",
    "pubs": "Each extra pub",
    "town_centre": "Town centre",
}


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _unclear(low: float | None, high: float | None) -> bool:
    """Whether an interval of a rate ratio includes no change (1)."""
    return _finite(low) and _finite(high) and low <= 1 <= high  # type: ignore[operator]


def effect_words(
    ratio: float | None,
    low: float | None,
    high: float | None,
    unit: str = "crimes",
    *,
    reference: bool = False,
) -> str:
    """A rate ratio and its interval in words, never stronger than the interval:
    ``57% more crimes (95% CI 31% more to 88% more)``; ``no clear change (estimate 8.9% more
    crimes, 95% CI 6.9% fewer to 27% more)`` when the interval includes no change; and
    ``reference`` for the group the others are compared with (its interval is 1 to 1)."""
    if reference or (ratio == 1 and low == 1 and high == 1):
        return "reference"
    if not _finite(ratio):
        return "–"
    text = fmt.change(ratio, unit)
    if not _finite(low) or not _finite(high):
        return text
    interval = fmt.change_interval(low, high, ratio)
    if _unclear(low, high):
        return unclear("change", text, interval)
    return f"{text} ({interval})"


def _rr(e: Estimate | dict[str, Any] | None) -> str:
    """A tile's figure: the change in crimes, or "no clear change" when its interval includes
    none (the estimate is then in the tile's interval line, :func:`_ci`)."""
    if e is None:
        return "–"
    d = e.to_dict() if isinstance(e, Estimate) else e
    if d.get("estimate") is None:
        return "–"
    if _unclear(d.get("ci_low"), d.get("ci_high")):
        return "no clear change"
    return fmt.change(d["estimate"], "crimes")


def _ci(e: Estimate) -> str:
    """The interval of a rate ratio in words (p-values are in the tables and the JSON), after
    the estimate when the figure above it says "no clear change"."""
    if e.ci_low is None or not math.isfinite(e.ci_low):
        return "not estimated"
    if _unclear(e.ci_low, e.ci_high):
        return with_estimate(
            fmt.change(e.estimate, "crimes"), fmt.change_interval(e.ci_low, e.ci_high, e.estimate)
        )
    return fmt.change_interval(e.ci_low, e.ci_high, e.estimate)


def _kpi(value: str, label: str, ci: str = "") -> str:
    return kpi_html(value, label, ci)


def _hover_lines(words: str) -> str:
    """An effect in words broken into short lines for a hover label (a phone is narrow):
    the change, then its interval from each end."""
    return words.replace(" (", "<br>(", 1).replace("; ", ";<br>").replace(" to ", "<br>to ")


def _forest(rows: list[tuple[str, str, Estimate]], title: str) -> go.Figure:
    fig = go.Figure()
    groups = sorted({g for g, _, _ in rows}, key=[g for g, _, _ in rows].index)
    colours = dict(zip(groups, (_ACCENT, _SECOND, _GREY, "#009E73", "#CC79A7"), strict=False))
    for group in groups:
        part = [(label, e) for g, label, e in rows if g == group and math.isfinite(e.estimate)]
        fig.add_trace(
            go.Scatter(
                x=[e.estimate for _, e in part],
                y=[label for label, _ in part],
                mode="markers",
                name=group,
                marker={"size": 10, "color": colours[group]},
                # the same words as the table under the chart, in short lines for a phone
                customdata=[
                    f"{label}, {group}:<br>"
                    + _hover_lines(effect_words(e.estimate, e.ci_low, e.ci_high))
                    for label, e in part
                ],
                hovertemplate="%{customdata}<extra></extra>",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [e.ci_high - e.estimate for _, e in part],
                    "arrayminus": [e.estimate - e.ci_low for _, e in part],
                },
            )
        )
    fig.add_vline(x=1, line_dash="dash", line_color=_GREY)
    # a log scale (a halving and a doubling the same distance from no change), labelled in %
    fig.update_xaxes(
        type="log",
        title="change in crimes (%)",
        **change_ticks((0.5, 1, 2, 4)),
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.25})
    return fig
