"""One intervention evaluated: comparison areas, balance, difference-in-differences, event
study, pre-trend test, synthetic control, displacement, averted crimes and harm, cost.

The start month is left out when the intervention started part-way through it (a month that is
neither before nor after); "after" runs from the first whole month to the end of the data,
including after an end date (a camera keeps working; training may too). Comparison areas are
the ``evaluation_comparisons_per_area`` nearest candidates of each treated LSOA
(:mod:`vawg.evaluation.matching`), exactly alike in town-centre status where the area
reference says, and nearest on the level and trend of the outcome before the start,
deprivation and pubs. The synthetic control draws on the 30 candidates nearest the treated
areas' average (Abadie 2021 advises a pool of similar units) and works on quarters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from vawg.config import Settings
from vawg.errors import VawgError
from vawg.evaluation.did import DidFit, PreTrend, did_poisson, event_study, pre_trend
from vawg.evaluation.displacement import DisplacementQuotient, weighted_displacement_quotient
from vawg.evaluation.effects import (
    averted,
    conclusion_reasons,
    conclusion_text,
    cost_per,
    harm_averted,
    leads_caution,
    leads_outside,
    match_caution,
    net_averted,
    poorly_matched,
    ring_finding,
)
from vawg.evaluation.interventions import Intervention, month_floor
from vawg.evaluation.matching import balance_table, match_nearest
from vawg.evaluation.synthetic import synthetic_control
from vawg.results import Estimate, ResultMixin

__all__ = ["OUTCOME", "InterventionEvaluation", "evaluate_intervention", "finding", "first_after"]

OUTCOME = "Public-place evening and night VAWG"
DONORS = 30
COVARIATE_LABELS = {
    "pre_level": "crimes a month before the start",
    "pre_trend": "trend before the start (crimes a month, change a year)",
    "deprivation": "deprivation",
    "pubs": "pubs",
    "town_centre": "town centre (share)",
}


@dataclass(frozen=True)
class InterventionEvaluation(ResultMixin):
    """Everything estimated for one intervention (None where it could not be estimated).

    ``counts``: treated/ring/comparison crimes before and after; ``balance``: the balance
    table; ``event_study``: quarter, label, rate_ratio, ci_low, ci_high, p_value;
    ``synthetic``: quarter, treated, synthetic (crimes per treated LSOA); ``donors``: LSOA and
    weight of the synthetic control; ``series``: month, group, crimes, areas.
    """

    intervention: Intervention
    first_after: date
    before_months: int
    after_months: int
    comparisons: tuple[str, ...]
    counts: dict[str, int | None]  # None: suppressed (public version)
    before_harm_days: float | None
    after_harm_days: float | None
    balance: pl.DataFrame
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
    synthetic_ratio: Estimate | None
    synthetic_fit: dict[str, float | int | None]
    synthetic: pl.DataFrame
    donors: pl.DataFrame
    displacement: DisplacementQuotient | None
    series: pl.DataFrame
    can_conclude: bool
    reasons: tuple[str, ...]
    conclusion: str
    notes: tuple[str, ...]
    event_leads_p_value: float | None = None
    """The event study's joint test of the periods before the start (see ``EventStudy``)."""
    poor_match: tuple[str, ...] = ()
    """The characteristics on which the comparison areas were a poor match before the start
    (:func:`~vawg.evaluation.effects.poorly_matched`; empty: a close enough match)."""

    event_leads_df: int = 0
    """Its degrees of freedom: how many periods before the start it took together."""
    area_names: Mapping[str, str] = field(default_factory=dict)
    """The name of each of its treated and comparison LSOAs (``Thanet 001A``) where the shipped
    area reference knows it, so reports name areas rather than give codes."""

    @property
    def match_caution(self) -> str | None:
        """The caveat a finding on these comparison areas carries, else None."""
        return match_caution(self.poor_match)

    @property
    def cautions(self) -> tuple[str, ...]:
        """The caveats the finding carries, in the words of its conclusion: periods before the
        start that were not steady, and a poor match."""
        found = (
            leads_caution(
                self.event_leads_p_value,
                self.event_leads_df,
                outside=leads_outside(self.event_study),
            ),
            self.match_caution,
        )
        return tuple(c for c in found if c)


