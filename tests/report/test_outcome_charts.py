"""The outcomes report's trend charts tick their shares as "10%", as every other share axis,
under a title in words: they had a bare "%" title over plain 0–12 ticks."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from vawg.report.outcomes import _trend


def test_the_trend_axis_ticks_in_percent_under_a_worded_title() -> None:
    table = pl.DataFrame(
        {
            "dimension": ["all"] * 2,
            "measure": ["charge_rate"] * 2,
            "base": ["recorded", "recorded"],
            "half": ["2021H1", "2021H2"],
            "estimate": [0.094, 0.092],
            "ci_low": [0.084, 0.082],
            "ci_high": [0.105, 0.103],
        }
    )
    html = _trend(SimpleNamespace(table=table), "charge_rate")  # type: ignore[arg-type]
    assert '"ticksuffix":"%"' in html
    assert '"title":{"text":"%"}' not in html
    assert '"title":{"text":"rate"}' in html
