"""A report page printed to PDF for publication, through headless Chromium (Playwright).

The page is written with its charting library to a temporary folder, opened offline, given
time for the charts to draw, and printed with the page's print stylesheet (A4, navigation and
data tables hidden, charts kept whole). Chromium prints what a reader sees, charts included,
which WeasyPrint (no JavaScript) cannot.

Needs the ``browser`` extra (``pip install 'vawg-insight[browser]'``) and a Chromium: the
``VAWG_CHROMIUM`` environment variable, else ``chromium`` or ``chromium-browser`` on the
``PATH``, else Playwright's own browser.

Playwright's synchronous API refuses to run in a thread with a running asyncio loop (a Jupyter
notebook, a web server, a test session driving a browser), so there the printing runs in a
thread of its own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from vawg.errors import InputError
from vawg.report.page import write_html

__all__ = ["chromium_path", "html_to_pdf"]

_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium to drive: ``VAWG_CHROMIUM``, else one on the ``PATH`` (``None``: let
    Playwright use its own)."""
    chosen = os.environ.get("VAWG_CHROMIUM")
    if chosen:
        return chosen
    return shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(document: str, pdf: Path, *, timeout_ms: int = 60_000) -> Path:
    """Print the report ``document`` (HTML from ``render_page``) to ``pdf``; return it."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise InputError(
            "--format pdf needs Playwright and Chromium: pip install 'vawg-insight[browser]' "
            "and install Chromium (e.g. apt-get install chromium), or use --format html and "
            "print from a browser"
        ) from error
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vawg-pdf-") as folder:
        page_path = Path(folder) / "report.html"
        write_html(page_path, document)
        try:
            _in_a_thread_without_a_loop(lambda: _print(sync_playwright, page_path, pdf, timeout_ms))
        except PlaywrightError as error:
            raise InputError(
                f"--format pdf: Chromium could not print the report ({error}); set "
                "VAWG_CHROMIUM to a working Chromium, or use --format html"
            ) from error
    return pdf


def _print(sync_playwright: Any, page: Path, pdf: Path, timeout_ms: int) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri(), wait_until="load", timeout=timeout_ms)
            tab.wait_for_timeout(500)
            tab.emulate_media(media="print")
            tab.pdf(
                path=str(pdf),
                format="A4",
                print_background=True,
                margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            browser.close()


def _in_a_thread_without_a_loop(work: Callable[[], None]) -> None:
    """Run ``work`` here, or in a new thread when this thread runs an asyncio loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        work()
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()
