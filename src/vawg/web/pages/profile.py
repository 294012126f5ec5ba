"""Perpetrator profile: repeats, harm concentration, relationships, ages and timing."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.schema.labels import label
from vawg.web import data
from vawg.web.charts import (
    PALETTE,
    bars,
    change_words,
    interval_words,
    kpi_row,
    line,
    show_chart,
    show_table,
    styled,
    wrapped,
)
from vawg.web.context import PageContext
from vawg.web.pages.common import disclosure_note, main_points, wait_for

__all__ = ["render"]

_AGE_ORDER = ["under 16", "16-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "not known"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


_CRIME_BANDS = ["1", "2", "3", "4", "5–9", "10 or more"]
_VICTIM_BANDS = ["1", "2", "3", "4 or more"]


def repeat_charts(repeats: pl.DataFrame) -> list[tuple[str, go.Figure, pl.DataFrame, str]]:
    """The repeat figures as two charts, each on one set of bands: crimes each (perpetrators
    and victims; 1 to 4, 5–9, 10 or more) and victims each perpetrator (1 to 3, 4 or more).
    (title, figure, the rows it draws, download name) for each chart with rows."""
    charts = []
    for title, whos, order, slug in (
        (
            "How many crimes each",
            ["offenders: crimes each", "victims: crimes against each"],
            _CRIME_BANDS,
            "repeat crimes each",
        ),
        (
            "How many victims each perpetrator",
            ["offenders: victims each"],
            _VICTIM_BANDS,
            "victims each perpetrator",
        ),
    ):
        rows = repeats.filter(pl.col("who").is_in(whos))
        if not rows.height:
            continue
        shown = rows.with_columns(
            pl.col("band").str.replace(r"^(\d+)\+$", "${1} or more").str.replace("-", "–"),
            pl.col("who")
            .str.replace("offenders", "perpetrators")
            .pipe(lambda who: who.str.slice(0, 1).str.to_uppercase() + who.str.slice(1)),
        )
        bands = order + [b for b in shown["band"].unique(maintain_order=True) if b not in order]
        fig = bars(shown, x="band", y="people", color="who")
        # Bands such as "1" would make a number axis that leaves "5–9" and "10 or more" out.
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=bands)
        fig.update_layout(xaxis_title=None, legend_title=None, showlegend=len(whos) > 1)
        charts.append((title, fig, rows, slug))
    return charts


def render(ctx: PageContext) -> None:
    """Draw the profile page."""
    st.title("Perpetrator profile")
    st.caption(ctx.describe())
    counts = data.overview(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public).kpis
    kpi_row(
        [
            ("VAWG crimes", counts["crimes"], "count", "Crimes in scope, recorded in the period."),
            (
                "Perpetrators",
                counts["offenders"],
                "count",
                "Different men aged 18 or over, suspects or offenders.",
            ),
            ("Victims", counts["victims"], "count", "Different women and girls."),
        ]
    )
    disclosure_note(ctx)
    job = data.later(
        data.profile_view, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public
    )
    view = wait_for(job, "the perpetrator profile")
    main_points(view.main_points)
    shares = view.shares.rename({"count": "people"})
    left, right = st.columns(2, gap="large")
    with left:
        rows = shares.filter(pl.col("share").is_not_null())
        fig = go.Figure(
            go.Bar(
                y=[wrapped(m[:1].upper() + m[1:]) for m in rows["measure"].to_list()],
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
        by_year = view.by_year.rename(
            {"crimes": "Crimes", "offenders": "Perpetrators", "victims": "Victims"}
        )
        fig = bars(by_year, x="financial_year", y=["Crimes", "Perpetrators", "Victims"])
        fig.update_layout(
            title="By financial year", xaxis_title=None, yaxis_title=None, legend_title=None
        )
        show_chart(ctx, styled(fig), view.by_year, "profile by financial year")
    with right:
        rel = view.relationship.sort("victims", descending=True, nulls_last=True)
        shown = rel.with_columns(
            pl.col("relationship").map_elements(
                lambda c: label(c, "relationship"), return_dtype=pl.String
            )
        )
        fig = bars(shown, x="relationship", y="victims")
        fig.update_layout(title="Victims by relationship to the perpetrator", xaxis_title=None)
        show_chart(ctx, styled(fig, legend=False), rel, "victims by relationship")

    left, right = st.columns(2, gap="large")
    with left:
        ages = pl.concat(
            [
                view.offender_age.rename({"offenders": "people"}).with_columns(
                    pl.lit("Perpetrators").alias("who")
                ),
                view.victim_age.rename({"victims": "people"}).with_columns(
                    pl.lit("Victims").alias("who")
                ),
            ]
        )
        ages = ages.with_columns(pl.col("age_band").replace({"unknown": "not known"}))
        order = [b for b in _AGE_ORDER if b in set(ages["age_band"].to_list())]
        order += sorted(set(ages["age_band"].to_list()) - set(order))
        fig = bars(ages, x="age_band", y="people", color="who")
        fig.update_layout(title="Ages (bands)", xaxis_title=None, legend_title=None)
        fig.update_xaxes(categoryorder="array", categoryarray=order)
        show_chart(ctx, styled(fig), ages, "ages of perpetrators and victims")
    with right:
        for title, fig, frame, slug in repeat_charts(view.repeats):
            fig.update_layout(title=title)
            show_chart(ctx, styled(fig, height=300), frame, slug)

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
        with st.expander("How concentrated harm is: the whole curve"):
            fig = line(view.lorenz, x="population_share", y="harm_share")
            fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line_dash="dot", name="equal harm")
            fig.update_layout(
                title="Cumulative share of harm by share of perpetrators",
                xaxis_title="most harmful perpetrators first",
                yaxis_title="share of all harm",
            )
            fig.update_xaxes(tickformat=".0%")
            fig.update_yaxes(tickformat=".0%")
            show_chart(ctx, styled(fig, legend=False), view.lorenz, "harm lorenz curve")
    if ctx.public:
        st.caption("Harm: Cambridge Crime Harm Index days, as weighted by the profile.")
    else:
        show_table(
            ctx,
            _headline(view.headline),
            "profile headline",
            labels={"measure": "Measure", "value": "Figure", "interval": "95% interval"},
            caption="Headline figures with 95% intervals.",
        )


def _headline(table: pl.DataFrame) -> pl.DataFrame:
    """The headline figures written for reading: counts whole, shares as percentages, ratios as
    % more or fewer, each with its interval in words."""
    rows = []
    for row in table.iter_rows(named=True):
        measure, value, low, high = row["measure"], row["value"], row["ci_low"], row["ci_high"]
        if "share" in measure:
            shown = f"{value:.1%}"
            interval = f"{low:.1%} to {high:.1%}" if low is not None else ""
        elif "ratio" in measure:
            shown = change_words(value, unit="a year" if "per year" in measure else "")
            interval = interval_words(low, high, value)
        elif "rate" in measure:
            shown = f"{value:,.2f}"
            interval = f"{low:,.2f} to {high:,.2f}" if low is not None else ""
        else:
            shown = "–" if value is None else f"{value:,.0f}"
            interval = "" if low is None else f"{low:,.0f} to {high:,.0f}"
        words = measure[:1].upper() + measure[1:]
        words = words.replace("trend: rate ratio per year", "trend: crimes each year")
        rows.append({"measure": words, "value": shown, "interval": interval})
    return pl.DataFrame(
        rows, schema={"measure": pl.String, "value": pl.String, "interval": pl.String}
    )
