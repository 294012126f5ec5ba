"""The public targeting result: :func:`disclose_targeting` (``TargetingResult`` → the same
type), through :mod:`vawg.disclosure` (small counts withheld, the rest rounded):

* the place rankings: crime counts from 1 to ``threshold - 1`` are withheld with the total of
  all places published (so a lone small place cannot be worked out by subtraction), and a
  withheld place loses its harm, shares, rank and rank interval too (LSOAs are protected
  against each district's total as well; town centres are published without their district);
  a place's harm is shown for its rounded count; every shown count is rounded; places are named (the LSOA name, e.g. ``Maidstone 012A``, where the shipped
  reference knows it) beside their code;
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
    round_count,
    shown_count,
    suppress,
)
from vawg.targeting.analysis import TargetingResult, targeting_main_points
from vawg.targeting.knox import KnoxResult
from vawg.targeting.repeats import RepeatResult

__all__ = ["disclose_targeting"]

RANKS_NOTE = (
    "Ranks are of the published (rounded) harm, among the places shown; the range of ranks "
    "beside each is from the full figures, among every place."
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


def _places(frame: pl.DataFrame, threshold: int, margins: list[tuple[str, ...]]) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    dependents = [c for c in _RANK_DEPENDENTS if c in frame.columns]
    out = suppress(frame, "crimes", threshold=threshold, margins=margins, dependents=dependents)
    # A place's harm days are shown for its rounded count (harm days times the published
    # weights could otherwise give the true count back), and its share of harm from those.
    scaled = pl.col("harm_days") * out["crimes"] / frame["crimes"].cast(pl.Float64)
    out = out.drop(SUPPRESSED_FLAG).with_columns(
        harm_days=pl.when(pl.col("crimes").is_null()).then(None).otherwise(scaled.fill_nan(0.0))
    )
    # Each share is of the harm of every ranked place, withheld ones included, as in the
    # restricted table (of the shown places only, the shares came out up to three times
    # larger and disagreed with the headline).
    total = float(frame["harm_days"].sum())
    out = out.with_columns(
        harm_days=pl.col("harm_days").round(0),
        harm_share=pl.col("harm_days") / total if total else pl.lit(None, pl.Float64),
    )
    # The rows come in rank order: a withheld place left where it was would give its rank
    # away. The shown places keep their order; the withheld ones follow, by the place's key
    # (the first column: LSOA code or town centre).
    withheld = pl.col("crimes").is_null()
    # The shown places are ranked on the harm they are shown with: ranked on the full figures,
    # a place could sit above one with more published harm beside it. A place's range of
    # ranks (from the full figures, among every place) is widened to hold its published rank.
    shown = out.filter(~withheld)
    if "rank" in shown.columns and shown.height:
        shown = shown.sort(
            ["harm_days", "rank"], descending=[True, False], nulls_last=True
        ).with_columns(
            # ties share the better rank, as in the full ranking
            rank=pl.col("harm_days").rank("min", descending=True).cast(shown["rank"].dtype)
        )
        if {"best_rank", "worst_rank"} <= set(shown.columns):
            shown = shown.with_columns(
                best_rank=pl.min_horizontal("best_rank", "rank"),
                worst_rank=pl.max_horizontal("worst_rank", "rank"),
            )
    return pl.concat([shown, out.filter(withheld).sort(out.columns[0])])


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
    public = dataclasses.replace(
        result,
        # LSOAs: protected against the force's and each district's totals; town centres
        # (a few per district, some alone) against the force's, and named without their
        # district, so that no district's total (of any measure) meets a lone withheld town
        table=_places(result.table, t, [(), ("district",)]),
        towns=_places(result.towns, t, [()]).drop("district", strict=False),
        coverage=result.coverage if crimes is not None else result.coverage.clear(),
        town_coverage=result.town_coverage if crimes is not None else result.town_coverage.clear(),
        survey=survey,
        knox=_knox(result.knox, t),
        repeats=_repeats(result.repeats, t),
        crimes=crimes,
        # shown for the rounded count, and rounded itself (a headline whole number)
        harm_days=(
            float(round_count(round((result.harm_days or 0.0) * crimes / result.crimes), t) or 0)
            if crimes is not None and result.crimes
            else None
        ),
        harm_source=public_source(result.harm_source),
        public=True,
        params=public_params(result.params, settings),
        notes=(*public_notes(result.notes, t), RANKS_NOTE),
    )
    return dataclasses.replace(public, main_points=targeting_main_points(public))
