"""The site's (and the dashboard's) overview: volumes by month, offence group, district, place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import plotly.graph_objects as go
import polars as pl

from vawg.disclosure import is_disclosive, suppress
from vawg.query import Tables
from vawg.report.page import Section, paragraphs
from vawg.report.site.parts import SitePage, chart, count_text, group_label, kpis_html, nullable
from vawg.scope import Scope

__all__ = ["Overview", "overview_page", "overview_tables"]


@dataclass(frozen=True)
class Overview:
    """Volumes of in-scope crime. ``public``: every count went through the disclosure rule."""

    public: bool
    threshold: int
    kpis: dict[str, float | None]
    monthly: pl.DataFrame
    by_group: pl.DataFrame
    by_district: pl.DataFrame
    by_place: pl.DataFrame
    exclusions: pl.DataFrame


def _place(crimes: ir.Table) -> ir.StringValue:
    return ibis.cases(
        (crimes.location_type == "dwelling", "Home"),
        (crimes.location_type == "unknown", "Unknown"),
        else_="Public place",
    ).name("place")


def overview_tables(tables: Tables, scope: Scope, *, threshold: int, public: bool) -> Overview:
    """Counts of the scope's crimes by month, offence group, district and place.

    With ``public``, counts pass through :func:`~vawg.disclosure.suppress` (the published
    total is the headline count, so every table has that margin) and a share or ratio is
    shown only when every count it is made of may be shown.
    """
    crimes = scope.crimes.left_join(tables.areas.select("lsoa_code", "district"), "lsoa_code")
    crimes = crimes.mutate(district=crimes.district.fill_null("Unknown area"), place=_place(crimes))
    totals = ibis.memtable({"x": [0]}).select(
        crimes=scope.crimes.count().as_scalar(),
        offenders=scope.offenders.person_id.nunique().as_scalar(),
        victims=scope.victims.person_id.nunique().as_scalar(),
    )
    raw = tables.backend.to_pyarrow(totals).to_pylist()[0]
    month = crimes.recorded_date.truncate("M").name("month")
    monthly = crimes.group_by(month).aggregate(crimes=crimes.count()).order_by("month").to_polars()
    by_group = (
        crimes.group_by("offence_group", "domestic_abuse")
        .aggregate(crimes=crimes.count())
        .order_by("offence_group", "domestic_abuse")
        .to_polars()
    )
    areas = tables.areas
    population = areas.group_by("district").aggregate(population=areas.population.sum())
    by_district = (
        crimes.group_by("district")
        .aggregate(crimes=crimes.count())
        .left_join(population, "district")
        .select("district", "crimes", "population")
        .to_polars()
        .with_columns((pl.col("crimes") * 1000 / pl.col("population")).alias("per_1000_residents"))
        .sort("crimes", descending=True)
    )
    by_place = (
        crimes.group_by("offence_group", "place")
        .aggregate(crimes=crimes.count())
        .order_by("offence_group", "place")
        .to_polars()
    )
    exclusions = scope.exclusions.select("rule", "description", "crimes_excluded")
    total = int(raw["crimes"] or 0)
    home = int(by_place.filter(pl.col("place") == "Home")["crimes"].sum())
    outside = int(by_place.filter(pl.col("place") == "Public place")["crimes"].sum())
    da = int(by_group.filter(pl.col("domestic_abuse"))["crimes"].sum())
    kpis: dict[str, float | None] = {
        name: None if raw[name] is None else float(raw[name])
        for name in ("crimes", "offenders", "victims")
    }
    kpis["domestic_abuse_share"] = da / total if total else None
    kpis["home_per_public"] = home / outside if outside else None
    if public:
        for name in ("crimes", "offenders", "victims"):
            value = kpis[name]
            if value is not None and is_disclosive(int(value), threshold):
                kpis[name] = None
        if any(is_disclosive(n, threshold) for n in (home, outside, total)):
            kpis["home_per_public"] = None
        if any(is_disclosive(n, threshold) for n in (da, total - da, total)):
            kpis["domestic_abuse_share"] = None
        monthly = suppress(monthly, "crimes", threshold=threshold)
        by_group = suppress(
            by_group,
            "crimes",
            threshold=threshold,
            margins=[("offence_group",), ("domestic_abuse",)],
        )
        by_district = suppress(
            by_district, "crimes", threshold=threshold, dependents=["per_1000_residents"]
        )
        by_place = suppress(
            by_place, "crimes", threshold=threshold, margins=[("offence_group",), ("place",)]
        )
        exclusions = suppress(exclusions, "crimes_excluded", threshold=threshold, margins=[])
    return Overview(public, threshold, kpis, monthly, by_group, by_district, by_place, exclusions)


def overview_page(overview: Overview, period: tuple[date, date]) -> SitePage:
    """The site's front page from the (public) overview tables."""
    start, end = period
    page = SitePage(
        "index",
        "Violence against women and girls: open figures",
        f"Police-recorded crime, {start:%d %B %Y} to {end:%d %B %Y}. Disclosure-controlled.",
    )
    k = overview.kpis
    share = k["domestic_abuse_share"]
    ratio = k["home_per_public"]
    summary = kpis_html(
        [
            (count_text(k["crimes"]), "VAWG crimes recorded"),
            (count_text(k["offenders"]), "different male offenders aged 18+"),
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
    page.sections.append(
        Section("When", chart(page, "crimes-per-month", fig, monthly, legend=False))
    )

    groups = overview.by_group
    fig = go.Figure()
    for flag, name in ((True, "Domestic abuse"), (False, "Not domestic abuse")):
        part = groups.filter(pl.col("domestic_abuse") == flag)
        fig.add_bar(
            y=[group_label(g) for g in part["offence_group"]],
            x=nullable(part["crimes"]),
            orientation="h",
            name=name,
        )
    fig.update_layout(barmode="stack", title="By offence group", xaxis_title="crimes")
    fig.update_yaxes(categoryorder="total ascending")
    page.sections.append(Section("What", chart(page, "crimes-by-offence-group", fig, groups)))

    places = overview.by_place
    fig = go.Figure()
    for place in ("Home", "Public place", "Unknown"):
        part = places.filter(pl.col("place") == place)
        fig.add_bar(
            y=[group_label(g) for g in part["offence_group"]],
            x=nullable(part["crimes"]),
            orientation="h",
            name=place,
        )
    fig.update_layout(barmode="group", title="At home or in public", xaxis_title="crimes")
    fig.update_yaxes(categoryorder="total ascending")
    body = chart(page, "crimes-at-home-or-in-public", fig, places, height=460)
    body += paragraphs(
        "“Home” is a dwelling; “public place” is every other recorded location type "
        "(street, licensed premises, transport, open space, commercial, education, other)."
    )
    page.sections.append(Section("Home or in public", body))

    districts = overview.by_district
    fig = go.Figure(
        go.Bar(
            x=list(districts["district"]),
            y=nullable(districts["per_1000_residents"]),
            name="per 1,000 residents",
        )
    )
    fig.update_layout(title="Crimes per 1,000 residents, by district", yaxis_title="per 1,000")
    body = chart(page, "crimes-by-district", fig, districts, measure="rate", legend=False)
    page.sections.append(Section("Where", body))
    return page
