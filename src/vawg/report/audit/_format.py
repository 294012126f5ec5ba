"""Shared pieces of the audit report: group and role colours, the page style, labels,
value, interval and change formatting, verdict badges, key-figure tiles and finding bullets.
Renders no section itself; :mod:`vawg.report.outcomes` uses some of it too.
"""

from __future__ import annotations

import html
import math
from typing import Any

import polars as pl

from vawg.outcomes.audit import MEASURE_LABELS, AuditResult
from vawg.outcomes.cases import DIMENSIONS
from vawg.outcomes.framework import SOURCE, framework_table
from vawg.report import fmt
from vawg.report.page import compared_kpi_html, table_html, verdict_html
from vawg.spatial.placement import Placement

GROUP_COLOURS = {
    "charged": "#009E73",
    "out_of_court": "#56B4E9",
    "victim_does_not_support": "#D55E00",
    "evidential_difficulties_victim_supports": "#E69F00",
    "prevented_or_not_in_public_interest": "#CC79A7",
    "no_suspect_identified": "#777777",
    "other": "#BBBBBB",
    "open": "#0072B2",
}


ROLE_TITLES = {
    "current": "This half",
    "previous": "Previous half",
    "year_earlier": "A year earlier",
}


ROLE_COLOURS = {"year_earlier": "#56B4E9", "previous": "#E69F00", "current": "#0072B2"}


half_months = fmt.half_months


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
def followed(days: int) -> str:
    """When each half's outcomes were read, in words: ``at the end of each half`` (no follow-up:
    the latest half ends at the data date) or ``365 days after each half ended``."""
    if days == 0:
        return "at the end of each half"
    return f"{days:,} days after each half ended"


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
    """``95% CI 8.4% to 10.5%`` (``37 to 42 days``) in the measure's units, with "to" as every
    other interval is written."""
    if _missing(low) and _missing(high):
        return ""
    days = measure.startswith("median")

    def one(v: Any) -> str:
        if _missing(v):
            return "?"
        if days:
            return "not reached" if math.isinf(v) else f"{v:,.0f}"
        return f"{100 * v:.1f}%"

    if days and not _missing(high) and math.isinf(high):
        return f"95% CI from {one(low)} days (upper limit not reached)"
    return f"95% CI {one(low)} to {one(high)}{' days' if days else ''}"


def _change(row: dict[str, Any]) -> str:
    d = row["difference"]
    if _missing(d):
        return "–"
    if row["measure"].startswith("median"):
        words = (
            "same median" if d == 0 else f"{fmt.days(abs(d))} {'longer' if d > 0 else 'shorter'}"
        )
        if _missing(row.get("ci_low")) or _missing(row.get("ci_high")):
            return words
        return f"{words} ({fmt.days_interval(row['ci_low'], row['ci_high'])})"
    return _points_change(d, row.get("ci_low"), row.get("ci_high"))


def _points_change(d: float, low: Any, high: Any) -> str:
    """A change in a share in words: ``0.3 percentage points lower (95% CI −6.6 to +5.9
    percentage points)``, led by "no clear change" when the interval includes no change."""
    value = 100 * d
    words = (
        "about the same"
        if abs(value) < 0.05
        else f"{abs(value):.1f} percentage points {'higher' if value > 0 else 'lower'}"
    )
    if _missing(low) or _missing(high):
        return words
    text = f"{words} ({fmt.points_interval(low, high)})"
    return f"no clear change: {text}" if low <= 0 <= high else text


SHORT_GROUPS = {
    "charged": "Charged/summonsed",
    "out_of_court": "Out-of-court disposal",
    "victim_does_not_support": "Victim does not support action",
    "evidential_difficulties_victim_supports": "Evidential difficulties, victim supports action",
    "prevented_or_not_in_public_interest": "Prevented / not in public interest",
    "no_suspect_identified": "No suspect identified",
    "other": "Other outcome",
    "open": "Open (no outcome yet)",
}


RATE_OF = {
    "charged": "charge_rate",
    "victim_does_not_support": "victim_not_supporting_rate",
    "open": "open_share",
}
"""Outcome groups whose share is a headline rate (the tiles' figure)."""


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
    return verdict_html(verdict, compact=compact)


