"""The half-year audit report: :class:`~vawg.outcomes.audit.AuditResult` → HTML, JSON and CSV.

Built for a Police and Crime Commissioner with two minutes: the four headline figures and what
improved or got worse (only statistically meaningful changes) come first; the detail by agency,
time to outcome, victims' voice and attrition next; methods, definitions and assumptions last.
A public result (``disclose_audit``) is rendered with its suppressed cells shown as dashes.
Nothing here computes a statistic.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.disclosure import RULE_TEXT
from vawg.outcomes.audit import HEADLINE_MEASURES, MEASURE_LABELS, AuditResult
from vawg.outcomes.cases import DIMENSIONS, RELATIONSHIP_ORDER
from vawg.outcomes.framework import SOURCE, framework_table
from vawg.outcomes.rates import BASES
from vawg.outcomes.satisfaction import ITEMS, SATISFIED_FROM
from vawg.report.page import Classification, Section, figure_html, render_page, table_html

__all__ = [
    "GROUP_COLOURS",
    "STYLE",
    "audit_csv_rows",
    "audit_html",
    "audit_json",
    "fmt_ci",
    "fmt_value",
    "pretty",
]

GROUP_COLOURS = {
    "charged": "#1b7f4b",
    "out_of_court": "#7fbf7b",
    "victim_does_not_support": "#c2410c",
    "evidential_difficulties_victim_supports": "#f0a35e",
    "prevented_or_not_in_public_interest": "#8e7cc3",
    "no_suspect_identified": "#6b7280",
    "other": "#b8bec9",
    "open": "#2b6cb0",
}
ROLE_TITLES = {
    "current": "This half",
    "previous": "Previous half",
    "year_earlier": "A year earlier",
}
ROLE_COLOURS = {"year_earlier": "#b8bec9", "previous": "#8e7cc3", "current": "#5b2a86"}
STYLE = """<style>
.verdict-improved{color:#17663a;font-weight:600}.verdict-worse{color:#b42318;font-weight:600}
.verdict-none{color:#6b7280}.chips{display:flex;gap:14px;flex-wrap:wrap;margin:10px 0}
.chip{flex:1 1 420px;border-radius:8px;padding:10px 16px}
.chip.good{background:#ecf8f0;border-left:5px solid #17663a}
.chip.bad{background:#fdf0ef;border-left:5px solid #b42318}
.chip h3{margin:2px 0 6px;font-size:16px}.chip ul{margin:0;padding-left:18px}
.chip li{margin:3px 0}.kpi .vs{font-size:12.5px;margin-top:4px}
table.audit td{vertical-align:top}table.audit .note{font-size:11.5px;white-space:nowrap}details summary{cursor:pointer;color:#5b2a86}
</style>"""


# ----------------------------------------------------------------------------- formatting
def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_value(measure: str, value: Any) -> str:
    """A measure's value for people: a percentage, or days."""
    if _missing(value):
        return "–"
    if measure.startswith("median"):
        return "not reached" if math.isinf(value) else f"{value:,.0f} days"
    return f"{100 * value:.1f}%"


def fmt_ci(measure: str, low: Any, high: Any) -> str:
    """``95% CI a–b`` in the measure's units."""
    if _missing(low) and _missing(high):
        return ""
    days = measure.startswith("median")

    def one(v: Any) -> str:
        if _missing(v):
            return "?"
        if days:
            return "not reached" if math.isinf(v) else f"{v:,.0f}"
        return f"{100 * v:.1f}"

    unit = " days" if days else "%"
    if days and not _missing(high) and math.isinf(high):
        return f"95% CI {one(low)} days – not reached"
    return f"95% CI {one(low)}–{one(high)}{unit}"


def _change(row: dict[str, Any]) -> str:
    d = row["difference"]
    if _missing(d):
        return "–"
    if row["measure"].startswith("median"):
        return f"{d:+,.0f} days"
    text = f"{100 * d:+.1f} pts"
    if not _missing(row["ci_low"]):
        text += f" ({100 * row['ci_low']:+.1f} to {100 * row['ci_high']:+.1f})"
    return text


SHORT_GROUPS = {
    "charged": "Charged/summonsed",
    "out_of_court": "Out-of-court disposal",
    "victim_does_not_support": "Victim does not support (14, 16)",
    "evidential_difficulties_victim_supports": "Evidential difficulties, victim supports (15)",
    "prevented_or_not_in_public_interest": "Prevented / not in public interest",
    "no_suspect_identified": "No suspect identified (18)",
    "other": "Other outcome",
    "open": "Open (no outcome yet)",
}
STAGE_LABELS = {
    "recorded": "Recorded",
    "closed": "Outcome assigned",
    "suspect_identified": "Suspect identified",
    "charged": "Charged",
    "first_hearing": "First hearing",
    "verdict": "Verdict",
    "convicted": "Convicted",
}


def pretty(value: str, dimension: str = "") -> str:
    """A code as words: ``violence_with_injury`` → ``Violence with injury``; outcome groups
    (``dimension`` ``group``/``outcome_group``) by their short labels."""
    special = {"Y": "Domestic abuse", "N": "Not domestic abuse", "all": "All in scope"}
    if value in special:
        return special[value]
    if dimension in ("group", "outcome_group") and value in SHORT_GROUPS:
        return SHORT_GROUPS[value]
    if dimension == "stage" and value in STAGE_LABELS:
        return STAGE_LABELS[value]
    return value.replace("_", " ").capitalize() if value.islower() else value


def _verdict_html(verdict: str | None, *, compact: bool = False) -> str:
    if verdict == "improved":
        return '<span class="verdict-improved">▲ improved</span>'
    if verdict == "worse":
        return '<span class="verdict-worse">▼ worse</span>'
    if compact:
        return '<span class="verdict-none" title="no clear change">≈</span>'
    return '<span class="verdict-none">no clear change</span>'


def _kpi(result: AuditResult, measure: str) -> str:
    head = result.table
    now = head.filter((pl.col("role") == "current") & (pl.col("measure") == measure))
    row = now.row(0, named=True) if now.height else None
    value = fmt_value(measure, row["estimate"] if row else None)
    ci = fmt_ci(measure, row["ci_low"], row["ci_high"]) if row else ""
    lines = []
    for role in ("previous", "year_earlier"):
        then = head.filter((pl.col("role") == role) & (pl.col("measure") == measure))
        past = fmt_value(measure, then.row(0, named=True)["estimate"]) if then.height else "–"
        change = result.changes.filter(
            (pl.col("base") == "recorded")
            & (pl.col("dimension") == "all")
            & (pl.col("measure") == measure)
            & (pl.col("comparison") == role)
        )
        verdict = change.row(0, named=True)["verdict"] if change.height else None
        lines.append(
            f"{'vs previous' if role == 'previous' else 'vs year earlier'} {past}: "
            f"{_verdict_html(verdict)}"
        )
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(MEASURE_LABELS[measure])}</div>'
        f'<div class="ci">{html.escape(ci)}</div>'
        + "".join(f'<div class="vs">{line}</div>' for line in lines)
        + "</div>"
    )


_BASE_WORDS = {
    "recorded": "crimes recorded",
    "assigned": "outcomes assigned",
    "cjs": "CPS and court events",
    "victim_survey": "victim survey",
}


def _q(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {q:.3f}"


def _bullet(rows: list[dict[str, Any]]) -> str:
    """One finding: a measure for one group, with each comparison that was clear."""
    first = rows[0]
    m, dimension = first["measure"], first["dimension"]
    if dimension == "all":
        where = "all in scope"
    else:
        label = DIMENSIONS.get(dimension, pretty(dimension)).lower()
        where = f"{label}: {pretty(first['value'], dimension)}"
    parts = []
    for row in sorted(rows, key=lambda r: r["comparison"] != "previous"):
        than = "the previous half" if row["comparison"] == "previous" else "a year earlier"
        parts.append(
            f"from {fmt_value(m, row['from_estimate'])} {than} "
            f"({html.escape(_change(row))}, {_q(row['q_value'])})"
        )
    return (
        f"<li><b>{html.escape(MEASURE_LABELS.get(m, pretty(m)))}</b> — {html.escape(where)} "
        f"<span class='note'>({html.escape(_BASE_WORDS.get(first['base'], first['base']))})</span>: "
        f"<b>{fmt_value(m, first['to_estimate'])}</b> now, " + "; ".join(parts) + "</li>"
    )


def _findings(rows: pl.DataFrame) -> list[list[dict[str, Any]]]:
    """Clear changes grouped by measure and group: whole scope first, then the strongest."""
    grouped: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows.iter_rows(named=True):
        key = (row["base"], row["dimension"], row["value"], row["measure"])
        grouped.setdefault(key, []).append(row)
    base_order = {"recorded": 0, "assigned": 1, "cjs": 2, "victim_survey": 3}
    return sorted(
        grouped.values(),
        key=lambda g: (
            g[0]["dimension"] != "all",
            base_order.get(g[0]["base"], 9),
            min(r["q_value"] for r in g),
        ),
    )


# ----------------------------------------------------------------------------- sections
def _summary(result: AuditResult) -> Section:
    kpis = "".join(_kpi(result, m) for m in HEADLINE_MEASURES)
    changes = result.changes
    good = _findings(changes.filter(pl.col("verdict") == "improved"))
    bad = _findings(changes.filter(pl.col("verdict") == "worse"))

    def chip(kind: str, title: str, findings: list[list[dict[str, Any]]]) -> str:
        shown = findings[:6]
        items = "".join(_bullet(f) for f in shown)
        if len(findings) > len(shown):
            items += f"<li>and {len(findings) - len(shown)} more (see All comparisons)</li>"
        if not findings:
            items = "<li>Nothing was statistically clear.</li>"
        return f'<div class="chip {kind}"><h3>{title}</h3><ul>{items}</ul></div>'

    tested = changes.filter(pl.col("p_value").is_not_null()).height
    body = (
        STYLE
        + f'<div class="kpis">{kpis}</div>'
        + '<div class="chips">'
        + chip("good", f"What improved ({len(good)})", good)
        + chip("bad", f"What got worse ({len(bad)})", bad)
        + "</div>"
        + f'<p class="note">Headline figures are for crimes recorded in each half-year, with '
        f"outcomes as they stood {result.follow_up_days} days after the half ended (equal "
        f"follow-up for all three halves, data to {result.as_of:%d %B %Y}). A change is called "
        f"improved or worse only where it survives a false discovery rate of "
        f"{100 * result.fdr:.0f}% across all {tested} comparisons in this audit "
        "(Benjamini–Hochberg); everything else is shown as no clear change, which is not the "
        "same as no change.</p>"
    )
    return Section("Summary", body, anchor="summary")


def _mix_chart(result: AuditResult, base: str) -> str:
    counts = result.counts.filter((pl.col("base") == base) & (pl.col("dimension") == "all"))
    fig = go.Figure()
    order = [result.year_earlier, result.previous, result.half]
    labels = [f"{h.label} ({h.title})" for h in order]
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
            shares.append(None if v is None or not total else 100 * v / total)
        fig.add_bar(
            y=labels,
            x=shares,
            name=label,
            orientation="h",
            marker_color=GROUP_COLOURS[group],
            hovertemplate="%{y}<br>" + html.escape(label) + ": %{x:.1f}%<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        xaxis={
            "title": "% of " + ("crimes recorded" if base == "recorded" else "outcomes assigned"),
            "range": [0, 100],
        },
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
        title=BASES[base],
    )
    return figure_html(fig, height=320)


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
            f"{result.year_earlier.label}",
            f"{result.previous.label}",
            f"<b>{result.half.label}</b>",
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
        f"{html.escape(result.half.label)} by group: rate (95% CI) and change</caption><thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div><p class='note'>▲ improved, ▼ worse (statistically clear after "
        "the Benjamini–Hochberg adjustment); ≈ no clear change; – no comparison possible (no "
        "crimes in that group in the comparison half, or a suppressed count).</p>"
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
        body,
        subsections=(
            Section(
                "By offence, domestic abuse, district and relationship", _breakdown_table(result)
            ),
        ),
    )


def _survival(result: AuditResult) -> Section:
    curves = result.survival.curves.filter(pl.col("dimension") == "all")
    fig = go.Figure()
    for role in ("year_earlier", "previous", "current"):
        half = result.roles[role]
        c = curves.filter(pl.col("half") == half.label).sort("days")
        if not c.height:
            continue
        x = [0, *c["days"].to_list()]
        fig.add_scatter(
            x=x,
            y=[0, *[100 * v for v in c["share_with_outcome"].to_list()]],
            mode="lines",
            line_shape="hv",
            name=f"{half.label} ({ROLE_TITLES[role].lower()})",
            line={"color": ROLE_COLOURS[role], "width": 3 if role == "current" else 2},
        )
    fig.update_layout(
        xaxis={"title": "days since the crime was recorded", "range": [0, 365]},
        yaxis={"title": "% with an outcome", "range": [0, 100]},
        title="Time to outcome (Kaplan–Meier; open cases censored)",
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
                else f"{d['n']:,} crimes, {'–' if d['open'] is None else d['open']} open"
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
        result.year_earlier.label,
        result.previous.label,
        result.half.label,
        "vs previous",
        "vs year earlier",
    ]
    median_table = (
        '<div class="table-wrap"><table class="audit"><caption>Median days from recording to '
        "outcome (95% CI, Brookmeyer–Crowley; log-rank test for change)</caption><thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
    return Section("Time to outcome", figure_html(fig, height=360) + median_table)


def _agencies(result: AuditResult) -> Section:
    if result.agencies is None:
        return Section(
            "Criminal justice agencies",
            (
                '<p class="warning">No criminal justice events are loaded, so only the police stage '
                "can be audited. Load <code>cjs_events.csv</code> (crime_ref, stage, date, result) to "
                "add CPS charging decisions, first hearings, trials and verdicts.</p>"
            ),
        )
    ag = result.agencies
    rates = (
        ag.table.with_columns(
            measure=pl.col("measure").replace_strict(MEASURE_LABELS),
            rate=pl.struct("estimate").map_elements(
                lambda s: fmt_value("r", s["estimate"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", ""),
                return_dtype=pl.String,
            ),
        )
        .select("agency", "measure", "half", "numerator", "denominator", "rate", "ci")
        .sort("agency", "measure", "half")
    )
    verdicts = (
        result.changes.filter(pl.col("base") == "cjs")
        .select("value", "measure", "comparison", "from_half", "verdict", "q_value")
        .with_columns(measure=pl.col("measure").replace_strict(MEASURE_LABELS))
    )
    counts = ag.counts.pivot(on="half", index=["agency", "stage", "result"], values="count").sort(
        "agency", "stage"
    )
    timely = ag.timeliness.sort("stage", "half")
    police = result.counts.filter((pl.col("base") == "assigned") & (pl.col("dimension") == "all"))
    police = police.with_columns(group=pl.col("group").replace_strict(SHORT_GROUPS)).pivot(
        on="half", index="group", values="count"
    )
    return Section(
        "Criminal justice agencies",
        (
            "<p>Activity by the date it happened: each agency's work in the half, whenever the crime "
            "was recorded.</p>"
        ),
        subsections=(
            Section(
                "Police: outcomes assigned",
                table_html(police, caption="Outcomes assigned by the police, by half"),
            ),
            Section(
                "CPS and courts: rates",
                table_html(rates, caption="Rates with 95% Wilson intervals")
                + table_html(verdicts, caption="Changes (BH-adjusted q-values)"),
            ),
            Section("CPS and courts: every event by result", table_html(counts)),
            Section(
                "Timeliness",
                table_html(
                    timely,
                    caption=(
                        "Median days from recording to the first hearing / verdict in each half (95% CI, "
                        "binomial order statistics)"
                    ),
                ),
            ),
        ),
    )


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
    whole = whole.filter(pl.col("estimate").is_not_null()).sort("estimate")
    if whole.height:
        est = [100 * v for v in whole["estimate"].to_list()]
        fig.add_bar(
            y=[
                f"{pretty(g, 'group')} (n={'–' if n is None else n})"
                for g, n in zip(whole["group"].to_list(), whole["answered"].to_list(), strict=True)
            ],
            x=est,
            orientation="h",
            marker_color=[GROUP_COLOURS.get(g, "#5b2a86") for g in whole["group"].to_list()],
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
        title=f"Victims satisfied, by police outcome ({result.half.label})",
        showlegend=False,
    )
    items = (
        sat.filter(pl.col("group") == "all")
        .with_columns(
            item=pl.col("item").replace_strict(ITEMS),
            satisfied_pct=pl.struct("estimate").map_elements(
                lambda s: fmt_value("r", s["estimate"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", ""),
                return_dtype=pl.String,
            ),
        )
        .select("item", "half", "answered", "satisfied", "satisfied_pct", "ci")
        .sort("item", "half")
    )
    cov = result.survey_coverage
    note = (
        f"<p class='note'>{cov.get('linked_to_in_scope_crime', '–')} of {cov.get('responses', '–')} "
        f"responses link to an in-scope crime; {cov.get('no_crime_link', '–')} have no crime "
        f"reference and {cov.get('no_date', '–')} no survey date, so cannot be placed. Satisfied = "
        f"{SATISFIED_FROM}–7 on the 1–7 scale; unweighted.</p>"
    )
    return Section(
        "The victim's voice",
        figure_html(fig, height=320)
        + table_html(items, caption="Satisfied share by question and half (95% Wilson CI)")
        + note,
    )


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


def _methods(result: AuditResult) -> Section:
    framework = framework_table().select(
        "code", "name", "bulletin_group", "headline_group", "name_status", "group_status"
    )
    parts = [
        "<h3>Count bases</h3><ul>"
        f"<li><b>Crimes recorded</b>: crimes recorded in the half and the outcome each had reached "
        f"{result.follow_up_days} days after the half ended (for {result.half.label} that is the "
        f"data date, {result.as_of:%d %B %Y}; the comparison halves are read the same number of days "
        "after their own end). Open cases stay in the denominator as open.</li>"
        "<li><b>Outcomes assigned</b>: outcomes dated in the half, whenever the crime was recorded; "
        "all closed, so no open share.</li></ul>",
        "<h3>Statistics</h3><ul>"
        "<li>Rates: Wilson score intervals (Wilson 1927; Brown, Cai &amp; DasGupta 2001).</li>"
        "<li>Changes in rates: Newcombe's hybrid score interval for the difference (Newcombe 1998, "
        "method 10); two-sided pooled two-proportion z-test, Fisher's exact test when an expected "
        "count is below 5.</li>"
        "<li>Time to outcome: Kaplan–Meier (1958) with open cases censored at the data date and "
        "Greenwood's variance; median = first day the share still open falls below one half (SAS / "
        "statsmodels convention); its 95% CI by Brookmeyer &amp; Crowley (1982) on the log-log scale "
        "(Klein &amp; Moeschberger 2003 §4.5); curves compared with the log-rank test (Mantel 1966).</li>"
        "<li>Agency medians: distribution-free interval from binomial order statistics (Conover 1999).</li>"
        f"<li>Many comparisons: Benjamini &amp; Hochberg (1995) false discovery rate of "
        f"{100 * result.fdr:.0f}% across every comparison in the audit (q-values shown).</li></ul>",
        "<h3>Definitions and assumptions</h3><ul>"
        "<li>Scope: the VAWG scope settings (female victim, male suspect or offender aged 18+, "
        "domestic abuse flag or a VAWG offence group), applied to every crime recorded up to the "
        "data date.</li>"
        "<li>District from the crime's LSOA; relationship is the closest recorded relationship "
        "of any victim (partner, ex-partner, family, acquaintance, stranger, unknown).</li>"
        "<li>Suspect identified (attrition): outcome types whose definition names a suspect; 14 and "
        "18 do not; 19 and 20 cannot be told and are not counted.</li>"
        "<li>Victims' satisfaction: answers 5–7 on the 1–7 scale, counted by survey date, linked to "
        "in-scope crimes by crime reference; unweighted.</li>"
        "<li>Outcome dates before the recorded date are quarantined at load and not counted.</li></ul>",
        "<h3>Outcome framework</h3><p class='note'>" + html.escape(SOURCE) + ". Names and group "
        "memberships marked unverified must be checked against the Home Office technical annex.</p>"
        + table_html(framework),
        "<h3>Scope exclusions</h3>" + table_html(result.exclusions),
    ]
    if result.public:
        parts.insert(
            0,
            f"<div class='callout'><b>Disclosure control.</b> "
            f"{html.escape(RULE_TEXT.format(limit=(result.threshold or 5) - 1))}</div>",
        )
    return Section("Methods, definitions and assumptions", "".join(parts), anchor="methods")


# ----------------------------------------------------------------------------- outputs
def audit_html(result: AuditResult) -> str:
    """The self-contained HTML audit."""
    classification = (
        Classification.public(result.threshold or 5)
        if result.public
        else Classification(
            "OFFICIAL-SENSITIVE",
            "Aggregate figures; small counts not suppressed. Not for publication.",
        )
    )
    sections = [
        _summary(result),
        _police(result),
        _survival(result),
        _agencies(result),
        _victims(result),
        _attrition(result),
        _all_changes(result),
        _methods(result),
    ]
    return render_page(
        f"Criminal justice outcomes audit: {result.half.title}",
        sections,
        classification=classification,
        subtitle=(
            f"{result.half.label} against {result.previous.label} (previous half) and "
            f"{result.year_earlier.label} (a year earlier) · violence against women and girls "
            f"scope · data to {result.as_of:%d %B %Y}"
        ),
    )


def audit_json(result: AuditResult) -> str:
    """The same figures as JSON with stable keys (see ``AuditResult.to_dict``)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def audit_csv_rows(result: AuditResult) -> tuple[list[str], list[list[Any]]]:
    """Every rate (both bases, every group) with its change verdicts, as one tidy CSV."""
    rates = result.rates
    header = [
        "base",
        "half",
        "dimension",
        "value",
        "measure",
        "numerator",
        "denominator",
        "estimate",
        "ci_low",
        "ci_high",
    ]
    rows = [list(r) for r in rates.select(header).iter_rows()]
    return header, rows
