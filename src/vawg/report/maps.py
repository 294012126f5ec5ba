"""Choropleth maps of LSOA values over the real LSOA boundaries, drawn offline as static SVG.

One API for every report that maps something by LSOA (hot spots, targeting, the open site):
:func:`choropleth` takes a frame of LSOA values, the :class:`~vawg.ingest.boundaries.Boundaries`
and a legend title, and returns a :class:`MapFigure` (an SVG, its plain-English text
alternative and the legend counts); :func:`map_html` puts it beside an accessible data table;
:func:`choropleth_png` writes the same map as a PNG.

How the map is drawn (no tiles, no CDN, no JavaScript in the page):

* Vega-Lite (altair) ``mark_geoshape`` in British National Grid metres with the ``identity``
  projection (y reflected), rendered by vl-convert (a bundled Vega runtime) into SVG.
* The boundaries are simplified for drawing (GEOS coverage simplification at ``tolerance``
  metres, 120 m by default: under half a pixel across a 640-pixel county map) and the LSOAs of
  each colour class are dissolved into one shape, so a county map is a few hundred kilobytes,
  not megabytes. Rings are turned clockwise (``orient(sign=-1)``): d3-geo's spherical
  projections read a counter-clockwise ring as "everything but this shape" and fill the whole
  frame. Under the planar identity projection used here the winding makes no difference
  (checked: the rendered Kent map is the same either way), but the features stay safe for a
  caller who projects longitude/latitude instead.
* District outlines and district names are drawn on top; a scale bar in kilometres sits in the
  lower left; the legend says how many LSOAs each class holds.
* ``withheld`` (a boolean column) marks LSOAs whose figure a public Result does not show: they
  are drawn grey with diagonal hatching and a legend entry "not shown". The map never hides
  anything itself: it draws what the Result says.

Nothing here computes a statistic: numeric values are only grouped into colour classes
(quantile breaks), as any colour scale does.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely
from shapely.geometry.polygon import orient

from vawg.errors import InputError
from vawg.ingest.boundaries import Boundaries
from vawg.report.page import table_html
from vawg.report.symbol_map import CLASS_COLOURS, hotspot_map_figure

__all__ = [
    "CLASS_COLOURS",
    "NO_DATA",
    "NO_DATA_FILL",
    "SEQUENTIAL",
    "WITHHELD",
    "WITHHELD_FILL",
    "MapFigure",
    "choropleth",
    "choropleth_png",
    "district_label_points",
    "drawable",
    "hotspot_map_figure",
    "label_lines",
    "map_html",
]

# ColorBrewer OrRd (5 classes): sequential and colour-blind safe.
SEQUENTIAL = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
WITHHELD = "not shown"
NO_DATA = "no data"
WITHHELD_FILL = "#a3a3a3"
NO_DATA_FILL = "#ffffff"
_DEFAULT_TOLERANCE = 120.0
_EXTRA_DIGITS = re.compile(r"(?<=\d\.\d)\d+")
"""Digits after a number's first decimal in a drawing (a tenth of a drawing unit is enough).
Matched after a look-behind so that they are removed, not replaced through a template: a
template is expanded in Python at each of half a million matches (0.36 s against 0.11 s)."""


@dataclass(frozen=True)
class MapFigure:
    """A drawn map: ``svg`` (inline-ready), ``alt`` (its text alternative), ``legend`` (class,
    colour, lsoas), ``spec`` (the Vega-Lite JSON, for PNG export) and ``notes``."""

    svg: str
    alt: str
    legend: pl.DataFrame
    spec: str
    title: str
    notes: tuple[str, ...]


def _clockwise(geom: Any) -> Any:
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type == "Polygon":
        return orient(geom, -1.0)
    if geom.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p, -1.0) for p in geom.geoms])
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        return _clockwise(shapely.union_all(parts)) if parts else None
    return geom


@lru_cache(maxsize=4)
def drawable(
    boundaries: Boundaries, tolerance: float = _DEFAULT_TOLERANCE
) -> npt.NDArray[np.object_]:
    """The boundaries simplified for drawing (shared edges kept shared), on a 1 m grid."""
    simple = shapely.coverage_simplify(boundaries.polygons, tolerance, simplify_boundary=True)
    return np.asarray(shapely.set_precision(simple, 1.0), dtype=object)


def _feature(geom: Any, **properties: Any) -> dict[str, Any] | None:
    geom = _clockwise(geom)
    if geom is None or geom.is_empty:
        return None
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geom)}


def _nice_length(extent: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^k metres) near a sixth of the extent."""
    target = extent / 6.0
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return float(step * power)
    return float(power)


