"""The audit report's attrition section and its "All comparisons" table."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.audit import MEASURE_LABELS, AuditResult
from vawg.outcomes.cases import DIMENSIONS
from vawg.report import fmt
from vawg.report.audit._format import (
    _BASE_WORDS,
    ROLE_COLOURS,
    _change,
    fmt_ci,
    fmt_value,
    half_months,
    one_decimal,
    percent_data,
    pretty,
)
from vawg.report.audit.police import _breakdown_table
from vawg.report.page import Section, details_html, figure_html, paragraphs, table_html


def _attrition(result: AuditResult) -> Section:
    table = result.attrition.table
    days = result.attrition.follow_up_days
    within = (
        f"{'by the end of the half' if days == 0 else f'within {days:,} days of the half’s end'}"
        " (the same follow-up for every half)"
        if days is not None
        else "by the data date (older halves have had longer to progress)"
    )
    fig = go.Figure()
    for role in ("year_earlier", "previous", "current"):
        half = result.roles[role]
        part = table.filter(pl.col("half") == half.label)
        if not part.height:
            continue
        est = part["share_of_recorded"].to_list()
        # Horizontal bars: every stage keeps its label at phone width.
        fig.add_bar(
            y=[pretty(s, "stage") for s in part["stage"].to_list()],
            x=one_decimal([None if v is None else 100 * v for v in est]),
            orientation="h",
            name=fmt.period(half.start, half.end),
            marker_color=ROLE_COLOURS[role],
        )
    fig.update_layout(
        barmode="group",
        xaxis={"title": "% of crimes recorded", "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
        title=f"Share of crimes recorded that reached each stage {within}",
        title_font_size=14,
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
        half=pl.col("half").map_elements(half_months, return_dtype=pl.String),
    ).select("half", "stage", "count", "share", "ci", "days_followed")
    return Section(
        "Attrition",
        figure_html(fig, height=480, data=percent_data(fig, "stage"))
        + table_html(
            shown,
            caption=f"Crimes recorded in each half that reached each stage {within}",
            labels={"days_followed": "days followed after the half ended", "ci": "95% CI"},
        )
        + paragraphs(
            "Every crime counted here was recorded, so “Recorded” is 100% by definition and "
            "has no interval."
        ),
    )


def _all_changes(result: AuditResult) -> Section:
    comparisons = {"previous": "the half before", "year_earlier": "a year earlier"}
    shown = (
        result.changes.sort("q_value", nulls_last=True)
        .with_columns(
            then=pl.struct("measure", "from_estimate").map_elements(
                lambda s: fmt_value(s["measure"], s["from_estimate"]), return_dtype=pl.String
            ),
            now=pl.struct("measure", "to_estimate").map_elements(
                lambda s: fmt_value(s["measure"], s["to_estimate"]), return_dtype=pl.String
            ),
            change=pl.struct("measure", "difference", "ci_low", "ci_high").map_elements(
                _change, return_dtype=pl.String
            ),
            base=pl.col("base").replace_strict(_BASE_WORDS, default=pl.col("base")),
            dimension=pl.col("dimension").replace_strict(
                {
                    **DIMENSIONS,
                    "all": "All in scope",
                    "agency": "Agency",
                    "outcome_group": "Police outcome",
                },
                default=pl.col("dimension"),
            ),
            comparison=pl.col("comparison").replace_strict(
                comparisons, default=pl.col("comparison")
            ),
            measure=pl.col("measure").replace_strict(MEASURE_LABELS, default=pl.col("measure")),
            value=pl.col("value").map_elements(pretty, return_dtype=pl.String),
            p_value=pl.col("p_value").map_elements(fmt.p_value, return_dtype=pl.String),
            q_value=pl.col("q_value").map_elements(
                lambda q: fmt.p_value(q).replace("p", "q", 1), return_dtype=pl.String
            ),
        )
        .select(
            "verdict",
            "base",
            "dimension",
            "value",
            "measure",
            "comparison",
            "then",
            "now",
            "change",
            "p_value",
            "q_value",
        )
    )
    return Section(
        "Appendix: all comparisons",
        paragraphs(
            f"Every comparison the audit makes ({shown.height}: each measure by district, "
            "offence group, relationship and outcome group, against the previous half and a "
            "year earlier), corrected together for multiple testing (Benjamini–Hochberg false "
            f"discovery rate {100 * result.fdr:.0f}%; q-value). With this many comparisons "
            "only large changes can show; the headline comparisons at the top are tested on "
            "their own. Changes in shares are in percentage points, with their 95% interval."
        )
        + details_html(
            "Rates by offence group, domestic abuse, district and relationship",
            _breakdown_table(result),
        )
        + details_html(
            f"Show all {shown.height} comparisons (sorted by q-value)",
            table_html(shown, max_rows=2000, labels=GRID_LABELS, wide=["change"]),
        ),
        anchor="appendix-all-comparisons",
    )


GRID_LABELS = {
    "base": "count base",
    "dimension": "by",
    "value": "group",
    "comparison": "against",
    "then": "estimate then",
    "now": "estimate now",
    "change": "change (95% CI)",
    "p_value": "p-value",
    "q_value": "q-value (BH)",
}


def _headline_change(measure: str, r: dict[str, Any]) -> str:
    d = r["difference"]
    if d is None:
        return "–"
    if measure.startswith("median"):
        words = (
            "same median" if d == 0 else f"{fmt.days(abs(d))} {'longer' if d > 0 else 'shorter'}"
        )
        if fmt.missing(r["ci_low"]) or fmt.missing(r["ci_high"]):
            return words
        return f"{words} ({fmt.days_interval(r['ci_low'], r['ci_high'])})"
    return _change({**r, "measure": measure})


def _headline_table(result: AuditResult) -> tuple[str, str]:
    """The pre-declared headline comparisons, in words; and their p-values for the model
    details fold."""
    rows = []
    for r in result.headlines.iter_rows(named=True):
        m = r["measure"]
        change = _headline_change(m, r)
        rows.append(
            {
                "measure": MEASURE_LABELS.get(m, m),
                "estimate a year earlier": fmt_value(m, r["from_estimate"]),
                "estimate this half": fmt_value(m, r["to_estimate"]),
                "change in the estimate": change,
                "verdict": r["verdict"],
                "p-value (Holm)": fmt.p_value(r["p_holm"]),
            }
        )
    frame = pl.DataFrame(
        rows,
        schema=[
            "measure",
            "estimate a year earlier",
            "estimate this half",
            "change in the estimate",
            "verdict",
            "p-value (Holm)",
        ],
    )
    body = table_html(
        frame.drop("p-value (Holm)"),
        caption=(
            f"Headline comparisons: {fmt.period(result.half.start, result.half.end)} against "
            f"{fmt.period(result.year_earlier.start, result.year_earlier.end)}, whole scope"
        ),
        wide=["change in the estimate"],
    )
    return body, table_html(
        frame.select("measure", "verdict", "p-value (Holm)"),
        caption=(
            f"Headline comparisons: p-values after Holm's correction across these {frame.height}"
        ),
    )
