"""The outcomes page's charts: the rate chart opens on the main points' base; the shared look
separates thousands."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.web.charts import styled
from vawg.web.pages.outcomes import _BASES, DEFAULT_BASE, _rate_figure


def test_the_rate_chart_opens_on_the_main_points_base_and_says_which() -> None:
    # The charge and withdrawal main points count outcomes assigned in the half.
    assert _BASES[DEFAULT_BASE] == "Outcomes assigned in the half"
    rates = pl.DataFrame(
        {
            "measure": ["charge_rate"],
            "half": ["2021H2"],
            "estimate": [0.1],
            "ci_low": [0.08],
            "ci_high": [0.12],
        }
    )
    assert _rate_figure(rates, "t").layout.xaxis.title.text == "outcomes assigned in"
    assert _rate_figure(rates, "t", "recorded").layout.xaxis.title.text == "crimes recorded in"


def test_number_axes_separate_thousands() -> None:
    fig = styled(go.Figure(go.Bar(x=["a"], y=[2883])))
    assert fig.layout.yaxis.separatethousands and fig.layout.xaxis.separatethousands
