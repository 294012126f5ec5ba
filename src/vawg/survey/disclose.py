"""The public survey result: :func:`disclose_survey` (``SurveyResult`` → ``SurveyResult``).

Every count goes through the one rule of :mod:`vawg.disclosure` (withheld when small, rounded
otherwise): the unweighted bases of each group (``n``), the respondents with the attribute and
without it (so a share of 100% or 0% cannot give a small group away), theme counts, weighting
margins, the satisfaction model's group sizes, recorded crimes by district, quarantine counts
and every headline count (respondents, responses, reasons given). Whatever is computed from a
withheld count is withheld with it (weighted estimates, intervals, tests). Crime rates by
district are recomputed from the rounded crime counts. Free-text quotes and the
respondent-level weights are removed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import polars as pl

from vawg.config import Settings
from vawg.disclosure import SUPPRESSED_FLAG, public_notes, public_params, round_count, suppress
from vawg.stats import poisson_rate_interval, wilson_interval
from vawg.survey.analysis import SurveyResult
from vawg.survey.estimates import SurveyEstimate
from vawg.survey.side_by_side import SURVEY_COLUMNS, SideBySideResult

__all__ = ["disclose_survey"]

_ESTIMATE_DEPENDENTS = (
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "p_value",
    "n_effective",
    "count",
    "vs_rest",
    "vs_rest_ci_low",
    "vs_rest_ci_high",
    "vs_rest_p_value",
    "vs_rest_p_holm",
)


_MIN_BASE = 30
"""A published estimate needs at least this many (effective) responses, counted before rounding."""


def _estimates(frame: pl.DataFrame, threshold: int, groups: list[str]) -> pl.DataFrame:
    """Small bases withheld, then small numerators and complements (shares), with dependents.

    An estimate whose true effective base is under :data:`_MIN_BASE` is withheld too, and its
    base and count with it (beside a dash, "5 of 15" would give the share back from rounded
    counts, and wrong): the rule is applied before rounding, so a base of 29 that rounds to 30
    does not let a share through that the restricted report marks too few to rely on.
    """
    if frame.is_empty():
        return frame
    deps = [c for c in _ESTIMATE_DEPENDENTS if c in frame.columns]
    base = "n_effective" if "n_effective" in frame.columns else "n"
    too_few = frame[base].fill_null(0) < _MIN_BASE
    values = [c for c in deps if c not in ("count", "n_effective")]
    frame = frame.with_columns(
        pl.when(too_few).then(None).otherwise(pl.col(c)).alias(c) for c in values
    )
    out = suppress(
        frame, "n", threshold=threshold, margins=[groups], dependents=deps, rounded=False
    )
    hidden = out[SUPPRESSED_FLAG]
    out = out.drop(SUPPRESSED_FLAG)
    if "count" in out.columns:
        out = out.with_columns(_rest=pl.col("n") - pl.col("count"))
        for column in ("count", "_rest"):
            out = suppress(
                out,
                column,
                threshold=threshold,
                margins=[groups],
                dependents=[*deps, "_rest", "n"],
                rounded=False,
            )
            hidden = hidden | out[SUPPRESSED_FLAG]
            out = out.drop(SUPPRESSED_FLAG)
        out = out.drop("_rest")
    rounded = [
        pl.Series(c, [round_count(v, threshold) for v in out[c].to_list()], dtype=out[c].dtype)
        for c in ("n", "count")
        if c in out.columns
    ]
    if "n_effective" in out.columns:
        # The effective base is the base itself for an unweighted survey: published as it is,
        # it would give away the exact count that ``n`` rounds. Rounded the same way.
        effective = [
            None if v is None else round_count(round(v), threshold)
            for v in out["n_effective"].to_list()
        ]
        rounded.append(pl.Series("n_effective", effective, dtype=pl.Float64))
    return (
        out.with_columns(*rounded, pl.Series("_hidden", hidden | too_few))
        .with_columns(
            pl.when(pl.col("_hidden")).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("n", *deps)
        )
        .drop("_hidden")
    )


def _from_rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Shares of an unweighted table worked out again from the published (rounded) counts.

    Unweighted, a share is its count over its base: from the exact counts (5 of 13 = 38.5%)
    it gives both away beside a rounded base of 15. So the share and its Wilson interval are
    worked out from the rounded counts, and a base under :data:`_MIN_BASE` is not shown.
    """
    if frame.is_empty() or not {"n", "count", "estimate"} <= set(frame.columns):
        return frame
    estimate: list[float | None] = []
    low: list[float | None] = []
    high: list[float | None] = []
    rows = zip(frame["n"].to_list(), frame["count"].to_list(), frame["estimate"], strict=True)
    for n, count, before in rows:
        # ``before`` is None when the true base was already too small (see _estimates).
        shown = n is not None and count is not None and before is not None and n >= _MIN_BASE
        interval = wilson_interval(int(count), int(n)) if shown else (None, None)
        estimate.append(count / n if shown else None)
        low.append(interval[0])
        high.append(interval[1])
    return frame.with_columns(
        pl.Series("estimate", estimate, dtype=pl.Float64),
        pl.Series("ci_low", low, dtype=pl.Float64),
        pl.Series("ci_high", high, dtype=pl.Float64),
    )


