"""The perpetrator problem profile report: :class:`ProfileResult` → HTML, JSON and CSV.

The HTML opens with a summary a PCC can read in two minutes (key figures with their intervals
and plain-English findings), then the detail with charts and tables, then scope and methods.
A public result (:func:`vawg.profile.public.disclose`) renders the same page with suppressed
cells shown as "–" and no person-level list. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vawg.disclosure import RULE_TEXT
from vawg.profile.opendata import OpenDataResult
from vawg.profile.profile import ProfileResult
from vawg.report.page import Classification, Section, render_page, table_html
from vawg.report.page import figure_html as _page_figure
from vawg.results import Estimate, to_jsonable
from vawg.safe_csv import write_csv

__all__ = [
    "open_data_dict",
    "open_data_html",
    "profile_csv_rows",
    "profile_html",
    "profile_json",
    "write_open_data",
    "write_profile",
]

ACCENT, HOME_C, PUBLIC_C, UNKNOWN_C, GREY = "#5b2a86", "#5b2a86", "#e07b39", "#b8bec9", "#9aa1ad"
LABELS = {
    "violence_with_injury": "Violence with injury",
    "violence_without_injury": "Violence without injury",
    "stalking": "Stalking",
    "harassment": "Harassment",
    "coercive_control": "Coercive control",
    "rape": "Rape",
    "other_sexual": "Other sexual offences",
    "drink_spiking": "Drink spiking",
    "other": "Other (domestic abuse flagged)",
}


# ------------------------------------------------------------------------------------------
# Formatting
# ------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _n(value: int | float | None) -> str:
    return "–" if _missing(value) else f"{int(value):,}"  # type: ignore[arg-type]


def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if _missing(value) else f"{100 * value:.{digits}f}%"  # type: ignore[operator]


def _x(value: float | None, digits: int = 2) -> str:
    return "–" if _missing(value) else f"{value:.{digits}f}"


def _ci(e: Estimate, fmt: Any = _x) -> str:
    if _missing(e.ci_low) or _missing(e.ci_high):
        return ""
    return f"95% CI {fmt(e.ci_low)} to {fmt(e.ci_high)}"


def figure_html(fig: go.Figure, *, height: int = 380) -> str:
    """A chart with its tool bar down the right-hand side (clear of the title)."""
    fig.update_layout(modebar={"orientation": "v"}, title={"font": {"size": 15}})
    return _page_figure(fig, height=height)


def _finite_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Infinite ratios and limits (no public crimes) shown as empty cells."""
    floats = [c for c, t in frame.schema.items() if t in (pl.Float64, pl.Float32)]
    return frame.with_columns(
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in floats
    )


def _kpi(value: str, label: str, ci: str = "") -> str:
    ci_html = f'<div class="ci">{html.escape(ci)}</div>' if ci else ""
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div>{ci_html}</div>'
    )


def _label(frame: pl.DataFrame, column: str = "offence_group") -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace(LABELS))


