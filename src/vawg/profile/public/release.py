"""The public results: :func:`disclose` (the public :class:`ProfileResult`) and
:func:`disclose_open_data` (the public :class:`OpenDataResult`).

Both take the ``Settings`` (the disclosure threshold) and return a Result of the same type that
records the rule in ``params.settings["disclosure"]``; :func:`disclose` refuses a period that is
not a financial quarter, half-year or run of whole years (:mod:`vawg.disclosure.grid`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable

import polars as pl

from vawg.config import Settings
from vawg.disclosure import protect, public_params, public_source, round_count
from vawg.profile.opendata import OpenDataResult
from vawg.profile.profile import ProfileResult, headline_table
from vawg.profile.public.systems import _crimes_system, _list, _people_system
from vawg.profile.public.tables import (
    _public_exclusions,
    _public_harm,
    _public_people,
    _public_place,
    _public_rfgv,
    _public_timing,
    _public_volume,
)
from vawg.stats import poisson_rate_interval


def disclose(result: ProfileResult, settings: Settings) -> ProfileResult:
    """The public version of ``result``: counts withheld and rounded, figures recomputed from
    the rounded counts, no person-level rows."""
    if result.public:
        return result
    params = public_params(result.params, settings)
    source = params.settings.get("harm_weights_source")
    if isinstance(source, str):
        params = dataclasses.replace(
            params, settings={**params.settings, "harm_weights_source": public_source(source)}
        )
    threshold = settings.disclosure_threshold
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
    return dataclasses.replace(
        result,
        params=params,
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


def disclose_open_data(result: OpenDataResult, settings: Settings) -> OpenDataResult:
    """The open-data profile with every count withheld or rounded by the one rule.

    police.uk rows are public already (published month by month), so the period is not held to
    the grid; but the one rule still applies to what we publish, and shares and rates are
    recomputed from the rounded counts.
    """
    if result.public:
        return result
    threshold = settings.disclosure_threshold
    params = public_params(result.params, settings, grid=False)
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
        .otherwise(pl.col("vso") / pl.col("all_crimes"))
    )
    by_district = _list(result.by_district, "vso", threshold)
    years = by_month.height / 12.0
    rates = [
        (c / (p * years / 1000.0), *poisson_rate_interval(int(c), p * years / 1000.0))
        if c is not None and p and years
        else (None, None, None)
        for c, p in zip(by_district["vso"], by_district["residents"], strict=True)
    ]
    by_district = by_district.with_columns(
        pl.Series("vso_per_1000_residents_per_year", [r[0] for r in rates], dtype=pl.Float64),
        pl.Series("ci_low", [r[1] for r in rates], dtype=pl.Float64),
        pl.Series("ci_high", [r[2] for r in rates], dtype=pl.Float64),
    )
    vso_total = (
        round_count(result.vso_crimes, threshold)
        if not result.vso_crimes or result.vso_crimes >= threshold
        else None
    )
    outcomes = _list(result.outcomes, "vso", threshold)
    outcomes = outcomes.with_columns(
        share=pl.col("vso") / vso_total if vso_total else pl.lit(None, dtype=pl.Float64)
    )
    return dataclasses.replace(
        result,
        params=params,
        rows=round_count(result.rows, threshold) or 0,
        vso_crimes=vso_total,
        no_location=_row_value(by_district, "No location", result.no_location, threshold),
        outside_area=_row_value(
            by_district, "Outside the area covered", result.outside_area, threshold
        ),
        table=by_month,
        by_month=by_month,
        by_crime_type=_list(result.by_crime_type, "crimes", threshold),
        by_district=by_district,
        by_lsoa=_list(result.by_lsoa, "vso", threshold, total_published=False),
        outcomes=outcomes,
        location_kinds=_list(result.location_kinds, "vso", threshold),
        public=True,
        placement=None,  # counts by placement method are not released
    )


def _row_value(
    frame: pl.DataFrame, district: str, original: int | None, threshold: int
) -> int | None:
    row = frame.filter(pl.col("district") == district)
    if row.height:
        return row["vso"][0]
    return (
        None if original is None or 0 < original < threshold else round_count(original, threshold)
    )
