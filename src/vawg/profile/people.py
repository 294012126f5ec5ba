"""People: perpetrators' and victims' ages, relationships, and repeats.

A person's age is his or her age at the first in-scope crime of the period (on
``committed_from``); victims with no date of birth are counted as "unknown". Relationship is
as recorded on the victim's involvement in each crime ("not recorded" when empty) and is counted
two ways, each labelled: ``victims``, the distinct victims with at least one in-scope crime
recorded under that relationship (a victim recorded as partner in one crime and ex-partner in
another counts under both, so the column can sum to more than the distinct victims), and
``victim_crimes``, the victim-crime pairs (a victim of five partner crimes counts five times). A repeat victim (perpetrator) is one linked to ``repeat_min_crimes`` (default 2) or
more in-scope crimes in the period; shares are of distinct victims (perpetrators), with exact
binomial (Clopper-Pearson) intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import polars as pl
from scipy import stats

from vawg.profile.data import ProfileData, to_polars
from vawg.results import Estimate, Params, ResultMixin

__all__ = [
    "OFFENDER_AGE_BANDS",
    "VICTIM_AGE_BANDS",
    "PeopleResult",
    "people",
    "proportion",
]

VICTIM_AGE_BANDS = (
    "under 16",
    "16-17",
    "18-24",
    "25-34",
    "35-44",
    "45-54",
    "55-64",
    "65+",
    "unknown",
)
OFFENDER_AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
CRIME_BANDS = ("1", "2", "3", "4", "5-9", "10+")
LINK_BANDS = ("1", "2", "3", "4+")
CITATION = (
    "Clopper, C. J. & Pearson, E. S. (1934) The use of confidence or fiducial limits illustrated "
    "in the case of the binomial. Biometrika 26(4), 404-413."
)


def proportion(count: int, total: int, level: float = 0.95) -> Estimate:
    """count / total with the exact (Clopper-Pearson) interval."""
    if total == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan)
    ci = stats.binomtest(count, total).proportion_ci(confidence_level=level, method="exact")
    return Estimate(count / total, float(ci.low), float(ci.high), None, level)


def _age_band(age: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases(
        (age.isnull(), "unknown"),
        (age < 16, "under 16"),
        (age < 18, "16-17"),
        (age < 25, "18-24"),
        (age < 35, "25-34"),
        (age < 45, "35-44"),
        (age < 55, "45-54"),
        (age < 65, "55-64"),
        else_="65+",
    )


def _count_band(n: ir.IntegerValue, top: int) -> ir.StringValue:
    if top == 10:
        return ibis.cases((n >= 10, "10+"), (n >= 5, "5-9"), else_=n.cast("string"))
    return ibis.cases((n >= 4, "4+"), else_=n.cast("string"))


def _ordered(frame: pl.DataFrame, column: str, order: tuple[str, ...], value: str) -> pl.DataFrame:
    """``frame`` with one row per value of ``order`` (missing = 0), in that order."""
    base = pl.DataFrame({column: list(order)})
    return base.join(frame, on=column, how="left").with_columns(
        pl.col(value).fill_null(0).cast(pl.Int64)
    )


def _person_cube(table: ir.Table, other: ir.Table, repeat_min_crimes: int) -> pl.DataFrame:
    """Distinct people counted by crimes band, links band (people of ``other``), age band and
    whether they are repeats: one query, every people table is a sum over it."""
    per = table.group_by("person_id").aggregate(n=table.crime_ref.nunique(), age=table.age.min())
    pairs = table.select("crime_ref", "person_id").join(
        other.select("crime_ref", other_id=other.person_id), "crime_ref"
    )
    links = pairs.group_by("person_id").aggregate(links=pairs.other_id.nunique())
    joined = per.left_join(links, "person_id")
    stats = joined.select(n=joined.n, age=joined.age, links=joined.links.fill_null(0))
    cube = stats.group_by(
        crimes_band=_count_band(stats.n, 10),
        links_band=_count_band(stats.links, 4),
        age_band=_age_band(stats.age),
        repeat=stats.n >= repeat_min_crimes,
        several=stats.links >= 2,
    ).aggregate(people=stats.count())
    return to_polars(cube)


def _margin(cube: pl.DataFrame, by: str, order: tuple[str, ...], label: str) -> pl.DataFrame:
    """People by one of the cube's bands, every band of ``order`` present, in that order."""
    column = "age_band" if by == "age_band" else "band"
    totals = cube.group_by(by).agg(pl.col("people").sum().alias(label)).rename({by: column})
    return _ordered(totals, column, order, label)


