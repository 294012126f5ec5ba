"""Outcome breakdown of police.uk open data: "Last outcome category" counts and nearest groups.

police.uk's street-level files carry one "Last outcome category" per crime: a snapshot that can
change, not quality-assured, and with no official crosswalk to the Home Office outcome types.
Each category is counted as published (blank kept as blank) and placed in its nearest headline
group with the mapping's precision (:data:`~vawg.outcomes.framework.POLICE_UK_CATEGORIES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from vawg.outcomes.framework import HEADLINE_GROUPS, POLICE_UK_ONLY_GROUPS, police_uk_group
from vawg.outcomes.proportions import wilson
from vawg.query import Tables
from vawg.results import Params, ResultMixin

__all__ = [
    "VIOLENCE_AND_SEXUAL",
    "PoliceUkOutcomes",
    "police_uk_outcomes",
    "with_shares",
]

VIOLENCE_AND_SEXUAL = "Violence and sexual offences"


@dataclass(frozen=True)
class PoliceUkOutcomes(ResultMixin):
    """``table``: ``category, group, group_label, precision, count, share, ci_low, ci_high``;
    ``groups``: the same summed by group. ``months``: first and last month counted."""

    params: Params
    table: pl.DataFrame
    groups: pl.DataFrame
    months: tuple[str, str] | None
    crime_type: str


def police_uk_outcomes(
    tables: Tables, *, crime_type: str = VIOLENCE_AND_SEXUAL, level: float = 0.95
) -> PoliceUkOutcomes:
    """Counts of each "Last outcome category" for ``crime_type`` in the loaded police.uk files."""
    street = tables.police_street
    rows = street.filter(street.crime_type == crime_type)
    counts = (
        rows.group_by(category=rows.last_outcome_category.fill_null(""))
        .aggregate(count=rows.count())
        .to_polars()
    )
    span = rows.aggregate(first=rows.month.min(), last=rows.month.max()).to_polars().row(0)
    months = None if span[0] is None else (f"{span[0]:%Y-%m}", f"{span[1]:%Y-%m}")
    labels = {**HEADLINE_GROUPS, **POLICE_UK_ONLY_GROUPS}
    mapped = [police_uk_group(c) for c in counts["category"].to_list()]
    table = counts.with_columns(
        group=pl.Series([m.group for m in mapped], dtype=pl.String),
        precision=pl.Series([m.precision for m in mapped], dtype=pl.String),
        count=pl.col("count").cast(pl.Int64),
    ).with_columns(group_label=pl.col("group").replace_strict(labels))
    table = with_shares(table.sort("count", "category", descending=[True, False]), level)
    groups = table.group_by("group", "group_label").agg(
        pl.col("count").sum(),
        precision=pl.when((pl.col("precision") == "coarse").any())
        .then(pl.lit("coarse"))
        .otherwise(pl.lit("close")),
    )
    groups = with_shares(groups.sort("count", "group", descending=[True, False]), level)
    return PoliceUkOutcomes(
        Params(
            method="Counts of police.uk 'Last outcome category' mapped to nearest outcome group",
            citation="data.police.uk street-level files; mapping unverified (spec §3b)",
        ),
        table.select(
            "category", "group", "group_label", "precision", "count", "share", "ci_low", "ci_high"
        ),
        groups.select("group", "group_label", "precision", "count", "share", "ci_low", "ci_high"),
        months,
        crime_type,
    )


def with_shares(
    frame: pl.DataFrame, level: float = 0.95, *, total: int | None = -1
) -> pl.DataFrame:
    """``share, ci_low, ci_high`` of each ``count`` in ``total`` (default: the column's sum;
    None hides every share)."""
    counts = frame["count"].to_list()
    if total == -1:
        total = None if any(c is None for c in counts) else sum(counts)
    est = [wilson(c, total, level=level) if c is not None and total else None for c in counts]
    return frame.with_columns(
        share=pl.Series([e.estimate if e else None for e in est], dtype=pl.Float64),
        ci_low=pl.Series([e.ci_low if e else None for e in est], dtype=pl.Float64),
        ci_high=pl.Series([e.ci_high if e else None for e in est], dtype=pl.Float64),
    )