def _ul(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _esc(text: str) -> str:
    return html.escape(text)


# ------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------


def _findings(r: ProfileResult) -> list[str]:
    p, pe, h, v = r.place, r.people, r.harm, r.volume
    out = []
    start, end = r.period
    if r.crimes_in_scope is not None:
        out.append(
            f"<b>{_n(r.crimes_in_scope)}</b> VAWG crimes were recorded between "
            f"{start:%d %B %Y} and {end:%d %B %Y}, involving <b>{_n(r.distinct_offenders)}</b> "
            f"male perpetrators aged 18+ and <b>{_n(r.distinct_victims)}</b> women and girls."
        )
    ratio = p.home_public_ratio
    if not _missing(ratio.estimate):
        out.append(
            f"For every crime in a public place there were <b>{ratio.estimate:.1f}</b> at home "
            f"({_ci(ratio, lambda x: f'{x:.1f}')}); {_n(p.unknown_location_crimes)} crimes with "
            "no recorded location are left out of this comparison."
        )
    top = h.harm_share_top_10pct
    if not _missing(top.estimate):
        out.append(
            f"Harm is concentrated: the most harmful 10% of perpetrators account for "
            f"<b>{_pct(top.estimate)}</b> of all recorded harm ({_ci(top, _pct)}), weighting "
            "each crime by a Cambridge Crime Harm Index-style score (several weights are "
            "assumptions: see Methods)."
        )
    if not _missing(pe.repeat_victim_share.estimate):
        out.append(
            f"<b>{_pct(pe.repeat_victim_share.estimate)}</b> of victims "
            f"({_n(pe.repeat_victims)}) and <b>{_pct(pe.repeat_offender_share.estimate)}</b> "
            f"of perpetrators ({_n(pe.repeat_offenders)}) appear in two or more crimes in the "
            "period."
        )
    trend = v.trend.rate_ratio_per_year
    if not _missing(trend.estimate):
        change = (trend.estimate - 1) * 100
        direction = "rose" if change > 0 else "fell"
        sig = (
            "a change unlikely to be chance"
            if trend.p_value is not None and trend.p_value < 0.05
            else "not clearly different from no change"
        )
        out.append(
            f"Recorded crimes {direction} by about <b>{abs(change):.1f}% a year</b> "
            f"({_ci(trend, lambda x: f'{(x - 1) * 100:+.1f}%')}; {sig}). Recorded crime "
            "reflects reporting and recording as well as offending."
        )
    return out


def _summary(r: ProfileResult) -> Section:
    p, pe, h, v = r.place, r.people, r.harm, r.volume
    ratio, top, trend = p.home_public_ratio, h.harm_share_top_10pct, v.trend.rate_ratio_per_year
    kpis = "".join(
        [
            _kpi(_n(r.crimes_in_scope), "VAWG crimes in scope"),
            _kpi(_n(r.distinct_offenders), "male perpetrators aged 18+"),
            _kpi(_n(r.distinct_victims), "women and girls harmed"),
            _kpi(
                "–" if _missing(ratio.estimate) else f"{ratio.estimate:.1f} : 1",
                "crimes at home for each in public",
                _ci(ratio, lambda x: f"{x:.1f}"),
            ),
            _kpi(_pct(top.estimate), "of harm caused by the most harmful 10%", _ci(top, _pct)),
            _kpi(
                _pct(pe.repeat_victim_share.estimate),
                "of victims harmed more than once",
                _ci(pe.repeat_victim_share, _pct),
            ),
            _kpi(
                _pct(pe.repeat_offender_share.estimate),
                "of perpetrators with 2+ crimes",
                _ci(pe.repeat_offender_share, _pct),
            ),
            _kpi(
                "–" if _missing(trend.estimate) else f"{(trend.estimate - 1) * 100:+.1f}%",
                "change in recorded crimes per year",
                _ci(trend, lambda x: f"{(x - 1) * 100:+.1f}%"),
            ),
        ]
    )
    start, end = r.period
    findings = _findings(r)
    body = (
        f'<div class="kpis">{kpis}</div>'
        f'<div class="callout"><b>Key findings</b>{_ul(findings)}</div>'
        '<p class="note">These are crimes reported to and recorded by the police from '
        f"{start:%d %b %Y} to {end:%d %b %Y} (by recorded date). Most violence against women "
        "and girls is never reported, so the true numbers are higher. Intervals are 95% "
        "confidence intervals; methods and definitions are at the end of this report.</p>"
    )
    if r.public:
        body += (
            f'<p class="note">Public version: {_esc(RULE_TEXT.format(limit=_threshold(r) - 1))}'
            " Suppressed figures are shown as –.</p>"
        )
    return Section("Summary", body, anchor="summary")


def _threshold(r: ProfileResult) -> int:
    return int(r.params.settings.get("disclosure_threshold", 5))


# ------------------------------------------------------------------------------------------
# Detail sections
# ------------------------------------------------------------------------------------------


def _volume(r: ProfileResult) -> Section:
    v = r.volume
    months = v.by_month
    fig = go.Figure()
    fig.add_bar(
        x=months["month"].to_list(),
        y=months["crimes"].to_list(),
        name="crimes recorded",
        marker_color="#c7b6dc",
    )
    if v.trend.fitted:
        fig.add_scatter(
            x=months["month"].to_list(),
            y=v.trend.fitted,
            name=f"trend ({v.trend.model})",
            mode="lines",
            line={"color": ACCENT, "width": 3},
        )
    fig.update_layout(
        title="In-scope crimes by month recorded",
        yaxis_title="crimes",
        legend={"orientation": "h", "y": -0.15},
    )
    years = v.by_financial_year
    fy = go.Figure()
    for column, colour in (("crimes", ACCENT), ("offenders", PUBLIC_C), ("victims", "#2a9d8f")):
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
        title="Crimes per 1,000 female residents per year (95% CI)", xaxis_title="rate"
    )
    trend = v.trend
    t = trend.rate_ratio_per_year
    trend_text = (
        f"Trend: rate ratio per year {_x(t.estimate, 3)} ({_ci(t, lambda x: f'{x:.3f}')}; "
        f"p = {_x(t.p_value, 3)}), {trend.model} regression of {trend.months} monthly counts "
        f"on time with log(days) offset"
        + (f"; NB2 dispersion alpha = {trend.alpha:.3g}" if trend.alpha is not None else "")
        + (f"; AIC Poisson {trend.aic_poisson:.1f}" if trend.aic_poisson is not None else "")
        + (
            f", NB2 {trend.aic_negative_binomial:.1f}"
            if trend.aic_negative_binomial is not None
            else ""
        )
        + ". "
        + trend.note
    )
    rate = v.rate_per_1000_per_year
    body = (
        figure_html(fig, height=360)
        + f'<p class="note">{_esc(trend_text)}</p>'
        + '<div style="display:grid;grid-template-columns:1fr 1fr;gap:12px">'
        + figure_html(fy, height=340)
        + figure_html(og, height=340)
        + "</div>"
        + (
            figure_html(rates, height=max(260, 26 * district.height + 80))
            if district.height
            else ""
        )
        + paragraphs_html(
            f"Across the force area: {_x(rate.estimate, 2)} in-scope crimes per 1,000 female "
            f"residents per year ({_ci(rate)}), using ONS mid-2019 female population "
            f"({_n(v.female_population)}) of the districts in {r.district_source}."
        )
        + table_html(
            v.by_district.select(
                "district",
                "crimes",
                "female_population",
                "rate_per_1000_per_year",
                "ci_low",
                "ci_high",
            ),
            caption="By district (Unknown = no LSOA, or an LSOA outside the area reference)",
            labels={"rate_per_1000_per_year": "per 1,000 female residents per year"},
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


def paragraphs_html(*texts: str) -> str:
    """Paragraphs of plain text."""
    return "".join(f"<p>{_esc(t)}</p>" for t in texts)


def _place(r: ProfileResult) -> Section:
    p = r.place
    by_district = p.by_district.sort("crimes", descending=True, nulls_last=True)
    stacked = go.Figure()
    for column, colour, name in (
        ("home", HOME_C, "home (dwelling)"),
        ("public", PUBLIC_C, "public"),
        ("unknown", UNKNOWN_C, "location unknown"),
    ):
        stacked.add_bar(
            x=by_district["district"].to_list(),
            y=by_district[column].to_list(),
            name=name,
            marker_color=colour,
        )
    stacked.update_layout(
        title="Home and public crimes by district",
        barmode="stack",
        legend={"orientation": "h", "y": -0.25},
    )
    forest = _forest(
        pl.concat(
            [
                pl.DataFrame(
                    {
                        "group": ["All"],
                        "ratio": [p.home_public_ratio.estimate],
                        "ci_low": [p.home_public_ratio.ci_low],
                        "ci_high": [p.home_public_ratio.ci_high],
                    }
                ),
                _label(p.by_offence_group).select(
                    pl.col("offence_group").alias("group"), "ratio", "ci_low", "ci_high"
                ),
            ],
            how="vertical_relaxed",
        ),
        "Home / public ratio by offence group (95% CI, log scale)",
    )
    ratio = p.home_public_ratio
    body = (
        '<div class="kpis">'
        + _kpi(_n(p.home_crimes), "crimes at home (dwelling)")
        + _kpi(_n(p.public_crimes), "crimes in public places")
        + _kpi(_n(p.unknown_location_crimes), "location not recorded (left out of the ratio)")
        + _kpi(
            "–" if _missing(ratio.estimate) else f"{ratio.estimate:.2f}",
            "home / public ratio",
            _ci(ratio),
        )
        + "</div>"
        + figure_html(stacked, height=400)
        + forest
        + table_html(
            _finite_table(
                by_district.select(
                    "district", "home", "public", "unknown", "crimes", "ratio", "ci_low", "ci_high"
                )
            ),
            caption="Home and public by district, with the home/public ratio (95% CI)",
        )
        + table_html(
            _finite_table(
                _label(p.by_offence_group).select(
                    "offence_group",
                    "home",
                    "public",
                    "unknown",
                    "crimes",
                    "ratio",
                    "ci_low",
                    "ci_high",
                )
            ),
            caption="Home and public by offence group (empty ratio: no public crimes, or "
            "suppressed)",
        )
        + table_html(p.by_location_type, caption="Every recorded location type")
    )
    return Section("Place: home and public", body, anchor="place")


def _forest(frame: pl.DataFrame, title: str) -> str:
    rows = frame.filter(
        pl.col("ratio").is_not_null()
        & pl.col("ratio").is_finite()
        & pl.col("ci_high").is_finite()
        & (pl.col("ci_low") > 0)
    )
    if rows.is_empty():
        return ""
    fig = go.Figure(
        go.Scatter(
            x=rows["ratio"].to_list(),
            y=rows["group"].to_list(),
            mode="markers",
            marker={"color": ACCENT, "size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (rows["ci_high"] - rows["ratio"]).to_list(),
                "arrayminus": (rows["ratio"] - rows["ci_low"]).to_list(),
                "color": GREY,
            },
        )
    )
    fig.add_vline(x=1, line_dash="dot", line_color=GREY)
    fig.update_layout(
        title=title,
        xaxis_type="log",
        xaxis_title="home crimes per public crime",
        yaxis={"autorange": "reversed"},
    )
    return figure_html(fig, height=max(260, 30 * rows.height + 90))


def _bar(frame: pl.DataFrame, x: str, y: str, title: str, colour: str = ACCENT) -> go.Figure:
    fig = go.Figure(go.Bar(x=frame[x].to_list(), y=frame[y].to_list(), marker_color=colour))
    fig.update_layout(title=title, yaxis_title=y)
    return fig


def _people(r: ProfileResult) -> Section:
    pe = r.people
    ages = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Perpetrators' age at first crime", "Victims' age at first crime"),
    )
    ages.add_bar(
        x=pe.offender_age["age_band"].to_list(),
        y=pe.offender_age["offenders"].to_list(),
        marker_color=ACCENT,
        name="perpetrators",
        row=1,
        col=1,
    )
    ages.add_bar(
        x=pe.victim_age["age_band"].to_list(),
        y=pe.victim_age["victims"].to_list(),
        marker_color="#2a9d8f",
        name="victims",
        row=1,
        col=2,
    )
    ages.update_layout(showlegend=False)
    rel = _bar(pe.relationship, "relationship", "victims", "Relationship to the perpetrator")
    rep = make_subplots(
        rows=1, cols=2, subplot_titles=("Crimes per victim", "Crimes per perpetrator")
    )
    rep.add_bar(
        x=pe.victim_crimes["band"].to_list(),
        y=pe.victim_crimes["victims"].to_list(),
        marker_color="#2a9d8f",
        row=1,
        col=1,
    )
    rep.add_bar(
        x=pe.offender_crimes["band"].to_list(),
        y=pe.offender_crimes["offenders"].to_list(),
        marker_color=ACCENT,
        row=1,
        col=2,
    )
    rep.update_layout(showlegend=False)
    links = (
        pe.offender_victims.rename({"offenders": "perpetrators"})
        .join(
            pe.victim_offenders.rename({"victims": "victims with this many perpetrators"}),
            on="band",
            how="full",
            coalesce=True,
        )
        .rename({"perpetrators": "perpetrators with this many victims", "band": "number"})
    )
    body = (
        table_html(
            pe.table, caption="Repeats and multiple links (share of distinct people, exact 95% CI)"
        )
        + figure_html(ages, height=360)
        + '<div style="display:grid;grid-template-columns:1fr 1fr;gap:12px">'
        + figure_html(rel, height=340)
        + figure_html(rep, height=340)
        + "</div>"
        + table_html(
            links,
            caption="Perpetrators by number of victims, and victims by number of perpetrators",
        )
    )
    return Section("People", body, anchor="people")


def _harm(r: ProfileResult) -> Section:
    h = r.harm
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 1], y=[0, 1], mode="lines", name="equal harm", line={"dash": "dot", "color": GREY}
    )
    if h.lorenz.height:
        fig.add_scatter(
            x=h.lorenz["population_share"].to_list(),
            y=h.lorenz["harm_share"].to_list(),
            mode="lines",
            name="Lorenz curve",
            line={"color": ACCENT, "width": 3},
            fill="tonexty",
            fillcolor="rgba(91,42,134,0.08)",
        )
    top = h.harm_share_top_10pct
    if not _missing(top.estimate):
        fig.add_scatter(
            x=[0.9],
            y=[1 - top.estimate],
            mode="markers+text",
            marker={"color": PUBLIC_C, "size": 10},
            text=[f"top 10% cause {_pct(top.estimate)}"],
            textposition="top left",
            name="top 10%",
        )
    fig.update_layout(
        title="Lorenz curve of harm",
        xaxis_title="share of perpetrators (least to most harmful)",
        yaxis_title="share of harm",
        xaxis_tickformat=".0%",
        yaxis_tickformat=".0%",
        legend={"orientation": "h", "y": -0.2},
    )
    conc = h.concentration.with_columns(pl.col("top_pct").cast(pl.String) + "%").rename(
        {"top_pct": "most harmful", "perpetrators": "perpetrators (n x share)"}
    )
    bars = go.Figure(
        go.Bar(
            x=[f"top {p}%" for p in h.concentration["top_pct"]],
            y=h.concentration["harm_share"].to_list(),
            marker_color=ACCENT,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (h.concentration["ci_high"] - h.concentration["harm_share"]).to_list(),
                "arrayminus": (h.concentration["harm_share"] - h.concentration["ci_low"]).to_list(),
                "color": GREY,
            },
        )
    )
    bars.update_layout(title="Harm share of the most harmful (95% CI)", yaxis_tickformat=".0%")
    by_group = _label(h.by_offence_group).sort("harm_days", nulls_last=True)
    hg = go.Figure(
        go.Bar(
            y=by_group["offence_group"].to_list(),
            x=by_group["harm_days"].to_list(),
            orientation="h",
            marker_color=ACCENT,
        )
    )
    hg.update_layout(title="Harm (days of custody) by offence group", xaxis_title="harm days")
    gini = h.gini
    body = (
        '<div style="display:grid;grid-template-columns:1.2fr 1fr;gap:12px">'
        + figure_html(fig, height=420)
        + figure_html(bars, height=420)
        + "</div>"
        + paragraphs_html(
            f"Gini coefficient of harm across {_n(h.perpetrators)} perpetrators: "
            f"{_x(gini.estimate, 3)} ({_ci(gini, lambda x: f'{x:.3f}')}). For comparison, the "
            "Kent profile of 2017-2022 reported that 10% of perpetrators caused 63% of harm."
        )
        + table_html(conc, caption="Harm concentration (percentile bootstrap 95% CI)")
        + figure_html(hg, height=340)
        + table_html(_label(h.by_offence_group), caption="Harm by offence group")
    )
    return Section("Harm", body, anchor="harm")


