"""The hot-spot report's body: maps with their data, persistence, concentration, placement."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.report.hotspots._format import (
    CLASS_WORDS,
    MAP_CATEGORIES,
    MAP_COLOURS,
    PLACES,
    PREFIX,
    RATE_WORDS,
    neighbourhood_words,
    rate_interval,
    rate_with_interval,
)
from vawg.report.maps import MapFigure, choropleth, map_html
from vawg.report.page import details_html, figure_html, table_html
from vawg.report.symbol_map import CLASS_COLOURS
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.hotspots import CLASSES, COLD, COLD_UNADJUSTED, HOT, HOT_UNADJUSTED, PATTERNS

_HOT_CLASSES = [CLASSES[0], CLASSES[1]]
NOT_SHOWN = "not shown (small count)"


def _labels(prefix: str) -> dict[str, str]:
    return {
        "rate": f"rate {RATE_WORDS} (95% CI)",
        "lsoa_name": "LSOA",
        "town": "town centre",
        prefix + "crimes": "crimes",
        prefix + "rate": "own rate (95% CI)",
        prefix + "neighbourhood_rate": "neighbourhood rate",
        prefix + "gi_z": "cluster score (z)",
        prefix + "q_value": "adjusted p (q)",
        prefix + "p_perm": "second check p",
        "class": "finding",
    }


def _lsoa() -> pl.Expr:
    """The LSOA's name, with its town centre when it has one."""
    name = pl.col("lsoa_name").fill_null(pl.col("lsoa_code"))
    return (
        pl.when(pl.col("town").is_not_null() & pl.col("town_centre").fill_null(True))
        .then(pl.format("{} ({} town centre)", name, pl.col("town")))
        .otherwise(name)
        .alias("lsoa_name")
    )


def class_figure(
    result: HotspotAnalysis,
    table: pl.DataFrame,
    place: str,
    *,
    public: bool = False,
    legend: bool = True,
) -> MapFigure:
    """The G* classes of one place on the LSOA map (confirmed hot spots labelled by town;
    LSOAs a public Result does not show, hatched)."""
    prefix = PREFIX[place]
    klass = prefix + "hotspot_class"
    values = table.select(
        "lsoa_code",
        "district",
        pl.col(klass).replace_strict(CLASS_WORDS, default=None).alias("class"),
        pl.when(pl.col(klass) == CLASSES[0]).then(pl.col("town")).alias("label"),
        (pl.col(prefix + "crimes").is_null() & pl.lit(public)).alias("hidden"),
    )
    return choropleth(
        values,
        result.boundaries,
        value="class",
        legend_title="finding",
        title=f"Hot spots of in-scope VAWG, {PLACES[place]}",
        categories=MAP_CATEGORIES,
        colours=MAP_COLOURS,
        label="label",
        withheld="hidden",
        withheld_label=NOT_SHOWN,
        legend=legend,
    )


def q_words(column: str) -> pl.Expr:
    """A q-value as the hot-spot tables write it: to 4 decimals, and ``< 0.0001`` below that
    (rounded, a tiny q would read 0, which no q can be)."""
    q = pl.col(column)
    return (
        pl.when(q < 0.0001).then(pl.lit("< 0.0001")).otherwise(q.round(4).cast(pl.String))
    ).alias(column)


