"""Reports for a database of police.uk open data alone: outcomes, the area model, hot spots.

Each page opens with what open data cannot show (the words of
:data:`vawg.inputs.open_data.OPEN_DATA_CANNOT_SHOW`), then the figures, then the mapping or the
model's diagnostics. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from vawg.models.open_data import OpenDataDrivers
from vawg.outcomes.open_data import OpenDataOutcomes
from vawg.report.hotspots._format import CLASS_WORDS, MAP_CATEGORIES, MAP_COLOURS
from vawg.report.maps import MapFigure, choropleth, map_html
from vawg.report.page import Classification, Section, render_page, table_html
from vawg.spatial.hotspots import NOT_SIGNIFICANT
from vawg.spatial.open_data import OpenDataHotspots

__all__ = [
    "open_drivers_csv_rows",
    "open_drivers_html",
    "open_hotspot_map_figure",
    "open_hotspots_csv_rows",
    "open_hotspots_html",
    "open_hotspots_sections",
    "open_outcomes_csv_rows",
    "open_outcomes_html",
    "open_outcomes_sections",
]

_OPEN = Classification(
    "OPEN DATA",
    "Made from police.uk open data only (Open Government Licence v3.0); no person-level data.",
)


def _cannot(items: tuple[str, ...], lead: str) -> Section:
    points = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return Section(
        "What open data cannot show",
        f"<div class='callout'><p><b>{html.escape(lead)}</b> Open data cannot show:</p>"
        f"<ul>{points}</ul></div>",
    )


def _count(n: int | None) -> str:
    """A count as written, or the words for a count a public Result withholds."""
    return "a small number (not shown)" if n is None else f"{n:,}"


def _shares(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.format(
            "{}% ({}% to {}%)",
            *((pl.col(c) * 100).round(1).cast(pl.String) for c in ("share", "ci_low", "ci_high")),
        ).alias("share (95% CI)")
    ).drop("share", "ci_low", "ci_high")


def open_outcomes_html(result: OpenDataOutcomes) -> str:
    """The outcomes page for police.uk data alone."""
    police = result.police
    months = f"{police.months[0]} to {police.months[1]}" if police.months else "no months"
    return render_page(
        "Outcomes from police.uk open data",
        open_outcomes_sections(result),
        classification=_OPEN,
        subtitle=f"{police.crime_type} · {months}",
    )


def open_outcomes_sections(result: OpenDataOutcomes) -> list[Section]:
    """The outcomes page's sections: what open data cannot show, the counts, the mapping."""
    police = result.police
    months = f"{police.months[0]} to {police.months[1]}" if police.months else "no months"
    total = int(police.table["count"].sum())
    sections = [
        _cannot(
            result.cannot_show,
            f"Only police.uk files are loaded: these are the published outcome categories of "
            f"{total:,} '{police.crime_type}' crimes, {months}.",
        ),
        Section(
            "By nearest Home Office outcome group",
            table_html(_shares(police.groups), caption="Crimes by nearest outcome group"),
        ),
        Section(
            "By published category",
            table_html(_shares(police.table), caption="Crimes by 'Last outcome category'"),
        ),
        Section(
            "The mapping used",
            "<p>Each police.uk category is placed in its nearest Home Office outcome group. The "
            "mapping is unverified, and <b>coarse</b> where one category spans several groups "
            "(e.g. 'Unable to prosecute suspect' cannot say whether the victim supported "
            "action). The category is a snapshot that can change.</p>"
            + table_html(result.mapping, caption="police.uk category → outcome group"),
        ),
        Section(
            "Methods",
            f"<p>{html.escape(result.params.method)}. Source: "
            f"{html.escape(result.params.citation)}. police.uk outcomes files loaded: "
            f"{result.outcomes_files_rows:,} rows (not used for these counts: they repeat "
            "outcomes month by month).</p>",
        ),
    ]
    return sections


def open_outcomes_csv_rows(result: OpenDataOutcomes) -> tuple[list[str], list[list[Any]]]:
    """Every published category with its group, count and share."""
    frame = result.police.table
    return list(frame.columns), [list(r) for r in frame.iter_rows()]


def open_drivers_html(result: OpenDataDrivers) -> str:
    """The area-model page for police.uk data alone."""
    months = f"{result.months[0]} to {result.months[1]}"
    crimes, no_lsoa, outside = result.crimes, result.no_lsoa, result.outside_areas
    counted = (
        crimes - no_lsoa - outside
        if crimes is not None and no_lsoa is not None and outside is not None
        else None
    )
    sections = [
        _cannot(result.cannot_show, result.caveat),
        Section(
            "Crimes counted",
            f"<p>{_count(result.crimes)} violence and sexual offences, {months}: "
            f"{_count(counted)} in the model; {_count(result.no_lsoa)} have no LSOA (no "
            f"location published) and {_count(result.outside_areas)} fall in LSOAs outside "
            "the area reference "
            f"({html.escape(result.area_source)}); both are left out of the model. The "
            "temperature, birthday and age models need a force extract (dates of commission "
            "and people) and are not run.</p>"
            + "".join(f"<p class='note'>{html.escape(n)}</p>" for n in result.notes),
        ),
    ]
    if result.area is None:
        sections.append(
            Section(
                "Area model",
                f"<p><b>Not estimated:</b> {html.escape(result.error or 'no model')}</p>",
            )
        )
    else:
        area = result.area
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in area.notes)
        units = pl.DataFrame(
            {"term": list(area.units), "unit": list(area.units.values())},
            schema={"term": pl.String, "unit": pl.String},
        )
        sections.append(
            Section(
                "Area model: rate ratios",
                "<p>Negative binomial (NB2) model of crimes per LSOA with population as "
                "exposure; each effect a rate ratio with its 95% confidence interval.</p>"
                + table_html(area.table, caption="Rate ratios (NB2 reported, Poisson beside)")
                + table_html(units, caption="What one unit of each term is")
                + (f"<ul>{notes}</ul>" if notes else ""),
            )
        )
        sections.append(
            Section(
                "Diagnostics",
                table_html(area.fit_table, caption="Fit statistics")
                + "".join(
                    f"<p>Moran's I of residuals ({html.escape(k)}): {m.morans_i:.3f}, p = {m.p_value:.3g}</p>"
                    for k, m in area.moran.items()
                ),
            )
        )
    return render_page(
        "Drivers from police.uk open data: the area model",
        sections,
        classification=_OPEN,
        subtitle=f"Violence and sexual offences (all sexes, not VAWG) · {months}",
    )


