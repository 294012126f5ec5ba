"""The survey report's "Recorded crime and the survey" section: survey measures side by
side with police-recorded crime."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vawg.report.page import Section, figure_html, table_html
from vawg.report.survey._format import _ACCENT, _p_text
from vawg.report.survey.view import SurveyView, count_text
from vawg.survey import SurveyResult
from vawg.survey.public import INDICATORS
from vawg.survey.side_by_side import SURVEY_COLUMNS


def _side(result: SurveyResult, view: SurveyView) -> Section:
    if result.side_by_side is None or view.side.is_empty():
        return Section("Recorded crime and the survey", "<p>No recorded crime is loaded.</p>")
    side = view.side
    names = ("harassment_share", "unsafe_night_share")
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=[INDICATORS[n][1] for n in names], horizontal_spacing=0.08
    )
    for col, name in enumerate(names, start=1):
        est = side[name].to_list()
        fig.add_trace(
            go.Scatter(
                x=side["rate_per_1000"].to_list(),
                y=[None if v is None else 100 * v for v in est],
                error_y={
                    "type": "data",
                    "color": "#56B4E9",
                    "array": [
                        None if (h is None or e is None) else 100 * (h - e)
                        for h, e in zip(side[f"{name}_ci_high"].to_list(), est, strict=True)
                    ],
                    "arrayminus": [
                        None if (lo is None or e is None) else 100 * (e - lo)
                        for lo, e in zip(side[f"{name}_ci_low"].to_list(), est, strict=True)
                    ],
                },
                mode="markers+text",
                text=side["district"].to_list(),
                textposition="top center",
                textfont={"size": 10},
                marker={"color": _ACCENT, "size": 9},
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(
            title_text="recorded VAWG per 1,000 women and girls a year", row=1, col=col
        )
        fig.update_yaxes(title_text="% of respondents" if col == 1 else "", row=1, col=col)
    table = side.select(
        "district",
        "vawg_crimes",
        pl.col("rate_per_1000").round(2).alias("per 1,000 a year"),
        pl.col("rate_ci_low").round(2).alias("ci low"),
        pl.col("rate_ci_high").round(2).alias("ci high"),
        *[(pl.col(n) * 100).round(1).alias(f"{INDICATORS[n][1]} %") for n in SURVEY_COLUMNS],
    )
    corr = result.side_by_side.correlations.with_columns(
        pl.col("indicator").replace({k: v[1] for k, v in INDICATORS.items()}),
        pl.col("spearman_rho").round(2),
        _p_text("p_value"),
    )
    sbs = result.side_by_side
    body = (
        f"<p>In-scope VAWG crimes recorded {sbs.params.period[0]} to {sbs.params.period[1]} "
        f"({sbs.years:.1f} years) per 1,000 women and girls of all ages a year, beside the "
        "survey. A district can record little and still have many women who experience "
        "harassment: the gap is what is not reported.</p>"
        if sbs.params.period
        else ""
    )
    if sbs.unplaced:
        body += (
            f'<p class="note">{count_text(sbs.unplaced)} in-scope crimes have no district '
            "(no LSOA in the area reference) and are not in the rates.</p>"
        )
    body += (
        figure_html(fig, height=480)
        + table_html(table)
        + table_html(
            corr, caption="Spearman rank correlation with the recorded rate (13 districts)"
        )
    )
    return Section("Recorded crime and the survey", body)