def _rfgv(r: ProfileResult) -> Section:
    rf = r.rfgv
    start, end = rf.window
    dist = rf.score_distribution.sort("score")
    fig = _bar(
        dist.with_columns(pl.col("score").map_elements(lambda x: f"{x:g}", return_dtype=pl.String)),
        "score",
        "perpetrators",
        "Perpetrators by RFGV score",
    )
    body = (
        paragraphs_html(
            f"Perpetrators of in-scope crimes recorded {start:%d %b %Y} to {end:%d %b %Y} "
            f"({_n(rf.perpetrators_scored)} scored) get four scores from 1 to 5 (recency, "
            "frequency, gravity = harm, victims) from the band edges below; the RFGV score is "
            "their weighted sum. Forces keep their own RFGV matrices; this one is explicit and every "
            "edge and weight is a setting (rfgv_*)."
        )
        + table_html(rf.bands, caption="Scoring bands and weights")
        + figure_html(fig, height=320)
    )
    if r.public:
        body += (
            '<div class="note">The ranked list of individual perpetrators is in the analyst '
            "(restricted) version only.</div>"
        )
    else:
        body += (
            '<div class="warning"><b>Restricted.</b> Person-level list: for tasking by '
            "authorised analysts only. A score ranks recorded crime; it is not a risk "
            "assessment and must be read with the intelligence picture.</div>"
            + table_html(
                rf.table, caption=f"Top {rf.table.height} perpetrators by RFGV score", max_rows=200
            )
        )
    return Section("Priority perpetrators (RFGV)", body, anchor="rfgv")


