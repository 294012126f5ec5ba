"""Victims' satisfaction beside the outcomes: the victim's voice in the half-year audit.

Responses to the victims' satisfaction survey are linked to in-scope crimes by ``crime_ref`` and
counted in the half their ``survey_date`` falls in (responses with no crime link or no date
cannot be placed and are counted as such, not guessed). A victim is *satisfied* with an item
when they answer 5, 6 or 7 on its 1–7 scale (fairly, very or completely satisfied), the Home
Office victim satisfaction convention. Shares are unweighted, with Wilson intervals; the whole
experience is also given by the crime's outcome group (as it stood on ``as_of``).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.outcomes.halves import Half, half_label
from vawg.outcomes.proportions import wilson

__all__ = ["ITEMS", "SATISFIED_FROM", "satisfaction_counts", "satisfaction_rates"]

ITEMS: dict[str, str] = {
    "whole_experience": "Whole experience",
    "ease_of_contact": "Ease of contact",
    "actions_taken": "Actions taken",
    "kept_informed": "Kept informed",
    "treatment": "Treatment",
}
SATISFIED_FROM = 5


def satisfaction_counts(
    cases: ir.Table, victim_survey: ir.Table, halves: Sequence[Half]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Tidy ``half, item, group, answered, satisfied`` (``group`` = outcome group or ``all``),
    and how many responses could not be placed (no link to an in-scope crime, no date)."""
    survey = victim_survey
    linked = survey.join(cases.select("crime_ref", "group"), "crime_ref")
    linked = linked.mutate(half=half_label(linked.survey_date))
    in_halves = linked.filter(linked.half.isin([h.label for h in halves]))
    frames = []
    for item in ITEMS:
        column = in_halves[item]
        agg = in_halves.group_by("half", "group").aggregate(
            answered=column.notnull().sum(), satisfied=(column >= SATISFIED_FROM).sum()
        )
        frames.append(agg.mutate(item=ibis.literal(item)))
    union = ibis.union(*frames)
    fine = union.to_polars().with_columns(
        pl.col("answered").fill_null(0).cast(pl.Int64),
        pl.col("satisfied").fill_null(0).cast(pl.Int64),
    )
    total = fine.group_by("half", "item").agg(pl.col("answered").sum(), pl.col("satisfied").sum())
    out = pl.concat(
        [
            fine.select("half", "item", "group", "answered", "satisfied"),
            total.with_columns(group=pl.lit("all")).select(
                "half", "item", "group", "answered", "satisfied"
            ),
        ]
    ).sort("half", "item", "group")
    unplaced = survey.aggregate(
        responses=survey.count(),
        no_crime_link=survey.crime_ref.isnull().sum(),
        no_date=survey.survey_date.isnull().sum(),
    ).to_polars()
    in_scope = linked.count().execute()
    info = {k: int(v or 0) for k, v in unplaced.row(0, named=True).items()}
    info["linked_to_in_scope_crime"] = int(in_scope)
    return out, info


def satisfaction_rates(counts: pl.DataFrame, *, level: float = 0.95) -> pl.DataFrame:
    """Satisfied share per row with its Wilson interval (null where a count is null)."""
    est = [
        wilson(k, n, level=level) if k is not None and n else None
        for k, n in zip(counts["satisfied"].to_list(), counts["answered"].to_list(), strict=True)
    ]
    return counts.with_columns(
        estimate=pl.Series([e.estimate if e else None for e in est], dtype=pl.Float64),
        ci_low=pl.Series([e.ci_low if e else None for e in est], dtype=pl.Float64),
        ci_high=pl.Series([e.ci_high if e else None for e in est], dtype=pl.Float64),
    )
