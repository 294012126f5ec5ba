"""Report pages: no CDN, each opens offline on a locked-down laptop.

A report is a list of :class:`Section` s rendered into one page: its main points first (from
the analysis's :class:`~vawg.results.MainPoint` s, :mod:`vawg.report.bulletin`), then a summary,
the sections, and the methods last. Every piece of markup comes from the Jinja macros in
``templates/macros.html`` (autoescape on): :func:`table_html`, :func:`figure_html`,
:func:`kpi_html`, :func:`paragraphs`. Charts are Plotly figures; the charting library is one
file beside the reports (:data:`PLOTLY_JS`, written by :func:`write_html`), not inlined in
each, so a folder of reports carries it once. Every chart has a text alternative (an ARIA
label) and its data as a table, and uses a colour-blind-safe palette (:data:`PALETTE`).
Nothing here computes a statistic: sections are built from Results by the report modules.

Importing this module makes :data:`REPORT_TEMPLATE` plotly's default template in the process:
plotly gives a figure its default template as the figure is made, without checking or copying
it, while naming a template on each figure copied and checked it (about 20 ms a chart, 3 s of
the Kent demo's 138 charts). The dashboard sets its own default on every run.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline
import polars as pl

from vawg.report.bulletin import bullet_points
from vawg.report.fmt import HALF_LABEL, half_months, pct, two_lines
from vawg.results import MainPoint
from vawg.schema.labels import LABELS, label

__all__ = [
    "PALETTE",
    "PLOTLY_JS",
    "REPORT_TEMPLATE",
    "Classification",
    "Section",
    "compared_kpi_html",
    "details_html",
    "disclosure_rule",
    "download_html",
    "figure_html",
    "is_public",
    "kpi_html",
    "kpis_html",
    "note_html",
    "paragraphs",
    "render_page",
    "table_html",
    "verdict_html",
    "write_html",
]

REPORT_TEMPLATE = "plotly_white"
"""The plotly template of every report chart (plotly's default once this module is imported)."""
pio.templates.default = REPORT_TEMPLATE

PLOTLY_JS = "plotly.min.js"
"""The charting library's file name, written once beside the reports of a folder."""

PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
"""Okabe & Ito (2008) colour-blind-safe palette: the default colour order of every chart."""


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


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("vawg.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def _macro(name: str) -> Any:
    return getattr(_ENV.get_template("macros.html").module, name)


@dataclass(frozen=True)
class _Cell:
    text: str
    kind: str = ""


@dataclass(frozen=True)
class _Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[_Cell, ...], ...]
    more: str = ""
    wide: tuple[bool, ...] = ()  # per column: one of sentences


def _unsigned_zero(text: str) -> str:
    """A number written as zero without a minus sign ("-0", "-0.00": a tiny negative rounded
    away reads as a sign that means nothing)."""
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def _cell(value: Any, *, percent: bool = False) -> _Cell:
    if percent and isinstance(value, float) and value == value:
        return _Cell(pct(value, 1), "num")
    if value is None:
        return _Cell("–", "empty")
    if isinstance(value, bool):
        return _Cell("yes" if value else "no")
    if isinstance(value, int):
        return _Cell(f"{value:,}", "num")
    if isinstance(value, float):
        if value != value:
            return _Cell("–", "empty")
        written = f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return _Cell(_unsigned_zero(written), "num")
    text = str(value)
    # A figure already written as text ("9.3", "45%", "+2%", "−44%") lines up as a number.
    return _Cell(text, "num" if _FIGURE.fullmatch(text) else "")


_FIGURE = re.compile(r"[+\-−]?\d[\d,]*(\.\d+%?|%)")
"""A share or rate written as text ("9.3", "45%", "−44%"). A whole number written as text stays
text: it is a label ("-7", a period from the start), not a figure the leak walker must check."""

_HALF_COLUMNS = ("half", "from_half", "to_half")
"""Columns holding financial half-year codes (``2021H1``): shown in months."""

_CODED_COLUMNS = ("offence_group", "location_type", "relationship")
"""Columns whose values are contract codes: shown in words (:func:`vawg.schema.labels.label`)."""


def _header(column: str, labels: Mapping[str, str]) -> str:
    if column in labels:
        return labels[column]
    if HALF_LABEL.match(column):  # a column per financial half-year (a pivot)
        return half_months(column)
    if column in LABELS["field"]:
        return label(column, "field")
    return column.replace("_", " ")


def _table(
    frame: pl.DataFrame,
    *,
    caption: str,
    max_rows: int,
    labels: Mapping[str, str],
    percent: Sequence[str] = (),
    wide: Sequence[str] = (),
) -> _Table:
    halves = [c for c in _HALF_COLUMNS if c in frame.columns and frame[c].dtype == pl.String]
    if halves:  # financial half-years in months, as a bulletin writes them
        frame = frame.with_columns(
            pl.col(c).map_elements(half_months, return_dtype=pl.String) for c in halves
        )
    coded = [c for c in _CODED_COLUMNS if c in frame.columns and frame[c].dtype == pl.String]
    if coded:
        frame = frame.with_columns(
            pl.col(c).replace_strict(dict(LABELS[c]), default=pl.col(c)) for c in coded
        )
    more = (
        f"Showing the first {max_rows:,} of {frame.height:,} rows."
        if frame.height > max_rows
        else ""
    )
    return _Table(
        caption,
        tuple(_header(c, labels) for c in frame.columns),
        tuple(
            tuple(
                _wide(_cell(v, percent=c in percent))
                if c in wide
                else _cell(v, percent=c in percent)
                for c, v in zip(frame.columns, row, strict=True)
            )
            for row in frame.head(max_rows).iter_rows()
        ),
        more,
        tuple(c in wide for c in frame.columns),
    )


def _wide(cell: _Cell) -> _Cell:
    """``cell`` marked as one of a column of long text, kept readable on a phone."""
    return _Cell(cell.text, f"{cell.kind} wide".strip())


def _values(values: Any) -> list[Any]:
    if values is None:
        return []
    try:
        return list(values)
    except TypeError:
        return [values]


def _axis_title(figure: go.Figure, axis: str) -> str:
    title = getattr(figure.layout, axis).title.text
    return str(title).replace("<br>", " ") if title else ""


def _figure_data(figure: go.Figure) -> pl.DataFrame | None:
    """The numbers a chart draws, as a long table for readers who cannot see it: one row per
    point, headed by the chart's axis titles (the category first, then the value), with the
    series named when there are several; ``None`` when the chart has no x/y traces (then its
    own data table is given)."""
    rows: list[tuple[str, str, Any]] = []
    horizontal = False
    for i, trace in enumerate(figure.data):
        name = str(getattr(trace, "name", None) or f"series {i + 1}").replace("<br>", " ")
        if trace.type == "heatmap":
            xs, ys, zs = _values(trace.x), _values(trace.y), _values(trace.z)
            for yi, row in enumerate(zs):
                for xi, z in enumerate(_values(row)):
                    x = xs[xi] if xi < len(xs) else xi
                    y = ys[yi] if yi < len(ys) else yi
                    rows.append((f"{name} {y}".strip(), str(x), z))
            continue
        xs, ys = _values(getattr(trace, "x", None)), _values(getattr(trace, "y", None))
        if not xs and not ys:
            continue
        if not xs:
            xs = list(range(1, len(ys) + 1))
        if not ys:
            ys = [None] * len(xs)
        if getattr(trace, "orientation", None) == "h":  # the category is on the y axis
            horizontal = True
            rows.extend((name, _text(y), x) for x, y in zip(xs, ys, strict=False))
        else:
            rows.extend((name, _text(x), y) for x, y in zip(xs, ys, strict=False))
    if not rows:
        return None
    category_axis, value_axis = ("yaxis", "xaxis") if horizontal else ("xaxis", "yaxis")
    category = _axis_title(figure, category_axis) or "category"
    value = _axis_title(figure, value_axis) or "value"
    if value == category:
        value = f"{value} (value)"
    percent = "%" in str(getattr(figure.layout, value_axis).tickformat or "")
    written = _column_text([r[2] for r in rows], percent=percent)
    frame = pl.DataFrame(
        [(g, c, w) for (g, c, _), w in zip(rows, written, strict=True)],
        schema=["group", category, value],
        orient="row",
    )
    if frame["group"].n_unique() == 1 and frame["group"][0].startswith("series "):
        frame = frame.drop("group")  # one unnamed series: its name says nothing
    return frame


_WRAP = 42
"""Axis titles longer than this many characters are broken over lines: Plotly does not wrap
them, and on a phone a long one runs off the chart."""


_LEGEND_WRAP = 34
"""Legend entries longer than this are broken over lines (Plotly cuts them at the edge)."""


def _wrapped(text: str, width: int = _WRAP) -> str:
    """``text`` broken at spaces into lines of at most ``width`` characters (Plotly's ``<br>``)."""
    if len(text) <= width or "<br>" in text:
        return text
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False))


