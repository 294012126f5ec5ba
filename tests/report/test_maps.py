"""Choropleth maps over LSOA boundaries (vawg.report.maps): what is drawn, in which colour,
with which rings, beside which table; and a rendered Kent map that does not fill its frame.

Known answers: the hand-drawn 3 x 3 grid of tests/data/models (README there) and counts of
LSOAs worked out from the values given here.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
import shapely

from vawg.ingest.boundaries import read_boundaries, shipped_boundaries
from vawg.report.maps import NO_DATA, WITHHELD, choropleth, choropleth_png, map_html

GRID = Path(__file__).resolve().parents[1] / "data" / "models" / "grid_3x3.geojson"
CODES = [f"E0100000{i}" for i in range(1, 10)]


def _exterior_rings(spec: str, dataset: str) -> list[list[list[float]]]:
    rings = []
    for feature in json.loads(spec)["datasets"][dataset]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings += [polygon[0] for polygon in polygons]
    return rings


def test_categories_are_counted_and_rings_run_clockwise() -> None:
    grid = read_boundaries(GRID)
    values = pl.DataFrame(
        {"lsoa_code": CODES[:8], "finding": ["hot"] * 3 + ["not"] * 5}
    )  # E01000009 has no value: "no data"
    figure = choropleth(
        values,
        grid,
        value="finding",
        legend_title="finding",
        categories=["hot", "not"],
        colours=["#b2182b", "#d5d8dd"],
        tolerance=1.0,
    )
    legend = dict(figure.legend.select("class", "lsoas").iter_rows())
    assert legend == {"hot": 3, "not": 5, NO_DATA: 1}
    assert "hot: 3 LSOAs" in figure.alt and "no data: 1 LSOAs" in figure.alt
    assert figure.svg.startswith("<svg")
    rings = _exterior_rings(figure.spec, "lsoas")
    # Clockwise exteriors, the winding d3-geo's spherical projections need.
    assert rings and all(not shapely.LinearRing(r).is_ccw for r in rings)
    # One dissolved shape per class: the three "hot" squares (E01000001-3, the south row)
    # become one 3 km x 1 km rectangle.
    hot = next(
        f for f in json.loads(figure.spec)["datasets"]["lsoas"] if f["properties"]["cls"] == "hot"
    )
    assert shapely.geometry.shape(hot["geometry"]).area == pytest.approx(3e6)


def test_numbers_fall_in_quantile_classes_and_withheld_areas_are_hatched() -> None:
    grid = read_boundaries(GRID)
    values = pl.DataFrame(
        {
            "lsoa_code": CODES,
            "rate": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None],
            "hidden": [False] * 8 + [True],
        }
    )
    figure = choropleth(
        values, grid, value="rate", legend_title="rate", bins=4, withheld="hidden", tolerance=1
    )
    legend = figure.legend.select("class", "lsoas").rows()
    # Quartile breaks of 1..8: 1, 2.75, 4.5, 6.25, 8: two values in each class.
    assert legend == [
        ("1.0 to 2.8", 2),
        ("2.8 to 4.5", 2),
        ("4.5 to 6.2", 2),
        ("6.2 to 8.0", 2),
        (WITHHELD, 1),
    ]
    spec = json.loads(figure.spec)
    hatch = shapely.geometry.shape(spec["datasets"]["hatch"][0]["geometry"])
    square = read_boundaries(GRID).polygons[8]  # E01000009, the withheld one
    assert hatch.length > 0 and square.buffer(1.0).contains(hatch)


def test_the_map_sits_beside_its_table() -> None:
    grid = read_boundaries(GRID)
    values = pl.DataFrame({"lsoa_code": CODES, "n": list(range(9))})
    figure = choropleth(values, grid, value="n", legend_title="crimes", tolerance=1.0)
    page = map_html(
        figure,
        values.head(3),
        full=values,
        caption="Crimes by LSOA",
        attribution="Contains OS data",
        visible_rows=3,
    )
    assert '<svg role="img" aria-label="Map of 9 LSOAs (crimes).' in page
    assert page.count("<caption>Crimes by LSOA</caption>") == 2  # visible, and in <details>
    assert "All 9 rows of the map's data" in page and "Contains OS data" in page


def test_values_without_a_boundary_are_said(tmp_path: Path) -> None:
    grid = read_boundaries(GRID)
    values = pl.DataFrame({"lsoa_code": [*CODES, "E01999999"], "n": list(range(10))})
    figure = choropleth(values, grid, value="n", legend_title="crimes", tolerance=1.0)
    assert any("1 LSOAs with values have no boundary" in n for n in figure.notes)


def test_a_rendered_kent_map_fills_kent_and_not_its_frame(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    kent = shipped_boundaries()
    values = pl.DataFrame({"lsoa_code": list(kent.codes), "x": ["all"] * kent.n})
    figure = choropleth(
        values,
        kent,
        value="x",
        legend_title="x",
        categories=["all"],
        colours=["#000000"],
        districts=False,
        legend=False,
    )
    png = choropleth_png(figure, tmp_path / "kent.png", scale=1.0)
    pixels = image.open(io.BytesIO(png.read_bytes())).convert("L")
    import numpy as np

    grey = np.asarray(pixels)
    dark = float((grey < 60).mean())
    # Kent fills about half of its bounding box (57%): the map is drawn where Kent is, not as
    # a filled frame or an empty one. The top-left corner (north of the Thames) stays white.
    assert 0.3 < dark < 0.8, dark
    assert pixels.getpixel((3, 3)) > 200


def test_town_labels_do_not_repeat_or_sit_on_district_names() -> None:
    from vawg.report.maps import _place_labels

    districts = [
        {"district": "Dover", "x": 0.0, "y": 0.0},
        {"district": "Thanet", "x": 50.0, "y": 50.0},
    ]
    marks = [
        {"label": "Dover", "x": 30.0, "y": -20.0},  # named like a district: left out
        {"label": "Ramsgate", "x": 51.0, "y": 48.0},  # just under Thanet's name: drawn below
        {"label": "Margate", "x": 20.0, "y": 80.0},  # clear of every name: drawn above
    ]
    above, below = _place_labels(marks, districts, width=100.0)
    assert [m["label"] for m in above] == ["Margate"]
    assert [m["label"] for m in below] == ["Ramsgate"]


def test_district_names_that_would_meet_are_moved_apart_and_others_stay() -> None:
    from vawg.report.maps import district_label_points

    # Names 2 m high: "Aaaa" is about 5 m wide with its halo, 3.6 m high. Two tall strips 4 m
    # wide side by side: written at their middles (2, 10) and (6, 10) the names overlap, so
    # one moves up or down its strip. A square far off keeps its name at its middle.
    west, east, far = shapely.box(0, 0, 4, 20), shapely.box(4, 0, 8, 20), shapely.box(50, 0, 60, 10)
    spots = district_label_points([("Aaaa", west), ("Bbbb", east), ("Cccc", far)], 2.0)
    (wx, wy), (ex, ey), (fx, fy) = spots
    half_width, half_height = 4 * 0.62 * 2 / 2 + 0.6, 1.2 * 2 / 2 + 0.6
    assert abs(wx - ex) >= 2 * half_width or abs(wy - ey) >= 2 * half_height
    assert west.distance(shapely.Point(wx, wy)) < 2 and east.distance(shapely.Point(ex, ey)) < 2
    assert (fx, fy) == (55.0, 5.0)


def test_a_district_name_keeps_off_a_town_and_its_name() -> None:
    from vawg.report.maps import district_label_points

    # A square 20 m across; its name (2 m high) would be written at its middle, where a
    # town's point and name (the box 6 to 14 across, 8 to 12 up) already are: it moves off.
    square = shapely.box(0, 0, 20, 20)
    [(x, y)] = district_label_points([("Aaaa", square)], 2.0, avoid=[(6.0, 8.0, 14.0, 12.0)])
    half_width, half_height = 4 * 0.62 * 2 / 2 + 0.6, 1.2 * 2 / 2 + 0.6
    assert (
        x + half_width <= 6 or x - half_width >= 14 or y + half_height <= 8 or y - half_height >= 12
    )
    assert square.contains(shapely.Point(x, y))


def test_every_kind_of_map_is_valid_vega_lite() -> None:
    """Maps are drawn without altair's check of the spec (it cost 40 ms a map), so the spec of
    a map with every layer (classes, hatching, district outlines and names, town names, the
    scale bar) is checked against the Vega-Lite schema here."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    kent = shipped_boundaries()
    codes = list(kent.codes)
    values = pl.DataFrame(
        {
            "lsoa_code": codes,
            "rate": [float(i % 17) for i in range(len(codes))],
            "hidden": [i % 50 == 0 for i in range(len(codes))],
            "town": ["Margate" if i == 10 else None for i in range(len(codes))],
        }
    )
    figure = choropleth(
        values, kent, value="rate", legend_title="rate", withheld="hidden", label="town"
    )
    spec = json.loads(figure.spec)
    assert {"lsoas", "hatch", "districts"} <= set(spec["datasets"])
    schema = load_schema()
    assert validate_jsonschema(spec, schema, rootschema=schema, raise_error=False) is None
    spec["layer"][0]["mark"]["type"] = "not a mark"
    assert validate_jsonschema(spec, schema, rootschema=schema, raise_error=False) is not None


