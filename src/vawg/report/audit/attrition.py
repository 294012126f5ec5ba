"""The audit report's attrition section and its "All comparisons" table."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.audit import MEASURE_LABELS, AuditResult
from vawg.report.audit._format import ROLE_COLOURS, fmt_ci, fmt_value, pretty
from vawg.report.page import Section, figure_html, table_html


def _attrition(result: AuditResult) -> Section:
    table = result.attrition.table
    fig = go.Figure()
    for role in ("year_earlier", "previous", "current"):
        half = result.roles[role]
        part = table.filter(pl.col("half") == half.label)
        if not part.height:
            continue
        est = part["share_of_recorded"].to_list()
        fig.add_bar(
            x=[pretty(s, "stage") for s in part["stage"].to_list()],
            y=[None if v is None else 100 * v for v in est],
            name=half.label,
            marker_color=ROLE_COLOURS[role],
        )
    fig.update_layout(
        barmode="group",
        yaxis={"title": "% of crimes recorded", "range": [0, 100]},
        title="Attrition: share of crimes recorded that reached each stage",
    )
    shown = table.with_columns(
        stage=pl.col("stage").map_elements(lambda v: pretty(v, "stage"), return_dtype=pl.String),
        share=pl.struct("share_of_recorded").map_elements(
            lambda s: fmt_value("r", s["share_of_recorded"]), return_dtype=pl.String
        ),
        ci=pl.struct("ci_low", "ci_high").map_elements(
            lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", ""),
            return_dtype=pl.String,
        ),
    ).select("half", "stage", "count", "share", "ci", "days_followed")
    return Section(
        "Attrition",
        figure_html(fig, height=340)
        + table_html(
            shown,
            caption="Crimes recorded in each half, by the furthest stage reached (as at the data date)",
        )
        + "<p class='note'>Unlike the headline, attrition counts everything up to the data date, so "
        "older halves have had longer to progress (days_followed).</p>",
    )


def _all_changes(result: AuditResult) -> Section:
    shown = result.changes.with_columns(
        measure=pl.col("measure").replace_strict(MEASURE_LABELS, default=pl.col("measure")),
        value=pl.col("value").map_elements(pretty, return_dtype=pl.String),
    ).select(
        "verdict",
        "base",
        "dimension",
        "value",
        "measure",
        "comparison",
        "from_estimate",
        "to_estimate",
        "difference",
        "ci_low",
        "ci_high",
        "p_value",
        "q_value",
        "test",
    )
    shown = shown.sort("q_value", nulls_last=True)
    return Section(
        "All comparisons",
        (
            f"<details><summary>Show all {shown.height} comparisons (sorted by q-value)</summary>"
            + table_html(shown, max_rows=2000)
            + "</details>"
        ),
    )
