"""Disclosure control for outcome results (:func:`disclose_audit`, :func:`disclose_summary`):
every count through the one rule of :mod:`vawg.disclosure` (withheld when small, rounded
otherwise), then every rate, share, median and comparison rebuilt from the published counts, so
nothing is published that was computed from a hidden or unrounded count.

Outcomes are published by financial half-year: every half an output reports is a period on the
grid (:mod:`vawg.disclosure.grid`), whatever the span of halves it covers.

Which totals are published decides the secondary suppression (``margins``): outcome groups sum
to the crimes in a cell, and cells of a breakdown sum to the scope's total for that half.
Kaplan–Meier curves are published only at fixed days (not at every event time), and only for
cohorts whose size is published.

Figures made from a group's crimes or answers need a group of at least ``disclosure_min_base``
(30 by default; counted on the published, rounded, size, so whether a figure is shown says no
more than the published size): a median time to an outcome, its interval and the group's curve
(in a group of 5 the median and the interval's ends are single crimes' times); a satisfaction
share and its interval, and then the numbers who answered and were satisfied too (beside a
withheld share they would give it back, from counts rounded to 5, up to ten points out).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from vawg.config import Settings
from vawg.disclosure import (
    DISCLOSURE_KEY,
    SUPPRESSED_FLAG,
    grid_period,
    public_params,
    round_count,
    suppress,
)
from vawg.outcomes.agencies import AgencyResult, agency_rates
from vawg.outcomes.attrition import AttritionResult, attrition
from vawg.outcomes.audit import (
    BETTER,
    AuditResult,
    comparable_rates,
    headline,
    judged_changes,
    survival_rows,
)
from vawg.outcomes.halves import Half
from vawg.outcomes.headlines import headline_family, headline_row
from vawg.outcomes.open_data import OpenDataOutcomes
from vawg.outcomes.police_uk import PoliceUkOutcomes, with_shares
from vawg.outcomes.rates import denominators, rates_from_counts
from vawg.outcomes.satisfaction import satisfaction_rates
from vawg.outcomes.summary import OutcomeSummary
from vawg.outcomes.survival import SurvivalResult
from vawg.results import Params

__all__ = [
    "PUBLIC_CURVE_DAYS",
    "disclose_audit",
    "disclose_open_outcomes",
    "disclose_summary",
    "public_agencies",
    "public_attrition",
    "public_counts",
    "public_exclusions",
    "public_police_uk",
    "public_satisfaction",
    "public_survival",
    "suppress_by",
    "visible_changes",
]

PUBLIC_CURVE_DAYS = (7, 14, 30, 60, 90, 120, 180, 270, 365, 540, 730)


def suppress_by(
    frame: pl.DataFrame,
    count: str,
    by: Sequence[str],
    *,
    threshold: int,
    margins: Sequence[Sequence[str]],
    dependents: Sequence[str] = (),
) -> pl.DataFrame:
    """:func:`~vawg.disclosure.suppress` on each block of rows sharing ``by`` (every margin
    includes ``by``, so no published total crosses blocks and the result is the same as one
    call over the whole frame, only much faster); row order is kept."""
    if frame.is_empty():
        return frame.with_columns(pl.lit(False).alias(SUPPRESSED_FLAG))
    indexed = frame.with_row_index("_row")
    parts = [
        suppress(part, count, threshold=threshold, margins=margins, dependents=dependents)
        for _key, part in indexed.group_by(list(by), maintain_order=True)
    ]
    return pl.concat(parts).sort("_row").drop("_row")


def public_counts(counts: pl.DataFrame, threshold: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Suppressed outcome counts and denominators, and the rates rebuilt from them."""
    block = ["base", "half", "dimension"]
    totals = suppress_by(
        denominators(counts), "denominator", block, threshold=threshold, margins=[()]
    )
    cells = suppress_by(counts, "count", block, threshold=threshold, margins=[["value"], ["group"]])
    keys = ["base", "half", "dimension", "value"]
    hidden_rows = (
        totals.filter(pl.col(SUPPRESSED_FLAG)).select(keys).with_columns(_hide=pl.lit(True))
    )
    cells = (
        cells.join(hidden_rows, on=keys, how="left")
        .with_columns(
            count=pl.when(pl.col("_hide")).then(None).otherwise(pl.col("count")),
            suppressed=pl.col(SUPPRESSED_FLAG) | pl.col("_hide").fill_null(False),
        )
        .drop("_hide")
    )
    rates = rates_from_counts(cells.drop(SUPPRESSED_FLAG), totals.drop(SUPPRESSED_FLAG))
    return cells, rates


