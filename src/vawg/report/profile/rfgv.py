"""The profile report's priority-perpetrators (RFGV) section and its timing section."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.profile.profile import ProfileResult
from vawg.report.page import Section, table_html
from vawg.report.profile._format import _bar, _n, _pct, figure_html, paragraphs_html


def _rfgv(r: ProfileResult) -> Section:
    rf = r.rfgv
    start, end = rf.window
    dist = rf.score_distribution.sort("score")
    fig = _bar(
        dist.with_columns(pl.col("score").map_elements(lambda x: f"{x:g}", return_dtype=pl.String)),
        "score",
        "perpetrators",
        "Perpetrators by RFGV score",
    )
    body = (
        paragraphs_html(
            f"Perpetrators of in-scope crimes recorded {start:%d %b %Y} to {end:%d %b %Y} "
            f"({_n(rf.perpetrators_scored)} scored) get four scores from 1 to 5 (recency, "
            "frequency, gravity = harm, victims) from the band edges below; the RFGV score is "
            "their weighted sum. Forces keep their own RFGV matrices; this one is explicit, and every "
            "edge and weight can be changed."
        )
        + table_html(rf.bands, caption="Scoring bands and weights")
        + figure_html(fig, height=320)
    )
    if r.public:
        body += (
            '<div class="note">The ranked list of individual perpetrators is in the analyst '
            "(restricted) version only.</div>"
        )
    else:
        body += (
            '<div class="warning"><b>Restricted.</b> Person-level list: for tasking by '
            "authorised analysts only. A score ranks recorded crime; it is not a risk "
            "assessment and must be read with the intelligence picture.</div>"
            + table_html(
                rf.table, caption=f"Top {rf.table.height} perpetrators by RFGV score", max_rows=200
            )
        )
    return Section("Priority perpetrators (RFGV)", body, anchor="rfgv")


def _timing(r: ProfileResult) -> Section:
    t = r.timing
    grid = t.hour_by_day
    days = grid["day"].unique(maintain_order=True).to_list()
    z = [
        [grid.filter((pl.col("day") == d) & (pl.col("hour") == h))["crimes"][0] for h in range(24)]
        for d in days
    ]
    heat = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{h:02d}" for h in range(24)],
            y=days,
            colorscale="Purples",
            hoverongaps=False,
            colorbar={"title": "crimes"},
        )
    )
    heat.update_layout(
        title="When crimes were committed: hour of day by day of week",
        xaxis_title="hour of the day it happened (or began)",
        yaxis={"autorange": "reversed"},
    )
    months = _bar(t.by_month_of_year, "month_name", "crimes", "By month of the year")
    note = (
        f"{_pct(t.midnight_share, 1)} of crimes have a committed time of exactly 00:00, which "
        "some systems use when the time is unknown; treat the midnight column with care."
    )
    body = figure_html(heat, height=360) + paragraphs_html(note) + figure_html(months, height=300)
    return Section("Timing", body, anchor="timing")