def _hatch(area: Any, spacing: float) -> Any:
    """Diagonal lines ``spacing`` metres apart, clipped to ``area``."""
    minx, miny, maxx, maxy = area.bounds
    span = (maxx - minx) + (maxy - miny)
    starts = np.arange(minx - (maxy - miny), maxx + spacing, spacing)
    lines = shapely.linestrings(
        np.stack(
            [
                np.column_stack([starts, np.full_like(starts, miny)]),
                np.column_stack([starts + span, np.full_like(starts, miny + span)]),
            ],
            axis=1,
        )
    )
    clipped = shapely.intersection(shapely.multilinestrings(lines), area)
    parts = shapely.get_parts(clipped)
    return shapely.multilinestrings(parts[shapely.get_type_id(parts) == 1])


def _classes(
    frame: pl.DataFrame,
    value: str,
    categories: Sequence[str] | None,
    colours: Sequence[str] | None,
    bins: int,
    number_format: str,
) -> tuple[list[str], list[str], list[str | None]]:
    """(class order, colours, the class of each row)."""
    values = frame[value]
    if categories is not None:
        colours = list(colours or SEQUENTIAL[: len(categories)])
        if len(colours) != len(categories):
            raise InputError("map: give one colour per category")
        labels = [None if v is None else str(v) for v in values.to_list()]
        unknown = sorted({v for v in labels if v is not None and v not in categories})
        if unknown:
            raise InputError(f"map: {value} has values {unknown[:3]} outside the categories")
        return list(categories), colours, labels
    numbers = values.cast(pl.Float64).to_numpy()
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return [], [], [None] * len(numbers)
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)))
    if edges.size < 2:
        edges = np.array([finite.min(), finite.max()])
    k = edges.size - 1
    palette = list(colours or SEQUENTIAL)
    palette = [palette[round(i * (len(palette) - 1) / max(1, k - 1))] for i in range(k)]
    names = [
        f"{format(edges[i], number_format)} to {format(edges[i + 1], number_format)}"
        for i in range(k)
    ]
    index = np.clip(np.searchsorted(edges, numbers, side="right") - 1, 0, k - 1)
    labels = [names[i] if np.isfinite(x) else None for i, x in zip(index, numbers, strict=True)]
    return names, palette, labels


def start_renderer() -> None:
    """Start the map renderer (Vega in vl-convert): its first drawing in a process costs about
    0.3 s whatever the map, which a process with time to spare can pay before it draws."""
    import vl_convert as vlc

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 0}]}})


def _at(text: str | None = None) -> dict[str, Any]:
    """Encoding of a mark at its row's ``x`` and ``y``, with the ``text`` column written there.

    Channel objects rather than shorthand strings ("x:Q"): altair turns each shorthand into its
    class by indexing its whole schema again, about 4 ms a channel (1.3 s over the demo's maps).
    The spec is the same.
    """
    import altair as alt

    at: dict[str, Any] = {
        "longitude": alt.Longitude(field="x", type="quantitative"),
        "latitude": alt.Latitude(field="y", type="quantitative"),
    }
    if text is not None:
        at["text"] = alt.Text(field=text, type="nominal")
    return at


