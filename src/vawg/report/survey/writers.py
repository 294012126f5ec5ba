"""The survey report's machine-readable outputs: the JSON document and the CSV rows."""

from __future__ import annotations

from typing import Any

import polars as pl

from vawg.disclosure import RULE_TEXT
from vawg.report.survey.view import SurveyView, _scalar, survey_view
from vawg.results import to_jsonable
from vawg.survey import SurveyResult
from vawg.survey.public import INDICATORS
from vawg.survey.satisfaction import ITEMS

# ---------------------------------------------------------------- JSON and CSV


def _est_dict(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    keys = (
        "estimate",
        "ci_low",
        "ci_high",
        "n",
        "n_effective",
        "small_base",
        "se",
        "count",
        "p_value",
    )
    return {k: to_jsonable(row.get(k)) for k in keys if k in row}


def _all_row(frame: pl.DataFrame, key: str, value: str) -> dict[str, Any] | None:
    if frame.is_empty():
        return None
    rows = frame.filter(pl.col(key) == value, pl.col("dimension") == "all").to_dicts()
    return rows[0] if rows else None


def survey_json(result: SurveyResult, *, public: bool, threshold: int) -> dict[str, Any]:
    """The JSON document: headline shares as top-level keys, then every part."""
    data = result.to_dict(include_examples=not public)
    data["classification"] = "public" if public else "restricted"
    if not public:
        return data
    view = survey_view(result, public=True, threshold=threshold)
    for name in INDICATORS:
        if name in data:
            data[name] = _est_dict(_all_row(view.estimates, "indicator", name))
    if result.public:
        data["by_group"] = to_jsonable(view.estimates)
        data["respondents"] = _scalar(result.public.n, view)
    raking = data["weighting"]["raking"]
    if raking and result.weighting:
        raking["margins"] = to_jsonable(view.margins)
        raking["n"] = _scalar(result.weighting.n, view)
        raking["trimmed"] = _scalar(result.weighting.trimmed, view)
    themes = data["reasons_not_reported"]
    if themes and result.themes:
        themes["themes"] = to_jsonable(view.themes)
        themes["reasons_given"] = _scalar(result.themes.reasons, view)
        themes["unclassified"] = _scalar(result.themes.unclassified, view)
    sat = data["victim_satisfaction"]
    if sat and result.satisfaction:
        for item in ITEMS:
            sat[item] = _est_dict(_all_row(view.satisfaction, "item", item))
        sat["by_group"] = to_jsonable(view.satisfaction)
        for key, value in (
            ("responses", result.satisfaction.responses),
            ("linked_to_crime", result.satisfaction.linked),
            ("linked_with_outcome", result.satisfaction.with_outcome),
        ):
            sat[key] = _scalar(value, view)
        if sat["model"]:
            sat["model"]["effects"] = to_jsonable(view.effects)
    side = data["crime_and_survey"]
    if side and result.side_by_side:
        side["districts"] = to_jsonable(view.side)
        side["unplaced_crimes"] = _scalar(result.side_by_side.unplaced, view)
    data["quarantine"] = to_jsonable(view.quarantine)
    data["disclosure"] = RULE_TEXT.format(limit=threshold - 1)
    return data


def survey_csv_rows(view: SurveyView) -> tuple[list[str], list[list[Any]]]:
    """The by-group estimates as CSV header and rows (what the report's tables show)."""
    frame = view.estimates
    return frame.columns, [list(r) for r in frame.iter_rows()]
