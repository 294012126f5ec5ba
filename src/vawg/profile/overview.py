"""The overview: volumes of in-scope crime by month, offence group, district and place.

The open site's front page and the dashboard's overview page show these figures; the public
version is :func:`vawg.profile.public.disclose_overview` (its tables are protected together,
since they all add up to the same in-scope total).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.scope import Scope

__all__ = ["Overview", "overview"]


@dataclass(frozen=True)
class Overview(ResultMixin):
    """Volumes of in-scope crime. ``public``: every count went through the disclosure rule.

    ``kpis``: crimes, offenders, victims (distinct people), domestic_abuse_share,
    home_per_public. ``monthly``: month, crimes. ``by_group``: offence_group, domestic_abuse,
    crimes. ``by_district``: district, crimes, population, per_1000_residents. ``by_place``:
    offence_group, place (Home, Public place, Unknown), crimes. ``exclusions``: rule,
    description, crimes_excluded. ``table`` is ``monthly``.
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


def _place(crimes: ir.Table) -> ir.StringValue:
    return ibis.cases(
        (crimes.location_type == "dwelling", "Home"),
        (crimes.location_type == "unknown", "Unknown"),
        else_="Public place",
    ).name("place")


def overview(tables: Tables, scope: Scope, *, threshold: int = 5) -> Overview:
    """Counts of the scope's crimes by month, offence group, district and place (restricted:
    every count as it is; ``threshold`` is only recorded)."""
    crimes = scope.crimes.left_join(tables.areas.select("lsoa_code", "district"), "lsoa_code")
    crimes = crimes.mutate(district=crimes.district.fill_null("Unknown area"), place=_place(crimes))
    totals = ibis.memtable({"x": [0]}).select(
        crimes=scope.crimes.count().as_scalar(),
        offenders=scope.offenders.person_id.nunique().as_scalar(),
        victims=scope.victims.person_id.nunique().as_scalar(),
    )
    raw = tables.backend.to_pyarrow(totals).to_pylist()[0]
    month = crimes.recorded_date.truncate("M").name("month")
    monthly = crimes.group_by(month).aggregate(crimes=crimes.count()).order_by("month").to_polars()
    by_group = (
        crimes.group_by("offence_group", "domestic_abuse")
        .aggregate(crimes=crimes.count())
        .order_by("offence_group", "domestic_abuse")
        .to_polars()
    )
    areas = tables.areas
    population = areas.group_by("district").aggregate(population=areas.population.sum())
    by_district = (
        crimes.group_by("district")
        .aggregate(crimes=crimes.count())
        .left_join(population, "district")
        .select("district", "crimes", "population")
        .to_polars()
        .with_columns((pl.col("crimes") * 1000 / pl.col("population")).alias("per_1000_residents"))
        .sort("crimes", descending=True)
    )
    by_place = (
        crimes.group_by("offence_group", "place")
        .aggregate(crimes=crimes.count())
        .order_by("offence_group", "place")
        .to_polars()
    )
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
    params = Params(
        method="counts of in-scope crimes by recorded month, offence group, district and place",
        period=scope.period,
    )
    return Overview(
        params, False, threshold, kpis, monthly, by_group, by_district, by_place, exclusions
    )
