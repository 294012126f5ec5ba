"""The dashboard in a real browser: every page's charts, filters, downloads, what a viewer may
reach.

One dashboard server for the module (fixture ``dashboard``); Debian's Chromium through
Playwright. Sign-in, reload, sign-out, lockout and stopping the server are in
test_signin_browser.py.
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

from vawg.web.pages.common import WAITING

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
    "evaluation": 1,  # the targeting map (the other tabs draw more)
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
    """Open ``path`` (a deep link: the sign-in page comes first), sign in, wait for the page."""
    page.goto(f"{base}/{path}")
    page.get_by_role("textbox", name="User name").fill(user[0])
    page.get_by_role("textbox", name="Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    expect(page.get_by_text(WAITING)).to_have_count(0, timeout=120_000)


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
    """Follow the sidebar link to ``path`` (in the same session); return seconds until the page
    is complete (its slow Results computed: the script run waits for them)."""
    seconds = act(page, _links(page)[path].click)
    expect(page.get_by_text(WAITING)).to_have_count(0, timeout=120_000)
    page.wait_for_timeout(150)
    return seconds


def sidebar_labels(page: Page) -> list[str]:
    """The filter widgets' labels drawn in the sidebar."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    return [
        text
        for text in ("Period (recorded)", "District", "Offence group", "Domestic abuse flag")
        if sidebar.get_by_text(text, exact=True).count()
    ]


def check_page(page: Page, name: str, least: int) -> int:
    """Screenshot the page; every chart on it is drawn (not blank), at least ``least`` of them."""
    charts = '[data-testid="stPlotlyChart"]'
    if least:  # slow Results arrive after the page first answers: wait for every chart
        page.wait_for_function(
            f"document.querySelectorAll('{charts}:has(.main-svg)').length >= {least}",
            timeout=180_000,
        )
    expect(page.get_by_text(WAITING)).to_have_count(0, timeout=180_000)
    page.wait_for_selector(IDLE, timeout=180_000)
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


def downloaded(page: Page) -> list[bytes]:
    """Click every CSV button in view on the page and return the files: each CSV is made when
    its button is clicked, so the frames alone no longer link to them."""
    bodies = []
    buttons = page.get_by_role("button", name="CSV")
    for index in range(buttons.count()):
        if not buttons.nth(index).is_visible():
            continue  # in a closed tab or fold
        with page.expect_download(timeout=60_000) as info:
            buttons.nth(index).click()
        bodies.append(info.value.path().read_bytes())
    return bodies


def found_in(bodies: list[bytes], known: set[bytes]) -> list[bytes]:
    """Identifiers found in downloaded files."""
    return sorted({token for body in bodies for token in REFERENCE.findall(body) if token in known})


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
        if path != RESTRICTED:  # every page opens with its analysis' main points
            expect(page.get_by_text("Main points", exact=True).first).to_be_visible()
    (ARTIFACTS / "timings-analyst.txt").write_text("\n".join(timings) + "\n")
    # The restricted list is person-level: its references reach an analyst's browser (which
    # also shows that the leak check used on the viewer below finds them when they are there).
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    assert leaked(frames, identifiers(web_data), page, dashboard)
    # ... and the restricted list's own CSV holds them (so the scan of the viewer's files below
    # would find any that reached them)
    assert found_in(downloaded(page), identifiers(web_data))
    go(page, "overview")
    assert page.get_by_text("Analyst view: every count is exact").is_visible()


def _download(page: Page) -> tuple[str, list[str], list[str]]:
    """Click the first CSV button: (file name, the # lines on top, the table's lines)."""
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").first.click()
    lines = info.value.path().read_text(encoding="utf-8").strip().splitlines()
    stamp = [line for line in lines if line.startswith("#")]
    return info.value.suggested_filename, stamp, lines[len(stamp) :]


