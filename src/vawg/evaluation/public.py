"""The public place evaluation: :func:`disclose_evaluation` (``PlaceEvaluationResult`` → the
same type), through :mod:`vawg.disclosure`:

* every published crime count (treated areas, ring and comparison areas, before and after the
  start, per intervention and pooled) goes through :func:`vawg.disclosure.protect` as one
  system: the pooled counts are the totals of the included interventions', so a small count
  cannot be recovered by subtraction; every shown count is rounded;
* the period is the whole extract (before and after each start), not a grid period: the
  rounding is what keeps two releases from differing by a small count, and the rule the
  Result records says so (:func:`vawg.disclosure.rule.evaluation_period_rule`) instead of
  claiming whole quarters;
* an intervention that cannot support a conclusion carries no estimate at all in public
  (the reasons are published instead), so no figure computed from too few crimes escapes;
* monthly series and the synthetic control's quarterly series and donors are left out (small
  counts by month and area); the weighted displacement quotient is worked out again from the
  rounded counts; notes carry no exact small count;
* every estimate is published coarsely enough not to give the exact counts back
  (:mod:`vawg.disclosure.figures`: a rate ratio of two periods and two groups is exactly the
  ratio of the four counts' ratios, so to full precision it picks out the true counts the
  rounding hides): ratios to 2 decimal places, crimes and harm averted, costs and p-values to
  2 significant figures, the event study likewise; the finding is worded again from the
  published estimates;
* the balance table without the group means of the characteristics made of crime counts (a
  mean over the treated areas and months is their exact count), its standardised differences
  to 2 decimal places; the trend test before the start to 2 decimal places;
* the synthetic control's summary without the treated areas' mean crimes a quarter before the
  start (over the areas and quarters it is their exact count), its ratio, p-value and fit
  gaps rounded as above;
* the treated areas' harm only for at least ``disclosure_min_base`` crimes, rounded from its
  own true value (:func:`vawg.disclosure.published_harm`), never scaled by a rounded count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable

import polars as pl

from vawg.config import Settings
from vawg.disclosure import (
    WITHHELD_FINDING,
    evaluation_period_rule,
    protect,
    public_notes,
    public_params,
    public_source,
    published_figure,
    published_harm,
    published_ratio,
)
from vawg.disclosure.figures import RATIO_PLACES, published_p, published_ratio_columns
from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.evaluation.did import PreTrend
from vawg.evaluation.displacement import weighted_displacement_quotient
from vawg.evaluation.place import COVARIATE_LABELS, InterventionEvaluation, finding
from vawg.evaluation.pooled import PooledEvaluation, pooled_finding
from vawg.results import excludes

__all__ = ["disclose_evaluation", "public_reasons"]

KINDS = (
    "treated_before",
    "treated_after",
    "ring_before",
    "ring_after",
    "comparison_before",
    "comparison_after",
)
_RATIOS = ("rate_ratio", "ring_ratio", "synthetic_ratio")
"""The estimates that are ratios (published to 2 decimal places)."""
_FIGURES = (
    "crimes_averted",
    "harm_averted",
    "displaced_crimes",
    "net_crimes_averted",
    "cost_per_crime_averted",
    "cost_per_harm_day_averted",
)
"""The estimates worked out from counts (published to 2 significant figures)."""
_ESTIMATES = (*_RATIOS, *_FIGURES)


def _counts(result: PlaceEvaluationResult, threshold: int) -> dict[Hashable, int | None]:
    cells: dict[Hashable, int | None] = {}
    relations: list[tuple[list[Hashable], Hashable | None]] = []
    included = set(result.pooled.included) if result.pooled else set()
    for kind in KINDS:
        parts: list[Hashable] = []
        for e in result.interventions:
            key = (e.intervention.intervention_id, kind)
            cells[key] = e.counts[kind]
            if e.intervention.intervention_id in included:
                parts.append(key)
        if result.pooled is not None:
            cells[("pooled", kind)] = result.pooled.counts[kind]
            relations.append((parts, ("pooled", kind)))
    return protect(cells, relations, threshold)


def public_reasons(reasons: tuple[str, ...]) -> tuple[str, ...]:
    """The reasons without the counts behind them (a count may be small)."""
    return tuple(
        "too few crimes in the treated areas before or after the start for a usable estimate"
        if r.startswith("too few crimes")
        else r
        for r in reasons
    )


def _harm(harm: float | None, true: int | None, shown: int | None, min_base: int) -> float | None:
    """The treated areas' harm as published: withheld with its count, and below ``min_base``
    crimes (a few crimes' harm gives their offences away); else rounded from its own true
    value by :func:`~vawg.disclosure.published_harm`."""
    if shown is None or harm is None or (true or 0) < min_base:
        return None
    return published_harm(harm)


def _events(table: pl.DataFrame) -> pl.DataFrame:
    """The event study's ratios as published (:func:`~vawg.disclosure.published_ratio`): each
    period's ratio is one of quarterly counts that are not published."""
    if table.is_empty():
        return table
    return published_ratio_columns(table, ("rate_ratio", "ci_low", "ci_high"))


_COUNTED = (COVARIATE_LABELS["pre_level"], COVARIATE_LABELS["pre_trend"])
"""The balance table's characteristics made of the areas' crime counts."""


def _balance(table: pl.DataFrame) -> pl.DataFrame:
    """The balance table as published: the group means of the characteristics made of crime
    counts withheld (the treated areas' mean crimes a month before the start, 2.0427350427350426,
    is 239 crimes over 3 areas and 39 months: the exact count the rounding hides); the
    standardised differences, which say how close the match was, to 2 decimal places; the
    means of deprivation, pubs and town-centre status (public figures of the areas) kept."""
    if table.is_empty():
        return table
    counted = pl.col("covariate").is_in(list(_COUNTED))
    means = [c for c in ("treated_mean", "pool_mean", "matched_mean") if c in table.columns]
    return table.with_columns(
        [pl.when(counted).then(None).otherwise(pl.col(c)).alias(c) for c in means]
    ).with_columns(pl.col(c).round(2) for c in ("smd_before", "smd_after") if c in table.columns)


def _trend(trend: PreTrend | None) -> PreTrend | None:
    """The test of the trend before the start, its ratio as published (:func:`published_ratio`)."""
    if trend is None:
        return None
    ratio = published_ratio(trend.ratio_per_year)
    assert ratio is not None
    return dataclasses.replace(trend, ratio_per_year=ratio)


def _synthetic_fit(fit: dict[str, float | int | None]) -> dict[str, float | int | None]:
    """The synthetic control's summary as published: the treated areas' mean crimes a quarter
    before the start withheld (a mean over the areas and quarters is their exact count: in the
    demo 1.1025641025641024 was 43 crimes over 3 areas and 13 quarters, published as 45); its
    ratio to 2 decimal places, its placebo p-value to 2 significant figures, and the root mean
    squared gaps, which say how closely the blend followed the areas, to 2 decimal places. The
    numbers of placebo areas are counts of areas, kept."""
    if not fit:
        return fit

    def rounded(key: str, places: int) -> float | None:
        value = fit.get(key)
        return None if value is None else round(float(value), places)

    p_value = fit.get("p_value")
    return {
        **fit,
        "ratio": rounded("ratio", RATIO_PLACES),
        "p_value": published_p(None if p_value is None else float(p_value)),
        "pre_rmspe": rounded("pre_rmspe", 2),
        "post_rmspe": rounded("post_rmspe", 2),
        "pre_mean": None,
    }


def _published(e: InterventionEvaluation | PooledEvaluation) -> dict[str, object]:
    """Every estimate of ``e`` (an intervention's or the pooled evaluation) as published: the
    ratios by :func:`~vawg.disclosure.published_ratio`, the figures worked out from counts by
    :func:`~vawg.disclosure.published_figure`, the event study and its joint test too."""
    out: dict[str, object] = {
        name: published_ratio(getattr(e, name)) for name in _RATIOS if hasattr(e, name)
    }
    out |= {name: published_figure(getattr(e, name)) for name in _FIGURES}
    return out | {
        "event_study": _events(e.event_study),
        "event_leads_p_value": published_p(e.event_leads_p_value),
    }


WITHHELD = WITHHELD_FINDING
"""The public finding of an evaluation whose counts are partly withheld."""


def _statement(can: bool, reasons: tuple[str, ...], conclusion: str, hidden: bool) -> str:
    """The public finding: the reasons when no conclusion can be drawn; when one can but a
    count behind it is withheld, :data:`WITHHELD` (the finding's figures come from that
    count); else the finding."""
    if not can:
        return "Cannot conclude: " + "; ".join(reasons) + "."
    return WITHHELD if hidden else conclusion


def _ring_note(e: InterventionEvaluation, dropped: bool) -> tuple[str, ...]:
    """When the estimates are not published but crime in the ring changed clearly against
    the comparison areas, say so (the direction only, no figure): a clear result must not
    vanish without a word."""
    if not dropped or not excludes(e.ring_ratio, 1.0):
        return ()
    assert e.ring_ratio is not None
    way = "rose" if e.ring_ratio.estimate > 1 else "fell"
    return (
        f"Crime in the ring around the areas {way} clearly against the comparison areas. Its "
        "figures are not published, and it cannot be read as crime moved from (or benefits "
        "spread from) the treated areas, whose own change cannot be estimated here.",
    )


def _intervention(
    e: InterventionEvaluation, safe: dict[Hashable, int | None], settings: Settings
) -> InterventionEvaluation:
    iv, threshold = e.intervention, settings.disclosure_threshold
    reasons = public_reasons(e.reasons)
    counts = {kind: safe[(iv.intervention_id, kind)] for kind in KINDS}
    hidden = any(v is None for v in counts.values())
    drop = not e.can_conclude or hidden
    changes: dict[str, object] = dict.fromkeys(_ESTIMATES) if drop else _published(e)
    if drop:
        changes.update(event_study=e.event_study.clear(), displacement=None, synthetic_fit={})
    else:
        changes["synthetic_fit"] = _synthetic_fit(e.synthetic_fit)
        if e.displacement is not None:  # worked out again from the rounded counts
            changes["displacement"] = weighted_displacement_quotient(
                (int(counts["treated_before"] or 0), int(counts["treated_after"] or 0)),
                (int(counts["ring_before"] or 0), int(counts["ring_after"] or 0)),
                (int(counts["comparison_before"] or 0), int(counts["comparison_after"] or 0)),
            )
    shown = dataclasses.replace(
        e,
        counts=counts,
        before_harm_days=_harm(
            e.before_harm_days,
            e.counts["treated_before"],
            None if hidden else counts["treated_before"],
            settings.disclosure_min_base,
        ),
        after_harm_days=_harm(
            e.after_harm_days,
            e.counts["treated_after"],
            None if hidden else counts["treated_after"],
            settings.disclosure_min_base,
        ),
        synthetic=e.synthetic.clear(),
        donors=e.donors.clear(),
        series=e.series.clear(),
        balance=_balance(e.balance),
        pre_trend=_trend(e.pre_trend),
        reasons=reasons,
        notes=public_notes(e.notes, threshold) + _ring_note(e, drop),
        **changes,  # type: ignore[arg-type]
    )
    # the finding worded again from the published estimates (to full precision its
    # percentages would give the exact ratio back)
    words = e.conclusion if drop else finding(shown)
    return dataclasses.replace(shown, conclusion=_statement(e.can_conclude, reasons, words, hidden))


def _pooled(
    p: PooledEvaluation, safe: dict[Hashable, int | None], settings: Settings
) -> PooledEvaluation:
    threshold = settings.disclosure_threshold
    counts = {kind: safe[("pooled", kind)] for kind in KINDS}
    hidden = any(v is None for v in counts.values())
    reasons = public_reasons(p.reasons)
    harm = _harm(
        p.after_harm_days,
        p.counts["treated_after"],
        None if hidden else counts["treated_after"],
        settings.disclosure_min_base,
    )
    common = {
        "reasons": reasons,
        "notes": public_notes(p.notes, threshold),
        "counts": counts,
        "after_harm_days": harm,
        "pre_trend": _trend(p.pre_trend),
    }
    if hidden or not p.can_conclude:
        return dataclasses.replace(
            p,
            **common,  # type: ignore[arg-type]
            conclusion=_statement(p.can_conclude, reasons, p.conclusion, hidden),
            event_study=p.event_study.clear(),
            event_leads_p_value=None,
            **dict.fromkeys(e for e in _ESTIMATES if e != "synthetic_ratio"),  # type: ignore[arg-type]
        )
    shown = dataclasses.replace(p, **common, **_published(p))  # type: ignore[arg-type]
    return dataclasses.replace(shown, conclusion=pooled_finding(shown))


def disclose_evaluation(result: PlaceEvaluationResult, settings: Settings) -> PlaceEvaluationResult:
    """The public version of ``result`` (same type): see the module docstring."""
    if result.public:
        return result
    safe = _counts(result, settings.disclosure_threshold)
    t = settings.disclosure_threshold
    evaluations = tuple(_intervention(e, safe, settings) for e in result.interventions)
    table = result.table.with_columns(
        crimes_before=pl.Series([e.counts["treated_before"] for e in evaluations], dtype=pl.Int64),
        crimes_after=pl.Series([e.counts["treated_after"] for e in evaluations], dtype=pl.Int64),
    )
    for column, field in (
        ("rate_ratio", "rate_ratio"),
        ("crimes_averted", "crimes_averted"),
        ("cost_per_crime_averted", "cost_per_crime_averted"),
    ):
        values = [getattr(e, field) for e in evaluations]
        table = table.with_columns(
            pl.Series(column, [v.estimate if v else None for v in values], dtype=pl.Float64)
        )
    rr = [e.rate_ratio for e in evaluations]
    table = table.with_columns(
        ci_low=pl.Series([v.ci_low if v else None for v in rr], dtype=pl.Float64),
        ci_high=pl.Series([v.ci_high if v else None for v in rr], dtype=pl.Float64),
        p_value=pl.Series([v.p_value if v else None for v in rr], dtype=pl.Float64),
        conclusion=pl.Series([e.conclusion for e in evaluations], dtype=pl.String),
    )
    return dataclasses.replace(
        result,
        table=table,
        interventions=evaluations,
        pooled=_pooled(result.pooled, safe, settings) if result.pooled else None,
        notes=public_notes(result.notes, t),
        public=True,
        # the before/after windows are cut at each intervention's own start, never a grid
        # period: every count is rounded instead (see the module docstring)
        params=public_params(
            dataclasses.replace(
                result.params,
                settings={
                    **result.params.settings,
                    "harm_weights": public_source(str(result.params.settings["harm_weights"])),
                },
            ),
            settings,
            grid=False,
            off_grid=evaluation_period_rule(t),
        ),
    )