def _phone_ready(figure: go.Figure) -> None:
    """One layout rule for every chart, so none squeezes on a phone: the legend sits above
    the plot, across it (a legend at the side leaves a phone's plot a sliver, one below it
    collides with the axis title); axes make room for their labels; long axis titles wrap."""
    # Subplot titles sit just above each panel: the legend goes above them.
    titled = any(
        (a.yanchor == "bottom" and a.y is not None and a.y >= 0.98)
        for a in figure.layout.annotations or ()
    )
    figure.update_layout(
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.12 if titled else 1.02,
            "yanchor": "bottom",
        }
    )
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    figure.for_each_xaxis(_wrap_title)
    figure.for_each_yaxis(_wrap_title)
    for trace in figure.data:  # a long legend entry runs off a phone's screen: wrap it
        name = getattr(trace, "name", None)
        if name and getattr(trace, "showlegend", None) is not False:
            trace.name = _wrapped(str(name), _LEGEND_WRAP)


def half_axis(halves: Sequence[str]) -> dict[str, Any]:
    """An x axis of half-years (their months, as the traces' x values): each label upright on
    two lines, and each kept (``tickvals``) so that where a chart is too narrow for them all,
    on a phone, the page's script writes every second or third, back from the latest, instead
    of Plotly slanting them into each other."""
    return {
        "automargin": True,
        "tickangle": 0,
        "tickmode": "array",
        "tickvals": list(halves),
        "ticktext": [two_lines(h) for h in halves],
    }


