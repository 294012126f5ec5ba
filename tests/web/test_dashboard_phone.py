"""The dashboard read on a phone (390 px) as well as on a desktop (1280 px), in a real browser:
maps as tall as their width asks, half-year axes written upright and thinned.

One dashboard server for the module (fixture ``dashboard``). Each page is opened at desktop
width, where the sidebar's page list shows, and then measured at each width.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from tests.web.conftest import ANALYST, snapshot
from tests.web.test_dashboard import sign_in

pytestmark = pytest.mark.browser

# The first map on the page, against the chart's box: where the drawing (the areas, names and
# hover points, cut to the chart) and the legend lie, in pixels from the chart's top left.
_MAP = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const chart = gd.closest('[data-testid="stPlotlyChart"]').getBoundingClientRect();
  const drawn = gd.querySelector('.scatterlayer').getBoundingClientRect();
  const legend = gd.querySelector('.legend').getBoundingClientRect();
  const top = Math.max(drawn.top, chart.top), bottom = Math.min(drawn.bottom, chart.bottom);
  const left = Math.max(drawn.left, chart.left), right = Math.min(drawn.right, chart.right);
  return {width: chart.width, height: chart.height, top: top - chart.top,
          bottom: bottom - chart.top, left: left - chart.left, right: right - chart.left,
          legend: legend.top - chart.top};
}"""


def _map_box(page: Page, width: int) -> dict[str, float]:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(2500)  # the chart takes its new size, the plot is drawn again
    box: dict[str, float] = page.evaluate(_MAP)
    return box


def _fills_its_box(box: dict[str, float], what: str) -> None:
    """The map is drawn across the chart's width, with no band of white above it or between
    it and its legend (the chart was 640 px tall whatever its width: on a phone the map was a
    strip in the middle of it)."""
    assert box["right"] - box["left"] >= 0.9 * box["width"], (what, box)
    assert box["top"] <= 30, (what, box)
    assert box["legend"] - box["bottom"] <= 40, (what, box)


@pytest.mark.parametrize(
    ("path", "map_selector"),
    [
        ("place", "Hot spots: all places"),
        ("evaluation", "Where harm was greatest"),
    ],
)
def test_a_map_is_as_tall_as_its_width_asks(
    dashboard: str, page: Page, path: str, map_selector: str
) -> None:
    sign_in(page, dashboard, ANALYST, path)
    page.get_by_text(map_selector).first.wait_for(timeout=120_000)
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot .legend').first.wait_for(
        timeout=120_000
    )
    phone = _map_box(page, 390)
    _fills_its_box(phone, f"{path} at 390 px")
    snapshot(page, f"phone-{path}-map")
    desktop = _map_box(page, 1280)
    # a desktop's map is wider than it is tall: its height is what its width asks, not more
    assert desktop["right"] - desktop["left"] >= 0.85 * desktop["width"], desktop
    assert desktop["top"] <= 30 and desktop["legend"] - desktop["bottom"] <= 40, desktop
    # ... and back on the phone, the map is drawn as before (the range is not widened anew
    # at each size)
    again = _map_box(page, 390)
    assert abs(again["bottom"] - phone["bottom"]) <= 2 and abs(again["top"] - phone["top"]) <= 2


# Each half-year axis' labels as drawn: text, box and whether it is turned.
_LABELS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
  const box = chart.getBoundingClientRect();
  return {width: box.width, labels: [...chart.querySelectorAll('.xaxislayer-above .xtick text')]
    .filter(t => t.getBoundingClientRect().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
      return {name: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              turned: /rotate\\((?!0[,)])/.test(t.getAttribute('transform') || '')}; })};
}).filter(c => c.labels.some(l => /(Apr|Oct)/.test(l.name) && l.name.includes('–')))"""


def _meeting(labels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["name"], b["name"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if min(a["right"], b["right"]) + 4 > max(a["left"], b["left"])
        and min(a["bottom"], b["bottom"]) > max(a["top"], b["top"])
    ]


def test_half_year_labels_are_upright_and_thinned_on_a_phone(dashboard: str, page: Page) -> None:
    # Ten half-years were turned on their sides (a phone) or slanted (a desktop): written
    # upright on two lines as in the reports, every label where the chart has room for them,
    # else every second or third counting back from the latest.
    sign_in(page, dashboard, ANALYST, "outcomes")
    page.locator(".xaxislayer-above .xtick text").first.wait_for(timeout=120_000)
    shown: dict[int, list[list[str]]] = {}
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(2500)
        charts = page.evaluate(_LABELS)
        assert len(charts) == 2, charts  # the outcome rates and the median days
        for chart in charts:
            labels = chart["labels"]
            assert not [label["name"] for label in labels if label["turned"]], (width, labels)
            assert _meeting(labels) == [], (width, _meeting(labels))
            assert labels[-1]["name"] == "Oct 2021–Mar 2022", (width, labels)
        shown[width] = [[label["name"] for label in chart["labels"]] for chart in charts]
    snapshot(page, "desktop-outcomes-halves")
    rates_phone, days_phone = shown[390]
    rates_desktop, _ = shown[1280]
    assert len(rates_desktop) == 10, rates_desktop  # the whole width: every half-year
    assert 3 <= len(rates_phone) < 10 and 3 <= len(days_phone) < 10, shown
