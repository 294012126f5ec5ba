"""The public reoffending curves are read at a few points only: drawn as steps they would
stay flat at 100% until the first point, as if nobody reoffended in the first three months."""

from __future__ import annotations

import polars as pl

from vawg.report.evaluation.charts import survival_chart

CURVES = pl.DataFrame(
    {
        "curve": ["any"] * 3,
        "group": ["participant"] * 3,
        "days": [91, 182, 365],
        "survival": [0.9, 0.8, 0.7],
        "ci_low": [0.85, 0.74, 0.63],
        "ci_high": [0.95, 0.86, 0.77],
    }
)


def test_public_points_are_joined_by_straight_lines_from_100_percent_at_day_0() -> None:
    fig = survival_chart(CURVES, "any", "Not yet reoffended", sampled=True)
    line, band = fig.data
    assert line.line.shape == "linear"
    assert list(line.x) == [0, 91, 182, 365] and list(line.y) == [1.0, 0.9, 0.8, 0.7]
    # the band has no step corners: the upper edge through each point, then the lower back
    assert list(band.x) == [0, 91, 182, 365, 365, 182, 91, 0]
    assert list(band.y) == [1.0, 0.95, 0.86, 0.77, 0.63, 0.74, 0.85, 1.0]


def test_the_full_curve_is_still_drawn_as_steps() -> None:
    fig = survival_chart(CURVES, "any", "Not yet reoffended")
    line, band = fig.data
    assert line.line.shape == "hv"
    # upper edge: 1.0 held until day 91, then 0.95 held until 182 and so on
    assert list(band.x)[:4] == [0, 91, 91, 182]
    assert list(band.y)[:4] == [1.0, 1.0, 0.95, 0.95]
