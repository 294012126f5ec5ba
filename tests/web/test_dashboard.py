"""The dashboard in a real browser: sign-in, every page's charts, filters, what a viewer may reach.

One Streamlit server for the module (fixture ``dashboard``); Debian's Chromium through
Playwright. The throttle test runs last: its failed sign-ins slow down this client for the
rest of the server's life.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import polars as pl
import pytest
from playwright.sync_api import Page, WebSocket, expect
from tests.web.conftest import ANALYST, ARTIFACTS, IDLE, VIEWER, WebData, snapshot

pytestmark = pytest.mark.browser

REFERENCE = re.compile(rb"[A-Z]{1,3}\d{6,}")
# Pages every role sees, with the least number of charts each must draw.
PUBLIC_PAGES = {
    "overview": 4,
    "profile": 7,
    "place": 3,  # the first is the map
    "drivers": 3,
    "outcomes": 4,
    "surveys": 3,
}
RESTRICTED = "rfgv"


_OBSERVE = """() => {
  if (window.__vawgRuns !== undefined) return window.__vawgRuns;
  window.__vawgRuns = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning') window.__vawgRuns += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  return 0;
}"""


def runs(page: Page) -> int:
    """Script runs finished in this page so far (counting starts on the first call)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    return int(page.evaluate(_OBSERVE))


def act(page: Page, action: Callable[[], Any]) -> float:
    """Do ``action`` and wait until the script run it starts has finished; return seconds."""
    before = runs(page)
    started = time.perf_counter()
    action()
    page.wait_for_function(f"window.__vawgRuns > {before}", timeout=60_000)
    seconds = time.perf_counter() - started
    page.wait_for_selector(IDLE, timeout=60_000)
    return seconds


def sign_in(page: Page, base: str, user: tuple[str, str], path: str = "") -> None:
    """Open ``path`` (a deep link), sign in and wait for the page."""
    page.goto(f"{base}/{path}")
    page.get_by_role("textbox", name="User name").fill(user[0])
    page.get_by_role("textbox", name="Password").fill(user[1])
    act(page, page.get_by_role("button", name="Sign in").click)
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)


def _links(page: Page) -> dict[str, Any]:
    links = {}
    for link in page.locator('[data-testid="stSidebarNavLink"]').all():
        path = urlparse(link.get_attribute("href") or "").path.strip("/")
        links[path or "overview"] = link  # the default page lives at the root
    return links


def nav_paths(page: Page) -> list[str]:
    """The url paths of the pages in the sidebar's page list (the root page as "overview")."""
    return list(_links(page))


def go(page: Page, path: str) -> float:
    """Follow the sidebar link to ``path`` (in the same session); return seconds to idle."""
    seconds = act(page, _links(page)[path].click)
    page.wait_for_timeout(150)
    return seconds


def check_page(page: Page, name: str, least: int) -> int:
    """Screenshot the page; every chart on it is drawn (not blank), at least ``least`` of them."""
    charts = '[data-testid="stPlotlyChart"]'
    if least:
        page.locator(f"{charts} .main-svg").first.wait_for(timeout=15_000)
    _, shares = snapshot(page, name, charts=charts)
    assert len(shares) >= least, f"{name}: expected {least}+ charts, found {len(shares)}"
    for index, share in enumerate(shares):
        assert share > 0.03, f"{name}: chart {index} looks blank ({share:.1%} non-white)"
    assert page.locator('[data-testid="stException"]').count() == 0
    return len(shares)


def record_frames(page: Page) -> list[bytes]:
    """Collect every websocket frame the server sends this page."""
    frames: list[bytes] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", on_socket)
    return frames


def identifiers(web_data: WebData) -> set[bytes]:
    """Every crime reference and person id in the synthetic data."""
    crimes = pl.read_csv(web_data.folder / "crimes.csv", columns=["crime_ref"])
    people = pl.read_csv(web_data.folder / "people.csv", columns=["person_id"])
    return {str(v).encode() for v in [*crimes["crime_ref"], *people["person_id"]]}


def leaked(frames: list[bytes], known: set[bytes], page: Page, base: str) -> list[bytes]:
    """Identifiers found in the frames and in the files they link to (CSV downloads)."""
    found = {token for frame in frames for token in REFERENCE.findall(frame) if token in known}
    media = {m for frame in frames for m in re.findall(rb"/media/[0-9a-f]+\.csv", frame)}
    for url in media:
        body = page.request.get(base + url.decode()).body()
        found |= {token for token in REFERENCE.findall(body) if token in known}
    return sorted(found)