def open_drivers_csv_rows(result: OpenDataDrivers) -> tuple[list[str], list[list[Any]]]:
    """The area model's rate ratios (no rows when it could not be fitted)."""
    if result.area is None:
        return ["outcome", "model", "term", "rate_ratio", "ci_low", "ci_high", "p_value"], []
    frame = result.area.table
    return list(frame.columns), [list(r) for r in frame.iter_rows()]


def open_hotspots_html(result: OpenDataHotspots, *, top: int = 25) -> str:
    """The hot-spot page for police.uk data alone: limits first, then placement, then G*."""
    return render_page(
        "Hot spots from police.uk open data",
        open_hotspots_sections(result, top=top),
        classification=_OPEN,
        subtitle=f"Violence and sexual offences (all sexes, not VAWG) · "
        f"{result.months[0]} to {result.months[1]}",
    )


def open_hotspots_sections(result: OpenDataHotspots, *, top: int = 25) -> list[Section]:
    """The hot-spot page's sections: limits, placement, the strongest hot and cold spots."""
    months = f"{result.months[0]} to {result.months[1]}"
    found = result.found
    shown = result.table.filter(pl.col("hotspot_class") != NOT_SIGNIFICANT).head(top)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    sections = [
        _cannot(result.cannot_show, result.caveat),
        Section(
            "Rows placed in LSOAs",
            f"<p>{html.escape(result.placement.sentence())}</p>"
            + table_html(result.placement.table, caption="How each row was placed"),
        ),
        Section(
            "Hot spots",
            f"<p>{found.hot_spots:,} hot spots and {found.cold_spots:,} cold spots among "
            f"{result.table.height:,} LSOAs after controlling the false discovery rate at "
            f"{found.fdr_level:.0%} ({found.confirmed_by_permutation:,} of the hot spots also "
            f"below 0.05 in the permutation check); {found.hot_unadjusted - found.hot_spots:,} "
            "more LSOAs are hot before the correction only (exploratory). Across the area, "
            f"{result.force_rate:.1f} rows per 1,000 residents per year ({months}, "
            f"{result.n_months} months).</p>"
            + table_html(
                shown,
                caption=f"Hot and cold spots, strongest G* first (at most {top}); rate per "
                "1,000 residents per year",
            ),
        ),
        *(m for m in (_hotspot_map(result),) if m is not None),
        Section(
            "Methods",
            f"<p>{html.escape(result.params.method)}. Area reference: "
            f"{html.escape(result.area_source)}. Sources: "
            f"{html.escape(result.params.citation)}.</p><ul>{notes}</ul>",
        ),
    ]
    return sections


_NOT_SHOWN = "not shown (small count)"


def open_hotspot_map_figure(result: OpenDataHotspots) -> MapFigure | None:
    """The G* classes on the LSOA map (None when no LSOA of the area table has a boundary)."""
    if result.boundaries is None or not result.placement.area_lsoas_with_boundary:
        return None
    public = "disclosure" in result.params.settings
    values = result.table.select(
        "lsoa_code",
        "district",
        pl.col("hotspot_class").replace_strict(CLASS_WORDS, default=None).alias("class"),
        (pl.col("crimes").is_null() & pl.lit(public)).alias("hidden"),
    )
    return choropleth(
        values,
        result.boundaries,
        value="class",
        legend_title="finding",
        title="Hot spots of violence and sexual offences (police.uk), by LSOA",
        categories=MAP_CATEGORIES,
        colours=MAP_COLOURS,
        withheld="hidden",
        withheld_label=_NOT_SHOWN,
        legend=False,
    )


def _hotspot_map(result: OpenDataHotspots) -> Section | None:
    """The map beside the hot and cold LSOAs (None when there is no map to draw)."""
    figure = open_hotspot_map_figure(result)
    if figure is None or result.boundaries is None:
        return None
    table = result.table
    hot = table.filter(pl.col("hotspot_class") != NOT_SIGNIFICANT).sort("gi_z", descending=True)
    data = hot.select(
        pl.col("lsoa_name").fill_null(pl.col("lsoa_code")).alias("LSOA"),
        "district",
        "crimes",
        pl.col("rate").round(1).alias("per 1,000 residents a year"),
        pl.col("hotspot_class").replace_strict(CLASS_WORDS, default=None).alias("finding"),
    )
    body = map_html(
        figure,
        data,
        caption="Hot and cold spots, strongest G* first",
        attribution=result.boundaries.attribution,
    )
    return Section("Map", body, anchor="map")


def open_hotspots_csv_rows(result: OpenDataHotspots) -> tuple[list[str], list[list[Any]]]:
    """One row per LSOA: its count, rate and G* statistics."""
    frame = result.table
    return list(frame.columns), [list(r) for r in frame.iter_rows()]
