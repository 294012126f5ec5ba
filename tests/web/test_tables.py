"""Dashboard tables: headers in words and shares as percentages (the CSV keeps the names)."""

from __future__ import annotations

import polars as pl

from vawg.web.charts import _column_config


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
