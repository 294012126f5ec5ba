"""Dashboard page load times in a real browser, at a chosen synthetic scale (default 1.0 = Kent).

Generates a synthetic force, loads it, starts `vawg serve` on a free port on 127.0.0.1 and
drives Debian's Chromium (Playwright, ``executable_path=/usr/bin/chromium``):

1. opens the sign-in page and waits ``--warm`` seconds (the app computes every page for the
   default filters in the background while a user types the password), then signs in;
2. visits every page as an analyst, twice: the first visit of a page whose results were not
   warmed yet is a cold load; the second is the cached load a user normally sees;
3. changes one filter (domestic abuse only) and times every page again: cold loads, since
   nothing was computed for that selection yet;
4. visits every public page as a viewer.

A page's load time is from the click on its link to the end of the script run it started
(Streamlit's run state), plus the charts being drawn. Prints a table; writes nothing else.

Run: PYTHONPATH=src .venv/bin/python benchmarks/web_pages.py [--scale 1.0] [--warm 120]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from vawg.cli.web import serve_command
from vawg.store import load_paths
from vawg.web.auth import save_user

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["overview", "profile", "rfgv", "place", "drivers", "outcomes", "surveys"]
OBSERVE = """() => {
  if (window.__runs !== undefined) return window.__runs;
  window.__runs = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  return 0;
}"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(page: Page, action: object) -> float:
    before = int(page.evaluate(OBSERVE))
    started = time.perf_counter()
    action()  # type: ignore[operator]
    page.wait_for_function(f"window.__runs > {before}", timeout=900_000)
    charts = page.locator('[data-testid="stPlotlyChart"] .main-svg')
    if charts.count():
        charts.first.wait_for(timeout=60_000)
    return time.perf_counter() - started


def _link(page: Page, path: str) -> object:
    target = "" if path == "overview" else path
    for link in page.locator('[data-testid="stSidebarNavLink"]').all():
        href = (link.get_attribute("href") or "").rstrip("/")
        if href.rsplit("/", 1)[-1] == target or (not target and href.count("/") == 2):
            return link.click
    raise SystemExit(f"no link to {path}")


def _sign_in(page: Page, base: str, name: str, password: str, *, goto: bool = True) -> float:
    if goto:
        page.goto(base)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=900_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=900_000)
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=900_000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warm", type=float, default=120.0, help="seconds on the sign-in page")
    args = parser.parse_args()
    from vawg.synth import generate

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate(root / "data", scale=args.scale, seed=args.seed)
        load_paths([root / "data"], root / "vawg.duckdb")
        print(f"synthetic force at scale {args.scale}: {time.perf_counter() - started:.0f} s")
        users = root / "users.toml"
        save_user(users, "ana", "analyst", "analyst-password-1")
        save_user(users, "vic", "viewer", "viewer-password-1")
        port = _port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        server = subprocess.Popen(
            serve_command(root / "vawg.duckdb", users, port=port),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            rows: list[tuple[str, str, float]] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(base)
                page.get_by_role("textbox", name="User name").wait_for()
                time.sleep(args.warm)
                seconds = _sign_in(page, base, "ana", "analyst-password-1", goto=False)
                rows.append(("analyst", "sign-in + overview", seconds))
                for visit in ("first", "again"):
                    for path in PAGES:
                        rows.append((f"analyst ({visit})", path, _timed(page, _link(page, path))))
                sidebar = page.locator('[data-testid="stSidebar"]')
                _timed(page, _link(page, "overview"))
                rows.append(
                    (
                        "analyst",
                        "overview, new filter",
                        _timed(page, sidebar.get_by_text("Domestic abuse", exact=True).click),
                    )
                )
                for path in PAGES[1:]:  # cold: nothing was computed for this filter yet
                    rows.append(("analyst (new filter)", path, _timed(page, _link(page, path))))
                viewer = browser.new_page(viewport={"width": 1400, "height": 1000})
                rows.append(
                    (
                        "viewer",
                        "sign-in + overview",
                        _sign_in(viewer, base, "vic", "viewer-password-1"),
                    )
                )
                for path in [p for p in PAGES if p != "rfgv"]:
                    rows.append(("viewer", path, _timed(viewer, _link(viewer, path))))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"{'who':<20} {'page':<24} seconds")
    for who, what, seconds in rows:
        print(f"{who:<20} {what:<24} {seconds:7.2f}")


if __name__ == "__main__":
    main()