def _wrap_title(axis: Any) -> None:
    if axis.title and axis.title.text:
        axis.title.text = _wrapped(str(axis.title.text))


def _text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value:
            return "–"
        return _unsigned_zero(f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}")
    return str(value)


def _column_text(values: list[Any], *, percent: bool = False) -> list[str]:
    """A chart's values written alike: shares as percentages to one decimal when the axis is
    in per cent; other numbers to the same number of decimals, enough for three significant
    figures at the largest (32.3, 7.2, 0.8 rather than 32.33, 7.199, 0.801; 25.9 beside 4.0,
    not 4)."""
    numbers = [
        float(v)
        for v in values
        if isinstance(v, int | float) and not isinstance(v, bool) and v == v
    ]
    if percent:
        return [
            pct(float(v), 1) if isinstance(v, int | float) and v == v else _text(v) for v in values
        ]
    if not numbers or all(v.is_integer() for v in numbers):  # counts stay whole numbers
        return [_text(v) for v in values]
    largest = max(abs(v) for v in numbers) or 1.0
    decimals = min(4, max(0, 2 - math.floor(math.log10(largest))))
    return [
        _unsigned_zero(f"{float(v):,.{decimals}f}")
        if isinstance(v, int | float) and not isinstance(v, bool) and v == v
        else _text(v)
        for v in values
    ]


def _title(figure: go.Figure) -> str:
    title = figure.layout.title.text if figure.layout.title else None
    return str(title) if title else ""


def figure_html(
    figure: go.Figure,
    *,
    height: int = 380,
    alt: str = "",
    data: pl.DataFrame | None = None,
) -> str:
    """A Plotly figure as an accessible chart: the plot (the library is loaded once by the
    page), its text alternative ``alt`` (default: the chart's title and where its numbers
    are) and a data table (``data``, default the numbers the traces draw)."""
    title = _title(figure)
    # The title is printed above the chart as text (it wraps on a phone; Plotly's does not).
    figure.update_layout(title_text="")
    if pio.templates.default != REPORT_TEMPLATE:  # another default set since (the dashboard's)
        figure.update_layout(template=REPORT_TEMPLATE)
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        colorway=list(PALETTE),
        font={"family": "system-ui, sans-serif"},
    )
    _phone_ready(figure)
    markup = str(
        figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
        )
    )
    shown = data if data is not None else _figure_data(figure)
    text = alt or (
        f"Chart{': ' + title if title else ''}."
        + (" The numbers are in the data table below it." if shown is not None else "")
    )
    table = (
        _table(shown, caption=f"Data: {title or 'the chart above'}", max_rows=400, labels={})
        if shown is not None
        else None
    )
    return str(_macro("chart")(_Chart(markup, title, text, table)))


@dataclass(frozen=True)
class _Chart:
    markup: str
    title: str
    alt: str
    data: _Table | None