def choropleth(
    values: pl.DataFrame,
    boundaries: Boundaries,
    *,
    value: str,
    legend_title: str,
    title: str = "",
    categories: Sequence[str] | None = None,
    colours: Sequence[str] | None = None,
    bins: int = 5,
    number_format: str = ",.1f",
    withheld: str | None = None,
    withheld_label: str = WITHHELD,
    label: str | None = None,
    districts: bool = True,
    legend: bool = True,
    width: int = 640,
    tolerance: float = _DEFAULT_TOLERANCE,
) -> MapFigure:
    """A choropleth of ``values[value]`` by ``values["lsoa_code"]`` over ``boundaries``.

    Numeric values are grouped into ``bins`` quantile classes; give ``categories`` (and
    ``colours``) for a categorical value. ``withheld`` names a boolean column: True rows are
    drawn hatched grey as "not shown". ``label`` names a text column drawn at its LSOA (e.g. a
    town name); ``values["district"]`` (or the boundaries' districts) gives the outlines.
    LSOAs of the boundaries absent from ``values`` are drawn white ("no data"). ``legend=False``
    leaves the legend out of the drawing (:func:`map_html` writes it, with counts, below).
    """
    import altair as alt
    import vl_convert as vlc

    for column in ("lsoa_code", value, *(c for c in (withheld, label) if c)):
        if column not in values.columns:
            raise InputError(f"map: no {column!r} column; columns are {', '.join(values.columns)}")
    frame = values.unique("lsoa_code", keep="first", maintain_order=True)
    names, palette, klass = _classes(frame, value, categories, colours, bins, number_format)
    if withheld:
        hidden = frame[withheld].fill_null(False).to_list()
        klass = [withheld_label if h else c for c, h in zip(klass, hidden, strict=True)]
    by_code = dict(zip(frame["lsoa_code"].to_list(), klass, strict=True))
    shapes = drawable(boundaries, float(tolerance))
    classes = [by_code.get(code, NO_DATA) or NO_DATA for code in boundaries.codes]
    drawn = set(boundaries.codes)
    missing = [c for c in frame["lsoa_code"].to_list() if c not in drawn]
    order = [*names, *([withheld_label] if withheld_label in classes else [])]
    fills = [*palette, *([WITHHELD_FILL] if withheld_label in classes else [])]
    if NO_DATA in classes:
        order.append(NO_DATA)
        fills.append(NO_DATA_FILL)
    members = {c: [i for i, k in enumerate(classes) if k == c] for c in order}
    features = [
        f
        for c in order
        if members[c]
        and (f := _feature(shapely.coverage_union_all(shapes[members[c]]), cls=c)) is not None
    ]
    datasets: dict[str, list[dict[str, Any]]] = {"lsoas": features}
    counts = pl.DataFrame(
        {"class": order, "colour": fills, "lsoas": [len(members[c]) for c in order]}
    )
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(shapes))
    height = max(200, round(width * (maxy - miny) / max(1.0, maxx - minx)))
    scale = alt.Scale(domain=order, range=fills)
    layers: list[Any] = [
        alt.Chart(alt.Data(name="lsoas"))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.4)
        .encode(
            color=alt.Color(
                "properties.cls:N",
                scale=scale,
                legend=alt.Legend(
                    title=legend_title, orient="bottom", columns=3, labelLimit=240, titleLimit=600
                )
                if legend
                else None,
            )
        )
    ]
    if withheld_label in classes:
        area = shapely.coverage_union_all(shapes[members[withheld_label]])
        hatch = _feature(_hatch(area, (maxx - minx) / 160.0))
        if hatch is not None:
            datasets["hatch"] = [hatch]
            layers.append(
                alt.Chart(alt.Data(name="hatch")).mark_geoshape(
                    filled=False,
                    stroke="#4d4d4d",
                    strokeWidth=0.6,
                    description=f"Hatching over the LSOAs marked {withheld_label}",
                )
            )
    district_names = _district_names(frame, boundaries) if districts else None
    points: list[dict[str, Any]] = []  # where each district's name is written
    if district_names is not None:
        outlines: list[dict[str, Any]] = []
        parts: list[tuple[str, Any]] = []
        for name in sorted({d for d in district_names if d}):
            part = shapely.coverage_union_all(shapes[[d == name for d in district_names]])
            outline = _feature(shapely.boundary(part), district=name)
            if outline is not None:
                outlines.append(outline)
            parts.append((name, part))
        # Each name where it meets no other, nor a town's point and name, at the size a phone
        # writes them (the largest).
        unit = (maxx - minx) / width
        centres = district_label_points(
            parts,
            PHONE_NAME_SIZE * unit,
            avoid=[
                _town_box(m, unit, minx, maxx) for m in _town_marks(frame, boundaries, label, parts)
            ],
        )
        points = [
            {"district": name, "x": x, "y": y}
            for (name, _), (x, y) in zip(parts, centres, strict=True)
        ]
        datasets["districts"] = outlines
        layers.append(
            alt.Chart(alt.Data(name="districts")).mark_geoshape(
                filled=False,
                stroke="#2b2b2b",
                strokeWidth=0.9,
                description="District boundaries",
            )
        )
        # Long names break after "and" ("Tonbridge and / Malling"); each is centred on its spot.
        named = [{**p, "district": "\n".join(label_lines(p["district"]))} for p in points]
        layers.append(
            alt.Chart(alt.Data(values=named), name="district_halo")
            .mark_text(
                fontSize=11,
                fontWeight="bold",
                color="#1d2433",
                stroke="#ffffff",
                strokeWidth=2.5,
                strokeOpacity=0.8,
                lineBreak="\n",
                baseline="middle",
            )
            .encode(**_at("district"))
        )
        layers.append(
            alt.Chart(alt.Data(values=named), name="district_names")
            .mark_text(
                fontSize=11, fontWeight="bold", color="#1d2433", lineBreak="\n", baseline="middle"
            )
            .encode(**_at("district"))
        )
    if label:
        marks = _town_marks(frame, boundaries, label, [])
        above, below = _place_labels(marks, points, maxx - minx, width)
        # A name near the left or right edge is written inward from its point, so that
        # written larger on a phone it is not cut by the edge ("Ramsgat").
        edge = _EDGE * (maxx - minx)
        for rows, dy, where in ((above, -9, "above"), (below, 13, "below")):
            for align in ("left", "center", "right"):
                here = [r for r in rows if _side(r["x"], minx + edge, maxx - edge) == align]
                if here:
                    layers.append(
                        alt.Chart(alt.Data(values=here), name=f"place_names_{where}_{align}")
                        .mark_text(
                            fontSize=10, dy=dy, align=align, color="#000000", fontStyle="italic"
                        )
                        .encode(**_at("label"))
                    )
    bar = _nice_length(maxx - minx)
    x0, y0 = minx + 0.02 * (maxx - minx), miny + 0.02 * (maxy - miny)
    tick = 0.012 * (maxy - miny)
    scale_rows = [
        {"x": x0, "y": y0, "x2": x0 + bar, "y2": y0},
        {"x": x0, "y": y0, "x2": x0, "y2": y0 + tick},
        {"x": x0 + bar, "y": y0, "x2": x0 + bar, "y2": y0 + tick},
    ]
    layers.append(
        alt.Chart(alt.Data(values=scale_rows))
        .mark_rule(color="#1d2433", strokeWidth=1.6)
        .encode(
            **_at(),
            longitude2=alt.Longitude2(field="x2"),
            latitude2=alt.Latitude2(field="y2"),
        )
    )
    layers.append(
        alt.Chart(
            alt.Data(values=[{"x": x0 + bar / 2, "y": y0 + tick, "t": f"{bar / 1000:g} km"}]),
            name="scale_text",
        )
        .mark_text(fontSize=11, dy=-8, color="#1d2433")
        .encode(**_at("t"))
    )
    chart = (
        alt.layer(*layers)
        .project(type="identity", reflectY=True)
        .properties(width=width, height=height)
        .configure_view(stroke=None)
        .configure(font="sans-serif")
    )
    # Geometry goes in as named datasets after altair has built the spec: altair validates
    # inline values item by item, which costs seconds for tens of thousands of vertices. The
    # spec is not validated against the Vega-Lite schema at each drawing (40 ms a map, 19 maps
    # in the demo): the tests check a map with every layer against the schema (tests/report/test_maps.py).
    spec_dict = chart.to_dict(validate=False)
    spec_dict.setdefault("datasets", {}).update(datasets)
    spec = json.dumps(spec_dict, separators=(",", ":"))
    svg = _EXTRA_DIGITS.sub("", vlc.vegalite_to_svg(spec))
    shown = [f"{c}: {n:,} LSOAs" for c, n in zip(order, counts["lsoas"].to_list(), strict=True)]
    alt_text = f"Map of {boundaries.n:,} LSOAs ({legend_title}). " + "; ".join(shown) + "."
    notes = []
    if missing:
        notes.append(
            f"{len(missing):,} LSOAs with values have no boundary in {boundaries.source} and "
            f"are not drawn (e.g. {', '.join(missing[:3])})."
        )
    return MapFigure(
        svg=svg, alt=alt_text, legend=counts, spec=spec, title=title, notes=tuple(notes)
    )