def class_map(
    result: HotspotAnalysis, table: pl.DataFrame, place: str, public: bool, *, drawn: bool = True
) -> str:
    """The G* classes of one place on the LSOA map, beside the hot LSOAs' table (the table
    alone when not ``drawn``)."""
    prefix = PREFIX[place]
    klass = prefix + "hotspot_class"
    hot = table.filter(pl.col(klass).is_in(_HOT_CLASSES)).sort(prefix + "gi_z", descending=True)
    finding = pl.col(klass).replace_strict(CLASS_WORDS, default=None).alias("class")
    q_text = q_words(prefix + "q_value")
    rate = rate_with_interval(prefix)
    nbhd = [  # one decimal always ("13.0", not "13" beside "13.6")
        pl.col(c).map_elements(lambda v: f"{v:,.1f}", return_dtype=pl.String)
        for c in (prefix + "neighbourhood_rate",)
        if c in table.columns
    ]
    shown = hot.select(_lsoa(), finding, *nbhd, rate)  # the district: in the full table
    extra = [c for c in (prefix + "gi_z", prefix + "p_perm") if c in table.columns]
    # the body's tables in words; the test statistics only in the model details below them
    full = hot.select(_lsoa(), finding, *nbhd, rate, "district", prefix + "crimes")
    # a z-score always with one decimal ("5.0", not "5" beside "5.3")
    scores = hot.select(
        _lsoa(),
        finding,
        *(
            pl.col(c).map_elements(lambda v: f"{v:.1f}", return_dtype=pl.String)
            if c.endswith("gi_z")
            else pl.col(c).round(4)
            for c in extra
        ),
        q_text,
    )
    caption = f"Hot spots, {PLACES[place]}, strongest first"
    force = result.force_rates.get(place)
    lead = f'<p class="note">{html.escape(neighbourhood_words(result, force))}</p>' if nbhd else ""
    if shown.is_empty():
        shown = full = pl.DataFrame(
            {"finding": ["no LSOA stands out, not even as a possible hot spot"]}
        )
    details = (
        ""
        if scores.is_empty()
        else details_html(
            "Model details",
            table_html(
                scores,
                caption=f"{caption}: the Getis-Ord Gi* test behind each finding",
                labels=_labels(prefix),
                max_rows=scores.height,
            )
            + '<p class="note">cluster score (z): how far the neighbourhood\'s crimes are above '
            "the force-wide rate, in standard errors; adjusted p (q): the chance of a score as "
            "high, after allowing for testing every LSOA (a confirmed hot spot has q below "
            "0.05); second check p: the same asked by shuffling the LSOAs around each one.</p>",
        )
    )
    if not drawn:
        return (
            lead
            + table_html(full, caption=caption, labels=_labels(prefix), max_rows=full.height)
            + details
        )
    figure = class_figure(result, table, place, public=public, legend=False)
    return (
        map_html(
            figure,
            shown,
            full=full,
            caption=caption,
            labels=_labels(prefix),
            attribution=result.boundaries.attribution,
            lead=lead,
        )
        + details
    )


def rate_figure(
    result: HotspotAnalysis, table: pl.DataFrame, public: bool, *, legend: bool = True
) -> MapFigure:
    """In-scope crimes per 1,000 women and girls a year, all places, in five equal-sized classes;
    LSOAs a public Result does not show, hatched."""
    values = table.select(
        "lsoa_code",
        "district",
        "rate",
        (pl.col("crimes").is_null() & pl.lit(public)).alias("hidden"),
    )
    return choropleth(
        values,
        result.boundaries,
        value="rate",
        legend_title=f"crimes {RATE_WORDS}",
        title=f"In-scope VAWG {RATE_WORDS}, by LSOA (fifths of LSOAs)",
        withheld="hidden",
        withheld_label=NOT_SHOWN,
        legend=legend,
    )


def rate_map(
    result: HotspotAnalysis, table: pl.DataFrame, public: bool, *, drawn: bool = True
) -> str:
    """The rate map beside the LSOAs by rate (the table alone when not ``drawn``)."""
    data = table.sort("rate", descending=True, nulls_last=True).select(
        _lsoa(), rate_with_interval(""), "crimes", "district"
    )
    force = result.force_rates.get("all")
    low, high = result.force_rate_intervals.get("all", (None, None))
    caption = "LSOAs by rate, highest first" + (
        f" (force-wide: {rate_interval(force, low, high)})" if force is not None else ""
    )
    labels = {**_labels(""), "rate": f"rate {RATE_WORDS} (95% CI)"}
    if not drawn:
        return table_html(data.head(50), caption=caption + " (the first 50)", labels=labels)
    figure = rate_figure(result, table, public, legend=False)
    return map_html(
        figure,
        data,
        caption=caption,
        labels=labels,
        attribution=result.boundaries.attribution,
    )


_HEATMAP_ROWS = 25
"""The heat map draws the LSOAs hot most often, at most this many; the table lists them all."""


