"""The public overview (the open site's front page and the dashboard's overview for a viewer).

Every table of the overview adds up to the same in-scope total, so they are protected as one
system (:func:`vawg.disclosure.protect`): months; offence group by domestic abuse flag; offence
group by place; districts; with the group, flag and place totals that link them (treated as
published, since a reader can add up a chart's bars). Shares, ratios and rates are recomputed
from the rounded counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable

import polars as pl

from vawg.config import Settings
from vawg.disclosure import Relation, protect, public_params, suppress
from vawg.profile.overview import (
    PLACES,
    Overview,
    complete_grid,
    period_years,
    with_district_rates,
)

__all__ = ["disclose_overview"]


def _ratio(top: int | None, bottom: int | None) -> float | None:
    return None if top is None or not bottom else top / bottom


def disclose_overview(result: Overview, settings: Settings) -> Overview:
    """The public version of ``result`` (same type): counts withheld and rounded together,
    figures recomputed from the rounded counts."""
    if result.public:
        return result
    # Every group with every flag and place, a combination with no crimes as 0 (shown, as the
    # rule shows zeros), so no row of a public table goes missing without a word.
    result = dataclasses.replace(
        result,
        by_group=complete_grid(result.by_group, "domestic_abuse", (False, True)),
        by_place=complete_grid(result.by_place, "place", PLACES),
    )
    params = public_params(result.params, settings)
    threshold = settings.disclosure_threshold
    crimes = result.kpis["crimes"]
    cells: dict[Hashable, int | None] = {"G": None if crimes is None else int(crimes)}
    relations: list[Relation] = []
    months = result.monthly["month"].to_list()
    cells.update({("month", m): n for m, n in result.monthly.select("month", "crimes").iter_rows()})
    relations.append(([("month", m) for m in months], "G"))
    groups = sorted(
        {*result.by_group["offence_group"].to_list(), *result.by_place["offence_group"].to_list()}
    )
    for g in groups:
        part = result.by_group.filter(pl.col("offence_group") == g)
        cells[("group", g)] = int(part["crimes"].sum())
    relations.append(([("group", g) for g in groups], "G"))
    for flag in (True, False):
        part = result.by_group.filter(pl.col("domestic_abuse") == flag)
        cells[("da", flag)] = int(part["crimes"].sum())
        for g, n in part.select("offence_group", "crimes").iter_rows():
            cells[("gda", g, flag)] = n
        relations.append(([("gda", g, flag) for g in part["offence_group"]], ("da", flag)))
    relations.append(([("da", True), ("da", False)], "G"))
    for place in PLACES:
        part = result.by_place.filter(pl.col("place") == place)
        cells[("place", place)] = int(part["crimes"].sum())
        for g, n in part.select("offence_group", "crimes").iter_rows():
            cells[("gp", g, place)] = n
        relations.append(([("gp", g, place) for g in part["offence_group"]], ("place", place)))
    relations.append(([("place", p) for p in PLACES], "G"))
    for g in groups:
        flags = result.by_group.filter(pl.col("offence_group") == g)["domestic_abuse"]
        relations.append(([("gda", g, f) for f in flags], ("group", g)))
        places = result.by_place.filter(pl.col("offence_group") == g)["place"]
        relations.append(([("gp", g, p) for p in places], ("group", g)))
    districts = result.by_district["district"].to_list()
    cells.update(
        {("district", d): n for d, n in result.by_district.select("district", "crimes").iter_rows()}
    )
    relations.append(([("district", d) for d in districts], "G"))
    safe = protect(cells, relations, threshold)

    monthly = result.monthly.with_columns(
        pl.Series("crimes", [safe[("month", m)] for m in months], dtype=pl.Int64)
    )
    by_group = result.by_group.with_columns(
        pl.Series(
            "crimes",
            [
                safe[("gda", g, f)]
                for g, f in result.by_group.select("offence_group", "domestic_abuse").iter_rows()
            ],
            dtype=pl.Int64,
        )
    )
    by_place = result.by_place.with_columns(
        pl.Series(
            "crimes",
            [
                safe[("gp", g, p)]
                for g, p in result.by_place.select("offence_group", "place").iter_rows()
            ],
            dtype=pl.Int64,
        )
    )
    by_district = result.by_district.with_columns(
        pl.Series("crimes", [safe[("district", d)] for d in districts], dtype=pl.Int64)
    )
    by_district = with_district_rates(
        by_district.drop("rate_per_1000_per_year", "ci_low", "ci_high"),
        period_years(result.params.period),
    )
    people = {
        name: result.kpis[name]
        for name in ("offenders", "victims")
        if result.kpis[name] is not None
    }
    shown_people = protect({k: int(v or 0) for k, v in people.items()}, [], threshold)
    kpis: dict[str, float | None] = {
        "crimes": None if safe["G"] is None else float(safe["G"]),
        "offenders": _float(shown_people.get("offenders")),
        "victims": _float(shown_people.get("victims")),
        "domestic_abuse_share": _ratio(safe[("da", True)], safe["G"]),
        "home_per_public": _ratio(safe[("place", "Home")], safe[("place", "Public place")]),
        "domestic_abuse_crimes": _float(safe[("da", True)]),
        "home_crimes": _float(safe[("place", "Home")]),
        "public_crimes": _float(safe[("place", "Public place")]),
    }
    exclusions = suppress(result.exclusions, "crimes_excluded", threshold=threshold, margins=[])
    return dataclasses.replace(
        result,
        params=params,
        public=True,
        threshold=threshold,
        kpis=kpis,
        monthly=monthly,
        by_group=by_group,
        by_district=by_district,
        by_place=by_place,
        exclusions=exclusions.drop("suppressed"),
    )


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)
