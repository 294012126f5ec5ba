"""Shared pieces of the hot-spot report: place and class labels, naming LSOAs in words.

Renders no section itself and computes nothing: it turns the per-LSOA table of a
:class:`~vawg.spatial.analysis.HotspotAnalysis` into names a reader recognises.
"""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from vawg.report.symbol_map import CLASS_COLOURS
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.hotspots import CLASSES, COLD, COLD_UNADJUSTED, HOT, HOT_UNADJUSTED

PLACES = {"all": "all places", "public": "public places", "home": "homes"}
PREFIX = {"all": "", "public": "public_", "home": "home_"}
# What each G* class is called in words: confirmed (after the false discovery rate control)
# versus exploratory (significant before it only).
CLASS_WORDS = {
    HOT: "confirmed hot spot",
    HOT_UNADJUSTED: "exploratory hot cluster",
    CLASSES[2]: "no clear difference",  # plain words, not "not significant"
    COLD_UNADJUSTED: "exploratory cold cluster",
    COLD: "confirmed cold spot",
}
MAP_CATEGORIES = [CLASS_WORDS[c] for c in CLASSES]
RATE_WORDS = "per 1,000 women and girls a year"
MAP_COLOURS = [CLASS_COLOURS[c] for c in CLASSES]


def rate_interval(rate: float, low: float | None = None, high: float | None = None) -> str:
    """'5.74 (95% CI 5.67 to 5.80)': one decimal, or two when one decimal would put the rate
    on the edge of its interval ('5.7 (95% CI 5.7 to 5.8)' reads as if it were); the rate
    alone when it has no interval."""
    if low is None or high is None or low != low or high != high:
        return f"{rate:,.1f}"
    digits = 1 if f"{rate:,.1f}" not in (f"{low:,.1f}", f"{high:,.1f}") else 2
    return f"{rate:,.{digits}f} (95% CI {low:,.{digits}f} to {high:,.{digits}f})"


def neighbours_words(result: HotspotAnalysis) -> str:
    """Which LSOAs make an LSOA's neighbourhood, in words ('its 6 nearest neighbours')."""
    settings = result.params.settings
    if result.weights_kind == "knn":
        return f"its {settings.get('k', 6)} nearest neighbouring LSOAs"
    if result.weights_kind == "queen":
        return "the LSOAs that share a border with it"
    return "the LSOAs whose centres lie near its own"


def neighbourhood_words(result: HotspotAnalysis, force: float | None) -> str:
    """How to read a hot-spot table: the test is of the neighbourhood, not the LSOA alone."""
    benchmark = f" (force-wide: {force:,.1f})" if force is not None else ""
    return (
        "A hot spot is judged on its neighbourhood: the LSOA together with "
        f"{neighbours_words(result)}. The neighbourhood rate is the one tested against the "
        f"force-wide rate{benchmark}, so an LSOA with a low rate of its own can be part of a "
        "hot spot when the LSOAs around it have high rates; it is named because it sits at "
        "the centre of a high-rate area, not because its own rate is high."
    )


def rate_with_interval(prefix: str) -> pl.Expr:
    """The LSOA's own rate with its 95% interval, as text ('17.3 (13.7 to 21.5)')."""
    rate, low, high = (pl.col(prefix + c) for c in ("rate", "rate_ci_low", "rate_ci_high"))
    text = pl.format(
        "{} ({} to {})",
        rate.round(1).cast(pl.String),
        low.round(1).cast(pl.String),
        high.round(1).cast(pl.String),
    )
    return (
        pl.when(low.is_not_null())
        .then(text)
        .otherwise(rate.round(1).cast(pl.String))
        .alias(prefix + "rate")
    )


def old_district_names(table: pl.DataFrame) -> str:
    """A sentence on LSOA names that still carry a former district's name (ONS names LSOAs
    after the district of 2011: 'Shepway 014B' lies in Folkestone and Hythe); empty if none."""
    if "lsoa_name" not in table.columns or "district" not in table.columns:
        return ""
    pairs: dict[str, str] = {}
    for name, district in table.select("lsoa_name", "district").iter_rows():
        if not name or not district:
            continue
        old = str(name).rsplit(" ", 1)[0]
        if old != district and old not in pairs:
            pairs[old] = str(district)
    if not pairs:
        return ""
    renamed = "; ".join(f"{old} is now {new}" for old, new in sorted(pairs.items()))
    return "LSOA names keep the district names of 2011, when they were drawn: " + renamed + "."


def kpi(value: str, label: str, note: str) -> str:
    """A key-figure tile."""
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div><div class="ci">{html.escape(note)}</div></div>'
    )


def place_name(row: dict[str, Any]) -> str:
    """An LSOA in words: 'Thanet 016A (Margate town centre)', 'Shepway 012A, Folkestone and
    Hythe' or 'E01024670, Thanet': the district is added unless the LSOA's name begins with it."""
    name = str(row.get("lsoa_name") or row["lsoa_code"])
    town = row.get("town")
    where = f" ({town} town centre)" if town and row.get("town_centre") is not False else ""
    district = row.get("district")
    named = district and not name.startswith(f"{district} ")
    return f"{name}{where}" + (f", {district}" if named else "")


def towns_phrase(rows: list[dict[str, Any]]) -> str:
    """The towns (or districts) a list of LSOAs falls in, most LSOAs first, in words."""
    counts: dict[str, int] = {}
    in_town = {r["district"] for r in rows if r.get("town") and r.get("town_centre") is not False}
    for row in rows:
        district = row.get("district")
        key = (
            f"{row['town']} town centre"
            if row.get("town") and row.get("town_centre") is not False
            # a district's count must not read as including its town centres
            else f"{district} outside its town centres"
            if district in in_town
            else (district or "an unnamed district")
        )
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{name} ({n} LSOAs)" if n > 1 else name for name, n in ranked]
    if len(parts) > 6:
        rest = len(parts) - 6
        parts = [*parts[:6], f"{rest} more place{'s' if rest != 1 else ''}"]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def class_words(table: pl.DataFrame, column: str) -> pl.Expr:
    """The column's G* classes in words (for maps and tables)."""
    del table
    return pl.col(column).replace_strict(CLASS_WORDS, default=None)
