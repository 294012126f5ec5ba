"""The dashboard's words for figures: ratios as % more or fewer, percentages with one decimal,
headers from the page, and a kept figure keeps its title for the next run."""

from __future__ import annotations

import itertools
import math

import plotly.graph_objects as go
import polars as pl
import pytest

from vawg.web.charts import _column_config, _percent_columns, change_axis, change_words, wrapped


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (1.32, "32% more crimes"),
        (0.8, "20% fewer crimes"),
        (1.002, "no change"),
        (2.0, "100% more crimes"),
        (None, "–"),
        (math.nan, "–"),
    ],
)
def test_a_ratio_is_written_as_a_change(ratio: float | None, words: str) -> None:
    assert change_words(ratio, unit="crimes") == words


def test_a_ratio_axis_is_ticked_as_changes_around_no_change() -> None:
    fig = go.Figure()
    change_axis(fig, [0.6, 1.4])
    axis = fig.layout.xaxis
    assert axis.type == "log"
    ticks = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    assert ticks[1.0] == "no change"
    # each tick is the ratio written as (r - 1) x 100 %
    for value, text in ticks.items():
        if value != 1.0:
            assert text == f"{(value - 1) * 100:+.0f}%".replace("-", "−")
    assert 2 <= len(ticks) <= 5


def test_a_wide_ratio_axis_keeps_at_most_five_ticks_apart() -> None:
    fig = go.Figure()
    change_axis(fig, [0.3, 9.0], axis="y")
    values = list(fig.layout.yaxis.tickvals)
    assert len(values) <= 5
    logs = [math.log(v) for v in values]
    assert min(b - a for a, b in itertools.pairwise(logs)) > 0.3


def test_named_columns_are_percentages_with_one_decimal_and_headers_from_the_page() -> None:
    frame = pl.DataFrame({"unsafe": [0.6284], "unsafe_ci_low": [0.5874], "harm_days": [11530.25]})
    config = _column_config(
        frame, labels={"unsafe": "Feel unsafe"}, percent=["unsafe", "unsafe_ci_low"], decimals=0
    )
    assert _percent_columns(frame, ["unsafe", "unsafe_ci_low"]) == ["unsafe", "unsafe_ci_low"]
    assert config["unsafe"]["label"] == "Feel unsafe"
    assert config["unsafe_ci_low"]["type_config"]["format"] == "%.1f%%"
    assert config["harm_days"]["type_config"]["format"] == "%,.0f"  # 11,530


def test_long_labels_are_broken_into_lines() -> None:
    text = wrapped("Public places: Area one step (a tenth) less deprived", 22)
    assert all(len(line) <= 22 for line in text.split("<br>"))
    assert text.replace("<br>", " ") == "Public places: Area one step (a tenth) less deprived"


def test_an_effect_whose_interval_holds_no_change_says_so_first() -> None:
    from vawg.web.pages.drivers import _clear
    from vawg.web.pages.evaluation import _hazard_words

    assert _hazard_words(0.83, 0.62, 1.12) == "No clear difference (estimate 17% lower)"
    assert _hazard_words(0.6, 0.4, 0.9) == "40% lower"
    assert _hazard_words(None, None, None) == "–"
    assert _clear(0.85, 0.81, 0.89) == "15% fewer"
    assert _clear(1.1, 0.9, 1.3) == "No clear difference (estimate 10% more)"


def test_the_safer_streets_page_shows_the_analysis_caution_not_a_rule_of_its_own() -> None:
    # The page had its own p < 0.05 rule on the periods before the start, which missed the
    # analysis' fallback when they cannot be tested together; it now shows the analysis' words.
    from types import SimpleNamespace

    from vawg.evaluation.effects import leads_caution
    from vawg.web.pages.evaluation import _before_the_start

    caution = leads_caution(None, 7, outside=3)
    assert caution is not None
    pooled = SimpleNamespace(pre_trend=None, cautions=(caution,))
    assert _before_the_start(pooled) == caution
    assert _before_the_start(SimpleNamespace(pre_trend=None, cautions=())) == ""
