"""Outcome rates on both Home Office count bases, with Wilson intervals and tests for change.

Two count bases, never mixed (Home Office crime outcomes bulletin):

- ``recorded``: crimes *recorded* in a half and the outcome each had reached by a snapshot date.
  The denominator is every crime recorded, open ones included (as ``open``, never as closed).
  With ``follow_up`` given, each half's snapshot is its end plus ``follow_up`` (equal follow-up:
  a half a year older is not flattered by a year's more time to close cases); otherwise the
  snapshot is the extract's ``as_of`` date.
- ``assigned``: outcomes *assigned* in a half, whenever the crime was recorded. Every case in the
  denominator is closed; there is no open share.

Measures: ``charge_rate`` (type 1), ``victim_not_supporting_rate`` (types 14 and 16),
``open_share`` (no outcome yet; recorded base only). Counts are tidy rows
``base, half, dimension, value, group, count`` so that disclosure control can act on them before
any rate is derived (:func:`rates_from_counts` gives null rates for suppressed counts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.outcomes.framework import HEADLINE_GROUPS
from vawg.outcomes.halves import Half
from vawg.outcomes.proportions import difference, wilson

__all__ = [
    "BASES",
    "BETTER_WHEN",
    "CHANGE_SCHEMA",
    "MEASURES",
    "changes",
    "denominators",
    "outcome_counts",
    "rates_from_counts",
]

BASES = {
    "recorded": "Crimes recorded in the half (outcome reached by the snapshot date)",
    "assigned": "Outcomes assigned in the half",
}
MEASURES: dict[str, tuple[str, str]] = {
    "charge_rate": ("charged", "Charged/summonsed"),
    "victim_not_supporting_rate": ("victim_does_not_support", "Victim does not support action"),
    "open_share": ("open", "Still under investigation (no outcome yet)"),
}
"""measure → (headline group counted, label)."""

BETTER_WHEN = {
    "charge_rate": "higher",
    "victim_not_supporting_rate": "lower",
    "open_share": "lower",
    "median_days_to_outcome": "lower",
}

_DIMS = ("offence_group", "domestic_abuse", "district", "relationship")


def _recorded(cases: ir.Table, half: Half, snapshot: date) -> ir.Table:
    frame = cases.filter(cases.recorded_date.between(half.start, half.end))
    closed = frame.outcome_date.notnull() & (frame.outcome_date <= snapshot)
    group = ibis.ifelse(closed, frame.group, ibis.literal("open"))
    return frame.select(*_DIMS, half=ibis.literal(half.label), group=group)


def _assigned(cases: ir.Table, half: Half, as_of: date) -> ir.Table:
    frame = cases.filter(
        cases.outcome_date.between(half.start, min(half.end, as_of)), cases.outcome_date.notnull()
    )
    return frame.select(*_DIMS, half=ibis.literal(half.label), group=frame.group)


def outcome_counts(
    cases: ir.Table,
    halves: Sequence[Half],
    *,
    base: str,
    as_of: date,
    follow_up: timedelta | None = None,
    dimensions: Sequence[str] = _DIMS,
) -> pl.DataFrame:
    """Tidy counts ``base, half, dimension, value, group, count`` with every group present.

    ``dimension`` ``all`` (value ``all``) is the whole scope; the others break it down.
    """
    if base not in BASES:
        raise ValueError(f"base {base!r}: use one of {', '.join(BASES)}")
    parts = []
    for half in halves:
        if base == "recorded":
            snapshot = min(half.end + follow_up, as_of) if follow_up is not None else as_of
            parts.append(_recorded(cases, half, snapshot))
        else:
            parts.append(_assigned(cases, half, as_of))
    union = parts[0] if len(parts) == 1 else ibis.union(*parts)
    keys = ["half", "group", *_DIMS]
    fine = union.group_by(keys).aggregate(count=union.count()).to_polars()
    groups = [g for g in HEADLINE_GROUPS if base == "recorded" or g != "open"]
    frames = []
    for dimension in ("all", *dimensions):
        if dimension == "all":
            agg = (
                fine.group_by("half", "group")
                .agg(pl.col("count").sum())
                .with_columns(value=pl.lit("all"))
            )
        else:
            agg = fine.group_by("half", dimension, "group").agg(pl.col("count").sum())
            agg = agg.rename({dimension: "value"}).with_columns(pl.col("value").cast(pl.String))
        cells = agg.select("half", "value").unique()
        grid = cells.join(pl.DataFrame({"group": groups}), how="cross")
        agg = grid.join(agg, on=["half", "value", "group"], how="left").with_columns(
            pl.col("count").fill_null(0).cast(pl.Int64), dimension=pl.lit(dimension)
        )
        frames.append(agg)
    all_halves = pl.DataFrame({"half": [h.label for h in halves]})
    out = pl.concat([f.select("half", "dimension", "value", "group", "count") for f in frames])
    # A half with no crimes at all still gets its 'all' rows (zeros), so the gap is visible.
    missing = all_halves.join(out.filter(pl.col("dimension") == "all"), on="half", how="anti")
    if missing.height:
        zero = missing.join(pl.DataFrame({"group": groups}), how="cross").with_columns(
            dimension=pl.lit("all"), value=pl.lit("all"), count=pl.lit(0, pl.Int64)
        )
        out = pl.concat([out, zero.select(out.columns)])
    order = {g: i for i, g in enumerate(HEADLINE_GROUPS)}
    return (
        out.with_columns(base=pl.lit(base), _o=pl.col("group").replace_strict(order))
        .sort("half", "dimension", "value", "_o")
        .select("base", "half", "dimension", "value", "group", "count")
    )


def denominators(counts: pl.DataFrame) -> pl.DataFrame:
    """``base, half, dimension, value, denominator``: every case counted in each cell."""
    keys = ["base", "half", "dimension", "value"]
    return counts.group_by(keys, maintain_order=True).agg(
        denominator=pl.col("count").sum().cast(pl.Int64)
    )


def rates_from_counts(
    counts: pl.DataFrame, totals: pl.DataFrame | None = None, *, level: float = 0.95
) -> pl.DataFrame:
    """Each measure per ``base, half, dimension, value``: numerator, denominator and Wilson CI.

    ``totals`` (default :func:`denominators` of ``counts``) gives the denominators; a null
    (suppressed) numerator or denominator makes the rate and its interval null.
    """
    keys = ["base", "half", "dimension", "value"]
    denominators_ = denominators(counts) if totals is None else totals
    rows = []
    for measure, (group, _label) in MEASURES.items():
        part = counts.filter(pl.col("group") == group).select(*keys, numerator=pl.col("count"))
        if part.is_empty():
            continue
        part = part.join(denominators_, on=keys, how="left").with_columns(measure=pl.lit(measure))
        rows.append(part)
    table = pl.concat(rows)
    estimates = [
        wilson(k, n, level=level) if k is not None and n is not None else None
        for k, n in zip(table["numerator"].to_list(), table["denominator"].to_list(), strict=True)
    ]

    def pick(field: str) -> list[float | None]:
        out: list[float | None] = []
        for e in estimates:
            value = getattr(e, field) if e is not None else None
            out.append(None if value is None or math.isnan(value) else value)
        return out

    return table.with_columns(
        estimate=pl.Series(pick("estimate"), dtype=pl.Float64),
        ci_low=pl.Series(pick("ci_low"), dtype=pl.Float64),
        ci_high=pl.Series(pick("ci_high"), dtype=pl.Float64),
    ).select(*keys, "measure", "numerator", "denominator", "estimate", "ci_low", "ci_high")


# Columns of the frame :func:`changes` returns (the audit adds a ``sign`` column).
CHANGE_SCHEMA = {
    "base": pl.String,
    "dimension": pl.String,
    "value": pl.String,
    "measure": pl.String,
    "comparison": pl.String,
    "from_half": pl.String,
    "to_half": pl.String,
    "from_estimate": pl.Float64,
    "from_ci_low": pl.Float64,
    "from_ci_high": pl.Float64,
    "to_estimate": pl.Float64,
    "to_ci_low": pl.Float64,
    "to_ci_high": pl.Float64,
    "difference": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "p_value": pl.Float64,
    "test": pl.String,
}


def changes(
    rates: pl.DataFrame, current: str, comparators: dict[str, str], *, level: float = 0.95
) -> pl.DataFrame:
    """Change in every rate from each comparator half to ``current``, with Newcombe's interval
    and the test's p-value (unadjusted; the audit adjusts across all its comparisons).

    ``comparators`` maps a name (``previous``, ``year_earlier``) to a half label.
    """
    keys = ["base", "dimension", "value", "measure"]
    now = rates.filter(pl.col("half") == current)
    rows = []
    for name, label in comparators.items():
        then = rates.filter(pl.col("half") == label).select(
            *keys, k0="numerator", n0="denominator", e0="estimate", l0="ci_low", h0="ci_high"
        )
        paired = now.join(then, on=keys, how="inner")
        for r in paired.iter_rows(named=True):
            if None in (r["numerator"], r["denominator"], r["k0"], r["n0"]):
                continue
            if r["denominator"] == 0 or r["n0"] == 0:
                continue
            diff = difference((r["numerator"], r["denominator"]), (r["k0"], r["n0"]), level=level)
            rows.append(
                {
                    "base": r["base"],
                    "dimension": r["dimension"],
                    "value": r["value"],
                    "measure": r["measure"],
                    "comparison": name,
                    "from_half": label,
                    "to_half": current,
                    "from_estimate": r["e0"],
                    "from_ci_low": r["l0"],
                    "from_ci_high": r["h0"],
                    "to_estimate": r["estimate"],
                    "to_ci_low": r["ci_low"],
                    "to_ci_high": r["ci_high"],
                    "difference": diff.difference.estimate,
                    "ci_low": diff.difference.ci_low,
                    "ci_high": diff.difference.ci_high,
                    "p_value": diff.difference.p_value,
                    "test": diff.test,
                }
            )
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA)
