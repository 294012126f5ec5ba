"""The open site made from police.uk open data alone: overview, places, outcomes.

Renders :func:`vawg.opensite.open_data_site_results`'s public Results with the open-data
reports' own sections (:mod:`vawg.report.profile.opendata`, :mod:`vawg.report.open_data`), each
page opening with what open data cannot show and each table also given as a CSV. Nothing here
changes a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vawg.errors import InputError
from vawg.opensite import OpenDataSiteResults
from vawg.report.open_data import open_hotspots_sections, open_outcomes_sections
from vawg.report.page import Section, disclosure_rule, is_public, paragraphs
from vawg.report.profile.opendata import open_data_sections
from vawg.report.site.parts import SitePage

__all__ = ["open_data_methods", "open_data_pages"]


def _months(results: OpenDataSiteResults) -> str:
    if results.months is None:
        return "no months loaded"
    first, last = results.months
    return f"{first:%B %Y} to {last:%B %Y}"


def _checked(settings: Mapping[str, Any], what: str) -> None:
    if not is_public(settings):
        raise InputError(f"site: the {what} Result is not the public one; nothing is drawn")


def _overview(results: OpenDataSiteResults) -> SitePage:
    profile = results.profile
    _checked(profile.params.settings, "open-data profile")
    page = SitePage(
        "index",
        "Crime in the area: police.uk open data",
        f"Recorded crime published on police.uk, {_months(results)}. Open data only: this is "
        "not a profile of violence against women and girls.",
    )
    sections = [s for s in open_data_sections(profile) if s.anchor != "methods"]
    links = page.add_csv("by-month", profile.by_month) + page.add_csv(
        "by-district", profile.by_district
    )
    sections.append(Section("The data behind the charts", links, anchor="data"))
    page.sections.extend(sections)
    return page


def _places(results: OpenDataSiteResults) -> SitePage | None:
    places = results.places
    if places is None:
        return None
    _checked(places.params.settings, "open-data hot-spot")
    page = SitePage(
        "places",
        "Where: hot spots of violence and sexual offences",
        f"police.uk violence and sexual offences by neighbourhood (LSOA), {_months(results)}.",
    )
    page.sections.extend(open_hotspots_sections(places))
    link = page.add_csv("hotspots-by-lsoa", places.table)
    page.sections.append(Section("The data behind the tables", link, anchor="data"))
    return page


def _outcomes(results: OpenDataSiteResults) -> SitePage | None:
    outcomes = results.outcomes
    if outcomes is None:
        return None
    _checked(outcomes.params.settings, "open-data outcomes")
    page = SitePage(
        "outcomes",
        "Outcomes: police.uk categories",
        "The last outcome category police.uk publishes for each violence or sexual offence, "
        "and its nearest Home Office outcome group.",
    )
    page.sections.extend(open_outcomes_sections(outcomes))
    links = page.add_csv("outcome-categories", outcomes.police.table) + page.add_csv(
        "outcome-groups", outcomes.police.groups
    )
    page.sections.append(Section("The data behind the tables", links, anchor="data"))
    return page


def open_data_pages(results: OpenDataSiteResults) -> list[SitePage]:
    """The site's pages, in the order of its navigation."""
    pages = [_overview(results)]
    pages += [p for p in (_places(results), _outcomes(results)) if p is not None]
    return pages


def open_data_methods(results: OpenDataSiteResults) -> Section:
    """Where the figures come from, what open data cannot show and the disclosure rule."""
    rule = disclosure_rule(results.profile.params.settings)
    cannot = "; ".join(results.cannot_show)
    text = paragraphs(
        f"Source: police.uk street-level crime files, {_months(results)} (Open Government "
        "Licence v3.0). Only police.uk open data is loaded, so every figure covers all recorded "
        "crime or police.uk's 'Violence and sexual offences' category, whatever the sex of the "
        "victim or the offender.",
        f"Open data cannot show: {cannot}.",
        "Disclosure control. " + rule["method"][0],
        *rule["method"][1:],
        "Empty cells in a table and gaps in a chart are counts that are not shown, not zeros.",
        *(f"Not on this site: {page} ({why})." for page, why in results.skipped.items()),
    )
    return Section("Methods and definitions", text, anchor="methods")
