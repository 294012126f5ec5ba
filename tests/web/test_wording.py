"""The dashboard's words for figures: ratios as % more or fewer as the reports write them
(vawg.wording), percentages with one decimal, headers from the page, and a kept figure keeps
its title for the next run."""

from __future__ import annotations

import itertools
import math

import plotly.graph_objects as go
import polars as pl
import pytest

from vawg.web.charts import (
    _column_config,
    _percent_columns,
    as_rate,
    change_axis,
    change_words,
    interval_words,
    wrapped,
)


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (1.32, "32% more crimes"),
        (0.8, "20% fewer crimes"),
        # as the reports write a change (vawg.wording): one decimal under 10%, whole above,
        # "times as many" from twice as many, "about the same" when it rounds to nothing
        (1.038, "3.8% more crimes"),
        (0.95, "5.0% fewer crimes"),
        (1.002, "0.2% more crimes"),
        (1.0004, "about the same"),
        (2.0, "2.0 times as many crimes"),
        (5.7, "5.7 times as many crimes"),
        (1.9, "90% more crimes"),
        (None, "–"),
        (math.nan, "–"),
        (math.inf, "–"),
    ],
)
def test_a_ratio_is_written_as_a_change(ratio: float | None, words: str) -> None:
    assert change_words(ratio, unit="crimes") == words


@pytest.mark.parametrize(
    ("low", "high", "estimate", "words"),
    [
        (0.59, 1.82, None, "41% fewer to 82% more"),
        # an end twice as many or more: both ends as ratios ...
        (1.04, 5.7, None, "1.04 to 5.7 times as many"),
        # ... unless beside an estimate written as a change in per cent: its form
        (1.38, 2.3, 1.77, "38% more to 130% more"),
        (1.04, 5.7, 2.4, "1.04 to 5.7 times as many"),
        (0.97, 1.045, 1.01, "3.0% fewer to 4.5% more"),
        (None, 1.2, 1.1, ""),
    ],
)
def test_an_interval_is_written_in_its_estimates_form(
    low: float | None, high: float | None, estimate: float | None, words: str
) -> None:
    assert interval_words(low, high, estimate) == words


def test_a_change_in_a_rate_is_higher_or_lower() -> None:
    assert as_rate("17% fewer") == "17% lower"
    assert as_rate("4.5% more") == "4.5% higher"
    assert as_rate("2.1 times as many") == "2.1 times as high"


def test_crimes_on_a_birthday_are_set_against_the_number_expected() -> None:
    from vawg.web.pages.drivers import against_expected

    assert against_expected(1.12) == "12% more crimes than expected"
    assert against_expected(0.962) == "3.8% fewer crimes than expected"
    assert against_expected(2.1) == "2.1 times as many crimes as expected"
    assert against_expected(1.0001) == "about as many crimes as expected"
    assert against_expected(None) == "–"


def test_the_profile_headline_writes_a_trend_as_the_reports_do() -> None:
    from vawg.web.pages.profile import _headline

    table = pl.DataFrame(
        {
            "measure": ["trend: rate ratio per year"],
            "value": [1.038],
            "ci_low": [1.01],
            "ci_high": [1.07],
        }
    )
    row = _headline(table).row(0, named=True)
    assert row["value"] == "3.8% more a year"
    assert row["interval"] == "1.0% more to 7.0% more"


def test_the_event_study_hover_says_the_change_as_the_reports_text_does() -> None:
    # The dashboard draws the report's event study and ticks its axis as changes; the hover
    # said "+470%" where the text says "5.7 times as many".
    from vawg.report.evaluation.charts import event_study_chart

    table = pl.DataFrame(
        {
            "label": ["−2", "−1", "0", "1"],
            "rate_ratio": [5.7, 1.0, 0.5, 1.038],
            "ci_low": [2.2, None, 0.3, 0.9],
            "ci_high": [14.6, None, 0.9, 1.2],
        }
    )
    fig = event_study_chart(table, "quarter", "All interventions")
    change_axis(fig, [0.3, 14.6], axis="y")
    assert list(fig.data[0].customdata) == [
        "−2: 5.7 times as many (95% CI 2.2 to 14.6 times as many)",
        "−1: the reference period (set at no change)",
        "0: 50% fewer (95% CI 70% fewer to 10% fewer)",
        "1: 3.8% more (95% CI 10% fewer to 20% more)",
    ]


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
    assert _hazard_words(0.95, 0.8, 1.1) == "No clear difference (estimate 5.0% lower)"
    assert _hazard_words(2.1, 1.4, 3.2) == "2.1 times as high"
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


def test_a_legend_put_under_the_plot_hangs_from_there() -> None:
    # The maps put their legend under the plot (y below 0); the dashboard's look anchored
    # every legend by its bottom (for one above the plot), so it rose over the map's south.
    from vawg.web.charts import styled

    under = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]), layout={"legend": {"y": -0.02}})
    assert styled(under).layout.legend.yanchor == "top"
    assert styled(go.Figure(go.Scatter(x=[0], y=[0]))).layout.legend.yanchor == "bottom"
    own = go.Figure(go.Scatter(x=[0], y=[0]), layout={"legend": {"y": -0.2, "yanchor": "middle"}})
    assert styled(own).layout.legend.yanchor == "middle"


def test_only_an_axis_of_listed_categories_is_thinned() -> None:
    # Half-year labels are thinned where a chart is narrow; the change ticks of a forest plot
    # (ratios) are not.
    from vawg.report.page import half_axis
    from vawg.web.charts import thinned_ticks_css

    forest = go.Figure()
    change_axis(forest, [0.6, 1.4])
    assert thinned_ticks_css(forest, "box") is None
    halves = [f"Apr–Sep {2017 + i}" for i in range(6)]
    fig = go.Figure(go.Scatter(x=halves, y=list(range(6))), layout={"xaxis": half_axis(halves)})
    thinned = thinned_ticks_css(fig, "box")
    assert thinned is not None and thinned[1] == "box"
    # every step from every second to one label, counting back from the latest
    assert [f"nth-last-child({step}n+1)" in thinned[0] for step in range(2, 7)] == [True] * 5
