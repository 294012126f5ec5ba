"""Shared pieces of the hot-spot report: place and class labels, naming LSOAs in words.

Renders no section itself and computes nothing: it turns the per-LSOA table of a
:class:`~vawg.spatial.analysis.HotspotAnalysis` into names a reader recognises.
"""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from vawg.report.symbol_map import CLASS_COLOURS
from vawg.spatial.hotspots import CLASSES, COLD, COLD_UNADJUSTED, HOT, HOT_UNADJUSTED

PLACES = {"all": "all places", "public": "public places", "home": "homes"}
PREFIX = {"all": "", "public": "public_", "home": "home_"}
# What each G* class is called in words: confirmed (after the false discovery rate control)
# versus exploratory (significant before it only).
CLASS_WORDS = {
    HOT: "confirmed hot spot",
    HOT_UNADJUSTED: "exploratory hot cluster",
    CLASSES[2]: "not significant",
    COLD_UNADJUSTED: "exploratory cold cluster",
    COLD: "confirmed cold spot",
}
MAP_CATEGORIES = [CLASS_WORDS[c] for c in CLASSES]
MAP_COLOURS = [CLASS_COLOURS[c] for c in CLASSES]


def kpi(value: str, label: str, note: str) -> str:
    """A key-figure tile."""
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div><div class="ci">{html.escape(note)}</div></div>'
    )


def place_name(row: dict[str, Any]) -> str:
    """An LSOA in words: 'Thanet 016A (Margate town centre), Thanet' or 'E01024670, Thanet'."""
    name = row.get("lsoa_name") or row["lsoa_code"]
    town = row.get("town")
    where = f" ({town} town centre)" if town and row.get("town_centre") is not False else ""
    district = row.get("district")
    return f"{name}{where}" + (f", {district}" if district else "")


def towns_phrase(rows: list[dict[str, Any]]) -> str:
    """The towns (or districts) a list of LSOAs falls in, most LSOAs first, in words."""
    counts: dict[str, int] = {}
    for row in rows:
        key = (
            f"{row['town']} town centre"
            if row.get("town") and row.get("town_centre") is not False
            else (row.get("district") or "an unnamed district")
        )
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{name} ({n} LSOAs)" if n > 1 else name for name, n in ranked]
    if len(parts) > 6:
        parts = [*parts[:6], f"{len(parts) - 6} more places"]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def class_words(table: pl.DataFrame, column: str) -> pl.Expr:
    """The column's G* classes in words (for maps and tables)."""
    del table
    return pl.col(column).replace_strict(CLASS_WORDS, default=None)
