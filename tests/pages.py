"""Checks every report test can make of a written HTML page.

- :func:`assert_opens_offline`: nothing is fetched from the network; the one script a page
  loads is the charting library beside it (written once per folder), which must exist there.
- :func:`assert_valid_html`: the page parses as HTML5 with html5lib in strict mode (any parse
  error fails, e.g. a stray ``<`` from an unescaped value or an unclosed element).
- :func:`charts_apart`: a page's charts as Plotly is handed them (data, layout, settings),
  and the page's text without them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import html5lib

__all__ = ["assert_opens_offline", "assert_valid_html", "charts_apart", "external_loads"]

_LOAD = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"']([^\"']+)[\"']", re.I)


def external_loads(page: str) -> list[str]:
    """Every address the page would load that is not a relative local file."""
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    return [m.group(3) for m in _LOAD.finditer(markup) if re.match(r"[a-z]+:|//", m.group(3))]


def assert_opens_offline(path: Path) -> None:
    """``path`` loads nothing from the network, and each local script it loads exists."""
    page = path.read_text(encoding="utf-8")
    assert external_loads(page) == []
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts, "the page loads no charting library"
    for src in scripts:
        assert (path.parent / src).is_file(), f"{path.name} loads {src}, which is not beside it"


def assert_valid_html(page: str) -> None:
    """Strict HTML5 parse: raises on the first parse error."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)


_NEW_PLOT = "Plotly.newPlot("


def charts_apart(page: str) -> tuple[str, list[list[Any]]]:
    """The page's text without its charts, and each chart's data, layout and settings as the
    page hands them to ``Plotly.newPlot`` (after the element's id), parsed."""
    decoder = json.JSONDecoder()
    text, charts, at = [], [], 0
    while (start := page.find(_NEW_PLOT, at)) >= 0:
        text.append(page[at : start + len(_NEW_PLOT)])
        at = start + len(_NEW_PLOT)
        arguments = []
        for _ in range(4):  # the element's id, data, layout, settings
            while page[at] in " ,\n":
                at += 1
            value, at = decoder.raw_decode(page, at)
            arguments.append(value)
        charts.append(arguments[1:])
    text.append(page[at:])
    return "".join(text), charts
