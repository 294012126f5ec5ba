"""The public version of each part of the profile (volume, place, people, harm, RFGV,
timing, exclusions): withheld and rounded counts from the systems, every figure computed from a
withheld count blanked with it, and every rate, share and ratio recomputed from the rounded
counts (a figure computed from the true count would give the true count back).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping

import numpy as np
import polars as pl

from vawg.disclosure import Relation, protect, public_source, round_count
from vawg.profile.data import HOME, PUBLIC, UNKNOWN
from vawg.profile.harm import HarmResult
from vawg.profile.people import PeopleResult, proportion
from vawg.profile.place import PlaceResult, home_public_ratio
from vawg.profile.profile import ProfileResult
from vawg.profile.public.systems import NAN, PLACES, _fill, _list, _ratio_columns
from vawg.profile.rfgv import RfgvResult
from vawg.profile.timing import TimingResult
from vawg.profile.volume import VolumeResult
from vawg.results import Estimate
from vawg.stats import rate_per_1000_per_year


def _public_place(place: PlaceResult, crimes: Mapping[Hashable, int | None]) -> PlaceResult:
    tables = {}
    for dim, frame in (("district", place.by_district), ("offence_group", place.by_offence_group)):
        out = frame
        for x in PLACES:
            out = out.with_columns(
                pl.Series(x, [crimes.get((dim, k, x)) for k in frame[dim]], dtype=pl.Int64)
            )
        out = out.with_columns(
            pl.Series("crimes", [crimes.get((dim, k, "all")) for k in frame[dim]], dtype=pl.Int64)
        )
        tables[dim] = _ratio_columns(out)
    home, public = crimes.get(("place", HOME)), crimes.get(("place", PUBLIC))
    ratio = (
        home_public_ratio(home, public)
        if home is not None and public is not None
        else Estimate(NAN, NAN, NAN)
    )
    return dataclasses.replace(
        place,
        home_crimes=home,
        public_crimes=public,
        unknown_location_crimes=crimes.get(("place", UNKNOWN)),
        home_public_ratio=ratio,
        table=tables["district"],
        by_district=tables["district"],
        by_offence_group=tables["offence_group"],
        by_location_type=_fill(
            place.by_location_type, "crimes", crimes, ["location_type"], ("location_type",)
        ),
        placement=None,  # counts by placement method are not released
    )


def _public_volume(
    volume: VolumeResult,
    crimes: Mapping[Hashable, int | None],
    offenders: Mapping[Hashable, int | None],
    victims: Mapping[Hashable, int | None],
    threshold: int,
) -> VolumeResult:
    by_district = _fill(
        volume.by_district,
        "crimes",
        {
            ("district", *k[1:2]): v
            for k, v in crimes.items()
            if isinstance(k, tuple) and k[0] == "district" and k[2] == "all"
        },
        ["district"],
        ("district",),
    )
    years = _years(volume)
    rates = [
        _rate(c, p, years)
        for c, p in zip(by_district["crimes"], by_district["female_population"], strict=True)
    ]
    by_district = by_district.with_columns(
        pl.Series("rate_per_1000_per_year", [r.estimate for r in rates], dtype=pl.Float64),
        pl.Series("ci_low", [r.ci_low for r in rates], dtype=pl.Float64),
        pl.Series("ci_high", [r.ci_high for r in rates], dtype=pl.Float64),
    ).with_columns(pl.col("rate_per_1000_per_year", "ci_low", "ci_high").fill_nan(None))
    group_totals: dict[Hashable, int | None] = {
        ("offence_group", k[1]): v
        for k, v in crimes.items()
        if isinstance(k, tuple) and k[0] == "offence_group" and k[2] == "all"
    }
    by_group = _fill(
        volume.by_offence_group, "crimes", group_totals, ["offence_group"], ("offence_group",)
    ).with_columns(share=pl.col("crimes") / crimes.get("G") if crimes.get("G") else None)
    by_year = _fill(volume.by_financial_year, "crimes", crimes, ["financial_year"], ("fy",))
    # People per year do not add up to the distinct totals (people recur across years): no total.
    by_year = _list(by_year, "offenders", threshold, total_published=False)
    by_year = _list(by_year, "victims", threshold, total_published=False)
    total = crimes.get("G")
    rate = _rate(total, volume.female_population, years)
    return dataclasses.replace(
        volume,
        crimes_in_scope=total,
        distinct_offenders=offenders.get("total"),
        distinct_victims=victims.get("total"),
        rate_per_1000_per_year=rate,
        table=by_year,
        by_financial_year=by_year,
        by_month=_fill(volume.by_month, "crimes", crimes, ["month"], ("month",)),
        by_district=by_district,
        by_offence_group=by_group,
        by_domestic_abuse=_fill(
            volume.by_domestic_abuse, "crimes", crimes, ["domestic_abuse"], ("domestic_abuse",)
        ),
    )


def _years(volume: VolumeResult) -> float:
    """The period's length in years of 365.25 days (as the volume's rates use)."""
    if volume.params.period is None:
        return 1.0
    start, end = volume.params.period
    return ((end - start).days + 1) / 365.25


def _rate(count: int | None, population: int | None, years: float) -> Estimate:
    """Crimes per 1,000 women and girls per year, from a published (rounded) count."""
    return rate_per_1000_per_year(count, population, years)


def _share(count: int | None, total: int | None) -> Estimate:
    if count is None or total is None:
        return Estimate(NAN, NAN, NAN)
    return proportion(count, total)


def _public_people(
    people: PeopleResult,
    offenders: Mapping[Hashable, int | None],
    victims: Mapping[Hashable, int | None],
    threshold: int,
) -> PeopleResult:
    rows = []
    for measure, count, total in (
        ("repeat victims", victims.get("repeat"), victims.get("total")),
        ("repeat perpetrators", offenders.get("repeat"), offenders.get("total")),
        ("perpetrators with several victims", offenders.get("several"), offenders.get("total")),
        ("victims with several perpetrators", victims.get("several"), victims.get("total")),
    ):
        e = _share(count, total)
        rows.append((measure, count, total, e.estimate, e.ci_low, e.ci_high))
    table = pl.DataFrame(
        rows,
        schema=["measure", "count", "denominator", "share", "ci_low", "ci_high"],
        orient="row",
    ).with_columns(pl.col("share", "ci_low", "ci_high").cast(pl.Float64).fill_nan(None))
    return dataclasses.replace(
        people,
        repeat_victims=victims.get("repeat"),
        repeat_offenders=offenders.get("repeat"),
        repeat_victim_share=_share(victims.get("repeat"), victims.get("total")),
        repeat_offender_share=_share(offenders.get("repeat"), offenders.get("total")),
        offenders_with_several_victims=offenders.get("several"),
        victims_with_several_offenders=victims.get("several"),
        table=table,
        offender_age=_fill(people.offender_age, "offenders", offenders, ["age_band"], ("age",)),
        victim_age=_fill(people.victim_age, "victims", victims, ["age_band"], ("age",)),
        relationship=_list(
            _list(people.relationship, "victims", threshold, dependents=["victim_crimes"]),
            "victim_crimes",
            threshold,
        ),
        victim_crimes=_fill(people.victim_crimes, "victims", victims, ["band"], ("crimes",)),
        offender_crimes=_fill(
            people.offender_crimes, "offenders", offenders, ["band"], ("crimes",)
        ),
        offender_victims=_fill(
            people.offender_victims, "offenders", offenders, ["band"], ("links",)
        ),
        victim_offenders=_fill(people.victim_offenders, "victims", victims, ["band"], ("links",)),
    )


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _coarse_lorenz(lorenz: pl.DataFrame, n: int, threshold: int) -> pl.DataFrame:
    """The Lorenz curve only at steps holding at least ``threshold`` perpetrators."""
    steps = min(100, n // threshold) if n else 0
    if steps < 2:
        return lorenz.head(0)
    grid = np.linspace(0.0, 1.0, steps + 1)
    values = np.interp(grid, lorenz["population_share"].to_numpy(), lorenz["harm_share"].to_numpy())
    return pl.DataFrame({"population_share": grid, "harm_share": values})


def _public_harm(
    harm: HarmResult,
    crimes: Mapping[Hashable, int | None],
    offenders_total: int | None,
    threshold: int,
) -> HarmResult:
    n = harm.perpetrators if offenders_total is not None else 0
    conc = harm.concentration.with_columns(
        *(
            pl.when(pl.col("perpetrators") >= threshold).then(pl.col(c)).otherwise(None).alias(c)
            for c in ("harm_share", "ci_low", "ci_high", "perpetrators")
        )
    )
    if offenders_total is None:
        conc = conc.with_columns(
            pl.lit(None, dtype=pl.Float64).alias(c)
            for c in ("perpetrators", "harm_share", "ci_low", "ci_high")
        )
    conc = conc.with_columns(
        pl.Series(
            "perpetrators",
            [round_count(_whole(v), threshold) for v in conc["perpetrators"]],
            dtype=conc["perpetrators"].dtype,
        )
    )
    # Harm days of a group are its crimes times their mean weight: shown for the rounded count
    # (the weights are published, so harm days of the true count would give the count back).
    shown = [
        crimes.get(("offence_group", g, "all")) for g in harm.by_offence_group["offence_group"]
    ]
    true = harm.by_offence_group["crimes"].to_list()
    days = harm.by_offence_group["harm_days"].to_list()
    scaled = [
        None if s is None or d is None else (d * s / t if t else 0.0)
        for s, t, d in zip(shown, true, days, strict=True)
    ]
    total = crimes.get("G")
    crime_days = sum(x for x in scaled if x is not None) if total is not None else NAN
    by_group = harm.by_offence_group.with_columns(
        pl.Series("crimes", shown, dtype=pl.Int64),
        pl.Series("harm_days", scaled, dtype=pl.Float64),
        pl.Series(
            "harm_share",
            [None if x is None or not crime_days else x / crime_days for x in scaled],
            dtype=pl.Float64,
        ),
    )
    people_scale = (
        (offenders_total / harm.perpetrators) if offenders_total and harm.perpetrators else 0.0
    )
    gini = harm.gini if n >= threshold else Estimate(NAN, NAN, NAN)
    # How many crimes took a weight by code and by group: the two add up to the crimes, a
    # published total, so they are protected together.
    by_code, by_basis = harm.crimes_weighted_by_code, harm.crimes_weighted_by_group
    weighted = protect(
        {"crimes": (by_code or 0) + (by_basis or 0), "code": by_code, "group": by_basis},
        [(["code", "group"], "crimes")],
        threshold,
    )
    return dataclasses.replace(
        harm,
        table=conc,
        concentration=conc,
        lorenz=_coarse_lorenz(harm.lorenz, n, threshold),
        gini=gini,
        by_offence_group=by_group,
        weights=harm.weights.drop("crimes"),
        assumed_weights=harm.assumed_weights.drop("crimes"),
        perpetrators=offenders_total if offenders_total is not None else 0,
        crime_harm_days=crime_days,
        perpetrator_harm_days=(
            harm.perpetrator_harm_days * people_scale if offenders_total is not None else NAN
        ),
        crimes_weighted_by_code=weighted["code"],
        crimes_weighted_by_group=weighted["group"],
        weights_source=public_source(harm.weights_source),
    )


def _public_rfgv(rfgv: RfgvResult, threshold: int) -> RfgvResult:
    dist = rfgv.score_distribution
    cells: dict[Hashable, int | None] = {"total": rfgv.perpetrators_scored}
    cells.update({("score", s): c for s, c in dist.iter_rows()})
    safe = protect(cells, [([("score", s) for s in dist["score"]], "total")], threshold)
    return dataclasses.replace(
        rfgv,
        perpetrators_scored=safe["total"],
        table=rfgv.table.head(0),
        top_band_people=None,  # a count not put through the rule: the restricted page only
        top_band_harm_share=None,
        score_distribution=_fill(dist, "perpetrators", safe, ["score"], ("score",)),
    )


def _public_timing(timing: TimingResult, threshold: int) -> TimingResult:
    grid = timing.hour_by_day
    cells: dict[Hashable, int | None] = {}
    relations: list[Relation] = []
    for day, hour, n in grid.select("day", "hour", "crimes").iter_rows():
        cells[(day, hour)] = n
    days = grid["day"].unique(maintain_order=True).to_list()
    for day in days:
        cells[(day, "all")] = int(grid.filter(pl.col("day") == day)["crimes"].sum())
        relations.append(([(day, h) for h in range(24)], (day, "all")))
    for hour in range(24):
        cells[("all", hour)] = int(grid.filter(pl.col("hour") == hour)["crimes"].sum())
        relations.append(([(d, hour) for d in days], ("all", hour)))
    relations.append(([(d, "all") for d in days], None))
    relations.append(([("all", h) for h in range(24)], None))
    safe = protect(cells, relations, threshold)
    hour_by_day = grid.with_columns(
        pl.Series(
            "crimes",
            [safe[(d, h)] for d, h in grid.select("day", "hour").iter_rows()],
            dtype=pl.Int64,
        )
    )
    by_day = timing.by_day.with_columns(
        pl.Series("crimes", [safe[(d, "all")] for d in timing.by_day["day"]], dtype=pl.Int64)
    )
    return dataclasses.replace(
        timing,
        table=hour_by_day,
        hour_by_day=hour_by_day,
        by_day=by_day,
        by_month_of_year=_list(timing.by_month_of_year, "crimes", threshold),
    )


def _public_exclusions(result: ProfileResult, threshold: int) -> tuple[pl.DataFrame, int | None]:
    frame = result.exclusions
    age_rule = "perpetrator_under_age_or_no_date_of_birth"
    cells: dict[Hashable, int | None] = {
        rule: n for rule, n in frame.select("rule", "crimes_excluded").iter_rows()
    }
    relations: list[Relation] = []
    no_dob = result.no_date_of_birth_crimes
    if no_dob is not None and age_rule in cells:
        cells["no_dob"] = no_dob
        age_excluded = cells[age_rule]
        cells["under_age"] = (age_excluded or 0) - no_dob
        relations.append((["no_dob", "under_age"], age_rule))
    safe = protect(cells, relations, threshold)
    out = frame.with_columns(
        pl.Series("crimes_excluded", [safe[r] for r in frame["rule"]], dtype=pl.Int64),
    ).drop("crimes_remaining")
    return out, safe.get("no_dob")
