"""All the interventions together: a stacked difference-in-differences (Cengiz et al. 2019).

One town centre rarely has enough crimes for a conclusion of its own; a programme of several
often does. Each intervention that can take part (enough months before the start, at least
one after, and no difference in trends before the start) contributes a *stack*: its treated
LSOAs, its ring and its matched comparison LSOAs over the whole panel, with their own area and
month fixed effects (an LSOA used by two stacks is two units). One rate ratio for
``treated_post`` (and one for ``ring_post``) is then estimated across the stacks: the average
effect of the programme, weighted by where the crimes are. A comparison LSOA can serve several
stacks, so the standard errors are cluster-robust by LSOA. Crimes and harm averted and the cost
per crime averted follow as for one intervention, with the costs of the included
interventions added up.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import polars as pl

from vawg.config import Settings
from vawg.errors import VawgError
from vawg.evaluation.did import PreTrend, did_poisson, event_study, pre_trend
from vawg.evaluation.effects import (
    averted,
    conclusion_reasons,
    conclusion_text,
    cost_per,
    harm_averted,
    leads_caution,
    leads_outside,
    net_averted,
    ring_finding,
)
from vawg.evaluation.place import OUTCOME, InterventionEvaluation
from vawg.results import Estimate, ResultMixin

__all__ = ["PooledEvaluation", "pooled_evaluation", "pooled_finding"]


@dataclass(frozen=True)
class PooledEvaluation(ResultMixin):
    """The interventions together; ``excluded``: id and why it was left out."""

    included: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]
    counts: dict[str, int | None]  # None: suppressed (public version)
    after_harm_days: float | None
    cost: float | None
    rate_ratio: Estimate | None
    ring_ratio: Estimate | None
    crimes_averted: Estimate | None
    harm_averted: Estimate | None
    displaced_crimes: Estimate | None
    net_crimes_averted: Estimate | None
    cost_per_crime_averted: Estimate | None
    cost_per_harm_day_averted: Estimate | None
    pre_trend: PreTrend | None
    event_study: pl.DataFrame
    event_width: str
    can_conclude: bool
    reasons: tuple[str, ...]
    conclusion: str
    notes: tuple[str, ...]
    event_leads_p_value: float | None = None
    """The event study's joint test of the periods before the start (see ``EventStudy``)."""
    event_leads_df: int = 0
    """Its degrees of freedom: how many periods before the start it took together."""

    @property
    def cautions(self) -> tuple[str, ...]:
        """The caveats the finding carries, in the words of its conclusion: periods before the
        start that were not steady."""
        caution = leads_caution(
            self.event_leads_p_value,
            self.event_leads_df,
            outside=leads_outside(self.event_study),
        )
        return (caution,) if caution else ()


def _stack(evaluation: InterventionEvaluation, frame: pl.DataFrame) -> pl.DataFrame:
    iv = evaluation.intervention
    units = [*iv.lsoas, *evaluation.comparisons, *iv.ring]
    part = frame.filter(pl.col("lsoa_code").is_in(units))
    if evaluation.first_after != evaluation.intervention.start:
        skip = evaluation.intervention.start.replace(day=1)
        part = part.filter(pl.col("month") != skip)
    first = evaluation.first_after
    ring = set(iv.ring)
    treated = set(iv.lsoas)
    group = (
        pl.when(pl.col("lsoa_code").is_in(list(treated)))
        .then(pl.lit("treated"))
        .when(pl.col("lsoa_code").is_in(list(ring)))
        .then(pl.lit("ring"))
        .otherwise(pl.lit("comparison"))
    )
    relative = (pl.col("month").dt.year() * 12 + pl.col("month").dt.month()).cast(pl.Int64) - (
        first.year * 12 + first.month
    )
    part = part.with_columns(group=group, relative_month=relative)
    post = pl.col("relative_month") >= 0
    return part.with_columns(
        stack=pl.lit(iv.intervention_id),
        unit=pl.lit(iv.intervention_id + ":") + pl.col("lsoa_code"),
        period=pl.lit(iv.intervention_id + ":") + pl.col("month").cast(pl.String),
        treated=pl.col("group") == "treated",
        treated_post=((pl.col("group") == "treated") & post).cast(pl.Int8),
        ring_post=((pl.col("group") == "ring") & post).cast(pl.Int8),
    )