def public_survival(survival: SurvivalResult, threshold: int, min_base: int) -> SurvivalResult:
    """Cohort sizes and outcome/open counts suppressed; medians and curves hidden with them, and
    for every cohort of fewer than ``min_base`` (published size)."""
    table = survival.table
    sized = suppress_by(table, "n", ["half", "dimension"], threshold=threshold, margins=[()])
    long = table.unpivot(
        index=["half", "dimension", "value"],
        on=["outcomes", "open"],
        variable_name="kind",
        value_name="count",
    )
    long = suppress_by(
        long, "count", ["half", "dimension"], threshold=threshold, margins=[["value"], ["kind"]]
    )
    wide = long.pivot(on="kind", index=["half", "dimension", "value"], values="count")
    out = sized.drop("outcomes", "open").join(wide, on=["half", "dimension", "value"], how="left")
    hidden = pl.col(SUPPRESSED_FLAG)
    out = out.with_columns(
        [
            pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("outcomes", "open", "median_days", "ci_low", "ci_high")
        ]
    ).select(table.columns)
    # A median (and its interval, and the curve) of a small cohort is one crime's time.
    few = pl.col("n").is_null() | (pl.col("n") < min_base)
    out = out.with_columns(
        pl.when(few).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("median_days", "ci_low", "ci_high")
    )
    shown = out.filter(~few).select("half", "dimension", "value")
    curves = _thin(survival.curves, threshold).join(
        shown, on=["half", "dimension", "value"], how="semi"
    )
    return dataclasses.replace(survival, table=out, curves=curves)


