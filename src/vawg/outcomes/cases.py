"""The case table every outcome analysis starts from: one row per in-scope crime.

Each row has the crime's recorded date, its outcome type and date (both empty while open), the
headline outcome group, and the breakdown dimensions the Home Office and the PCC use: offence
group, domestic abuse flag, district and the victim's relationship to the suspect. The scope is
:func:`vawg.scope.vawg_scope` with the period widened to every recorded date up to ``as_of``
(outcome counts need crimes recorded before the half that are outcomed in it); every other scope
setting applies unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.config import Settings
from vawg.datasets import kent_lsoas
from vawg.errors import InputError, ScopeError
from vawg.ingest.boundaries import boundaries_for
from vawg.outcomes.framework import OUTCOME_TYPES
from vawg.query import Tables, in_memory
from vawg.scope import Scope, vawg_scope
from vawg.spatial.placement import Placement, place_scope

__all__ = ["DIMENSIONS", "RELATIONSHIP_ORDER", "Cases", "as_of_date", "outcome_cases"]

DIMENSIONS: dict[str, str] = {
    "offence_group": "Offence group",
    "domestic_abuse": "Domestic abuse flag",
    "district": "District",
    "relationship": "Victim's relationship to suspect",
}
"""Breakdown dimensions: column → label."""

RELATIONSHIP_ORDER = ("partner", "ex_partner", "family", "acquaintance", "stranger", "unknown")
"""A crime with several victims is filed under the closest relationship, in this order."""

EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True)
class Cases:
    """In-scope crimes with outcomes (``table``, ibis), what the scope excluded, and how the
    crimes were placed in their districts (``placement``)."""

    table: ir.Table
    as_of: date
    exclusions: pl.DataFrame
    placement: Placement


def as_of_date(tables: Tables) -> date:
    """The extract's snapshot date: the latest recorded or outcome date in ``crimes``."""
    crimes = tables.crimes
    latest = ibis.greatest(crimes.recorded_date.max(), crimes.outcome_date.max())
    value = tables.backend.to_pyarrow(latest.as_table()).to_pylist()[0]
    found = next(iter(value.values()))
    if found is None:
        raise ScopeError("no crimes are loaded; load a force extract with `vawg ingest` first")
    return found


def _group_expression(code: ir.IntegerValue) -> ir.StringValue:
    branches = [(code == t.code, t.headline_group) for t in OUTCOME_TYPES if t.code]
    return ibis.cases(*branches, else_="open")


def _district(tables: Tables, scope: Scope) -> tuple[ir.Table, Placement]:
    """``crime_ref, district`` for the scope's crimes, and how they were placed.

    Each crime is placed in its LSOA by its code, else by its coordinates, as the profile and
    the area model place them (:func:`vawg.spatial.placement.place_scope`), so the districts of
    the outcome reports and of the profile count the same crimes. The LSOA → district lookup is
    the loaded area table, else the shipped Kent and Medway one; a crime that cannot be placed
    is in district ``unknown``.
    """
    areas = tables.areas
    if int(areas.count().to_pyarrow().as_py()) > 0:
        lookup = areas.select("lsoa_code", "district").distinct()
    else:
        lookup = in_memory(kent_lsoas().select("lsoa_code", "district"))
    codes = lookup.select("lsoa_code").to_pyarrow().column(0).to_pylist()
    placed, placement = place_scope(scope, codes, boundaries_for(scope.settings))
    joined = placed.crimes.select("crime_ref", "lsoa_code").left_join(lookup, "lsoa_code")
    district = joined.select(
        "crime_ref", district=ibis.coalesce(joined.district, ibis.literal("unknown"))
    )
    return district, placement


def _relationship(victims: ir.Table) -> ir.Table:
    rank = ibis.cases(
        *[(victims.relationship == r, i) for i, r in enumerate(RELATIONSHIP_ORDER)],
        else_=len(RELATIONSHIP_ORDER) - 1,
    )
    best = victims.mutate(rank=rank).group_by("crime_ref").aggregate(rank=ibis._.rank.min())
    label = ibis.cases(*[(best.rank == i, r) for i, r in enumerate(RELATIONSHIP_ORDER)])
    return best.select("crime_ref", relationship=label)


def outcome_cases(
    tables: Tables, settings: Settings, *, as_of: date | None = None, materialise: bool = True
) -> Cases:
    """One row per in-scope crime recorded up to ``as_of`` (default: the extract's latest date).

    Columns: ``crime_ref, recorded_date, outcome_code, outcome_date, group, offence_group,
    domestic_abuse ('Y'/'N'), district, relationship``. Outcomes dated after ``as_of`` are
    treated as not yet assigned. ``materialise`` (default) pulls the case table once and hands
    it back as an in-memory table on the same backend; ``False`` keeps it a lazy expression.
    """
    latest = as_of_date(tables)
    as_of = as_of or latest
    if as_of > latest:
        raise InputError(
            f"--as-of {as_of} is after the latest date in the extract ({latest}); "
            "give a date on or before it"
        )
    scope = vawg_scope(tables, settings.replace(period_start=EARLIEST, period_end=as_of))
    crimes = scope.crimes
    known = crimes.outcome_date.notnull() & (crimes.outcome_date <= as_of)
    code = ibis.ifelse(known, crimes.outcome_code, ibis.null("int64"))
    when = ibis.ifelse(known, crimes.outcome_date, ibis.null("date"))
    base = crimes.select(
        "crime_ref",
        "recorded_date",
        "offence_group",
        outcome_code=code,
        outcome_date=when,
        domestic_abuse=ibis.ifelse(crimes.domestic_abuse, "Y", "N"),
    )
    base = base.mutate(group=_group_expression(base.outcome_code))
    districts, placement = _district(tables, scope)
    cases = base.left_join(districts, "crime_ref").drop("crime_ref_right")
    cases = cases.left_join(_relationship(scope.victims), "crime_ref").drop("crime_ref_right")
    cases = cases.mutate(relationship=cases.relationship.fill_null("unknown"))
    if materialise:
        # One narrow row per in-scope crime: small enough to hold, and every later query then
        # compiles in milliseconds instead of re-deriving the scope each time.
        cases = in_memory(cases.to_pyarrow())
    return Cases(cases, as_of, scope.exclusions, placement)