_YEAR_CELLS = {
    HOT: (2, "●"),
    HOT_UNADJUSTED: (1, "○"),
    CLASSES[2]: (0, ""),
    COLD_UNADJUSTED: (-1, ""),
    COLD: (-2, "▼"),
}
"""Each finding's place on the year-by-year heat map's colour scale and its mark in the cell: a
mark, not a word, so that it can be read at one size on a phone, where a cell is a few letters
wide (the words are in the key above the chart and in its data table)."""


def _yearly_findings(yearly: pl.DataFrame, top: pl.DataFrame, hot: int, years: list[str]) -> str:
    """The LSOAs hot most often, year by year: each cell the year's finding in words and in
    the map's colours (the test statistics are in the per-year data, not in the body)."""
    findings = yearly.filter(pl.col("lsoa_code").is_in(top["lsoa_code"].implode())).pivot(
        on="year", index="lsoa_code", values="hotspot_class"
    )
    findings = top.select("lsoa_code", "lsoa_name").join(findings, on="lsoa_code", how="left")
    for year in years:  # a year with no finding for any of these LSOAs
        if year not in findings.columns:
            findings = findings.with_columns(pl.lit(None, pl.String).alias(year))
    cells = findings.select(years).rows()
    shown = "each LSOA" if top.height == hot else f"the {top.height} of {hot} LSOAs hot most often"
    # a discrete scale: each finding's colour from the maps, over its fifth of the range
    colours = [CLASS_COLOURS[c] for c in (COLD, COLD_UNADJUSTED, CLASSES[2], HOT_UNADJUSTED, HOT)]
    scale = [
        [edge, colour]
        for k, colour in enumerate(colours)
        for edge in (k / len(colours), (k + 1) / len(colours))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=[[None if c is None else _YEAR_CELLS[c][0] for c in row] for row in cells],
            x=years,
            y=findings["lsoa_name"].to_list(),
            text=[["" if c is None else _YEAR_CELLS[c][1] for c in row] for row in cells],
            texttemplate="%{text}",
            textfont={"size": 13},
            customdata=[
                ["not shown" if c is None else CLASS_WORDS[c] for c in row] for row in cells
            ],
            hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>",
            colorscale=scale,
            zmin=-2.5,
            zmax=2.5,
            showscale=False,
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, side="top")
    # A cell with no finding (withheld in a public report) shows the grey background.
    fig.update_layout(title=f"Hot spots year by year: {shown}", plot_bgcolor="#9e9e9e")
    data = findings.select(
        pl.col("lsoa_name").alias("LSOA"),
        *(pl.col(y).replace_strict(CLASS_WORDS, default="not shown").alias(y) for y in years),
    )
    body = (
        '<p class="note">Each cell is the LSOA\'s finding in that financial year: ● dark red, '
        "a confirmed hot spot; ○ light red, possibly hot (an exploratory cluster); light grey, "
        "neither; ▼ blue, lower than the force's rate.</p>"
    )
    body += figure_html(fig, height=max(320, 22 * top.height + 120), data=data)
    if any(c is None for row in cells for c in row):
        body += (
            '<p class="note">Dark grey cells: no finding shown for that year (withheld: too '
            "few crimes to publish).</p>"
        )
    return body