def pooled_evaluation(
    evaluations: list[InterventionEvaluation],
    panel: pl.DataFrame,
    settings: Settings,
    *,
    harms: pl.DataFrame,
) -> PooledEvaluation | None:
    """The stacked estimate over the interventions that can take part; None if none can."""
    included, excluded = [], []
    for e in evaluations:
        iv = e.intervention
        if not iv.lsoas or not e.comparisons:
            excluded.append((iv.intervention_id, "no treated or comparison areas"))
        elif e.after_months < 1:
            excluded.append((iv.intervention_id, "no month of data since the start"))
        elif e.before_months < settings.evaluation_min_pre_months:
            excluded.append((iv.intervention_id, "too short a period before the start"))
        elif e.pre_trend is not None and e.pre_trend.differs:
            excluded.append((iv.intervention_id, "trends differed before the start"))
        else:
            included.append(e)
    if not included:
        return None
    stacked = pl.concat([_stack(e, panel) for e in included])
    post = pl.col("relative_month") >= 0

    def total(group: str, after: bool) -> int:
        return int(
            stacked.filter(pl.col("group") == group, post if after else ~post)["crimes"].sum()
        )

    counts: dict[str, int] = {
        f"{g}_{when}": total(g, when == "after")
        for g in ("treated", "ring", "comparison")
        for when in ("before", "after")
    }
    after_harm_days = float(stacked.filter(pl.col("group") == "treated", post)["harm_days"].sum())
    has_ring = counts["ring_before"] + counts["ring_after"] > 0
    terms = ("treated_post", "ring_post") if has_ring else ("treated_post",)
    notes: list[str] = []
    rate = ring_rate = None
    saved = harm_saved = net = moved = None
    common: dict[str, str] = {
        "unit": "unit",
        "period": "period",
        "stack": "stack",
        "cluster": "lsoa_code",
    }
    try:
        fit = did_poisson(stacked, outcome="crimes", terms=terms, **common)
        rate, ring_rate = fit.effects["treated_post"], fit.effects.get("ring_post")
        saved = averted(counts["treated_after"], rate)
        treated = {c for e in included for c in e.intervention.lsoas}
        harm_saved = harm_averted(
            counts["treated_after"],
            rate,
            harms.filter(pl.col("lsoa_code").is_in(list(treated)))["harm_days"].to_numpy(),
            seed=settings.seed,
        )
        if has_ring:
            net, moved = net_averted(
                counts["treated_after"], counts["ring_after"], fit, seed=settings.seed
            )
    except VawgError as error:
        notes.append(f"pooled difference-in-differences: {error}")
    core = stacked.filter(pl.col("group") != "ring")
    events, width = pl.DataFrame(), ""
    leads_p: float | None = None
    leads = 0
    trend = None
    try:
        study = event_study(core, treated="treated", **common)
        events, width = study.table, study.width
        leads_p, leads = study.leads_p_value, study.leads
    except VawgError as error:
        notes.append(f"pooled event study: {error}")
    try:
        trend = pre_trend(
            core,
            unit="unit",
            period="period",
            treated="treated",
            stack="stack",
            cluster="lsoa_code",
        )
    except VawgError as error:
        notes.append(f"pooled pre-trend test: {error}")
    costs = [e.intervention.cost for e in included]
    cost = sum(c for c in costs if c is not None) if all(c is not None for c in costs) else None
    if cost is None:
        notes.append("some included interventions have no cost, so no pooled cost is given")
    reasons = conclusion_reasons(
        before_months=min(e.before_months for e in included),
        after_months=max(e.after_months for e in included),
        crimes_before=counts["treated_before"],
        crimes_after=counts["treated_after"],
        pre_trend=trend,
        min_before_months=settings.evaluation_min_pre_months,
        min_after_months=settings.evaluation_min_post_months,
        min_crimes=settings.evaluation_min_crimes,
    )
    pooled = PooledEvaluation(
        included=tuple(e.intervention.intervention_id for e in included),
        excluded=tuple(excluded),
        counts=dict(counts),
        after_harm_days=after_harm_days,
        cost=cost,
        rate_ratio=rate,
        ring_ratio=ring_rate,
        crimes_averted=saved,
        harm_averted=harm_saved,
        displaced_crimes=moved,
        net_crimes_averted=net,
        cost_per_crime_averted=cost_per(cost, saved),
        cost_per_harm_day_averted=cost_per(cost, harm_saved),
        pre_trend=trend,
        event_study=events,
        event_width=width,
        can_conclude=not reasons and rate is not None,
        reasons=tuple(reasons),
        conclusion="",
        notes=tuple(notes),
        event_leads_p_value=leads_p,
        event_leads_df=leads,
    )
    return dataclasses.replace(pooled, conclusion=pooled_finding(pooled))


def pooled_finding(p: PooledEvaluation) -> str:
    """The pooled conclusion in words, from its own estimates and cautions (the public
    version words it again from the published, rounded estimates)."""
    return conclusion_text(
        p.rate_ratio,
        list(p.reasons),
        OUTCOME,
        ring_finding(p.ring_ratio, "the schemes"),
        leads_caution(
            p.event_leads_p_value, p.event_leads_df, outside=leads_outside(p.event_study)
        ),
    )
