"""The small frames the driver and hot-spot models need, built with ibis from the store.

Each function builds an ibis expression on the in-scope crimes (:func:`vawg.scope.vawg_scope`)
and pulls the aggregated result into polars. Two periods are used:

* area model and hot spots: crimes *recorded* in the period (the scope as configured);
* daily and birthday models: crimes *committed* on each day of the period, so the scope's
  period rule is widened to every recorded date in the extract (a crime committed in March but
  recorded in April still counts for its March day). The last days are dropped when the
  extract ends too soon after the period for their crimes to have been recorded (the 90th
  percentile of the recording delay, at most 60 days).

Months flagged by the feed check can be excluded: crimes recorded in them (area, hot spots)
or days in them (daily, birthday).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.config import Settings
from vawg.errors import ScopeError
from vawg.query import Tables, month_of
from vawg.schema import OFFENCE_GROUPS
from vawg.scope import Scope, financial_year, vawg_scope

__all__ = [
    "age_people",
    "area_table",
    "birthday_frames",
    "committed_scope",
    "daily_counts",
    "lsoa_counts",
    "lsoa_year_counts",
    "month_start",
    "monthly_series",
    "police_monthly_series",
    "population_source",
    "weather_table",
]

HOME = "dwelling"
UNKNOWN = "unknown"


def month_start(d: date) -> date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def _months(first: date, last: date) -> list[date]:
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def _not_in_months(column: ir.DateValue, months: Sequence[date]) -> ir.BooleanValue:
    if not months:
        return ibis.literal(True)
    return ~month_of(column).isin(list(months))


def monthly_series(tables: Tables, scope: Scope) -> pl.DataFrame:
    """series, month, count: force-extract crimes (all and in scope) per recorded month of the
    period, and police.uk street crimes (all but anti-social behaviour; violence and sexual
    offences) per month when police.uk files are loaded. Missing months count 0."""
    start, end = scope.period
    months = _months(start, end)
    frames = []
    crimes = tables.crimes.filter(tables.crimes.recorded_date.between(start, end))
    for name, expr in (
        ("force extract: all crimes", crimes),
        ("force extract: in scope", scope.crimes),
    ):
        month = month_of(expr.recorded_date).name("month")
        got = expr.group_by(month).aggregate(count=expr.count()).to_polars()
        frames.append(_complete(name, months, got))
    police = police_monthly_series(tables)
    if police.height:
        frames.append(police)
    return pl.concat(frames)


def police_monthly_series(tables: Tables) -> pl.DataFrame:
    """series, month, count for the loaded police.uk street files (empty when none): all
    crimes but anti-social behaviour (whose feed is separate), and violence and sexual
    offences, every month from the first to the last loaded."""
    street = tables.police_street
    got = street.group_by(["month", "crime_type"]).aggregate(count=street.count()).to_polars()
    if got.is_empty():
        return pl.DataFrame(schema={"series": pl.String, "month": pl.Date, "count": pl.Int64})
    months = _months(got["month"].min(), got["month"].max())
    no_asb = got.filter(pl.col("crime_type") != "Anti-social behaviour")
    vso = got.filter(pl.col("crime_type") == "Violence and sexual offences")
    parts = []
    for name, part in (
        ("police.uk: all but anti-social behaviour", no_asb),
        ("police.uk: violence and sexual offences", vso),
    ):
        summed = part.group_by("month").agg(pl.col("count").sum())
        parts.append(_complete(name, months, summed))
    return pl.concat(parts)


def _complete(name: str, months: list[date], got: pl.DataFrame) -> pl.DataFrame:
    base = pl.DataFrame({"month": months}, schema={"month": pl.Date})
    got = got.select(pl.col("month").cast(pl.Date), pl.col("count").cast(pl.Int64))
    return (
        base.join(got, on="month", how="left")
        .with_columns(pl.col("count").fill_null(0), pl.lit(name).alias("series"))
        .select("series", "month", "count")
    )


def area_table(tables: Tables) -> tuple[pl.DataFrame, str]:
    """One row per LSOA: the loaded areas table, or the shipped Kent + Medway reference.

    The shipped reference has district pub totals only (``pubs`` = the district's count) and no
    town-centre flag; the source says which was used.
    """
    areas = tables.areas.to_polars()
    if areas.height:
        return areas.drop([c for c in ("_file", "_line") if c in areas.columns]), "areas.csv"
    from vawg.datasets import kent_lsoas

    ref = kent_lsoas()
    frame = ref.select(
        "lsoa_code",
        "district",
        "population",
        pl.lit(None, dtype=pl.Float64).alias("imd_score"),
        "imd_decile",
        pl.col("district_pubs").alias("pubs"),
        pl.lit(None, dtype=pl.Boolean).alias("town_centre"),
        "easting",
        "northing",
    )
    return frame, "shipped Kent + Medway reference (no areas.csv loaded)"


REFERENCE_POPULATION = (
    "all-age residents at mid-2015, excluding prisoners (the IoD2019 population denominators, "
    "MHCLG, from ONS small-area estimates)"
)
"""What the shipped reference's LSOA ``population`` is (see ``datasets/PROVENANCE.md``)."""


def population_source(areas: pl.DataFrame) -> str:
    """Which population ``areas`` (from :func:`area_table`) gives each LSOA, in words.

    The shipped reference's LSOA population is mid-2015 (:data:`REFERENCE_POPULATION`); it has
    no later LSOA figure, and its ONS mid-2019 estimates are by district and only for women and
    girls. An areas.csv whose every population equals the reference's is said to be that;
    otherwise the figures are the file's own, of a year it does not record.
    """
    from vawg.datasets.national import england_wales_lsoas

    given = areas.select("lsoa_code", pl.col("population").cast(pl.Float64)).drop_nulls()
    if given.is_empty():
        return "no LSOA population is given"
    reference = england_wales_lsoas().select(
        "lsoa_code", pl.col("population").cast(pl.Float64).alias("_reference")
    )
    both = given.join(reference, on="lsoa_code", how="left")
    if bool((both["population"] == both["_reference"]).fill_null(False).all()):
        return REFERENCE_POPULATION
    return "the population given in areas.csv (the file does not say of which year)"


def _place(crimes: ir.Table) -> ir.StringValue:
    loc = crimes.location_type
    return ibis.cases((loc == HOME, "home"), (loc == UNKNOWN, "unknown"), else_="public")


def lsoa_counts(scope: Scope, exclude_months: Sequence[date] = ()) -> pl.DataFrame:
    """lsoa_code, home, public, all: in-scope crimes per LSOA (crimes with no LSOA dropped;
    ``all`` includes crimes whose location type is unknown)."""
    crimes = scope.crimes.filter(_not_in_months(scope.crimes.recorded_date, exclude_months))
    crimes = crimes.filter(crimes.lsoa_code.notnull()).mutate(place=_place(crimes))
    got = (
        crimes.group_by("lsoa_code")
        .aggregate(
            home=(crimes.place == "home").sum(),
            public=(crimes.place == "public").sum(),
            all=crimes.count(),
        )
        .to_polars()
    )
    return got.with_columns(pl.col(c).cast(pl.Int64) for c in ("home", "public", "all"))


def lsoa_year_counts(
    scope: Scope, exclude_months: Sequence[date] = (), place: str = "all"
) -> pl.DataFrame:
    """lsoa_code, year (financial year of recording), crimes for one place class."""
    crimes = scope.crimes.filter(_not_in_months(scope.crimes.recorded_date, exclude_months))
    crimes = crimes.filter(crimes.lsoa_code.notnull()).mutate(
        place=_place(crimes), year=financial_year(crimes.recorded_date)
    )
    if place != "all":
        crimes = crimes.filter(crimes.place == place)
    got = crimes.group_by(["lsoa_code", "year"]).aggregate(crimes=crimes.count()).to_polars()
    return got.with_columns(pl.col("crimes").cast(pl.Int64))


def committed_scope(
    tables: Tables, settings: Settings, base: Scope | None = None
) -> tuple[Scope, tuple[date, date], list[str]]:
    """The scope with its period rule widened to every recorded date, and the days to model.

    Returns (scope, (first day, last day), notes): the days are ``base``'s period (the
    configured scope when not given), ended early when the extract stops before most crimes
    of the last days could be recorded.
    """
    base = base if base is not None else vawg_scope(tables, settings)
    start, end = base.period
    latest = tables.crimes.recorded_date.max().to_pyarrow().as_py()
    if latest is None:
        raise ScopeError("no crimes are loaded; load a force extract first")
    widened = settings.replace(period_start=date(1900, 1, 1), period_end=latest)
    # A base already widened (the evaluations ask for every recorded date) is not derived again.
    wide = base if base.settings == widened else vawg_scope(tables, widened)
    crimes = wide.crimes
    delay = (crimes.recorded_date - crimes.committed_from.date()).cast("int64")
    lag_value = crimes.select(lag=delay.quantile(0.9)).to_pyarrow().to_pylist()[0]["lag"]
    lag = min(60, max(0, int(lag_value or 0)))
    last = min(end, latest - timedelta(days=lag))
    notes = []
    if last < end:
        notes.append(
            f"Days after {last.day} {last:%B %Y} are left out: the extract ends on "
            f"{latest.day} {latest:%B %Y}, too soon for their "
            f"crimes to have been recorded (90% are recorded within {lag} days)."
        )
    return (
        Scope(
            (start, end),
            crimes,
            wide.offenders,
            wide.victims,
            base.exclusions,
            settings,
            no_date_of_birth_crimes=base.no_date_of_birth_crimes,
        ),
        (
            start,
            last,
        ),
        notes,
    )


def daily_counts(
    scope: Scope, days: tuple[date, date], exclude_months: Sequence[date] = ()
) -> pl.DataFrame:
    """date, all, home, public and one column per offence group: crimes committed per day
    (every day from ``days[0]`` to ``days[1]``, zeros included, flagged months removed)."""
    first, last = days
    crimes = scope.crimes.mutate(day=scope.crimes.committed_from.date(), place=_place(scope.crimes))
    crimes = crimes.filter(crimes.day.between(first, last))
    aggregates = {
        "all": crimes.count(),
        "home": (crimes.place == "home").sum(),
        "public": (crimes.place == "public").sum(),
    }
    for group in OFFENCE_GROUPS:
        aggregates[group] = (crimes.offence_group == group).sum()
    got = crimes.group_by("day").aggregate(**aggregates).to_polars().rename({"day": "date"})
    every = pl.DataFrame(
        {"date": pl.date_range(first, last, "1d", eager=True)}, schema={"date": pl.Date}
    )
    out = every.join(got.with_columns(pl.col("date").cast(pl.Date)), on="date", how="left")
    counts = [c for c in out.columns if c != "date"]
    out = out.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in counts)
    if exclude_months:
        out = out.filter(~pl.col("date").dt.truncate("1mo").is_in(list(exclude_months)))
    return out


