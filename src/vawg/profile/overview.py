"""The overview: volumes of in-scope crime by month, offence group, district and place.

The open site's front page and the dashboard's overview page show these figures; the public
version is :func:`vawg.profile.public.disclose_overview` (its tables are protected together,
since they all add up to the same in-scope total).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.ingest.boundaries import boundaries_for
from vawg.profile.data import UNKNOWN_DISTRICT, _female_population, district_lookup
from vawg.query import Tables, month_of
from vawg.results import Params, ResultMixin
from vawg.scope import Scope
from vawg.spatial.placement import place_scope
from vawg.stats import rate_per_1000_per_year

__all__ = ["PLACES", "Overview", "complete_grid", "overview", "period_years", "with_district_rates"]

PLACES = ("Home", "Public place", "Unknown")


@dataclass(frozen=True)
class Overview(ResultMixin):
    """Volumes of in-scope crime. ``public``: every count went through the disclosure rule.

    ``kpis``: crimes, offenders, victims (distinct people), domestic_abuse_share,
    home_per_public, and the counts under those two: domestic_abuse_crimes, home_crimes,
    public_crimes. ``monthly``: month, crimes. ``by_group``: offence_group, domestic_abuse,
    crimes. ``by_district``: district, crimes, female_population, rate_per_1000_per_year,
    ci_low, ci_high (crimes per 1,000 women and girls per year, :func:`with_district_rates`;
    the denominator is female residents of all ages, as the numerator is crimes against
    women and girls). ``by_place``:
    offence_group, place (Home, Public place, Unknown), crimes. ``exclusions``: rule,
    description, crimes_excluded. ``table`` is ``monthly``.

    ``by_group`` and ``by_place`` hold every offence group in scope with every flag and every
    place, a combination with no crimes as 0 (:func:`complete_grid`), so a table never drops a
    row silently (the demo's drink spiking at home, 0, was missing from the site's table).
    """

    params: Params
    public: bool
    threshold: int
    kpis: dict[str, float | None]
    monthly: pl.DataFrame
    by_group: pl.DataFrame
    by_district: pl.DataFrame
    by_place: pl.DataFrame
    exclusions: pl.DataFrame

    @property
    def table(self) -> pl.DataFrame:
        """Crimes per month."""
        return self.monthly


def period_years(period: tuple[date, date] | None) -> float:
    """The period's length in years of 365.25 days (as every rate in the profile uses); 0
    when no period is recorded (every rate is then null, never a guess)."""
    if period is None:
        return 0.0
    start, end = period
    return ((end - start).days + 1) / 365.25


def with_district_rates(by_district: pl.DataFrame, years: float) -> pl.DataFrame:
    """``by_district`` (district, crimes, female_population) with ``rate_per_1000_per_year``,
    ``ci_low`` and ``ci_high`` from :func:`vawg.stats.rate_per_1000_per_year` (null where the
    count is withheld or the district has no population in the reference)."""
    rates = [
        rate_per_1000_per_year(c, p, years)
        for c, p in zip(by_district["crimes"], by_district["female_population"], strict=True)
    ]
    return by_district.with_columns(
        rate_per_1000_per_year=pl.Series([r.estimate for r in rates], dtype=pl.Float64),
        ci_low=pl.Series([r.ci_low for r in rates], dtype=pl.Float64),
        ci_high=pl.Series([r.ci_high for r in rates], dtype=pl.Float64),
    ).with_columns(pl.col("rate_per_1000_per_year", "ci_low", "ci_high").fill_nan(None))


def complete_grid(frame: pl.DataFrame, column: str, values: tuple[object, ...]) -> pl.DataFrame:
    """``frame`` (offence_group, ``column``, crimes) with every offence group in it crossed with
    every one of ``values``; a pair with no row gets 0 crimes (a true zero: the counts are of
    every crime in scope). Sorted by group, then ``values``' order."""
    groups = frame.select("offence_group").unique()
    grid = groups.join(
        pl.DataFrame({column: list(values)}, schema={column: frame.schema[column]}), how="cross"
    )
    order = {v: i for i, v in enumerate(values)}
    return (
        grid.join(frame, on=["offence_group", column], how="left", nulls_equal=True)
        .with_columns(pl.col("crimes").fill_null(0).cast(frame.schema["crimes"]))
        .with_columns(pl.col(column).replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("offence_group", "_o", nulls_last=True)
        .drop("_o")
        .select(frame.columns)
    )


def _place(crimes: ir.Table) -> ir.StringValue:
    return ibis.cases(
        (crimes.location_type == "dwelling", "Home"),
        (crimes.location_type == "unknown", "Unknown"),
        else_="Public place",
    ).name("place")


def overview(tables: Tables, scope: Scope, *, threshold: int = 5) -> Overview:
    """Counts of the scope's crimes by month, offence group, district and place (restricted:
    every count as it is; ``threshold`` is only recorded)."""
    # Districts by each crime's placed LSOA (its code, else its coordinates), as the profile
    # places them, so the two never give a district different counts.
    lookup, _ = district_lookup(tables)
    codes = lookup.select("lsoa_code").to_pyarrow().column(0).to_pylist()
    placed, _ = place_scope(scope, codes, boundaries_for(scope.settings))
    crimes = placed.crimes.left_join(lookup, "lsoa_code")
    crimes = crimes.mutate(
        district=crimes.district.fill_null(UNKNOWN_DISTRICT), place=_place(crimes)
    )
    totals = ibis.memtable({"x": [0]}).select(
        crimes=scope.crimes.count().as_scalar(),
        offenders=scope.offenders.person_id.nunique().as_scalar(),
        victims=scope.victims.person_id.nunique().as_scalar(),
    )
    raw = tables.backend.to_pyarrow(totals).to_pylist()[0]
    month = month_of(crimes.recorded_date).name("month")
    monthly = crimes.group_by(month).aggregate(crimes=crimes.count()).order_by("month").to_polars()
    by_group = (
        crimes.group_by("offence_group", "domestic_abuse")
        .aggregate(crimes=crimes.count())
        .order_by("offence_group", "domestic_abuse")
        .to_polars()
    )
    by_group = complete_grid(by_group, "domestic_abuse", (False, True))
    counted = crimes.group_by("district").aggregate(crimes=crimes.count()).to_polars()
    population = _female_population([str(d) for d in counted["district"].to_list()])
    by_district = with_district_rates(
        counted.join(population, on="district", how="left").sort("crimes", descending=True),
        period_years(scope.period),
    )
    by_place = (
        crimes.group_by("offence_group", "place")
        .aggregate(crimes=crimes.count())
        .order_by("offence_group", "place")
        .to_polars()
    )
    by_place = complete_grid(by_place, "place", PLACES)
    exclusions = scope.exclusions.select("rule", "description", "crimes_excluded")
    total = int(raw["crimes"] or 0)
    home = int(by_place.filter(pl.col("place") == "Home")["crimes"].sum())
    outside = int(by_place.filter(pl.col("place") == "Public place")["crimes"].sum())
    da = int(by_group.filter(pl.col("domestic_abuse"))["crimes"].sum())
    kpis: dict[str, float | None] = {
        name: None if raw[name] is None else float(raw[name])
        for name in ("crimes", "offenders", "victims")
    }
    kpis["domestic_abuse_share"] = da / total if total else None
    kpis["home_per_public"] = home / outside if outside else None
    kpis["domestic_abuse_crimes"] = float(da)
    kpis["home_crimes"] = float(home)
    kpis["public_crimes"] = float(outside)
    params = Params(
        method="counts of in-scope crimes by recorded month, offence group, district and place",
        period=scope.period,
    )
    return Overview(
        params, False, threshold, kpis, monthly, by_group, by_district, by_place, exclusions
    )
