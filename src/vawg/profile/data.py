"""The in-scope crimes, perpetrators and victims, enriched once and held as temporary tables.

Every part of the profile reads the same three tables, so they are built once from the scope
(:func:`vawg.scope.vawg_scope`) and materialised as temporary tables on the backend (cached
views on Spark; the database itself stays read-only). Heavy aggregation then runs in the engine (DuckDB by default)
and only small aggregated frames reach Python.

``crimes``: one row per in-scope crime with ``place`` (home = ``dwelling``, public = every other
known location type, unknown), ``lsoa_code`` (placed: the crime's code when the area reference
holds it, else the LSOA its coordinates fall in; :mod:`vawg.spatial.placement`), ``placed_by``,
``district`` (from the area reference by the placed LSOA; ``"Not placed"`` when the crime could
not be placed in an LSOA of the reference), ``financial_year``, ``month``,
``harm_days`` and ``harm_basis`` (``offence_code`` when the crime's Home Office code has its own
weight, else ``offence_group``). ``offenders``: crime_ref, person_id, age, harm_days (the
crime's harm, credited in full to each perpetrator in it). ``victims``: crime_ref, person_id,
relationship, age. ``cube``: in-scope crimes and their harm counted by month, financial year,
offence group, district, location type, place, the domestic abuse flag and the harm weight
used (``harm_basis``: offence_code or offence_group; ``harm_key``: which), small enough for
polars, so every crime-level table is one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import polars as pl
from ibis.backends import BaseBackend

from vawg.datasets import england_wales_district_population, kent_lsoas
from vawg.ingest.boundaries import boundaries_for
from vawg.query import Tables, in_memory, materialise, month_of
from vawg.scope import Scope, financial_year, hold
from vawg.spatial.placement import Placement, place_scope

__all__ = ["HOME", "PUBLIC", "UNKNOWN", "ProfileData", "district_lookup", "prepared", "to_polars"]

HOME, PUBLIC, UNKNOWN = "home", "public", "unknown"
CUBE_KEYS = (
    "month",
    "financial_year",
    "offence_group",
    "district",
    "location_type",
    "place",
    "domestic_abuse",
    "harm_basis",
    "harm_key",
)
UNKNOWN_DISTRICT = "Not placed"


@dataclass(frozen=True)
class ProfileData:
    """The materialised in-scope tables every profile part reads (see module docstring)."""

    backend: BaseBackend
    scope: Scope
    crimes: ir.Table
    offenders: ir.Table
    victims: ir.Table
    cube: pl.DataFrame  # CUBE_KEYS..., crimes, harm_days: every crime-level breakdown from here
    female_population: pl.DataFrame  # district, female_population
    district_source: str
    placement: Placement

    @property
    def period(self) -> tuple[date, date]:
        """First and last recorded date of the period (inclusive)."""
        return self.scope.period

    @property
    def period_years(self) -> float:
        """Length of the period in years of 365.25 days."""
        start, end = self.period
        return ((end - start).days + 1) / 365.25


def district_lookup(tables: Tables) -> tuple[ir.Table, str]:
    """LSOA → district from the loaded area reference, or the shipped Kent and Medway one."""
    areas = tables.areas
    if int(areas.count().to_pyarrow().as_py()) > 0:
        return areas.select("lsoa_code", "district").distinct(), "the loaded areas table"
    shipped = kent_lsoas().select("lsoa_code", "district")
    return in_memory(shipped), "the shipped Kent and Medway LSOA reference"


def _female_population(districts: list[str]) -> pl.DataFrame:
    """Female residents (all ages, ONS mid-2019) of each district the reference knows.

    From the national district population (every district of England and Wales), so a force
    other than Kent gets its own denominators; for Kent the rows are the Kent file's.
    """
    pop = (
        england_wales_district_population()
        .filter(pl.col("sex") == "F", pl.col("district").is_in(districts))
        .group_by("district")
        .agg(female_population=pl.col("population").sum())
        .sort("district")
    )
    return pop


def _harm_weight_tables(weights: pl.DataFrame) -> tuple[ir.Table, ir.Table]:
    by_code = weights.filter(pl.col("key_type") == "offence_code").select(
        offence_code=pl.col("key"), code_weight=pl.col("weight_days").cast(pl.Float64)
    )
    by_group = weights.filter(pl.col("key_type") == "offence_group").select(
        offence_group=pl.col("key"), group_weight=pl.col("weight_days").cast(pl.Float64)
    )
    return in_memory(by_code), in_memory(by_group)


def _enriched_crimes(scope: Scope, lookup: ir.Table, weights: pl.DataFrame) -> ir.Table:
    crimes = scope.crimes
    by_code, by_group = _harm_weight_tables(weights)
    joined = (
        crimes.left_join(lookup, "lsoa_code")
        .left_join(by_code, "offence_code")
        .left_join(by_group, "offence_group")
    )
    place = ibis.cases(
        (joined.location_type == "dwelling", HOME),
        (joined.location_type == "unknown", UNKNOWN),
        else_=PUBLIC,
    )
    return joined.select(
        "crime_ref",
        "recorded_date",
        "committed_from",
        "offence_code",
        "offence_group",
        "domestic_abuse",
        "location_type",
        "lsoa_code",
        "placed_by",
        place=place,
        district=joined.district.fill_null(UNKNOWN_DISTRICT),
        financial_year=financial_year(joined.recorded_date),
        month=month_of(joined.recorded_date),
        harm_days=joined.code_weight.fill_null(joined.group_weight),
        harm_basis=ibis.ifelse(joined.code_weight.notnull(), "offence_code", "offence_group"),
        harm_key=ibis.ifelse(
            joined.code_weight.notnull(), joined.offence_code, joined.offence_group
        ),
    )


@contextmanager
def prepared(tables: Tables, scope: Scope, weights: pl.DataFrame) -> Iterator[ProfileData]:
    """The profile's tables, materialised for the duration of the ``with`` block."""
    backend = tables.backend
    lookup, source = district_lookup(tables)
    codes = lookup.select("lsoa_code").to_pyarrow().column(0).to_pylist()
    names: list[Callable[[], None]] = []
    try:
        # The scope held once (vawg.scope.hold: its rule chain derived into temporary tables);
        # the placement and the enriched crimes then read the held crimes.
        scope = hold(tables, scope, names)
        scope, placement = place_scope(scope, codes, boundaries_for(scope.settings))
        crimes = materialise(
            backend, _enriched_crimes(scope, lookup, weights), "profile_crimes", names
        )
        harm = crimes.select("crime_ref", "harm_days")
        offenders = materialise(
            backend, scope.offenders.join(harm, "crime_ref"), "profile_offenders", names
        )
        victims = scope.victims
        districts = lookup.select("district").distinct().to_pyarrow().column(0).to_pylist()
        cube = to_polars(
            crimes.group_by(*CUBE_KEYS).aggregate(
                crimes=crimes.count(), harm_days=crimes.harm_days.sum()
            )
        )
        yield ProfileData(
            backend=backend,
            scope=scope,
            crimes=crimes,
            offenders=offenders,
            victims=victims,
            cube=cube,
            female_population=_female_population([str(d) for d in districts]),
            district_source=source,
            placement=placement,
        )
    finally:
        for release in names:
            release()


def to_polars(expr: ir.Table) -> pl.DataFrame:
    """A (small, aggregated) ibis expression as a polars frame."""
    return pl.from_arrow(expr.to_pyarrow())  # type: ignore[return-value]
