"""Interactive LSOA maps for the dashboard: the real boundaries drawn as Plotly polygons.

The reports' maps (:mod:`vawg.report.maps`) are static SVG; the dashboard needs the same map
with hover, zoom and Plotly's PNG button, so :func:`area_map_figure` draws the simplified LSOA
boundaries (:func:`vawg.report.maps.drawable`) as filled polygons in British National Grid
metres: one trace per class (the legend), district outlines and names on top, and an invisible
point inside each LSOA that carries its hover text. Offline: no tiles, no map projection, only
Plotly scatter traces. LSOAs a public Result withholds are drawn grey ("not shown").

Holes in a polygon are not cut out (an LSOA inside another is drawn over it), which at county
scale changes nothing a reader can see.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl
import shapely

from vawg.errors import InputError
from vawg.ingest.boundaries import Boundaries
from vawg.report.maps import (
    NO_DATA,
    NO_DATA_FILL,
    WITHHELD,
    WITHHELD_FILL,
    district_label_points,
    drawable,
    label_lines,
    name_half,
)

__all__ = ["OUTSIDE", "area_map_figure"]

OUTSIDE = "outside the selection"
OUTSIDE_FILL = "#f6f7f9"


def _rings(geoms: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The exterior rings (or lines) of ``geoms`` as one x and one y array, each ring followed
    by NaN, which Plotly draws as a gap.

    Arrays, not lists: Plotly checks a list value by value (0.15 s for a county's LSOAs, most
    of the figure's time) and sends an array as binary. Single precision: the drawable
    boundaries lie on a 1 m grid, and float32 holds every whole metre of Great Britain's grid
    exactly (below 2^24), at half the bytes of float64.
    """
    shapes = np.asarray(geoms, dtype=object)
    shapes = shapes[~shapely.is_missing(shapes)]
    parts = shapely.get_parts(shapes[~shapely.is_empty(shapes)])
    kinds = shapely.get_type_id(parts)
    polygons = kinds == shapely.GeometryType.POLYGON
    lines = shapely.get_exterior_ring(parts[polygons]) if polygons.any() else parts
    xy, ring = shapely.get_coordinates(lines, return_index=True)
    ends = np.append(np.flatnonzero(np.diff(ring)) + 1, len(xy))
    gapped = np.insert(xy.astype(np.float32), ends, np.nan, axis=0) if len(xy) else xy
    return gapped[:, 0], gapped[:, 1]


_NAME_SIZE = 11
"""The district names' font size in pixels (Plotly writes text at a fixed size)."""
_CHAR_WIDTH = 0.56
"""A character's width in the names' regular (not bold) font, as a share of its size."""
_NARROWEST = 230
"""The narrowest the map is drawn, in pixels (a phone's screen less the page's margins): the
names are placed so that at this width, where they are largest against the map, none meet."""


@lru_cache(maxsize=4)
def _districts(boundaries: Boundaries) -> tuple[tuple[str, Any, tuple[float, float]], ...]:
    """(name, outline, where its name is written) of each district the boundaries name."""
    shapes = drawable(boundaries)
    names = np.asarray([d or "" for d in boundaries.districts], dtype=object)
    parts = [
        (name, shapely.coverage_union_all(shapes[names == name]))
        for name in sorted({n for n in names if n})
    ]
    if not parts:
        return ()
    minx, _, maxx, _ = shapely.total_bounds(shapes)
    size = _NAME_SIZE * float(maxx - minx) / _NARROWEST
    spots = district_label_points(parts, size, char_width=_CHAR_WIDTH)
    return tuple(
        (name, shapely.boundary(part), spot)
        for (name, part), spot in zip(parts, spots, strict=True)
    )


