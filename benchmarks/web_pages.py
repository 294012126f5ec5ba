"""Dashboard speed in a real browser at a chosen synthetic scale (default 1.0 = Kent-sized).

Generates a synthetic force (or takes ``--db``), starts the dashboard server as ``vawg serve``
does, signs in as an analyst in Debian's Chromium (Playwright, ``executable_path=/usr/bin/
chromium``) and times, for every page:

- **cold**: the first visit, nothing computed yet (the server is started without its start-up
  warm-up, so every Result is made on demand: the same work the dashboard did on every visit
  before Results were kept; this is the baseline);
- **warm**: the second visit (the Results kept);
- **filter**: a filter changed on the page (the domestic abuse flag; on the drivers page, where
  only the period applies, the period's first month moved on by one), computed for the first
  time;
- **filter back**: the same filter changed back (kept);
- **served**: a second server as ``vawg serve`` runs it, once its start-up warm-up has finished
  (its log says so; at most ``--settle`` seconds): the default view's Results, the overview for
  every single filter change, then the profile, hot spots and outcomes for every single change.
  Then every page's first visit, and the first filter change on the overview, profile, place and
  outcomes pages.

Each is timed twice: **answer**, from the click until the page shows content for the new page
or selection (its first figures, or the line saying what is being computed); **complete**, until
the script run has finished with every chart drawn; and **server**, the seconds of the script
runs the server logged meanwhile (its "page …: script run" lines), so the rest of the complete
time is the browser drawing and the round trips. Then the peak memory of each server
process (``VmHWM``) and the machine's load. Writes nothing; prints a table, and the ratio of
warm to cold (same run).

Run: PYTHONPATH=src .venv/bin/python benchmarks/web_pages.py [--scale 1.0] [--db FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
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
PAGES = {
    "overview": "Overview",
    "profile": "Perpetrator profile",
    "rfgv": "Perpetrator list (RFGV)",
    "place": "Place and hot spots",
    "drivers": "Drivers",
    "outcomes": "Outcomes and audit",
    "surveys": "Surveys",
}
WAITING = "Computing"

# In the page: is the current run's content there (non-stale elements only)?
_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  if (!app || !main) return null;
  const live = (sel) => [...main.querySelectorAll(sel)].filter(
    (el) => !el.closest('[data-stale="true"]'));
  const heading = live('h1').map((h) => h.innerText.trim())[0] || '';
  const captions = live('[data-testid="stCaptionContainer"]').map((c) => c.innerText);
  return {
    running: app.getAttribute('data-test-script-state') !== 'notRunning',
    heading,
    caption: captions[0] || '',
    waiting: captions.some((c) => c.includes('WAITING_TEXT')),
    metrics: live('[data-testid="stMetricValue"]').map((m) => m.innerText),
    charts: live('[data-testid="stPlotlyChart"]').filter(
      (c) => c.querySelector('.main-svg')).length,
    tables: live('[data-testid="stDataFrame"]').length,
  };
}""".replace("WAITING_TEXT", WAITING)


@dataclass
class Timing:
    """Seconds to the first content and to the complete page, and the server's part: the
    script runs it logged meanwhile (the rest is the browser drawing and the round trips)."""

    answer: float
    complete: float
    server: float = 0.0


_RUN = re.compile(r"page \S+: script run ([0-9.]+) s")
_SERVER_LOG: list[Path] = []  # the log of the server being measured


def _server_runs() -> list[float]:
    """Every script run the server being measured has logged so far (seconds each)."""
    if not _SERVER_LOG:
        return []
    text = _SERVER_LOG[0].read_text(errors="replace")
    return [float(m.group(1)) for m in _RUN.finditer(text)]


def _port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _state(page: Page) -> dict[str, object]:
    return page.evaluate(_STATE) or {}


def _measure(page: Page, action: Callable[[], None], answered: Callable[[dict], bool]) -> Timing:
    """Do ``action``; time until ``answered(state)`` and until the run is over and settled."""
    runs = len(_server_runs())
    started = time.perf_counter()
    action()
    answer = None
    settled_since = None
    while True:
        state = _state(page)
        now = time.perf_counter()
        if answer is None and state and answered(state):
            answer = now - started
        if answer is not None and state and not state["running"] and not state["waiting"]:
            settled_since = settled_since or now
            if now - settled_since >= 0.3:  # no new run started in the meantime
                server = sum(_server_runs()[runs:])
                return Timing(answer, settled_since - started, server)
        else:
            settled_since = None
        if now - started > 900:
            raise SystemExit(f"the page did not finish in 900 s: {state}")
        time.sleep(0.02)


def _content(state: dict) -> bool:
    """A page has answered: figures, a chart, a table, or the line saying what it computes."""
    return bool(state["metrics"] or state["charts"] or state["tables"] or state["waiting"])


def _visit(page: Page, path: str) -> Timing:
    links = page.locator('[data-testid="stSidebarNavLink"]')
    index = list(PAGES).index(path)
    title = PAGES[path]
    return _measure(page, links.nth(index).click, lambda s: s["heading"] == title and _content(s))


