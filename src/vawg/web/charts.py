"""Charts on the dashboard: one look for every figure, each with its CSV and PNG download.

:func:`show_chart` draws a Plotly figure and, under it, a button that downloads the exact table
the figure was drawn from as CSV (every cell escaped by :func:`vawg.safe_csv.escape_cell`, so a
spreadsheet cannot be tricked into running a formula). PNG: the camera button in the chart's
toolbar (Plotly's "download plot as png", rendered in the browser at twice the screen size).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.safe_csv import escape_cell

__all__ = ["PALETTE", "csv_bytes", "kpi_row", "show_chart", "show_table", "styled"]

PALETTE = ["#5b2a86", "#d1495b", "#2e86ab", "#edae49", "#66a182", "#8d6a9f", "#00798c", "#9a8c98"]
ACCENT = PALETTE[0]


def csv_bytes(frame: pl.DataFrame, *, footer: str = "") -> bytes:
    """``frame`` as UTF-8 CSV bytes, every cell formula-escaped; ``footer`` as a last comment row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(c) for c in frame.columns])
    for row in frame.iter_rows():
        writer.writerow(["" if v is None else escape_cell(v) for v in row])
    if footer:
        writer.writerow([escape_cell(f"# {footer}")])
    return buffer.getvalue().encode("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def styled(figure: go.Figure, *, height: int = 360, legend: bool = True) -> go.Figure:
    """The dashboard's look: white, system font, the project palette, compact margins."""
    for index, trace in enumerate(figure.data):
        colour = PALETTE[index % len(PALETTE)]
        if trace.type == "bar":
            trace.update(marker_color=colour)
        elif trace.type == "scatter" and trace.mode and "lines" in trace.mode:
            trace.update(line_color=colour)
    figure.update_layout(
        template="plotly_white",
        colorway=PALETTE,
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10 if not legend else 40},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        title={"font": {"size": 15}, "x": 0, "xanchor": "left"},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0},
        hoverlabel={"font_size": 12},
    )
    return figure


def show_chart(
    figure: go.Figure, data: pl.DataFrame, name: str, *, caption: str = "", key: str = ""
) -> None:
    """Draw ``figure`` with a CSV download of ``data`` (and Plotly's PNG button)."""
    slug = _slug(name)
    st.plotly_chart(
        figure,
        width="stretch",
        theme=None,
        key=f"chart-{key or slug}",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": slug, "scale": 2},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        },
    )
    _caption_and_download(data, slug, caption, key)


def _caption_and_download(data: pl.DataFrame, slug: str, caption: str, key: str) -> None:
    """The caption under a chart or table, with its CSV download (formula-injection safe)."""
    left, right = st.columns([5, 2], vertical_alignment="center")
    if caption:
        left.caption(caption)
    right.download_button(
        "CSV",
        csv_bytes(data, footer=caption),
        file_name=f"{slug}.csv",
        mime="text/csv",
        key=f"csv-{key or slug}",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )


def show_table(
    data: pl.DataFrame, name: str, *, caption: str = "", key: str = "", height: int | None = None
) -> None:
    """A table with its CSV download (dates shown as dates, not midnight timestamps)."""
    slug = _slug(name)
    shown = data.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
    st.dataframe(shown.to_pandas(), hide_index=True, width="stretch", height=height or "auto")
    _caption_and_download(data, slug, caption, key)


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "ratio":
        return f"{value:.1f}×"
    return f"{value:,.2f}"


def kpi_row(items: list[tuple[str, Any, str, str]]) -> None:
    """Headline figures: (label, value, kind in count|share|ratio|number, help)."""
    columns = st.columns(len(items))
    for column, (text, value, kind, help_text) in zip(columns, items, strict=True):
        with column.container(border=True):
            st.metric(text, _fmt(value, kind), help=help_text or None)
