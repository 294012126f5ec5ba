"""The audit report's victims' voice section: satisfaction with the service."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.audit import AuditResult
from vawg.outcomes.satisfaction import ITEMS, SATISFIED_FROM
from vawg.report import fmt
from vawg.report.audit._format import (
    GROUP_COLOURS,
    fmt_ci,
    fmt_value,
    half_months,
    one_decimal,
    percent_data,
    pretty,
)
from vawg.report.page import Section, figure_html, paragraphs, table_html

MIN_CHART_BASE = 30
"""Survey responses a police outcome needs before its satisfied share is charted."""


def _n(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _victims(result: AuditResult) -> Section:
    if result.satisfaction is None:
        return Section(
            "The victim's voice",
            (
                '<p class="warning">No victim survey is loaded. Load <code>victim_survey.csv</code> '
                "to show victims' satisfaction beside the outcomes.</p>"
            ),
        )
    sat = result.satisfaction
    whole = sat.filter(
        (pl.col("item") == "whole_experience")
        & (pl.col("half") == result.half.label)
        & (pl.col("group") != "all")
    )
    fig = go.Figure()
    whole = whole.filter(
        pl.col("estimate").is_not_null() & (pl.col("answered") >= MIN_CHART_BASE)
    ).sort("estimate")
    if whole.height:
        est = one_decimal([100 * v for v in whole["estimate"].to_list()])
        fig.add_bar(
            y=[
                f"{pretty(g, 'group')} (n={'–' if n is None else n})"
                for g, n in zip(whole["group"].to_list(), whole["answered"].to_list(), strict=True)
            ],
            x=est,
            orientation="h",
            marker_color=[GROUP_COLOURS.get(g, "#0072B2") for g in whole["group"].to_list()],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [
                    100 * h - e for h, e in zip(whole["ci_high"].to_list(), est, strict=True)
                ],
                "arrayminus": [
                    e - 100 * lo for lo, e in zip(whole["ci_low"].to_list(), est, strict=True)
                ],
            },
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
        )
    fig.update_layout(
        xaxis={"title": "% satisfied with the whole experience", "range": [0, 100]},
        title=f"Victims satisfied, by police outcome ({fmt.period(result.half.start, result.half.end)})",
        yaxis={"automargin": True},
        showlegend=False,
    )
    chart = (
        figure_html(fig, height=320, data=percent_data(fig, "group", "satisfied"))
        if whole.height
        else paragraphs(
            f"Satisfaction by police outcome in {result.half.title} is not shown: no outcome "
            f"had {MIN_CHART_BASE} or more survey responses, too few for a share to mean much."
        )
    )
    items = (
        sat.filter(pl.col("group") == "all")
        .with_columns(
            item=pl.col("item").replace_strict(ITEMS),
            satisfied_pct=pl.struct("estimate").map_elements(
                lambda s: fmt_value("r", s["estimate"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", "") or "–",
                return_dtype=pl.String,
            ),
        )
        .sort("item", "half")
        .with_columns(half=pl.col("half").map_elements(half_months, return_dtype=pl.String))
        .select("item", "half", "answered", "satisfied", "satisfied_pct", "ci")
    )
    cov = result.survey_coverage
    note = (
        f"<p class='note'>{_n(cov.get('linked_to_in_scope_crime'))} of "
        f"{_n(cov.get('responses'))} survey responses link to a crime in this report's scope. "
        f"Of the rest, {_n(cov.get('no_crime_link'))} have no crime reference and "
        f"{_n(cov.get('no_date'))} no survey date, so cannot be placed; the others are about "
        "crimes outside the scope or not in the data. A victim counts as satisfied when they answered "
        f"{SATISFIED_FROM} to 7 on the 1 to 7 scale; every response counts the same.</p>"
    )
    return Section(
        "The victim's voice",
        chart
        + table_html(
            items,
            caption="Satisfied share by question and half (95% CI)",
            labels={
                "item": "question",
                "half": "half-year",
                "answered": "responses",
                "satisfied_pct": "share satisfied",
                "ci": "95% CI",
            },
        )
        + note,
    )
