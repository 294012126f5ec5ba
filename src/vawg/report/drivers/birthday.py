"""The drivers report's birthday-effect section and its age section."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import polars as pl

from vawg.models.drivers import DriversResult
from vawg.report import fmt
from vawg.report.drivers._format import _ACCENT, _GREY, _SECOND, effect_words
from vawg.report.page import details_html, figure_html, table_html

ROLE_WORDS = {"offender": "perpetrators", "victim": "victims"}


def _birthday(result: DriversResult) -> str:
    b = result.birthday
    if b is None:
        return "<p>The birthday model could not be fitted (see the summary).</p>"
    table, profile = b.table, b.profile
    fig = go.Figure()
    for role, colour in (("offender", _ACCENT), ("victim", _SECOND)):
        part = profile.filter(pl.col("role") == role)
        fig.add_trace(
            go.Scatter(
                x=part["offset"].to_list(),
                y=[
                    None if r is None or not math.isfinite(r) else (r - 1) * 100
                    for r in part["ratio"].to_list()
                ],
                mode="lines+markers",
                name={"offender": "perpetrator"}.get(role, role),
                line={"color": colour},
                hovertemplate="%{x} days: %{y:+.0f}%<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_hline(y=0, line_dash="dot", line_color=_GREY)
    fig.update_layout(
        title="Crimes by days from the person's birthday: % more or fewer than expected",
        xaxis_title="days from birthday",
        yaxis_title="crimes against expected (%)",
        yaxis_ticksuffix="%",
        legend={"orientation": "h", "y": -0.3, "x": 0},
    )
    people = ", ".join(f"{n:,} {ROLE_WORDS.get(role, role + 's')}" for role, n in b.people.items())
    body = (
        f"<p>Each person is compared with themselves: {html.escape(people)} with a date of birth "
        "and at least one in-scope crime in the period. The expected count on a day comes from "
        "the person's own number of crimes spread over the period in proportion to the calendar "
        "(day of week, month of each year, bank holidays).</p>"
    )
    body += figure_html(fig, height=360, data=_profile_data(profile))
    body += (
        '<p class="note">0% is as many crimes as expected on that day; +50% is half as many '
        "again. A single day rests on few crimes, so its figure swings widely: the table below "
        "gives the birthday and the days around it together, with intervals.</p>"
    )
    days = f"{b.window} day{'s' if b.window != 1 else ''}"
    shown = table.with_columns(
        pl.struct("rate_ratio", "ci_low", "ci_high")
        .map_elements(_change_words, return_dtype=pl.String)
        .alias("change")
    ).select(
        c
        for c in ("role", "exposure", "change", "crimes", "expected")
        if c in table.columns or c == "change"
    )
    shown = shown.with_columns(
        pl.col("role").replace_strict(
            {"offender": "perpetrator's", "victim": "victim's"}, default=pl.col("role")
        ),
        pl.col("exposure").str.replace(r"\bday\(s\)", "days" if b.window != 1 else "day"),
    )
    body += table_html(
        shown,
        caption=f"Crimes on the birthday and on the {days} either side, against other days",
        labels={
            "role": "whose birthday",
            "exposure": "days",
            "change": "crimes against other days (95% CI)",
            "expected": "expected crimes",
        },
    )
    methods = sorted(set(table["method_used"].to_list())) if "method_used" in table.columns else []
    if methods:
        body += details_html(
            "Model details",
            '<p class="note">How the changes were worked out: '
            + html.escape("; ".join(methods))
            + " (see the methods).</p>",
        )
    return body


def _profile_data(profile: pl.DataFrame) -> pl.DataFrame:
    """The chart's numbers for its data table, in words: each day's crimes against the
    number expected, one column for each person whose birthday it is."""
    words = profile.select(
        pl.col("role").replace_strict(
            {"offender": "perpetrator's birthday", "victim": "victim's birthday"},
            default=pl.col("role"),
        ),
        pl.col("offset").alias("days from birthday"),
        pl.col("ratio").map_elements(fmt.change, return_dtype=pl.String),
    )
    return words.pivot(on="role", index="days from birthday", values="ratio").fill_null("–")


def _change_words(row: dict[str, float | None], unit: str = "crimes") -> str:
    """A rate ratio and its interval in words (:func:`effect_words`)."""
    return effect_words(row.get("rate_ratio"), row.get("ci_low"), row.get("ci_high"), unit)


def _band(band: str) -> str:
    """An age band as written: ``18–24`` with an en dash that never breaks a line."""
    return band.replace("-", "\u2060–\u2060")


def _age(result: DriversResult) -> str:
    age = result.age
    if age is None:
        return "<p>The age profile could not be computed.</p>"
    table = age.table
    fig = go.Figure()
    for role, colour in (("offender", _ACCENT), ("victim", _SECOND)):
        part = table.filter(pl.col("role") == role)
        rate = part["rate_per_1000"].to_list()
        fig.add_trace(
            go.Bar(
                x=[b.replace("-", "–") for b in part["age_band"].to_list()],
                y=rate,
                name={"offender": "perpetrators"}.get(role, f"{role}s"),
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
        title="People involved per 1,000 of the same sex and age, over the whole period",
        barmode="group",
        yaxis_title="per 1,000",
        legend={"orientation": "h", "y": -0.3, "x": 0},
    )
    body = figure_html(fig, height=360)
    rate_words = [
        "–"
        if r is None or lo is None or hi is None
        else f"{fmt.number(r, 1)} ({fmt.interval(lo, hi)})"
        for r, lo, hi in table.select("rate_per_1000", "ci_low", "ci_high").iter_rows()
    ]
    against = [
        "–" if r is None else effect_words(r, lo, hi, "", reference=band == age.reference_band)
        for band, r, lo, hi in table.select(
            "age_band", "rate_ratio", "rr_ci_low", "rr_ci_high"
        ).iter_rows()
    ]
    plain = table.select(
        "role",
        pl.col("age_band").str.replace_all("-", _band("-"), literal=True),
        "people",
    ).with_columns(
        pl.Series("rate", rate_words, dtype=pl.String),
        pl.Series("against", against, dtype=pl.String),
    )
    reference = _band(age.reference_band)
    # One table a role, four short headers: the detail is in the caption, so that on a phone
    # no header is squeezed to a few letters a line.
    for role, words in ROLE_WORDS.items():
        part = plain.filter(pl.col("role") == role).drop("role")
        if part.is_empty():
            continue
        body += table_html(
            part,
            caption=f"Age of {words}: people involved per 1,000 of the same sex and age over "
            f"the whole period, and against age {reference} (95% CIs)",
            labels={
                "age_band": "age",
                "people": words,
                "rate": "per 1,000",
                "against": f"against {reference}",
            },
        )
    body += (
        '<p class="note">Perpetrators: men 18+, per 1,000 men (counting them against '
        "men is an assumption, see the methods, so these rates are approximate). Victims: women, per "
        "1,000 women. These count people, each once, over the whole period, not crimes a year. "
        f"The {_band('18-24')} rate uses 7/9 of the population aged {_band('16-24')}.</p>"
    )
    return body
