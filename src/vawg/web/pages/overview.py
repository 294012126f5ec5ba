"""Overview: how many VAWG crimes, offenders and victims, when, what, where and at home or not."""

from __future__ import annotations

import plotly.express as px
import polars as pl
import streamlit as st

from vawg.web import data
from vawg.web.charts import kpi_row, show_chart, show_table, styled
from vawg.web.context import PageContext
from vawg.web.filters import label
from vawg.web.pages.common import disclosure_note

__all__ = ["render"]


def render(ctx: PageContext) -> None:
    """Draw the overview page."""
    st.title("Overview")
    st.caption(ctx.filters.describe())
    result = data.overview(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public)
    k = result.kpis
    kpi_row(
        [
            ("VAWG crimes", k["crimes"], "count", "Crimes in scope, recorded in the period."),
            ("Male offenders 18+", k["offenders"], "count", "Different people."),
            ("Female victims", k["victims"], "count", "Different people."),
            ("Domestic abuse", k["domestic_abuse_share"], "share", "Share flagged domestic abuse."),
            (
                "Home vs public place",
                k["home_per_public"],
                "ratio",
                "Crimes at a dwelling for each crime in a public place.",
            ),
        ]
    )
    disclosure_note(ctx)

    monthly = result.monthly.rename({"crimes": "crimes"})
    fig = px.line(monthly.to_pandas(), x="month", y="crimes", markers=False)
    fig.update_traces(line={"width": 2.5})
    fig.update_layout(
        title="VAWG crimes recorded per month", xaxis_title=None, yaxis_title="crimes"
    )
    show_chart(styled(fig, legend=False), monthly, "crimes per month")

    left, right = st.columns(2, gap="large")
    with left:
        groups = result.by_group.with_columns(
            pl.col("offence_group").map_elements(label, return_dtype=pl.String).alias("group"),
            pl.when(pl.col("domestic_abuse"))
            .then(pl.lit("Domestic abuse"))
            .otherwise(pl.lit("Not domestic abuse"))
            .alias("flag"),
        )
        fig = px.bar(
            groups.to_pandas(),
            y="group",
            x="crimes",
            color="flag",
            orientation="h",
            barmode="stack",
        )
        fig.update_layout(
            title="By offence group", yaxis_title=None, xaxis_title="crimes", legend_title=None
        )
        fig.update_yaxes(categoryorder="total ascending")
        show_chart(styled(fig, height=380), result.by_group, "crimes by offence group")
    with right:
        places = result.by_place.with_columns(
            pl.col("offence_group").map_elements(label, return_dtype=pl.String).alias("group")
        )
        fig = px.bar(
            places.to_pandas(),
            y="group",
            x="crimes",
            color="place",
            orientation="h",
            barmode="group",
            category_orders={"place": ["Home", "Public place", "Unknown"]},
        )
        fig.update_layout(
            title="At home or in public", yaxis_title=None, xaxis_title="crimes", legend_title=None
        )
        fig.update_yaxes(categoryorder="total ascending")
        show_chart(styled(fig, height=380), result.by_place, "crimes at home or in public")

    districts = result.by_district
    fig = px.bar(
        districts.to_pandas(),
        x="district",
        y="per_1000_residents",
        hover_data=["crimes", "population"],
    )
    fig.update_layout(
        title="Crimes per 1,000 residents, by district", xaxis_title=None, yaxis_title="per 1,000"
    )
    fig.update_xaxes(categoryorder="total descending")
    show_chart(
        styled(fig, legend=False),
        districts,
        "crimes by district",
        caption="Residents: all ages and sexes (area reference).",
    )

    with st.expander("How the scope was applied (crimes excluded by each rule)"):
        show_table(
            result.exclusions,
            "scope exclusions",
            caption="Rules apply in order; each crime is counted against the first it fails. "
            "Before the district, offence group and domestic abuse filters.",
        )
