"""The dashboard's interactive LSOA map (vawg.report.area_map): which LSOA is drawn in which
class, with which rings, and the district outlines and names.

Known answers: hand-drawn squares on the 1 km grid (a 2 x 2 block of LSOAs in two districts,
one LSOA in two separate parts), so every ring's corners and every class's members are known.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl
import pytest
import shapely

from vawg.ingest.boundaries import Boundaries
from vawg.report.area_map import area_map_figure
from vawg.report.maps import NO_DATA, WITHHELD

X0, Y0, KM = 600_000, 150_000, 1_000


def _square(i: int, j: int) -> shapely.Polygon:
    x, y = X0 + i * KM, Y0 + j * KM
    return shapely.box(x, y, x + KM, y + KM, ccw=False)


def _corners(i: int, j: int) -> shapely.Polygon:
    """The square, normalised (drawing may start its ring at another corner)."""
    return shapely.normalize(_square(i, j))


def _shapes(trace: object) -> list[shapely.Polygon]:
    """A trace's rings as normalised polygons, in the order drawn; each ring closed."""
    rings = _rings_of(trace)
    assert all(r[0] == r[-1] for r in rings)
    return [shapely.normalize(shapely.Polygon(r)) for r in rings]


CODES = ("E01000001", "E01000002", "E01000003", "E01000004")
# E01000004 is two squares apart from the block: one LSOA in two parts.
SHAPES = (
    _square(0, 0),
    _square(1, 0),
    _square(0, 1),
    shapely.MultiPolygon([_square(1, 1), _square(3, 3)]),
)
GRID = Boundaries(
    codes=CODES,
    polygons=np.asarray(SHAPES, dtype=object),
    names=("A1", "A2", "A3", "A4"),
    districts=("West", "East", "West", "East"),
    source="hand-drawn",
)


def _rings_of(trace: object) -> list[list[tuple[float, float]]]:
    """A trace's rings, split at its gaps (NaN or None)."""
    xs = [None if v is None or np.isnan(v) else float(v) for v in trace.x]  # type: ignore[attr-defined]
    ys = [None if v is None or np.isnan(v) else float(v) for v in trace.y]  # type: ignore[attr-defined]
    rings: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if x is None:
            assert y is None
            rings.append([])
        else:
            rings[-1].append((x, y))
    assert rings[-1] == []  # every ring ends with a gap
    return rings[:-1]


def _figure() -> object:
    values = pl.DataFrame(
        {
            "lsoa_code": ["E01000001", "E01000002", "E01000004"],
            "finding": ["hot", "cold", "hot"],
            "name": ["One", "Two", "Four"],
            "hidden": [False, True, False],
        }
    )  # E01000003 has no value: "no data"; E01000002 is withheld
    return area_map_figure(
        values,
        GRID,
        value="finding",
        categories=["hot", "cold"],
        colours=["#d00000", "#0000d0"],
        title="t",
        hover="name",
        withheld="hidden",
    )


def test_each_class_holds_the_rings_of_its_lsoas_in_code_order() -> None:
    fig = _figure()
    classes = {t.name: t for t in fig.data if t.fill == "toself"}  # type: ignore[attr-defined]
    assert set(classes) == {"hot (2 LSOAs)", f"{WITHHELD} (1 LSOAs)", f"{NO_DATA} (1 LSOAs)"}
    # "cold" has no member left (its only LSOA is withheld), so it has no trace.
    assert _shapes(classes["hot (2 LSOAs)"]) == [_corners(0, 0), _corners(1, 1), _corners(3, 3)]
    assert _shapes(classes[f"{WITHHELD} (1 LSOAs)"]) == [_corners(1, 0)]
    assert _shapes(classes[f"{NO_DATA} (1 LSOAs)"]) == [_corners(0, 1)]
    assert classes["hot (2 LSOAs)"].fillcolor == "#d00000"  # type: ignore[attr-defined]


def test_district_outlines_names_and_hover_points() -> None:
    fig = _figure()
    outlines = {t.name: t for t in fig.data if t.mode == "lines" and t.fill is None}  # type: ignore[attr-defined]
    assert set(outlines) == {"East", "West"}
    # West is the 1 x 2 column of E01000001 and E01000003: one outline round both squares.
    [west] = _rings_of(outlines["West"])
    assert shapely.Polygon(west).equals(shapely.box(X0, Y0, X0 + KM, Y0 + 2 * KM))
    # East is two separate parts, so two outlines.
    east = _rings_of(outlines["East"])
    assert sorted(shapely.Polygon(r).area for r in east) == [KM * KM, 2 * KM * KM]
    [labels] = [t for t in fig.data if t.mode == "text"]  # type: ignore[attr-defined]
    assert list(labels.text) == ["East", "West"]  # type: ignore[attr-defined]
    [hover] = [t for t in fig.data if t.mode == "markers"]  # type: ignore[attr-defined]
    assert list(hover.hovertext) == [  # type: ignore[attr-defined]
        "One<br>hot",
        f"Two<br>{WITHHELD}",
        f"E01000003<br>{NO_DATA}",
        "Four<br>hot",
    ]
    inside = [shapely.Point(x, y) for x, y in zip(hover.x, hover.y, strict=True)]  # type: ignore[attr-defined]
    assert all(SHAPES[i].contains(p) for i, p in enumerate(inside))


def test_one_colour_per_category_is_required() -> None:
    values = pl.DataFrame({"lsoa_code": ["E01000001"], "finding": ["hot"]})
    with pytest.raises(Exception, match="one colour per category"):
        area_map_figure(values, GRID, value="finding", categories=["hot"], colours=[], title="t")


