"""The survey report's machine-readable outputs: the JSON document and the CSV rows."""

from __future__ import annotations

from typing import Any

import polars as pl

from vawg.report.page import disclosure_rule, is_public
from vawg.report.survey.view import SurveyView
from vawg.survey import SurveyResult

# ---------------------------------------------------------------- JSON and CSV


def _all_row(frame: pl.DataFrame, key: str, value: str) -> dict[str, Any] | None:
    if frame.is_empty():
        return None
    rows = frame.filter(pl.col(key) == value, pl.col("dimension") == "all").to_dicts()
    return rows[0] if rows else None


def survey_json(result: SurveyResult) -> dict[str, Any]:
    """The JSON document: headline shares as top-level keys, then every part (the public
    Result's, with no free-text quotes, when ``result`` is the public one)."""
    public = is_public(result.params.settings)
    data = result.to_dict(include_examples=not public)
    data["classification"] = "public" if public else "restricted"
    if public:
        data["disclosure"] = disclosure_rule(result.params.settings)["summary"]
    return data


def survey_csv_rows(view: SurveyView) -> tuple[list[str], list[list[Any]]]:
    """The by-group estimates as CSV header and rows (what the report's tables show)."""
    frame = view.estimates
    return frame.columns, [list(r) for r in frame.iter_rows()]
