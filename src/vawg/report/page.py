"""Self-contained HTML pages: one file, no CDN, opens offline on a locked-down laptop.

A report is a list of :class:`Section` s rendered into one page with a summary first and the
methods last. Charts are Plotly figures whose JavaScript is inlined once per page. Nothing here
computes a statistic: sections are built from Results by the report modules.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
import plotly.graph_objects as go
import plotly.offline
import polars as pl

__all__ = [
    "Classification",
    "Section",
    "disclosure_rule",
    "figure_html",
    "is_public",
    "paragraphs",
    "render_page",
    "table_html",
]


@dataclass(frozen=True)
class Classification:
    """The handling marking printed at the top and bottom of every page."""

    label: str
    note: str

    @classmethod
    def restricted(cls) -> Classification:
        """Person-level analyst output."""
        return cls(
            "OFFICIAL-SENSITIVE", "Contains person-level data. Analysts only; do not forward."
        )

    @classmethod
    def public(cls, rule: Mapping[str, Any]) -> Classification:
        """Disclosure-controlled open output; ``rule`` is the one its Result records
        (:func:`disclosure_rule`)."""
        return cls("PUBLIC", f"Disclosure-controlled. {rule['summary']}")


def is_public(settings: Mapping[str, Any]) -> bool:
    """Whether a Result's ``params.settings`` say it is a public (disclosure-controlled) one."""
    return "disclosure" in settings


def disclosure_rule(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The disclosure rule a public Result records in ``params.settings`` (``summary``: one
    line; ``method``: paragraphs for the methods section). Reports print it as given."""
    rule = settings.get("disclosure")
    if not isinstance(rule, Mapping) or "summary" not in rule:
        raise ValueError(
            "this Result records no disclosure rule: make its public version with the "
            "analysis's disclose function before rendering it as public"
        )
    return dict(rule)


@dataclass(frozen=True)
class Section:
    """One part of a report: a heading and its HTML body (built with the helpers here)."""

    title: str
    body: str
    anchor: str = ""
    subsections: tuple[Section, ...] = field(default=())

    @property
    def id(self) -> str:
        """The anchor used in the table of contents."""
        return self.anchor or "".join(c if c.isalnum() else "-" for c in self.title.lower())


@cache
def _plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


def figure_html(figure: go.Figure, *, height: int = 380) -> str:
    """A Plotly figure as a ``<div>`` (the library itself is inlined once by the page)."""
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        template="plotly_white",
        font={"family": "system-ui, sans-serif"},
    )
    return str(
        figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
        )
    )


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="empty">–</td>'
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int):
        return f'<td class="num">{value:,}</td>'
    if isinstance(value, float):
        return (
            f'<td class="num">{value:,.3g}</td>'
            if abs(value) < 1000
            else f'<td class="num">{value:,.0f}</td>'
        )
    return f"<td>{html.escape(str(value))}</td>"


def table_html(
    frame: pl.DataFrame,
    *,
    caption: str = "",
    max_rows: int = 200,
    labels: dict[str, str] | None = None,
) -> str:
    """A polars frame as an escaped HTML table (at most ``max_rows`` rows, said when cut)."""
    labels = labels or {}
    head = "".join(
        f"<th>{html.escape(labels.get(c, c.replace('_', ' ')))}</th>" for c in frame.columns
    )
    rows = "".join(
        "<tr>" + "".join(_cell(v) for v in row) + "</tr>"
        for row in frame.head(max_rows).iter_rows()
    )
    more = (
        f'<p class="note">Showing {max_rows:,} of {frame.height:,} rows; the CSV has all.</p>'
        if frame.height > max_rows
        else ""
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{more}'


def paragraphs(*texts: str) -> str:
    """Plain text paragraphs, escaped."""
    return "".join(f"<p>{html.escape(t)}</p>" for t in texts)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("vawg.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def render_page(
    title: str,
    sections: Sequence[Section],
    *,
    classification: Classification,
    subtitle: str = "",
    generated: datetime | None = None,
) -> str:
    """The whole report as one self-contained HTML document."""
    template = _ENV.get_template("page.html")
    return template.render(
        title=title,
        subtitle=subtitle,
        sections=sections,
        classification=classification,
        generated=(generated or datetime.now()).strftime("%d %B %Y %H:%M"),
        plotly_js=_plotly_js(),
    )