def _timing(r: ProfileResult) -> Section:
    t = r.timing
    grid = t.hour_by_day
    days = grid["day"].unique(maintain_order=True).to_list()
    z = [
        [grid.filter((pl.col("day") == d) & (pl.col("hour") == h))["crimes"][0] for h in range(24)]
        for d in days
    ]
    heat = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{h:02d}" for h in range(24)],
            y=days,
            colorscale="Purples",
            hoverongaps=False,
            colorbar={"title": "crimes"},
        )
    )
    heat.update_layout(
        title="When crimes were committed: hour of day by day of week",
        xaxis_title="hour (committed_from)",
        yaxis={"autorange": "reversed"},
    )
    months = _bar(t.by_month_of_year, "month_name", "crimes", "By month of the year")
    note = (
        f"{_pct(t.midnight_share, 1)} of crimes have a committed time of exactly 00:00, which "
        "some systems use when the time is unknown; treat the midnight column with care."
    )
    body = figure_html(heat, height=360) + paragraphs_html(note) + figure_html(months, height=300)
    return Section("Timing", body, anchor="timing")


def _scope(r: ProfileResult) -> Section:
    ex = r.exclusions
    labels = {"crimes_excluded": "crimes excluded", "crimes_remaining": "crimes remaining"}
    s = r.params.settings
    rules = [
        f"Recorded between {r.period[0]:%d %B %Y} and {r.period[1]:%d %B %Y} inclusive "
        "(recorded_date; default the last five complete financial years in the data).",
        f"At least one victim of sex {s.get('victim_sex')}.",
        f"At least one {' or '.join(s.get('offender_roles', ()))} of sex "
        f"{s.get('offender_sex')} aged {s.get('offender_min_age')}+ on committed_from; a person "
        "with no date of birth is not counted as an adult.",
        "Flagged domestic abuse, or in a VAWG offence group ("
        + ", ".join(LABELS.get(g, g) for g in s.get("vawg_offence_groups", ()))
        + ").",
    ]
    no_dob = (
        f" Of the crimes excluded by the age rule, {_n(r.no_date_of_birth_crimes)} had such a "
        "perpetrator with no date of birth."
        if r.no_date_of_birth_crimes is not None
        else ""
    )
    body = (
        _ul(_esc(x) for x in rules)
        + paragraphs_html(
            "Rules apply in order; each crime is charged to the first rule it fails." + no_dob
        )
        + table_html(ex, caption="Crimes excluded by each rule", labels=labels)
    )
    return Section("Scope", body, anchor="scope")


