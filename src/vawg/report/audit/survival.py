"""The audit report's time-to-outcome section."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.audit import AuditResult
from vawg.report.audit._format import (
    ROLE_COLOURS,
    ROLE_TITLES,
    _verdict_html,
    fmt_ci,
    fmt_value,
    followed,
    one_decimal,
    percent_data,
    pretty,
)
from vawg.report.page import Section, figure_html


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _survival(result: AuditResult) -> Section:
    curves = result.survival.curves.filter(pl.col("dimension") == "all")
    # Every half is read the same number of days after its end (equal follow-up), so a curve
    # runs at most a half-year (183 days) plus that follow-up.
    when = followed(result.follow_up_days)
    open_when = (
        "at the half's end"
        if result.follow_up_days == 0
        else f"{result.follow_up_days:,} days after the half's end"
    )
    last_day = 183 + result.follow_up_days
    fig = go.Figure()
    for role in ("year_earlier", "previous", "current"):
        half = result.roles[role]
        c = curves.filter(pl.col("half") == half.label).sort("days")
        if not c.height:
            continue
        x = [0, *c["days"].to_list()]
        fig.add_scatter(
            x=x,
            y=[0, *one_decimal([100 * v for v in c["share_with_outcome"].to_list()])],
            mode="lines",
            line_shape="hv",
            name=f"{half.title} ({ROLE_TITLES[role].lower()})",
            line={"color": ROLE_COLOURS[role], "width": 3 if role == "current" else 2},
        )
    fig.update_layout(
        xaxis={"title": "days since recorded", "range": [0, min(365, last_day)]},
        yaxis={"title": "% with an outcome", "range": [0, 100]},
        legend={"orientation": "h", "y": -0.25},
        title="Share of crimes with a police outcome, by days since recording",
    )
    table = result.survival.table.filter(pl.col("dimension").is_in(["all", "offence_group"]))
    rows = []
    for value in ["all", *sorted(v for v in table["value"].unique().to_list() if v != "all")]:
        cells = [html.escape(pretty(value))]
        for half in (result.year_earlier, result.previous, result.half):
            r = table.filter((pl.col("value") == value) & (pl.col("half") == half.label))
            d = r.row(0, named=True) if r.height else None
            if d is None:
                cells.append("–")
                continue
            ci = fmt_ci("median", d["ci_low"], d["ci_high"]).replace("95% CI ", "")
            n = (
                "–"
                if d["n"] is None
                else f"{d['n']:,} crimes,<br>{_count(d['open'])} still open {open_when}"
            )
            cells.append(
                f"{fmt_value('median', d['median_days'])}<br><span class='note'>{ci}</span>"
                f"<br><span class='note'>{n}</span>"
            )
        for comparison in ("previous", "year_earlier"):
            c = result.changes.filter(
                (pl.col("measure") == "median_days_to_outcome")
                & (pl.col("dimension") == ("all" if value == "all" else "offence_group"))
                & (pl.col("value") == value)
                & (pl.col("comparison") == comparison)
            )
            verdict = c.row(0, named=True)["verdict"] if c.height else None
            cells.append(_verdict_html(verdict, compact=True) if c.height else "–")
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = [
        "Offence group",
        result.year_earlier.title,
        result.previous.title,
        result.half.title,
        "vs previous",
        "vs year earlier",
    ]
    median_table = (
        '<div class="table-wrap"><table class="audit"><caption>Median days from recording to '
        f"any police outcome (95% CI; each half's crimes followed up to {when.removeprefix('at ')}"
        ", the same for all three halves; crimes still open then count as open)</caption>"
        "<thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
    return Section(
        "Time to outcome",
        figure_html(
            fig, height=400, data=percent_data(fig, "days since recorded", "% with an outcome")
        )
        + median_table,
    )
