"""Charts of effects read as % more / fewer, never as bare ratios: the event study's axis and
the near-repeat cells."""

from __future__ import annotations

import polars as pl
import pytest

from vawg.report.evaluation.charts import change_label, event_study_chart, knox_heatmap
from vawg.web.charts import thinned_ticks_css


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (1.02, "+2.0%"),  # (1.02 - 1) x 100, one decimal under 10%
        (0.56, "−44%"),  # (0.56 - 1) x 100 = -44, a true minus sign
        (2.0, "+100%"),
        (1.0, "0%"),
        (None, "–"),
    ],
)
def test_a_ratio_reads_as_a_signed_change(ratio: float | None, expected: str) -> None:
    assert change_label(ratio) == expected


def test_a_small_cell_shows_a_whole_percent() -> None:
    assert change_label(1.016, whole=True) == "+2%"
    assert change_label(0.983, whole=True) == "−2%"


def test_the_event_study_axis_is_the_change_in_crimes_not_a_ratio() -> None:
    table = pl.DataFrame(
        {
            "label": ["-2", "-1", "+0", "+1"],
            "rate_ratio": [1.1, 1.0, 0.5, 0.8],
            "ci_low": [0.8, None, 0.3, 0.5],
            "ci_high": [1.5, None, 0.9, 1.2],
        }
    )
    fig = event_study_chart(table, "quarter", "All interventions")
    axis = fig.layout.yaxis
    assert "ratio" not in axis.title.text
    assert "%" in axis.title.text
    ticks = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    # a halving is 50% fewer, a doubling 100% more, 1 is no change (0)
    assert ticks[0.5] == "−50%" and ticks[2] == "+100%" and ticks[1] == "0"
    hover = list(fig.data[0].customdata)
    # the hover in the words of the report's text (vawg.wording), not a bare signed per cent
    assert hover[2] == "+0: 50% fewer (95% CI 70% fewer to 10% fewer)"


def test_the_event_study_periods_are_thinned_on_a_narrow_chart_not_slanted() -> None:
    labels = ["\u22128 or earlier"] + [f"{i:+d}".replace("-", "\u2212") for i in range(-7, 8)]
    labels[-1] = "8 or later"
    table = pl.DataFrame(
        {
            "label": labels,
            "rate_ratio": [1.0 + 0.01 * i for i in range(16)],
            "ci_low": [0.9] * 16,
            "ci_high": [1.3] * 16,
        }
    )
    fig = event_study_chart(table, "quarter", "All interventions")
    axis = fig.layout.xaxis
    # Every period listed and upright: the report's script thins them (see half_axis) ...
    assert (axis.tickmode, axis.tickangle) == ("array", 0)
    assert list(axis.tickvals) == labels
    # the long end labels on two lines, so that they do not set a wide step on a phone
    assert list(axis.ticktext) == ["\u22128 or<br>earlier", *labels[1:-1], "8 or<br>later"]
    # ... and the dashboard's style does, by the chart's width.
    css = thinned_ticks_css(fig, "study")
    assert css is not None and "nth-last-child(2n+1)" in css[0]


def test_the_near_repeat_cells_read_as_change_against_chance() -> None:
    table = pl.DataFrame(
        {
            "distance_band": ["0-100 m", "0-100 m", "more than 100 m", "more than 100 m"],
            "time_band": ["0-7 days", "more than 7 days", "0-7 days", "more than 7 days"],
            "knox_ratio": [0.56, 1.02, 1.5, 1.0],
            "p_value": [0.9, 0.4, 0.01, 0.5],
            "above_chance": [False, False, True, False],
        }
    )
    trace = knox_heatmap(table, "Near repeats").data[0]
    assert [list(row) for row in trace.text] == [["−44%", "+2%"], ["+50%*", "0%"]]
    # coloured by the change itself, centred on no change
    assert trace.zmid == 0
    assert [round(v, 6) for v in trace.z[1]] == [50.0, 0.0]