PHONE_NAME_SIZE = 18.0
"""The size of a district's name in drawing units on a phone (the page's style writes it so,
the drawing being scaled down there by about half), the largest it is ever written."""
_CHAR_WIDTH = 0.62
"""A character's width in a bold sans-serif font, as a share of its size (generous)."""
_EDGE = 0.08
"""A town within this share of the map's width of its left or right edge has its name written
inward from its point."""
_PHONE_TOWN_SIZE = 16.0
"""The size of a town's name in drawing units on a phone (the page's style)."""


def name_half(
    name: str, size: float, char_width: float = _CHAR_WIDTH, *, pad: float = 0.3
) -> tuple[float, float]:
    """Half the width and half the height of a district's name written ``size`` high (in
    lines from :func:`label_lines`), with ``pad`` times the size around it: by default room
    for its white halo and a little air."""
    lines = label_lines(name)
    room = pad * size
    return (
        max(len(line) for line in lines) * char_width * size / 2 + room,
        len(lines) * 1.2 * size / 2 + room,
    )


def label_lines(name: str) -> list[str]:
    """A district's name as it is written on a map: long names break after "and"
    ("Tonbridge and / Malling"), so that a name is not much wider than its district."""
    return name.replace(" and ", " and\n").split("\n")


def district_label_points(
    parts: Sequence[tuple[str, Any]],
    size: float,
    *,
    char_width: float = _CHAR_WIDTH,
    avoid: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[float, float]]:
    """Where each district's name is written (its centre), so that no two names' boxes meet.

    ``parts`` are (name, area) of each district; ``size`` is the height of the names' font in
    the map's units (metres) at the largest it is written. A name starts at a point inside
    its district (``point_on_surface``); a name whose box meets another's moves, in turn and
    until none moves, to the spot on a grid over its district (a third of the font's size
    apart, reaching a line beyond its edge for a small district) whose box meets the others'
    least, then has its centre in the district, stays inside the district and the map's frame
    most, and lies nearest its start. Names that fit where they start stay there.
    ``avoid`` are boxes (x0, y0, x1, y1) the names keep off as they keep off each other (a
    town's point and its name).
    """
    if not parts:
        return []
    frame = shapely.total_bounds([a for _, a in parts])
    half = [name_half(name, size, char_width) for name, _ in parts]
    start = [shapely.point_on_surface(a) for _, a in parts]
    spots = [(p.x, p.y) for p in start]

    def overlap(i: int, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        wi, hi = half[i]
        total = np.zeros_like(xs)
        for j, (x, y) in enumerate(spots):
            if j == i:
                continue
            wj, hj = half[j]
            ox = np.minimum(xs + wi, x + wj) - np.maximum(xs - wi, x - wj)
            oy = np.minimum(ys + hi, y + hj) - np.maximum(ys - hi, y - hj)
            total += np.clip(ox, 0, None) * np.clip(oy, 0, None)
        for x0, y0, x1, y1 in avoid:
            ox = np.minimum(xs + wi, x1) - np.maximum(xs - wi, x0)
            oy = np.minimum(ys + hi, y1) - np.maximum(ys - hi, y0)
            total += np.clip(ox, 0, None) * np.clip(oy, 0, None)
        return total / (4 * wi * hi)

    def stray(i: int, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Share of nine points of each box (corners, edge middles, centre) outside the
        district, and outside the map's frame (counted twice)."""
        wi, hi = half[i]
        area = parts[i][1]
        out = np.zeros_like(xs)
        for dx in (-wi, 0.0, wi):
            for dy in (-hi, 0.0, hi):
                px, py = xs + dx, ys + dy
                out += ~shapely.contains_xy(area, px, py)
                out += 2 * ((px < frame[0]) | (px > frame[2]) | (py < frame[1]) | (py > frame[3]))
        return out / 9

    for _ in range(8):
        moved = False
        for i, (_, area) in enumerate(parts):
            here = overlap(i, np.array([spots[i][0]]), np.array([spots[i][1]]))
            if here[0] == 0:
                continue
            minx, miny, maxx, maxy = area.bounds
            gx, gy = np.meshgrid(
                np.arange(minx - size, maxx + size, size / 3),
                np.arange(miny - size, maxy + size, size / 3),
            )
            xs, ys = gx.ravel(), gy.ravel()
            # a small district's name may sit just outside it (less than a line away)
            keep = shapely.dwithin(area, shapely.points(xs, ys), size)
            xs, ys = np.append(xs[keep], spots[i][0]), np.append(ys[keep], spots[i][1])
            far = np.hypot(xs - start[i].x, ys - start[i].y) / size
            outside = ~shapely.contains_xy(area, xs, ys)
            score = 1000 * overlap(i, xs, ys) + stray(i, xs, ys) + 3 * outside + 0.01 * far
            best = int(np.argmin(score))
            if best != len(xs) - 1:
                spots[i] = (float(xs[best]), float(ys[best]))
                moved = True
        if not moved:
            break
    return spots


def _side(x: float, left: float, right: float) -> str:
    """How a name at ``x`` is aligned: to the ``left`` of the inner band it is written
    rightward from its point ("left"), past ``right`` leftward ("right"), else centred."""
    return "left" if x < left else "right" if x > right else "center"


def _town_marks(
    frame: pl.DataFrame, boundaries: Boundaries, label: str | None, districts: Sequence[Any]
) -> list[dict[str, Any]]:
    """Each town to be named (``frame[label]``, once) at a point inside its LSOA; none when no
    ``label``. Towns named like one of ``districts`` (name, area) are left out."""
    if not label:
        return []
    named = {d[0] for d in districts}
    labelled = frame.filter(pl.col(label).is_not_null()).unique(
        label, keep="first", maintain_order=True
    )
    spots = boundaries.polygons_for(labelled["lsoa_code"].to_list())
    return [
        {"label": str(text), "x": p.x, "y": p.y}
        for text, poly in zip(labelled[label].to_list(), spots, strict=True)
        if poly is not None and str(text) not in named
        for p in [shapely.point_on_surface(poly)]
    ]


def _town_box(
    mark: dict[str, Any], unit: float, minx: float, maxx: float
) -> tuple[float, float, float, float]:
    """The box of a town's point and its name written above it on a phone (drawing units of
    ``unit`` metres; the name's baseline 9 units above the point; near the map's left or
    right edge, ``minx`` or ``maxx``, the name runs inward from its point)."""
    town = _PHONE_TOWN_SIZE * unit
    x, width = mark["x"], len(mark["label"]) * 0.55 * town + 0.6 * town
    edge = _EDGE * (maxx - minx)
    align = _side(x, minx + edge, maxx - edge)
    left = x if align == "left" else x - width if align == "right" else x - width / 2
    return (left, mark["y"] - 0.3 * town, left + width, mark["y"] + 9 * unit + town)


def _place_labels(
    marks: list[dict[str, Any]],
    districts: list[dict[str, Any]],
    width: float,
    drawn: float = 640.0,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Town labels that do not fight the district names: a town named like a district is
    left out (the district's name is already there, 'Dover' twice reads as a slip); each
    other is written above its point, or below it where that meets the district names'
    boxes less, at the sizes a phone writes them (the map ``width`` metres across is drawn
    ``drawn`` units wide; the labels sit 9 units above or 13 below their point)."""
    unit = width / drawn
    size, town = PHONE_NAME_SIZE * unit, _PHONE_TOWN_SIZE * unit
    names = []
    for d in districts:
        hw, hh = name_half(d["district"], size)
        names.append((d["x"] - hw, d["y"] - hh, d["x"] + hw, d["y"] + hh))

    def met(x0: float, y0: float, x1: float, y1: float) -> float:
        return sum(
            max(0.0, min(x1, b[2]) - max(x0, b[0])) * max(0.0, min(y1, b[3]) - max(y0, b[1]))
            for b in names
        )

    above: list[dict[str, Any]] = []
    below: list[dict[str, Any]] = []
    for mark in marks:
        if any(d["district"] == mark["label"] for d in districts):
            continue
        x, y, hw = mark["x"], mark["y"], len(mark["label"]) * 0.55 * town / 2 + 0.3 * town
        # the text stands on its baseline: a quarter of its size below it, three quarters above
        up = y + 9 * unit
        down = y - 13 * unit
        over = met(x - hw, up - 0.5 * town, x + hw, up + 1.05 * town)
        under = met(x - hw, down - 0.5 * town, x + hw, down + 1.05 * town)
        (below if under < over else above).append(mark)
    return above, below


def _district_names(frame: pl.DataFrame, boundaries: Boundaries) -> list[str | None] | None:
    """District of each boundary polygon: from the values when given, else the boundaries'."""
    lookup: dict[str, str | None] = {}
    if "district" in frame.columns:
        lookup = dict(zip(frame["lsoa_code"].to_list(), frame["district"].to_list(), strict=True))
    names = [
        lookup.get(c) or d for c, d in zip(boundaries.codes, boundaries.districts, strict=True)
    ]
    return names if any(names) else None


def map_html(
    figure: MapFigure,
    data: pl.DataFrame,
    *,
    caption: str,
    labels: dict[str, str] | None = None,
    attribution: str = "",
    visible_rows: int = 15,
    full: pl.DataFrame | None = None,
    lead: str = "",
) -> str:
    """The map beside its data table: the first ``visible_rows`` rows of ``data`` shown, all
    rows of ``full`` (default ``data``) in a ``<details>`` below, ``lead`` (HTML, e.g. how to
    read the table) just above the table; the SVG carries
    ``role="img"`` and the text alternative, and the legend with counts is written under it."""
    # The drawing fits the width of any screen, so that on a phone the whole force is in view
    # (at a fixed 520 px, east Kent opened off screen); the page's style writes its names
    # larger there. The title is the page's text, so it wraps instead of being cut.
    svg = figure.svg.replace(
        "<svg ", f'<svg role="img" aria-label="{html.escape(figure.alt, quote=True)}" ', 1
    )
    title = f'<p class="map-title">{html.escape(figure.title)}</p>' if figure.title else ""
    # Each swatch kept on one line with its label (a legend that wraps never splits them), no
    # separator to be left stranded at the start of a line.
    legend = " ".join(
        '<span style="display:inline-block;white-space:nowrap;margin-right:0.9em">'
        f'<span class="swatch" style="background:{c}"></span>{html.escape(k)}: {n:,}</span>'
        for k, c, n in figure.legend.iter_rows()
    )
    table = lead + table_html(data.head(visible_rows), caption=caption, labels=labels)
    full = data if full is None else full
    rest = ""
    if full.height > visible_rows or full.width > data.width:
        rest = (
            f"<details><summary>All {full.height:,} rows of the map's data</summary>"
            + table_html(full, caption=caption, labels=labels, max_rows=full.height)
            + "</details>"
        )
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in figure.notes)
    credit = f'<p class="note">{html.escape(attribution)}</p>' if attribution else ""
    return (
        f'<figure class="map"><div class="map-svg" style="min-width:0">{title}{svg}'
        f'<figcaption class="note">{legend}</figcaption>{credit}{notes}</div>'
        f'<div class="map-data">{table}</div></figure>{rest}'
    )


def choropleth_png(figure: MapFigure, path: Path, *, scale: float = 2.0) -> Path:
    """Write ``figure`` as a PNG (vl-convert; fully offline)."""
    import vl_convert as vlc

    spec = json.loads(figure.spec)
    if figure.title:  # the page writes the title above the drawing; a PNG carries its own
        spec["title"] = figure.title
    path.write_bytes(vlc.vegalite_to_png(json.dumps(spec, separators=(",", ":")), scale=scale))
    return path