def first_after(start: date) -> date:
    """The first whole month on or after ``start``."""
    first = month_floor(start)
    if start.day == 1:
        return first
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _covariates(panel: pl.DataFrame, areas: pl.DataFrame, imd: str) -> pl.DataFrame:
    """Per LSOA: level and linear trend of the outcome before the start, and area attributes."""
    pre = panel.filter(pl.col("relative_month") < 0).with_columns(
        years=pl.col("relative_month").cast(pl.Float64) / 12
    )
    per = pre.group_by("lsoa_code").agg(
        pre_level=pl.col("crimes").mean(),
        pre_trend=pl.cov("years", "crimes") / pl.col("years").var(),
    )
    return per.join(
        areas.select(
            "lsoa_code",
            pl.col(imd).cast(pl.Float64).alias("deprivation"),
            pl.col("pubs").cast(pl.Float64),
            pl.col("town_centre").cast(pl.Float64),
        ),
        on="lsoa_code",
    ).with_columns(pl.col("pre_trend").fill_nan(0.0).fill_null(0.0))


def _series(panel: pl.DataFrame) -> pl.DataFrame:
    return (
        panel.group_by("month", "group")
        .agg(pl.col("crimes").sum(), areas=pl.col("lsoa_code").n_unique())
        .sort("month", "group")
    )


