"""The survey report's "Recorded crime and the survey" section: survey measures side by
side with police-recorded crime."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.report import fmt
from vawg.report.page import Section, details_html, figure_html, paragraphs, table_html
from vawg.report.survey._format import _ACCENT, _p_text
from vawg.report.survey.view import SurveyView, count_text
from vawg.survey import SurveyResult
from vawg.survey.public import INDICATORS
from vawg.survey.side_by_side import SURVEY_COLUMNS


def _fixed(column: pl.Expr, digits: int) -> pl.Expr:
    """Figures as text with fixed decimals (a rate or share of 24.0 never reads as a count)."""
    return column.map_elements(lambda v: f"{v:.{digits}f}", return_dtype=pl.String)


def _scatter(side: pl.DataFrame, name: str) -> str:
    """One survey measure (y, with its interval) against the recorded rate (x), a dot per
    district, labelled; the x range is padded so a label at either end is not clipped."""
    est = side[name].to_list()
    rates = side["rate_per_1000"].to_list()
    fig = go.Figure(
        go.Scatter(
            x=rates,
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
        )
    )
    known = [r for r in rates if r is not None]
    if known:
        pad = 0.25 * (max(known) - min(known)) + 0.2
        fig.update_xaxes(range=[min(known) - pad, max(known) + pad])
    fig.update_layout(
        title=f"{INDICATORS[name][1]}, against recorded crime, by district",
        xaxis_title="recorded crimes per 1,000 a year",
        yaxis_title="% of people (95% CI)",
    )
    data = side.select(
        "district",
        _fixed(pl.col("rate_per_1000"), 2).alias("recorded crimes per 1,000 a year"),
        _fixed(pl.col(name) * 100, 1).alias("%"),
        _fixed(pl.col(f"{name}_ci_low") * 100, 1).alias("95% CI from"),
        _fixed(pl.col(f"{name}_ci_high") * 100, 1).alias("95% CI to"),
    )
    return figure_html(fig, height=420, data=data)


def _side(result: SurveyResult, view: SurveyView) -> Section:
    if result.side_by_side is None or view.side.is_empty():
        return Section("Recorded crime and the survey", "<p>No recorded crime is loaded.</p>")
    side = view.side
    charts = "".join(_scatter(side, n) for n in ("harassment_share", "unsafe_night_share"))
    table = table_html(
        side.select(
            "district",
            "vawg_crimes",
            pl.col("rate_per_1000").round(2),
            pl.col("rate_ci_low").round(2),
            pl.col("rate_ci_high").round(2),
            *SURVEY_COLUMNS,
        ),
        caption="Recorded crime and the survey, by district",
        labels={
            "vawg_crimes": "recorded crimes",
            "rate_per_1000": "per 1,000 women and girls a year",
            "rate_ci_low": "95% CI from",
            "rate_ci_high": "95% CI to",
            **{n: f"{INDICATORS[n][1]} (%)" for n in SURVEY_COLUMNS},
        },
        percent=list(SURVEY_COLUMNS),
    )
    sbs = result.side_by_side
    correlations = sbs.correlations
    links = correlations.with_columns(
        pl.col("indicator").replace({k: v[1] for k, v in INDICATORS.items()}),
        pl.col("spearman_rho").round(2),
        pl.when(pl.col("p_value").is_null())
        .then(None)
        .otherwise(pl.col("p_value") < 0.05)
        .alias("clear"),
    )
    n_districts = side.height
    clear = links.filter(pl.col("clear"))["indicator"].to_list()
    link_text = (
        f"Across the {n_districts} districts, a district's recorded rate is clearly linked with "
        f"{', '.join(clear)}."
        if clear
        else f"Across the {n_districts} districts, no survey measure is clearly linked with the "
        "recorded rate: districts that record more crime do not clearly have more people who "
        "feel unsafe, experience harassment or leave it unreported."
    )
    body = (
        f"<p>In-scope VAWG crimes recorded in {fmt.period(*sbs.params.period)} "
        f"({sbs.years:.0f} years), per 1,000 women and girls of all ages a year, beside the "
        "survey. A district can record little and still have many women who experience "
        "harassment: the gap is what is not reported.</p>"
        if sbs.params.period
        else ""
    )
    if sbs.unplaced:
        body += (
            f'<p class="note">{count_text(sbs.unplaced)} in-scope crimes have no district '
            "(no neighbourhood in the area reference) and are not in the rates.</p>"
        )
    body += charts + table + paragraphs(link_text)
    body += details_html(
        "Rank correlation details",
        table_html(
            links.select("indicator", "spearman_rho", _p_text("p_value"), "districts"),
            caption="Spearman rank correlation with the recorded rate",
            labels={"spearman_rho": "rank correlation (−1 to 1)", "p_value": "p"},
        ),
    )
    return Section("Recorded crime and the survey", body)