def _thin(curves: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """The step function read at :data:`PUBLIC_CURVE_DAYS` (last event time on or before, never
    past the last event), each point shown only if its at-risk and cumulative outcome counts
    pass the disclosure rule."""
    keys = [c for c in ("half", "dimension", "value") if c in curves.columns]
    grid = pl.DataFrame({"at_day": list(PUBLIC_CURVE_DAYS)}, schema={"at_day": pl.Int64})
    last = curves.group_by(keys).agg(last_day=pl.col("days").max())
    pairs = curves.join(grid, how="cross").filter(pl.col("days") <= pl.col("at_day"))
    pairs = pairs.join(last, on=keys).filter(pl.col("at_day") <= pl.col("last_day"))
    points = (
        pairs.sort("days")
        .group_by([*keys, "at_day"])
        .agg(pl.all().last())
        .drop("days", "last_day")
        .rename({"at_day": "days"})
    )
    dependents = ["share_with_outcome", "ci_low", "ci_high"]
    points = suppress(points, "at_risk", threshold=threshold, margins=[], dependents=dependents)
    points = points.drop(SUPPRESSED_FLAG)
    points = suppress(
        points,
        "outcomes_so_far",
        threshold=threshold,
        margins=[],
        dependents=[*dependents, "at_risk"],
    ).drop(SUPPRESSED_FLAG)
    return points.drop_nulls("share_with_outcome").sort(*keys, "days").select(curves.columns)


def public_attrition(result: AttritionResult, threshold: int, as_of: date) -> AttritionResult:
    """Stage counts suppressed (each on its own: stages are nested, not parts of a total)."""
    counts = suppress(
        result.table.select("half", "stage", "count"), "count", threshold=threshold, margins=[]
    )
    follow_up = None if result.follow_up_days is None else timedelta(days=result.follow_up_days)
    rebuilt = attrition(counts.drop(SUPPRESSED_FLAG), as_of, follow_up=follow_up)
    return dataclasses.replace(result, table=rebuilt.table, params=rebuilt.params)


def public_agencies(
    result: AgencyResult, halves: list[Half], threshold: int, min_base: int
) -> AgencyResult:
    """Event counts suppressed under their stage totals; rates rebuilt; a median time (and its
    interval) hidden with its count, and for fewer than ``min_base`` (published count)."""
    counts = suppress_by(
        result.counts, "count", ["half", "stage"], threshold=threshold, margins=[()]
    )
    counts = counts.drop(SUPPRESSED_FLAG)
    timely = suppress(
        result.timeliness,
        "n",
        threshold=threshold,
        margins=[],
        dependents=["median_days", "ci_low", "ci_high"],
    ).drop(SUPPRESSED_FLAG)
    few = pl.col("n").is_null() | (pl.col("n") < min_base)
    timely = timely.with_columns(
        pl.when(few).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("median_days", "ci_low", "ci_high")
    )
    return dataclasses.replace(
        result, table=agency_rates(counts, halves), counts=counts, timeliness=timely
    )


def public_satisfaction(table: pl.DataFrame, threshold: int, min_base: int) -> pl.DataFrame:
    """Answered / satisfied / not satisfied suppressed (groups under each item's total); the
    share and its interval only where at least ``min_base`` answered (published count): on
    fewer, counts rounded to 5 move it by up to ten points (10 of a rounded 25 is 40%; the true
    11 of 23 is 48%). Where the share is withheld, so are the numbers who answered and who
    were satisfied: beside a dash they would give the share back, and wrong."""
    base = table.select("half", "item", "group", "answered", "satisfied").with_columns(
        not_satisfied=pl.col("answered") - pl.col("satisfied")
    )
    long = base.unpivot(
        index=["half", "item", "group"],
        on=["satisfied", "not_satisfied"],
        variable_name="kind",
        value_name="count",
    )
    parts = []
    for is_all in (True, False):
        part = long.filter((pl.col("group") == "all") == is_all)
        margins = [["group"]] + ([] if is_all else [["kind"]])
        parts.append(
            suppress_by(part, "count", ["half", "item"], threshold=threshold, margins=margins)
        )
    long = pl.concat(parts)
    wide = long.pivot(on="kind", index=["half", "item", "group"], values="count")
    # The number who answered is a total: rounded from its own true value (as every published
    # total), not the sum of its rounded parts, so the same people give the same rounded count
    # on every question.
    true_answered = base.select(
        "half",
        "item",
        "group",
        true_answered=pl.col("answered").map_elements(
            lambda n: round_count(n, threshold), return_dtype=pl.Int64
        ),
    )
    out = (
        wide.join(true_answered, on=["half", "item", "group"], how="left")
        .with_columns(
            answered=pl.when(pl.col("satisfied").is_null() | pl.col("not_satisfied").is_null())
            .then(None)
            .otherwise(pl.col("true_answered"))
        )
        .select("half", "item", "group", "answered", "satisfied")
        .sort("half", "item", "group")
    )
    rates = satisfaction_rates(out)
    small = pl.col("answered").is_null() | (pl.col("answered") < min_base)
    return rates.with_columns(
        pl.when(small).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("answered", "satisfied", "estimate", "ci_low", "ci_high")
    )


def public_police_uk(result: PoliceUkOutcomes, threshold: int) -> PoliceUkOutcomes:
    """Category and group counts suppressed under the published total; shares rebuilt."""
    total = int(result.table["count"].sum())
    shown_total = None if 0 < total < threshold else round_count(total, threshold)

    def redo(frame: pl.DataFrame) -> pl.DataFrame:
        cut = suppress(frame.drop("share", "ci_low", "ci_high"), "count", threshold=threshold)
        cut = cut.drop(SUPPRESSED_FLAG)
        return with_shares(cut, total=shown_total)

    return dataclasses.replace(result, table=redo(result.table), groups=redo(result.groups))


def disclose_open_outcomes(result: OpenDataOutcomes, settings: Settings) -> OpenDataOutcomes:
    """The police.uk outcome categories as they may be published (same type): category and
    group counts withheld or rounded by the one rule, shares rebuilt from the rounded counts.
    police.uk months are public already, so the period is not held to the grid."""
    if DISCLOSURE_KEY in result.params.settings:
        return result
    return dataclasses.replace(
        result,
        params=public_params(result.params, settings, grid=False),
        police=public_police_uk(result.police, settings.disclosure_threshold),
        outcomes_files_rows=round_count(result.outcomes_files_rows, settings.disclosure_threshold)
        or 0,
    )


def public_exclusions(exclusions: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """The scope rules' excluded and remaining counts, suppressed one by one."""
    out = suppress(exclusions, "crimes_excluded", threshold=threshold, margins=[])
    out = out.drop(SUPPRESSED_FLAG)
    return suppress(out, "crimes_remaining", threshold=threshold, margins=[]).drop(SUPPRESSED_FLAG)


def visible_changes(
    changes: pl.DataFrame, rates: pl.DataFrame, survival: SurvivalResult, extra: list[pl.DataFrame]
) -> pl.DataFrame:
    """Only the comparisons whose both sides are still published after suppression."""
    keys = ["base", "dimension", "value", "measure"]
    shown = [rates.filter(pl.col("estimate").is_not_null()).select(*keys, "half")]
    km = survival.table.filter(pl.col("median_days").is_not_null())
    shown.append(
        km.select(
            base=pl.lit("recorded"),
            dimension="dimension",
            value="value",
            measure=pl.lit("median_days_to_outcome"),
            half="half",
        )
    )
    shown += [e.filter(pl.col("estimate").is_not_null()).select(*keys, "half") for e in extra]
    visible = pl.concat(shown).unique()
    out = changes.join(visible.rename({"half": "from_half"}), on=[*keys, "from_half"], how="semi")
    return out.join(visible.rename({"half": "to_half"}), on=[*keys, "to_half"], how="semi")


def visible_headlines(headlines: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """The headline comparisons whose grid row is still published; the others kept as rows
    with verdict ``not available`` and no figures (their Holm p-values were adjusted over the
    whole declared family, so the rest stay as they were: conservative, never optimistic)."""
    kept = [m for m in headlines["measure"].to_list() if headline_row(changes, m) is not None]
    figures = [c for c in headlines.columns if c not in ("measure", "better_when", "verdict")]
    return headlines.with_columns(
        [
            pl.when(pl.col("measure").is_in(kept)).then(pl.col(c)).otherwise(None).alias(c)
            for c in figures
        ]
        + [
            pl.when(pl.col("measure").is_in(kept))
            .then(pl.col("verdict"))
            .otherwise(pl.lit("not available"))
            .alias("verdict")
        ]
    )


def public_coverage(coverage: dict[str, int], threshold: int) -> dict[str, int | None]:
    """The survey coverage counts, each suppressed on its own."""
    if not coverage:
        return {}
    frame = pl.DataFrame({"key": list(coverage), "count": list(coverage.values())})
    cut = suppress(frame, "count", threshold=threshold, margins=[])
    return dict(zip(cut["key"].to_list(), cut["count"].to_list(), strict=True))


def _public_params(params: Params, halves: Sequence[Half], settings: Settings) -> Params:
    """``params`` of a public outcome Result: each half on the grid, the rule recorded."""
    for half in halves:
        grid_period(half.start, half.end)
    return public_params(params, settings, grid=False)


def disclose_summary(result: OutcomeSummary, settings: Settings) -> OutcomeSummary:
    """The summary as it may be published (same type): every count protected, rates rebuilt."""
    if result.public:
        return result
    params = _public_params(result.params, result.halves, settings)
    threshold = settings.disclosure_threshold
    cells, rates = public_counts(result.counts, threshold)
    survival = public_survival(result.survival, threshold, settings.disclosure_min_base)
    shown = survival.table.filter(pl.col("median_days").is_not_null()).select(
        "half", "dimension", "value"
    )
    change = result.survival_change
    if change.height:
        # Only a comparison whose both medians are still published.
        for side in ("from_half", "to_half"):
            change = change.join(
                shown.rename({"half": side}), on=[side, "dimension", "value"], how="semi"
            )
    return dataclasses.replace(
        result,
        params=params,
        table=rates,
        counts=cells,
        survival=survival,
        survival_change=change,
        attrition=public_attrition(result.attrition, threshold, result.as_of),
        attrition_equal=(
            public_attrition(result.attrition_equal, threshold, result.as_of)
            if result.attrition_equal is not None
            else None
        ),
        police_uk=public_police_uk(result.police_uk, threshold) if result.police_uk else None,
        exclusions=public_exclusions(result.exclusions, threshold),
        placement=None,  # counts by placement method are not released
        public=True,
        threshold=threshold,
    )


def disclose_audit(result: AuditResult, settings: Settings) -> AuditResult:
    """The audit as it may be published (same type): every count protected, everything derived
    rebuilt."""
    if result.public:
        return result
    params = _public_params(result.params, sorted(result.roles.values()), settings)
    threshold = settings.disclosure_threshold
    least = settings.disclosure_min_base
    cells, rates = public_counts(result.counts, threshold)
    survival = public_survival(result.survival, threshold, least)
    halves = sorted(result.roles.values())
    agencies = (
        public_agencies(result.agencies, halves, threshold, least) if result.agencies else None
    )
    satisfaction = (
        public_satisfaction(result.satisfaction, threshold, least)
        if result.satisfaction is not None
        else None
    )
    # Every comparison rebuilt from the published rates and judged again, so no published
    # share, difference or interval can be worked back to an unrounded count.
    extra = comparable_rates(agencies, satisfaction)
    rebuilt = judged_changes(rates, survival_rows(result.changes), extra, result.half, result.fdr)
    changes = visible_changes(rebuilt, rates, survival, extra)
    return dataclasses.replace(
        result,
        params=params,
        table=headline(rates, survival, result.roles),
        counts=cells,
        rates=rates,
        changes=changes,
        survival=survival,
        attrition=public_attrition(result.attrition, threshold, result.as_of),
        agencies=agencies,
        satisfaction=satisfaction,
        survey_coverage=public_coverage(result.survey_coverage, threshold),  # type: ignore[arg-type]
        exclusions=public_exclusions(result.exclusions, threshold),
        placement=None,  # counts by placement method are not released
        public=True,
        threshold=threshold,
        headlines=_with_published_year_earlier(
            visible_headlines(
                headline_family(changes, settings.audit_headlines, BETTER, alpha=result.fdr),
                changes,
            ),
            rates,
            extra,
            result.year_earlier.label,
        ),
    )


def _with_published_year_earlier(
    headlines: pl.DataFrame, rates: pl.DataFrame, extra: list[pl.DataFrame], label: str
) -> pl.DataFrame:
    """A headline that cannot be compared (its latest figure withheld) still gives its year-
    earlier figure where that one is published, as the tables below it do."""
    keys = ["measure", "estimate"]
    published = pl.concat(
        [
            frame.filter(
                (pl.col("half") == label)
                & ((pl.col("value") == "all") | (pl.col("dimension") == "all"))
                & pl.col("estimate").is_not_null()
            ).select(keys)
            for frame in [rates.filter(pl.col("base") == "recorded"), *extra]
        ]
    ).unique("measure", keep="first")
    found = dict(zip(published["measure"].to_list(), published["estimate"].to_list(), strict=True))
    missing = pl.col("from_estimate").is_null() & (pl.col("verdict") == "not available")
    return headlines.with_columns(
        from_estimate=pl.when(missing)
        .then(pl.col("measure").replace_strict(found, default=None, return_dtype=pl.Float64))
        .otherwise(pl.col("from_estimate")),
        from_half=pl.when(missing & pl.col("measure").is_in(list(found)))
        .then(pl.lit(label))
        .otherwise(pl.col("from_half")),
    )