def test_analyst_sees_every_page_with_its_charts(
    dashboard: str, page: Page, web_data: WebData
) -> None:
    frames = record_frames(page)
    sign_in(page, dashboard, ANALYST)
    paths = nav_paths(page)
    assert set(PUBLIC_PAGES) | {RESTRICTED} == set(paths), paths
    timings = []
    for path, least in [*PUBLIC_PAGES.items(), (RESTRICTED, 0)]:
        seconds = go(page, path)
        timings.append(f"analyst {path}: {seconds:.2f} s")
        check_page(page, f"analyst-{path}", least)
    (ARTIFACTS / "timings-analyst.txt").write_text("\n".join(timings) + "\n")
    # The restricted list is person-level: its references reach an analyst's browser (which
    # also shows that the leak check used on the viewer below finds them when they are there).
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    assert leaked(frames, identifiers(web_data), page, dashboard)
    go(page, "overview")
    assert page.get_by_text("Analyst view: every count is exact").is_visible()


def test_downloads_and_a_filter_that_changes_the_figures(dashboard: str, page: Page) -> None:
    sign_in(page, dashboard, ANALYST)
    # Streamlit streams a page's elements in: wait for all five headline figures.
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(5, timeout=60_000)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    crimes = int(values[0].replace(",", ""))
    assert crimes > 1000
    # CSV: the table behind the monthly chart adds up to the headline count.
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").first.click()
    text = info.value.path().read_text(encoding="utf-8")
    header, *rows = text.strip().splitlines()
    assert header == "month,crimes"
    assert sum(int(r.split(",")[1]) for r in rows if not r.startswith("#")) == crimes
    # PNG: Plotly's own "download plot as a PNG" button is in every chart's toolbar.
    page.locator('[data-testid="stPlotlyChart"]').first.hover()
    assert page.locator('.modebar-btn[data-title="Download plot as a PNG"]').first.is_visible()

    # A filter changes the headline figure and the chart.
    chart_before = page.locator('[data-testid="stPlotlyChart"]').first.screenshot()
    sidebar = page.locator('[data-testid="stSidebar"]')
    act(page, sidebar.get_by_text("Not domestic abuse", exact=True).click)
    page.wait_for_timeout(300)
    after = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert 0 < int(after.replace(",", "")) < crimes
    assert page.locator('[data-testid="stPlotlyChart"]').first.screenshot() != chart_before
    snapshot(page, "analyst-overview-filtered")
    # The selection holds on the next page and back.
    go(page, "profile")
    go(page, "overview")
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == after
    assert page.get_by_text("not domestic abuse", exact=False).first.is_visible()


def test_viewer_cannot_reach_the_restricted_page_or_its_data(
    dashboard: str, page: Page, web_data: WebData
) -> None:
    frames = record_frames(page)
    # A deep link to the restricted page: sign-in, then nothing but a refusal.
    sign_in(page, dashboard, VIEWER, RESTRICTED)
    assert page.get_by_text("is for analysts only").is_visible()
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    snapshot(page, "viewer-rfgv-refused")
    assert RESTRICTED not in nav_paths(page)
    timings = []
    for path, least in PUBLIC_PAGES.items():
        seconds = go(page, path)
        timings.append(f"viewer {path}: {seconds:.2f} s")
        check_page(page, f"viewer-{path}", least)
        if least:
            assert page.get_by_text("Disclosure-controlled.").first.is_visible()
    (ARTIFACTS / "timings-viewer.txt").write_text("\n".join(timings) + "\n")
    assert frames, "no websocket traffic was recorded"
    assert leaked(frames, identifiers(web_data), page, dashboard) == []


def _attempt(page: Page, name: str, password: str) -> float:
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    return act(page, page.get_by_role("button", name="Sign in").click)


def test_wrong_password_is_refused_and_repeated_failures_slow_down(
    dashboard: str, page: Page, browser: Any
) -> None:
    page.goto(dashboard)
    times = []
    for _ in range(4):
        times.append(_attempt(page, ANALYST[0], "not-the-password"))
        assert page.get_by_text("Wrong user name or password.").is_visible()
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    # Delays after 0, 1, 2, 3 failures: 0, 0.5, 1 and 2 s (LoginThrottle base 0.5 s).
    assert times[3] > times[0] + 1.5, times
    assert times[0] < times[2] < times[3], times
    # The slowdown is kept on the server: a brand-new session waits too.
    other = browser.new_page()
    other.goto(dashboard)
    fresh = _attempt(other, ANALYST[0], "still-not-it")
    assert fresh > times[0] + 3.0, (fresh, times)  # waits 4 s after 4 failures
    assert other.get_by_text("Wrong user name or password.").is_visible()
    other.close()
