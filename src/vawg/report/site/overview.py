"""The site's front page: volumes by month, offence group, district and place, drawn from the
public overview (:func:`vawg.profile.public.disclose_overview`)."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
import polars as pl

from vawg.errors import InputError
from vawg.profile.mainpoints import overview_main_points
from vawg.profile.overview import Overview
from vawg.report import fmt
from vawg.report.page import Section, paragraphs
from vawg.report.site.parts import (
    CLEAR_NOTE,
    SitePage,
    chart,
    count_text,
    group_label,
    kpis_html,
    main_points_section,
    nullable,
)
from vawg.results import MainPoint

__all__ = ["overview_page"]


def _group_order(groups: pl.DataFrame) -> list[str]:
    """Offence groups from fewest crimes to most (a horizontal bar chart draws the first at
    the bottom, so the most is on top), from the by-group counts (a withheld count as none),
    so every chart of offence groups lists them in one order."""
    totals = (
        groups.group_by("offence_group")
        .agg(pl.col("crimes").fill_null(0).sum())
        .sort("crimes", "offence_group")
    )
    return [_axis_label(g) for g in totals["offence_group"]]


def _axis_label(code: str | None) -> str:
    """An offence group's name as a bar chart's axis writes it: on two lines when long, so that
    the names leave a phone's narrow chart room for its bars and its counts ("Other (domestic
    abuse flagged)" on one line left 100 px of 340, and "20,000" and "40,000" ran together)."""
    return "<br>".join(textwrap.wrap(group_label(code), _AXIS_LABEL_WIDTH)) or group_label(code)


_AXIS_LABEL_WIDTH = 16
"""Characters on one line of an offence group's name on a chart axis."""


def _count_axes(fig: go.Figure, order: list[str]) -> None:
    """A horizontal bar chart of counts by offence group: the groups in ``order``, counts
    written "2,000" (not "2k"), ticks level and few enough to fit a phone."""
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_xaxes(tickformat=",d", tickangle=0, nticks=4)


def overview_page(overview: Overview, year_on_year: MainPoint | None = None) -> SitePage:
    """The site's front page from the public overview; ``year_on_year``: the public profile's
    change on the year before, its first main point (the overview's monthly counts, rounded
    one by one, would not add up to the profile's rounded yearly totals)."""
    if not overview.public or overview.params.period is None:
        raise InputError("site: the overview is not the public one; nothing restricted is drawn")
    start, end = overview.params.period
    page = SitePage(
        "index",
        "Violence against women and girls: open figures",
        f"Police-recorded crime, {fmt.period(start, end)}. Disclosure-controlled.",
    )
    k = overview.kpis
    share = k["domestic_abuse_share"]
    ratio = k["home_per_public"]
    points = overview_main_points(overview)
    if year_on_year is not None:
        points = (year_on_year, *points)
    page.sections.append(main_points_section(points, note=CLEAR_NOTE))
    summary = kpis_html(
        [
            (count_text(k["crimes"]), "VAWG crimes recorded"),
            (count_text(k["offenders"]), "different male suspects or offenders aged 18+"),
            (count_text(k["victims"]), "different female victims"),
            ("–" if share is None else f"{share:.0%}", "flagged domestic abuse"),
            ("–" if ratio is None else f"{ratio:.1f}×", "crimes at home per crime in public"),
        ]
    )
    summary += paragraphs(
        "These are crimes reported to and recorded by the police; most violence against women "
        "and girls is never reported, so the true numbers are higher.",
    )
    page.sections.append(Section("Summary", summary))

    monthly = overview.monthly
    fig = go.Figure(
        go.Scatter(
            x=[m.isoformat() for m in monthly["month"]],
            y=nullable(monthly["crimes"]),
            mode="lines",
            name="crimes",
        )
    )
    fig.update_layout(title="VAWG crimes recorded per month", yaxis_title="crimes")
    fig.update_yaxes(rangemode="tozero", tickformat=",d")  # "2,500", as the other charts
    page.sections.append(
        Section(
            "When",
            chart(
                page,
                "crimes-per-month",
                fig,
                monthly,
                legend=False,
                table=monthly.with_columns(pl.col("month").dt.strftime("%b %Y")),
            ),
        )
    )

    groups = overview.by_group
    order = _group_order(groups)
    fig = go.Figure()
    for flag, name in ((True, "Domestic abuse"), (False, "Not domestic abuse")):
        part = groups.filter(pl.col("domestic_abuse") == flag)
        fig.add_bar(
            y=[_axis_label(g) for g in part["offence_group"]],
            x=nullable(part["crimes"]),
            orientation="h",
            name=name,
        )
    fig.update_layout(barmode="stack", title="By offence group", xaxis_title="crimes")
    _count_axes(fig, order)
    page.sections.append(Section("What", chart(page, "crimes-by-offence-group", fig, groups)))

    places = overview.by_place
    fig = go.Figure()
    for place in ("Home", "Public place", "Unknown"):
        part = places.filter(pl.col("place") == place)
        fig.add_bar(
            y=[_axis_label(g) for g in part["offence_group"]],
            x=nullable(part["crimes"]),
            orientation="h",
            name=place,
        )
    fig.update_layout(barmode="group", title="At home or in public", xaxis_title="crimes")
    _count_axes(fig, order)
    body = chart(page, "crimes-at-home-or-in-public", fig, places, height=460)
    body += paragraphs(
        "“Home” is a dwelling; “public place” is every other recorded location type "
        "(street, licensed premises, transport, open space, commercial, education, other)."
    )
    page.sections.append(Section("Home or in public", body))

    districts = overview.by_district
    # A district with no rate (crimes not placed in a district) is said in words, not drawn.
    unplaced = districts.filter(pl.col("rate_per_1000_per_year").is_null())
    districts = districts.filter(pl.col("rate_per_1000_per_year").is_not_null()).sort(
        "rate_per_1000_per_year", descending=True
    )
    fig = go.Figure(
        go.Bar(
            x=list(districts["district"]),
            y=nullable(districts["rate_per_1000_per_year"]),
            error_y={
                "type": "data",
                "array": nullable(districts["ci_high"] - districts["rate_per_1000_per_year"]),
                "arrayminus": nullable(districts["rate_per_1000_per_year"] - districts["ci_low"]),
            },
            name="per 1,000 women and girls a year",
        )
    )
    fig.update_layout(
        title="Crimes per 1,000 women and girls a year, by district (95% CI)",
        yaxis_title="per 1,000 women and girls a year",
    )
    fig.update_xaxes(automargin=True)
    table = districts.select(
        "district",
        "crimes",
        *[
            pl.col(c).map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String).alias(h)
            for c, h in (
                ("rate_per_1000_per_year", "per 1,000 women and girls a year"),
                ("ci_low", "95% CI from"),
                ("ci_high", "95% CI to"),
            )
        ],
    )
    body = chart(
        page,
        "crimes-by-district",
        fig,
        overview.by_district,
        measure="rate",
        legend=False,
        table=table,
    )
    not_placed = float(unplaced["crimes"].drop_nulls().sum()) if unplaced.height else 0.0
    if not_placed:
        body += paragraphs(
            f"{count_text(not_placed)} crimes could not be placed in a district and are in no "
            "district's rate."
        )
    page.sections.append(Section("Where", body))
    return page
