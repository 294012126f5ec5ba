"""The outcomes report: :class:`~vawg.outcomes.summary.OutcomeSummary` → HTML, JSON and CSV.

Every financial half-year of the period on both Home Office count bases, time to outcome,
attrition, the outcome framework with what is verified, and the police.uk outcome categories
when police.uk files are loaded. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.outcomes.attrition import AttritionResult
from vawg.outcomes.audit import MEASURE_LABELS
from vawg.outcomes.framework import HEADLINE_GROUPS, police_uk_table
from vawg.outcomes.mainpoints import outcomes_main_points
from vawg.outcomes.summary import ATTRITION_FOLLOW_UP_DAYS, OutcomeSummary
from vawg.report import fmt
from vawg.report.audit import GROUP_COLOURS, STYLE, fmt_ci, fmt_value, pretty
from vawg.report.audit._format import (
    RATE_OF,
    SHORT_GROUPS,
    exclusions_html,
    framework_html,
    half_months,
    one_decimal,
    percent_data,
    placement_sentence,
)
from vawg.report.audit.writers import rates_csv_rows
from vawg.report.page import (
    Classification,
    Section,
    details_html,
    disclosure_rule,
    figure_html,
    half_axis,
    kpi_html,
    paragraphs,
    render_page,
    table_html,
)
from vawg.results import to_jsonable

__all__ = ["outcomes_csv_rows", "outcomes_html", "outcomes_json"]

_MEASURES = ("charge_rate", "victim_not_supporting_rate", "open_share")
_BASE_COLOURS = {"recorded": "#0072B2", "assigned": "#D55E00"}
_BASE_NAMES = {
    "recorded": "Crimes recorded (outcome by data date)",
    "assigned": "Outcomes assigned",
}


_RATE_LABELS = {
    "half": "half-year",
    "base": "count base",
    "numerator": "crimes with the outcome",
    "denominator": "out of",
    "ci": "95% CI",
}


def _all(result: OutcomeSummary) -> pl.DataFrame:
    return result.table.filter(pl.col("dimension") == "all")


def _row(frame: pl.DataFrame, **match: str) -> dict[str, Any] | None:
    for key, value in match.items():
        frame = frame.filter(pl.col(key) == value)
    return frame.row(0, named=True) if frame.height else None


def _trend(result: OutcomeSummary, measure: str) -> str:
    fig = go.Figure()
    rates = _all(result).filter(pl.col("measure") == measure)
    for base in ("recorded", "assigned"):
        part = rates.filter(pl.col("base") == base).sort("half")
        if not part.height:
            continue
        est = one_decimal([None if v is None else 100 * v for v in part["estimate"].to_list()])
        high = [
            None if v is None or e is None else 100 * v - e
            for v, e in zip(part["ci_high"].to_list(), est, strict=True)
        ]
        low = [
            None if v is None or e is None else e - 100 * v
            for v, e in zip(part["ci_low"].to_list(), est, strict=True)
        ]
        fig.add_scatter(
            x=[half_months(h) for h in part["half"].to_list()],
            y=est,
            mode="lines+markers",
            name=_BASE_NAMES[base],
            line={"color": _BASE_COLOURS[base]},
            error_y={"type": "data", "symmetric": False, "array": high, "arrayminus": low},
        )
    fig.update_layout(
        title=MEASURE_LABELS[measure] + " by half-year (95% CI)",
        # ticked "10%", as every other share axis, under a title in words (not a bare "%")
        yaxis={"title": "rate", "ticksuffix": "%", "rangemode": "tozero"},
        xaxis=half_axis([half_months(h) for h in sorted(set(rates["half"].to_list()))]),
        legend={"orientation": "h", "y": -0.45},
    )
    return figure_html(fig, height=420, data=percent_data(fig, "half-year", "rate"))


def _summary(result: OutcomeSummary) -> Section:
    latest = result.halves[-1] if result.halves else None
    months = half_months(latest.label) if latest else "no half-year"
    earlier = latest.year_earlier().label if latest else ""
    as_of = f"{result.as_of.day} {result.as_of:%b %Y}"
    rates = _all(result)
    kpis = []
    for base, measure in (
        ("assigned", "charge_rate"),
        ("assigned", "victim_not_supporting_rate"),
        ("recorded", "charge_rate"),
        ("recorded", "open_share"),
    ):
        r = _row(rates, base=base, measure=measure, half=latest.label if latest else "")
        then = _row(rates, base=base, measure=measure, half=earlier)
        where = (
            f"outcomes assigned in {months}"
            if base == "assigned"
            else f"crimes recorded in {months}, outcomes by {as_of} (the data date)"
        )
        ci = fmt_ci(measure, r["ci_low"], r["ci_high"]) if r else ""
        if then is not None and then["estimate"] is not None:
            ci += f" · {half_months(earlier)}: {fmt_value(measure, then['estimate'])}" + (
                "" if base == "assigned" else " (followed a year longer)"
            )
        kpis.append(
            kpi_html(
                fmt_value(measure, r["estimate"] if r else None),
                f"{MEASURE_LABELS[measure]}: {where}",
                ci,
            )
        )
    body = (
        STYLE
        + f'<div class="kpis">{"".join(kpis)}</div>'
        + _trend(result, "charge_rate")
        + _trend(result, "victim_not_supporting_rate")
        + "<p class='note'>Crimes recorded: outcomes as they stood on "
        f"{result.as_of.day} {result.as_of:%B %Y} (the data date), so recent halves have had less time to reach "
        "an outcome and look more open. The half-year audit counts each half at the same "
        "follow-up instead, so its charge rates for crimes recorded are lower than these. "
        "Outcomes assigned: every outcome given in the half, whenever the crime was recorded; "
        "these need no follow-up and match the audit's.</p>"
    )
    return Section("Summary", body)


def _rates_table(result: OutcomeSummary) -> Section:
    rates = (
        _all(result)
        .with_columns(
            measure=pl.col("measure").replace_strict(MEASURE_LABELS),
            base=pl.col("base").replace_strict(
                {"recorded": "crimes recorded", "assigned": "outcomes assigned"}
            ),
            rate=pl.struct("estimate").map_elements(
                lambda s: fmt_value("r", s["estimate"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", "") or "–",
                return_dtype=pl.String,
            ),
        )
        .select("half", "base", "measure", "numerator", "denominator", "rate", "ci")
        .sort("base", "measure", "half")
        .with_columns(pl.col("half").map_elements(half_months, return_dtype=pl.String))
    )
    mix = result.counts.filter((pl.col("base") == "recorded") & (pl.col("dimension") == "all"))
    fig = go.Figure()
    halves = [h.label for h in result.halves]
    for group in HEADLINE_GROUPS:
        label = SHORT_GROUPS.get(group, group)
        shares = []
        for h in halves:
            part = mix.filter(pl.col("half") == h)
            total = part["count"].sum() if part["count"].null_count() == 0 else None
            v = part.filter(pl.col("group") == group)["count"]
            # a group with a headline rate is drawn at that rate, so bar, tile and table agree
            rate = result.table.filter(
                (pl.col("base") == "recorded")
                & (pl.col("dimension") == "all")
                & (pl.col("half") == h)
                & (pl.col("measure") == RATE_OF.get(group, ""))
            )["estimate"]
            if rate.len() and rate[0] is not None:
                shares.append(round(100 * rate[0], 1))
                continue
            shares.append(  # one decimal, as the chart's data table writes it
                None if not v.len() or v[0] is None or not total else round(100 * v[0] / total, 1)
            )
        fig.add_bar(
            x=[half_months(h) for h in halves],
            y=shares,
            name=label,
            marker_color=GROUP_COLOURS[group],
        )
    fig.update_layout(
        barmode="stack",
        title="Outcome of crimes recorded in each half (as at the data date)",
        yaxis={"title": "% of crimes recorded", "range": [0, 100]},
        xaxis=half_axis([half_months(h) for h in halves]),
        legend={"orientation": "h", "y": -0.45},
    )
    offence = (
        result.table.filter(
            (pl.col("dimension") == "offence_group")
            & (pl.col("base") == "assigned")
            & (pl.col("measure") == "charge_rate")
            & (pl.col("half") == (halves[-1] if halves else ""))
        )
        .with_columns(
            value=pl.col("value").map_elements(pretty, return_dtype=pl.String),
            rate=pl.struct("estimate").map_elements(
                lambda s: fmt_value("r", s["estimate"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", "") or "–",
                return_dtype=pl.String,
            ),
        )
        .select("value", "numerator", "denominator", "rate", "ci")
    )
    return Section(
        "Outcome rates by half-year",
        figure_html(fig, height=500, data=percent_data(fig, "half-year"))
        + details_html(
            f"Every rate, both count bases, every half-year ({rates.height} rows)",
            table_html(
                rates,
                caption=(
                    "Rates for all in scope (crimes recorded: outcomes by the data date, "
                    f"{result.as_of.day} {result.as_of:%B %Y})"
                ),
                max_rows=500,
                labels=_RATE_LABELS,
            ),
        ),
        subsections=(
            Section(
                "Charge rate by offence group, outcomes assigned in "
                + (half_months(halves[-1]) if halves else "no half-year"),
                table_html(offence, labels={"value": "offence group", **_RATE_LABELS}),
            ),
        ),
    )


def _survival(result: OutcomeSummary) -> Section:
    table = result.survival.table.with_columns(
        value=pl.col("value").map_elements(pretty, return_dtype=pl.String),
        median=pl.struct("median_days").map_elements(
            lambda s: fmt_value("median", s["median_days"]), return_dtype=pl.String
        ),
        ci=pl.struct("ci_low", "ci_high").map_elements(
            lambda s: fmt_ci("median", s["ci_low"], s["ci_high"]).replace("95% CI ", "") or "–",
            return_dtype=pl.String,
        ),
    ).select("half", "dimension", "value", "n", "outcomes", "open", "median", "ci")
    overall = result.survival.table.filter(pl.col("dimension") == "all").sort("half")
    fig = go.Figure()
    med = overall["median_days"].to_list()
    fig.add_scatter(
        x=[half_months(h) for h in overall["half"].to_list()],
        y=med,
        mode="markers+lines",
        line={"color": "#0072B2"},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [
                None if h is None or m is None or h == float("inf") else h - m
                for h, m in zip(overall["ci_high"].to_list(), med, strict=True)
            ],
            "arrayminus": [
                None if lo is None or m is None else m - lo
                for lo, m in zip(overall["ci_low"].to_list(), med, strict=True)
            ],
        },
        name="median days",
    )
    fig.update_layout(
        title="Median days from recording to any police outcome (95% CI)",
        yaxis={"title": "days", "rangemode": "tozero"},
        xaxis=half_axis([half_months(h) for h in overall["half"].to_list()]),
    )
    whole = table.filter(pl.col("dimension") == "all").drop("dimension", "value")
    groups = table.filter(pl.col("dimension") != "all")
    return Section(
        "Time to outcome",
        figure_html(fig, height=320)
        + table_html(
            whole.with_columns(pl.col("half").map_elements(half_months, return_dtype=pl.String)),
            caption=(
                "Median days to any police outcome, whole scope (crimes still open count up to "
                "the data date)"
            ),
            labels={
                "half": "half-year",
                "n": "crimes recorded",
                "outcomes": "with an outcome",
                "ci": "95% CI",
                "open": "still open at the data date",
            },
        )
        + details_html(
            f"By offence group ({groups.height} rows)",
            table_html(
                groups.drop("dimension").with_columns(
                    pl.col("half").map_elements(half_months, return_dtype=pl.String)
                ),
                max_rows=500,
                labels={
                    "half": "half-year",
                    "value": "offence group",
                    "n": "crimes recorded",
                    "outcomes": "with an outcome",
                    "ci": "95% CI",
                    "open": "still open at the data date",
                },
            ),
        ),
    )


def _stage_tables(attr: AttritionResult) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    table = attr.table.with_columns(
        stage=pl.col("stage").map_elements(lambda v: pretty(v, "stage"), return_dtype=pl.String),
        share=pl.struct("share_of_recorded").map_elements(
            lambda s: fmt_value("r", s["share_of_recorded"]), return_dtype=pl.String
        ),
    )
    months = pl.col("half").map_elements(half_months, return_dtype=pl.String)
    wide = (
        table.pivot(on="stage", index=["half", "days_followed"], values="share")
        .sort("half")
        .with_columns(months)
    )
    counts = table.pivot(on="stage", index="half", values="count").sort("half").with_columns(months)
    return table, wide, counts


_ATTRITION_CHART_STAGES = ("Outcome assigned", "Suspect identified", "Charged", "Convicted")


def _attrition(result: OutcomeSummary) -> Section:
    equal = result.attrition_equal
    _, wide_now, counts_now = _stage_tables(result.attrition)
    labels = {"half": "half-year", "days_followed": "days followed after the half ended"}
    at_data_date = details_html(
        "Every half as it stood at the data date (recent halves have had less time)",
        table_html(wide_now, caption="Share of crimes recorded reaching each stage", labels=labels)
        + table_html(counts_now, caption="Crimes recorded reaching each stage", labels=labels),
    )
    if equal is None:
        return Section(
            "Attrition",
            paragraphs(
                f"No half-year has yet had {ATTRITION_FOLLOW_UP_DAYS} days after its end, so "
                "attrition cannot be compared between halves at equal follow-up."
            )
            + at_data_date,
        )
    table, wide, counts = _stage_tables(equal)
    fig = go.Figure()
    for stage in _ATTRITION_CHART_STAGES:
        part = table.filter(pl.col("stage") == stage).sort("half")
        if not part.height:
            continue
        fig.add_scatter(
            x=[half_months(h) for h in part["half"].to_list()],
            y=one_decimal([None if v is None else 100 * v for v in part["share_of_recorded"]]),
            mode="markers+lines",
            name=stage,
        )
    last = table["half"].max()
    fig.update_layout(
        title="Crimes reaching each stage within a year of the half's end",
        yaxis={"title": "% of crimes recorded", "rangemode": "tozero"},
        xaxis=half_axis([half_months(h) for h in sorted(set(table["half"].to_list()))]),
        legend={"orientation": "h", "y": -0.45},
        title_font_size=14,
    )
    return Section(
        "Attrition",
        figure_html(fig, height=440, data=percent_data(fig, "half-year"))
        + paragraphs(
            f"Every half is counted as it stood {ATTRITION_FOLLOW_UP_DAYS} days after it ended, "
            f"so the halves compare like with like; halves after {half_months(str(last))} have "
            "not yet had a year and are in the fold below. First hearings, verdicts and the "
            "other stages are in the tables."
        )
        + table_html(
            wide.drop("days_followed"),
            caption="Share of crimes recorded reaching each stage within a year of the half's end",
            labels=labels,
        )
        + table_html(
            counts,
            caption="Crimes recorded reaching each stage within a year of the half's end",
            labels=labels,
        )
        + at_data_date,
    )


def _police_uk(result: OutcomeSummary) -> Section | None:
    police = result.police_uk
    if police is None:
        return None

    def show(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(
            share=pl.struct("share").map_elements(
                lambda s: fmt_value("r", s["share"]), return_dtype=pl.String
            ),
            ci=pl.struct("ci_low", "ci_high").map_elements(
                lambda s: fmt_ci("r", s["ci_low"], s["ci_high"]).replace("95% CI ", "") or "–",
                return_dtype=pl.String,
            ),
        ).drop("ci_low", "ci_high")

    months = f"{police.months[0]} to {police.months[1]}" if police.months else "no months"
    body = (
        f"<p>police.uk street-level data, crime type “{html.escape(police.crime_type)}”, {months}. "
        "The “Last outcome category” is a snapshot that can change and is not quality-assured; "
        "its mapping to outcome groups is unverified and <b>coarse</b> where one category spans "
        "several groups (e.g. “Unable to prosecute suspect” cannot say whether the victim "
        "supported action). This category covers all violence and sexual offences, not VAWG.</p>"
    )
    return Section(
        "police.uk open data",
        body
        + table_html(show(police.groups), caption="By nearest outcome group")
        + table_html(show(police.table), caption="By published category"),
    )


def _methods(result: OutcomeSummary) -> Section:
    parts = [
        "<h3>Methods</h3><ul><li>Rates with Wilson score intervals (Wilson 1927).</li>"
        "<li>Time to outcome: Kaplan–Meier with open cases censored; medians with Brookmeyer–"
        "Crowley (1982) log-log intervals.</li><li>Crimes recorded base: denominator every "
        "crime recorded in the half, open ones included as open; outcomes assigned base: every "
        "outcome dated in the half.</li>"
        f"<li>District: {placement_sentence(result.placement)}</li></ul>",
        "<h3>Outcome framework</h3>" + framework_html(public=result.public),
        *(
            ()
            if result.police_uk is None
            else (
                details_html(
                    "How police.uk outcome categories are matched to these groups",
                    table_html(
                        police_uk_table().drop("group"),
                        labels={
                            "category": "police.uk category",
                            "group_label": "nearest group",
                            "likely_types": "likely outcome types",
                            "precision": "match",
                            "status": "checked",
                        },
                    ),
                ),
            )
        ),
        "<h3>Scope exclusions</h3>"
        + exclusions_html(
            result.exclusions,
            "Crimes remaining counts every in-scope crime recorded up to the data date "
            f"({result.as_of.day} {result.as_of:%B %Y}); the half-years of this report count "
            "only those recorded "
            + (
                f"in {fmt.period(result.halves[0].start, result.halves[-1].end)}"
                if result.halves
                else "in complete half-years"
            )
            + ", so they add to fewer.",
        ),
    ]
    if result.public:
        parts.insert(
            0,
            "<div class='callout'><b>Disclosure control.</b> "
            + html.escape(" ".join(disclosure_rule(result.params.settings)["method"]))
            + "</div>",
        )
    return Section("Methods, definitions and assumptions", "".join(parts))


def outcomes_html(result: OutcomeSummary) -> str:
    """The self-contained outcomes report."""
    sections = [_summary(result), _rates_table(result), _survival(result), _attrition(result)]
    police = _police_uk(result)
    if police is not None:
        sections.append(police)
    sections.append(_methods(result))
    first, last = (result.halves[0], result.halves[-1]) if result.halves else (None, None)
    span = fmt.period(first.start, last.end) if first and last else "no complete half-years"
    return render_page(
        "Criminal justice outcomes",
        sections,
        classification=Classification.public(disclosure_rule(result.params.settings))
        if result.public
        else Classification(
            "OFFICIAL-SENSITIVE",
            "Aggregate figures; every count exact, small ones included. Not for publication.",
        ),
        subtitle=f"Violence against women and girls scope · {span} · data to {result.as_of.day} {result.as_of:%B %Y}",
        main_points=outcomes_main_points(result),
    )


def outcomes_json(result: OutcomeSummary) -> str:
    """The same figures as JSON: ``by_half[half][base][measure] = {estimate, ci_low, ci_high}``."""
    by_half: dict[str, Any] = {}
    rates = _all(result)
    for half in result.halves:
        entry: dict[str, Any] = {}
        for base in ("recorded", "assigned"):
            part = rates.filter((pl.col("half") == half.label) & (pl.col("base") == base))
            figures: dict[str, Any] = {}
            for r in part.iter_rows(named=True):
                figures["n"] = r["denominator"]
                figures[r["measure"]] = {
                    k: to_jsonable(r[k]) for k in ("estimate", "ci_low", "ci_high")
                }
            entry[base] = figures
        km = _row(result.survival.table, half=half.label, dimension="all")
        entry["median_days_to_outcome"] = None
        if km:
            entry["median_days_to_outcome"] = {
                "estimate": to_jsonable(km["median_days"]),
                "ci_low": to_jsonable(km["ci_low"]),
                "ci_high": to_jsonable(km["ci_high"]),
            }
        by_half[half.label] = entry
    police = result.police_uk
    doc = {
        "as_of": result.as_of.isoformat(),
        "public": result.public,
        "disclosure_threshold": result.threshold,
        "halves": [h.label for h in result.halves],
        "by_half": by_half,
        "rates": to_jsonable(result.table),
        "outcome_counts": to_jsonable(result.counts),
        "time_to_outcome": to_jsonable(result.survival.table),
        "attrition": to_jsonable(result.attrition.table),
        "police_uk": None
        if police is None
        else {
            "crime_type": police.crime_type,
            "months": police.months,
            "categories": to_jsonable(police.table),
            "groups": to_jsonable(police.groups),
        },
        "scope_exclusions": to_jsonable(result.exclusions),
        "params": to_jsonable(result.params),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def outcomes_csv_rows(result: OutcomeSummary) -> tuple[list[str], list[list[Any]]]:
    """Every rate (both bases, every group, every half) as one tidy CSV."""
    return rates_csv_rows(result.table)
