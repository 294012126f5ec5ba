"""The profile report's volume section: how many crimes, by offence group and over time."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from vawg.profile.profile import ProfileResult
from vawg.report import fmt
from vawg.report.page import Section, details_html, table_html
from vawg.report.profile._format import (
    ACCENT,
    GREY,
    PUBLIC_C,
    _ci,
    _esc,
    _label,
    _n,
    _x,
    figure_html,
    paragraphs_html,
)

# ------------------------------------------------------------------------------------------
# Detail sections
# ------------------------------------------------------------------------------------------


_RATE_COLUMNS = ("rate_per_1000_per_year", "ci_low", "ci_high")
_RATE_LABELS = {
    "rate_per_1000_per_year": "per 1,000 women and girls a year",
    "ci_low": "95% CI from",
    "ci_high": "95% CI to",
}


def _two(value: float | None) -> str:
    """A rate with two decimals (``4.80``, not ``4.8`` beside ``5.67``)."""
    return "–" if value is None else f"{value:.2f}"


def _volume(r: ProfileResult) -> Section:
    v = r.volume
    months = v.by_month
    fig = go.Figure()
    fig.add_bar(
        x=months["month"].to_list(),
        y=months["crimes"].to_list(),
        name="crimes recorded",
        marker_color="#56B4E9",
    )
    if v.trend.fitted:
        fig.add_scatter(
            x=months["month"].to_list(),
            y=v.trend.fitted,
            name="trend (model fit)",
            mode="lines",
            line={"color": ACCENT, "width": 3},
        )
    fig.update_layout(
        title="In-scope crimes by month recorded",
        yaxis_title="crimes",
        legend={"orientation": "h", "y": -0.15},
    )
    month_table = months.select(
        pl.col("month").map_elements(lambda m: f"{m:%b %Y}", return_dtype=pl.String),
        pl.col("crimes").alias("crimes recorded"),
    )
    years = v.by_financial_year
    fy = go.Figure()
    for column, colour in (("crimes", ACCENT), ("offenders", PUBLIC_C), ("victims", "#009E73")):
        fy.add_bar(
            x=years["financial_year"].to_list(),
            y=years[column].to_list(),
            name={"offenders": "perpetrators"}.get(column, column),
            marker_color=colour,
        )
    fy.update_layout(
        title="By financial year", barmode="group", legend={"orientation": "h", "y": -0.15}
    )
    groups = _label(v.by_offence_group).sort("crimes", nulls_last=True)
    og = go.Figure(
        go.Bar(
            y=groups["offence_group"].to_list(),
            x=groups["crimes"].to_list(),
            orientation="h",
            marker_color=ACCENT,
        )
    )
    og.update_layout(title="By offence group", xaxis_title="crimes")
    district = v.by_district.filter(pl.col("rate_per_1000_per_year").is_not_null()).sort(
        "rate_per_1000_per_year"
    )
    rates = go.Figure(
        go.Bar(
            y=district["district"].to_list(),
            x=district["rate_per_1000_per_year"].to_list(),
            orientation="h",
            marker_color=ACCENT,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (district["ci_high"] - district["rate_per_1000_per_year"]).to_list(),
                "arrayminus": (district["rate_per_1000_per_year"] - district["ci_low"]).to_list(),
                "color": GREY,
            },
        )
    )
    rates.update_layout(
        title="Crimes per 1,000 women and girls a year, by district (95% CI)",
        xaxis_title="per 1,000 a year",
    )
    rates.update_yaxes(automargin=True)
    rate_table = district.sort("rate_per_1000_per_year", descending=True).select(
        "district",
        *[pl.col(c).map_elements(_two, return_dtype=pl.String) for c in _RATE_COLUMNS],
    )
    trend = v.trend
    t = trend.rate_ratio_per_year
    trend_text = (
        f"Trend: {fmt.change(t.estimate, 'crimes')} each year "
        f"({fmt.change_interval(t.ci_low, t.ci_high, t.estimate)}). " + trend.note
    )
    model_text = (
        f"{trend.model} regression of {trend.months} monthly counts on time with log(days) offset "
        f"(rate ratio per year {_x(t.estimate, 3)}, {fmt.p_value(t.p_value)}"
        + (f"; NB2 dispersion alpha {fmt.small(trend.alpha)}" if trend.alpha is not None else "")
        + (f"; AIC Poisson {trend.aic_poisson:.1f}" if trend.aic_poisson is not None else "")
        + (
            f", NB2 {trend.aic_negative_binomial:.1f}"
            if trend.aic_negative_binomial is not None
            else ""
        )
        + ")."
    )
    rate = v.rate_per_1000_per_year
    body = (
        figure_html(fig, height=360, data=month_table)
        + f'<p class="note">{_esc(trend_text)}</p>'
        + details_html("Model details", f'<p class="note">{_esc(model_text)}</p>')
        + '<div class="pair">'
        + figure_html(
            fy,
            height=340,
            data=years.select(
                pl.col("financial_year").alias("financial year"),
                "crimes",
                pl.col("offenders").alias("perpetrators"),
                "victims",
            ),
        )
        + figure_html(
            og,
            height=340,
            data=groups.select(pl.col("offence_group").alias("offence group"), "crimes"),
        )
        + "</div>"
        + (
            figure_html(
                rates,
                height=max(260, 26 * district.height + 80),
                data=rate_table.rename(_RATE_LABELS),
            )
            if district.height
            else ""
        )
        + paragraphs_html(
            f"Across the force area: {_x(rate.estimate, 2)} in-scope crimes per 1,000 women and "
            f"girls per year ({_ci(rate)}), using the ONS mid-2019 female population "
            f"({_n(v.female_population)}) of its districts."
        )
        + table_html(
            v.by_district.select(
                "district",
                "crimes",
                "female_population",
                *[pl.col(c).map_elements(_two, return_dtype=pl.String) for c in _RATE_COLUMNS],
            ),
            caption="By district",
            labels={"female_population": "female population (all ages)", **_RATE_LABELS},
        )
        + table_html(
            v.by_domestic_abuse.with_columns(
                pl.col("domestic_abuse").replace_strict(
                    {True: "flagged", False: "not flagged"}, return_dtype=pl.String
                )
            ),
            caption="Domestic abuse flag",
        )
    )
    return Section("Volume and trend", body, anchor="volume")
