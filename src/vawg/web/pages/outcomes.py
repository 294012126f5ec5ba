"""Outcomes and audit: charge rates and open cases by financial half-year, time to outcome, attrition."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.outcomes.attrition import STAGES
from vawg.outcomes.mainpoints import outcomes_main_points
from vawg.report.fmt import half_months
from vawg.report.page import half_axis
from vawg.schema.labels import label
from vawg.web import data
from vawg.web.charts import PALETTE, show_chart, show_table, styled
from vawg.web.context import PageContext
from vawg.web.pages.common import disclosure_note, main_points, wait_for

__all__ = ["render"]

_MEASURES = {
    "charge_rate": "Charged or summonsed",
    "victim_not_supporting_rate": "Victim does not support action",
    "open_share": "Still open",
}


_DIMENSIONS = {
    "all": "All crimes",
    "district": "District",
    "offence_group": "Offence group",
    "domestic_abuse": "Domestic abuse or not",
    "relationship": "Relationship to the perpetrator",
}
_CODES = {words: code for code, words in _DIMENSIONS.items()}
_BASES = {"recorded": "Crimes recorded in the half", "assigned": "Outcomes assigned in the half"}
DEFAULT_BASE = "assigned"
"""The rate chart opens on the main points' base: the charge and withdrawal points count the
outcomes assigned in each half (:func:`vawg.outcomes.mainpoints.outcomes_main_points`)."""


def _error_bars(part: pl.DataFrame) -> dict[str, Any]:
    """Plotly error bars from a frame's estimate and its 95% interval (ci_low, ci_high)."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (part["ci_high"] - part["estimate"]).to_list(),
        "arrayminus": (part["estimate"] - part["ci_low"]).to_list(),
        "thickness": 1,
    }


def _value(dimension: str, value: str | None) -> str:
    """A breakdown's group in words (``unknown`` district → ``District not recorded``)."""
    if value is None or value == "unknown":
        return f"{_DIMENSIONS.get(dimension, 'Group')} not recorded"
    if dimension in ("offence_group", "relationship"):
        return label(value, dimension)
    if dimension == "domestic_abuse":
        return {"true": "Domestic abuse", "false": "Not domestic abuse"}.get(value.lower(), value)
    if value == "all":
        return "All crimes"
    return value


def _rate_figure(rates: pl.DataFrame, title: str, base: str = DEFAULT_BASE) -> go.Figure:
    fig = go.Figure()
    for index, (measure, name) in enumerate(_MEASURES.items()):
        part = rates.filter(pl.col("measure") == measure).sort("half")
        if not part.height:
            continue
        fig.add_scatter(
            x=[half_months(h) for h in part["half"].to_list()],
            y=part["estimate"].to_list(),
            name=name,
            mode="lines+markers",
            line_color=PALETTE[index],
            error_y=_error_bars(part),
        )
    fig.update_layout(
        title=title,
        yaxis_tickformat=".0%",
        # upright on two lines, thinned where the chart is too narrow for them all (show_chart)
        xaxis=half_axis([half_months(h) for h in sorted(set(rates["half"].to_list()))]),
        xaxis_title="outcomes assigned in" if base == "assigned" else "crimes recorded in",
    )
    return fig


