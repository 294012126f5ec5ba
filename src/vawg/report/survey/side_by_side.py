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


def _short(district: str) -> str:
    """A district's name short enough to label a dot on a phone: a long name keeps its first
    word and the initials of the rest ("Tonbridge & M."); the full name is in the hover and
    the data table."""
    if len(district) <= 11:
        return district
    first, *rest = district.replace(" and ", " & ").split(" ")
    return " ".join([first, *(w if w == "&" else f"{w[0]}." for w in rest)])


_CANDIDATES = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
_PHONE_PLOT = (270.0, 300.0)
"""The plot area of a scatter on a 390 px phone (width, height in pixels): labels are placed
so that they do not overprint there, where space is tightest."""


def _positions(
    xs: list[float | None], ys: list[float | None], labels: list[str], x_range: tuple[float, float]
) -> list[str]:
    """Where each dot's label goes: the first of the candidate places (above, below, right,
    left, then the corners) where, at phone size, the label overlaps no label already placed
    and no dot, and stays inside the plot; dots are taken from the top of the chart down."""
    known = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    if not known:
        return ["top center"] * len(xs)
    y_low = min(y for _, y in known) - 5.0
    y_high = max(y for _, y in known) + 5.0
    sx = _PHONE_PLOT[0] / ((x_range[1] - x_range[0]) or 1.0)
    sy = _PHONE_PLOT[1] / ((y_high - y_low) or 1.0)
    dots = [((x - x_range[0]) * sx, (y_high - y) * sy) for x, y in known]
    placed: list[tuple[float, float, float, float]] = []

    def box(px: float, py: float, width: float, where: str) -> tuple[float, float, float, float]:
        vertical, horizontal = where.split(" ")
        h = 12.0
        top = {"top": py - 6 - h, "middle": py - h / 2, "bottom": py + 6}[vertical]
        left = {"center": px - width / 2, "right": px + 6, "left": px - 6 - width}[horizontal]
        return (left, top, left + width, top + h)

    def clear(b: tuple[float, float, float, float]) -> bool:
        if b[0] < 0 or b[2] > _PHONE_PLOT[0] or b[1] < 0 or b[3] > _PHONE_PLOT[1]:
            return False
        if any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in placed):
            return False
        return not any(b[0] - 4 < dx < b[2] + 4 and b[1] - 4 < dy < b[3] + 4 for dx, dy in dots)

    out = ["top center"] * len(xs)
    order = sorted(
        (i for i, (x, y) in enumerate(zip(xs, ys, strict=True)) if x is not None and y is not None),
        key=lambda i: -(ys[i] or 0.0),
    )
    for i in order:
        px, py = (xs[i] - x_range[0]) * sx, (y_high - ys[i]) * sy  # type: ignore[operator]
        width = 5.6 * len(labels[i])
        boxes = [(where, box(px, py, width, where)) for where in _CANDIDATES]
        where, chosen = next(((w, b) for w, b in boxes if clear(b)), boxes[0])
        out[i] = where
        placed.append(chosen)
    return out


def _scatter(side: pl.DataFrame, name: str) -> str:
    """One survey measure (y, with its interval) against the recorded rate (x), a dot per
    district, labelled; the x range is padded so a label at either end is not clipped."""
    est = side[name].to_list()
    rates = side["rate_per_1000"].to_list()
    known = [r for r in rates if r is not None]
    pad = 0.25 * (max(known) - min(known)) + 0.2 if known else 0.0
    x_range = (min(known) - pad, max(known) + pad) if known else (0.0, 1.0)
    short = [_short(d) for d in side["district"].to_list()]
    shares = [None if v is None else 100 * v for v in est]
    fig = go.Figure(
        go.Scatter(
            x=rates,
            y=shares,
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
            text=short,
            textposition=_positions(rates, shares, short, x_range),
            textfont={"size": 10},
            customdata=side["district"].to_list(),
            hovertemplate="%{customdata}: %{y:.1f}%, %{x:.2f} per 1,000<extra></extra>",
            marker={"color": _ACCENT, "size": 9},
            showlegend=False,
        )
    )
    if known:
        fig.update_xaxes(range=list(x_range))
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
