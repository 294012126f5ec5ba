"""The drivers report's temperature section: the daily count model."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vawg.models.daily import SplineCurve
from vawg.models.drivers import DriversResult
from vawg.report import fmt
from vawg.report.drivers._format import _ACCENT, _GREY, _SECOND, effect_words
from vawg.report.page import details_html, figure_html, table_html
from vawg.schema.labels import LABELS


def _daily(result: DriversResult) -> str:
    daily = result.daily
    if daily is None:
        return "<p>The daily model could not be fitted (see the summary).</p>"
    variable = "daily maximum" if daily.temperature == "tmax_c" else "daily mean"
    body = (
        f"<p>Crimes committed on each of {daily.days:,} days "
        f"({html.escape(fmt.period(daily.first_day, daily.last_day))}) against the {variable} "
        "temperature, with day of week, month, bank holidays, lockdowns and trend controlled. "
        "The days are counted by the date each crime was committed (the area model counts by "
        "the date it was recorded), so the totals here differ slightly from those above.</p>"
    )
    fig = make_subplots(
        rows=1,
        cols=max(1, len(daily.curves)),
        subplot_titles=[
            {"all": "all places", "home": "at home", "public": "in public"}.get(k, k)
            for k in daily.curves
        ],
        shared_yaxes=True,
    )
    for i, (name, curve) in enumerate(daily.curves.items(), start=1):
        t = curve.table
        fig.add_trace(
            go.Scatter(
                x=t["temperature"].to_list() + t["temperature"].to_list()[::-1],
                y=_percent(t["ci_high"].to_list() + t["ci_low"].to_list()[::-1]),
                fill="toself",
                fillcolor="rgba(91,42,134,0.15)",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=i,
        )
        fig.add_trace(
            go.Scatter(
                x=t["temperature"].to_list(),
                y=_percent(t["rate_ratio"].to_list()),
                mode="lines",
                line={"color": _ACCENT, "width": 3},
                name=f"{name} (curve)",
                hovertemplate="%{x:.0f} °C: %{y:+.0f}%<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=i,
        )
        fit = daily.fits[name]
        slope = fit.rate_ratios["temp"].estimate
        grid = t["temperature"].to_list()
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=_percent([slope ** (x - curve.reference) for x in grid]),
                mode="lines",
                line={"color": _SECOND, "dash": "dash"},
                name="the same % for each degree",
                hovertemplate="%{x:.0f} °C: %{y:+.0f}%<extra></extra>",
                showlegend=i == 1,
            ),
            row=1,
            col=i,
        )
        fig.update_xaxes(nticks=4, row=1, col=i)
        fig.update_xaxes(
            title_text="°C" if len(daily.curves) > 1 else f"{variable} temperature (°C)",
            row=1,
            col=i,
        )
    fig.add_hline(y=0, line_dash="dot", line_color=_GREY)
    fig.update_yaxes(ticksuffix="%", showticksuffix="all")
    fig.update_yaxes(title_text="change in crimes vs a typical day (%)", row=1, col=1)
    fig.update_layout(
        title=f"Crimes by {variable} temperature, against a typical day (95% band)",
        legend={"orientation": "h", "y": -0.3, "x": 0},
    )
    references = sorted({f"{c.reference:.0f} °C" for c in daily.curves.values()})
    body += figure_html(fig, height=400, data=_curve_data(daily.curves))
    body += (
        '<p class="note">0% is a typical day: one at the median temperature '
        f"({html.escape(' / '.join(references))}); the line is how many more (+) or fewer (−) "
        "crimes were committed on a warmer or cooler day, the shaded band its 95% interval, "
        "and the dashed line what the same change for each degree would give.</p>"
    )
    # Series are the places and the offence groups: written in words, from the label table.
    series_words = {"all": "all places", "home": "at home", "public": "in public places"}
    series_words |= dict(LABELS["offence_group"])
    series = pl.col("series").replace_strict(series_words, default=pl.col("series"))
    words = [
        effect_words(r, lo, hi)
        for r, lo, hi in daily.table.select("rate_ratio", "ci_low", "ci_high").iter_rows()
    ]
    per_degree = daily.table.select(series, "crimes", "days").with_columns(
        pl.Series("change", words, dtype=pl.String)
    )
    body += table_html(
        per_degree.select("series", "change", "crimes", "days"),
        caption="Change in crimes for each 1 °C warmer day, by place and offence group",
        labels={"series": "crimes", "change": "each 1 °C warmer (95% CI)", "crimes": "total"},
    )
    details = daily.table.select(
        series,
        ((pl.col("rate_ratio") - 1) * 100).round(2).alias("% per °C, fitted model"),
        "method_used",
        "p_value",
        "dispersion_scale",
        ((pl.col("poisson_rate_ratio") - 1) * 100).round(2).alias("% per °C, plain Poisson"),
    )
    tests = "; ".join(f"{k}: {fmt.p_value(c.lr_p_value)}" for k, c in daily.curves.items())
    fold = table_html(
        details,
        caption="The fitted models, by place and offence group",
        labels={
            "method_used": "model fitted",
            "dispersion_scale": "Pearson dispersion",
        },
    )
    fold += (
        f'<p class="note">Is the curve different from a straight line on the log scale? '
        f"Likelihood-ratio test of the spline against the linear model: {html.escape(tests)}.</p>"
    )
    fold += "".join(
        f'<p class="note">{html.escape(_series_note(note, series_words))}</p>'
        for note in daily.notes
    )
    body += details_html("Model details", fold)
    return body


def _percent(ratios: list[float | None]) -> list[float | None]:
    """Ratios to a typical day as % more (+) or fewer (−) crimes: (ratio − 1) × 100."""
    return [None if r is None else (r - 1) * 100 for r in ratios]


def _curve_data(curves: dict[str, SplineCurve], step: int = 2) -> pl.DataFrame:
    """The chart's numbers for its data table, in words: the change in crimes against a
    typical day at every ``step`` degrees (the curve's nearest point), one column a place."""
    places = {"all": "all places", "home": "at home", "public": "in public"}
    columns: dict[str, dict[int, str]] = {}
    for name, curve in curves.items():
        t = curve.table.select("temperature", "rate_ratio", "ci_low", "ci_high")
        cells: dict[int, str] = {}
        low, high = t["temperature"].min(), t["temperature"].max()
        if not isinstance(low, float | int) or not isinstance(high, float | int):
            continue
        for degree in range(math.ceil(low / step) * step, math.floor(high) + 1, step):
            _, r, lo, hi = min(t.iter_rows(), key=lambda row: abs(row[0] - degree))
            cells[degree] = (
                "typical day" if lo == hi else f"{fmt.change(r)} ({fmt.change_interval(lo, hi, r)})"
            )
        columns[places.get(name, name)] = cells
    degrees = sorted({d for cells in columns.values() for d in cells})
    return pl.DataFrame(
        {
            "temperature": [f"{d} °C" for d in degrees],
            **{
                f"{place} (95% CI)": [cells.get(d, "–") for d in degrees]
                for place, cells in columns.items()
            },
        }
    )


def _series_note(note: str, words: dict[str, str]) -> str:
    """A model note ('violence_with_injury: Poisson, ...') with its series named in words."""
    name, sep, rest = note.partition(": ")
    return f"{words.get(name, name)}{sep}{rest}" if sep else note
