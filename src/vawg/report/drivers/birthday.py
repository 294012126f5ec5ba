"""The drivers report's birthday-effect section and its age section."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from vawg.models.drivers import DriversResult
from vawg.report.drivers._format import _ACCENT, _GREY, _SECOND
from vawg.report.page import figure_html, table_html


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