def _kpi(result: AuditResult, measure: str) -> str:
    head = result.table
    now = head.filter((pl.col("role") == "current") & (pl.col("measure") == measure))
    row = now.row(0, named=True) if now.height else None
    value = fmt_value(measure, row["estimate"] if row else None)
    ci = fmt_ci(measure, row["ci_low"], row["ci_high"]) if row else ""
    lines: list[tuple[str, str | None]] = []
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
            (f"{'vs previous' if role == 'previous' else 'vs year earlier'} {past}:", verdict)
        )
    return compared_kpi_html(value, MEASURE_LABELS[measure], ci, lines)


_BASE_WORDS = {
    "recorded": "crimes recorded",
    "assigned": "outcomes assigned",
    "cjs": "CPS and court events",
    "victim_survey": "victim survey",
}


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
            f"from {fmt_value(m, row['from_estimate'])} {than} ({html.escape(_change(row))})"
        )
    return (
        f"<li><b>{html.escape(MEASURE_LABELS.get(m, pretty(m)))}</b> — {html.escape(where)} "
        f"<span class='note'>({html.escape(_BASE_WORDS.get(first['base'], first['base']))})</span>: "
        f"<b>{fmt_value(m, first['to_estimate'])}</b> now, " + "; ".join(parts) + "</li>"
    )


def framework_html(*, public: bool) -> str:
    """The outcome framework table in words (headline groups by their short labels). The
    analyst's version keeps which names and groups are still to be checked against the Home
    Office technical annex; the public one gives the published source only."""
    frame = framework_table().with_columns(
        headline_group=pl.col("headline_group").replace_strict(
            SHORT_GROUPS, default=pl.col("headline_group")
        )
    )
    labels = {
        "code": "outcome code",
        "name": "name",
        "bulletin_group": "Home Office bulletin group",
        "headline_group": "group in this report",
        "name_status": "name checked",
        "group_status": "group checked",
    }
    if public:
        return (
            "<p class='note'>Outcome types as in the Home Office crime outcomes framework "
            "(outcomes bulletin, Table 1.1).</p>"
            + table_html(
                frame.select("code", "name", "bulletin_group", "headline_group"), labels=labels
            )
        )
    return (
        "<p class='note'>"
        + html.escape(SOURCE)
        + ". Names and group memberships marked unverified must be checked against the Home "
        "Office technical annex.</p>"
        + table_html(
            frame.select(
                "code", "name", "bulletin_group", "headline_group", "name_status", "group_status"
            ),
            labels=labels,
        )
    )


def exclusions_html(exclusions: pl.DataFrame, note: str = "") -> str:
    """The scope rules' counts, described in words (not by their rule names); ``note`` (plain
    text) says what the remaining crimes are against the report's own periods."""
    if "description" not in exclusions.columns:
        return table_html(exclusions)
    shown = exclusions.select(
        [c for c in ("description", "crimes_excluded", "crimes_remaining") if c in exclusions]
    )
    return (f"<p class='note'>{html.escape(note)}</p>" if note else "") + table_html(
        shown,
        labels={
            "description": "left out because",
            "crimes_excluded": "crimes left out",
            "crimes_remaining": "crimes remaining",
        },
    )


def placement_sentence(placement: Placement | None) -> str:
    """How crimes were put in districts, in words (HTML-escaped); with the counts when the
    Result holds them (a public Result does not release counts by placement method)."""
    text = (
        "Each crime is put in its district by the code of its small area (LSOA), or by its "
        "map coordinates where that code is missing or not recognised, as in the problem profile."
    )
    if placement is not None:
        text += " " + placement.sentence()
    return html.escape(text)


def percent_data(figure: Any, category: str, value: str = "share") -> pl.DataFrame:
    """The numbers a percentage chart draws, for the data table under it: one row per point,
    the value with one decimal and a percent sign, as the tiles and tables write it (the
    default table would print the raw floats)."""
    rows: list[tuple[str, str, str]] = []
    for trace in figure.data:
        xs, ys = list(trace.x or []), list(trace.y or [])
        if getattr(trace, "orientation", None) == "h":
            xs, ys = ys, xs
        name = str(trace.name or "").replace("<br>", " ")
        for x, y in zip(xs, ys, strict=False):
            shown = "–" if _missing(y) else f"{y:.1f}%"
            rows.append((name, str(x).replace("<br>", " "), shown))
    frame = pl.DataFrame(rows, schema=["series", category, value], orient="row")
    if frame["series"].n_unique() <= 1:
        frame = frame.drop("series")
    return frame


def one_decimal(values: list[Any]) -> list[float | None]:
    """Percentages rounded to one decimal, as drawn (hover and data table agree with tiles)."""
    return [None if _missing(v) else round(float(v), 1) for v in values]
