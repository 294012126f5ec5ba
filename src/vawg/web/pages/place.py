"""Place and hot spots: G* hot spots on a map of the real LSOA boundaries (offline), and
concentration by year. Without boundaries for the area table's LSOAs the map falls back to one
dot per LSOA centroid, and says so."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vawg.report.area_map import area_map_figure
from vawg.report.hotspots._format import CLASS_WORDS, MAP_CATEGORIES, MAP_COLOURS
from vawg.report.maps import hotspot_map_figure
from vawg.web import data
from vawg.web.charts import (
    bars,
    content_key,
    remembered,
    show_chart,
    show_map,
    show_table,
    styled,
    wrapped,
)
from vawg.web.context import PageContext
from vawg.web.pages.common import details, disclosure_note, main_points_html, wait_for

__all__ = ["render"]

_PLACES = {"All places": "", "Public places": "public_", "Homes": "home_"}
_READER = {
    "confirmed hot spot": "Hot spot",
    "exploratory hot cluster": "Possible hot spot (not confirmed)",
    "no clear difference": "Neither hot nor cold",
    "exploratory cold cluster": "Possible cold spot (not confirmed)",
    "confirmed cold spot": "Cold spot",
}
_WORDS = {code: _READER.get(words, words) for code, words in CLASS_WORDS.items()}
_CATEGORIES = [_READER.get(words, words) for words in MAP_CATEGORIES]


def render(ctx: PageContext) -> None:
    """Draw the place page."""
    st.title("Place and hot spots")
    st.caption(ctx.describe())
    job = data.later(data.hotspots, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public)
    view = wait_for(job, "the hot spots")
    disclosure_note(ctx)
    main_points_html(
        view.main_points,
        caption=(
            "Over the whole force: hot spots are tested over every LSOA; the district filter "
            "zooms the map and its table."
            if ctx.filters.districts
            else ""
        ),
    )
    place = st.segmented_control("Crimes at", list(_PLACES), default="All places", key="place_kind")
    prefix = _PLACES[place or "All places"]
    table = view.table
    if ctx.filters.districts:
        table = table.filter(pl.col("district").is_in(list(ctx.filters.districts)))
    title = f"Hot spots: {(place or 'All places').lower()}"
    boundaries = view.boundaries
    if boundaries is None:
        caption = (
            "No neighbourhood has a boundary, so each dot is a neighbourhood (LSOA) at its centre."
        )
        fig = remembered(
            ("hotspot map", ctx.public, prefix, title, content_key(table)),
            lambda: styled(hotspot_map_figure(table, prefix=prefix, title=title), height=640),
        )
    else:
        caption = (
            "Neighbourhoods (LSOAs) in grey ('not shown') have too few crimes to publish; "
            "hover for each one's name and finding."
            if ctx.public
            else "Neighbourhoods (LSOAs); hover for each one's name and finding."
        )
        klass = prefix + "hotspot_class"
        values = table.select(
            "lsoa_code",
            pl.col(klass).replace_strict(_WORDS, default=None).alias("finding"),
            pl.format(
                "{} ({})", pl.col("lsoa_name").fill_null(pl.col("lsoa_code")), "district"
            ).alias("name"),
            (pl.col(prefix + "crimes").is_null() & pl.lit(ctx.public)).alias("hidden"),
        )
        fig = remembered(
            (
                "hotspot polygons",
                ctx.public,
                prefix,
                title,
                ctx.filters.districts,
                content_key(table),
            ),
            lambda: styled(
                area_map_figure(
                    values,
                    boundaries,
                    value="finding",
                    categories=_CATEGORIES,
                    colours=MAP_COLOURS,
                    title=title,
                    hover="name",
                    withheld="hidden",
                    focus=ctx.filters.districts,
                ),
                height=640,
            ),
        )
    columns = [
        c
        for c in (
            "lsoa_code",
            "district",
            "easting",
            "northing",
            prefix + "crimes",
            prefix + "gi_z",
            prefix + "q_value",
            prefix + "hotspot_class",
        )
        if c in table.columns
    ]
    show_map(
        ctx,
        fig,
        table.select(columns),
        f"hot spots {(place or 'All places').lower()}",
        caption=caption,
    )
    details(
        [f"Neighbours: {view.weights}.", *view.notes],
        title="How the hot spots were found",
    )
    left, right = st.columns(2, gap="large")
    with left:
        conc = view.concentration_by_year
        shown = conc.rename({"top_share": "Observed", "chance_share": "Expected by chance"})
        fig = bars(shown, x="year", y=["Observed", "Expected by chance"])
        fig.update_layout(
            title="Share of crime in the 5% of neighbourhoods with the most",
            yaxis_tickformat=".0%",
            legend_title=None,
            xaxis_title=None,
        )
        # over every LSOA of the force (the hot spots' own run): the district does not apply
        show_chart(
            ctx.without("district"),
            styled(fig),
            conc,
            "concentration by year",
            caption="Over every neighbourhood of the force: the district filter does not apply."
            if ctx.filters.districts
            else "",
        )
    with right:
        klass = prefix + "hotspot_class"
        counts = (
            table.group_by(klass)
            .len("lsoas")
            .sort(klass)
            .with_columns(pl.col(klass).replace_strict(_WORDS, default=pl.col(klass)))
        )
        fig = bars(
            counts.with_columns(pl.col(klass).map_elements(wrapped, return_dtype=pl.String)),
            x=klass,
            y="lsoas",
            orientation="h",
        )
        fig.update_layout(
            title="Neighbourhoods (LSOAs) by finding", yaxis_title=None, xaxis_title="LSOAs"
        )
        show_chart(ctx, styled(fig, legend=False), counts, "neighbourhoods by finding")
    if "pattern" in table.columns:
        with st.expander("Persistent and emerging hot spots"):
            show_table(
                ctx,
                table.filter(pl.col("pattern").is_not_null()).select(
                    pl.col("lsoa_name").fill_null(pl.col("lsoa_code")),
                    "district",
                    "years_hot",
                    pl.col("pattern").str.slice(0, 1).str.to_uppercase()
                    + pl.col("pattern").str.slice(1),
                    "lsoa_code",
                ),
                "hot spot patterns",
                labels={
                    "lsoa_name": "Neighbourhood",
                    "district": "District",
                    "years_hot": "Years a hot spot",
                    "pattern": "Pattern",
                    "lsoa_code": "Code",
                },
            )