def table_html(
    frame: pl.DataFrame,
    *,
    caption: str = "",
    max_rows: int = 200,
    labels: dict[str, str] | None = None,
    percent: Sequence[str] = (),
    wide: Sequence[str] = (),
    standalone: bool = False,
    nowrap: Sequence[str] = (),
) -> str:
    """A polars frame as an escaped HTML table (at most ``max_rows`` rows, said when cut).
    The ``percent`` columns hold shares (0–1) and are written as percentages (``49.6%``).
    The ``wide`` columns hold sentences (a change with its interval): on a phone, where a
    table wider than the screen shrinks each column to its longest word, they keep a width
    that reads in a few lines instead of a word a line.

    ``standalone``: the table carries its own styles, for a page that does not load the report
    page's CSS (the dashboard's tables of words): the same cells, with inline styles; the
    ``wide`` columns get half the width, and on a phone each row becomes a block of named
    lines (each cell headed by its column); its ``nowrap`` columns (dates) are never broken
    across lines."""
    for option, names in (("percent", percent), ("wide", wide), ("nowrap", nowrap)):
        unknown = set(names) - set(frame.columns)
        if unknown:
            raise ValueError(f"{option} names columns the table does not have: {sorted(unknown)}")
    table = _table(
        frame,
        caption=caption,
        max_rows=max_rows,
        labels=labels or {},
        percent=tuple(percent),
        wide=tuple(wide),
    )
    if not standalone:
        return str(_macro("table")(table))
    return str(_macro("standalone_table")(table, [c in nowrap for c in frame.columns]))


def kpi_html(value: str, label: str, interval: str = "") -> str:
    """A headline figure tile: the value, what it is, and its interval."""
    return str(_macro("headline_figure")(value, label, interval))


def verdict_html(verdict: str | None, *, compact: bool = False) -> str:
    """An audit verdict badge: improved, worse, or no clear change (``≈`` when compact)."""
    return str(_macro("verdict")(verdict, compact))


def compared_kpi_html(
    value: str, label: str, interval: str, lines: Sequence[tuple[str, str | None]]
) -> str:
    """A headline figure with its comparisons: (text, verdict) lines under it."""
    return str(_macro("compared_figure")(value, label, interval, lines))


def kpis_html(items: Iterable[tuple[str, str] | tuple[str, str, str]]) -> str:
    """A row of headline figures: (value, label[, interval]) each, already formatted."""
    rows = [(*item, "") if len(item) == 2 else item for item in items]
    return str(_macro("headline_figures")(rows))


def download_html(href: str, text: str) -> str:
    """A download link (e.g. the CSV behind a chart)."""
    return str(_macro("download")(href, text))


def details_html(summary: str, body: str) -> str:
    """A folded part: ``summary`` (text) opens ``body`` (markup from these helpers)."""
    return str(_macro("details")(summary, markupsafe.Markup(body)))


def note_html(text: str) -> str:
    """A short note in small print (a caveat, a definition)."""
    return str(_macro("methods_note")(text))


def paragraphs(*texts: str) -> str:
    """Plain text paragraphs, escaped."""
    return str(_macro("paragraphs")(texts))


def write_html(path: Path, document: str) -> list[Path]:
    """Write a report page and, beside it, the charting library it loads (once per folder:
    an existing copy of the same size is kept). Returns the files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
    written = [path]
    script = path.parent / PLOTLY_JS
    library = _plotly_js()
    if not script.exists() or script.stat().st_size != len(library.encode("utf-8")):
        # Written whole under another name, then renamed: the demo's processes write pages
        # into one folder at once, and none may see (or leave) half a library.
        partial = script.with_name(f".{script.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_text(library, encoding="utf-8")
        os.replace(partial, script)
        written.append(script)
    return written


def render_page(
    title: str,
    sections: Sequence[Section],
    *,
    classification: Classification,
    subtitle: str = "",
    generated: datetime | None = None,
    main_points: Iterable[MainPoint] | None = None,
    script_src: str = PLOTLY_JS,
    site_nav: Sequence[tuple[str, str, bool]] = (),
) -> str:
    """The whole report as one HTML document; it loads the charting library from
    ``script_src`` (a file beside it, see :func:`write_html`). ``main_points`` open the page
    (``None``: no main points section; empty: the section says none could be estimated).
    ``site_nav``: links to the other pages of a site, (href, title, is this page)."""
    template = _ENV.get_template("page.html")
    return template.render(
        title=title,
        subtitle=subtitle,
        sections=sections,
        classification=classification,
        generated=_when(generated or datetime.now()),
        main_points=None if main_points is None else bullet_points(tuple(main_points)),
        script_src=script_src,
        site_nav=site_nav,
    )


def _when(moment: datetime) -> str:
    """When a report was made, as a bulletin dates it: ``7 December 2026 10:16`` (no leading
    zero on the day)."""
    return f"{moment.day} {moment:%B %Y %H:%M}"
