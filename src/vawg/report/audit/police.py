"""The audit report's police outcomes section: the outcome-mix chart, the figures table and
the breakdown table.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.audit import MEASURE_LABELS, AuditResult
from vawg.outcomes.cases import DIMENSIONS, RELATIONSHIP_ORDER
from vawg.outcomes.rates import BASES
from vawg.report import fmt
from vawg.report.audit._format import (
    GROUP_COLOURS,
    RATE_OF,
    SHORT_GROUPS,
    _verdict_html,
    fmt_ci,
    fmt_value,
    followed,
    percent_data,
    pretty,
)
from vawg.report.page import Section, figure_html, half_axis


def _mix_chart(result: AuditResult, base: str) -> str:
    counts = result.counts.filter((pl.col("base") == base) & (pl.col("dimension") == "all"))
    fig = go.Figure()
    order = [result.year_earlier, result.previous, result.half]
    labels = [fmt.period(h.start, h.end) for h in order]
    for group, label in SHORT_GROUPS.items():
        if base == "assigned" and group == "open":
            continue
        shares = []
        for h in order:
            part = counts.filter(pl.col("half") == h.label)
            totals = result.rates.filter(
                (pl.col("base") == base)
                & (pl.col("dimension") == "all")
                & (pl.col("half") == h.label)
            )["denominator"]
            total = totals[0] if totals.len() else None
            value = part.filter(pl.col("group") == group)["count"]
            v = value[0] if value.len() else None
            # one decimal, as the data table under the chart and its hover write it; a group
            # with a headline rate is drawn at that rate, so the bar and the tile agree
            rate = result.rates.filter(
                (pl.col("base") == base)
                & (pl.col("dimension") == "all")
                & (pl.col("half") == h.label)
                & (pl.col("measure") == RATE_OF.get(group, ""))
            )["estimate"]
            if rate.len() and rate[0] is not None:
                shares.append(round(100 * rate[0], 1))
                continue
            shares.append(None if v is None or not total else round(100 * v / total, 1))
        # Upright bars: three halves side by side keep their width on a phone, where labels
        # beside horizontal bars left them a sliver.
        fig.add_bar(
            x=labels,
            y=shares,
            name=label,
            marker_color=GROUP_COLOURS[group],
            hovertemplate="%{x}<br>" + html.escape(label) + ": %{y:.1f}%<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        yaxis={
            "title": "% of " + ("crimes" if base == "recorded" else "outcomes"),
            "range": [0, 100],
        },
        xaxis=half_axis(labels),
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "traceorder": "normal"},
        title=(
            f"Crimes recorded in each half: outcome {followed(result.follow_up_days)}"
            if base == "recorded"
            else "Outcomes assigned in each half"
        ),
    )
    return figure_html(fig, height=520, data=percent_data(fig, "half-year"))


def _figures_table(result: AuditResult) -> str:
    rows = []
    for base in ("recorded", "assigned"):
        rates = result.rates.filter((pl.col("base") == base) & (pl.col("dimension") == "all"))
        for measure in ("charge_rate", "victim_not_supporting_rate", "open_share"):
            part = rates.filter(pl.col("measure") == measure)
            if not part.height:
                continue
            cells = [html.escape(BASES[base].split(" (")[0]), html.escape(MEASURE_LABELS[measure])]
            for half in (result.year_earlier, result.previous, result.half):
                r = part.filter(pl.col("half") == half.label)
                d = r.row(0, named=True) if r.height else None
                text = fmt_value(measure, d["estimate"]) if d else "–"
                ci = fmt_ci(measure, d["ci_low"], d["ci_high"]).replace("95% CI ", "") if d else ""
                n = (
                    f"{d['numerator']:,}/{d['denominator']:,}"
                    if d and d["numerator"] is not None and d["denominator"] is not None
                    else "–"
                )
                cells.append(f"<b>{text}</b><br><span class='note'>{ci} · {n}</span>")
            for comparison in ("previous", "year_earlier"):
                c = result.changes.filter(
                    (pl.col("base") == base)
                    & (pl.col("dimension") == "all")
                    & (pl.col("measure") == measure)
                    & (pl.col("comparison") == comparison)
                )
                cells.append(_verdict_html(c.row(0, named=True)["verdict"]) if c.height else "–")
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "Count base",
            "Measure",
            f"{result.year_earlier.title}",
            f"{result.previous.title}",
            f"<b>{result.half.title}</b>",
            "vs previous",
            "vs year earlier",
        )
    )
    return (
        f'<div class="table-wrap"><table class="audit"><caption>Police outcomes, all in scope '
        f"(estimate, 95% CI, count)</caption><thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _breakdown_table(result: AuditResult) -> str:
    rates = result.rates.filter(pl.col("base") == "recorded")
    changes = result.changes.filter(pl.col("base") == "recorded")
    measures = ("charge_rate", "victim_not_supporting_rate", "open_share")
    head = ["Group", "Recorded"]
    for m in measures:
        head += [MEASURE_LABELS[m].split(" (")[0], "vs previous", "vs year earlier"]
    body = []
    for dimension, title in DIMENSIONS.items():
        body.append(f'<tr><th colspan="{len(head)}">{html.escape(title)}</th></tr>')
        now = rates.filter(
            (pl.col("dimension") == dimension) & (pl.col("half") == result.half.label)
        )
        values = now["value"].unique().to_list()
        if dimension == "relationship":
            values = [v for v in RELATIONSHIP_ORDER if v in values]
        else:
            values = sorted(values)
        for value in values:
            part = now.filter(pl.col("value") == value)
            denominator = part["denominator"][0] if part.height else None
            cells = [html.escape(pretty(value)), "–" if denominator is None else f"{denominator:,}"]
            for m in measures:
                r = part.filter(pl.col("measure") == m)
                d = r.row(0, named=True) if r.height else None
                cells.append(
                    f"{fmt_value(m, d['estimate'])}<br><span class='note'>"
                    f"{fmt_ci(m, d['ci_low'], d['ci_high']).replace('95% CI ', '')}</span>"
                    if d and d["estimate"] is not None
                    else "–"
                )
                for comparison in ("previous", "year_earlier"):
                    c = changes.filter(
                        (pl.col("dimension") == dimension)
                        & (pl.col("value") == value)
                        & (pl.col("measure") == m)
                        & (pl.col("comparison") == comparison)
                    )
                    verdict = c.row(0, named=True)["verdict"] if c.height else None
                    cells.append(_verdict_html(verdict, compact=True) if c.height else "–")
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        '<div class="table-wrap"><table class="audit"><caption>Crimes recorded in '
        f"{html.escape(result.half.title)} by group: rate (95% CI) and change</caption><thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div><p class='note'>▲ improved, ▼ worse (statistically clear after "
        "the Benjamini–Hochberg adjustment); ≈ no clear change; – no comparison possible (no "
        "crimes in that group in the comparison half, or a count not shown).</p>"
    )


def _police(result: AuditResult) -> Section:
    body = (
        "<p>Two ways of counting, as the Home Office publishes them, never mixed: outcomes of "
        "<b>crimes recorded</b> in each half (open cases stay in the denominator as open), and "
        "<b>outcomes assigned</b> in each half whenever the crime was recorded.</p>"
        + _figures_table(result)
        + _mix_chart(result, "recorded")
        + _mix_chart(result, "assigned")
    )
    return Section(
        "Police outcomes",
        body + "<p class='note'>The same rates by offence group, domestic abuse, district and "
        "relationship, with their changes, are in the appendix.</p>",
    )