def _change(page: Page, path: str, *, back: bool) -> Timing:
    """Change the page's filter (and later back); time the answer for the new selection."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if path == "drivers":
        thumb = sidebar.get_by_role("slider").first
        before = _state(page)["caption"]
        key = "ArrowLeft" if back else "ArrowRight"

        def move() -> None:
            thumb.focus()
            thumb.press(key)

        return _measure(
            page, move, lambda s: s["caption"] != before and bool(s["charts"] or s["waiting"])
        )
    label = "All" if back else "Domestic abuse"
    marker = "domestic abuse"
    before = _state(page)

    def answered(state: dict) -> bool:
        shown = marker in str(state["caption"]).lower()
        if (shown == back) or not _content(state):
            return False
        return not before["metrics"] or state["metrics"] != before["metrics"]

    return _measure(page, sidebar.get_by_text(label, exact=True).click, answered)


def _peak_memory(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            kb = int(line.split()[1])
            return f"{kb / 1024:.0f} MB"
    return "?"


def _serve(
    db: Path, users: Path, log: Path, *, warm: bool
) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start the dashboard server (its log to ``log``); return it, its address and the seconds
    until it answered."""
    port = _port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    with log.open("wb") as sink:
        server = subprocess.Popen(
            serve_command(db, users, port=port, warm=warm),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(3000):
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server, base, time.perf_counter() - started


def _settle(log: Path, most: float) -> str:
    """Wait for the server's start-up warm-up to finish (its log line), at most ``most`` s."""
    started = time.perf_counter()
    while time.perf_counter() - started < most:
        for line in log.read_text(errors="replace").splitlines():
            if "warm-up finished" in line:
                return line.split("vawg.web: ", 1)[-1]
        time.sleep(1.0)
    return f"warm-up not finished after {most:.0f} s"


def _sign_in(page: Page, base: str) -> Timing:
    page.goto(base + "/")
    page.get_by_role("textbox", name="User name").fill("ana")
    page.get_by_role("textbox", name="Password").fill("analyst-password-1")
    return _measure(
        page,
        page.get_by_role("button", name="Sign in").click,
        lambda s: s["heading"] == "Overview" and bool(s["metrics"]),
    )


def _cold_then_warm(page: Page, base: str) -> list[tuple[str, str, Timing]]:
    """Nothing computed ahead: every page twice, then a filter changed on each and back."""
    rows = [("cold", "overview", _sign_in(page, base))]
    for visit in ("cold", "warm"):
        for path in PAGES:
            if (visit, path) != ("cold", "overview"):  # the sign-in was its cold visit
                rows.append((visit, path, _visit(page, path)))
    for path in PAGES:
        if path == "surveys":
            continue  # no filter applies to the surveys
        _visit(page, path)
        rows.append(("filter", path, _change(page, path, back=False)))
        rows.append(("filter back", path, _change(page, path, back=True)))
    return rows


def _as_served(page: Page, base: str) -> list[tuple[str, str, Timing]]:
    """As `vawg serve` runs it, after its start-up warm-up: first visits and first filters."""
    rows = [("served", "overview", _sign_in(page, base))]
    for path in list(PAGES)[1:]:
        rows.append(("served", path, _visit(page, path)))
    _visit(page, "overview")
    rows.append(("served filter", "overview", _change(page, "overview", back=False)))
    for path in ("profile", "place", "outcomes"):
        rows.append(("served filter", path, _visit(page, path)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", type=Path, default=None, help="use this database instead")
    parser.add_argument(
        "--settle", type=float, default=900.0, help="most seconds to wait for the warm-up"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = args.db
        if db is None:
            from vawg.synth import generate

            started = time.perf_counter()
            generate(root / "data", scale=args.scale, seed=args.seed)
            db = root / "vawg.duckdb"
            load_paths([root / "data"], db)
            print(f"synthetic force at scale {args.scale}: {time.perf_counter() - started:.0f} s")
        users = root / "users.toml"
        save_user(users, "ana", "analyst", "analyst-password-1")
        rows: list[tuple[str, str, Timing]] = []
        memory: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for warm, run in ((False, _cold_then_warm), (True, _as_served)):
                log = root / f"server-{warm}.log"
                server, base, seconds = _serve(db, users, log, warm=warm)
                print(
                    f"server {'with' if warm else 'without'} warm-up answering in {seconds:.1f} s"
                )
                _SERVER_LOG[:] = [log]
                try:
                    if warm:
                        print(f"server with warm-up: {_settle(log, args.settle)}")
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    rows += run(page, base)
                    page.close()
                    memory.append(_peak_memory(server.pid))
                finally:
                    server.terminate()
                    server.wait(timeout=30)
            browser.close()
    print(f"\n{'what':<14} {'page':<10} {'answer s':>9} {'complete s':>11} {'server s':>9}")
    for what, path, timing in rows:
        print(
            f"{what:<14} {path:<10} {timing.answer:9.2f} {timing.complete:11.2f} "
            f"{timing.server:9.2f}"
        )
    print(
        "(server s: the dashboard's script runs during the step, from its log; the rest of "
        "'complete' is the browser drawing the page)"
    )
    cold = {p: t for w, p, t in rows if w == "cold"}
    warm_visits = {p: t for w, p, t in rows if w == "warm"}
    print("\nwarm / cold (complete), same run:")
    for path in PAGES:
        if path in cold and path in warm_visits:
            print(f"  {path:<10} {warm_visits[path].complete / cold[path].complete:6.2f}")
    print(f"\npeak memory of the server: {memory[0]} (no warm-up), {memory[1]} (with warm-up)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
