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
from vawg.report.hotspots._format import CLASS_WORDS, PLACES, PREFIX, RATE_WORDS
from vawg.report.hotspots.methods import FEW_CRIMES
from vawg.report.hotspots.sections import class_map, placement_section, rate_map
from vawg.report.hotspots.summary import summary_section
from vawg.report.hotspots.writers import no_map_reason
from vawg.report.page import Section, is_public, paragraphs
from vawg.report.site.parts import SitePage
from vawg.spatial.analysis import HotspotAnalysis

__all__ = ["places_page"]

_COLUMNS = ("lsoa_code", "lsoa_name", "district", "town_centre", "town")


def _map_csv(table: pl.DataFrame, place: str) -> pl.DataFrame:
    """The map's data as published: one row per LSOA (a blank is a figure not shown), with the
    page's words for headers and findings and rates to the page's one decimal."""
    prefix = PREFIX[place]
    names = {
        "lsoa_code": "LSOA code",
        "lsoa_name": "LSOA",
        "district": "district",
        "town_centre": "town centre LSOA",
        "town": "town",
        prefix + "crimes": "crimes (rounded)",
        prefix + "rate": f"rate {RATE_WORDS}",
        prefix + "rate_ci_low": "rate, lower 95% limit",
        prefix + "rate_ci_high": "rate, upper 95% limit",
        prefix + "neighbourhood_rate": f"neighbourhood rate {RATE_WORDS}",
        prefix + "gi_z": "cluster z-score",
        prefix + "hotspot_class": "finding",
    }
    out = table.select(c for c in names if c in table.columns)
    rates = [c for c in out.columns if "rate" in c]
    out = out.with_columns(pl.col(rates).round(1))
    if prefix + "hotspot_class" in out.columns:
        out = out.with_columns(
            pl.col(prefix + "hotspot_class").replace_strict(CLASS_WORDS, default=None)
        )
    return out.rename({c: names[c] for c in out.columns})


def places_page(result: HotspotAnalysis) -> SitePage:
    """Where: crimes per 1,000 women and girls and the confirmed hot spots, by LSOA, on maps."""
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
    page.sections.append(
        Section("Main points", summary_section(result, table, site=True), anchor="summary")
    )
    reason = no_map_reason(result)
    drawn = reason is None
    lead = "" if drawn else f'<p class="note">{html.escape(str(reason))}</p>'
    if "all" in result.by_place:
        body = lead + rate_map(result, table, True, drawn=drawn)
        body += page.add_csv(
            "map-rates",
            _map_csv(table, "all").drop("cluster z-score", "finding", strict=False),
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
        "Each LSOA (a neighbourhood of about 1,500 residents) is coloured by its figure. Rates "
        f"are in-scope crimes {RATE_WORDS}, as elsewhere on this site; an LSOA's women and "
        "girls are estimated as its share of its district's residents. A hot spot is an LSOA "
        "which, together with its nearest neighbours, has a markedly higher rate than the "
        "force as a whole; it is confirmed when it still stands out after allowing for testing "
        "every LSOA at once, so that on average no more than 1 in 20 confirmed hot spots is a "
        "false alarm.",
        "LSOAs hatched grey ('not shown') have too few crimes to publish their figures; the "
        "LSOAs of a district are protected together, so district totals elsewhere on this site "
        "cannot give them back. Counts shown are rounded.",
    )
    about += f"<p>{FEW_CRIMES} The main points say when this applies.</p>"
    about += placement_section(result)
    about += f'<p class="note">{html.escape(result.boundaries.attribution)}</p>'
    page.sections.append(Section("About these maps", about, anchor="about-maps"))
    return page
