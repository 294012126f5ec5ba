"""Dashboard tables: headers in words and shares as percentages (the CSV keeps the names)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from vawg.config import Settings
from vawg.web.access import Access
from vawg.web.auth import save_user
from vawg.web.charts import _column_config, deferred_csv
from vawg.web.context import PageContext
from vawg.web.filters import Filters


def test_shares_and_their_interval_are_percentages_and_headers_are_words() -> None:
    frame = pl.DataFrame(
        {
            "up_to_rank": [5],
            "harm_share": [0.09],
            "ci_low": [0.05],
            "ci_high": [0.12],
            "crime_share": [0.06],
            "crimes": [57.0],
        }
    )
    config = _column_config(frame)
    percent = {
        c for c, v in config.items() if (v.get("type_config") or {}).get("format") == "%.1f%%"
    }
    assert percent == {"harm_share", "ci_low", "ci_high", "crime_share"}
    assert config["up_to_rank"]["label"] == "up to rank"


def test_an_interval_after_a_rate_is_not_a_share() -> None:
    frame = pl.DataFrame({"crime_share": [0.1], "rate": [5.7], "ci_low": [5.6], "ci_high": [5.8]})
    config = _column_config(frame)
    assert (config["ci_low"].get("type_config") or {}).get("format") != "%.1f%%"


def _format(config: dict[str, dict[str, object]], column: str) -> object:
    return (config[column].get("type_config") or {}).get("format")  # type: ignore[union-attr]


def test_counts_have_thousands_separators_and_years_do_not() -> None:
    frame = pl.DataFrame(
        {"year": [2021], "financial_year_start": [2021], "crimes": [11530], "rate": [5.77]}
    )
    config = _column_config(frame, decimals=2)
    assert _format(config, "crimes") == "%,d"
    assert _format(config, "rate") == "%,.2f"
    assert _format(config, "year") is None
    assert _format(config, "financial_year_start") is None


def test_a_download_is_made_and_audited_on_the_click_not_when_drawn(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    save_user(users, "ana", "analyst", "analyst-password-1")
    access = Access(users, Settings())
    ctx = PageContext(
        tmp_path / "vawg.duckdb",
        0.0,
        Settings(),
        "ana",
        "analyst",
        Filters(date(2017, 4, 1), date(2022, 3, 31)),
        client="10.1.2.3",
    )
    frame = pl.DataFrame({"month": ["2017-04"], "crimes": [3]})
    download = ctx.download("crimes-per-month", "crimes per month")
    make = deferred_csv(ctx, frame, download, access)
    assert [e.event for e in access.audit] == []  # drawing the button logs nothing
    body = make().decode()
    assert body.splitlines()[-2:] == ["month,crimes", "2017-04,3"]
    assert [(e.event, e.user, e.client, e.detail) for e in access.audit] == [
        ("download", "ana", "10.1.2.3", download.file_name)
    ]


def test_a_text_table_keeps_every_word_of_a_long_finding_escaped() -> None:
    from vawg.web.charts import text_table_html

    finding = "Cannot conclude: too few crimes: 15 before and 5 after <in the treated area>"
    frame = pl.DataFrame(
        {"name": ["Margate lights"], "start_date": [date(2019, 4, 1)], "conclusion": [finding]}
    )
    page = text_table_html(frame, {"name": "Intervention", "conclusion": "What the data show"})
    assert "Cannot conclude: too few crimes: 15 before and 5 after &lt;in the treated area&gt;" in (
        page
    )
    assert "<th" in page and "Intervention</th>" in page and "What the data show</th>" in page
    assert "1 Apr 2019" in page
    wide = text_table_html(frame, {}, wide="conclusion")
    assert wide.count("width:50%") == 1


def test_a_column_can_be_given_a_width() -> None:
    from vawg.web.charts import _widths

    config = _widths(
        _column_config(pl.DataFrame({"town_centre": ["Tonbridge"]})), {"town_centre": "medium"}
    )
    assert config["town_centre"]["width"] == "medium"


# The lines a cell's text is drawn on: the distinct tops of its line boxes.
_DATE_LINES = """(table, column) => {
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const index = heads.indexOf(column);
  return [...table.querySelectorAll('tbody tr')].map(row => {
    const range = document.createRange();
    range.selectNodeContents(row.children[index]);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [358, 700, 812])
def test_a_start_date_is_written_on_one_line_beside_long_findings(
    tmp_path: Path, page: Any, width: int
) -> None:
    # The Safer Streets table's "Started" column broke "1 Oct" over "2020" beside the wide
    # column of findings: the page's column on a phone held sideways (844 px) or a desktop
    # (1280 px) is about 812 px, a small tablet's 700 px; upright (390 px), 358 px, each row
    # is a block of named lines.
    from vawg.web.charts import text_table_html

    finding = "Cannot conclude: too few crimes: 38 before and 13 after the start in the " * 2
    frame = pl.DataFrame(
        {
            "name": ["Canterbury: active bystander training", "Chatham: fly-tipping removal"],
            "type": ["Bystander training", "Environmental improvements"],
            "start_date": [date(2020, 10, 1), date(2021, 4, 1)],
            "conclusion": [finding, finding],
        }
    )
    labels = {
        "name": "Intervention",
        "type": "Type",
        "start_date": "Started",
        "conclusion": "What the data show",
    }
    body = text_table_html(frame, labels, wide="conclusion")
    path = tmp_path / "table.html"
    path.write_text(
        '<!doctype html><meta name="viewport" content="width=device-width">'
        f'<body style="margin:16px;font-family:sans-serif"><div style="width:{width}px">'
        f"{body}</div></body>",
        encoding="utf-8",
    )
    page.set_viewport_size({"width": width + 32, "height": 900})
    page.goto(path.as_uri())
    table = page.locator("table.vawg-text-table")
    if width < 640:  # a phone: each row a block of named lines, the header hidden
        assert page.locator("thead").is_hidden()
    lines = table.evaluate(_DATE_LINES, "Started")
    assert lines == [1, 1], (width, lines)
