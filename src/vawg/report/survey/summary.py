"""The survey report's summary section: the headline indicators and what stands out."""

from __future__ import annotations

import html

import polars as pl

from vawg.report.page import Section
from vawg.report.survey._format import _ci, _kpi, _pct, _significant, _value
from vawg.report.survey.satisfaction import likely_words, surveyed_text
from vawg.report.survey.view import SurveyView, count_text
from vawg.report.survey.writers import _all_row
from vawg.survey import SurveyResult
from vawg.survey.analysis import WEIGHT_SOURCES
from vawg.survey.satisfaction_model import clearest_effect

_TERM_WORDS = {
    "kept_informed": "victims satisfied with being kept informed",
    "years_to_outcome": "each extra year to an outcome",
    "outcome_group": "victims whose outcome was '{level}'",
    "offence_group": "victims of {level}",
}


PUBLIC_SURVEY_WHEN = (
    "it asks about the last year, but its data do not say when each person was asked"
)
"""What the public survey can say about time, in plain words (its file has no interview
dates), for every report and the open site."""


def _clearest_link(effects: pl.DataFrame) -> str:
    """The model's clearest link with satisfaction in words
    (:func:`~vawg.survey.satisfaction_model.clearest_effect`), or that none is clear."""
    row = clearest_effect(effects)
    if row is None:
        return "no group, and not the time to an outcome, is clearly linked with it in the model"
    who = _TERM_WORDS.get(row["term"], row["term"].replace("_", " ")).format(
        level=str(row["level"]).replace("_", " ")
    )
    likely = likely_words(row["estimate"])
    # In words, as the model's table has it; the odds ratio and its interval are in the
    # model's details (the demo's "5.8 times the odds" read as jargon).
    if row["term"] == "years_to_outcome":
        return f"with {who}, victims were {likely} to be satisfied (a clear link; see the model)"
    return f"{who} were {likely} to be satisfied (a clear link; see the model)"


def _district_rate(row: dict[str, object]) -> str:
    """A district's recorded-crime rate with its interval, e.g. ``6.8 (Thanet, 95% CI 6.6 to
    7.1)``."""
    ci = (
        f", 95% CI {row['rate_ci_low']:.1f} to {row['rate_ci_high']:.1f}"
        if row.get("rate_ci_low") is not None and row.get("rate_ci_high") is not None
        else ""
    )
    return f"{row['rate_per_1000']:.1f} ({row['district']}{ci})"


def _summary(result: SurveyResult, view: SurveyView) -> Section:
    est = view.estimates
    night = _all_row(est, "indicator", "unsafe_night_share")
    day = _all_row(est, "indicator", "unsafe_day_share")
    diff = _all_row(est, "indicator", "unsafe_night_minus_day")
    harass = _all_row(est, "indicator", "harassment_share")
    notrep = _all_row(est, "indicator", "not_reported_share")
    whole = _all_row(view.satisfaction, "item", "whole_experience")
    kpis = [
        _kpi(_pct(_value(night)), "feel unsafe in town centres at night", _ci(night)),
        _kpi(_pct(_value(day)), "feel unsafe in town centres by day", _ci(day)),
        _kpi(
            f"{100 * diff['estimate']:+.0f} pts" if diff and diff["estimate"] is not None else "–",
            "night minus day (same people)",
            _ci(diff, points=True),
        ),
        _kpi(_pct(_value(harass)), "experienced harassment or crime", _ci(harass)),
        _kpi(_pct(_value(notrep)), "of those did not report it", _ci(notrep)),
        _kpi(_pct(_value(whole)), "victims satisfied with the whole experience", _ci(whole)),
    ]
    points: list[str] = []
    if night and day and night["estimate"] is not None and day["estimate"] is not None:
        points.append(
            f"{_pct(night['estimate'])} of people feel unsafe in their town centre at night, "
            f"against {_pct(day['estimate'])} by day."
        )
    more, fewer = (_significant(view, "unsafe_night_share", s) for s in (1, -1))
    if more or fewer:
        points.append(
            "Feeling unsafe at night is clearly higher than in the rest of Kent in "
            f"{', '.join(more) or 'no district'}, and lower in {', '.join(fewer) or 'no district'} "
            "(clear even after allowing for comparing every district)."
        )
    if notrep and notrep["estimate"] is not None:
        top = (
            view.themes.filter(pl.col("respondents").is_not_null()).head(2).to_dicts()
            if not view.themes.is_empty()
            else []
        )
        reasons = " and ".join(f"“{t['theme']}” ({_pct(t['share'])} of reasons)" for t in top)
        points.append(
            f"{_pct(notrep['estimate'])} of those who experienced harassment or crime did not "
            f"report it{'; the most common reasons: ' + reasons if reasons else ''}."
        )
    model = result.satisfaction.model if result.satisfaction else None
    if whole and whole["estimate"] is not None:
        text = f"{_pct(whole['estimate'])} of victims surveyed were satisfied with the whole experience"
        if model is not None and model.measure == "odds ratio":
            text += "; " + _clearest_link(view.effects)
        points.append(text + ".")
    if result.side_by_side and not view.side.is_empty():
        rates = view.side.filter(pl.col("rate_per_1000").is_not_null()).sort("rate_per_1000")
        if rates.height >= 2:
            lo, hi = rates.row(0, named=True), rates.row(-1, named=True)
            points.append(
                f"Recorded VAWG crime runs from {_district_rate(lo)} to {_district_rate(hi)} "
                "crimes per 1,000 women and girls a year; recorded crime is only what is "
                "reported, and most of it is not (see below)."
            )
    if result.public is not None:
        weighted = (
            "weighted to Kent's population by district, sex and age"
            if result.weighting is not None
            else (
                "weighted as supplied"
                if result.weight_source != WEIGHT_SOURCES["equal"]
                else "not weighted"
            )
        )
        points.append(
            f"The public survey had {count_text(result.public.n)} answers, {weighted}; "
            f"{PUBLIC_SURVEY_WHEN}."
        )
    if result.satisfaction is not None:
        points.append(
            surveyed_text(result.satisfaction)
            + " Their answers are not weighted: they describe those who answered."
        )
    body = (
        f'<div class="kpis">{"".join(kpis)}</div>'
        f'<div class="callout"><ul>{"".join(f"<li>{html.escape(p)}</li>" for p in points)}'
        "</ul></div>"
    )
    if result.weighting and not result.weighting.converged:
        body += (
            '<p class="warning">The weighted answers match Kent\'s population only '
            "approximately.</p>"
        )
    return Section("Summary", body)