def _methods(r: ProfileResult) -> Section:
    h = r.harm
    rf = r.rfgv
    settings = r.params.settings
    assumed = h.assumed_weights.select(
        "key_type", "key", "label", "weight_days", "status", "source"
    )
    definitions = [
        "<b>In scope</b>: see Scope. Perpetrators are the male suspects or offenders aged 18+ "
        "in in-scope crimes; victims are the female victims (any age) in in-scope crimes. "
        "Counts of people are of distinct pseudonymised person ids.",
        "<b>Home</b> = location type <i>dwelling</i>. <b>Public</b> = every other known location "
        "type (street, licensed premises, transport, open space, commercial, education, other). "
        "<b>Unknown</b> location is counted apart and left out of the ratio.",
        f"<b>Repeat</b> victim or perpetrator: linked to {settings.get('repeat_min_crimes', 2)} "
        "or more in-scope crimes recorded in the period. Shares are of distinct people. Age is "
        "age at the person's first in-scope crime in the period.",
        "<b>District</b>: from the crime's LSOA via " + _esc(r.district_source) + "; "
        "<b>rates</b> use ONS mid-2019 female population (all ages) per district.",
        "<b>Harm</b>: each crime weighted in days of custody, Cambridge Crime Harm Index style "
        "(the sentencing-guideline starting point for a first offender; Sherman, Neyroud & "
        "Neyroud 2016): the weight of its Home Office offence code where listed, else of its "
        f"offence group ({_n(h.crimes_weighted_by_code)} crimes by code, "
        f"{_n(h.crimes_weighted_by_group)} by group). A perpetrator's harm is the sum over his "
        "in-scope crimes (a crime with two perpetrators counts in full for each). Weights file: "
        f"<code>{_esc(h.weights_source)}</code>.",
        "<b>Harm concentration</b>: share of all perpetrator harm caused by the most harmful "
        "1/5/10/20% of perpetrators, read off the Lorenz curve (straight between people, so a "
        "fraction of a person counts pro rata); Gini = 1 - 2 x area under the curve. 95% "
        f"intervals: percentile bootstrap over perpetrators ({settings.get('profile_bootstrap_replicates')} "
        f"replicates, seed {settings.get('seed')}; Efron & Tibshirani 1993).",
        "<b>Home/public ratio</b>: home crimes per public crime. The two counts are treated as "
        "independent Poisson counts; given their total, the home count is binomial, so the exact "
        "Clopper-Pearson interval for the home share maps to an exact conditional interval for "
        "the ratio (Ederer & Mantel 1974; Clopper & Pearson 1934); the p-value is the exact "
        "binomial test of a ratio of 1.",
        "<b>Shares</b> (repeats): exact binomial (Clopper-Pearson) intervals. <b>Rates</b>: exact "
        "Poisson (Garwood 1936) intervals.",
        "<b>Trend</b>: negative binomial (NB2) regression of monthly counts on time (years) with "
        "log(days in month) as offset; the Poisson model is used when the NB2 dispersion is not "
        "significantly above zero (likelihood-ratio test); reported as a rate ratio per year "
        "with a Wald 95% interval (Cameron & Trivedi 2013).",
        "<b>RFGV</b>: recency, frequency, gravity (harm) and victims scored 1-5 over the last "
        f"{settings.get('rfgv_window_days')} days of the period with the bands and weights "
        "shown in that section; ties broken by harm, recency, crimes, then id. In the spirit of "
        "the MATAC approach (Davies & Biddle 2018), but a matrix of our own, stated in full.",
        "<b>Timing</b>: committed_from (the earliest time the crime may have happened).",
    ]
    if r.public:
        definitions.append(
            "<b>Disclosure control</b>: "
            + _esc(RULE_TEXT.format(limit=_threshold(r) - 1))
            + " Counts that add up to a shown total are suppressed together, so a hidden count "
            "cannot be worked out from another table; harm concentration is shown only for "
            "groups of at least the threshold of perpetrators. No person-level data."
        )
    citations = [
        "Cameron, A. C. & Trivedi, P. K. (2013) Regression Analysis of Count Data, 2nd ed. CUP.",
        "Clopper, C. J. & Pearson, E. S. (1934) The use of confidence or fiducial limits "
        "illustrated in the case of the binomial. Biometrika 26(4), 404-413.",
        "Davies, P. A. & Biddle, P. (2018) Implementing a perpetrator-focused partnership "
        "approach to tackling domestic abuse. Criminology & Criminal Justice 18(4), 468-487.",
        "Ederer, F. & Mantel, N. (1974) Confidence limits on the ratio of two Poisson "
        "variables. American Journal of Epidemiology 100(3), 165-167.",
        "Efron, B. & Tibshirani, R. J. (1993) An Introduction to the Bootstrap. Chapman & Hall.",
        "Garwood, F. (1936) Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.",
        "Lorenz, M. O. (1905) Methods of measuring the concentration of wealth. JASA 9, 209-219.",
        "Sherman, L., Neyroud, P. W. & Neyroud, E. (2016) The Cambridge Crime Harm Index. "
        "Policing 10(3), 171-183, doi:10.1093/police/paw003.",
        "Office for National Statistics (2021) Statistical Disclosure Control, GSS guidance.",
    ]
    body = (
        "<h3>Definitions and methods</h3>"
        + _ul(definitions)
        + "<h3>Harm weights that are assumptions or unverified</h3>"
        + '<div class="warning">These weights were not checked against the Cambridge Crime Harm '
        "Index spreadsheet or a sentencing guideline. They shape the harm figures and the RFGV "
        "gravity score; replace them with the official table (<code>--harm-weights FILE</code>, "
        "same columns) before relying on harm results.</div>"
        + table_html(
            assumed,
            caption=f"{assumed.height} weights applied to in-scope crimes that are not verified",
        )
        + table_html(
            h.weights.select([c for c in h.weights.columns if c != "source"]),
            caption="The full harm weight table used",
        )
        + "<h3>RFGV settings</h3>"
        + table_html(rf.bands, caption="Bands and weights")
        + "<h3>References</h3>"
        + _ul(_esc(c) for c in citations)
        + paragraphs_html("Settings used: " + json.dumps(to_jsonable(settings), sort_keys=True))
    )
    return Section("Methods and definitions", body, anchor="methods")


