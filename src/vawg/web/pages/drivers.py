"""Drivers: deprivation, pubs and town centres (area model), temperature, birthdays, age."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.schema.labels import label
from vawg.web import data
from vawg.web.charts import PALETTE, show_chart, show_table, styled
from vawg.web.context import PageContext
from vawg.web.pages.common import disclosure_note, wait_for

__all__ = ["render"]

_LABELS = {
    "imd_decile_step": "One IMD decile less deprived",
    "pubs": "One more pub in the LSOA",
    "town_centre": "Town-centre LSOA",
    "tmax_per_degree": "1 °C warmer day (max)",
    "offender_birthday": "Offender's birthday",
    "victim_birthday": "Victim's birthday",
}

_PLACES = {"all": "All places", "public": "Public places", "home": "Home"}


def _series(code: str) -> str:
    """A temperature-model series in words: a place, else an offence group."""
    return _PLACES.get(code) or label(code, "offence_group")


def _forest(frame: pl.DataFrame, label: str, title: str) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=frame["estimate"].to_list(),
            y=frame[label].to_list(),
            mode="markers",
            marker={"size": 11, "color": PALETTE[0]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (frame["ci_high"] - frame["estimate"]).to_list(),
                "arrayminus": (frame["estimate"] - frame["ci_low"]).to_list(),
            },
        )
    )
    fig.add_vline(x=1, line_dash="dot", line_color="#888")
    fig.update_layout(title=title, xaxis_title="rate ratio (95% CI)")
    fig.update_xaxes(type="log")
    return fig


def render(ctx: PageContext) -> None:
    """Draw the drivers page."""
    st.title("Drivers")
    st.caption(f"{ctx.describe()}; the whole force area.")
    job = data.later(
        data.drivers_result, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public
    )
    result = wait_for(job, "the driver models")
    disclosure_note(ctx)
    effects = result.table.with_columns(
        pl.col("key").replace_strict(_LABELS, default=pl.col("key")).alias("effect")
    )
    fig = _forest(effects, "effect", "What goes with more VAWG crime: rate ratios")
    show_chart(ctx, styled(fig, height=380, legend=False), effects, "driver effects")
    for name, error in result.errors.items():
        st.warning(f"{name}: {error}")
    left, right = st.columns(2, gap="large")
    if result.area is not None:
        with left:
            area = result.area.table
            if area.filter(pl.col("model").str.contains("negative binomial")).height:
                area = area.filter(pl.col("model").str.contains("negative binomial"))
            area = area.with_columns(
                (
                    pl.col("outcome").replace_strict(_PLACES, default=pl.col("outcome"))
                    + ": "
                    + pl.col("term").replace_strict(_LABELS, default=pl.col("term"))
                ).alias("label"),
                pl.col("rate_ratio").alias("estimate"),
            )
            fig = _forest(area, "label", "Area model (LSOAs), by place")
            show_chart(
                ctx,
                styled(fig, height=460, legend=False),
                area.drop("label", "estimate"),
                "area model",
            )
    if result.daily is not None:
        with right:
            daily = result.daily.table.with_columns(
                pl.col("rate_ratio").alias("estimate"),
                pl.col("series").map_elements(_series, return_dtype=pl.String).alias("shown"),
            )
            fig = _forest(daily, "shown", "Per 1 °C warmer day, by place and offence group")
            shown = daily.drop("estimate", "shown")
            show_chart(ctx, styled(fig, height=460, legend=False), shown, "temperature model")
    if result.birthday is not None:
        profile = result.birthday.profile
        fig = go.Figure()
        for index, role in enumerate(("offender", "victim")):
            part = profile.filter(pl.col("role") == role)
            fig.add_scatter(
                x=part["offset"].to_list(),
                y=part["ratio"].to_list(),
                mode="lines+markers",
                name=role,
                line_color=PALETTE[index],
            )
        fig.add_hline(y=1, line_dash="dot", line_color="#888")
        fig.update_layout(
            title="Crimes around the birthday (observed ÷ expected)",
            xaxis_title="days from birthday",
        )
        show_chart(ctx, styled(fig, height=340), profile, "birthday profile")
    if result.age is not None and not ctx.public:
        with st.expander("Age: rates per 1,000 residents by age band"):
            show_table(ctx, result.age.table, "age rates")
    for note in result.notes:
        st.caption(note)