def test_a_district_focus_zooms_to_it_and_calls_nothing_else_no_data() -> None:
    # Only West's LSOAs have values (the page drops the others): West is E01000001 (hot) and
    # E01000003 (no value), the 1 x 2 column at the grid's corner.
    values = pl.DataFrame({"lsoa_code": ["E01000001"], "finding": ["hot"]})
    fig = area_map_figure(
        values,
        GRID,
        value="finding",
        categories=["hot", "cold"],
        colours=["#d00000", "#0000d0"],
        title="t",
        focus=["West"],
    )
    fills = {t.name: t for t in fig.data if t.fill == "toself"}  # type: ignore[attr-defined]
    legend = {name for name, t in fills.items() if t.showlegend is not False}  # type: ignore[attr-defined]
    # East's two LSOAs are drawn for context but are not "no data": only West's own is.
    assert legend == {"hot (1 LSOAs)", f"{NO_DATA} (1 LSOAs)"}
    outside = [t for name, t in fills.items() if name not in legend]
    assert len(outside) == 1 and outside[0].name.endswith("(2 LSOAs)")  # type: ignore[attr-defined]
    # The axes open on West (0-1 km across, 0-2 km up) with a small margin, not on East.
    x_axis, y_axis = fig.layout.xaxis, fig.layout.yaxis  # type: ignore[attr-defined]
    x0, x1 = x_axis.autorangeoptions.clipmin, x_axis.autorangeoptions.clipmax
    y0, y1 = y_axis.autorangeoptions.clipmin, y_axis.autorangeoptions.clipmax
    assert X0 - 0.1 * KM < x0 < X0 and X0 + KM < x1 < X0 + 1.1 * KM
    assert Y0 - 0.1 * KM < y0 < Y0 and Y0 + 2 * KM < y1 < Y0 + 2.1 * KM
    # Hover only where the focus is.
    [hover] = [t for t in fig.data if t.mode == "markers"]  # type: ignore[attr-defined]
    assert list(hover.hovertext) == ["E01000001<br>hot", f"E01000003<br>{NO_DATA}"]  # type: ignore[attr-defined]


def _focused(values: pl.DataFrame, boundaries: Boundaries, focus: list[str]) -> go.Figure:
    """The map of one "hot" class with ``focus`` on."""
    return area_map_figure(
        values,
        boundaries,
        value="finding",
        categories=["hot"],
        colours=["#d00000"],
        title="t",
        focus=focus,
    )


def test_a_neighbours_name_is_written_only_where_the_focused_map_shows_it_whole() -> None:
    # "Big" is a 3 x 3 km block less its top-right square, which is "Small"; "Far" lies 5 km
    # east. With Big in focus the map opens on Big's box (Small inside it): Small's name
    # fits there whole, Far's would be cut at the map's edge (or be off it), so it is left out.
    cells = [(i, j) for i in range(3) for j in range(3) if (i, j) != (2, 2)]
    grid = Boundaries(
        codes=tuple(f"E0100{n:04d}" for n in range(len(cells) + 2)),
        polygons=np.asarray(
            [_square(i, j) for i, j in cells] + [_square(2, 2), _square(8, 1)], dtype=object
        ),
        names=tuple(f"L{n}" for n in range(len(cells) + 2)),
        districts=("Big",) * len(cells) + ("Small", "Far"),
        source="hand-drawn",
    )
    values = pl.DataFrame({"lsoa_code": ["E01000000"], "finding": ["hot"]})

    def names(focus: list[str]) -> list[str]:
        [text] = [t for t in _focused(values, grid, focus).data if t.mode == "text"]  # type: ignore[attr-defined]
        return sorted(text.text)  # type: ignore[attr-defined]

    assert names(["Big"]) == ["Big", "Small"]
    assert names([]) == ["Big", "Far", "Small"]  # the whole force: every name
    assert names(["Far"]) == ["Far"]  # Big and Small lie outside Far's box


def test_each_kent_district_in_focus_has_its_name_on_its_map_and_no_name_is_cut() -> None:
    # Kent's boundaries as shipped. Placed for the whole force, Gravesham's name sits east of
    # it (out of Dartford's and Medway's way), off the map that opens on Gravesham alone.
    from vawg.config import Settings
    from vawg.ingest.boundaries import boundaries_for

    kent = boundaries_for(Settings())
    values = pl.DataFrame({"lsoa_code": [kent.codes[0]], "finding": ["hot"]})
    for district in sorted({d for d in kent.districts if d}):
        fig = _focused(values, kent, [district])
        x_axis, y_axis = fig.layout.xaxis, fig.layout.yaxis  # type: ignore[attr-defined]
        x0, x1 = x_axis.autorangeoptions.clipmin, x_axis.autorangeoptions.clipmax
        y0, y1 = y_axis.autorangeoptions.clipmin, y_axis.autorangeoptions.clipmax
        [text] = [t for t in fig.data if t.mode == "text"]  # type: ignore[attr-defined]
        names = [n.replace("<br>", " ") for n in text.text]  # type: ignore[attr-defined]
        assert district in names, district
        # Every name written lies inside the map's opening box with room for its letters
        # (about 11 px across the narrowest map, 230 px, of the box's width).
        unit = (x1 - x0) / 230
        for name, x, y in zip(names, text.x, text.y, strict=True):  # type: ignore[attr-defined]
            half = max(len(line) for line in name.replace(" and ", " and\n").split("\n"))
            half *= 0.56 * 11 / 2 * unit
            assert x0 <= x - half and x + half <= x1 and y0 <= y <= y1, (district, name)
