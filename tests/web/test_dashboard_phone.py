"""The dashboard read on a phone (390 px) as well as on a desktop (1280 px), in a real browser:
maps as tall as their width asks.

One dashboard server for the module (fixture ``dashboard``). Each page is opened at desktop
width, where the sidebar's page list shows, and then measured at each width.
"""

from __future__ import annotations

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