def render(ctx: PageContext) -> None:
    """Draw the outcomes page."""
    st.title("Outcomes and audit")
    st.caption(ctx.describe())
    job = data.later(
        data.outcomes_result, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public
    )
    result = wait_for(job, "the outcomes")
    main_points(outcomes_main_points(result))
    disclosure_note(ctx)
    st.caption(
        f"Outcomes as the data stand on {result.as_of.day} {result.as_of:%B %Y}; recent halves have had less "
        "time to reach an outcome. The half-year audit compares halves followed up for the "
        "same time."
    )
    overall = result.table.filter(pl.col("dimension") == "all")
    base = (
        st.segmented_control(
            "Count base",
            ["assigned", "recorded"],
            default=DEFAULT_BASE,
            key="outcome_base",
            format_func=_BASES.__getitem__,
        )
        or DEFAULT_BASE
    )
    st.caption(
        "The main points count outcomes assigned in the half (the charge and withdrawal "
        "rates) and crimes recorded in the half (the median days to an outcome)."
    )
    rates = overall.filter(pl.col("base") == base)
    show_chart(
        ctx,
        styled(
            _rate_figure(rates, "Outcome rates by financial half-year (95% CI)", base),
            height=400,
        ),
        rates,
        f"outcome rates {base}",
    )
    left, right = st.columns(2, gap="large")
    with left:
        survival = result.survival.table.filter(pl.col("dimension") == "all").sort("half")
        fig = go.Figure(
            go.Scatter(
                x=[half_months(h) for h in survival["half"].to_list()],
                y=survival["median_days"].to_list(),
                mode="lines+markers",
                line_color=PALETTE[2],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (survival["ci_high"] - survival["median_days"]).to_list(),
                    "arrayminus": (survival["median_days"] - survival["ci_low"]).to_list(),
                },
            )
        )
        fig.update_layout(
            title="Median days from recording to an outcome (open crimes counted to the data date)",
            yaxis_title="days",
            xaxis=half_axis([half_months(h) for h in survival["half"].to_list()]),
            xaxis_title="crimes recorded in",
        )
        fig.update_yaxes(rangemode="tozero")  # a level: the axis starts at 0 days
        show_chart(ctx, styled(fig, legend=False), survival, "time to outcome")
    with right:
        attrition = result.attrition.table
        last = str(attrition["half"].max()) if attrition.height else None
        part = attrition.filter(pl.col("half") == last)
        fig = go.Figure(
            go.Funnel(
                y=[STAGES.get(stage, stage) for stage in part["stage"].to_list()],
                x=part["count"].to_list(),
                marker_color=PALETTE[0],
                texttemplate="%{value:,d}",
                hovertemplate="%{y}: %{x:,d}<extra></extra>",
            )
        )
        when = half_months(last) if last else "no half"
        fig.update_layout(title=f"Crimes recorded in {when}: how far they got")
        show_chart(ctx, styled(fig, legend=False), attrition, "attrition")
    dimension = st.selectbox(
        "Break down by",
        ["district", "offence_group", "domestic_abuse", "relationship"],
        key="outcome_dim",
        format_func=_DIMENSIONS.__getitem__,
    )
    by = result.table.filter(
        (pl.col("dimension") == dimension)
        & (pl.col("base") == base)
        & (pl.col("measure") == "charge_rate")
    )
    halves = sorted(by["half"].unique().to_list())
    latest = by.filter(pl.col("half").is_in(halves[-2:]))
    fig = go.Figure()
    for index, half in enumerate(halves[-2:]):
        part = latest.filter(pl.col("half") == half)
        fig.add_bar(
            x=[_value(dimension, v) for v in part["value"].to_list()],
            y=part["estimate"].to_list(),
            name=half_months(half),
            marker_color=PALETTE[index],
            error_y=_error_bars(part),
        )
    fig.update_layout(
        title=f"Charge rate by {_DIMENSIONS[dimension].lower()}, last two halves (95% CI)",
        barmode="group",
        yaxis_tickformat=".0%",
    )
    show_chart(ctx, styled(fig), by, f"charge rate by {dimension}")
    with st.expander("Every figure in the table"):
        everything = result.table.with_columns(
            pl.col("half").map_elements(half_months, return_dtype=pl.String),
            pl.col("dimension").replace_strict(_DIMENSIONS, default=pl.col("dimension")),
            pl.struct("dimension", "value")
            .map_elements(
                lambda r: _value(_CODES.get(r["dimension"], r["dimension"]), r["value"]),
                return_dtype=pl.String,
            )
            .alias("value"),
            pl.col("measure").replace_strict(_MEASURES, default=pl.col("measure")),
            pl.col("base").replace_strict(_BASES, default=pl.col("base")),
        )
        show_table(
            ctx,
            everything,
            "outcomes all figures",
            labels={
                "base": "Counted by",
                "half": "Half-year",
                "dimension": "Broken down by",
                "value": "Group",
                "measure": "Measure",
                "numerator": "Crimes with the outcome",
                "denominator": "Crimes",
                "estimate": "Rate",
                "ci_low": "95% CI from",
                "ci_high": "to",
            },
            percent=["estimate", "ci_low", "ci_high"],
        )
