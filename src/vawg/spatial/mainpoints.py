"""The hot-spot main points as facts: which places they name, in which order, with which figures.

:func:`hotspot_main_points` chooses them from a
:class:`~vawg.spatial.analysis.HotspotAnalysis`, for all places and public places:

* the confirmed hot spots: how many, how many of them the table shows, the towns (or districts)
  they fall in with how many LSOAs each (most first, then by name; the first
  :data:`TOWNS_NAMED`, the rest counted), and the :data:`HIGHEST_NAMED` among them with the
  highest rates, highest first (the stronger cluster first between equal rates), each with its
  rate and 95% interval;
* the force-wide rate they are read against, with its interval;
* for all places, the exploratory clusters shown and about how many of the LSOAs tested could
  look as high by chance alone (1 in 20 of them), and how many confirmed hot spots the second
  check (permutation) also confirms;
* the LSOA names among the confirmed hot spots that keep a former district's name.

A public report passes the public Result (:func:`vawg.spatial.public.disclose_hotspots`), so the
facts name only the LSOAs it shows, with its rounded rates. The report words them
(:mod:`vawg.report.hotspots.summary`); nothing here is HTML or a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from vawg.spatial.analysis import HotspotAnalysis
from vawg.spatial.hotspots import HOT, HOT_UNADJUSTED
from vawg.spatial.public import PREFIXES

__all__ = [
    "HIGHEST_NAMED",
    "TOWNS_NAMED",
    "HotspotMainPoints",
    "NamedLsoa",
    "PlaceMainPoints",
    "TownCount",
    "hotspot_main_points",
    "town_counts",
]

HIGHEST_NAMED = 3
"""How many confirmed hot spots are named with their rates (the highest rates)."""
TOWNS_NAMED = 6
"""How many towns (or districts) of the confirmed hot spots are named; the rest are counted."""
CHANCE_LEVEL = 0.05
"""The test level before the allowance for testing every LSOA: the share of LSOAs that could
pass it by chance alone."""
_MAIN_PLACES = ("all", "public")


@dataclass(frozen=True)
class NamedLsoa:
    """An LSOA a main point names: ``town`` is the town whose centre it is (None when it is not
    a town centre); its rate (per 1,000 women and girls a year) with its 95% interval, None
    when not shown."""

    lsoa_code: str
    lsoa_name: str | None
    district: str | None
    town: str | None
    rate: float | None
    rate_ci_low: float | None
    rate_ci_high: float | None


@dataclass(frozen=True)
class TownCount:
    """How many of the LSOAs named fall in one place, and the place as it is called: a town
    centre ('Margate town centre'), the rest of a district one of whose town centres is also
    counted ('Thanet outside its town centres'), or a district ('Dover')."""

    name: str
    lsoas: int


@dataclass(frozen=True)
class PlaceMainPoints:
    """The main-point facts of one place (all places, public places).

    ``confirmed``: confirmed hot spots (all of them, shown or not); ``shown``: those whose
    figures the table shows; ``towns``: where the shown ones are (see :func:`town_counts`),
    ``other_towns`` more not named; ``highest``: the shown ones with the highest rates;
    ``force_rate``: the force-wide rate with its interval (``force_rate_ci``);
    ``exploratory``: exploratory clusters shown (all places only, else None);
    ``confirmed_by_permutation``: confirmed hot spots the second check also confirms (all
    places with a confirmed hot spot only, else None)."""

    place: str
    confirmed: int
    shown: int
    towns: tuple[TownCount, ...]
    other_towns: int
    highest: tuple[NamedLsoa, ...]
    force_rate: float | None
    force_rate_ci: tuple[float | None, float | None]
    exploratory: int | None
    confirmed_by_permutation: int | None

    @property
    def unshown(self) -> int:
        """Confirmed hot spots in LSOAs whose figures are not shown."""
        return max(self.confirmed - self.shown, 0)


@dataclass(frozen=True)
class HotspotMainPoints:
    """What the hot-spot main points say, place by place (all places first), then: ``lsoas``
    tested; ``chance``: about how many of them could look as high as an exploratory cluster by
    chance alone; ``renamed``: (name of 2011, district today) for the confirmed hot spots (all
    places) whose LSOA names keep a former district's name, by the old name."""

    places: tuple[PlaceMainPoints, ...]
    lsoas: int
    chance: int
    renamed: tuple[tuple[str, str], ...]