def trends_section(result: HotspotAnalysis, table: pl.DataFrame) -> str:
    """Persistent and emerging hot spots: the pattern counts, a heat map and its table."""
    trends = result.trends
    if trends is None:
        return "<p>Fewer than two financial years of data: no persistence analysis.</p>"
    counts = pl.DataFrame(
        {
            "pattern": list(PATTERNS),
            "LSOAs, confirmed": [trends.patterns[p] for p in PATTERNS],
            "LSOAs, including exploratory": [trends.patterns_unadjusted[p] for p in PATTERNS],
        }
    )
    if trends.withheld_lsoas:
        counts = pl.concat(
            [
                counts,
                pl.DataFrame(
                    {
                        "pattern": ["not shown (too few crimes to publish)"],
                        "LSOAs, confirmed": [trends.withheld_lsoas],
                        "LSOAs, including exploratory": [trends.withheld_lsoas],
                    }
                ),
            ]
        )
    body = (
        f"<p>The test was run separately for each financial year ({', '.join(trends.years)}), "
        "with the same neighbours. Persistent: a confirmed hot spot in every year. "
        "Emerging: hot in the latest year, not the first, and in fewer than half of the earlier "
        "years. Diminishing: hot in the first year but not the latest. Intermittent: anything "
        "else, which includes an LSOA hot in all years but one; the years column says how "
        "often each was hot.</p>"
    )
    body += table_html(counts, caption="LSOAs by pattern across the years")
    hot = (
        trends.table.filter(pl.col("years_hot_unadjusted") > 0)
        .sort(["years_hot", "years_hot_unadjusted"], descending=True)
        .join(table.select("lsoa_code", "lsoa_name", "district"), on="lsoa_code", how="left")
        .with_columns(pl.col("lsoa_name").fill_null(pl.col("lsoa_code")))
    )
    top = hot.head(_HEATMAP_ROWS)
    if top.height:
        body += _yearly_findings(trends.yearly, top, hot.height, list(trends.years))
        wanted = (
            "lsoa_name",
            "district",
            "years_hot",
            "pattern",
            "years_hot_unadjusted",
            "pattern_unadjusted",
        )
        body += table_html(
            hot.select(c for c in wanted if c in hot.columns),
            caption=f"LSOAs hot in at least one year, including exploratory: all {hot.height:,}"
            + (" of those shown" if trends.withheld_lsoas else ""),
            labels={
                "lsoa_name": "LSOA",
                "years_hot": "years a confirmed hot spot",
                "years_hot_unadjusted": "years hot, including exploratory",
                "pattern_unadjusted": "pattern, including exploratory",
            },
        )
    return body


def concentration_section(result: HotspotAnalysis) -> str:
    """The Lorenz curve and the top-5% share against chance."""
    if not result.concentration:
        return "<p>No crimes to measure.</p>"
    fig = go.Figure()
    for place, colour in (("all", "#5b2a86"), ("public", "#d08a1e")):
        c = result.concentration.get(place)
        if c is None:
            continue
        fig.add_trace(
            go.Scatter(
                x=[100 * v for v in c.table["share_of_lsoas"].to_list()],
                y=[100 * v for v in c.table["share_of_crimes"].to_list()],
                mode="lines",
                name=PLACES[place],
                line={"color": colour, "width": 3},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0, 100],
            y=[0, 100],
            mode="lines",
            name="equal spread",
            line={"dash": "dot", "color": "#9aa1ad"},
        )
    )
    fig.add_vline(x=5, line_dash="dash", line_color="#9aa1ad")
    fig.update_layout(
        title="Share of crimes held by the busiest LSOAs",
        xaxis_title="% of LSOAs, busiest first",
        yaxis_title="% of in-scope crimes",
    )
    rows = [
        {
            "place": PLACES[p],
            "crimes": c.crimes,
            "top LSOAs": c.top_lsoas,
            "share of crimes": f"{c.top_share:.1%}",
            "share of residents": f"{c.top_population_share:.1%}",
            "chance share": f"{c.chance_share:.1%}",
            "chance 95% range": f"{c.chance_low:.1%} to {c.chance_high:.1%}",
        }
        for p, c in result.concentration.items()
    ]
    body = figure_html(fig, height=380)
    body += table_html(
        pl.DataFrame(rows), caption="Share of crimes in the top 5% of LSOAs, against chance"
    )
    if result.concentration_by_year.height:
        body += table_html(
            result.concentration_by_year.drop("gini", strict=False),
            caption="By financial year (all places)",
            percent=["top_share", "chance_share"],
            labels={
                "year": "financial year",
                "top_share": "share of crimes in the busiest 5% of LSOAs",
                "chance_share": "the same by chance alone",
            },
        )
    return body


def placement_section(result: HotspotAnalysis) -> str:
    """How the in-scope crimes were placed in LSOAs, and what could not be placed."""
    p = result.placement
    body = "".join(f"<p>{html.escape(n)}</p>" for n in p.notes())
    body += table_html(
        p.table.rename({"placed_by": "placed by", "rows": "in-scope crimes"}),
        caption="How each in-scope crime was placed in a neighbourhood (LSOA)",
    )
    body += (
        f'<p class="note">{p.area_lsoas:,} neighbourhoods (LSOAs) in the area covered, '
        f"{p.area_lsoas_with_boundary:,} of them with a boundary.</p>"
    )
    return body
