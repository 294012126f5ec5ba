"""The public results: :func:`disclose` (the public :class:`ProfileResult`) and
:func:`disclose_open_data` (the public :class:`OpenDataResult`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable

import polars as pl

from vawg.profile.opendata import OpenDataResult
from vawg.profile.profile import ProfileResult, headline_table
from vawg.profile.public.systems import _crimes_system, _list, _people_system, protect
from vawg.profile.public.tables import (
    _public_exclusions,
    _public_harm,
    _public_people,
    _public_place,
    _public_rfgv,
    _public_timing,
    _public_volume,
)


def disclose(result: ProfileResult, threshold: int) -> ProfileResult:
    """The public version of ``result``: suppressed counts, no person-level rows."""
    if result.public:
        return result
    p = result.people
    crimes = _crimes_system(result, threshold)
    victims = _people_system(
        result.distinct_victims,
        p.repeat_victims,
        p.victims_with_several_offenders,
        p.victim_age,
        p.victim_crimes,
        p.victim_offenders,
        "victims",
        int(result.params.settings.get("repeat_min_crimes", 2)),
        threshold,
    )
    offenders = _people_system(
        result.distinct_offenders,
        p.repeat_offenders,
        p.offenders_with_several_victims,
        p.offender_age,
        p.offender_crimes,
        p.offender_victims,
        "offenders",
        int(result.params.settings.get("repeat_min_crimes", 2)),
        threshold,
    )
    volume = _public_volume(result.volume, crimes, offenders, victims, threshold)
    place = _public_place(result.place, crimes)
    people = _public_people(p, offenders, victims, threshold)
    harm = _public_harm(result.harm, crimes, offenders.get("total"), threshold)
    exclusions, no_dob = _public_exclusions(result, threshold)
    settings = dict(result.params.settings)
    settings["disclosure_threshold"] = threshold
    return dataclasses.replace(
        result,
        params=dataclasses.replace(result.params, settings=settings),
        public=True,
        crimes_in_scope=crimes.get("G"),
        distinct_offenders=offenders.get("total"),
        distinct_victims=victims.get("total"),
        exclusions=exclusions,
        no_date_of_birth_crimes=no_dob,
        volume=volume,
        place=place,
        people=people,
        harm=harm,
        rfgv=_public_rfgv(result.rfgv, threshold),
        timing=_public_timing(result.timing, threshold),
        table=headline_table(volume, place, people, harm),
    )


def disclose_open_data(result: OpenDataResult, threshold: int) -> OpenDataResult:
    """The open-data profile with every count through :func:`vawg.disclosure.suppress`.

    police.uk rows are public already, but the one rule still applies to what we publish.
    """
    if result.public:
        return result
    months = result.by_month
    month_cells: dict[Hashable, int | None] = {
        ("all", m): n for m, n in months.select("month", "all_crimes").iter_rows()
    }
    month_cells.update({("vso", m): n for m, n in months.select("month", "vso").iter_rows()})
    safe = protect(month_cells, [], threshold)
    by_month = months.with_columns(
        pl.Series("all_crimes", [safe[("all", m)] for m in months["month"]], dtype=pl.Int64),
        pl.Series("vso", [safe[("vso", m)] for m in months["month"]], dtype=pl.Int64),
    ).with_columns(
        vso_share=pl.when(pl.col("vso").is_null() | pl.col("all_crimes").is_null())
        .then(None)
        .otherwise(pl.col("vso_share"))
    )
    by_district = _list(
        result.by_district,
        "vso",
        threshold,
        dependents=["vso_per_1000_female_per_year", "ci_low", "ci_high"],
    )
    vso_total = (
        result.vso_crimes if not result.vso_crimes or result.vso_crimes >= threshold else None
    )
    return dataclasses.replace(
        result,
        vso_crimes=vso_total,
        no_location=_row_value(by_district, "No location", result.no_location),
        outside_area=_row_value(by_district, "Outside the area reference", result.outside_area),
        table=by_month,
        by_month=by_month,
        by_crime_type=_list(result.by_crime_type, "crimes", threshold),
        by_district=by_district,
        by_lsoa=_list(result.by_lsoa, "vso", threshold, total_published=False),
        outcomes=_list(result.outcomes, "vso", threshold, dependents=["share"]),
        location_kinds=_list(result.location_kinds, "vso", threshold),
        public=True,
    )


def _row_value(frame: pl.DataFrame, district: str, original: int | None) -> int | None:
    row = frame.filter(pl.col("district") == district)
    return row["vso"][0] if row.height else original
