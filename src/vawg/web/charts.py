"""Charts on the dashboard: one look for every figure, each with its CSV and PNG download.

:func:`show_chart` draws a Plotly figure and, under it, a button that downloads the exact table
the figure was drawn from as CSV (every cell escaped by :func:`vawg.safe_csv.escape_cell`, so a
spreadsheet cannot be tricked into running a formula). The file is named after the table, the
period and the filters (``vawg-crimes-per-month_2017-04-to-2022-03_thanet.csv``) and starts with
``#`` lines saying what it is, the period, the filters, whether it is disclosure-controlled and
when and for whom it was prepared (:meth:`vawg.web.context.PageContext.download`; read it with
``pandas.read_csv(path, comment="#")``). PNG: the camera button in the chart's toolbar
(Plotly's "download plot as png", rendered in the browser at twice the screen size).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.report.page import table_html
from vawg.safe_csv import escape_cell
from vawg.schema.labels import LABELS, label
from vawg.web.access import Access, current
from vawg.web.context import Download, PageContext
from vawg.web.jobs import Memo
from vawg.wording import ratio_change, ratio_interval

__all__ = [
    "PALETTE",
    "as_rate",
    "bars",
    "change_axis",
    "change_words",
    "content_key",
    "csv_bytes",
    "deferred_csv",
    "interval_words",
    "kpi_row",
    "line",
    "remembered",
    "show_chart",
    "show_map",
    "show_table",
    "show_text_table",
    "styled",
    "text_table_html",
    "use_light_figures",
    "wrapped",
]

PALETTE = ["#5b2a86", "#d1495b", "#2e86ab", "#edae49", "#66a182", "#8d6a9f", "#00798c", "#9a8c98"]
ACCENT = PALETTE[0]


def csv_bytes(frame: pl.DataFrame, *, header: Sequence[str] = ()) -> bytes:
    """``frame`` as UTF-8 CSV bytes, every cell formula-escaped, after ``# header`` lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in header:
        writer.writerow([escape_cell(f"# {line}")])
    writer.writerow([escape_cell(c) for c in frame.columns])
    for row in frame.iter_rows():
        writer.writerow(["" if v is None else escape_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def deferred_csv(
    ctx: PageContext, data: pl.DataFrame, download: Download, access: Access | None
) -> Callable[[], bytes]:
    """The CSV of ``data`` made when the user clicks its button, and the download written to
    the audit log then (once a click).

    Streamlit asks for a download button's file as soon as the button is drawn when it is
    given the bytes; logging those requests recorded downloads nobody made. Given this
    function instead, it calls it only on a click (on a thread of its own: the user and
    address are taken now, from the page).
    """
    user, client, name = ctx.user, ctx.client, download.file_name

    def make() -> bytes:
        if access is not None:
            access.record("download", user, client, name)
        return csv_bytes(data, header=download.header)

    return make


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


_GRID = "#EBF0F8"


def _values(frame: pl.DataFrame, column: str) -> list[object]:
    return frame[column].to_list()


def bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str | Sequence[str],
    color: str | None = None,
    orientation: str = "v",
    barmode: str = "group",
    order: Sequence[str] | None = None,
    hover: Sequence[str] = (),
) -> go.Figure:
    """A bar chart of ``frame``: one series per ``color`` value, or per column when ``y`` is a
    list (what ``plotly.express.bar`` draws, built from plain traces: several times faster).

    ``order``: the order of the ``color`` values. ``orientation="h"`` puts ``x`` along the
    bars and ``y`` down the side, as in plotly express.
    """
    series: list[tuple[str, pl.DataFrame, str]] = []
    if isinstance(y, str) and color is not None:
        found = [str(v) for v in frame[color].unique(maintain_order=True).to_list()]
        names = [v for v in (order or ()) if v in found] + [
            v for v in found if v not in (order or ())
        ]
        series = [(name, frame.filter(pl.col(color).cast(pl.String) == name), y) for name in names]
    elif isinstance(y, str):
        series = [(y, frame, y)]
    else:
        series = [(column, frame, column) for column in y]
    figure = go.Figure()
    for name, part, value in series:
        across, along = (_values(part, value), _values(part, x))
        figure.add_bar(
            x=across if orientation == "h" else along,
            y=along if orientation == "h" else across,
            orientation=orientation,
            name=name,
            customdata=part.select(hover).rows() if hover else None,
            hovertemplate=(
                "".join(f"{h}: %{{customdata[{i}]}}<br>" for i, h in enumerate(hover))
                + ("%{x}" if orientation == "h" else "%{y}")
                + "<extra></extra>"
            )
            if hover
            else None,
        )
    figure.update_layout(barmode=barmode)
    return figure


_STEPS = (
    0.25,
    0.33,
    0.5,
    0.67,
    0.8,
    0.9,
    0.95,
    0.98,
    0.99,
    1.0,
    1.01,
    1.02,
    1.05,
    1.1,
    1.25,
    1.5,
    2.0,
    3.0,
    4.0,
    6.0,
    10.0,
)


def change_words(ratio: float | None, *, unit: str = "") -> str:
    """A ratio as a change in words, as the reports write it (:func:`vawg.wording.ratio_change`):
    1.32 → ``32% more``, 1.038 → ``3.8% more``, 0.8 → ``20% fewer``, 2.4 → ``2.4 times as
    many``, 1.0004 → ``about the same`` (``unit`` follows: ``32% more crimes``); ``–`` when
    missing."""
    if ratio is None or not math.isfinite(ratio):
        return "–"
    return ratio_change(ratio, unit)


def interval_words(low: float | None, high: float | None, estimate: float | None = None) -> str:
    """A ratio's 95% interval in words, as the reports write it beside ``estimate``
    (:func:`vawg.wording.ratio_interval`): ``41% fewer to 82% more``, ``1.04 to 5.7 times as
    many``; empty when an end is missing."""
    if low is None or high is None:
        return ""
    if estimate is not None and not math.isfinite(estimate):
        estimate = None
    return ratio_interval(low, high, estimate)


def as_rate(words: str) -> str:
    """Words of a change in a count made words of a change in a rate: ``17% lower``, ``2.1
    times as high`` (as the programme report writes a hazard ratio)."""
    return words.replace("fewer", "lower").replace("more", "higher").replace("as many", "as high")


def change_axis(figure: go.Figure, values: Sequence[float | None], *, axis: str = "x") -> None:
    """Put ratios on a log ``axis`` ticked as changes (``−20%``, ``no change``, ``+50%``), the
    steps chosen to cover ``values`` (a ratio r is drawn where it is and labelled (r−1)×100%)."""
    found = [v for v in values if v is not None and v == v and v > 0]
    low, high = (min(found), max(found)) if found else (0.8, 1.25)
    low, high = min(low, 1.0), max(high, 1.0)
    steps = sorted({*(v for v in _STEPS if low <= v <= high), 1.0})  # inside the plot
    # At most about five ticks, evenly apart on the log scale (a phone has room for them).
    gap = (math.log(high) - math.log(low)) / 3.5
    kept = [1.0]
    for side in (
        sorted(v for v in steps if v > 1),
        sorted((v for v in steps if v < 1), reverse=True),
    ):
        for v in side:
            nearest = min(abs(math.log(v) - math.log(k)) for k in kept)
            if nearest >= gap:
                kept.append(v)
    kept.sort()
    text = ["no change" if v == 1 else f"{(v - 1) * 100:+.0f}%".replace("-", "−") for v in kept]
    update = {
        "type": "log",
        "tickmode": "array",
        "tickvals": kept,
        "ticktext": text,
        "tickangle": 0,
    }
    if axis == "x":
        figure.update_xaxes(**update)
    else:
        figure.update_yaxes(**update)


def wrapped(text: str, width: int = 22) -> str:
    """``text`` broken onto lines of about ``width`` characters (labels down a chart's side,
    so the plot keeps most of a phone's width)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def line(frame: pl.DataFrame, *, x: str, y: str, name: str = "") -> go.Figure:
    """A line of ``y`` against ``x`` (what ``plotly.express.line`` draws, from a plain trace)."""
    return go.Figure(
        go.Scatter(x=_values(frame, x), y=_values(frame, y), mode="lines", name=name or y)
    )


_FIGURES = Memo(keep=32)


def content_key(frame: pl.DataFrame) -> tuple[object, ...]:
    """A key that changes when the frame's contents do (for :func:`remembered`)."""
    return (frame.shape, tuple(frame.columns), int(frame.hash_rows().sum()))


def remembered(key: Hashable, build: Callable[[], go.Figure]) -> go.Figure:
    """The figure built for ``key`` before, else ``build()`` (for figures slow to build, such
    as maps; the key must hold everything the figure is drawn from)."""
    return _FIGURES.get(key, build)


def use_light_figures() -> None:
    """Make figures without plotly's default template (idempotent; the dashboard process only).

    Copying plotly's default template into every figure takes about a fifth of a second a
    figure, most of a page's drawing time; :func:`styled` sets the look instead.
    """
    import plotly.io as pio

    pio.templates.default = "none"


# Thousands separated on every number axis ("2,883", "4,000"; date and category axes ignore it).
_AXES = {
    "gridcolor": _GRID,
    "linecolor": _GRID,
    "zerolinecolor": _GRID,
    "automargin": True,
    "separatethousands": True,
}
_LOOK: dict[str, object] = {
    "template": "none",
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "xaxis": _AXES,
    "yaxis": _AXES,
    "colorway": PALETTE,
    "font": {
        "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        "size": 13,
        "color": "#2a3f5f",
    },
    "title": {"font": {"size": 15}, "x": 0, "xanchor": "left"},
    # Above the plot, under the title: below it, the legend ran into the x-axis title.
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    "hoverlabel": {"font": {"size": 12}, "align": "left"},
}


def _merged(base: Mapping[str, object], over: Mapping[str, object]) -> dict[str, object]:
    """``base`` with ``over`` laid on top, nested dictionaries merged key by key."""
    out = dict(base)
    for key, value in over.items():
        below = out.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            out[key] = _merged(below, value)
        else:
            out[key] = value
    return out


def styled(figure: go.Figure, *, height: int = 360, legend: bool = True) -> go.Figure:
    """The dashboard's look: white, system font, the project palette, compact margins.

    The figure's own settings (titles, axis formats) are kept; the look fills in the rest.
    Built as one new figure rather than updated in place: plotly's in-place updates cost
    several times more.
    """
    own: dict[str, object] = figure.layout.to_plotly_json()
    look = _LOOK
    placed = own.get("legend")
    if isinstance(placed, Mapping) and "yanchor" not in placed and placed.get("y", 1) < 0.5:
        # a legend the figure puts under its plot hangs from there: anchored by its bottom (the
        # look's, for a legend above), it rose over the plot (a map's southern districts)
        look = _merged(_LOOK, {"legend": {"yanchor": "top"}})
    layout = _merged(
        _merged(look, own),
        {
            "height": height,
            "showlegend": legend,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    )
    return go.Figure(data=figure.data, layout=layout)


def show_chart(
    ctx: PageContext,
    figure: go.Figure,
    data: pl.DataFrame,
    name: str,
    *,
    caption: str = "",
    key: str = "",
) -> None:
    """Draw ``figure`` with a CSV download of ``data`` (and Plotly's PNG button). The chart's
    title is written above it as text, as in the reports: it wraps on a phone, and the legend
    above the plot has the chart's top to itself."""
    box = f"vawg-ticks-{key or _slug(name)}"
    _draw(ctx, figure, data, name, caption=caption, key=key, css=thinned_ticks_css(figure, box))


def show_map(
    ctx: PageContext,
    figure: go.Figure,
    data: pl.DataFrame,
    name: str,
    *,
    caption: str = "",
    key: str = "",
) -> None:
    """Draw a map (a figure in metres, its y axis anchored to its x) as :func:`show_chart`
    draws a chart, as tall as its width and shape ask: full width and without empty bands above
    and below it on a phone, where a height fixed for a desktop left the map a strip in the
    middle of a tall box. Room is added for the legend under it, as many rows as its entries
    take at that width; no taller than most of the screen (a tall district zoomed to)."""
    box = f"vawg-map-{key or _slug(name)}"
    css = (map_height_css(figure, box), box)
    _draw(ctx, figure, data, name, caption=caption, key=key, css=css, stretch=True)


MAP_MARGIN = 10
"""The margin around a map's plot area, in pixels (:func:`styled`'s, on every side)."""
LEGEND_ROW = 22
"""The height of a row of a legend's entries, in pixels (13 px text)."""
_CHAR = 7.0
"""The width of a character of a legend entry, in pixels (13 px system font, a little over)."""
_SWATCH = 46
"""A legend entry's swatch and the gaps around its text, in pixels."""


def map_aspect(figure: go.Figure) -> float:
    """Width over height of the area a map opens on: its axes' ranges, or the bounds their
    ranges are clipped to (:func:`vawg.report.area_map.area_map_figure`), when set; else the
    extent of everything drawn."""
    x_axis, y_axis = figure.layout.xaxis, figure.layout.yaxis
    x_range = x_axis.range or (x_axis.autorangeoptions.clipmin, x_axis.autorangeoptions.clipmax)
    y_range = y_axis.range or (y_axis.autorangeoptions.clipmin, y_axis.autorangeoptions.clipmax)
    if None not in (*x_range, *y_range):
        width, height = abs(x_range[1] - x_range[0]), abs(y_range[1] - y_range[0])
    else:
        xs = [np.asarray(t.x, dtype=float) for t in figure.data if t.x is not None and len(t.x)]
        ys = [np.asarray(t.y, dtype=float) for t in figure.data if t.y is not None and len(t.y)]
        if not xs or not ys:
            return 1.0
        x, y = np.concatenate(xs), np.concatenate(ys)
        width = float(np.nanmax(x) - np.nanmin(x))
        height = float(np.nanmax(y) - np.nanmin(y))
    return width / height if width > 0 and height > 0 else 1.0


def legend_rows(figure: go.Figure, width: float) -> int:
    """How many rows the legend's entries take in a chart ``width`` pixels wide: Plotly lays
    a legend that does not fit on one line out in columns as wide as its widest entry."""
    names = [str(t.name) for t in figure.data if t.name and t.showlegend is not False]
    if not names or figure.layout.showlegend is False:
        return 0
    entries = [_SWATCH + _CHAR * len(n) for n in names]
    room = width - 2 * MAP_MARGIN
    if sum(entries) <= room:
        return 1
    columns = max(1, int(room // max(entries)))
    return -(-len(names) // columns)


_WIDTHS = (300, 360, 420, 500, 600, 700, 800, 900, 1000, 1200, 1400)
"""Chart widths (pixels) at which the legend's rows are counted again, phone to desktop."""


def map_height_css(figure: go.Figure, box: str) -> str:
    """CSS that makes the map in the container with key ``box`` as tall as its plot area's
    width over its aspect, plus margins and its legend's rows at that width (container
    queries: the chart's own width, whatever the screen and the columns)."""
    aspect = map_aspect(figure)
    chart = f'.st-key-{box} [data-testid="stPlotlyChart"]'

    def height(rows: int) -> str:
        extra = 2 * MAP_MARGIN + rows * LEGEND_ROW + (8 if rows else 0)
        plot = f"(100cqw - {2 * MAP_MARGIN}px) / {aspect:.4f}"
        return f"{chart} {{ height: min(calc({plot} + {extra}px), 85vh) !important; }}"

    rules = [f".st-key-{box} {{ container-type: inline-size; }}", height(legend_rows(figure, 0))]
    # from each width up, the legend takes the rows it takes there (narrower: more rows)
    for width in _WIDTHS:
        rules.append(
            f"@container (min-width: {width}px) {{ {height(legend_rows(figure, width))} }}"
        )
    return "<style>" + " ".join(rules) + "</style>"


TICK_CHAR = 7.0
"""The width of a character of a tick label, in pixels (13 px system font, a little over)."""
TICK_GAP = 12
"""The least room between two tick labels, in pixels."""
Y_ROOM = 60
"""What a chart's width gives to its y axis' labels and title and its margins, in pixels."""


def thinned_ticks_css(figure: go.Figure, box: str) -> tuple[str, str] | None:
    """CSS that writes every second or third (and so on) label of an x axis of categories with
    their labels listed and upright (:func:`vawg.report.page.half_axis`'s half-years), counting
    back from the latest, where the chart in the container with key ``box`` is too narrow for
    them all; with that key, or None for any other axis. The reports' page script does this by
    measuring; here container queries on the chart's own width do it, the labels' widths
    taken from their characters."""
    axis = figure.layout.xaxis
    labels = [str(t) for t in (axis.ticktext or ())]
    categories = all(isinstance(v, str) for v in (axis.tickvals or ()))  # not change_axis' ratios
    if axis.tickmode != "array" or axis.tickangle != 0 or len(labels) < 2 or not categories:
        return None
    widest = max(len(line) for t in labels for line in t.split("<br>")) * TICK_CHAR + TICK_GAP
    need = widest * len(labels)  # the plot's width that writes them all
    tick = f'.st-key-{box} [data-testid="stPlotlyChart"] .xaxislayer-above > .xtick'
    rules = [f".st-key-{box} {{ container-type: inline-size; }}"]
    for step in range(2, len(labels) + 1):
        # every step-th label where the plot is narrower than need / (step - 1) and at least
        # need / step wide (the narrowest range has no lower end)
        upper = need / (step - 1) + Y_ROOM
        lower = need / step + Y_ROOM
        width = f"(width < {upper:.1f}px)"
        if step < len(labels):
            width = f"({lower:.1f}px <= width < {upper:.1f}px)"
        rules.append(
            f"@container {width} {{ {tick}:not(:nth-last-child({step}n+1)) text "
            "{ display: none; } }"
        )
    return "<style>" + " ".join(rules) + "</style>", box


def _draw(
    ctx: PageContext,
    figure: go.Figure,
    data: pl.DataFrame,
    name: str,
    *,
    caption: str,
    key: str,
    css: tuple[str, str] | None,
    stretch: bool = False,
) -> None:
    """Draw ``figure`` under its title, with its caption and CSV; ``css``: (style, the key of
    a container drawn around the chart for it), ``stretch``: the chart as tall as the style
    makes its box."""
    slug = _slug(name)
    title = figure.layout.title.text
    if title:
        figure.layout.title.text = None
        st.markdown(f"**{_escaped(str(title))}**")
    height: Literal["stretch", "content"] = "stretch" if stretch else "content"
    if css is None:
        _plot(ctx, figure, name, slug, key, height=height)
    else:
        style, box = css
        with st.container(key=box):
            st.html(style)  # style only: Streamlit applies it without drawing anything
            _plot(ctx, figure, name, slug, key, height=height)
    if title:  # a figure kept for the next run (a map) keeps its title for it
        figure.layout.title.text = title
    _caption_and_download(ctx, data, name, caption, key)


def _plot(
    ctx: PageContext,
    figure: go.Figure,
    name: str,
    slug: str,
    key: str,
    *,
    height: Literal["stretch", "content"],
) -> None:
    st.plotly_chart(
        figure,
        width="stretch",
        height=height,
        theme=None,
        key=f"chart-{key or slug}",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {
                "format": "png",
                "filename": ctx.download(slug, name).file_name.removesuffix(".csv"),
                "scale": 2,
            },
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        },
    )


def _escaped(text: str) -> str:
    """``text`` shown as it is in Markdown (no emphasis, links or HTML from its characters)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", text)


def _caption_and_download(
    ctx: PageContext, data: pl.DataFrame, name: str, caption: str, key: str
) -> None:
    """The caption under a chart or table, with its stamped CSV download (formula-safe)."""
    slug = _slug(name)
    download = ctx.download(slug, name, caption=caption)
    left, right = st.columns([5, 2], vertical_alignment="center")
    if caption:
        left.caption(caption)
    right.download_button(
        "CSV",
        deferred_csv(ctx, data, download, current()),
        file_name=download.file_name,
        mime="text/csv",
        key=f"csv-{key or slug}",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )


def show_table(
    ctx: PageContext,
    data: pl.DataFrame,
    name: str,
    *,
    caption: str = "",
    key: str = "",
    height: int | None = None,
    labels: Mapping[str, str] | None = None,
    percent: Sequence[str] = (),
    decimals: int = 1,
    widths: Mapping[str, str | int] | None = None,
) -> None:
    """A table with its CSV download (dates written as dates, ``1 Apr 2017``; headers in words,
    ``labels`` first; share columns and those named in ``percent`` as percentages, other
    decimals to ``decimals`` places; ``widths``: a column's width, "small", "medium", "large"
    or pixels, for names a default column would cut). The CSV keeps the column names."""
    shown = data.with_columns(pl.col(pl.Date).dt.strftime("%-d %b %Y"))
    # Percentages are shown as numbers out of 100 with one decimal ("19.6%", "12.7%"): the
    # table's own percent format writes as many decimals as each value happens to have.
    shown = shown.with_columns(pl.col(_percent_columns(shown, percent)) * 100)
    st.dataframe(
        shown.to_pandas(),
        hide_index=True,
        width="stretch",
        height=height or "auto",
        column_config=_widths(
            _column_config(shown, labels=labels, percent=percent, decimals=decimals), widths
        ),
    )
    _caption_and_download(ctx, data, name, caption, key)


def text_table_html(data: pl.DataFrame, labels: Mapping[str, str], *, wide: str = "") -> str:
    """``data`` as an HTML table whose long text wraps: the reports' table writer
    (:func:`vawg.report.page.table_html`) carrying its own styles, as a Streamlit page loads
    none of the report's, every row shown and dates written ``1 Apr 2017``. ``wide``: the column
    given most of the width (the one that carries the words). On a phone each row becomes a
    block of named lines (the finding under the name)."""
    dates = tuple(c for c, dtype in data.schema.items() if dtype == pl.Date)
    shown = data.with_columns(pl.col(pl.Date).dt.strftime("%-d %b %Y"))
    return table_html(
        shown,
        labels=dict(labels),
        wide=(wide,) if wide else (),
        # a date is never broken across lines ("1 Oct" over "2020" beside a wide column)
        nowrap=dates,
        max_rows=max(shown.height, 1),
        standalone=True,
    )


def show_text_table(
    ctx: PageContext,
    data: pl.DataFrame,
    name: str,
    *,
    labels: Mapping[str, str],
    wide: str = "",
    caption: str = "",
    key: str = "",
) -> None:
    """A table of words (a finding, a conclusion) with its CSV download: drawn as HTML so the
    text wraps, where a data grid cuts it off at 1280 px and puts it off-screen on a phone."""
    st.html(text_table_html(data, labels, wide=wide))
    _caption_and_download(ctx, data, name, caption, key)


def _is_share(column: str, columns: Sequence[str]) -> bool:
    """A column of shares (0–1): named as one, or the interval of the one just before it."""
    if "share" in column:
        return True
    if column not in ("ci_low", "ci_high") or "ci_low" not in columns:
        return False
    start = list(columns).index("ci_low")
    return start > 0 and "share" in columns[start - 1]


def _percent_columns(frame: pl.DataFrame, percent: Sequence[str] = ()) -> list[str]:
    """The columns of shares (0–1) to write as percentages: those named in ``percent`` and
    those :func:`_is_share` recognises, when they hold decimals."""
    return [
        c
        for c in frame.columns
        if frame[c].dtype.is_float() and (c in percent or _is_share(c, frame.columns))
    ]


def _column_config(
    frame: pl.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    percent: Sequence[str] = (),
    decimals: int | None = None,
) -> dict[str, Any]:
    """Each column headed in words (``labels`` first), shares and the columns named in
    ``percent`` written as percentages, other decimals to ``decimals`` places when given, and
    whole numbers with thousands separators ("11,530"; years as written, "2021")."""
    config: dict[str, Any] = {}
    for column in frame.columns:
        if labels and column in labels:
            header = labels[column]
        else:
            header = label(column, "field") if column in LABELS["field"] else column
            header = header.replace("_", " ")
        dtype = frame[column].dtype
        if column in _percent_columns(frame, percent):
            config[column] = st.column_config.NumberColumn(header, format="%.1f%%")
        elif dtype.is_float() and decimals is not None:
            config[column] = st.column_config.NumberColumn(header, format=f"%,.{decimals}f")
        elif dtype.is_integer() and "year" not in column:  # a year is written 2021, not 2,021
            config[column] = st.column_config.NumberColumn(header, format="%,d")
        else:
            config[column] = st.column_config.Column(header)
    return config


def _widths(config: dict[str, Any], widths: Mapping[str, str | int] | None) -> dict[str, Any]:
    """``config`` with the widths asked for set on their columns."""
    for column, width in (widths or {}).items():
        if column in config:
            config[column] = {**config[column], "width": width}
    return config


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "ratio":
        return f"{value:.1f}×"
    return f"{value:,.2f}"


def kpi_row(items: list[tuple[str, float | None, str, str]]) -> None:
    """Headline figures: (label, value, kind in count|share|ratio|number, help)."""
    columns = st.columns(len(items))
    for column, (text, value, kind, help_text) in zip(columns, items, strict=True):
        with column.container(border=True):
            st.metric(text, _fmt(value, kind), help=help_text or None)