def weather_table(tables: Tables) -> tuple[pl.DataFrame, str]:
    """date, tmax_c, tmean_c: the loaded weather, or the shipped HadCET daily mean."""
    weather = tables.weather.select("date", "tmax_c", "tmean_c").to_polars()
    if weather.height:
        return weather.with_columns(pl.col("date").cast(pl.Date)), "weather.csv"
    from vawg.datasets import hadcet_daily

    mean = hadcet_daily().with_columns(pl.lit(None, dtype=pl.Float64).alias("tmax_c"))
    return mean.select("date", "tmax_c", "tmean_c"), "shipped Met Office HadCET daily mean"


def birthday_frames(
    tables: Tables, scope: Scope, days: tuple[date, date]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(people, events) for the birthday model: role, person_id, date_of_birth; role,
    person_id, day (committed date), for offenders and victims of in-scope crimes."""
    first, last = days
    crimes = scope.crimes.select("crime_ref", day=scope.crimes.committed_from.date())
    crimes = crimes.filter(crimes.day.between(first, last))
    people = tables.people.select("person_id", "date_of_birth")
    frames_people, frames_events = [], []
    for role, table in (("offender", scope.offenders), ("victim", scope.victims)):
        linked = table.select("crime_ref", "person_id").distinct().join(crimes, "crime_ref")
        events = linked.select("person_id", "day").to_polars()
        who = linked.select("person_id").distinct().join(people, "person_id").to_polars()
        frames_events.append(events.with_columns(pl.lit(role).alias("role")))
        frames_people.append(who.with_columns(pl.lit(role).alias("role")))
    people_frame = pl.concat(frames_people).select(
        "role", "person_id", pl.col("date_of_birth").cast(pl.Date)
    )
    events_frame = pl.concat(frames_events).select("role", "person_id", pl.col("day").cast(pl.Date))
    return people_frame, events_frame


def age_people(scope: Scope) -> pl.DataFrame:
    """role, person_id, age: each perpetrator and victim of an in-scope crime with their age."""
    offenders = scope.offenders.select("person_id", "age").to_polars()
    victims = scope.victims.select("person_id", "age").to_polars()
    return pl.concat(
        [
            offenders.with_columns(pl.lit("offender").alias("role")),
            victims.with_columns(pl.lit("victim").alias("role")),
        ]
    ).select("role", "person_id", pl.col("age").cast(pl.Int64))
