"""The victims' satisfaction survey: five items as % satisfied, by outcome, and a model.

Each item is scored 1 (very dissatisfied) to 7 (completely satisfied); *satisfied* is a score of
``satisfied_min`` (default 5) or more. Responses link to crimes by ``crime_ref`` where one is
given and found, which gives the crime's offence group, its Home Office outcome type (grouped by
:func:`vawg.outcomes.framework.headline_group`) and the time from recording to outcome.

The model (:mod:`vawg.survey.satisfaction_model`) explains whole-experience satisfaction by
outcome group, offence group, years to outcome and whether the victim was satisfied with being
kept informed, on responses linked to a crime that has an outcome: a logistic regression of
*satisfied* (odds ratios) or an ordered probit of the 1-7 score, with Firth's penalised logistic
regression as the fallback under separation; ``method_used`` names the model fitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from vawg.errors import InputError, ModelError
from vawg.outcomes.framework import HEADLINE_GROUPS, headline_group
from vawg.results import Params, to_jsonable
from vawg.survey.estimates import SurveyEstimate, weighted_share
from vawg.survey.satisfaction_model import (
    KEPT_INFORMED_TERM,
    MODEL_CITATION,
    SMALL_GROUPS,
    SatisfactionModel,
    fit_satisfaction_model,
)

__all__ = [
    "ITEMS",
    "MODELS",
    "SMALL_GROUPS",
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
TIME_BANDS = (
    ("under 1 month", 31),
    ("1-3 months", 92),
    ("3-6 months", 183),
    ("6-12 months", 366),
    ("over 1 year", None),
)
CITATION = MODEL_CITATION + " Home Office crime outcomes framework."


@dataclass(frozen=True)
class SatisfactionResult:
    """Victims' satisfaction: ``items`` (item → % satisfied), ``table`` (by group), the model.

    ``table``: item, dimension (``all``, ``outcome_group``, ``offence_group``,
    ``time_to_outcome``), level, estimate, ci_low, ci_high, n, n_effective, small_base, count.
    ``model`` is ``None`` when it could not be fitted honestly; ``model_note`` says why.
    ``surveyed``: the first and last survey date (``None`` when no response is dated).
    """

    params: Params
    items: dict[str, SurveyEstimate]
    table: pl.DataFrame
    responses: int
    linked: int
    with_outcome: int
    model: SatisfactionModel | None
    model_note: str
    surveyed: tuple[date, date] | None = None

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
            "surveyed": to_jsonable(list(self.surveyed)) if self.surveyed else None,
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
    answered = sample.filter(pl.col(KEPT_INFORMED_TERM).is_not_null())
    dropped = sample.height - answered.height
    if answered.height >= 50:
        # Being kept informed enters the model when enough responses answer it.
        sample = answered.with_columns(
            (pl.col(KEPT_INFORMED_TERM) >= satisfied_min).cast(pl.Float64).alias(KEPT_INFORMED_TERM)
        )
    else:
        sample = sample.drop(KEPT_INFORMED_TERM)
        dropped = 0
    fitted: SatisfactionModel | None
    try:
        fitted = fit_satisfaction_model(sample, model, satisfied_min, min_level_n)
        note = (
            f"{dropped} responses without a 'kept informed' answer are left out of the model."
            if dropped
            else ""
        )
    except ModelError as error:
        fitted, note = None, str(error)
    params = Params(
        method=f"% satisfied (score {satisfied_min}+ of 7) with {ci_method} intervals; "
        f"{'logistic regression' if model == 'logistic' else 'ordered probit'} of "
        "whole-experience satisfaction (Firth's penalised logistic regression under separation)",
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
        surveyed=_surveyed(responses),
    )


def _surveyed(responses: pl.DataFrame) -> tuple[date, date] | None:
    """The first and last survey date, when the responses carry dates."""
    if "survey_date" not in responses.columns:
        return None
    dates = responses["survey_date"].drop_nulls()
    if dates.is_empty():
        return None
    return dates.min(), dates.max()  # type: ignore[return-value]


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