def test_downloads_are_named_and_stamped_and_a_filter_changes_the_figures(
    dashboard: str, page: Page
) -> None:
    sign_in(page, dashboard, ANALYST)
    # Streamlit streams a page's elements in: wait for all five headline figures.
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(5, timeout=60_000)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    crimes = int(values[0].replace(",", ""))
    assert crimes > 1000
    # CSV: named for the table and period, stamped with what it is; the table behind the
    # monthly chart adds up to the headline count.
    name, stamp, (header, *rows) = _download(page)
    assert name == "vawg-crimes-per-month_2017-04-to-2022-03.csv"
    assert stamp[:4] == [
        "# VAWG insight: crimes per month",
        "# Period: 1 Apr 2017 to 31 Mar 2022 (date recorded)",
        "# Filters: all districts; all offence groups",
        "# Figures: OFFICIAL-SENSITIVE analyst view; every count exact and small ones included",
    ]
    assert stamp[4].startswith("# Database: vawg.duckdb (loaded ") and stamp[4].endswith(" for ana")
    assert header == "month,crimes"
    assert sum(int(r.split(",")[1]) for r in rows) == crimes
    # PNG: Plotly's own "download plot as a PNG" button is in every chart's toolbar.
    page.locator('[data-testid="stPlotlyChart"]').first.hover()
    assert page.locator('.modebar-btn[data-title="Download plot as a PNG"]').first.is_visible()

    # A filter changes the headline figure, the chart, the address and the download's stamp.
    chart_before = page.locator('[data-testid="stPlotlyChart"]').first.screenshot()
    sidebar = page.locator('[data-testid="stSidebar"]')
    act(page, sidebar.get_by_text("Not domestic abuse", exact=True).click)
    page.wait_for_timeout(300)
    after = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert 0 < int(after.replace(",", "")) < crimes
    assert page.locator('[data-testid="stPlotlyChart"]').first.screenshot() != chart_before
    assert "da=Not+domestic+abuse" in page.url
    name, stamp, _ = _download(page)
    assert name == "vawg-crimes-per-month_2017-04-to-2022-03_da-no.csv"
    assert stamp[2] == "# Filters: all districts; all offence groups; not domestic abuse"
    snapshot(page, "analyst-overview-filtered")
    # The selection holds on the next page and back, and on a page where it does not apply.
    go(page, "profile")
    go(page, "drivers")
    assert sidebar_labels(page) == ["Period (recorded)"]
    go(page, "surveys")
    assert sidebar_labels(page) == []
    assert page.get_by_text("no filter applies", exact=False).first.is_visible()
    go(page, "overview")
    assert sidebar_labels(page) == [
        "Period (recorded)",
        "District",
        "Offence group",
        "Domestic abuse flag",
    ]
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == after
    assert page.get_by_text("not domestic abuse", exact=False).first.is_visible()
    # A reload keeps the session and, from the address, the selection.
    page.reload()
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(5, timeout=60_000)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == after


def test_rfgv_is_scored_over_the_period_selected(dashboard: str, page: Page) -> None:
    sign_in(page, dashboard, ANALYST, "rfgv?period=Apr+2019&period=Mar+2020")
    expect(
        page.get_by_text("Scored over the crimes recorded from 1 Apr 2019 to 31 Mar 2020")
    ).to_be_visible(timeout=60_000)
    snapshot(page, "analyst-rfgv-2019")


def test_the_first_page_answers_at_its_own_name_too(dashboard: str, page: Page) -> None:
    # It lives at the root; a link or bookmark to /overview must not say "Page not found".
    sign_in(page, dashboard, ANALYST, "overview")
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_count(5, timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0


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
    files: list[bytes] = []
    for path, least in PUBLIC_PAGES.items():
        seconds = go(page, path)
        timings.append(f"viewer {path}: {seconds:.2f} s")
        check_page(page, f"viewer-{path}", least)
        if least:
            assert page.get_by_text("Disclosure-controlled.").first.is_visible()
        files += downloaded(page)
    (ARTIFACTS / "timings-viewer.txt").write_text("\n".join(timings) + "\n")
    assert frames, "no websocket traffic was recorded"
    known = identifiers(web_data)
    assert leaked(frames, known, page, dashboard) == []
    assert len(files) >= len(PUBLIC_PAGES), len(files)  # every page has a CSV in view
    assert found_in(files, known) == []
