"""The hot-spot report's files: the HTML page, the JSON document and the CSV rows."""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from vawg.report.fmt import span
from vawg.report.hotspots._format import PLACES, PREFIX
from vawg.report.hotspots.methods import methods_section
from vawg.report.hotspots.sections import (
    class_figure,
    class_map,
    concentration_section,
    placement_section,
    rate_figure,
    rate_map,
    trends_section,
)
from vawg.report.hotspots.summary import summary_section
from vawg.report.maps import MapFigure
from vawg.report.page import Classification, Section, disclosure_rule, is_public, render_page
from vawg.results import to_jsonable
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.hotspots import CLASSES, HOT


def hotspot_view(result: HotspotAnalysis) -> pl.DataFrame:
    """The per-LSOA table as shown (the public Result's own when ``result`` is public)."""
    return result.table


def no_map_reason(result: HotspotAnalysis) -> str | None:
    """Why no map can be drawn (no LSOA covered has a boundary), else None; how to fix it is
    said only in a restricted report (a public one names no setting or command)."""
    if result.placement.area_lsoas_with_boundary:
        return None
    reason = (
        f"No map: none of the {result.placement.area_lsoas:,} neighbourhoods (LSOAs) covered "
        "has a boundary to draw. The tables are complete."
    )
    if is_public(result.params.settings):
        return reason
    return (
        f"{reason} To draw the maps, give the force's LSOA boundaries (the boundaries setting, "
        "or vawg hotspots --geojson FILE; vawg reference build --boundaries cuts them out of "
        f"the ONS file); the boundaries used were {result.boundaries.source}."
    )


def hotspot_map_figures(result: HotspotAnalysis) -> dict[str, MapFigure]:
    """The report's maps by file-name stem (map-all, map-public, map-rates), e.g. for PNGs;
    none when no LSOA has a boundary (:func:`no_map_reason`)."""
    if no_map_reason(result) is not None:
        return {}
    public = is_public(result.params.settings)
    table = hotspot_view(result)
    figures = {
        f"map-{place}": class_figure(result, table, place, public=public)
        for place in ("all", "public")
        if place in result.by_place
    }
    if "all" in result.by_place:
        figures["map-rates"] = rate_figure(result, table, public)
    return figures


def hotspots_html(result: HotspotAnalysis) -> str:
    """The hot-spot report as one self-contained HTML page (maps as inline SVG); public when
    ``result`` is the public Result (:func:`vawg.spatial.public.disclose_hotspots`)."""
    public = is_public(result.params.settings)
    table = hotspot_view(result)
    when = span(result.params.period)
    reason = no_map_reason(result)
    drawn = reason is None
    lead = "" if drawn else f'<p class="note">{html.escape(str(reason))}</p>'
    maps = [
        Section(
            f"{'Map' if drawn else 'Hot spots'}: {PLACES[place]}",
            lead + class_map(result, table, place, public, drawn=drawn),
            f"map-{place}",
        )
        for place in ("all", "public", "home")
        if place in result.by_place
    ]
    if "all" in result.by_place:
        maps.append(
            Section("Rates by LSOA", lead + rate_map(result, table, public, drawn=drawn), "rates")
        )
    sections = [
        Section("Main points", summary_section(result, table), anchor="summary"),
        *maps,
        Section("Persistent and emerging hot spots", trends_section(result, table), "trends"),
        Section("Concentration", concentration_section(result), anchor="concentration"),
        Section("How crimes were placed", placement_section(result), anchor="placement"),
        Section(
            "Methods, definitions and assumptions",
            methods_section(result),
            anchor="methods",
        ),
    ]
    return render_page(
        "Where: hot spots of violence against women and girls",
        sections,
        classification=(
            Classification.public(disclosure_rule(result.params.settings))
            if public
            else Classification.restricted()
        ),
        subtitle=f"Neighbourhoods (LSOAs) with high rates · {when}",
    )


