"""The interactive hot-spot symbol map (Plotly) the dashboard shows; reports use :mod:`maps`.

One proportional symbol per population-weighted centroid (area proportional to crimes),
coloured by G* class, with district names for orientation, drawn in British National Grid
metres as plain ``scatter`` traces (Plotly's geo and mapbox maps render blank offline). Without
polygons it needs only the centroids, so it stays light enough for a live page.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.errors import InputError
from vawg.spatial.hotspots import CLASSES

__all__ = ["CLASS_COLOURS", "district_labels", "hotspot_map_figure"]

CLASS_COLOURS = dict(
    zip(CLASSES, ("#b2182b", "#f4a582", "#d5d8dd", "#92c5de", "#2166ac"), strict=True)
)


def district_labels(table: pl.DataFrame) -> go.Scatter:
    """Each district's name at the mean of its LSOAs' centroids (``district``, ``easting``,
    ``northing``), as a text trace on top of a symbol map."""
    centres = (
        table.filter(pl.col("easting").is_not_null())
        .group_by("district")
        .agg(pl.col("easting").mean(), pl.col("northing").mean())
        .sort("district")
    )
    return go.Scatter(
        x=centres["easting"].to_list(),
        y=centres["northing"].to_list(),
        text=centres["district"].to_list(),
        mode="text",
        textfont={"size": 11, "color": "#1d2433"},
        hoverinfo="skip",
        showlegend=False,
        meta={"measure": "label"},
    )


def _hover(row: dict[str, Any], prefix: str) -> str:
    crimes = row.get(prefix + "crimes")
    z = row.get(prefix + "gi_z")
    q = row.get(prefix + "q_value")
    parts = [f"<b>{row['lsoa_code']}</b> ({row.get('district', '')})"]
    parts.append(f"crimes: {'not shown' if crimes is None else f'{crimes:,.0f}'}")
    if z is not None:
        parts.append(f"G* z: {z:.2f}")
    if q is not None:
        parts.append(f"q: {q:.3f}")
    parts.append(str(row.get(prefix + "hotspot_class", "")))
    return "<br>".join(parts)


def hotspot_map_figure(
    table: pl.DataFrame,
    *,
    prefix: str = "",
    title: str = "",
    polygons: dict[str, list[list[tuple[float, float]]]] | None = None,
) -> go.Figure:
    """The hot-spot map of ``table`` (lsoa_code, district, easting, northing and the
    ``prefix``-ed crimes, gi_z, q_value, hotspot_class columns)."""
    klass = prefix + "hotspot_class"
    if klass not in table.columns:
        raise InputError(f"map: no {klass} column; run the hot-spot analysis for that place first")
    fig = go.Figure()
    rows = table.to_dicts()
    biggest = max((r.get(prefix + "crimes") or 0 for r in rows), default=1) or 1
    # Not-significant LSOAs first, so the classes that matter are drawn on top of them.
    for name in (CLASSES[2], *CLASSES[:2], *CLASSES[3:]):
        members = [r for r in rows if r.get(klass) == name]
        if not members:
            continue
        colour = CLASS_COLOURS[name]
        if polygons is not None:
            xs: list[float | None] = []
            ys: list[float | None] = []
            for r in members:
                for ring in polygons.get(r["lsoa_code"], []):
                    xs += [p[0] for p in ring] + [None]
                    ys += [p[1] for p in ring] + [None]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    fillcolor=colour,
                    mode="lines",
                    line={"color": "#ffffff", "width": 0.4},
                    name=name,
                    hoverinfo="skip",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=[r["easting"] for r in members],
                    y=[r["northing"] for r in members],
                    mode="markers",
                    marker={"size": 4, "opacity": 0},
                    showlegend=False,
                    hovertext=[_hover(r, prefix) for r in members],
                    hoverinfo="text",
                )
            )
            continue
        sizes = [
            4 + 26 * math.sqrt(max(0.0, float(r.get(prefix + "crimes") or 0)) / biggest)
            for r in members
        ]
        fig.add_trace(
            go.Scatter(
                x=[r["easting"] for r in members],
                y=[r["northing"] for r in members],
                mode="markers",
                name=name,
                marker={
                    "size": sizes,
                    "color": colour,
                    "opacity": 0.55 if name == CLASSES[2] else 0.9,
                    "line": {"width": 0.5, "color": "#555" if name != CLASSES[2] else colour},
                },
                hovertext=[_hover(r, prefix) for r in members],
                hoverinfo="text",
            )
        )
    if "district" in table.columns:
        fig.add_trace(district_labels(table))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        title=title,
        legend={"orientation": "h", "y": -0.02, "title": {"text": "G* class "}},
        plot_bgcolor="#f7f8fb",
    )
    return fig
