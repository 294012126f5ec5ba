"""Report pages read on a phone (390 px) as well as on a desktop (1280 px): measured in a real
browser on small pages written by the report's own page functions (no database needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from vawg.report.page import Classification, Section, render_page, table_html, write_html

WIDTHS = (390, 1280)

# How the text of a table cell breaks into lines: the distinct tops of its line boxes.
_CELL_LINES = """(table, column) => {
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const index = heads.indexOf(column);
  return [...table.querySelectorAll('tbody tr')].map(row => {
    const cell = row.children[index];
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return {width: cell.getBoundingClientRect().width, lines: tops.size};
  });
}"""


def _page(tmp_path: Path, name: str, body: str) -> Path:
    document = render_page(
        "A report", [Section("Part", body)], classification=Classification("PUBLIC", "test")
    )
    path = tmp_path / f"{name}.html"
    write_html(path, document)
    return path


@pytest.mark.browser
def test_a_column_of_changes_reads_in_a_few_lines_on_a_phone(tmp_path: Path, page: Any) -> None:
    # The audit's headline comparisons, as the report writes them: on a phone the table is
    # wider than the screen, so each column shrank to its longest word and the change ran to
    # eleven lines of one or two words.
    change = "no clear change: 0.2 percentage points higher (95% CI −1.0 to +1.4 percentage points)"
    frame = pl.DataFrame(
        {
            "measure": ["Charge/summons rate", "Median days from recording to any police outcome"],
            "estimate a year earlier": ["6.3%", "38 days"],
            "estimate this half": ["6.5%", "39 days"],
            "change in the estimate": [change, "1 day longer (95% CI 2 days shorter to 4 days)"],
            "verdict": ["no clear change", "no clear change"],
        }
    )
    path = _page(
        tmp_path,
        "headlines",
        table_html(frame, caption="Headlines", wide=["change in the estimate"]),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path.as_uri())
    cells = page.locator("table").evaluate(_CELL_LINES, "change in the estimate")
    assert len(cells) == 2
    for cell in cells:
        assert cell["lines"] <= 3 and cell["width"] >= 200, cell
    # The page itself still does not scroll sideways: the table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


# The boxes of the texts ``selector`` finds in each of ``charts``, as drawn.
_BOXES = """(charts, selector) => charts.map(chart => [...chart.querySelectorAll(selector)].map(t => {
  const r = t.getBoundingClientRect();
  return {name: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
}))"""


def _meeting(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The pairs of boxes that overlap or touch."""
    return [
        (a["name"], b["name"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a["right"], b["right"]) >= max(a["left"], b["left"])
        and min(a["bottom"], b["bottom"]) >= max(a["top"], b["top"])
    ]


def _kent_values() -> tuple[Any, pl.DataFrame]:
    from vawg.ingest.boundaries import shipped_boundaries

    kent = shipped_boundaries()
    codes = list(kent.codes)
    return kent, pl.DataFrame(
        {
            "lsoa_code": codes,
            "finding": ["hot", "not"] * (len(codes) // 2) + ["not"] * (len(codes) % 2),
        }
    )


@pytest.mark.browser
def test_no_two_district_names_on_a_report_map_meet(tmp_path: Path, page: Any) -> None:
    # At 390 px "Tonbridge and Malling" ran into Sevenoaks and Maidstone, and Gravesham into
    # Medway: each name was written at a point inside its district, wherever its neighbours'
    # names were.
    from vawg.report.maps import choropleth, map_html

    kent, values = _kent_values()
    figure = choropleth(
        values,
        kent,
        value="finding",
        legend_title="finding",
        title="Hot spots",
        categories=["hot", "not"],
        colours=["#b30000", "#fef0d9"],
    )
    path = _page(tmp_path, "map", map_html(figure, values.head(3), caption="Hot spots"))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path.as_uri())
        [boxes] = page.locator(".map-svg svg").evaluate_all(_BOXES, ".district_names_marks text")
        assert len(boxes) == 13, boxes  # Kent's districts
        assert _meeting(boxes) == [], (width, _meeting(boxes))


@pytest.mark.browser
def test_no_two_district_names_on_an_interactive_map_meet(tmp_path: Path, page: Any) -> None:
    # The dashboard's map (Plotly) writes its names at a fixed 11 px, so on a phone, where the
    # map is smallest, they are largest against it.
    from vawg.report.area_map import area_map_figure
    from vawg.report.page import figure_html

    kent, values = _kent_values()
    figure = area_map_figure(
        values,
        kent,
        value="finding",
        categories=["hot", "not"],
        colours=["#b30000", "#fef0d9"],
        title="Hot spots",
    )
    path = _page(tmp_path, "area", figure_html(figure, height=520))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path.as_uri())
        page.locator(".js-plotly-plot .textpoint text").first.wait_for(timeout=15_000)
        [boxes] = page.locator(".js-plotly-plot").evaluate_all(_BOXES, ".textpoint text")
        assert len(boxes) == 13, boxes
        assert _meeting(boxes) == [], (width, _meeting(boxes))


@pytest.mark.browser
def test_half_year_labels_do_not_run_together_on_a_phone(tmp_path: Path, page: Any) -> None:
    # Eleven half-years slanted at 45° ran into each other on a phone; upright on two lines,
    # every label is written on a desktop and, on a phone, every few back from the latest.
    import plotly.graph_objects as go

    from vawg.report.fmt import half_months
    from vawg.report.page import figure_html, half_axis

    halves = [half_months(f"{2017 + i // 2}H{1 + i % 2}") for i in range(11)]
    figure = go.Figure(go.Scatter(x=halves, y=[10 + i % 3 for i in range(11)], name="rate"))
    figure.update_layout(title="Charge rate by half-year", xaxis=half_axis(halves))
    path = _page(tmp_path, "halves", figure_html(figure, height=420))
    shown = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path.as_uri())
        page.locator(".js-plotly-plot .xtick text").first.wait_for(timeout=15_000)
        page.wait_for_timeout(500)
        [boxes] = page.locator(".js-plotly-plot").evaluate_all(_BOXES, ".xtick text")
        assert _meeting(boxes) == [], (width, _meeting(boxes))
        shown[width] = [b["name"] for b in boxes]
        assert shown[width][-1] == "Apr–Sep2022", shown  # the latest is always labelled
    assert len(shown[1280]) == 11 and 3 <= len(shown[390]) < 11, shown