def _padded(shown: Any, chosen: set[str]) -> tuple[float, float, float, float]:
    """The box the map opens on: the shapes' bounds and a margin (wider around a focus)."""
    x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(shown))
    pad = (0.04 if chosen else 0.01) * max(x1 - x0, y1 - y0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _opening_box(shown: Any, chosen: set[str]) -> tuple[float, float, float, float] | None:
    """With districts in focus, the box the map surely shows (it opens on it, and a plot of
    another shape only widens it); None without a focus (every name is shown)."""
    return _padded(shown, chosen) if chosen and len(shown) else None


def _fits(
    district: tuple[str, Any, tuple[float, float]], box: tuple[float, float, float, float]
) -> bool:
    """Whether a neighbouring district's name lies wholly inside ``box`` on the narrowest map
    (a name cut by the map's edge reads as another word): its size in the map's units is its
    size in pixels times the box's width over the narrowest map's pixels."""
    name, _, (x, y) = district
    x0, y0, x1, y1 = box
    half_width, half_height = name_half(
        name, _NAME_SIZE * (x1 - x0) / _NARROWEST, _CHAR_WIDTH, pad=0.0
    )
    across = x0 <= x - half_width and x + half_width <= x1
    return across and y0 <= y - half_height and y + half_height <= y1


def _inside(
    district: tuple[str, Any, tuple[float, float]], shapes: Any, boundaries: Boundaries
) -> tuple[str, Any, tuple[float, float]]:
    """A district in focus with its name written inside it: where the names are placed for the
    whole force, one may sit beside its own district (out of another's way), and then off
    the map that opens on it."""
    name, outline, _ = district
    mine = np.asarray([d == name for d in boundaries.districts])
    point = shapely.point_on_surface(shapely.coverage_union_all(shapes[mine]))
    return name, outline, (float(point.x), float(point.y))


def area_map_figure(
    values: pl.DataFrame,
    boundaries: Boundaries,
    *,
    value: str,
    categories: Sequence[str],
    colours: Sequence[str],
    title: str,
    hover: str | None = None,
    withheld: str | None = None,
    focus: Sequence[str] = (),
) -> go.Figure:
    """A Plotly map of ``values[value]`` (one of ``categories``) by ``values["lsoa_code"]``.

    ``hover`` names a text column shown on hover; ``withheld`` a boolean column of LSOAs drawn
    as "not shown". LSOAs of the boundaries absent from ``values`` are drawn white ("no data").

    ``focus``: districts to zoom to. The map opens on their LSOAs; the rest are drawn faint,
    for context, and are neither in the legend nor called "no data" (their values were left
    out of ``values``, not missing).
    """
    if len(colours) != len(categories):
        raise InputError("map: give one colour per category")
    for column in ("lsoa_code", value, *(c for c in (hover, withheld) if c)):
        if column not in values.columns:
            raise InputError(f"map: no {column!r} column; columns are {', '.join(values.columns)}")
    frame = values.unique("lsoa_code", keep="first", maintain_order=True)
    klass = frame[value].cast(pl.String).to_list()
    if withheld:
        hidden = frame[withheld].fill_null(False).to_list()
        klass = [WITHHELD if h else k for k, h in zip(klass, hidden, strict=True)]
    by_code = dict(zip(frame["lsoa_code"].to_list(), klass, strict=True))
    texts = (
        dict(zip(frame["lsoa_code"].to_list(), frame[hover].to_list(), strict=True))
        if hover
        else {}
    )
    shapes = drawable(boundaries)
    chosen = set(focus)
    inside = [not chosen or d in chosen for d in boundaries.districts]
    drawn = [
        (by_code.get(code) or NO_DATA) if keep else OUTSIDE
        for code, keep in zip(boundaries.codes, inside, strict=True)
    ]
    fills = dict(zip(categories, colours, strict=True))
    fills.update({WITHHELD: WITHHELD_FILL, NO_DATA: NO_DATA_FILL, OUTSIDE: OUTSIDE_FILL})
    fig = go.Figure()
    for name in [OUTSIDE, *categories, WITHHELD, NO_DATA]:
        members = [i for i, k in enumerate(drawn) if k == name]
        if not members:
            continue
        xs, ys = _rings([shapes[i] for i in members])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=fills[name],
                line={"color": "#ffffff", "width": 0.4},
                name=f"{name} ({len(members):,} LSOAs)",
                hoverinfo="skip",
                showlegend=name != OUTSIDE,
                meta={"measure": "label"},
            )
        )
    for name, outline, _ in _districts(boundaries):
        xs, ys = _rings([outline])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#2b2b2b", "width": 1},
                hoverinfo="skip",
                showlegend=False,
                name=name,
                meta={"measure": "label"},
            )
        )
    kept = np.flatnonzero(inside)
    shown = shapes[kept] if chosen and len(kept) else shapes
    box = _opening_box(shown, chosen)
    centres = tuple(
        _inside(c, shapes, boundaries) if box and c[0] in chosen and not _fits(c, box) else c
        for c in _districts(boundaries)
        if box is None or c[0] in chosen or _fits(c, box)
    )
    fig.add_trace(
        go.Scatter(
            x=[x for _, _, (x, _) in centres],
            y=[y for _, _, (_, y) in centres],
            # long names break after "and", as on the reports' maps; each name is placed
            # where it meets no other even on a phone
            text=["<br>".join(label_lines(n)) for n, _, _ in centres],
            mode="text",
            textfont={"size": _NAME_SIZE, "color": "#1d2433"},
            hoverinfo="skip",
            showlegend=False,
            meta={"measure": "label"},
        )
    )
    points = shapely.point_on_surface(shapes[kept])
    fig.add_trace(
        go.Scatter(
            x=shapely.get_x(points),
            y=shapely.get_y(points),
            mode="markers",
            marker={"size": 6, "opacity": 0},
            hovertext=[
                f"{texts.get(boundaries.codes[i]) or boundaries.codes[i]}<br>{drawn[i]}"
                for i in kept
            ],
            hoverinfo="text",
            showlegend=False,
            meta={"measure": "label"},
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    # The axes open on the area (the districts in focus, or all), edge to edge: Plotly's own
    # range is widened by a tenth for the names and the hover points (text and markers), a
    # band of white around a phone's map. Clipped rather than fixed, so the range is still
    # Plotly's: a plot wider or taller than the area widens it (neighbouring districts fill
    # the sides), afresh at every size (a fixed range kept each widening as the next range
    # while the dashboard resized the plot).
    if len(shown):
        x0, y0, x1, y1 = _padded(shown, chosen)
        fig.update_xaxes(autorangeoptions={"clipmin": x0, "clipmax": x1})
        fig.update_yaxes(autorangeoptions={"clipmin": y0, "clipmax": y1})
    fig.update_layout(
        title=title,
        legend={"orientation": "h", "y": -0.02},
        plot_bgcolor="#ffffff",
        hovermode="closest",
    )
    return fig
