"""Fixtures for the dashboard and site tests: a small synthetic database, users, live servers.

The browser is Debian's Chromium (``apt-get install -y chromium``) driven by Playwright with
``executable_path``; Playwright's own browser download is not used. One dashboard server per
test module (:func:`served`, as ``vawg serve`` starts it), on a free port on 127.0.0.1.
Screenshots go to ``tests/artifacts/web/``.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vawg.cli.web import serve_command
from vawg.store import load_paths
from vawg.web.auth import save_user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# The tests check what is drawn, not the statistics: fewer resamples keep them fast.
FAST = ("profile_bootstrap_replicates=99", "hotspot_permutations=99")
ANALYST = ("ana", "analyst-password-1")
VIEWER = ("vic", "viewer-password-1")
SPARE = ("lee", "spare-password-1")  # an analyst for the lockout tests


def _generate(out: Path, scale: float, seed: int) -> None:
    from vawg import synth

    generate: Any = getattr(synth, "generate", None)
    if not callable(generate):
        from vawg.synth.generate import generate
    generate(out, scale=scale, seed=seed)


@dataclass(frozen=True)
class WebData:
    """The synthetic force the web tests run on."""

    folder: Path
    db: Path
    users: Path


@pytest.fixture(scope="session")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    """A synthetic Kent at scale 0.05 (about 9,000 crimes) loaded into DuckDB, and two users."""
    root = tmp_path_factory.mktemp("web")
    _generate(root / "data", 0.05, 11)
    db = root / "vawg.duckdb"
    load_paths([root / "data"], db)
    users = root / "users.toml"
    save_user(users, ANALYST[0], "analyst", ANALYST[1])
    save_user(users, VIEWER[0], "viewer", VIEWER[1])
    save_user(users, SPARE[0], "analyst", SPARE[1])
    return WebData(root / "data", db, users)


def free_port() -> int:
    """A TCP port nobody listens on, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(
    web_data: WebData, *sets: str, users: Path | None = None, warm: bool = False
) -> Iterator[str]:
    """A dashboard server on a free port on 127.0.0.1 with the settings ``sets``; its base URL.

    ``users`` gives it a users file (and so an audit log) of its own. ``warm``: compute every
    page's results at start-up, as ``vawg serve`` does (off by default: the tests share 2 cores).
    """
    port = free_port()
    command = serve_command(
        web_data.db, users or web_data.users, port=port, overrides=[*FAST, *sets], warm=warm
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    log = (web_data.folder.parent / f"server-{port}.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the dashboard did not start; see {log.name}")
        time.sleep(0.3)
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def dashboard(web_data: WebData) -> Iterator[str]:
    """A dashboard server for the module (the shared users file); yields its base URL."""
    with served(web_data) as base:
        yield base


def own_users(web_data: WebData, folder: Path) -> Path:
    """A copy of the users file in ``folder`` (so its audit log is the test's own)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "users.toml"
    shutil.copy(web_data.users, path)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, headless, with no network of its own."""
    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's Chromium: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop-sized window, English, with downloads allowed."""
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 1000},
        "locale": "en-GB",
        "accept_downloads": True,
    }


def non_white_share(image: Any) -> float:
    """Share of pixels in a PIL image (or PNG bytes) that are not (near) white."""
    from PIL import Image

    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    grey = image.convert("L")
    near_white = sum(grey.histogram()[245:])
    return 1 - near_white / (grey.width * grey.height)


def snapshot(page: Any, name: str, *, charts: str = "") -> tuple[Path, list[float]]:
    """A whole-page screenshot under tests/artifacts/web/, and each chart's non-white share.

    The window is grown to the page's height first (Streamlit scrolls inside its main
    element), so the screenshot holds the whole page and every element in ``charts`` (a CSS
    selector) can be cut out of it.
    """
    from PIL import Image

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.documentElement.scrollHeight; }"
    )
    size = page.viewport_size
    page.set_viewport_size(
        {"width": size["width"], "height": max(900, min(int(height) + 40, 6000))}
    )
    page.wait_for_timeout(500)
    boxes = [loc.bounding_box() for loc in page.locator(charts).all()] if charts else []
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    shares = []
    with Image.open(path) as image:
        for box in boxes:
            assert box is not None, "a chart has no box on the page"
            region = (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"])
            shares.append(non_white_share(image.crop(tuple(int(v) for v in region))))
    return path, shares


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL (replaces pytest-playwright's fallback fixture, which pytest 9 deprecates)."""
    return None


@pytest.fixture(scope="session")
def site(web_data: WebData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The open site for the synthetic force, built by the function `vawg publish` calls."""
    from vawg.cli.web import run_publish
    from vawg.config import load_settings

    out = tmp_path_factory.mktemp("site")
    db = out.parent / f"{out.name}-vawg.duckdb"  # a copy: publishing records the release in it
    shutil.copy(web_data.db, db)
    run_publish(db, out, load_settings(None, FAST))
    return out
