"""The victims' satisfaction survey: five items as % satisfied, by outcome, and a model.

Each item is scored 1 (very dissatisfied) to 7 (completely satisfied); *satisfied* is a score of
``satisfied_min`` (default 5) or more. Responses link to crimes by ``crime_ref`` where one is
given and found, which gives the crime's offence group, its Home Office outcome type (grouped by
:func:`vawg.outcomes.framework.headline_group`) and the time from recording to outcome.

The model explains whole-experience satisfaction by outcome group, offence group and years to
outcome, on responses linked to a crime that has an outcome: a logistic regression of
*satisfied* (effects as odds ratios; Hosmer, Lemeshow & Sturdivant 2013) or an ordered probit
of the 1-7 score (effects as shifts of the latent score in standard deviations; McKelvey &
Zavoina 1975). Levels with under ``min_level_n`` responses are combined into one level
(``small groups combined``) so no effect rests on a handful of people; the reference outcome
group is ``other`` (as in the planted model of the synthetic force) when it is large enough,
otherwise the largest group.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from vawg.errors import InputError, ModelError
from vawg.outcomes.framework import HEADLINE_GROUPS, headline_group
from vawg.results import Params, to_jsonable
from vawg.survey.estimates import SurveyEstimate, weighted_share

__all__ = [
    "ITEMS",
    "MODELS",
    "TIME_BANDS",
    "SatisfactionModel",
    "SatisfactionResult",
    "link_responses",
    "victim_satisfaction",
]

ITEMS: dict[str, str] = {
    "ease_of_contact": "Ease of contact",
    "actions_taken": "Actions taken",
    "kept_informed": "Kept informed",
    "treatment": "Treatment",
    "whole_experience": "Whole experience",
}
MODELS = ("logistic", "ordinal")
NOT_LINKED = "not linked to a crime"
SMALL_GROUPS = "small groups combined"
TIME_BANDS = (
    ("under 1 month", 31),
    ("1-3 months", 92),
    ("3-6 months", 183),
    ("6-12 months", 366),
    ("over 1 year", None),
)
_Z = float(stats.norm.ppf(0.975))
CITATION = (
    "Hosmer, Lemeshow & Sturdivant (2013) Applied Logistic Regression, 3rd ed.; McKelvey & "
    "Zavoina (1975) J. Math. Sociology 4:103-120; Home Office crime outcomes framework."
)


@dataclass(frozen=True)
class SatisfactionModel:
    """A fitted model of whole-experience satisfaction.

    ``table``: term (``outcome_group``, ``offence_group``, ``years_to_outcome``), level,
    estimate (``measure``: odds ratio or latent shift), ci_low, ci_high, p_value, n (responses at
    that level), reference (the level others are compared with). Fit: ``n``, ``aic``,
    ``pseudo_r2`` (McFadden), the likelihood-ratio test against no predictors.
    """

    kind: str
    measure: str
    table: pl.DataFrame
    n: int
    aic: float
    pseudo_r2: float
    lr_statistic: float
    lr_df: int
    lr_p_value: float
    converged: bool
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe."""
        return {
            "kind": self.kind,
            "measure": self.measure,
            "n": self.n,
            "aic": to_jsonable(self.aic),
            "pseudo_r2": to_jsonable(self.pseudo_r2),
            "lr_statistic": to_jsonable(self.lr_statistic),
            "lr_df": self.lr_df,
            "lr_p_value": to_jsonable(self.lr_p_value),
            "converged": self.converged,
            "notes": list(self.notes),
            "effects": to_jsonable(self.table),
        }


