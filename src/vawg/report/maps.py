"""Hot-spot maps that work offline: Plotly for the HTML report, Vega-Lite (altair) for PNG.

No tiles and no map libraries from a CDN: the maps are drawn in British National Grid metres
as plain Plotly ``scatter`` traces (Plotly's geo and mapbox maps render blank offline).

* Without LSOA polygons: one proportional symbol per population-weighted centroid (area ∝
  crimes), coloured by G* class, with district names for orientation.
* With ``areas.geojson``: a choropleth of the LSOA polygons (filled ``scatter`` paths, one trace
  per class), reprojected to British National Grid when the file is in longitude/latitude.

:func:`hotspot_map_png` writes the same map as a PNG with altair and vl-convert-python (no
browser needed); it raises :class:`~vawg.errors.InputError` naming the package when
vl-convert-python is not installed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.errors import InputError
from vawg.spatial.hotspots import CLASSES

__all__ = ["CLASS_COLOURS", "hotspot_map_figure", "hotspot_map_png", "lsoa_polygons"]

CLASS_COLOURS = dict(
    zip(CLASSES, ("#b2182b", "#f4a582", "#d5d8dd", "#92c5de", "#2166ac"), strict=True)
)


def lsoa_polygons(geojson: Path) -> dict[str, list[list[tuple[float, float]]]]:
    """Exterior rings per LSOA code in British National Grid metres."""
    import geopandas as gpd

    frame = gpd.read_file(geojson)
    if "lsoa_code" not in frame.columns:
        raise InputError(f"{geojson}: no lsoa_code property; the map needs one per polygon")
    if frame.crs is not None and frame.crs.is_geographic:
        frame = frame.to_crs(27700)
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    for code, geom in zip(frame["lsoa_code"], frame.geometry, strict=True):
        if geom is None:
            continue
        parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        rings[str(code)] = [[(float(x), float(y)) for x, y in p.exterior.coords] for p in parts]
    return rings


def _district_labels(table: pl.DataFrame) -> go.Scatter:
    centres = (
        table.group_by("district")
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
        fig.add_trace(_district_labels(table))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        title=title,
        legend={"orientation": "h", "y": -0.02, "title": {"text": "G* class "}},
        plot_bgcolor="#f7f8fb",
    )
    return fig


def hotspot_map_png(
    table: pl.DataFrame,
    path: Path,
    *,
    prefix: str = "",
    title: str = "",
    polygons: dict[str, list[list[tuple[float, float]]]] | None = None,
    width: int = 900,
) -> Path:
    """Write the hot-spot map as a PNG with altair + vl-convert-python (fully offline)."""
    try:
        import altair as alt
        import vl_convert as vlc
    except ImportError:
        raise InputError(
            "PNG maps need vl-convert-python: pip install vl-convert-python "
            "(the HTML report's map works without it)"
        ) from None
    klass = prefix + "hotspot_class"
    data = table.select(
        "lsoa_code",
        "easting",
        "northing",
        pl.col(prefix + "crimes").fill_null(0).alias("crimes"),
        pl.col(klass).alias("class"),
        (pl.col(klass) != CLASSES[2]).cast(pl.Int64).alias("layer"),
    )
    e_min, e_max = float(data["easting"].min()), float(data["easting"].max())  # type: ignore[arg-type]
    n_min, n_max = float(data["northing"].min()), float(data["northing"].max())  # type: ignore[arg-type]
    height = int(width * (n_max - n_min) / max(1.0, e_max - e_min))
    scale = alt.Scale(domain=list(CLASSES), range=[CLASS_COLOURS[c] for c in CLASSES])
    legend = alt.Legend(title="G* class", orient="bottom")
    colour = alt.Color("class:N", scale=scale, legend=legend)
    if polygons is not None:
        classes = dict(zip(data["lsoa_code"].to_list(), data["class"].to_list(), strict=True))
        features = [
            {
                "type": "Feature",
                "properties": {"lsoa_code": code, "class": classes.get(code, CLASSES[2])},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]},
            }
            for code, rings in polygons.items()
            if code in classes
        ]
        chart = (
            alt.Chart(alt.Data(values=features))
            .mark_geoshape(stroke="white", strokeWidth=0.3)
            .encode(color=alt.Color("properties.class:N", scale=scale, legend=legend))
            .project(type="identity", reflectY=True)
        )
    else:
        pad = 2000.0
        x = alt.X("easting:Q", scale=alt.Scale(domain=[e_min - pad, e_max + pad]), axis=None)
        y = alt.Y("northing:Q", scale=alt.Scale(domain=[n_min - pad, n_max + pad]), axis=None)
        chart = (
            alt.Chart(data.sort(["layer", "crimes"]).to_pandas())
            .mark_circle(opacity=0.85, stroke="#555", strokeWidth=0.3)
            .encode(
                x=x,
                y=y,
                size=alt.Size("crimes:Q", scale=alt.Scale(range=[8, 500]), legend=None),
                color=colour,
                order=alt.Order("layer:Q"),
            )
        )
        if "district" in table.columns:
            centres = (
                table.group_by("district")
                .agg(pl.col("easting").mean(), pl.col("northing").mean())
                .to_pandas()
            )
            labels = (
                alt.Chart(centres)
                .mark_text(fontSize=12, fontWeight="bold", color="#1d2433")
                .encode(x=x, y=y, text="district:N")
            )
            chart = alt.layer(chart, labels)
    chart = chart.properties(width=width, height=height, title=title).configure_view(stroke=None)
    png = vlc.vegalite_to_png(chart.to_json(), scale=2)
    path.write_bytes(png)
    return path
