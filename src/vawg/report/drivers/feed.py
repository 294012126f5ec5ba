"""The drivers report's feed-check section."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import polars as pl

from vawg.models.drivers import DriversResult
from vawg.report import fmt
from vawg.report.drivers._format import _RED
from vawg.report.page import figure_html, table_html

# The feed check's series in words (others, e.g. police.uk's, are already named in words).
SERIES_WORDS = {
    "force extract: all crimes": "every crime in the delivered extract",
    "force extract: in scope": "in-scope crimes",
}


def _month_words(column: str) -> pl.Expr:
    """A month as the reports write it: ``Apr 2017``."""
    return pl.col(column).cast(pl.Date).dt.strftime("%b %Y").alias(column)


def _monthly_data(table: pl.DataFrame) -> pl.DataFrame:
    """The chart's numbers for its data table: one row a month (``Apr 2017``), one column a
    series, in words."""
    wide = table.select(
        pl.col("series").replace(SERIES_WORDS), pl.col("month").cast(pl.Date), "count"
    ).pivot(on="series", index="month", values="count")
    return wide.sort("month").with_columns(_month_words("month"))


def _feed(result: DriversResult) -> str:
    table = result.anomalies.table
    fig = go.Figure()
    for name, part in table.group_by("series", maintain_order=True):
        series = SERIES_WORDS.get(str(name[0]), str(name[0]))
        fig.add_trace(
            go.Scatter(
                x=part["month"].to_list(),
                y=part["count"].to_list(),
                mode="lines+markers",
                name=series,
            )
        )
        flagged = part.filter(pl.col("flagged").fill_null(False))
        if flagged.height:
            fig.add_trace(
                go.Scatter(
                    x=flagged["month"].to_list(),
                    y=flagged["count"].to_list(),
                    mode="markers",
                    marker={"color": _RED, "size": 14, "symbol": "x"},
                    name=f"flagged ({series})",
                )
            )
    fig.update_layout(
        title="Crimes per month and the months the feed check flagged",
        yaxis_title="crimes",
        # below the plot: at the side it squeezes the plot to a sliver on a phone
        legend={"orientation": "h", "y": -0.3, "x": 0},
    )
    flagged = table.filter(pl.col("flagged").fill_null(False))
    body = (
        "<p>Before any model uses the data, each monthly series is checked for months far "
        "outside what the other months predict (a records-system change, a failed or doubled "
        "extract). The first line counts every crime in the extract the force delivered for "
        "this work (the crimes it supplied, not all of the force's recorded crime); the second, "
        "the in-scope crimes among them. "
        + (
            f"{flagged.height} series-months were flagged."
            if flagged.height
            else "No month was flagged."
        )
        + "</p>"
        + figure_html(fig, height=360, data=_monthly_data(table))
    )
    if flagged.height:
        body += table_html(
            flagged.select(
                pl.col("series").replace(SERIES_WORDS),
                _month_words("month"),
                "count",
                pl.col("expected").round(0),
                pl.col("ratio").map_elements(fmt.change, return_dtype=pl.String),
                "direction",
            ),
            caption="Flagged months (expected: the middle value of the neighbouring months, "
            "leaving the month itself out)",
            labels={"series": "crimes", "count": "crimes that month", "ratio": "against expected"},
        )
    cv = ", ".join(
        f"{SERIES_WORDS.get(k, k)}: {v:.0%}"
        for k, v in result.anomalies.cv.items()
        if math.isfinite(v)
    )
    body += (
        '<p class="note">Normal month-to-month variation allowed for (the typical difference '
        f"from the expected month): {html.escape(cv)}.</p>"
    )
    return body
