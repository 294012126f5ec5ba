"""The site's "Where" page: rates and hot spots on maps of the LSOAs, from the public Result.

Renders :func:`vawg.spatial.public.disclose_hotspots`'s Result with the hot-spot report's own
maps (:mod:`vawg.report.hotspots.sections`): choropleths over the real LSOA boundaries with
district outlines and names, a scale bar and a legend with counts, each beside its data table
and with the table as a CSV. LSOAs the public Result does not show are drawn hatched grey,
"not shown". Nothing here changes a number.
"""

from __future__ import annotations

import html

import polars as pl

from vawg.errors import InputError
from vawg.report.fmt import span
from vawg.report.hotspots._format import PLACES, PREFIX
from vawg.report.hotspots.sections import class_map, placement_section, rate_map
from vawg.report.hotspots.summary import summary_section
from vawg.report.hotspots.writers import no_map_reason
from vawg.report.page import Section, is_public, paragraphs
from vawg.report.site.parts import SitePage
from vawg.spatial.analysis import HotspotAnalysis

__all__ = ["places_page"]

_COLUMNS = ("lsoa_code", "lsoa_name", "district", "town_centre", "town")


def _map_csv(table: pl.DataFrame, place: str) -> pl.DataFrame:
    """The map's data as published: one row per LSOA (a blank is a figure not shown)."""
    prefix = PREFIX[place]
    wanted = [
        *_COLUMNS,
        *(prefix + c for c in ("crimes", "rate", "gi_z", "q_value", "hotspot_class")),
    ]
    return table.select(c for c in wanted if c in table.columns)


def places_page(result: HotspotAnalysis) -> SitePage:
    """Where: crimes per 1,000 residents and the confirmed hot spots, by LSOA, on maps."""
    if not is_public(result.params.settings):
        raise InputError(
            "site: the hot-spot Result is not the public one; nothing restricted is drawn"
        )
    table = result.table
    when = span(result.params.period)
    page = SitePage(
        "places",
        "Where: rates and hot spots",
        f"In-scope crimes by neighbourhood (LSOA), {when}, and where they cluster.",
    )
    page.sections.append(Section("Main points", summary_section(result, table), anchor="summary"))
    reason = no_map_reason(result)
    drawn = reason is None
    lead = "" if drawn else f'<p class="note">{html.escape(str(reason))}</p>'
    if "all" in result.by_place:
        body = lead + rate_map(result, table, True, drawn=drawn)
        body += page.add_csv(
            "map-rates",
            _map_csv(table, "all").drop("gi_z", "q_value", "hotspot_class", strict=False),
        )
        page.sections.append(Section("Rates by LSOA", body, anchor="rates"))
    for place in ("all", "public"):
        if place in result.by_place:
            body = lead + class_map(result, table, place, True, drawn=drawn)
            body += page.add_csv(f"map-hotspots-{place}", _map_csv(table, place))
            page.sections.append(
                Section(f"Hot spots: {PLACES[place]}", body, anchor=f"hotspots-{place}")
            )
    about = paragraphs(
        "Each LSOA (a neighbourhood of about 1,500 residents) is coloured by its figure. Hot "
        "spots are found with the Getis-Ord G* statistic: an LSOA and its nearest neighbours "
        "together have a higher rate per resident than the force as a whole; a hot spot is "
        "confirmed when its z-test p-value passes the false discovery rate control at 5% for "
        "all the LSOAs tested together (Benjamini and Hochberg).",
        "LSOAs hatched grey ('not shown') have too few crimes to publish their figures; the "
        "LSOAs of a district are protected together, so district totals elsewhere on this site "
        "cannot give them back. Counts shown are rounded.",
    )
    about += placement_section(result)
    about += f'<p class="note">{html.escape(result.boundaries.attribution)}</p>'
    page.sections.append(Section("About these maps", about, anchor="about-maps"))
    return page
