"""A report page printed to PDF for publication, through headless Chromium (Playwright).

The page is written with its charting library to a temporary folder, opened offline, given
time for the charts to draw, and printed with the page's print stylesheet (A4, navigation and
data tables hidden, charts kept whole). Chromium prints what a reader sees, charts included,
which WeasyPrint (no JavaScript) cannot.

Needs the ``browser`` extra (``pip install 'vawg-insight[browser]'``) and a Chromium: the
``VAWG_CHROMIUM`` environment variable, else ``chromium`` or ``chromium-browser`` on the
``PATH``, else Playwright's own browser.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=_ARGS)
                try:
                    page = browser.new_page()
                    page.goto(page_path.as_uri(), wait_until="load", timeout=timeout_ms)
                    page.wait_for_timeout(500)
                    page.emulate_media(media="print")
                    page.pdf(
                        path=str(pdf),
                        format="A4",
                        print_background=True,
                        margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                    )
                finally:
                    browser.close()
        except PlaywrightError as error:
            raise InputError(
                f"--format pdf: Chromium could not print the report ({error}); set "
                "VAWG_CHROMIUM to a working Chromium, or use --format html"
            ) from error
    return pdf