def profile_html(result: ProfileResult) -> str:
    """The whole profile as one self-contained HTML page."""
    start, end = result.period
    classification = (
        Classification.public(_threshold(result)) if result.public else Classification.restricted()
    )
    sections = [
        _summary(result),
        _volume(result),
        _place(result),
        _people(result),
        _harm(result),
        _rfgv(result),
        _timing(result),
        _scope(result),
        _methods(result),
    ]
    return render_page(
        "VAWG perpetrator problem profile",
        sections,
        classification=classification,
        subtitle=(
            f"Crimes recorded {start:%d %B %Y} to {end:%d %B %Y} · male perpetrators aged 18+, "
            "women and girls harmed · " + ("public version" if result.public else "analyst version")
        ),
    )


def profile_json(result: ProfileResult) -> str:
    """The JSON document (``ProfileResult.to_dict``), indented."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False)


def _tables(result: ProfileResult) -> list[tuple[str, pl.DataFrame]]:
    v, p, pe, h, t = result.volume, result.place, result.people, result.harm, result.timing
    out = [
        ("headline", result.table),
        ("excluded_by_rule", result.exclusions),
        ("by_financial_year", v.by_financial_year),
        ("by_month", v.by_month),
        ("by_district", v.by_district),
        ("by_offence_group", v.by_offence_group),
        ("by_domestic_abuse", v.by_domestic_abuse),
        ("place_by_district", p.by_district),
        ("place_by_offence_group", p.by_offence_group),
        ("place_by_location_type", p.by_location_type),
        ("people_shares", pe.table),
        ("offender_age", pe.offender_age),
        ("victim_age", pe.victim_age),
        ("relationship", pe.relationship),
        ("victim_crimes", pe.victim_crimes),
        ("offender_crimes", pe.offender_crimes),
        ("offender_victims", pe.offender_victims),
        ("victim_offenders", pe.victim_offenders),
        ("harm_concentration", h.concentration),
        ("harm_by_offence_group", h.by_offence_group),
        ("harm_lorenz", h.lorenz),
        ("rfgv_score_distribution", result.rfgv.score_distribution),
        ("timing_hour_by_day", t.hour_by_day),
        ("timing_by_month_of_year", t.by_month_of_year),
    ]
    return out


def profile_csv_rows(result: ProfileResult) -> list[tuple[str, str, str, Any]]:
    """Every table as long rows: (table, row key, column, value). No person-level rows."""
    rows: list[tuple[str, str, str, Any]] = []
    for name, frame in _tables(result):
        keys = [c for c in frame.columns if frame[c].dtype in (pl.String, pl.Date, pl.Boolean)]
        values = [c for c in frame.columns if c not in keys]
        for row in frame.iter_rows(named=True):
            key = " | ".join(str(row[k]) for k in keys) if keys else ""
            for column in values:
                value = row[column]
                rows.append((name, key, column, to_jsonable(value)))
    return rows


def write_profile(
    result: ProfileResult, out: Path, formats: Sequence[str] = ("html", "json", "csv")
) -> list[Path]:
    """Write the report files (``out`` is a folder, or a file path when one format is asked)."""
    suffix = "public" if result.public else "restricted"
    single = len(formats) == 1 and out.suffix.lower() in (".html", ".json", ".csv")
    folder = out.parent if single else out
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        path = out if single else folder / f"profile-{suffix}.{fmt}"
        if fmt == "html":
            path.write_text(profile_html(result), encoding="utf-8")
        elif fmt == "json":
            path.write_text(profile_json(result), encoding="utf-8")
        elif fmt == "csv":
            write_csv(path, ("table", "row", "column", "value"), profile_csv_rows(result))
            if not result.public and not single:
                people_path = folder / "profile-restricted-rfgv.csv"
                frame = result.rfgv.table
                write_csv(people_path, frame.columns, frame.rows())
                written.append(people_path)
        written.append(path)
    return written


# ------------------------------------------------------------------------------------------
# Open-data mode (police.uk street-level files)
# ------------------------------------------------------------------------------------------


def open_data_dict(result: OpenDataResult) -> dict[str, Any]:
    """The open-data JSON: the profile's headline keys (null where police.uk cannot say), then
    what it can say."""
    first, last = result.months or (None, None)
    unavailable = {
        key: None
        for key in (
            "crimes_in_scope",
            "distinct_offenders",
            "distinct_victims",
            "home_crimes",
            "public_crimes",
            "unknown_location_crimes",
            "repeat_victims",
            "repeat_offenders",
            "repeat_victim_share",
            "repeat_offender_share",
            "harm_share_top_10pct",
        )
    }
    return {
        "params": {**to_jsonable(result.params), "mode": "open_data", "public": result.public},
        **unavailable,
        "home_public_ratio": None,
        "by_offence_group": None,
        "by_financial_year": None,
        "excluded_by_rule": None,
        "not_possible": list(result.not_possible),
        "months": {"first": to_jsonable(first), "last": to_jsonable(last)},
        "rows": result.rows,
        "violence_and_sexual_offences": result.vso_crimes,
        "no_location": result.no_location,
        "outside_area": result.outside_area,
        "by_month": to_jsonable(result.by_month),
        "by_crime_type": to_jsonable(result.by_crime_type),
        "by_district": to_jsonable(result.by_district),
        "by_lsoa_top": to_jsonable(result.by_lsoa),
        "lsoa_concentration": to_jsonable(result.lsoa_concentration),
        "outcomes": to_jsonable(result.outcomes),
        "location_kinds": to_jsonable(result.location_kinds),
    }


def open_data_html(result: OpenDataResult, threshold: int = 5) -> str:
    """The open-data profile as one self-contained page."""
    first, last = result.months or (None, None)
    span = f"{first:%B %Y} to {last:%B %Y}" if first and last else "no months loaded"
    months = result.by_month
    fig = go.Figure()
    fig.add_bar(
        x=months["month"].to_list(),
        y=months["vso"].to_list(),
        name="violence and sexual offences",
        marker_color=ACCENT,
    )
    fig.add_scatter(
        x=months["month"].to_list(),
        y=months["all_crimes"].to_list(),
        name="all crimes (excl. ASB)",
        mode="lines+markers",
        line={"color": GREY},
    )
    fig.update_layout(
        title="Recorded crimes by month (police.uk)", legend={"orientation": "h", "y": -0.2}
    )
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    low = months.filter(pl.col("low_month"))["month"].to_list()
    district = result.by_district.filter(pl.col("vso_per_1000_female_per_year").is_not_null())
    district = district.sort("vso_per_1000_female_per_year")
    rates = go.Figure(
        go.Bar(
            y=district["district"].to_list(),
            x=district["vso_per_1000_female_per_year"].to_list(),
            orientation="h",
            marker_color=ACCENT,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (district["ci_high"] - district["vso_per_1000_female_per_year"]).to_list(),
                "arrayminus": (
                    district["vso_per_1000_female_per_year"] - district["ci_low"]
                ).to_list(),
                "color": GREY,
            },
        )
    )
    rates.update_layout(title="VSO per 1,000 female residents per year (context only; 95% CI)")
    conc = result.lsoa_concentration
    outcomes = result.outcomes.head(12).sort("vso", nulls_last=False)
    out_fig = go.Figure(
        go.Bar(
            y=outcomes["last_outcome_category"].to_list(),
            x=outcomes["vso"].to_list(),
            orientation="h",
            marker_color=PUBLIC_C,
        )
    )
    out_fig.update_layout(title="Last outcome category (snapshot)")
    kinds = result.location_kinds.filter(
        ~pl.col("kind").is_in(["a street or other named place", "no location"])
    ).sort("vso", nulls_last=False)
    kind_fig = go.Figure(
        go.Bar(
            y=kinds["kind"].to_list(),
            x=kinds["vso"].to_list(),
            orientation="h",
            marker_color="#2a9d8f",
        )
    )
    kind_fig.update_layout(title="Snap points that name a kind of place")
    top10 = conc.filter(pl.col("top_pct") == 10)
    share10 = top10["vso_share"][0] if top10.height else None
    summary = (
        '<div class="kpis">'
        + _kpi(_n(result.vso_crimes), f"violence and sexual offences, {span}")
        + _kpi(_pct(share10), "of them in the 10% of LSOAs with most")
        + _kpi(_n(result.rows), "police.uk rows read")
        + "</div>"
        + '<div class="warning"><b>Open-data mode.</b> No force extract is loaded, so this is '
        "not a VAWG perpetrator profile: police.uk's broad 'Violence and sexual offences' "
        "category includes violence against men and by women, and the data has no people. "
        "What cannot be said from these files is listed below.</div>"
        + '<div class="callout"><b>Not possible from police.uk data</b>'
        + _ul(_esc(x) for x in result.not_possible)
        + "</div>"
    )
    detail = (
        figure_html(fig, height=340)
        + (
            paragraphs_html(
                "Months far below the rest (VSO under 60% of the median month: "
                + ", ".join(f"{m:%B %Y}" for m in low)
                + ") are probably a recording or publication artefact (Kent moved records systems "
                "around then), not a real fall."
            )
            if low
            else ""
        )
        + figure_html(rates, height=max(280, 26 * district.height + 80))
        + table_html(result.by_district, caption="By district")
    )
    place = (
        table_html(conc, caption="Concentration: share of VSO in the LSOAs with most")
        + table_html(result.by_lsoa, caption=f"The {result.by_lsoa.height} LSOAs with most VSO")
        + '<div style="display:grid;grid-template-columns:1fr 1fr;gap:12px">'
        + figure_html(kind_fig, height=420)
        + figure_html(out_fig, height=420)
        + "</div>"
        + table_html(result.outcomes, caption="Last outcome category of VSO crimes")
        + table_html(
            result.by_crime_type, caption="All crime types (anti-social behaviour excluded)"
        )
    )
    methods = paragraphs_html(
        result.params.method + ".",
        "Snap points: police.uk moves each crime to the nearest of a set of anonymised points "
        "(a street, or a kind of place such as 'Nightclub'); counts by kind of place are a "
        "rough signal of the night-time economy, not where crimes happened.",
        "Rates use the ONS mid-2019 female population of each district and the number of "
        "months loaded; victims' sex is unknown, so they are context, not VAWG rates. Exact "
        "Poisson (Garwood 1936) intervals.",
        "Source: " + result.params.citation + ".",
    )
    if result.public:
        methods += paragraphs_html("Disclosure control: " + RULE_TEXT.format(limit=threshold - 1))
    classification = (
        Classification.public(threshold)
        if result.public
        else Classification("OFFICIAL", "Open data from police.uk; no person-level data.")
    )
    return render_page(
        "VAWG profile: open-data mode",
        [
            Section("Summary", summary, anchor="summary"),
            Section("Volume", detail, anchor="volume"),
            Section("Place and outcomes", place, anchor="place"),
            Section("Methods", methods, anchor="methods"),
        ],
        classification=classification,
        subtitle=f"police.uk street-level crime, {span}",
    )


def write_open_data(
    result: OpenDataResult,
    out: Path,
    formats: Sequence[str] = ("html", "json", "csv"),
    threshold: int = 5,
) -> list[Path]:
    """Write the open-data report files into ``out`` (a folder, or a file for one format)."""
    suffix = "public" if result.public else "analyst"
    single = len(formats) == 1 and out.suffix.lower() in (".html", ".json", ".csv")
    folder = out.parent if single else out
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out if single else folder / f"profile-open-data-{suffix}.{fmt}"
        if fmt == "html":
            path.write_text(open_data_html(result, threshold), encoding="utf-8")
        elif fmt == "json":
            path.write_text(
                json.dumps(open_data_dict(result), indent=2, allow_nan=False), encoding="utf-8"
            )
        else:
            rows = []
            for name, frame in (
                ("by_month", result.by_month),
                ("by_district", result.by_district),
                ("by_lsoa_top", result.by_lsoa),
                ("lsoa_concentration", result.lsoa_concentration),
                ("outcomes", result.outcomes),
                ("location_kinds", result.location_kinds),
                ("by_crime_type", result.by_crime_type),
            ):
                keys = [c for c in frame.columns if frame[c].dtype in (pl.String, pl.Date)]
                for row in frame.iter_rows(named=True):
                    key = " | ".join(str(row[k]) for k in keys)
                    rows += [
                        (name, key, c, to_jsonable(row[c])) for c in frame.columns if c not in keys
                    ]
            write_csv(path, ("table", "row", "column", "value"), rows)
        written.append(path)
    return written
