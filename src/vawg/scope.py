"""The VAWG scope as a configurable rule set, reporting how many crimes each rule excluded.

Default (the data contract's): crimes recorded in the period (inclusive) with at least one
female victim and at least one male suspect or offender aged 18 or over on ``committed_from``,
and either the domestic abuse flag or a VAWG offence group. A person with no date of birth is
never counted as 18+. Rules apply in order; each crime is charged to the first rule it fails.
Every part is a setting (:class:`vawg.config.Settings`). The expressions are ibis, so the scope
runs on DuckDB or Spark alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

import ibis.expr.types as ir
import polars as pl

from vawg.config import Settings
from vawg.errors import ScopeError
from vawg.query import Tables, materialise

__all__ = ["Scope", "age_on", "default_period", "financial_year", "held", "hold", "vawg_scope"]


def age_on(date_of_birth: ir.DateValue, when: ir.DateValue) -> ir.IntegerValue:
    """Age in completed years on ``when`` (a birthday not yet reached that year does not count)."""
    before_birthday = (when.month() * 100 + when.day()) < (
        date_of_birth.month() * 100 + date_of_birth.day()
    )
    return when.year() - date_of_birth.year() - before_birthday.cast("int64")


def financial_year(when: ir.DateValue) -> ir.StringValue:
    """The April-March financial year of a date, as ``2017/18``."""
    start = when.year() - (when.month() < 4).cast("int64")
    end = (start + 1) % 100
    return start.cast("string") + "/" + end.cast("string").lpad(2, "0")


def default_period(tables: Tables, settings: Settings) -> tuple[date, date]:
    """The period from the settings, or the last complete financial years in the data."""
    if settings.period_start and settings.period_end:
        return settings.period_start, settings.period_end
    latest = tables.crimes.recorded_date.max().to_pyarrow().as_py()
    if latest is None:
        raise ScopeError("no crimes are loaded; load a force extract with `vawg ingest` first")
    # The last financial year that ends on or before the latest recorded date.
    end_year = latest.year if latest >= date(latest.year, 3, 31) else latest.year - 1
    end = settings.period_end or date(end_year, 3, 31)
    start = settings.period_start or date(end.year - settings.period_years, 4, 1)
    if start > end:
        raise ScopeError(
            f"the period {start} to {end} is empty; set period_start before period_end"
        )
    earliest = tables.crimes.recorded_date.min().to_pyarrow().as_py()
    if earliest is not None and earliest > end:
        raise ScopeError(
            f"the crimes loaded run from {earliest:%d %B %Y} to {latest:%d %B %Y}, which holds "
            f"no complete financial year (the default period would end on {end:%d %B %Y}); set "
            f"the period, e.g. --from {earliest:%Y-%m-%d} --to {latest:%Y-%m-%d}"
        )
    return start, end


@dataclass(frozen=True)
class Scope:
    """In-scope crimes and the people in them, with what each rule excluded.

    ``crimes``: in-scope crimes (every crime column). ``offenders``: one row per in-scope crime
    and perpetrator who meets the rule (``crime_ref, person_id, age``). ``victims``: one row per
    in-scope crime and victim of the scope's sex (``crime_ref, person_id, relationship, age``;
    age null when no date of birth). ``exclusions``: rule, crimes excluded, crimes remaining.
    """

    period: tuple[date, date]
    crimes: ir.Table
    offenders: ir.Table
    victims: ir.Table
    exclusions: pl.DataFrame
    settings: Settings
    no_date_of_birth_crimes: int = 0
    """Of the crimes excluded for want of an adult perpetrator, those with one who had no DOB."""


def _rule_counts(
    crimes: ir.Table, involved: ir.Table, start: date, end: date, settings: Settings
) -> ir.Table:
    """One row of counts: crimes left after each rule, in one pass over per-crime flags.

    Each crime gets flags from its involvements (a victim of the scope's sex; a perpetrator of
    the scope's sex; one of age; one with no date of birth), then the rules are applied in
    order as running conjunctions, so each crime is charged to the first rule it fails. The
    in-scope crimes themselves come from the semi-joins in :func:`vawg_scope`; tests check that
    both agree.
    """
    perpetrator = involved.role.isin(list(settings.offender_roles)) & (
        involved.sex == settings.offender_sex
    )
    flags = involved.group_by("crime_ref").aggregate(
        victim=((involved.role == "victim") & (involved.sex == settings.victim_sex)).any(),
        perpetrator=perpetrator.any(),
        adult=(perpetrator & (involved.age >= settings.offender_min_age)).any(),
        no_date_of_birth=(perpetrator & involved.date_of_birth.isnull()).any(),
    )
    joined = crimes.left_join(flags, "crime_ref")
    in_period = joined.recorded_date.between(start, end)
    victim = in_period & joined.victim.fill_null(False)
    perpetrator_ = victim & joined.perpetrator.fill_null(False)
    adult = perpetrator_ & joined.adult.fill_null(False)
    vawg = joined.offence_group.isin(list(settings.vawg_offence_groups))
    if settings.include_domestic_abuse:
        vawg = vawg | joined.domestic_abuse.fill_null(False)
    no_age = (
        perpetrator_ & ~joined.adult.fill_null(False) & joined.no_date_of_birth.fill_null(False)
    )
    return joined.aggregate(
        all=joined.count(),
        in_period=in_period.cast("int64").sum(),
        has_victim=victim.cast("int64").sum(),
        has_perpetrator=perpetrator_.cast("int64").sum(),
        has_adult=adult.cast("int64").sum(),
        in_scope=(adult & vawg).cast("int64").sum(),
        no_age=no_age.cast("int64").sum(),
    )


_SEX_WORDS = {"F": "female", "M": "male"}
"""The contract's sex codes in the words a scope rule is written in."""


def _outside(start: date, end: date) -> str:
    """The period rule in words (an open start, the earliest date there is, is not written)."""
    last = f"{end.day} {end:%B %Y}"
    if start <= date(1901, 1, 1):
        return f"recorded after {last}"
    return f"recorded outside {start.day} {start:%B %Y} to {last}"


def vawg_scope(tables: Tables, settings: Settings) -> Scope:
    """Apply the scope rules in ``settings`` to the loaded force extract."""
    start, end = default_period(tables, settings)
    crimes, people, involvements = tables.crimes, tables.people, tables.involvements
    involved = involvements.join(people, "person_id").join(
        crimes.select("crime_ref", "committed_from"), "crime_ref"
    )
    age = age_on(involved.date_of_birth, involved.committed_from.date())
    involved = involved.mutate(age=age)
    perpetrators = involved.filter(
        involved.role.isin(list(settings.offender_roles)), involved.sex == settings.offender_sex
    )
    adult = perpetrators.filter(perpetrators.age >= settings.offender_min_age)
    victims = involved.filter(involved.role == "victim", involved.sex == settings.victim_sex)

    in_period = crimes.filter(crimes.recorded_date.between(start, end))
    has_victim = in_period.semi_join(victims, "crime_ref")
    has_perpetrator = has_victim.semi_join(perpetrators, "crime_ref")
    has_adult = has_perpetrator.semi_join(adult, "crime_ref")
    vawg = has_adult.offence_group.isin(list(settings.vawg_offence_groups))
    if settings.include_domestic_abuse:
        vawg = vawg | has_adult.domestic_abuse
    in_scope = has_adult.filter(vawg)
    counts = _rule_counts(crimes, involved, start, end, settings)
    n = tables.backend.to_pyarrow(counts).to_pylist()[0]
    n = {key: int(value or 0) for key, value in n.items()}
    groups = "flagged domestic abuse and not " if settings.include_domestic_abuse else ""
    rules = [
        ("recorded_outside_period", _outside(start, end), n["all"], n["in_period"]),
        (
            "no_victim_of_scope_sex",
            f"no {_SEX_WORDS.get(settings.victim_sex, settings.victim_sex)} victim",
            n["in_period"],
            n["has_victim"],
        ),
        (
            "no_perpetrator_of_scope_sex",
            f"no {_SEX_WORDS.get(settings.offender_sex, settings.offender_sex)} "
            f"{' or '.join(settings.offender_roles)}",
            n["has_victim"],
            n["has_perpetrator"],
        ),
        (
            "perpetrator_under_age_or_no_date_of_birth",
            f"no such perpetrator known to be aged {settings.offender_min_age}+ (one with no "
            f"date of birth is not counted as {settings.offender_min_age}+)",
            n["has_perpetrator"],
            n["has_adult"],
        ),
        (
            "not_vawg_offence",
            f"not {groups}in a VAWG offence group",
            n["has_adult"],
            n["in_scope"],
        ),
    ]
    exclusions = pl.DataFrame(
        {
            "rule": [r[0] for r in rules],
            "description": [r[1] for r in rules],
            "crimes_excluded": [int(r[2] - r[3]) for r in rules],
            "crimes_remaining": [int(r[3]) for r in rules],
        }
    )
    scope_refs = in_scope.select("crime_ref")
    offenders = adult.semi_join(scope_refs, "crime_ref").select("crime_ref", "person_id", "age")
    scope_victims = victims.semi_join(scope_refs, "crime_ref").select(
        "crime_ref", "person_id", "relationship", "age"
    )
    return Scope(
        (start, end),
        in_scope,
        offenders.distinct(),
        scope_victims,
        exclusions,
        settings,
        no_date_of_birth_crimes=int(n["no_age"]),
    )


def hold(tables: Tables, scope: Scope, release: list[Callable[[], None]]) -> Scope:
    """``scope`` with its crimes, perpetrators and victims computed once into temporary tables
    (a cached view on Spark); the callable that drops each is added to ``release``.

    The perpetrators and victims are read from the held crimes, not re-derived. For a ``with``
    block use :func:`held`; a caller that keeps the scope as long as its connection (the
    dashboard) holds it with this and lets the tables go with the connection.
    """
    backend = tables.backend
    crimes = materialise(backend, scope.crimes, "scope_crimes", release)
    swap = {scope.crimes.op(): crimes.op()}
    offenders = materialise(
        backend, scope.offenders.op().replace(swap).to_expr(), "scope_offenders", release
    )
    victims = materialise(
        backend, scope.victims.op().replace(swap).to_expr(), "scope_victims", release
    )
    return replace(scope, crimes=crimes, offenders=offenders, victims=victims)


@contextmanager
def held(tables: Tables, scope: Scope) -> Iterator[Scope]:
    """``scope`` with its crimes, perpetrators and victims computed once, for the ``with`` block.

    A scope is a chain of joins and semi-joins over the stored tables; an analysis that reads it
    in many queries (the drivers read it in about twenty) would derive it again in each. Held
    (:func:`hold`), each query reads three temporary tables instead, dropped when the block
    ends.
    """
    release: list[Callable[[], None]] = []
    try:
        yield hold(tables, scope, release)
    finally:
        for done in release:
            done()
