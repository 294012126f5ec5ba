"""Pieces every page of the open site is made of: the page, charts with their CSV, headline figures."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl

from vawg.report.bulletin import bullet_points
from vawg.report.page import PALETTE as PAGE_PALETTE
from vawg.report.page import Section, download_html, figure_html
from vawg.report.page import kpis_html as page_kpis
from vawg.results import MainPoint
from vawg.schema.labels import label

__all__ = [
    "CLEAR_NOTE",
    "PALETTE",
    "SitePage",
    "chart",
    "count_text",
    "csv_ready",
    "group_label",
    "kpis_html",
    "main_points_section",
    "nullable",
]

PALETTE = list(PAGE_PALETTE)

CLEAR_NOTE = (
    "“Statistically clear” means the 95% confidence interval of the difference leaves out no "
    "difference. A difference that is not clear may still be real; the data cannot tell it "
    "from chance."
)
"""The site's words for a statistically clear result, under its main points."""


def group_label(code: str | None) -> str:
    """A readable offence group name."""
    return "Unknown" if code is None else label(code, "offence_group")


@dataclass
class SitePage:
    """One page of the site while it is built: its sections and the CSVs behind its charts."""

    slug: str
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    csvs: dict[str, pl.DataFrame] = field(default_factory=dict)
    # the first and last day on which the crimes this page's analyses count were committed,
    # when the page does not use the site's period of recorded crimes: its Methods says this one
    period: tuple[date, date] | None = None
    # whether that period is of the day the crimes were committed or recorded
    period_counted: str = "committed"
    # the disclosure rule this page's Results record, when it is not the site's (the
    # evaluations' counts are not for whole quarters, and their rule says so)
    rule: dict[str, Any] | None = None

    def add_csv(self, name: str, frame: pl.DataFrame) -> str:
        """Register ``frame`` as ``data/<name>.csv`` and return a download link to it."""
        self.csvs[name] = frame
        return download_html(f"data/{name}.csv", "Download the data behind this chart (CSV)")


def _styled(fig: go.Figure, measure: str, *, legend: bool = True) -> go.Figure:
    for index, trace in enumerate(fig.data):
        trace.update(meta={"measure": measure})
        colour = PALETTE[index % len(PALETTE)]
        if trace.type == "bar":
            trace.update(marker_color=colour)
        elif trace.type == "scatter":
            trace.update(line_color=colour, marker_color=colour)
    fig.update_layout(
        colorway=PALETTE,
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
    )
    return fig


def chart(
    page: SitePage,
    name: str,
    figure: go.Figure,
    frame: pl.DataFrame,
    *,
    measure: str = "count",
    legend: bool = True,
    height: int = 380,
    table: pl.DataFrame | None = None,
) -> str:
    """A chart with its CSV link; ``measure`` declares what the trace values are. ``table``
    is the data table shown under the chart for readers (default: ``frame``, the CSV)."""
    body = figure_html(
        _styled(figure, measure, legend=legend),
        height=height,
        data=frame if table is None else table,
    )
    return body + page.add_csv(name, frame)


def main_points_section(points: Sequence[MainPoint], *extra: str, note: str = "") -> Section:
    """A page's main points, as the reports word them (:mod:`vawg.report.bulletin`): each
    with its interval and whether it is statistically clear; ``extra`` sentences follow."""
    items = [
        f'<li class="{b.css_class}">'
        f"{html.escape(b.text)}"
        + (
            f' <strong class="mp-status">{html.escape(b.status_text)}.</strong>'
            if b.status_text
            else ""
        )
        + (f' <span class="note">{html.escape(b.note)}</span>' if b.note else "")
        + "</li>"
        for b in bullet_points(points)
    ]
    items += [f'<li class="mp">{html.escape(t)}</li>' for t in extra]
    body = f'<div class="main-points"><ul>{"".join(items)}</ul></div>'
    if note and any(p.clear is not None for p in points):
        body += f'<p class="note">{html.escape(note)}</p>'
    return Section("Main points", body)


def kpis_html(items: Sequence[tuple[str, str] | tuple[str, str, str]]) -> str:
    """Headline figures as (value already formatted, label[, interval])."""
    return page_kpis(items)


def count_text(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def nullable(values: Iterable[Any]) -> list[Any]:
    return [None if v is None else v for v in values]


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """A download's figures rounded as a reader can use them, not to 16 digits
    (``0.0933852140077821``): a column of shares (every value from 0 to 1) to 4 decimals
    (``0.0934``, a tenth of a percentage point), any other decimal column (rates, ratios, their
    intervals) to 2. Formatting only: the figures are the page's."""
    rounded = []
    for name, dtype in frame.schema.items():
        if not dtype.is_float():
            continue
        values = frame[name].drop_nulls().drop_nans()
        share = values.len() > 0 and float(values.min()) >= 0 and float(values.max()) <= 1  # type: ignore[arg-type]
        rounded.append(pl.col(name).round(4 if share else 2))
    return frame.with_columns(rounded) if rounded else frame
