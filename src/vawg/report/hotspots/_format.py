"""Shared pieces of the hot-spot report: place and class labels, naming LSOAs in words.

Renders no section itself and computes nothing: it turns the per-LSOA table of a
:class:`~vawg.spatial.analysis.HotspotAnalysis`, and the places its main points name
(:mod:`vawg.spatial.mainpoints`), into names a reader recognises.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import polars as pl

from vawg.report.symbol_map import CLASS_COLOURS
from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.hotspots import CLASSES, COLD, COLD_UNADJUSTED, HOT, HOT_UNADJUSTED
from vawg.spatial.mainpoints import NamedLsoa, TownCount

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


def old_district_names(renamed: Sequence[tuple[str, str]]) -> str:
    """A sentence on LSOA names that still carry a former district's name, from (name of 2011,
    district today) pairs (:attr:`~vawg.spatial.mainpoints.HotspotMainPoints.renamed`); empty
    if none."""
    if not renamed:
        return ""
    pairs = "; ".join(f"{old} is now {new}" for old, new in renamed)
    return "LSOA names keep the district names of 2011, when they were drawn: " + pairs + "."


def kpi(value: str, label: str, note: str) -> str:
    """A key-figure tile."""
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div>'
        f'<div class="l">{html.escape(label)}</div><div class="ci">{html.escape(note)}</div></div>'
    )


def place_name(lsoa: NamedLsoa) -> str:
    """An LSOA in words: 'Thanet 016A (Margate town centre)', 'Shepway 012A, Folkestone and
    Hythe' or 'E01024670, Thanet': the district is added unless the LSOA's name begins with it."""
    name = lsoa.lsoa_name or lsoa.lsoa_code
    where = f" ({lsoa.town} town centre)" if lsoa.town else ""
    district = lsoa.district
    named = district and not name.startswith(f"{district} ")
    return f"{name}{where}" + (f", {district}" if named else "")


def towns_phrase(towns: Sequence[TownCount], others: int = 0) -> str:
    """The towns (or districts) of a list of LSOAs in words, as counted, named and ordered by
    :func:`~vawg.spatial.mainpoints.town_counts`, then the ``others`` not named."""
    parts = [f"{t.name} ({t.lsoas} LSOAs)" if t.lsoas > 1 else t.name for t in towns]
    if others:
        parts.append(f"{others} more place{'s' if others != 1 else ''}")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def class_words(table: pl.DataFrame, column: str) -> pl.Expr:
    """The column's G* classes in words (for maps and tables)."""
    del table
    return pl.col(column).replace_strict(CLASS_WORDS, default=None)
