"""The public (open) profile: every count through :func:`vawg.disclosure.suppress`, no people.

:func:`disclose` turns the restricted :class:`~vawg.profile.profile.ProfileResult` into the
public one. Counts that are published together with their totals are suppressed together, as
one system of cells and the sums that link them (:func:`protect`), so a count hidden in one
table cannot be worked out from another: the place cross-tabulations by district and by offence
group, the location types, the domestic abuse flag, financial years and months all share the
in-scope total; the victims' and perpetrators' breakdowns share their distinct totals. Every
figure computed from a suppressed count (rates, shares, ratios and their intervals, harm days)
is blanked with it. The RFGV list and every person identifier are removed. Harm concentration
is shown only for groups of at least ``threshold`` perpetrators, and the Lorenz curve only at
steps of at least ``threshold`` perpetrators.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import polars as pl

from vawg.disclosure import suppress
from vawg.profile.data import HOME, PUBLIC, UNKNOWN
from vawg.profile.harm import HarmResult
from vawg.profile.opendata import OpenDataResult
from vawg.profile.people import CRIME_BANDS, LINK_BANDS, PeopleResult, proportion
from vawg.profile.place import PlaceResult, home_public_ratio
from vawg.profile.profile import ProfileResult, headline_table
from vawg.profile.rfgv import RfgvResult
from vawg.profile.timing import TimingResult
from vawg.profile.volume import VolumeResult
from vawg.results import Estimate

__all__ = ["disclose", "disclose_open_data", "protect"]

PLACES = (HOME, PUBLIC, UNKNOWN)
NAN = float("nan")
Relation = tuple[Sequence[Hashable], Hashable | None]


def protect(
    cells: Mapping[Hashable, int | None], relations: Sequence[Relation], threshold: int
) -> dict[Hashable, int | None]:
    """Suppress ``cells`` (name → count) published with ``relations`` (parts, total cell or
    None when the total is published elsewhere), through :func:`vawg.disclosure.suppress`."""
    keys = list(cells)
    position = {key: i for i, key in enumerate(keys)}
    data: dict[str, list[object]] = {"n": [cells[k] for k in keys]}
    margins: list[list[str]] = []
    totals: list[str | None] = []
    for r, (parts, total) in enumerate(relations):
        members = {position[p] for p in parts}
        flags: list[bool | None] = [None] * len(keys)
        for i in members:
            flags[i] = False
        if total is not None:
            flags[position[total]] = True
        data[f"g{r}"] = ["in"] * len(keys)
        data[f"t{r}"] = list(flags)
        margins.append([f"g{r}"])
        totals.append(f"t{r}")
    frame = pl.DataFrame(data, schema_overrides={"n": pl.Int64})
    out = suppress(frame, "n", threshold=threshold, margins=margins, totals=totals)
    return dict(zip(keys, out["n"].to_list(), strict=True))


def _crimes_system(result: ProfileResult, threshold: int) -> dict[Hashable, int | None]:
    """Every count of crimes that adds up to the in-scope total, suppressed as one system."""
    v, p = result.volume, result.place
    cells: dict[Hashable, int | None] = {"G": result.crimes_in_scope}
    relations: list[Relation] = []
    for place_name, value in (
        (HOME, p.home_crimes),
        (PUBLIC, p.public_crimes),
        (UNKNOWN, p.unknown_location_crimes),
    ):
        cells[("place", place_name)] = value
    relations.append(([("place", x) for x in PLACES], "G"))
    for dim, frame in (("district", p.by_district), ("offence_group", p.by_offence_group)):
        keys = frame[dim].to_list()
        for row in frame.iter_rows(named=True):
            for x in PLACES:
                cells[(dim, row[dim], x)] = row[x]
            cells[(dim, row[dim], "all")] = row["crimes"]
            relations.append(([(dim, row[dim], x) for x in PLACES], (dim, row[dim], "all")))
        for x in PLACES:
            relations.append(([(dim, k, x) for k in keys], ("place", x)))
        relations.append(([(dim, k, "all") for k in keys], "G"))
    by_type = p.by_location_type
    for row in by_type.iter_rows(named=True):
        cells[("location_type", row["location_type"])] = row["crimes"]
    for x in PLACES:
        parts = [
            ("location_type", t) for t in by_type.filter(pl.col("place") == x)["location_type"]
        ]
        relations.append((parts, ("place", x)))
    for row in v.by_domestic_abuse.iter_rows(named=True):
        cells[("domestic_abuse", row["domestic_abuse"])] = row["crimes"]
    relations.append(([("domestic_abuse", f) for f in v.by_domestic_abuse["domestic_abuse"]], "G"))
    for row in v.by_financial_year.iter_rows(named=True):
        cells[("fy", row["financial_year"])] = row["crimes"]
    relations.append(([("fy", y) for y in v.by_financial_year["financial_year"]], "G"))
    months = v.by_month.with_columns(fy=_fy(pl.col("month")))
    for row in months.iter_rows(named=True):
        cells[("month", row["month"])] = row["crimes"]
    for (year,), group in months.group_by("fy"):
        if ("fy", year) in cells:
            relations.append(([("month", m) for m in group["month"]], ("fy", year)))
    return protect(cells, relations, threshold)


def _fy(month: pl.Expr) -> pl.Expr:
    first = month.dt.year() - (month.dt.month() < 4).cast(pl.Int32)
    return pl.format("{}/{}", first, ((first + 1) % 100).cast(pl.String).str.zfill(2))


def _people_system(
    total: int | None,
    repeat: int | None,
    several: int | None,
    age: pl.DataFrame,
    crimes: pl.DataFrame,
    links: pl.DataFrame,
    label: str,
    repeat_min: int,
    threshold: int,
) -> dict[Hashable, int | None]:
    """A person total with its age, crimes-per-person and links-per-person breakdowns."""
    cells: dict[Hashable, int | None] = {"total": total, "repeat": repeat, "several": several}
    relations: list[Relation] = []
    for name, frame, column in (
        ("age", age, "age_band"),
        ("crimes", crimes, "band"),
        ("links", links, "band"),
    ):
        for row in frame.iter_rows(named=True):
            cells[(name, row[column])] = row[label]
        relations.append(([(name, k) for k in frame[column]], "total"))
    if repeat_min in (2, 3, 4, 5, 10):  # the repeat count is a sum of whole bands
        lows = {b: int(b.split("-")[0].rstrip("+")) for b in CRIME_BANDS}
        relations.append(([("crimes", b) for b in CRIME_BANDS if lows[b] >= repeat_min], "repeat"))
    relations.append(([("links", b) for b in LINK_BANDS if b != "1"], "several"))
    return protect(cells, relations, threshold)


def _list(
    frame: pl.DataFrame,
    column: str,
    threshold: int,
    dependents: Sequence[str] = (),
    total_published: bool = True,
) -> pl.DataFrame:
    """A one-way list under one total (published elsewhere, or not at all)."""
    if frame.is_empty():
        return frame
    out = suppress(
        frame,
        column,
        threshold=threshold,
        margins=[()] if total_published else [],
        dependents=list(dependents),
    )
    return out.drop("suppressed")


def _fill(
    frame: pl.DataFrame,
    column: str,
    values: Mapping[Hashable, int | None],
    key: Sequence[str],
    prefix: tuple[object, ...] = (),
) -> pl.DataFrame:
    """Replace ``column`` by the protected values looked up by ``prefix + row[key...]``."""
    looked = []
    for row in frame.iter_rows(named=True):
        name: Hashable = (*prefix, *(row[k] for k in key))
        if name in values:
            looked.append(values[name])
        else:  # not part of the protected system: only a zero may stand
            looked.append(0 if row[column] == 0 else None)
    return frame.with_columns(pl.Series(column, looked, dtype=pl.Int64))


def _ratio_columns(frame: pl.DataFrame) -> pl.DataFrame:
    estimates = [
        home_public_ratio(h, p) if h is not None and p is not None else Estimate(NAN, NAN, NAN)
        for h, p in zip(frame[HOME], frame[PUBLIC], strict=True)
    ]
    return frame.with_columns(
        ratio=pl.Series([e.estimate for e in estimates], dtype=pl.Float64).fill_nan(None),
        ci_low=pl.Series([e.ci_low for e in estimates], dtype=pl.Float64).fill_nan(None),
        ci_high=pl.Series([e.ci_high for e in estimates], dtype=pl.Float64).fill_nan(None),
    )


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
    ).with_columns(
        *(
            pl.when(pl.col("crimes").is_null()).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("rate_per_1000_per_year", "ci_low", "ci_high")
        )
    )
    group_totals: dict[Hashable, int | None] = {
        ("offence_group", k[1]): v
        for k, v in crimes.items()
        if isinstance(k, tuple) and k[0] == "offence_group" and k[2] == "all"
    }
    by_group = _fill(
        volume.by_offence_group, "crimes", group_totals, ["offence_group"], ("offence_group",)
    ).with_columns(share=pl.when(pl.col("crimes").is_null()).then(None).otherwise(pl.col("share")))
    by_year = _fill(volume.by_financial_year, "crimes", crimes, ["financial_year"], ("fy",))
    # People per year do not add up to the distinct totals (people recur across years): no total.
    by_year = _list(by_year, "offenders", threshold, total_published=False)
    by_year = _list(by_year, "victims", threshold, total_published=False)
    total = crimes.get("G")
    rate = volume.rate_per_1000_per_year if total is not None else Estimate(NAN, NAN, NAN)
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
        relationship=_list(people.relationship, "victims", threshold),
        victim_crimes=_fill(people.victim_crimes, "victims", victims, ["band"], ("crimes",)),
        offender_crimes=_fill(
            people.offender_crimes, "offenders", offenders, ["band"], ("crimes",)
        ),
        offender_victims=_fill(
            people.offender_victims, "offenders", offenders, ["band"], ("links",)
        ),
        victim_offenders=_fill(people.victim_offenders, "victims", victims, ["band"], ("links",)),
    )


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
    by_group = harm.by_offence_group.with_columns(
        pl.Series(
            "crimes",
            [
                crimes.get(("offence_group", g, "all"))
                for g in harm.by_offence_group["offence_group"]
            ],
            dtype=pl.Int64,
        )
    ).with_columns(
        *(
            pl.when(pl.col("crimes").is_null()).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("harm_days", "harm_share")
        )
    )
    total = crimes.get("G")
    gini = harm.gini if n >= threshold else Estimate(NAN, NAN, NAN)
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
        crime_harm_days=harm.crime_harm_days if total is not None else NAN,
        perpetrator_harm_days=harm.perpetrator_harm_days if offenders_total is not None else NAN,
        crimes_weighted_by_code=0,
        crimes_weighted_by_group=0,
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
        description=pl.col("description").str.replace(
            r" \([\d,]+ of these had one with no date of birth\)", ""
        ),
    ).drop("crimes_remaining")
    return out, safe.get("no_dob")


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
