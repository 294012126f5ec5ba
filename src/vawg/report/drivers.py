"""The drivers report: :class:`~vawg.models.drivers.DriversResult` → HTML, JSON and CSV.

JSON carries every headline effect as ``{estimate, ci_low, ci_high, p_value}`` under the
stable keys of :data:`vawg.models.drivers.EFFECT_KEYS`. Public output passes every count
(birthday crimes, people by age band, monthly counts) through
:func:`vawg.disclosure.suppress` and hides what is computed from a suppressed count; model
estimates are aggregates and are shown. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
import math
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vawg.disclosure import RULE_TEXT, suppress
from vawg.models.anomaly import ANOMALY_CITATION
from vawg.models.area import MORAN_CITATION
from vawg.models.birthday import BIRTHDAY_CITATION
from vawg.models.daily import DAILY_CITATION
from vawg.models.drivers import EFFECT_KEYS, DriversResult
from vawg.models.glm import NB_CITATION
from vawg.report.page import Classification, Section, figure_html, render_page, table_html
from vawg.results import Estimate, to_jsonable

__all__ = ["drivers_csv_rows", "drivers_html", "drivers_json"]

_ACCENT, _SECOND, _GREY, _RED = "#5b2a86", "#d08a1e", "#9aa1ad", "#b3261e"
LABELS = {
    "imd_decile_step": "Deprivation: each IMD decile less deprived",
    "pubs": "Pubs: each extra pub or bar",
    "town_centre": "Town-centre LSOA",
    "tmax_per_degree": "Temperature: each 1 °C warmer",
    "offender_birthday": "Offender's birthday",
    "victim_birthday": "Victim's birthday",
}


def _rr(e: Estimate | dict[str, Any] | None) -> str:
    if e is None:
        return "–"
    d = e.to_dict() if isinstance(e, Estimate) else e
    if d.get("estimate") is None:
        return "–"
    return f"{d['estimate']:.3f}"


def _ci(e: Estimate) -> str:
    if not math.isfinite(e.ci_low):
        return "not estimated"
    p = e.p_value
    ptxt = (
        ""
        if p is None or not math.isfinite(p)
        else (", p < 0.001" if p < 0.001 else f", p = {p:.3f}")
    )
    return f"95% CI {e.ci_low:.3f} to {e.ci_high:.3f}{ptxt}"


def _kpi(value: str, label: str, ci: str) -> str:
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div><div class="ci">{html.escape(ci)}</div></div>'
    )


def _change(e: Estimate) -> str:
    if not math.isfinite(e.estimate):
        return "could not be estimated"
    pct = (e.estimate - 1) * 100
    word = "more" if pct >= 0 else "fewer"
    sure = (
        "the interval excludes no effect"
        if e.ci_low > 1 or e.ci_high < 1
        else "the interval includes no effect"
    )
    return f"{abs(pct):.1f}% {word} crimes ({sure})"


def _summary(result: DriversResult) -> str:
    e = result.effects
    cards = [_kpi(_rr(e[k]), LABELS[k] + " (rate ratio)", _ci(e[k])) for k in EFFECT_KEYS]
    lines = []
    if result.area is not None:
        public = result.area.fits.get("public")
        lines.append(
            f"Each IMD decile step towards less deprived: {_change(e['imd_decile_step'])} per "
            "resident (all in-scope crimes)."
        )
        if public is not None and "town_centre" in public.rate_ratios:
            tc = public.rate_ratios["town_centre"]
            lines.append(
                f"In public places, town-centre LSOAs have {tc.estimate:.2f} times the crimes "
                f"per resident of other LSOAs ({_ci(tc)})."
            )
        if public is not None and "pubs" in public.rate_ratios:
            lines.append(f"Public places, each extra pub: {_change(public.rate_ratios['pubs'])}.")
    if math.isfinite(e["tmax_per_degree"].estimate):
        lines.append(f"Each 1 °C warmer day: {_change(e['tmax_per_degree'])}.")
    for key, who in (("offender_birthday", "offender's"), ("victim_birthday", "victim's")):
        if math.isfinite(e[key].estimate):
            lines.append(
                f"On the {who} birthday: {e[key].estimate:.2f} times the usual daily rate for the "
                f"same people ({_ci(e[key])})."
            )
    body = f'<div class="kpis">{"".join(cards)}</div>'
    body += (
        '<div class="callout"><ul>'
        + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        + "</ul></div>"
    )
    if result.anomalies.flagged:
        months = ", ".join(m.strftime("%B %Y") for m in result.anomalies.flagged)
        action = (
            "They are left out of every model."
            if result.excluded_months
            else "They are still in the models; run with --exclude-anomalies to leave them out."
        )
        body += f'<div class="warning">The feed check flagged {html.escape(months)}. {action}</div>'
    for note in result.notes:
        body += f'<p class="note">{html.escape(note)}</p>'
    for name, error in result.errors.items():
        body += (
            f'<div class="warning">{html.escape(name)} model not fitted: {html.escape(error)}</div>'
        )
    body += (
        '<p class="note">A rate ratio of 1 means no difference; 1.10 means 10% more crimes. '
        "Each interval is a 95% confidence interval. These are associations in recorded crime, "
        "not proof of cause.</p>"
    )
    return body


def _forest(rows: list[tuple[str, str, Estimate]], title: str) -> go.Figure:
    fig = go.Figure()
    groups = sorted({g for g, _, _ in rows}, key=[g for g, _, _ in rows].index)
    colours = dict(zip(groups, (_ACCENT, _SECOND, _GREY, "#2a7f62", "#3366aa"), strict=False))
    for group in groups:
        part = [(label, e) for g, label, e in rows if g == group and math.isfinite(e.estimate)]
        fig.add_trace(
            go.Scatter(
                x=[e.estimate for _, e in part],
                y=[label for label, _ in part],
                mode="markers",
                name=group,
                marker={"size": 10, "color": colours[group]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [e.ci_high - e.estimate for _, e in part],
                    "arrayminus": [e.estimate - e.ci_low for _, e in part],
                },
            )
        )
    fig.add_vline(x=1, line_dash="dash", line_color=_GREY)
    fig.update_xaxes(type="log", title="rate ratio (log scale), 95% CI")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.25})
    return fig


def _feed(result: DriversResult, public: bool, threshold: int) -> str:
    table = result.anomalies.table
    if public:
        table = suppress(
            table, "count", threshold=threshold, margins=[], dependents=["expected", "ratio", "z"]
        ).drop("suppressed")
    fig = go.Figure()
    for name, part in table.group_by("series", maintain_order=True):
        series = str(name[0])
        fig.add_trace(
            go.Scatter(
                x=part["month"].to_list(),
                y=part["count"].to_list(),
                mode="lines+markers",
                name=series,
            )
        )
        flagged = part.filter(pl.col("flagged"))
        if flagged.height:
            fig.add_trace(
                go.Scatter(
                    x=flagged["month"].to_list(),
                    y=flagged["count"].to_list(),
                    mode="markers",
                    marker={"color": _RED, "size": 14, "symbol": "x"},
                    name=f"flagged ({series})",
                )
            )
    fig.update_layout(
        title="Crimes per month and the months the feed check flagged", yaxis_title="crimes"
    )
    flagged = table.filter(pl.col("flagged"))
    body = (
        "<p>Before any model uses the data, each monthly series is checked for months far "
        "outside what the other months predict (a records-system change, a failed or doubled "
        "extract). "
        + (
            f"{flagged.height} series-months were flagged."
            if flagged.height
            else "No month was flagged."
        )
        + "</p>"
        + figure_html(fig, height=360)
    )
    if flagged.height:
        body += table_html(
            flagged.select("series", "month", "count", "expected", "ratio", "z", "direction"),
            caption="Flagged months (expected = leave-one-out median of the neighbouring months)",
        )
    cv = ", ".join(f"{k}: {v:.3f}" for k, v in result.anomalies.cv.items() if math.isfinite(v))
    body += f'<p class="note">Normal month-to-month variation (CV) used: {html.escape(cv)}.</p>'
    return body


def _area(result: DriversResult) -> str:
    area = result.area
    if area is None:
        return "<p>The area model could not be fitted (see the summary).</p>"
    rows = []
    names = {"home": "at home", "public": "public places", "all": "all places"}
    for outcome, fit in area.fits.items():
        for term, e in fit.rate_ratios.items():
            rows.append((names.get(outcome, outcome), LABELS.get(term, term), e))
    body = (
        f"<p>In-scope crimes per LSOA ({area.areas:,} LSOAs, {html.escape(result.area_source)}), "
        "modelled with a negative binomial GLM and the population as exposure, so each rate "
        "ratio compares crimes per resident.</p>"
    )
    body += figure_html(_forest(rows, "Area effects by place (NB2 rate ratios)"), height=420)
    if area.pubs_level == "district":
        body += (
            '<div class="warning"><b>Pubs are known only by district.</b> The pubs term is district '
            "pubs per 10,000 residents, shared by every LSOA of a district, so its estimate rests "
            "on the districts alone (standard errors clustered by district, t intervals with "
            "districts − 1 degrees of freedom). It is confounded with everything else that "
            "differs between districts: urban character, night-time economy, policing and "
            "recording practice. It can show whether districts with more pubs per head record "
            "more VAWG per head; it cannot show that pubs in a place raise crime there, nor "
            "which streets. LSOA pub counts (licensing registers) would be needed for that.</div>"
        )
    labels = {"rate_ratio": "rate ratio", "ci_low": "95% CI low", "ci_high": "95% CI high"}
    body += table_html(
        area.table, caption="Rate ratios: negative binomial and Poisson fits", labels=labels
    )
    body += table_html(
        area.fit_table,
        caption=(
            "Model fit: NB2 dispersion alpha (with CI), AIC of NB2 vs Poisson (lower is better), "
            "Pearson chi-square/df of the Poisson, overdispersion tests, Moran's I of residuals"
        ),
    )
    units = "; ".join(f"{LABELS.get(k, k)}: {v}" for k, v in area.units.items())
    body += f'<p class="note">Units: {html.escape(units)}.</p>'
    for note in area.notes:
        body += f'<p class="note">{html.escape(note)}</p>'
    strong = [m for m in area.moran.values() if m.p_value < 0.05 and m.morans_i > 0]
    if strong:
        body += (
            '<div class="warning">Residuals are spatially autocorrelated for '
            + ", ".join(m.outcome for m in strong)
            + ": neighbouring LSOAs share something the model leaves out, so its intervals are "
            "somewhat too narrow.</div>"
        )
    return body


def _daily(result: DriversResult) -> str:
    daily = result.daily
    if daily is None:
        return "<p>The daily model could not be fitted (see the summary).</p>"
    variable = "daily maximum" if daily.temperature == "tmax_c" else "daily mean"
    body = (
        f"<p>Crimes committed on each of {daily.days:,} days ({daily.first_day} to "
        f"{daily.last_day}) against the {variable} temperature ({html.escape(result.weather_source)}), "
        "with day of week, month, bank holidays, lockdowns and trend controlled.</p>"
    )
    fig = make_subplots(
        rows=1, cols=max(1, len(daily.curves)), subplot_titles=list(daily.curves), shared_yaxes=True
    )
    for i, (name, curve) in enumerate(daily.curves.items(), start=1):
        t = curve.table
        fig.add_trace(
            go.Scatter(
                x=t["temperature"].to_list() + t["temperature"].to_list()[::-1],
                y=t["ci_high"].to_list() + t["ci_low"].to_list()[::-1],
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
                y=t["rate_ratio"].to_list(),
                mode="lines",
                line={"color": _ACCENT, "width": 3},
                name=f"{name} (spline)",
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
                y=[slope ** (x - curve.reference) for x in grid],
                mode="lines",
                line={"color": _SECOND, "dash": "dash"},
                name="linear fit",
                showlegend=i == 1,
            ),
            row=1,
            col=i,
        )
        fig.update_xaxes(title_text=f"{variable} temperature (°C)", row=1, col=i)
    fig.add_hline(y=1, line_dash="dot", line_color=_GREY)
    fig.update_yaxes(title_text="rate ratio vs median-temperature day", row=1, col=1)
    fig.update_layout(
        title="Fitted temperature curves (natural spline, 95% band) and the linear fit"
    )
    body += figure_html(fig, height=400)
    tests = "; ".join(f"{k}: p = {c.lr_p_value:.3f}" for k, c in daily.curves.items())
    body += (
        f'<p class="note">Is the curve different from a straight line on the log scale? '
        f"Likelihood-ratio test of the spline against the linear model: {html.escape(tests)}.</p>"
    )
    per_degree = daily.table.select(
        "series",
        "crimes",
        "days",
        *(((pl.col(c) - 1) * 100).alias(c) for c in ("rate_ratio", "ci_low", "ci_high")),
        "p_value",
        "alpha",
        "dispersion_scale",
        ((pl.col("poisson_rate_ratio") - 1) * 100).alias("poisson"),
    )
    body += table_html(
        per_degree,
        caption="Change in crimes per 1 °C warmer, % (rate ratio − 1), by place and offence group",
        labels={
            "rate_ratio": "% per °C (NB2)",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
            "alpha": "NB alpha",
            "dispersion_scale": "Pearson dispersion",
            "poisson": "% per °C (Poisson)",
        },
    )
    for note in daily.notes:
        body += f'<p class="note">{html.escape(note)}</p>'
    return body


def _birthday(result: DriversResult, public: bool, threshold: int) -> str:
    b = result.birthday
    if b is None:
        return "<p>The birthday model could not be fitted (see the summary).</p>"
    table, profile = b.table, b.profile
    if public:
        deps = ["expected", "rate_ratio", "ci_low", "ci_high", "p_value"]
        table = suppress(table, "crimes", threshold=threshold, margins=[], dependents=deps).drop(
            "suppressed"
        )
        profile = suppress(
            profile, "crimes", threshold=threshold, margins=[], dependents=["ratio"]
        ).drop("suppressed")
    fig = go.Figure()
    for role, colour in (("offender", _ACCENT), ("victim", _SECOND)):
        part = profile.filter(pl.col("role") == role)
        fig.add_trace(
            go.Scatter(
                x=part["offset"].to_list(),
                y=part["ratio"].to_list(),
                mode="lines+markers",
                name=role,
                line={"color": colour},
            )
        )
    fig.add_hline(y=1, line_dash="dot", line_color=_GREY)
    fig.update_layout(
        title="Crimes by days from the person's birthday, against the number expected",
        xaxis_title="days from the birthday (0 = the birthday)",
        yaxis_title="observed / expected",
    )
    people = ", ".join(f"{n:,} {role}s" for role, n in b.people.items())
    body = (
        f"<p>Each person is compared with themselves: {html.escape(people)} with a date of birth "
        "and at least one in-scope crime in the period. The expected count on a day comes from "
        "the person's own number of crimes spread over the period in proportion to the calendar "
        "(day of week, month of each year, bank holidays).</p>"
    )
    body += figure_html(fig, height=360)
    body += table_html(
        table, caption=f"Rate ratios: birthday and the {b.window} day(s) either side, vs other days"
    )
    return body


def _age(result: DriversResult, public: bool, threshold: int) -> str:
    age = result.age
    if age is None:
        return "<p>The age profile could not be computed.</p>"
    table = age.table
    if public:
        deps = ["rate_per_1000", "ci_low", "ci_high", "rate_ratio", "rr_ci_low", "rr_ci_high"]
        table = suppress(
            table, "people", threshold=threshold, margins=[["role"]], dependents=deps
        ).drop("suppressed")
    fig = go.Figure()
    for role, colour in (("offender", _ACCENT), ("victim", _SECOND)):
        part = table.filter(pl.col("role") == role)
        rate = part["rate_per_1000"].to_list()
        fig.add_trace(
            go.Bar(
                x=part["age_band"].to_list(),
                y=rate,
                name=f"{role}s",
                marker_color=colour,
                error_y={
                    "type": "data",
                    "array": [
                        None if h is None or r is None else h - r
                        for h, r in zip(part["ci_high"].to_list(), rate, strict=True)
                    ],
                    "arrayminus": [
                        None if lo is None or r is None else r - lo
                        for lo, r in zip(part["ci_low"].to_list(), rate, strict=True)
                    ],
                },
            )
        )
    fig.update_layout(
        title="People involved per 1,000 residents of the same sex and age, over the period",
        barmode="group",
        yaxis_title="per 1,000 residents",
    )
    body = figure_html(fig, height=360)
    body += table_html(
        table, caption=f"Age as a driver (rate ratio against age {age.reference_band})"
    )
    body += (
        '<p class="note">Offenders: men 18+, per 1,000 men (male population is an assumption, '
        "see the methods). Victims: women, per 1,000 women. 18-24 uses 7/9 of the 16-24 "
        "population.</p>"
    )
    return body


def _methods(result: DriversResult, public: bool, threshold: int) -> str:
    start, end = result.params.period or (None, None)
    items = [
        f"<b>Scope and period.</b> In-scope VAWG crimes (the configured scope) recorded from {start} to {end}. "
        "The daily and birthday models count crimes by the date they were committed, for every "
        "crime of the scope whenever it was recorded.",
        f"<b>Area model.</b> Negative binomial (NB2) GLM, log link, offset log(population): "
        f"{html.escape(NB_CITATION)} Residual spatial autocorrelation: {html.escape(MORAN_CITATION)}",
        f"<b>Daily model.</b> NB2 GLM of daily counts on temperature, day of week, month, England & "
        "Wales bank holidays, England's national lockdowns and a linear trend; natural cubic "
        f"spline (4 df) for the shape. {html.escape(DAILY_CITATION)}",
        "<b>Birthday model.</b> Self-controlled conditional Poisson (case-crossover family): each "
        "person's crimes on their birthday and the window either side against their own other "
        "days, weighted by the calendar's expected volume; robust standard errors by person. "
        + html.escape(BIRTHDAY_CITATION),
        f"<b>Feed anomaly check.</b> Sequential leave-one-out median test on log monthly counts. {html.escape(ANOMALY_CITATION)}",
        "<b>Assumptions.</b> Population is the LSOA's all-age resident population (mid-2015); "
        "male age-band populations are assumed (female × a fixed ratio); recorded crime "
        "measures what is reported and recorded, so every effect is an effect on recorded VAWG.",
    ]
    if public:
        items.append(
            "<b>Disclosure control.</b> " + html.escape(RULE_TEXT.format(limit=threshold - 1))
        )
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def drivers_html(result: DriversResult, *, public: bool = False, threshold: int = 5) -> str:
    """The drivers report as one self-contained HTML page."""
    start, end = result.params.period or (None, None)
    sections = [
        Section("Summary", _summary(result), anchor="summary"),
        Section("Feed check", _feed(result, public, threshold), anchor="feed"),
        Section("Deprivation, pubs and town centres", _area(result), anchor="area"),
        Section("Temperature", _daily(result), anchor="temperature"),
        Section("Birthdays", _birthday(result, public, threshold), anchor="birthdays"),
        Section("Age", _age(result, public, threshold), anchor="age"),
        Section(
            "Methods, definitions and assumptions",
            _methods(result, public, threshold),
            anchor="methods",
        ),
    ]
    return render_page(
        "Drivers of violence against women and girls",
        sections,
        classification=Classification.public(threshold) if public else Classification.restricted(),
        subtitle=f"Deprivation, pubs, town centres, temperature, birthdays and age · {start} to {end}",
    )


def drivers_json(
    result: DriversResult, *, public: bool = False, threshold: int = 5
) -> dict[str, Any]:
    """JSON-safe dict: headline ``effects`` under stable keys, then each model in detail."""
    area = result.area
    daily = result.daily
    birthday = result.birthday
    out: dict[str, Any] = {
        "period": to_jsonable(result.params.period),
        "classification": "PUBLIC" if public else "OFFICIAL-SENSITIVE",
        "effects": {k: result.effects[k].to_dict() for k in EFFECT_KEYS},
        "effect_units": {
            **(area.units if area else {}),
            "tmax_per_degree": "per 1 °C of the daily "
            + ("maximum" if daily is None or daily.temperature == "tmax_c" else "mean"),
            "offender_birthday": "birthday vs an ordinary day, same offender",
            "victim_birthday": "birthday vs an ordinary day, same victim",
        },
        "area_model": None,
        "daily_model": None,
        "birthday_model": None,
        "age_profile": None,
        "feed_check": {
            "flagged_months": to_jsonable(list(result.anomalies.flagged)),
            "excluded_months": to_jsonable(list(result.excluded_months)),
            "table": to_jsonable(
                suppress(
                    result.anomalies.table,
                    "count",
                    threshold=threshold,
                    margins=[],
                    dependents=["expected", "ratio", "z"],
                ).drop("suppressed")
                if public
                else result.anomalies.table
            ),
        },
        "sources": {"areas": result.area_source, "weather": result.weather_source},
        "errors": result.errors,
        "notes": list(result.notes),
        "settings": to_jsonable(result.params.settings),
    }
    if area is not None:
        out["area_model"] = {
            "headline_outcome": area.headline_outcome,
            "pubs_level": area.pubs_level,
            "outcomes": {k: fit.to_dict() for k, fit in area.fits.items()},
            "morans_i": {k: to_jsonable(m) for k, m in area.moran.items()},
            "notes": list(area.notes),
        }
    if daily is not None:
        out["daily_model"] = {
            "temperature": daily.temperature,
            "days": daily.days,
            "first_day": daily.first_day.isoformat(),
            "last_day": daily.last_day.isoformat(),
            "series": {
                k: {
                    "tmax_per_degree": f.rate_ratios["temp"].to_dict(),
                    "alpha": f.alpha.to_dict(),
                    "crimes": f.events,
                }
                for k, f in daily.fits.items()
            },
            "spline": {
                k: {
                    "reference_temperature": c.reference,
                    "df": c.df,
                    "lr_p_value": c.lr_p_value,
                    "curve": to_jsonable(c.table),
                }
                for k, c in daily.curves.items()
            },
        }
    if birthday is not None:
        table = birthday.table
        profile = birthday.profile
        if public:
            deps = ["expected", "rate_ratio", "ci_low", "ci_high", "p_value"]
            table = suppress(
                table, "crimes", threshold=threshold, margins=[], dependents=deps
            ).drop("suppressed")
            profile = suppress(
                profile, "crimes", threshold=threshold, margins=[], dependents=["ratio"]
            ).drop("suppressed")
        out["birthday_model"] = {
            "window_days": birthday.window,
            "effects": {k: v.to_dict() for k, v in birthday.effects.items()},
            "people": birthday.people,
            "table": to_jsonable(table),
            "profile": to_jsonable(profile),
        }
    if result.age is not None:
        table = result.age.table
        if public:
            deps = ["rate_per_1000", "ci_low", "ci_high", "rate_ratio", "rr_ci_low", "rr_ci_high"]
            table = suppress(
                table, "people", threshold=threshold, margins=[["role"]], dependents=deps
            ).drop("suppressed")
        out["age_profile"] = {
            "reference_band": result.age.reference_band,
            "table": to_jsonable(table),
        }
    return out


def drivers_csv_rows(result: DriversResult) -> tuple[list[str], list[list[Any]]]:
    """The headline effects as CSV (key, label, estimate, ci_low, ci_high, p_value)."""
    header = ["key", "label", "estimate", "ci_low", "ci_high", "p_value"]
    rows = []
    for key in EFFECT_KEYS:
        d = result.effects[key].to_dict()
        rows.append([key, LABELS[key], d["estimate"], d["ci_low"], d["ci_high"], d["p_value"]])
    return header, rows
