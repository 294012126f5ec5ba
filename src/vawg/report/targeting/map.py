"""The targeting map: which LSOAs are surely, might be, or are not in the top N by harm.

Drawn over the real LSOA boundaries: :func:`targeting_choropleth` as the reports' static SVG
(:func:`vawg.report.maps.choropleth`), :func:`targeting_area_map` as the dashboard's Plotly map
(:func:`vawg.report.area_map.area_map_figure`). LSOAs a public Result withholds are drawn grey,
"not shown". Without boundaries for the ranked LSOAs, :func:`targeting_map_figure` is the
fallback: one symbol per LSOA at its population-weighted centroid in British National Grid
metres (area proportional to harm), with district names for orientation. Offline throughout.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.report.area_map import area_map_figure
from vawg.report.maps import MapFigure, choropleth, map_html
from vawg.report.symbol_map import district_labels
from vawg.targeting.analysis import TargetingResult

__all__ = [
    "STATUS_COLOURS",
    "targeting_area_map",
    "targeting_choropleth",
    "targeting_map_data",
    "targeting_map_figure",
    "targeting_map_html",
]

STATUS_COLOURS = {"surely": "#b2182b", "might be": "#f4a582", "no": "#c9cdd4"}


def _status_words(top_n: int) -> dict[str, str]:
    return {
        "surely": f"surely in the top {top_n}",
        "might be": f"might be in the top {top_n}",
        "no": f"not in the top {top_n}",
    }


def _classes(top_n: int) -> dict[str, Any]:
    """The map's classes in words and their colours, for both map makers."""
    words = _status_words(top_n)
    return {"categories": list(words.values()), "colours": [STATUS_COLOURS[k] for k in words]}


def _values(result: TargetingResult) -> pl.DataFrame:
    """lsoa_code, status (in words), name (for hover), hidden (withheld by a public Result)."""
    words = _status_words(result.top_rank)
    table = result.table
    name = pl.col("lsoa_name") if "lsoa_name" in table.columns else pl.col("lsoa_code")
    return table.select(
        "lsoa_code",
        "district",
        pl.col("top_n").replace_strict(words, default=None).alias("status"),
        pl.format(
            "{} ({}): rank {}", name.fill_null(pl.col("lsoa_code")), "district", "rank"
        ).alias("name"),
        (pl.col("crimes").is_null() & pl.lit(result.public)).alias("hidden"),
    )


def targeting_choropleth(result: TargetingResult, *, title: str) -> MapFigure | None:
    """The static map for the reports (None without boundaries: use the symbol fallback)."""
    if result.boundaries is None or not result.table.height:
        return None
    return choropleth(
        _values(result),
        result.boundaries,
        value="status",
        legend_title="harm rank",
        title=title,
        withheld="hidden",
        **_classes(result.top_rank),
        legend=False,
    )


def targeting_map_data(result: TargetingResult) -> pl.DataFrame:
    """The table beside the map: the LSOAs surely or possibly in the top N, by rank."""
    likely = result.table.filter(pl.col("top_n").is_in(["surely", "might be"])).sort("rank")
    return likely.select(
        c for c in ("rank", "lsoa_name", "district", "top_n") if c in likely.columns
    )


def rank_note(ranks: list[int | None], what: str = "LSOAs", left_out: str = "") -> str:
    """Why a list of ranks skips numbers, in words for its caption ("" when it does not):
    tied places share a rank and the next is skipped (14, 14, 16); a rank that is neither is a
    place ``left_out`` of the list (not even possibly in the top N)."""
    shown = sorted(r for r in ranks if r is not None)
    tied = len(set(shown)) < len(shown)
    expected, missing = 1, False
    for i, r in enumerate(shown):
        if r > expected:
            missing = True
        if i + 1 < len(shown) and shown[i + 1] != r:
            expected = i + 2  # competition ranking: the next rank after i + 1 places
    parts = []
    if tied:
        parts.append(f"tied {what} share a rank, and the next rank is skipped")
    if missing and left_out:
        parts.append(f"a rank not listed is one of the {what} {left_out}")
    if not parts:
        return ""
    return "Why a rank number is missing: " + "; ".join(parts) + "."


def targeting_map_html(result: TargetingResult, *, title: str) -> str | None:
    """The static map beside the LSOAs surely or possibly in the top N, for the report and the
    open site (None without boundaries: the caller falls back to the symbol map or text)."""
    polygons = targeting_choropleth(result, title=title)
    if polygons is None or result.boundaries is None:
        return None
    n = result.top_rank
    data = targeting_map_data(result)
    note = rank_note(data["rank"].to_list(), "LSOAs", f"not even possibly in the top {n}")
    return map_html(
        polygons,
        data,
        caption=f"LSOAs surely or possibly in the top {n}, by rank" + (f". {note}" if note else ""),
        labels={"lsoa_name": "LSOA", "top_n": f"in the top {n}"},
        attribution=result.boundaries.attribution,
    )


def targeting_area_map(result: TargetingResult, *, title: str) -> go.Figure | None:
    """The dashboard's interactive map (None without boundaries: use the symbol fallback)."""
    if result.boundaries is None or not result.table.height:
        return None
    return area_map_figure(
        _values(result),
        result.boundaries,
        value="status",
        title=title,
        **_classes(result.top_rank),
        hover="name",
        withheld="hidden",
    )


def targeting_map_figure(table: pl.DataFrame, *, top_n: int, title: str) -> go.Figure:
    """The map of ``table`` (easting, northing, harm_days, top_n status, district, a name)."""
    fig = go.Figure()
    rows = table.filter(pl.col("easting").is_not_null()).to_dicts()
    biggest = max((r.get("harm_days") or 0 for r in rows), default=1) or 1
    name_key = "lsoa_name" if "lsoa_name" in table.columns else "place"
    for status in ("no", "might be", "surely"):
        members = [r for r in rows if r.get("top_n") == status]
        if not members:
            continue
        label = {"surely": f"surely in the top {top_n}", "might be": f"might be in the top {top_n}"}
        fig.add_trace(
            go.Scatter(
                x=[r["easting"] for r in members],
                y=[r["northing"] for r in members],
                mode="markers",
                name=label.get(status, "not in the top " + str(top_n)),
                marker={
                    "size": [
                        4 + 28 * math.sqrt(max(0.0, float(r.get("harm_days") or 0)) / biggest)
                        for r in members
                    ],
                    "color": STATUS_COLOURS[status],
                    "opacity": 0.5 if status == "no" else 0.9,
                    "line": {"width": 0.5, "color": "#555"},
                },
                hovertext=[
                    f"<b>{r.get(name_key) or r.get('lsoa_code', '')}</b> ({r.get('district', '')})"
                    f"<br>rank {r.get('rank')} ({r.get('best_rank')} to {r.get('worst_rank')})"
                    for r in members
                ],
                hoverinfo="text",
                meta={"measure": "rank"},
            )
        )
    if "district" in table.columns and rows:
        fig.add_trace(district_labels(table))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.02}, plot_bgcolor="#f7f8fb")
    return fig
