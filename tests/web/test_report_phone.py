"""Report pages read on a phone (390 px) as well as on a desktop (1280 px): measured in a real
browser on small pages written by the report's own page functions (no database needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from vawg.report.page import Classification, Section, render_page, table_html, write_html

WIDTHS = (390, 1280)

# How the text of a table cell breaks into lines: the distinct tops of its line boxes.
_CELL_LINES = """(table, column) => {
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const index = heads.indexOf(column);
  return [...table.querySelectorAll('tbody tr')].map(row => {
    const cell = row.children[index];
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return {width: cell.getBoundingClientRect().width, lines: tops.size};
  });
}"""


def _page(tmp_path: Path, name: str, body: str) -> Path:
    document = render_page(
        "A report", [Section("Part", body)], classification=Classification("PUBLIC", "test")
    )
    path = tmp_path / f"{name}.html"
    write_html(path, document)
    return path


@pytest.mark.browser
def test_a_column_of_changes_reads_in_a_few_lines_on_a_phone(tmp_path: Path, page: Any) -> None:
    # The audit's headline comparisons, as the report writes them: on a phone the table is
    # wider than the screen, so each column shrank to its longest word and the change ran to
    # eleven lines of one or two words.
    change = "no clear change: 0.2 percentage points higher (95% CI −1.0 to +1.4 percentage points)"
    frame = pl.DataFrame(
        {
            "measure": ["Charge/summons rate", "Median days from recording to any police outcome"],
            "estimate a year earlier": ["6.3%", "38 days"],
            "estimate this half": ["6.5%", "39 days"],
            "change in the estimate": [change, "1 day longer (95% CI 2 days shorter to 4 days)"],
            "verdict": ["no clear change", "no clear change"],
        }
    )
    path = _page(
        tmp_path,
        "headlines",
        table_html(frame, caption="Headlines", wide=["change in the estimate"]),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path.as_uri())
    cells = page.locator("table").evaluate(_CELL_LINES, "change in the estimate")
    assert len(cells) == 2
    for cell in cells:
        assert cell["lines"] <= 3 and cell["width"] >= 200, cell
    # The page itself still does not scroll sideways: the table scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