def _town(row: dict[str, Any]) -> str | None:
    """The town whose centre the LSOA is (a town without ``town_centre`` False)."""
    town = row.get("town")
    return str(town) if town and row.get("town_centre") is not False else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, float | int) and not isinstance(value, bool) else None


def town_counts(rows: list[dict[str, Any]]) -> tuple[TownCount, ...]:
    """Where ``rows`` (LSOAs with district, town and town_centre) fall: each town centre, each
    district's LSOAs outside the town centres counted, and each other district, with how many
    LSOAs; most LSOAs first, then by name."""
    counts: dict[str, int] = {}
    in_town = {r.get("district") for r in rows if _town(r)}
    for row in rows:
        town, district = _town(row), row.get("district")
        name = (
            f"{town} town centre"
            if town
            # a district's count must not read as including its town centres
            else f"{district} outside its town centres"
            if district in in_town
            else (district or "an unnamed district")
        )
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(TownCount(name, n) for name, n in ranked)


def _named(row: dict[str, Any], prefix: str) -> NamedLsoa:
    return NamedLsoa(
        lsoa_code=str(row["lsoa_code"]),
        lsoa_name=row.get("lsoa_name"),
        district=row.get("district"),
        town=_town(row),
        rate=_number(row.get(prefix + "rate")),
        rate_ci_low=_number(row.get(prefix + "rate_ci_low")),
        rate_ci_high=_number(row.get(prefix + "rate_ci_high")),
    )


def _renamed(table: pl.DataFrame) -> tuple[tuple[str, str], ...]:
    """(name of 2011, district today) for LSOA names that keep a former district's name (ONS
    names LSOAs after the district of 2011: 'Shepway 014B' lies in Folkestone and Hythe), the
    first district met for each old name, by the old name."""
    if "lsoa_name" not in table.columns or "district" not in table.columns:
        return ()
    pairs: dict[str, str] = {}
    for name, district in table.select("lsoa_name", "district").iter_rows():
        if not name or not district:
            continue
        old = str(name).rsplit(" ", 1)[0]
        if old != district and old not in pairs:
            pairs[old] = str(district)
    return tuple(sorted(pairs.items()))


def hotspot_main_points(result: HotspotAnalysis) -> HotspotMainPoints:
    """The facts the hot-spot main points give, chosen from ``result`` (see the module
    docstring); from the public Result for a public report."""
    table = result.table
    places = []
    for place in _MAIN_PLACES:
        found = result.by_place.get(place)
        if found is None:
            continue
        prefix = PREFIXES[place]
        klass = pl.col(prefix + "hotspot_class")
        hot = table.filter(klass == HOT)
        towns = town_counts(hot.to_dicts())
        highest = hot.sort(
            [prefix + "rate", prefix + "gi_z", "lsoa_code"],
            descending=[True, True, False],
            nulls_last=True,
        ).head(HIGHEST_NAMED)
        low, high = result.force_rate_intervals.get(place, (None, None))
        places.append(
            PlaceMainPoints(
                place=place,
                confirmed=found.hot_spots,
                shown=hot.height,
                towns=towns[:TOWNS_NAMED],
                other_towns=max(len(towns) - TOWNS_NAMED, 0),
                highest=tuple(_named(row, prefix) for row in highest.to_dicts()),
                force_rate=result.force_rates.get(place),
                force_rate_ci=(low, high),
                exploratory=(
                    table.filter(klass == HOT_UNADJUSTED).height if place == "all" else None
                ),
                confirmed_by_permutation=(
                    found.confirmed_by_permutation if place == "all" and found.hot_spots else None
                ),
            )
        )
    return HotspotMainPoints(
        places=tuple(places),
        lsoas=table.height,
        chance=round(CHANCE_LEVEL * table.height),
        renamed=_renamed(table.filter(pl.col("hotspot_class") == HOT)),
    )
