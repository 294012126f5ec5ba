"""Build the open site from its public Results: pages, their CSVs, the shared chart library;
then walk every file with the leak walker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import plotly.offline

from vawg.config import Settings
from vawg.errors import InputError
from vawg.leaks import scan_folder
from vawg.opensite import OpenDataSiteResults, OpenSiteResults
from vawg.profile.mainpoints import year_on_year
from vawg.report.page import Classification, Section, disclosure_rule, paragraphs, render_page
from vawg.report.site.evaluation import evaluation_page
from vawg.report.site.open_data import open_data_methods, open_data_pages
from vawg.report.site.overview import overview_page
from vawg.report.site.parts import SitePage, csv_ready, group_label
from vawg.report.site.places import places_page
from vawg.report.site.sections import outcomes_page, profile_page, surveys_page
from vawg.safe_csv import write_csv

__all__ = ["build_site", "methods_section", "site_pages"]


def methods_section(
    results: OpenSiteResults,
    settings: Settings,
    period: tuple[date, date] | None = None,
    counted: str = "committed",
    rule: dict[str, Any] | None = None,
) -> Section:
    """How the figures were made and what the disclosure rule is (as the Results record it).

    ``period``: the first and last day of the crimes a page's analyses count, where the page
    does not use the site's period of recorded crimes (a page's own :attr:`SitePage.period`);
    ``counted``: whether that period is of the day they were ``committed`` or ``recorded``;
    ``rule``: the page's own Results' rule where it differs from the site's
    (:attr:`SitePage.rule`).
    """
    when = "recorded" if period is None else counted
    period = period or results.period
    rule = rule or disclosure_rule(results.overview.params.settings)
    groups = ", ".join(group_label(g).lower() for g in settings.vawg_offence_groups)
    text = paragraphs(
        f"Scope: crimes {when} from {period[0].day} {period[0]:%B %Y} to "
        f"{period[1].day} {period[1]:%B %Y} with at least "
        f"one female victim and at least one male suspect or offender aged "
        f"{settings.offender_min_age} or over, that are flagged domestic abuse or fall in one of "
        f"these offence groups: {groups}.",
        "Disclosure control. " + rule["method"][0],
        *rule["method"][1:],
        "Every chart links to the table it was drawn from. Empty cells in a table and gaps in a "
        "chart are counts that are not shown, not zeros.",
        *(f"Not on this site: {page} ({why})." for page, why in results.skipped.items()),
    )
    return Section("Methods and definitions", text, anchor="methods")


def site_pages(results: OpenSiteResults) -> list[SitePage]:
    """The site's pages, in the order of its navigation, from the public Results."""
    change = None if results.profile is None else year_on_year(results.profile)
    pages = [overview_page(results.overview, change)]
    if results.profile is not None:
        pages.append(profile_page(results.profile))
    if results.places is not None:
        pages.append(places_page(results.places))
    if results.outcomes is not None:
        pages.append(outcomes_page(results.outcomes))
    if results.survey is not None:
        surveys = surveys_page(results.survey)
        if surveys is not None:
            pages.append(surveys)
    evaluated = evaluation_page(results.evaluation, results.programme, results.targeting)
    if evaluated is not None:
        pages.append(evaluated)
    return pages


def _write_page(page: SitePage, nav: Sequence[tuple[str, str]], rule: dict[str, Any]) -> str:
    return render_page(
        page.title,
        page.sections,
        classification=Classification.public(rule),
        subtitle=page.subtitle,
        script_src="assets/plotly.min.js",
        site_nav=[(f"{slug}.html", title, slug == page.slug) for slug, title in nav],
    )


def build_site(
    results: OpenSiteResults | OpenDataSiteResults,
    out: Path,
    settings: Settings,
    *,
    check: bool = True,
) -> list[Path]:
    """Write the open site for the public ``results`` into ``out``; return every file written.
    ``results`` from police.uk open data alone make the open-data site (overview, places,
    outcomes).

    With ``check`` (the default) the finished site is walked by
    :func:`vawg.leaks.scan_folder` and an :class:`~vawg.errors.InputError` is raised, naming
    the first findings, if anything failed.
    """
    threshold = settings.disclosure_threshold
    if isinstance(results, OpenDataSiteResults):
        rule = disclosure_rule(results.profile.params.settings)
        pages = open_data_pages(results)
        methods = open_data_methods(results)
    else:
        rule = disclosure_rule(results.overview.params.settings)
        pages = site_pages(results)
        methods = methods_section(results, settings)
    out.mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    written: list[Path] = []
    asset = out / "assets" / "plotly.min.js"
    asset.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    written.append(asset)
    nav = [(p.slug, "Overview" if p.slug == "index" else p.title) for p in pages]
    for page in pages:
        page.sections.append(
            methods
            if (page.period is None and page.rule is None)
            or isinstance(results, OpenDataSiteResults)
            else methods_section(results, settings, page.period, page.period_counted, page.rule)
        )
        for name, frame in page.csvs.items():
            path = out / "data" / f"{name}.csv"
            write_csv(path, frame.columns, csv_ready(frame).iter_rows())
            written.append(path)
        path = out / f"{page.slug}.html"
        path.write_text(_write_page(page, nav, rule), encoding="utf-8")
        written.append(path)
    if check:
        findings = scan_folder(out, threshold=threshold)
        if findings:
            listed = "; ".join(str(f) for f in findings[:3])
            raise InputError(
                f"site {out}: {len(findings)} disclosure findings ({listed}); nothing may be "
                "published until they are fixed"
            )
    return written