def _counts(
    frame: pl.DataFrame,
    column: str,
    threshold: int,
    margins: Sequence[Sequence[str]],
    dependents: Sequence[str] = (),
) -> pl.DataFrame:
    if frame.is_empty() or column not in frame.columns:
        return frame
    out = suppress(
        frame,
        column,
        threshold=threshold,
        margins=margins,
        dependents=[d for d in dependents if d in frame.columns],
    )
    return out.drop(SUPPRESSED_FLAG)


def _model_effects(table: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """The satisfaction model's effects: each level's responses, and those satisfied and not,
    protected within their term; a level's effect is withheld with any of them (an odds ratio
    of a group where almost everyone was satisfied would give the small other side away)."""
    effects = ["estimate", "ci_low", "ci_high", "p_value"]
    out = table.with_columns(_not=pl.col("n") - pl.col("satisfied"))
    # A level with fewer than _MIN_BASE true responses has no published share in the tables:
    # its effect is withheld as well (its size still shown), judged before the size is rounded.
    too_few = out["n"].fill_null(0) < _MIN_BASE
    if "reference" in out.columns:
        too_few = too_few & ~out["reference"].fill_null(False)
    out = out.with_columns(
        pl.when(too_few).then(None).otherwise(pl.col(c)).alias(c) for c in effects
    )
    hidden = pl.Series([False] * out.height)
    for column in ("n", "satisfied", "_not"):
        out = suppress(out, column, threshold=threshold, margins=[["term"]], dependents=effects)
        hidden = hidden | out[SUPPRESSED_FLAG]
        out = out.drop(SUPPRESSED_FLAG)
    return out.with_columns(
        pl.when(pl.Series(hidden)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("n", "satisfied")
    ).drop("_not")


def _scalar(value: int, threshold: int) -> Any:
    """A headline count, withheld (None) when small and rounded otherwise. Typed ``Any``: the
    fields hold ``int`` in a restricted Result and ``int | None`` in a public one."""
    return round_count(value, threshold) if not 0 < value < threshold else None


def _overall(
    frame: pl.DataFrame, key: str, before: dict[str, SurveyEstimate]
) -> dict[str, SurveyEstimate]:
    """The headline estimates from the ``all`` rows of the protected table."""
    out = {}
    for name, estimate in before.items():
        rows = frame.filter(pl.col(key) == name, pl.col("dimension") == "all").to_dicts()
        if not rows:
            continue
        row = rows[0]
        out[name] = dataclasses.replace(
            estimate,
            estimate=row.get("estimate"),
            ci_low=row.get("ci_low"),
            ci_high=row.get("ci_high"),
            se=row.get("se"),
            n=row["n"],
            count=row.get("count"),
        )
    return out


def _side(side: SideBySideResult, estimates: pl.DataFrame, threshold: int) -> SideBySideResult:
    table = _counts(side.table, "vawg_crimes", threshold, [()])
    rates = [
        (c / (p * side.years / 1000.0), *poisson_rate_interval(c, p * side.years / 1000.0))
        if c is not None and p
        else (None, None, None)
        for c, p in zip(table["vawg_crimes"], table["female_population"], strict=True)
    ]
    table = table.with_columns(
        pl.Series("rate_per_1000", [r[0] for r in rates], dtype=pl.Float64),
        pl.Series("rate_ci_low", [r[1] for r in rates], dtype=pl.Float64),
        pl.Series("rate_ci_high", [r[2] for r in rates], dtype=pl.Float64),
    )
    table = table.select(c for c in table.columns if not c.startswith(SURVEY_COLUMNS))
    for name in SURVEY_COLUMNS:
        part = estimates.filter(pl.col("indicator") == name, pl.col("dimension") == "district")
        if part.is_empty():
            continue
        table = table.join(
            part.select(
                pl.col("level").alias("district"),
                pl.col("estimate").alias(name),
                pl.col("ci_low").alias(f"{name}_ci_low"),
                pl.col("ci_high").alias(f"{name}_ci_high"),
                pl.col("n").alias(f"{name}_n"),
                pl.col("small_base").alias(f"{name}_small_base"),
            ),
            on="district",
            how="left",
        )
    return dataclasses.replace(side, table=table, unplaced=_scalar(side.unplaced, threshold))


def disclose_survey(result: SurveyResult, settings: Settings) -> SurveyResult:
    """The public version of ``result`` (same type): see the module docstring."""
    if "disclosure" in result.params.settings:
        return result
    side = result.side_by_side
    # The crimes beside the survey are counted over a period: it must be on the grid.
    period = side.params.period if side is not None else None
    params = public_params(result.params, settings, period=period)
    t = settings.disclosure_threshold
    public = result.public
    estimates = pl.DataFrame()
    if public is not None:
        estimates = _estimates(public.table, t, ["indicator", "dimension"])
        public = dataclasses.replace(
            public,
            table=estimates,
            overall=_overall(estimates, "indicator", public.overall),
            n=_scalar(public.n, t),
        )
    satisfaction = result.satisfaction
    if satisfaction is not None:
        table = _from_rounded(_estimates(satisfaction.table, t, ["item", "dimension"]))
        model = satisfaction.model
        if model is not None:
            model = dataclasses.replace(
                model, table=_model_effects(model.table, t), n=_scalar(model.n, t)
            )
        satisfaction = dataclasses.replace(
            satisfaction,
            table=table,
            items=_overall(table, "item", satisfaction.items),
            responses=_scalar(satisfaction.responses, t),
            linked=_scalar(satisfaction.linked, t),
            with_outcome=_scalar(satisfaction.with_outcome, t),
            model=model,
        )
    themes = result.themes
    if themes is not None:
        themes = dataclasses.replace(
            themes,
            table=_counts(
                themes.table, "respondents", t, [], ["share", "weighted_share", "ci_low", "ci_high"]
            ),
            reasons=_scalar(themes.reasons, t),
            unclassified=_scalar(themes.unclassified, t),
            several=_scalar(themes.several, t),
            examples=pl.DataFrame(schema={"theme": pl.String, "quote": pl.String}),
        )
    weighting = result.weighting
    if weighting is not None:
        weighting = dataclasses.replace(
            weighting,
            weights=weighting.weights.clear(),
            table=_counts(
                weighting.table,
                "respondents",
                t,
                [["variable"]],
                ["sample_share", "weighted_share"],
            ),
            n=_scalar(weighting.n, t),
            trimmed=_scalar(weighting.trimmed, t),
            notes=public_notes(weighting.notes, t),
        )
    if side is not None:
        side = _side(side, estimates, t)
    return dataclasses.replace(
        result,
        params=params,
        public=public,
        satisfaction=satisfaction,
        themes=themes,
        weighting=weighting,
        side_by_side=side,
        quarantine=_counts(result.quarantine, "records", t, [["table"]]),
        notes=public_notes(result.notes, t),
    )