def test_town_names_come_in_the_same_order_every_time() -> None:
    """The towns a map names are taken once each, in the order of the table: the same map
    drawn twice is the same drawing (a unique() without its order kept shuffled them)."""
    from vawg.report.maps import _town_marks

    kent = shipped_boundaries()
    codes = list(kent.codes)[:400]
    frame = pl.DataFrame({"lsoa_code": codes, "town": [f"Town {i % 37}" for i in range(400)]})
    orders = {tuple(m["label"] for m in _town_marks(frame, kent, "town", [])) for _ in range(20)}
    assert orders == {tuple(f"Town {i}" for i in range(37))}


def test_marks_are_placed_as_the_shorthand_would_place_them() -> None:
    """The channel objects a map's marks use give the spec altair makes of the shorthand."""
    import altair as alt

    from vawg.report.maps import _at

    def spec(**encoding: object) -> dict[str, object]:
        return alt.Chart(alt.Data(name="d")).mark_text().encode(**encoding).to_dict()

    assert spec(**_at("district")) == spec(longitude="x:Q", latitude="y:Q", text="district:N")
    assert spec(**_at()) == spec(longitude="x:Q", latitude="y:Q")


def test_a_drawing_keeps_one_decimal_of_each_number() -> None:
    from vawg.report.maps import _EXTRA_DIGITS

    drawn = '<path d="M12.3456,7.89L0.5,100L-3.14159,2.0"/><text x="1.25">v1.2345</text>'
    assert _EXTRA_DIGITS.sub("", drawn) == (
        '<path d="M12.3,7.8L0.5,100L-3.1,2.0"/><text x="1.2">v1.2</text>'
    )
