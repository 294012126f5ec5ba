"""The public targeting result: :func:`disclose_targeting` (``TargetingResult`` → the same
type), through :mod:`vawg.disclosure` (small counts withheld, the rest rounded):

* the place rankings: crime counts from 1 to ``threshold - 1`` are withheld with the total of
  all places published (so a lone small place cannot be worked out by subtraction), and a
  withheld place loses its harm, shares, rank and rank interval too (LSOAs are protected
  against each district's total as well; town centres are published without their district);
  every shown count is rounded; places are named (the LSOA name, e.g. ``Maidstone 012A``, where
  the shipped reference knows it) beside their code;
* a place's harm is published only when it has at least ``disclosure_min_base`` crimes (30 by
  default; a place with fewer is withheld from the ranking like a small one, and counted among
  those not shown), and then rounded coarsely by :func:`vawg.disclosure.published_harm`: to 2
  significant figures, and never finer than the nearest 100 days. Why both: harm is a sum of a few published weights (the Cambridge Crime Harm Index: rape 2,555 days, other
  sexual offences 182.25, violence with injury 365, the lesser offences 10 or 2), so harm given
  to the day beside a crime count rounded to 5 has only a handful of candidate true counts, and
  for a small place usually exactly one mix of offences adds up to it (a shown "5,312 days, 5
  crimes" was 2 rapes, 1 other sexual offence and 2 ten-day crimes). Rounding alone does not
  stop that for a small place (a few crimes make few sums, far apart); the minimum alone does
  not either (harm to the day still pins down the mix where the weights are far apart). With
  at least 30 crimes and harm known only to within 100 days or more (1-10% of its value), a
  shown figure fits very many mixes and counts: swapping one offence for another moves the
  harm by 8 days (a 2-day crime for a 10-day one), 172.25 to 182.75 days or 355 to 363 days,
  so the sums that fit a window of 100 days or more are many (``tests/targeting/test_public.py`` brute-forces the attack). The
  harm of every place is rounded from its own true value, never scaled by the rounded count
  (that gave the true count back: harm × rounded count ÷ true count); the force's harm too;
  a share of harm is of the total rounded the same way (over the exact total, a shown harm
  over its share gave that total back, and with it the withheld places' harm);
* the shown places keep the order and ranks of the full figures, among the places shown (the
  same "number one" as the restricted table; rounding keeps the order of the harm, so the
  shown harm never rises down the table; places whose rounded harm ties keep their true order);
* the survey's district bases, and the Knox table's pair counts (with the Knox ratio and
  p-value of a withheld cell), likewise; a shown cell's Knox ratio is of its rounded pairs;
  the totals of pairs are not published;
* repeat locations: only how many there were (rounded), never where (exact places of crimes);
* notes: every count in them rounded or said to be small.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from vawg.config import Settings
from vawg.disclosure import (
    SUPPRESSED_FLAG,
    public_notes,
    public_params,
    public_source,
    published_harm,
    shown_count,
    suppress,
)
from vawg.targeting.analysis import TargetingResult, targeting_main_points
from vawg.targeting.knox import KnoxResult
from vawg.targeting.repeats import RepeatResult

__all__ = ["RANKS_NOTE", "disclose_targeting"]

RANKS_NOTE = (
    "Ranks are of the full figures, among the places shown (places with too few crimes to "
    "publish their harm are not ranked); the harm beside each is rounded, to 2 significant "
    "figures and never finer than the nearest 100 days; the range of ranks beside each is from "
    "the full figures, among every place."
)

_RANK_DEPENDENTS = (
    "harm_days",
    "harm_share",
    "rank",
    "best_rank",
    "worst_rank",
    "top_n_share",
    "top_n",
)


def _places(
    frame: pl.DataFrame, threshold: int, margins: list[tuple[str, ...]], min_base: int
) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    dependents = [c for c in _RANK_DEPENDENTS if c in frame.columns]
    out = suppress(frame, "crimes", threshold=threshold, margins=margins, dependents=dependents)
    # A place with fewer than min_base crimes is withheld from the ranking altogether: its
    # harm, beside its count, could be taken apart into the offences behind it (module
    # docstring), and its count alone ranks nothing.
    few = pl.col(SUPPRESSED_FLAG) | (frame["crimes"] < min_base)
    out = out.with_columns(
        [pl.when(few).then(None).otherwise(pl.col(c)).alias(c) for c in ("crimes", *dependents)]
    ).drop(SUPPRESSED_FLAG)
    # Each shown place's harm rounded from its own true value, and its share of the harm of
    # every ranked place, withheld ones included, as in the restricted table (of the shown
    # places only, the shares came out up to three times larger and disagreed with the
    # headline). The share is of that total rounded as a harm is: of the exact total, a shown
    # harm over its share gave the exact total back, and that less the shown places' harm
    # the withheld places' harm to within the rounding of a few shown ones.
    total = published_harm(float(frame["harm_days"].sum())) or 0.0
    out = out.with_columns(
        harm_days=pl.col("harm_days").map_elements(published_harm, return_dtype=pl.Float64)
    ).with_columns(
        harm_share=pl.col("harm_days") / total if total else pl.lit(None, pl.Float64),
    )
    # The rows come in rank order: a withheld place left where it was would give its rank
    # away. The shown places keep their true order (so the public "number one" is the
    # restricted one) and are ranked among themselves on the full figures; rounding keeps the
    # order, so the shown harm never rises down the table. The withheld places follow, by the
    # place's key (the first column: LSOA code or town centre).
    withheld = pl.col("crimes").is_null()
    true_harm = frame["harm_days"].alias("_true_harm")
    out = out.with_columns(true_harm)
    shown = out.filter(~withheld)
    if "rank" in shown.columns and shown.height:
        shown = shown.sort(
            ["_true_harm", "rank"], descending=[True, False], nulls_last=True
        ).with_columns(
            # ties share the better rank, as in the full ranking
            rank=pl.col("_true_harm").rank("min", descending=True).cast(shown["rank"].dtype)
        )
        if {"best_rank", "worst_rank"} <= set(shown.columns):
            # the range of ranks (among every place) widened to hold the rank among the shown
            shown = shown.with_columns(
                best_rank=pl.min_horizontal("best_rank", "rank"),
                worst_rank=pl.max_horizontal("worst_rank", "rank"),
            )
    return pl.concat([shown, out.filter(withheld).sort(out.columns[0])]).drop("_true_harm")


def _shown_coverage(
    places: pl.DataFrame, coverage: pl.DataFrame, top_n: int, crimes: int | None
) -> pl.DataFrame:
    """The public coverage: the share of the harm (and of the crimes) in the first N places
    *shown*, in the published table's order, for each N of ``coverage`` no larger than the
    places shown, and for ``top_n`` (or every place shown, when fewer are) so the headline
    always has its row. Each share is the sum of the shown places' published shares (harm) or
    of their rounded counts over the rounded total of every place (crimes): it is worked out from the table
    the reader sees, so it matches the rows and gives nothing more away.

    The full coverage (of the true top N, withheld places included) is not published: its
    share less the shown places' harm was a withheld place's harm (the demo's "top 5" held a
    place of 15 crimes), and it did not match the five rows shown under it. It has no interval
    either: the interval of the full figures is of the true top N, not of these places."""
    if places.is_empty() or "harm_share" not in places.columns:
        return coverage.clear()
    shown = places.filter(pl.col("harm_share").is_not_null())
    if not shown.height:
        return coverage.clear()
    sizes = {int(k) for k in coverage["up_to_rank"].to_list() if int(k) <= shown.height}
    sizes.add(min(top_n, shown.height))
    harm = shown["harm_share"].to_list()
    counts = shown["crimes"].to_list()
    rows = sorted(sizes)
    return pl.DataFrame(
        {
            "up_to_rank": rows,
            "harm_share": [float(sum(harm[:k])) for k in rows],
            "ci_low": [None] * len(rows),
            "ci_high": [None] * len(rows),
            "crime_share": [float(sum(counts[:k])) / crimes if crimes else None for k in rows],
        },
        schema=coverage.schema,
    )


def _knox(knox: KnoxResult | None, threshold: int) -> KnoxResult | None:
    if knox is None:
        return None
    table = suppress(
        knox.table,
        "observed",
        threshold=threshold,
        margins=[],
        dependents=["knox_ratio", "p_value", "above_chance"],
    ).drop(SUPPRESSED_FLAG, "distance_index", "time_index")
    # The shuffle p-value is of the true pairs and narrows where the true count lies: a public
    # table says only whether a cell is clearly above chance.
    table = table.with_columns(pl.lit(None, dtype=pl.Float64).alias("p_value"))
    # A shown cell's ratio is of its published (rounded) pairs: the ratio of the true pairs,
    # times the expected pairs beside it, would give the true count back.
    table = table.with_columns(
        knox_ratio=pl.when(pl.col("observed").is_null() | (pl.col("expected") <= 0))
        .then(None)
        .otherwise(pl.col("observed").cast(pl.Float64) / pl.col("expected"))
    )
    return dataclasses.replace(
        knox, table=table, events=shown_count(knox.events, threshold), pairs=None, near_pairs=None
    )


def _repeats(repeats: RepeatResult, threshold: int) -> RepeatResult:
    return dataclasses.replace(
        repeats,
        table=repeats.table.clear(),
        offences=shown_count(repeats.offences, threshold),
        locations=shown_count(repeats.locations, threshold),
        repeat_locations=shown_count(repeats.repeat_locations, threshold),
        offences_at_repeat_locations=shown_count(repeats.offences_at_repeat_locations, threshold),
    )


def disclose_targeting(result: TargetingResult, settings: Settings) -> TargetingResult:
    """The public version of ``result`` (same type): see the module docstring."""
    if result.public:
        return result
    t = settings.disclosure_threshold
    least = settings.disclosure_min_base
    survey = result.survey
    if survey.height:
        survey = suppress(
            survey,
            "respondents",
            threshold=t,
            margins=[],
            dependents=["unsafe_at_night_share", "unsafe_ci_low", "unsafe_ci_high"],
        ).drop(SUPPRESSED_FLAG)
    crimes = shown_count(result.crimes, t)
    # LSOAs: protected against the force's and each district's totals; town centres (a few
    # per district, some alone) against the force's, and named without their district, so
    # that no district's total (of any measure) meets a lone withheld town
    table = _places(result.table, t, [(), ("district",)], least)
    towns = _places(result.towns, t, [()], least).drop("district", strict=False)
    # the shares of crimes are of every ranked place's crimes, rounded (the total the
    # places' counts are protected against)
    lsoa_crimes = shown_count(int(result.table["crimes"].sum()), t) if result.table.height else None
    town_crimes = shown_count(int(result.towns["crimes"].sum()), t) if result.towns.height else None
    public = dataclasses.replace(
        result,
        table=table,
        towns=towns,
        coverage=(
            _shown_coverage(table, result.coverage, result.top_rank, lsoa_crimes)
            if crimes is not None
            else result.coverage.clear()
        ),
        town_coverage=(
            _shown_coverage(towns, result.town_coverage, result.top_rank, town_crimes)
            if crimes is not None
            else result.town_coverage.clear()
        ),
        survey=survey,
        knox=_knox(result.knox, t),
        repeats=_repeats(result.repeats, t),
        crimes=crimes,
        # rounded as a place's harm is, from its own true value
        harm_days=(
            published_harm(result.harm_days)
            if crimes is not None and result.crimes and result.crimes >= least
            else None
        ),
        harm_source=public_source(result.harm_source),
        public=True,
        params=public_params(result.params, settings),
        notes=(*public_notes(result.notes, t), RANKS_NOTE),
    )
    return dataclasses.replace(public, main_points=targeting_main_points(public))
