"""Attrition: how many crimes recorded in each financial half-year reach each stage.

Stages, each a subset of the one before: recorded → outcome assigned (closed) → closed with a
suspect identified (an outcome type whose definition names a suspect:
:data:`~vawg.outcomes.framework.NAMED_SUSPECT_TYPES`; 14 and 18 do not, 19 and 20 cannot be
told and are not counted) → charged/summonsed (type 1) → and, when ``cjs_events`` is loaded,
first hearing → verdict → convicted (a verdict whose result is ``guilty``, ``guilty_plea`` or
``convicted``). Outcomes are as they stood on the extract's ``as_of`` date, so recent halves
have had less time to progress: the table says how long each has had. With ``follow_up`` given
(the half-year audit), every half is counted as it stood that long after its end instead, so
older halves are not flattered by more time to progress (equal follow-up, as the audit's
headline rates; a half with less than ``follow_up`` behind it is counted at ``as_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import polars as pl

from vawg.outcomes.framework import NAMED_SUSPECT_TYPES
from vawg.outcomes.halves import Half, half_label
from vawg.outcomes.proportions import wilson
from vawg.results import Params, ResultMixin

__all__ = [
    "CONVICTED_RESULTS",
    "STAGES",
    "AttritionResult",
    "attrition",
    "attrition_counts",
    "cjs_present",
]

STAGES: dict[str, str] = {
    "recorded": "Recorded",
    "closed": "Outcome assigned",
    "suspect_identified": "Closed with a suspect identified",
    "charged": "Charged/summonsed",
    "first_hearing": "First hearing",
    "verdict": "Verdict",
    "convicted": "Convicted",
}
CJS_STAGES = ("first_hearing", "verdict", "convicted")
CONVICTED_RESULTS = ("guilty", "guilty_plea", "convicted")


def _snapshot(half: Half, as_of: date | None, follow_up: timedelta | None) -> date | None:
    """The date a half's stages are counted at: its end plus ``follow_up`` (capped at
    ``as_of``), or ``as_of``; ``None`` = everything loaded."""
    if follow_up is None:
        return as_of
    end = half.end + follow_up
    return end if as_of is None else min(end, as_of)


def attrition_counts(
    cases: ir.Table,
    cjs_events: ir.Table | None,
    halves: Sequence[Half],
    *,
    as_of: date | None = None,
    follow_up: timedelta | None = None,
) -> pl.DataFrame:
    """Tidy ``half, stage, count`` for crimes recorded in ``halves``: each stage counted as it
    stood at the half's snapshot (:func:`_snapshot`)."""
    if follow_up is None and as_of is None:
        return _counts_at(cases, cjs_events, halves, None)
    parts = [_counts_at(cases, cjs_events, [h], _snapshot(h, as_of, follow_up)) for h in halves]
    order = {s: i for i, s in enumerate(STAGES)}
    return (
        pl.concat(parts)
        .with_columns(_o=pl.col("stage").replace_strict(order))
        .sort("half", "_o")
        .drop("_o")
    )


def _counts_at(
    cases: ir.Table, cjs_events: ir.Table | None, halves: Sequence[Half], snapshot: date | None
) -> pl.DataFrame:
    frame = cases.mutate(half=half_label(cases.recorded_date))
    frame = frame.filter(frame.half.isin([h.label for h in halves]))
    if snapshot is not None:
        reached = frame.outcome_date.notnull() & (frame.outcome_date <= snapshot)
        frame = frame.mutate(
            outcome_code=ibis.ifelse(
                reached, frame.outcome_code, ibis.null(frame.outcome_code.type())
            )
        )
    if cjs_events is not None:
        ev = cjs_events
        if snapshot is not None:
            ev = ev.filter(ev.date <= snapshot)
        result = ev.result.lower()
        flags = ev.group_by("crime_ref").aggregate(
            first_hearing=(ev.stage == "first_hearing").any(),
            verdict=(ev.stage == "verdict").any(),
            convicted=((ev.stage == "verdict") & result.isin(list(CONVICTED_RESULTS))).any(),
        )
        frame = frame.left_join(flags, "crime_ref").drop("crime_ref_right")
    code = frame.outcome_code
    measures = {
        "recorded": frame.count(),
        "closed": code.notnull().sum(),
        "suspect_identified": code.isin(list(NAMED_SUSPECT_TYPES)).sum(),
        "charged": (code == 1).sum(),
    }
    if cjs_events is not None:
        for stage in CJS_STAGES:
            measures[stage] = frame[stage].fill_null(False).cast("int64").sum()
    wide = frame.group_by("half").aggregate(**measures).to_polars()
    present = wide["half"].to_list()
    missing = [h.label for h in halves if h.label not in present]
    if missing:
        zeros = pl.DataFrame({"half": missing}).with_columns(
            [pl.lit(0, pl.Int64).alias(m) for m in measures]
        )
        wide = pl.concat([wide.cast({m: pl.Int64 for m in measures}), zeros])
    long = wide.unpivot(index="half", variable_name="stage", value_name="count")
    order = {s: i for i, s in enumerate(STAGES)}
    return (
        long.with_columns(pl.col("count").cast(pl.Int64), _o=pl.col("stage").replace_strict(order))
        .sort("half", "_o")
        .drop("_o")
    )


