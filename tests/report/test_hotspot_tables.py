"""How the hot-spot tables write a q-value."""

from __future__ import annotations

import polars as pl

from vawg.report.hotspots.sections import q_words


def test_a_tiny_q_value_never_reads_zero() -> None:
    frame = pl.DataFrame({"q_value": [1.8e-06, 0.00056, 0.14, None]})
    words = frame.select(q_words("q_value"))["q_value"].to_list()
    assert words == ["< 0.0001", "0.0006", "0.14", None]