@dataclass(frozen=True)
class SatisfactionResult:
    """Victims' satisfaction: ``items`` (item → % satisfied), ``table`` (by group), the model.

    ``table``: item, dimension (``all``, ``outcome_group``, ``offence_group``,
    ``time_to_outcome``), level, estimate, ci_low, ci_high, n, n_effective, small_base, count.
    ``model`` is ``None`` when it could not be fitted honestly; ``model_note`` says why.
    """

    params: Params
    items: dict[str, SurveyEstimate]
    table: pl.DataFrame
    responses: int
    linked: int
    with_outcome: int
    model: SatisfactionModel | None
    model_note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: items by name, link counts, the by-group table and the model."""
        return {
            **{item: est.to_dict() for item, est in self.items.items()},
            "satisfied_definition": f"score {self.params.settings['satisfied_min']}-7 of 1-7",
            "responses": self.responses,
            "linked_to_crime": self.linked,
            "linked_with_outcome": self.with_outcome,
            "by_group": to_jsonable(self.table),
            "model": self.model.to_dict() if self.model else None,
            "model_note": self.model_note,
        }


def _band(days: int | None) -> str:
    if days is None:
        return HEADLINE_GROUPS["open"]
    for label, limit in TIME_BANDS:
        if limit is None or days < limit:
            return label
    raise AssertionError(days)  # pragma: no cover


def link_responses(responses: pl.DataFrame, crimes: pl.DataFrame) -> pl.DataFrame:
    """``responses`` with offence_group, outcome_group, days/years to outcome, time band.

    ``crimes``: crime_ref, offence_group, recorded_date, outcome_code, outcome_date. A response
    whose crime is not found has ``linked = False`` and group ``not linked to a crime``.
    """
    crimes = crimes.select(
        "crime_ref", "offence_group", "recorded_date", "outcome_code", "outcome_date"
    ).unique("crime_ref")
    out = responses.join(crimes, on="crime_ref", how="left").with_columns(
        linked=pl.col("recorded_date").is_not_null()
    )
    codes = out["outcome_code"].to_list()
    linked = out["linked"].to_list()
    groups = [headline_group(c) if ok else NOT_LINKED for c, ok in zip(codes, linked, strict=True)]
    out = out.with_columns(
        outcome_group=pl.Series(groups, dtype=pl.String),
        offence_group=pl.when(pl.col("linked"))
        .then(pl.col("offence_group"))
        .otherwise(pl.lit(NOT_LINKED)),
        days_to_outcome=(pl.col("outcome_date") - pl.col("recorded_date")).dt.total_days(),
    )
    bands = [
        _band(d) if ok else NOT_LINKED
        for d, ok in zip(out["days_to_outcome"].to_list(), linked, strict=True)
    ]
    return out.with_columns(
        time_to_outcome=pl.Series(bands, dtype=pl.String),
        years_to_outcome=pl.col("days_to_outcome") / 365.25,
    )


def _satisfied(scores: pl.Series, satisfied_min: int) -> np.ndarray:
    s = scores.cast(pl.Float64).to_numpy().astype(float)
    return np.where(np.isnan(s), np.nan, (s >= satisfied_min).astype(float))


def _design(
    frame: pl.DataFrame, min_level_n: int
) -> tuple[np.ndarray, list[tuple[str, str, int, bool]], list[str]]:
    """Dummy-coded outcome and offence groups plus years; (X without constant, columns, notes)."""
    notes: list[str] = []
    columns: list[np.ndarray] = []
    names: list[tuple[str, str, int, bool]] = []
    for term, preferred in (("outcome_group", "other"), ("offence_group", None)):
        values = frame[term].to_list()
        counts = {v: values.count(v) for v in set(values)}
        small = sorted(v for v, c in counts.items() if c < min_level_n)
        if small:
            values = [SMALL_GROUPS if v in small else v for v in values]
            notes.append(
                f"{term}: {', '.join(small)} (under {min_level_n} responses each) are combined "
                f"as '{SMALL_GROUPS}'"
            )
            counts = {v: values.count(v) for v in set(values)}
        ref: str = (
            preferred
            if preferred is not None and preferred in counts
            else max(sorted(counts), key=lambda v: counts[v])
        )
        names.append((term, ref, counts[ref], True))
        for level in sorted(counts):
            if level == ref:
                continue
            columns.append(np.array([v == level for v in values], dtype=float))
            names.append((term, level, counts[level], False))
    columns.append(frame["years_to_outcome"].to_numpy().astype(float))
    names.append(("years_to_outcome", "per year", frame.height, False))
    return np.column_stack(columns), names, notes


def _effects(
    names: list[tuple[str, str, int, bool]], coef: np.ndarray, se: np.ndarray, exponentiate: bool
) -> pl.DataFrame:
    rows: list[tuple[Any, ...]] = []
    i = 0
    for term, level, n, reference in names:
        if reference:
            rows.append((term, level, 1.0 if exponentiate else 0.0, None, None, None, n, True))
            continue
        b, s = float(coef[i]), float(se[i])
        low, high = b - _Z * s, b + _Z * s
        p = float(2 * stats.norm.sf(abs(b / s))) if s > 0 else float("nan")
        if exponentiate:
            b, low, high = math.exp(b), math.exp(low), math.exp(high)
        rows.append((term, level, b, low, high, p, n, False))
        i += 1
    return pl.DataFrame(
        rows,
        schema={
            "term": pl.String,
            "level": pl.String,
            "estimate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "p_value": pl.Float64,
            "n": pl.Int64,
            "reference": pl.Boolean,
        },
        orient="row",
    )


def _fit(frame: pl.DataFrame, kind: str, satisfied_min: int, min_level_n: int) -> SatisfactionModel:
    if frame.height < 50:
        raise ModelError(
            f"only {frame.height} responses are linked to a crime with an outcome; "
            "a model needs at least 50"
        )
    x, names, notes = _design(frame, min_level_n)
    scores = frame["whole_experience"].to_numpy().astype(int)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if kind == "logistic":
            y = (scores >= satisfied_min).astype(float)
            if y.min() == y.max():
                raise ModelError("every linked response is on the same side of 'satisfied'")
            fit = sm.GLM(
                y, sm.add_constant(x, has_constant="add"), family=sm.families.Binomial()
            ).fit()
            coef, se = np.asarray(fit.params)[1:], np.asarray(fit.bse)[1:]
            llf, llnull, k = float(fit.llf), float(fit.llnull), x.shape[1]
            aic, converged, measure = float(fit.aic), bool(fit.converged), "odds ratio"
        else:
            levels = np.unique(scores)
            if levels.size < 3:
                raise ModelError("fewer than 3 distinct whole-experience scores; use the logistic")
            model = OrderedModel(scores, x, distr="probit")
            fit = model.fit(method="bfgs", disp=False, maxiter=2000)
            k = x.shape[1]
            coef, se = np.asarray(fit.params)[:k], np.asarray(fit.bse)[:k]
            counts = np.array([np.sum(scores == v) for v in levels], dtype=float)
            llnull = float(np.sum(counts * np.log(counts / counts.sum())))
            llf, aic = float(fit.llf), float(fit.aic)
            converged = bool(fit.mle_retvals.get("converged", True))
            measure = "shift of the latent score (standard deviations)"
    for w in caught:
        notes.append(f"{w.category.__name__}: {str(w.message).splitlines()[0]}")
    if not np.all(np.isfinite(se)):
        raise ModelError(
            "the model's standard errors are not finite (separation or a level "
            "with no variation); merge small groups or use fewer predictors"
        )
    if np.any(np.abs(coef) > 15) or np.any(se > 50):
        # A coefficient this large (an odds ratio beyond e^15) or this uncertain means
        # (quasi-)complete separation: some group is all satisfied or all not. Its estimate is
        # not finite in truth, so no effect is reported rather than a meaningless number.
        raise ModelError(
            "the model shows (quasi-)complete separation: a group's responses are all on one "
            "side of 'satisfied'; merge small groups or use the ordered model"
        )
    lr = 2 * (llf - llnull)
    return SatisfactionModel(
        kind=kind,
        measure=measure,
        table=_effects(names, coef, se, exponentiate=kind == "logistic"),
        n=frame.height,
        aic=aic,
        pseudo_r2=1 - llf / llnull if llnull else float("nan"),
        lr_statistic=lr,
        lr_df=k,
        lr_p_value=float(stats.chi2.sf(lr, k)),
        converged=converged,
        notes=tuple(notes),
    )


def victim_satisfaction(
    responses: pl.DataFrame,
    crimes: pl.DataFrame,
    *,
    satisfied_min: int = 5,
    model: str = "logistic",
    ci_method: str = "logit",
    min_base: float = 30,
    min_level_n: int = 10,
) -> SatisfactionResult:
    """% satisfied per item overall and by group, and the model (see module docstring)."""
    if not 2 <= satisfied_min <= 7:
        raise InputError(f"satisfied_min={satisfied_min!r} must be 2-7 on the 1-7 scale, e.g. 5")
    if model not in MODELS:
        raise InputError(f"satisfaction model {model!r} is not one of {', '.join(MODELS)}")
    frame = link_responses(responses, crimes)
    w = np.ones(frame.height)
    items: dict[str, SurveyEstimate] = {}
    rows: list[dict[str, Any]] = []
    for item in ITEMS:
        y = _satisfied(frame[item], satisfied_min)
        items[item] = weighted_share(y, w, ci_method=ci_method, min_base=min_base)
        rows.append(_row(item, "all", "all", items[item]))
        for dimension in ("outcome_group", "offence_group", "time_to_outcome"):
            levels = frame[dimension].to_numpy()
            for level in _ordered(dimension, set(levels.tolist())):
                est = weighted_share(y, w, levels == level, ci_method=ci_method, min_base=min_base)
                rows.append(_row(item, dimension, level, est))
    sample = frame.filter(
        pl.col("linked")
        & pl.col("outcome_group").ne("open")
        & pl.col("years_to_outcome").is_not_null()
        & pl.col("whole_experience").is_not_null()
    )
    fitted: SatisfactionModel | None
    try:
        fitted = _fit(sample, model, satisfied_min, min_level_n)
        note = ""
    except ModelError as error:
        fitted, note = None, str(error)
    params = Params(
        method=f"% satisfied (score {satisfied_min}+ of 7) with {ci_method} intervals; "
        f"{'logistic regression' if model == 'logistic' else 'ordered probit'} of "
        "whole-experience satisfaction",
        citation=CITATION,
        settings={
            "satisfied_min": satisfied_min,
            "model": model,
            "ci_method": ci_method,
            "min_base": min_base,
            "min_level_n": min_level_n,
        },
    )
    return SatisfactionResult(
        params=params,
        items=items,
        table=pl.DataFrame(rows, schema=_TABLE_SCHEMA),
        responses=frame.height,
        linked=int(frame["linked"].sum()),
        with_outcome=int(
            frame.filter(pl.col("linked") & pl.col("outcome_group").ne("open")).height
        ),
        model=fitted,
        model_note=note,
    )


_TABLE_SCHEMA = {
    "item": pl.String,
    "dimension": pl.String,
    "level": pl.String,
    "estimate": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "n": pl.Int64,
    "n_effective": pl.Float64,
    "small_base": pl.Boolean,
    "count": pl.Int64,
}


def _row(item: str, dimension: str, level: str, est: SurveyEstimate) -> dict[str, Any]:
    return {
        "item": item,
        "dimension": dimension,
        "level": level,
        "estimate": est.estimate,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "n": est.n,
        "n_effective": est.n_effective,
        "small_base": est.small_base,
        "count": est.count,
    }


def _ordered(dimension: str, levels: set[str]) -> list[str]:
    if dimension == "outcome_group":
        order = [*HEADLINE_GROUPS, NOT_LINKED]
    elif dimension == "time_to_outcome":
        order = [label for label, _ in TIME_BANDS] + [HEADLINE_GROUPS["open"], NOT_LINKED]
    else:
        order = [*sorted(levels - {NOT_LINKED}), NOT_LINKED]
    return [lv for lv in order if lv in levels] + sorted(levels - set(order))
