"""The targeting map: where the harm is, and which places are surely in the top N.

This is the one place the targeting report draws a map, so it can move to the shared LSOA
choropleth of :mod:`vawg.report.maps` (polygons) when that lands. Until then it draws, as the
hot-spot map does without polygons, one symbol per LSOA at its population-weighted centroid in
British National Grid metres (area proportional to harm), coloured by whether the LSOA is
surely, might be, or is not in the top N, with district names for orientation. Offline: plain
Plotly scatter traces, no tiles.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

__all__ = ["STATUS_COLOURS", "targeting_map_figure"]

STATUS_COLOURS = {"surely": "#b2182b", "might be": "#f4a582", "no": "#c9cdd4"}


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
        centres = (
            table.filter(pl.col("easting").is_not_null())
            .group_by("district")
            .agg(pl.col("easting").mean(), pl.col("northing").mean())
            .sort("district")
        )
        fig.add_trace(
            go.Scatter(
                x=centres["easting"].to_list(),
                y=centres["northing"].to_list(),
                text=centres["district"].to_list(),
                mode="text",
                textfont={"size": 11, "color": "#1d2433"},
                hoverinfo="skip",
                showlegend=False,
                meta={"measure": "label"},
            )
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.02}, plot_bgcolor="#f7f8fb")
    return fig