@dataclass(frozen=True)
class PeopleResult(ResultMixin):
    """Ages, relationships and repeats of the people in the in-scope crimes.

    ``offender_age`` / ``victim_age``: age_band, offenders / victims. ``relationship``:
    relationship, victims (distinct victims), victim_crimes (victim-crime pairs). ``victim_crimes`` / ``offender_crimes``: band
    (crimes per person), victims / offenders. ``offender_victims``: band (distinct victims per
    perpetrator), offenders. ``victim_offenders``: band (distinct perpetrators per victim),
    victims. ``table``: the headline counts as measure, count, denominator, share, ci_low,
    ci_high.
    """

    params: Params
    repeat_victims: int | None  # None = suppressed (public output)
    repeat_offenders: int | None
    repeat_victim_share: Estimate
    repeat_offender_share: Estimate
    offenders_with_several_victims: int | None
    victims_with_several_offenders: int | None
    table: pl.DataFrame
    offender_age: pl.DataFrame
    victim_age: pl.DataFrame
    relationship: pl.DataFrame
    victim_crimes: pl.DataFrame
    offender_crimes: pl.DataFrame
    offender_victims: pl.DataFrame
    victim_offenders: pl.DataFrame


def people(
    data: ProfileData, *, repeat_min_crimes: int = 2, offender_min_age: int = 18
) -> PeopleResult:
    """Age profiles, relationship mix and repeats."""
    young = tuple(b for b, top in (("under 16", 16), ("16-17", 18)) if offender_min_age < top)
    offenders, victims = data.offenders, data.victims
    vic = _person_cube(victims, offenders, repeat_min_crimes)
    off = _person_cube(offenders, victims, repeat_min_crimes)

    def total(cube: pl.DataFrame, flag: str | None = None) -> int:
        rows = cube if flag is None else cube.filter(pl.col(flag))
        return int(rows["people"].sum()) if rows.height else 0

    n_vic, n_off = total(vic), total(off)
    rep_v, rep_o = total(vic, "repeat"), total(off, "repeat")
    several_v, several_o = total(off, "several"), total(vic, "several")
    relationship = to_polars(
        victims.group_by(relationship=victims.relationship.fill_null("not recorded")).aggregate(
            victims=victims.person_id.nunique(),
            victim_crimes=victims.count(),
        )
    ).sort(["victims", "relationship"], descending=[True, False])
    shares = [
        ("repeat victims", rep_v, n_vic),
        ("repeat perpetrators", rep_o, n_off),
        ("perpetrators with several victims", several_v, n_off),
        ("victims with several perpetrators", several_o, n_vic),
    ]
    rows = []
    for measure, count, denominator in shares:
        est = proportion(count, denominator)
        rows.append((measure, count, denominator, est.estimate, est.ci_low, est.ci_high))
    table = pl.DataFrame(
        rows, schema=["measure", "count", "denominator", "share", "ci_low", "ci_high"], orient="row"
    )
    return PeopleResult(
        params=Params(
            method=(
                f"age at first in-scope crime; repeat = {repeat_min_crimes}+ in-scope crimes in "
                "the period; exact binomial intervals for shares"
            ),
            citation=CITATION,
            period=data.period,
            settings={"repeat_min_crimes": repeat_min_crimes},
        ),
        repeat_victims=rep_v,
        repeat_offenders=rep_o,
        repeat_victim_share=proportion(rep_v, n_vic),
        repeat_offender_share=proportion(rep_o, n_off),
        offenders_with_several_victims=several_v,
        victims_with_several_offenders=several_o,
        table=table,
        offender_age=_margin(off, "age_band", young + OFFENDER_AGE_BANDS, "offenders"),
        victim_age=_margin(vic, "age_band", VICTIM_AGE_BANDS, "victims"),
        relationship=relationship,
        victim_crimes=_margin(vic, "crimes_band", CRIME_BANDS, "victims"),
        offender_crimes=_margin(off, "crimes_band", CRIME_BANDS, "offenders"),
        offender_victims=_margin(off, "links_band", LINK_BANDS, "offenders"),
        victim_offenders=_margin(vic, "links_band", LINK_BANDS, "victims"),
    )
