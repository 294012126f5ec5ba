"""The public programme evaluation: :func:`disclose_programme` (``ProgrammeEvaluationResult``
→ the same type), through :mod:`vawg.disclosure` (small counts withheld, the rest rounded).

Programme participants are people; nothing about any one of them may reach a public output:

* the cohort (one row per person) is dropped;
* counts of people (referrals, participants, comparisons, reoffenders per group, the
  referrals left out and why) go through :func:`vawg.disclosure.suppress`; the counts of
  completers, leavers and those not yet known add up to all participants (a published
  total), so a small group cannot be recovered by subtraction; a hazard ratio computed from a
  suppressed count is suppressed with it;
* Kaplan-Meier curves are published only at 3, 6, 12 and 24 months, and only where at least
  ``threshold`` people had reoffended by then, at least ``threshold`` were still followed,
  and the reoffences since the previous published point are none or ``threshold`` or more
  (a step of the full curve is one person's reoffence date);
* the shares reoffending in the follow-up are dropped (with their bases they are counts);
* hazard ratios, with their intervals, to 2 decimal places and their p-values to 2
  significant figures (:mod:`vawg.disclosure.figures`); the finding is worded from those;
* the mean harm in the follow-up is given in whole days, and the ratio of the means (with its
  interval) to 2 decimal places: to full precision a mean is a fraction whose denominator is
  the exact number of people and whose numerator is their exact harm (63.76488095238095 days is
  21,425 days over 336 people), which undoes the rounding of every count;
* for the same reason the balance table's group means are given to 2 significant figures,
  and only when at least ``disclosure_min_base`` participants were analysed; its
  standardised differences to 2 decimal places.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl

from vawg.config import Settings
from vawg.disclosure import (
    WITHHELD_FINDING,
    evaluation_period_rule,
    is_disclosive,
    public_notes,
    public_params,
    published_ratio,
    round_count,
    shown_count,
    suppress,
)
from vawg.disclosure.figures import published_ratio_columns, significant
from vawg.programme.analysis import ProgrammeEvaluation, ProgrammeEvaluationResult, finding
from vawg.results import Estimate

__all__ = ["CURVE_DAYS", "disclose_programme"]

CURVE_DAYS = (91, 182, 365, 730)
_COUNTS = ("participants", "comparisons", "reoffended_participants", "reoffended_comparisons")


def _ratios(table: pl.DataFrame, threshold: int) -> pl.DataFrame:
    if table.is_empty():
        return table
    frame = table.with_columns(
        total=pl.when(pl.col("group") == "all participants").then(True).otherwise(False),
        hidden=pl.lit(False),
    )
    for column in _COUNTS:
        out = suppress(
            frame,
            column,
            threshold=threshold,
            margins=[("programme", "outcome")],
            totals=["total"],
        )
        frame = out.with_columns(hidden=pl.col("hidden") | pl.col("suppressed")).drop("suppressed")
    dependents = ("hazard_ratio", "ci_low", "ci_high", "p_value")
    frame = frame.with_columns(
        [pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c) for c in dependents]
    ).with_columns(
        note=pl.when(pl.col("hidden"))
        .then(
            pl.lit(
                "withheld: a count in this row is 1 to 4, or would let one be worked out from "
                "the total"
            )
        )
        .otherwise(pl.col("note"))
    )
    return published_ratio_columns(
        frame.drop("total", "hidden"), ("hazard_ratio", "ci_low", "ci_high")
    )


def _curves(curves: pl.DataFrame, threshold: int) -> pl.DataFrame:
    schema = {
        "curve": pl.String,
        "group": pl.String,
        "days": pl.Int64,
        "at_risk": pl.Int64,
        "events": pl.Int64,
        "survival": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    rows = []
    if curves.is_empty():
        return pl.DataFrame(schema=schema)
    for (curve, group), part in curves.group_by(["curve", "group"], maintain_order=True):
        part = part.sort("days")
        days = part["days"].to_numpy()
        survival = part["survival"].to_numpy()
        cumulative = np.cumsum(part["events"].to_numpy())
        last_events = 0
        for point in CURVE_DAYS:
            upto = np.flatnonzero(days <= point)
            if upto.size == 0:
                continue
            i = int(upto[-1])
            later = np.flatnonzero(days > point)
            at_risk = int(part["at_risk"][int(later[0])]) if later.size else 0
            events = int(cumulative[i])
            step = events - last_events
            if events >= threshold and at_risk >= threshold and not is_disclosive(step, threshold):
                rows.append(
                    {
                        "curve": curve,
                        "group": group,
                        "days": point,
                        "at_risk": round_count(at_risk, threshold),
                        "events": round_count(events, threshold),
                        "survival": float(survival[i]),
                        "ci_low": float(part["ci_low"][i]),
                        "ci_high": float(part["ci_high"][i]),
                    }
                )
                last_events = events
    return pl.DataFrame(rows, schema=schema)


def _kept(table: pl.DataFrame, outcome: str, estimate: Estimate | None) -> Estimate | None:
    row = table.filter(pl.col("outcome") == outcome, pl.col("group") == "all participants")
    if estimate is None or row.is_empty() or row["hazard_ratio"][0] is None:
        return None
    return published_ratio(estimate)


def _reasons(reasons: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        "too few reoffences to compare participants with their comparisons"
        if r.startswith("too few reoffences")
        else r
        for r in reasons
    )


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _conclusion(
    p: ProgrammeEvaluation,
    hazard: Estimate | None,
    harm_ratio: Estimate | None,
    reasons: tuple[str, ...],
) -> str:
    """The public finding: the reasons when none can be drawn; when its hazard ratio is
    withheld with a small count, :data:`~vawg.disclosure.WITHHELD_FINDING` (its words would
    give the ratio back); else worded from the published ratios."""
    if not p.can_conclude:
        return "Cannot conclude: " + "; ".join(reasons) + "."
    if p.hazard_ratio is None:
        return p.conclusion
    return WITHHELD_FINDING if hazard is None else finding(hazard, harm_ratio)


def _balance(table: pl.DataFrame, analysed: int | None, min_base: int) -> pl.DataFrame:
    """The balance table as published: each group's mean to 2 significant figures, and none
    at all when fewer than ``min_base`` participants were analysed (to full precision a mean
    over the participants is a fraction whose denominator is their exact number, and whose
    numerator, for prior offences, is their exact count: 5.417241379310345 was 1,571 offences
    over 290 people); the standardised differences, which say how close the match was, to 2
    decimal places."""
    if table.is_empty():
        return table
    means = [c for c in ("treated_mean", "pool_mean", "matched_mean") if c in table.columns]
    shown = table.with_columns(
        pl.Series(
            c,
            [
                None if v is None or (analysed or 0) < min_base else significant(v)
                for v in table[c].to_list()
            ],
            dtype=pl.Float64,
        )
        for c in means
    )
    return shown.with_columns(
        pl.col(c).round(2) for c in ("smd_before", "smd_after") if c in table.columns
    )


def _programme(p: ProgrammeEvaluation, threshold: int, min_base: int) -> ProgrammeEvaluation:
    ratios = _ratios(p.hazard_ratios, threshold)
    reasons = _reasons(p.reasons)
    people = shown_count(p.harm_people, threshold)
    harm_ratio = published_ratio(p.harm_ratio) if people is not None else None
    hazard = _kept(ratios, "any victim", p.hazard_ratio)
    return dataclasses.replace(
        p,
        referrals=shown_count(p.referrals, threshold),
        analysed=shown_count(p.analysed, threshold),
        comparisons=shown_count(p.comparisons, threshold),
        excluded={k: shown_count(v, threshold) for k, v in p.excluded.items()},
        hazard_ratio=hazard,
        same_victim_hazard_ratio=_kept(ratios, "same victim", p.same_victim_hazard_ratio),
        hazard_ratios=ratios,
        curves=_curves(p.curves, threshold),
        harm_ratio=harm_ratio,
        mean_harm_participants=_rounded(p.mean_harm_participants, 0)
        if people is not None
        else None,
        mean_harm_comparisons=_rounded(p.mean_harm_comparisons, 0) if people is not None else None,
        reoffended_share={},
        harm_people=people,
        cohort=p.cohort.clear(),
        balance=_balance(p.balance, p.analysed, min_base),
        reasons=reasons,
        conclusion=_conclusion(p, hazard, harm_ratio, reasons),
        notes=public_notes(p.notes, threshold),
    )


def disclose_programme(
    result: ProgrammeEvaluationResult, settings: Settings
) -> ProgrammeEvaluationResult:
    """The public version of ``result`` (same type): see the module docstring."""
    if result.public:
        return result
    t = settings.disclosure_threshold
    programmes = tuple(_programme(p, t, settings.disclosure_min_base) for p in result.programmes)
    table = (
        pl.concat([p.hazard_ratios for p in programmes], how="vertical_relaxed")
        if programmes
        else result.table
    )
    return dataclasses.replace(
        result,
        table=table,
        programmes=programmes,
        notes=public_notes(result.notes, t),
        public=True,
        params=public_params(
            result.params, settings, grid=False, off_grid=evaluation_period_rule(t)
        ),
    )