def _synthetic(
    panel: pl.DataFrame, treated: list[str], donors: list[str]
) -> tuple[Estimate | None, dict[str, float | int | None], pl.DataFrame, pl.DataFrame]:
    # Only the treated areas and the donors: the pivot makes a column per area, and a national
    # panel has 32,844 of them.
    quarterly = (
        panel.filter(pl.col("lsoa_code").is_in([*treated, *donors]))
        .with_columns(quarter=pl.col("relative_month") // 3)
        .group_by("lsoa_code", "quarter")
        .agg(pl.col("crimes").sum(), months=pl.len())
    )
    complete = quarterly.filter(pl.col("months") == 3)
    wide = complete.pivot(on="lsoa_code", index="quarter", values="crimes").sort("quarter")
    donors = [d for d in donors if d in wide.columns]
    treated = [t for t in treated if t in wide.columns]
    if len(donors) < 3 or not treated:
        raise VawgError("too few comparison areas with complete quarters for a synthetic control")
    y = wide.select(treated).mean_horizontal().to_numpy()
    x = wide.select(donors).to_numpy().astype(np.float64)
    pre = (wide["quarter"] < 0).to_numpy()
    fit = synthetic_control(y, x, pre)
    ratio = (
        Estimate(fit.ratio, fit.ci_low, fit.ci_high, fit.p_value)
        if fit.ci_low is not None and fit.ci_high is not None
        else None
    )
    summary: dict[str, float | int | None] = {
        "ratio": fit.ratio,
        "p_value": fit.p_value,
        "pre_rmspe": fit.pre_rmspe,
        "post_rmspe": fit.post_rmspe,
        "pre_mean": fit.pre_mean,
        "placebo_areas": fit.placebos,
        "usable_placebo_areas": fit.usable_placebos,
        "total_weight": float(fit.weights.sum()),
    }
    series = pl.DataFrame({"quarter": wide["quarter"], "treated": y, "synthetic": fit.synthetic})
    weights = (
        pl.DataFrame({"lsoa_code": donors, "weight": fit.weights})
        .filter(pl.col("weight") > 1e-4)
        .sort("weight", descending=True)
    )
    return ratio, summary, series, weights


def _fit(panel: pl.DataFrame, has_ring: bool) -> tuple[DidFit | None, list[str]]:
    terms = ("treated_post", "ring_post") if has_ring else ("treated_post",)
    try:
        return did_poisson(
            panel, outcome="crimes", unit="lsoa_code", period="month", terms=terms
        ), []
    except VawgError as error:
        return None, [f"difference-in-differences: {error}"]


def evaluate_intervention(
    iv: Intervention,
    panel: pl.DataFrame,
    areas: pl.DataFrame,
    candidates: list[str],
    settings: Settings,
    *,
    harms: pl.DataFrame,
    imd: str,
    exact_town_centre: bool,
) -> InterventionEvaluation:
    """Evaluate ``iv`` on the monthly ``panel`` (lsoa_code, month, crimes, harm_days);
    ``harms`` (lsoa_code, harm_days) holds each outcome crime's harm."""
    notes = list(iv.notes)
    first = first_after(iv.start)
    skip = month_floor(iv.start) if iv.start.day != 1 else None
    frame = panel.filter(pl.col("month") != skip) if skip else panel
    frame = frame.with_columns(
        relative_month=(pl.col("month").dt.year() * 12 + pl.col("month").dt.month()).cast(pl.Int64)
        - (first.year * 12 + first.month)
    )
    before_months = int(frame.filter(pl.col("relative_month") < 0)["month"].n_unique())
    after_months = int(frame.filter(pl.col("relative_month") >= 0)["month"].n_unique())
    covariates = _covariates(frame, areas, imd)
    treated_codes = [c for c in iv.lsoas if c in set(covariates["lsoa_code"].to_list())]
    pool = covariates.filter(pl.col("lsoa_code").is_in(candidates)).drop_nulls()
    treated = covariates.filter(pl.col("lsoa_code").is_in(treated_codes))
    columns = ["pre_level", "pre_trend", "deprivation", "pubs"]
    if treated.drop_nulls().height < treated.height:
        notes.append(
            "deprivation or pubs are not known for some treated neighbourhoods (the average is used)"
        )
        treated = treated.with_columns(pl.col(c).fill_null(pool[c].mean()) for c in columns)
    exact = ["town_centre"] if exact_town_centre else []
    matched = match_nearest(
        treated,
        pool,
        id_column="lsoa_code",
        covariates=columns if before_months else ["deprivation", "pubs"],
        k=int(settings.evaluation_comparisons_per_area),
        exact=exact,
    )
    if matched.short:
        notes.append(
            f"{len(matched.short)} treated LSOA(s) found fewer than "
            f"{settings.evaluation_comparisons_per_area} comparison areas alike in town-centre "
            "status"
        )
    comparisons = matched.pairs["comparison"].to_list()
    chosen = pool.join(matched.pairs.select(lsoa_code="comparison"), on="lsoa_code")
    balance = balance_table(
        treated, pool, chosen, [*columns, "town_centre"], labels=COVARIATE_LABELS
    )
    mismatched = poorly_matched(balance)
    group = (
        pl.when(pl.col("lsoa_code").is_in(treated_codes))
        .then(pl.lit("treated"))
        .when(pl.col("lsoa_code").is_in(list(iv.ring)))
        .then(pl.lit("ring"))
        .otherwise(pl.lit("comparison"))
    )
    units = [*treated_codes, *comparisons, *iv.ring]
    study = frame.filter(pl.col("lsoa_code").is_in(units)).with_columns(group=group)
    post = pl.col("relative_month") >= 0
    study = study.with_columns(
        treated=pl.col("group") == "treated",
        treated_post=((pl.col("group") == "treated") & post).cast(pl.Int8),
        ring_post=((pl.col("group") == "ring") & post).cast(pl.Int8),
    )

    def total(g: str, after: bool) -> int:
        part = study.filter(pl.col("group") == g, post if after else ~post)
        return int(part["crimes"].sum())

    counts: dict[str, int] = {
        f"{g}_{when}": total(g, when == "after")
        for g in ("treated", "ring", "comparison")
        for when in ("before", "after")
    }
    before_harm_days = float(study.filter(pl.col("group") == "treated", ~post)["harm_days"].sum())
    after_harm_days = float(study.filter(pl.col("group") == "treated", post)["harm_days"].sum())
    core = study.filter(pl.col("group") != "ring")
    has_ring = bool(iv.ring) and counts["ring_before"] + counts["ring_after"] > 0
    count_fit = None
    trend: PreTrend | None = None
    events, width = pl.DataFrame(), ""
    leads_p: float | None = None
    leads = 0
    if after_months and before_months and treated_codes:
        count_fit, fit_notes = _fit(study, has_ring)
        notes += fit_notes
        try:
            study_fit = event_study(core, unit="lsoa_code", period="month", treated="treated")
            events, width = study_fit.table, study_fit.width
            leads_p, leads = study_fit.leads_p_value, study_fit.leads
        except VawgError as error:
            notes.append(f"event study: {error}")
        try:
            trend = pre_trend(core, unit="lsoa_code", period="month", treated="treated")
        except VawgError as error:
            notes.append(f"pre-trend test: {error}")
    rate = count_fit.effects["treated_post"] if count_fit else None
    ring_rate = count_fit.effects.get("ring_post") if count_fit else None
    saved = averted(counts["treated_after"], rate) if rate else None
    treated_harms = harms.filter(pl.col("lsoa_code").is_in(treated_codes))["harm_days"]
    harm_saved = (
        harm_averted(counts["treated_after"], rate, treated_harms.to_numpy(), seed=settings.seed)
        if rate
        else None
    )
    net = moved = None
    if count_fit is not None and has_ring:
        net, moved = net_averted(
            counts["treated_after"], counts["ring_after"], count_fit, seed=settings.seed
        )
    synth_ratio: Estimate | None = None
    synth_fit: dict[str, float | int | None] = {}
    synth_series, donor_weights = pl.DataFrame(), pl.DataFrame()
    if after_months >= 3 and before_months >= 6 and treated_codes:
        average = treated.select(
            pl.lit("treated areas").alias("lsoa_code"), *[pl.col(c).mean() for c in columns]
        )
        statuses = treated["town_centre"].unique()
        donor_pool = pool
        if exact and statuses.len() == 1:
            donor_pool = pool.filter(pl.col("town_centre") == statuses[0])
        nearest = match_nearest(
            average, donor_pool, id_column="lsoa_code", covariates=columns, k=DONORS
        )
        try:
            synth_ratio, synth_fit, synth_series, donor_weights = _synthetic(
                frame, treated_codes, nearest.pairs["comparison"].to_list()
            )
        except VawgError as error:
            notes.append(f"synthetic control: {error}")
    wdq = None
    if iv.ring and comparisons:
        wdq = weighted_displacement_quotient(
            (counts["treated_before"], counts["treated_after"]),
            (counts["ring_before"], counts["ring_after"]),
            (counts["comparison_before"], counts["comparison_after"]),
            seed=settings.seed,
        )
    reasons = conclusion_reasons(
        before_months=before_months,
        after_months=after_months,
        crimes_before=counts["treated_before"],
        crimes_after=counts["treated_after"],
        pre_trend=trend,
        min_before_months=settings.evaluation_min_pre_months,
        min_after_months=settings.evaluation_min_post_months,
        min_crimes=settings.evaluation_min_crimes,
    )
    if not treated_codes:
        reasons.insert(0, "none of its neighbourhoods (LSOAs) is in the area covered")
    evaluation = InterventionEvaluation(
        intervention=iv,
        first_after=first,
        before_months=before_months,
        after_months=after_months,
        comparisons=tuple(comparisons),
        counts=dict(counts),
        before_harm_days=before_harm_days,
        after_harm_days=after_harm_days,
        balance=balance,
        rate_ratio=rate,
        ring_ratio=ring_rate,
        crimes_averted=saved,
        harm_averted=harm_saved,
        displaced_crimes=moved,
        net_crimes_averted=net,
        cost_per_crime_averted=cost_per(iv.cost, saved),
        cost_per_harm_day_averted=cost_per(iv.cost, harm_saved),
        pre_trend=trend,
        event_study=events,
        event_width=width,
        synthetic_ratio=synth_ratio,
        synthetic_fit=synth_fit,
        synthetic=synth_series,
        donors=donor_weights,
        displacement=wdq,
        series=_series(study),
        can_conclude=not reasons and rate is not None,
        reasons=tuple(reasons),
        conclusion="",
        notes=tuple(notes),
        event_leads_p_value=leads_p,
        poor_match=mismatched,
        event_leads_df=leads,
    )
    return dataclasses.replace(evaluation, conclusion=finding(evaluation))


def finding(e: InterventionEvaluation) -> str:
    """The conclusion of ``e`` in words, from its own estimates and cautions (the public
    version words it again from the published, rounded estimates)."""
    return conclusion_text(
        e.rate_ratio,
        list(e.reasons),
        OUTCOME,
        ring_finding(e.ring_ratio),
        leads_caution(
            e.event_leads_p_value, e.event_leads_df, outside=leads_outside(e.event_study)
        ),
        match_caution(e.poor_match),
    )
