"""Overview: how many VAWG crimes, offenders and victims, when, what, where and at home or not."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vawg.profile.mainpoints import overview_main_points
from vawg.web import data
from vawg.web.charts import bars, kpi_row, line, show_chart, show_table, styled
from vawg.web.context import PageContext
from vawg.web.filters import label
from vawg.web.pages.common import disclosure_note, main_points

__all__ = ["render"]


def render(ctx: PageContext) -> None:
    """Draw the overview page."""
    st.title("Overview")
    st.caption(ctx.describe())
    result = data.overview(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public)
    k = result.kpis
    kpi_row(
        [
            ("VAWG crimes", k["crimes"], "count", "Crimes in scope, recorded in the period."),
            (
                "Perpetrators",
                k["offenders"],
                "count",
                "Different men aged 18 or over, suspects or offenders.",
            ),
            ("Victims", k["victims"], "count", "Different women and girls."),
            ("Domestic abuse", k["domestic_abuse_share"], "share", "Share flagged domestic abuse."),
            ("Crimes at home", k["home_crimes"], "count", "Crimes at a dwelling."),
        ]
    )
    fixed = ctx.filters.domestic_abuse != "all" and "domestic_abuse" in ctx.applies
    main_points(overview_main_points(result, domestic_abuse_fixed=fixed))
    if fixed:
        st.caption(
            "The share flagged domestic abuse is left out of the main points: the domestic "
            "abuse filter chose these crimes by that flag."
        )
    disclosure_note(ctx)

    monthly = result.monthly.rename({"crimes": "crimes"})
    fig = line(monthly, x="month", y="crimes")
    fig.update_traces(line={"width": 2.5})
    fig.update_layout(
        title="VAWG crimes recorded per month", xaxis_title=None, yaxis_title="crimes"
    )
    show_chart(ctx, styled(fig, legend=False), monthly, "crimes per month")

    left, right = st.columns(2, gap="large")
    with left:
        groups = result.by_group.with_columns(
            pl.col("offence_group").map_elements(label, return_dtype=pl.String).alias("group"),
            pl.when(pl.col("domestic_abuse"))
            .then(pl.lit("Domestic abuse"))
            .otherwise(pl.lit("Not domestic abuse"))
            .alias("flag"),
        )
        fig = bars(
            groups,
            x="group",
            y="crimes",
            color="flag",
            orientation="h",
            barmode="stack",
            order=["Domestic abuse", "Not domestic abuse"],
        )
        fig.update_layout(
            title="By offence group", yaxis_title=None, xaxis_title="crimes", legend_title=None
        )
        fig.update_xaxes(tickformat="~s", nticks=4)
        fig.update_yaxes(categoryorder="total ascending")
        show_chart(ctx, styled(fig, height=380), result.by_group, "crimes by offence group")
    with right:
        places = result.by_place.with_columns(
            pl.col("offence_group").map_elements(label, return_dtype=pl.String).alias("group")
        )
        fig = bars(
            places,
            x="group",
            y="crimes",
            color="place",
            orientation="h",
            order=["Home", "Public place", "Unknown"],
        )
        fig.update_layout(
            title="At home or in public", yaxis_title=None, xaxis_title="crimes", legend_title=None
        )
        fig.update_xaxes(tickformat="~s", nticks=4)
        fig.update_yaxes(categoryorder="total ascending")
        show_chart(ctx, styled(fig, height=380), result.by_place, "crimes at home or in public")

    districts = result.by_district
    fig = bars(
        districts,
        x="district",
        y="rate_per_1000_per_year",
        orientation="h",
        hover=["crimes", "female_population"],
    )
    fig.update_layout(
        title="Crimes per 1,000 women and girls a year, by district",
        yaxis_title=None,
        xaxis_title="per 1,000 a year",
    )
    # Down the side, highest first: names stay level and the bars keep a phone's width.
    fig.update_yaxes(categoryorder="total ascending")
    fig.update_xaxes(nticks=5)
    rate = districts["rate_per_1000_per_year"]
    fig.update_traces(
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (districts["ci_high"] - rate).to_list(),
            "arrayminus": (rate - districts["ci_low"]).to_list(),
        }
    )
    show_chart(
        ctx,
        styled(fig, height=440, legend=False),
        districts,
        "crimes by district",
        caption="Women and girls of all ages (ONS mid-2019 estimates); the lines across the "
        "bars show 95% intervals.",
    )

    with st.expander("How the scope was applied (crimes excluded by each rule)"):
        show_table(
            ctx,
            result.exclusions.select(
                pl.col("description").str.slice(0, 1).str.to_uppercase()
                + pl.col("description").str.slice(1),
                "crimes_excluded",
            ),
            "scope exclusions",
            caption="Rules apply in order; each crime is counted against the first it fails. "
            "Before the district, offence group and domestic abuse filters.",
        )
