"""Build the open site: pages, their CSVs, the shared chart library; then scan it."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import plotly.offline

from vawg.config import Settings
from vawg.disclosure import RULE_TEXT
from vawg.errors import InputError
from vawg.query import Tables, connect
from vawg.report.page import Classification, Section, paragraphs, render_page
from vawg.report.site.overview import overview_page, overview_tables
from vawg.report.site.parts import SitePage, group_label
from vawg.report.site.scan import scan_site
from vawg.safe_csv import write_csv
from vawg.scope import vawg_scope

__all__ = ["SectionBuilder", "build_site", "methods_section"]


def methods_section(settings: Settings, period: tuple[date, date]) -> Section:
    """How the figures were made and what the disclosure rule is."""
    threshold = settings.disclosure_threshold
    groups = ", ".join(group_label(g).lower() for g in settings.vawg_offence_groups)
    text = paragraphs(
        f"Scope: crimes recorded from {period[0]:%d %B %Y} to {period[1]:%d %B %Y} with at least "
        f"one female victim and at least one male suspect or offender aged "
        f"{settings.offender_min_age} or over, that are flagged domestic abuse or fall in one of "
        f"these offence groups: {groups}.",
        "Disclosure control: " + RULE_TEXT.format(limit=threshold - 1),
        "Every chart links to the table it was drawn from. Empty cells in a table and gaps in a "
        "chart are suppressed counts, not zeros.",
    )
    return Section("Methods and definitions", text, anchor="methods")


_NAV_STYLE = (
    "<style>.sitenav{background:#fff;border-bottom:1px solid var(--line);padding:8px 40px;"
    "font-size:15px}.sitenav a{color:var(--accent);margin-right:18px;text-decoration:none;"
    "font-weight:600}.sitenav a.here{color:var(--ink);border-bottom:2px solid var(--accent)}"
    "</style>"
)


def _write_page(page: SitePage, nav: Sequence[tuple[str, str]], threshold: int) -> str:
    document = render_page(
        page.title,
        page.sections,
        classification=Classification.public(threshold),
        subtitle=page.subtitle,
    )
    inline = f"<script>{plotly.offline.get_plotlyjs()}</script>"
    if inline not in document:
        raise InputError("site: the page template no longer inlines plotly.js as expected")
    document = document.replace(inline, '<script src="assets/plotly.min.js"></script>' + _NAV_STYLE)
    links = "".join(
        f'<a href="{slug}.html"{" class=here" if slug == page.slug else ""}>{html.escape(title)}</a>'
        for slug, title in nav
    )
    document = document.replace("<header>", f'<div class="sitenav">{links}</div><header>', 1)
    return document


SectionBuilder = Callable[[Tables, Settings, tuple[date, date]], SitePage | None]
"""A further page of the site (profile, outcomes, surveys): None when its analysis is absent."""


def build_site(
    db: Path,
    out: Path,
    settings: Settings,
    *,
    extra_pages: Sequence[SectionBuilder] = (),
    check: bool = True,
) -> list[Path]:
    """Write the open site for ``db`` into ``out``; return every file written.

    With ``check`` (the default) the finished site is scanned by :func:`scan_site` and an
    :class:`~vawg.errors.InputError` is raised, naming the first findings, if anything failed.
    """
    tables = connect(db)
    scope = vawg_scope(tables, settings)
    threshold = settings.disclosure_threshold
    pages = [
        overview_page(
            overview_tables(tables, scope, threshold=threshold, public=True), scope.period
        )
    ]
    for builder in extra_pages:
        built = builder(tables, settings, scope.period)
        if built is not None:
            pages.append(built)
    out.mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    written: list[Path] = []
    asset = out / "assets" / "plotly.min.js"
    asset.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    written.append(asset)
    nav = [(p.slug, "Overview" if p.slug == "index" else p.title) for p in pages]
    methods = methods_section(settings, scope.period)
    for page in pages:
        page.sections.append(methods)
        for name, frame in page.csvs.items():
            path = out / "data" / f"{name}.csv"
            rows = frame.drop("suppressed", strict=False)
            write_csv(path, rows.columns, rows.iter_rows())
            written.append(path)
        path = out / f"{page.slug}.html"
        path.write_text(_write_page(page, nav, threshold), encoding="utf-8")
        written.append(path)
    if check:
        findings = scan_site(out, threshold=threshold)
        if findings:
            listed = "; ".join(str(f) for f in findings[:3])
            raise InputError(
                f"site {out}: {len(findings)} disclosure findings ({listed}); nothing may be "
                "published until they are fixed"
            )
    return written
