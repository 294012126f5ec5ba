"""Perpetrator profile: repeats, harm concentration, relationships, ages and timing."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.web import data
from vawg.web.charts import PALETTE, bars, kpi_row, line, show_chart, show_table, styled
from vawg.web.context import PageContext
from vawg.web.pages.common import disclosure_note, wait_for

__all__ = ["render"]

_AGE_ORDER = ["under 16", "16-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def render(ctx: PageContext) -> None:
    """Draw the profile page."""
    st.title("Perpetrator profile")
    st.caption(ctx.describe())
    counts = data.overview(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public).kpis
    kpi_row(
        [
            ("VAWG crimes", counts["crimes"], "count", "Crimes in scope, recorded in the period."),
            ("Male offenders 18+", counts["offenders"], "count", "Different people."),
            ("Female victims", counts["victims"], "count", "Different people."),
        ]
    )
    disclosure_note(ctx)
    job = data.later(
        data.profile_view, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public
    )
    view = wait_for(job, "the perpetrator profile")
    shares = view.shares.rename({"count": "people"})
    left, right = st.columns(2, gap="large")
    with left:
        rows = shares.filter(pl.col("share").is_not_null())
        fig = go.Figure(
            go.Bar(
                y=rows["measure"].to_list(),
                x=rows["share"].to_list(),
                orientation="h",
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows["ci_high"] - rows["share"]).to_list(),
                    "arrayminus": (rows["share"] - rows["ci_low"]).to_list(),
                },
                marker_color=PALETTE[0],
            )
        )
        fig.update_layout(title="Repeat victimisation and offending (95% CI)")
        fig.update_xaxes(tickformat=".0%", range=[0, 1])
        show_chart(ctx, styled(fig, legend=False), shares, "repeats shares")
    with right:
        conc = view.concentration.filter(pl.col("harm_share").is_not_null())
        fig = go.Figure(
            go.Bar(
                x=[f"top {p}%" for p in conc["top_pct"]],
                y=conc["harm_share"].to_list(),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (conc["ci_high"] - conc["harm_share"]).to_list(),
                    "arrayminus": (conc["harm_share"] - conc["ci_low"]).to_list(),
                },
                marker_color=PALETTE[1],
            )
        )
        fig.update_layout(title="Most harmful perpetrators' share of harm")  # fits half a page
        fig.update_yaxes(tickformat=".0%", range=[0, 1])
        show_chart(ctx, styled(fig, legend=False), view.concentration, "harm concentration")

    left, right = st.columns(2, gap="large")
    with left:
        fig = bars(view.by_year, x="financial_year", y=["crimes", "offenders", "victims"])
        fig.update_layout(
            title="By financial year", xaxis_title=None, yaxis_title=None, legend_title=None
        )
        show_chart(ctx, styled(fig), view.by_year, "profile by financial year")
    with right:
        rel = view.relationship.sort("victims", descending=True, nulls_last=True)
        shown = rel.with_columns(pl.col("relationship").str.replace_all("_", " "))
        fig = bars(shown, x="relationship", y="victims")
        fig.update_layout(title="Victims by relationship to the perpetrator", xaxis_title=None)
        show_chart(ctx, styled(fig, legend=False), rel, "victims by relationship")

    left, right = st.columns(2, gap="large")
    with left:
        ages = pl.concat(
            [
                view.offender_age.rename({"offenders": "people"}).with_columns(
                    pl.lit("perpetrators").alias("who")
                ),
                view.victim_age.rename({"victims": "people"}).with_columns(
                    pl.lit("victims").alias("who")
                ),
            ]
        )
        order = [b for b in _AGE_ORDER if b in set(ages["age_band"].to_list())]
        order += sorted(set(ages["age_band"].to_list()) - set(order))
        fig = bars(ages, x="age_band", y="people", color="who")
        fig.update_layout(title="Ages (bands)", xaxis_title=None, legend_title=None)
        fig.update_xaxes(categoryorder="array", categoryarray=order)
        show_chart(ctx, styled(fig), ages, "ages of perpetrators and victims")
    with right:
        fig = bars(view.repeats, x="band", y="people", color="who")
        fig.update_layout(
            title="How many crimes and victims each", xaxis_title=None, legend_title=None
        )
        show_chart(ctx, styled(fig), view.repeats, "repeat distribution")

    heat = view.hour_by_day
    grid = [[None] * 24 for _ in _DAYS]
    for row in heat.iter_rows(named=True):
        grid[_DAYS.index(row["day"])][row["hour"]] = row["crimes"]
    fig = go.Figure(
        go.Heatmap(z=grid, x=list(range(24)), y=_DAYS, colorscale="Purples", hoverongaps=False)
    )
    fig.update_layout(title="When: crimes by day of week and hour committed", xaxis_title="hour")
    fig.update_yaxes(autorange="reversed")
    show_chart(ctx, styled(fig, height=320, legend=False), heat, "crimes by day and hour")

    if view.lorenz.height:
        with st.expander("Harm concentration curve (Lorenz)"):
            fig = line(view.lorenz, x="population_share", y="harm_share")
            fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line_dash="dot", name="equal harm")
            fig.update_layout(title="Cumulative share of harm by share of perpetrators")
            show_chart(ctx, styled(fig, legend=False), view.lorenz, "harm lorenz curve")
    if ctx.public:
        st.caption("Harm: Cambridge Crime Harm Index days, as weighted by the profile.")
    else:
        show_table(ctx, view.headline, "profile headline", caption="Headline figures with 95% CIs.")