def _listing(table: pl.DataFrame, place: str, klass: str) -> list[dict[str, Any]]:
    prefix = PREFIX[place]
    part = table.filter(pl.col(prefix + "hotspot_class") == klass).sort(
        prefix + "gi_z", descending=klass == HOT
    )
    cols = {
        "lsoa_code": pl.col("lsoa_code"),
        "lsoa_name": pl.col("lsoa_name"),
        "district": pl.col("district"),
        "town": pl.col("town"),
        "crimes": pl.col(prefix + "crimes"),
        "rate_per_1000_per_year": pl.col(prefix + "rate"),
        "gi_z": pl.col(prefix + "gi_z"),
        "q_value": pl.col(prefix + "q_value"),
    }
    for name in ("p_value", "p_perm"):
        if prefix + name in table.columns:
            cols[name] = pl.col(prefix + name)
    return list(to_jsonable(part.select(**cols)))


def hotspots_json(result: HotspotAnalysis) -> dict[str, Any]:
    """JSON-safe dict: ``hotspots`` (all places) as named LSOAs with gi_z, q_value; the
    placement counts; every LSOA under ``lsoas``."""
    public = is_public(result.params.settings)
    table = hotspot_view(result)
    has_all = "all" in result.by_place
    out: dict[str, Any] = {
        "period": to_jsonable(result.params.period),
        "classification": "PUBLIC" if public else "OFFICIAL-SENSITIVE",
        "method": result.params.method,
        "weights": {"kind": result.weights_kind, "description": result.weights},
        "settings": to_jsonable(result.params.settings),
        "seed": result.params.seed,
        "placement": {
            k: v for k, v in to_jsonable(result.placement).items() if k not in ("params",)
        },
        "force_rates_per_1000_per_year": to_jsonable(result.force_rates),
        "hotspots": _listing(table, "all", CLASSES[0]) if has_all else [],
        "exploratory_hot": _listing(table, "all", CLASSES[1]) if has_all else [],
        "coldspots": _listing(table, "all", CLASSES[4]) if has_all else [],
        "by_place": {
            place: {
                "hotspots": _listing(table, place, CLASSES[0]),
                "coldspots": _listing(table, place, CLASSES[4]),
                "hot_before_fdr": r.hot_unadjusted,
                "cold_before_fdr": r.cold_unadjusted,
                "confirmed_by_permutation": r.confirmed_by_permutation,
                "permutations": r.permutations,
                "fdr_level": r.fdr_level,
                "measure": r.measure,
                "decision": r.decision,
            }
            for place, r in result.by_place.items()
        },
        "trends": None,
        "concentration": {place: to_jsonable(c) for place, c in result.concentration.items()},
        "concentration_by_year": to_jsonable(result.concentration_by_year),
        "feed_check": {
            "flagged_months": to_jsonable(list(result.flagged_months)),
            "excluded_months": to_jsonable(list(result.excluded_months)),
        },
        "boundaries": to_jsonable(result.boundaries),
        "lsoas": to_jsonable(table),
        "notes": list(result.notes),
    }
    for c in out["concentration"].values():
        c.pop("table", None)
        c.pop("params", None)
    if result.trends is not None:
        t = result.trends.table
        out["trends"] = {
            "years": list(result.trends.years),
            "patterns": result.trends.patterns,
            "patterns_before_fdr": result.trends.patterns_unadjusted,
            **{
                p: t.filter(pl.col("pattern") == p)["lsoa_code"].to_list()
                for p in ("persistent", "emerging", "diminishing")
            },
            "before_fdr": {
                p: t.filter(pl.col("pattern_unadjusted") == p)["lsoa_code"].to_list()
                for p in ("persistent", "emerging", "diminishing")
            },
        }
    return out


def hotspots_csv_rows(result: HotspotAnalysis) -> tuple[list[str], list[list[Any]]]:
    """One row per LSOA, every column of the (public when ``result`` is) table."""
    table = hotspot_view(result)
    return list(table.columns), [list(r) for r in table.iter_rows()]