@dataclass(frozen=True)
class AttritionResult(ResultMixin):
    """``table``: ``half, stage, count, share_of_recorded, ci_low, ci_high, days_followed``
    (no interval for the "recorded" stage, 100% by definition).
    ``follow_up_days``: the equal follow-up every half was counted at (``None``: as at the
    data date, so halves had different times to progress)."""

    params: Params
    table: pl.DataFrame
    follow_up_days: int | None = None


def attrition(
    counts: pl.DataFrame,
    as_of: date,
    *,
    follow_up: timedelta | None = None,
    level: float = 0.95,
) -> AttritionResult:
    """Shares of recorded reaching each stage, with Wilson intervals (null where a count is, and
    for "recorded" itself: 100% by definition, not an estimate).
    ``follow_up``: the counts were taken that long after each half's end (see
    :func:`attrition_counts`); ``days_followed`` then says so, capped at ``as_of``."""
    recorded = counts.filter(pl.col("stage") == "recorded").select("half", recorded="count")
    table = counts.join(recorded, on="half", how="left")
    shares = [
        wilson(k, n, level=level) if k is not None and n not in (None, 0) else None
        for k, n in zip(table["count"].to_list(), table["recorded"].to_list(), strict=True)
    ]
    follow = [
        ((_snapshot(_parse(h), as_of, follow_up) or as_of) - _parse(h).end).days
        for h in table["half"].to_list()
    ]
    # "Recorded" is every crime counted, so its share is 100% by definition, not an estimate:
    # it has no interval (a Wilson interval of n out of n, "99.9% to 100%", would suggest
    # sampling error where there is none).
    definitional = [stage == "recorded" for stage in table["stage"].to_list()]
    table = table.with_columns(
        share_of_recorded=pl.Series([s.estimate if s else None for s in shares], dtype=pl.Float64),
        ci_low=pl.Series(
            [None if d or not s else s.ci_low for s, d in zip(shares, definitional, strict=True)],
            dtype=pl.Float64,
        ),
        ci_high=pl.Series(
            [None if d or not s else s.ci_high for s, d in zip(shares, definitional, strict=True)],
            dtype=pl.Float64,
        ),
        days_followed=pl.Series(follow, dtype=pl.Int64),
    ).drop("recorded")
    return AttritionResult(
        Params(
            method="Attrition of crimes recorded in each financial half-year"
            + (
                (
                    ", each counted at the end of its half (equal follow-up)"
                    if follow_up.days == 0
                    else f", each counted {follow_up.days} days after the half ended (equal "
                    "follow-up)"
                )
                if follow_up is not None
                else ", as at the data date"
            ),
            citation=("Stages as in the Home Office outcomes framework; Wilson (1927) intervals"),
        ),
        table,
        None if follow_up is None else follow_up.days,
    )


def _parse(label: str) -> Half:
    return Half(int(label[:4]), int(label[-1]))


def cjs_present(cjs_events: ir.Table) -> bool:
    """Whether any criminal justice events are loaded."""
    return int(cjs_events.count().execute()) > 0
