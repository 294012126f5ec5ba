"""The survey view: the tables every survey output renders, taken from the Result as given.

A public report renders the public Result (:func:`vawg.survey.disclose_survey`); nothing here
changes a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from vawg.report.page import disclosure_rule, is_public
from vawg.survey import SurveyResult

__all__ = ["SurveyView", "count_text", "survey_view"]


@dataclass(frozen=True)
class SurveyView:
    """The frames a report shows; ``rule`` is the public Result's disclosure rule (or None)."""

    public: bool
    rule: dict[str, Any] | None
    estimates: pl.DataFrame
    satisfaction: pl.DataFrame
    themes: pl.DataFrame
    side: pl.DataFrame
    margins: pl.DataFrame
    effects: pl.DataFrame
    quarantine: pl.DataFrame
    examples: pl.DataFrame


def count_text(value: int | None) -> str:
    """A headline count as text: ``–`` when it is not shown."""
    return "–" if value is None else f"{value:,}"


def survey_view(result: SurveyResult) -> SurveyView:
    """The frames to show."""
    public = is_public(result.params.settings)
    model = result.satisfaction.model if result.satisfaction else None
    return SurveyView(
        public=public,
        rule=disclosure_rule(result.params.settings) if public else None,
        estimates=result.public.table if result.public else pl.DataFrame(),
        satisfaction=result.satisfaction.table if result.satisfaction else pl.DataFrame(),
        themes=result.themes.table if result.themes else pl.DataFrame(),
        side=result.side_by_side.table if result.side_by_side else pl.DataFrame(),
        margins=result.weighting.table if result.weighting else pl.DataFrame(),
        effects=model.table if model else pl.DataFrame(),
        quarantine=result.quarantine,
        examples=result.themes.examples if result.themes else pl.DataFrame(),
    )
