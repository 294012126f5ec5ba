"""The survey report: :class:`~vawg.survey.SurveyResult` → HTML, JSON and CSV.

Public output (``public=True``) passes every count through :func:`vawg.disclosure.suppress`
(bases, numerators and their complements, theme counts, crime counts, quarantine counts, model
group sizes), hides what is computed from a suppressed count, and shows no free-text quotes and
no respondent identifiers. Nothing here computes a statistic.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from vawg.disclosure import RULE_TEXT, suppress
from vawg.outcomes.framework import HEADLINE_GROUPS
from vawg.report.page import Classification, Section, figure_html, render_page, table_html
from vawg.results import to_jsonable
from vawg.survey import SurveyResult
from vawg.survey.public import INDICATORS
from vawg.survey.satisfaction import ITEMS
from vawg.survey.side_by_side import SURVEY_COLUMNS

__all__ = ["SurveyView", "survey_csv_rows", "survey_html", "survey_json", "survey_view"]

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
_ACCENT, _GREY = "#5b2a86", "#9aa1ad"


@dataclass(frozen=True)
class SurveyView:
    """The frames a report shows, already disclosure-controlled when ``public``."""

    public: bool
    threshold: int
    estimates: pl.DataFrame
    satisfaction: pl.DataFrame
    themes: pl.DataFrame
    side: pl.DataFrame
    margins: pl.DataFrame
    effects: pl.DataFrame
    quarantine: pl.DataFrame
    examples: pl.DataFrame


def _estimates(frame: pl.DataFrame, threshold: int, groups: list[str]) -> pl.DataFrame:
    """Suppress small bases, then small numerators and complements (shares), with dependents."""
    if frame.is_empty():
        return frame.with_columns(suppressed=pl.lit(False))
    deps = [c for c in _ESTIMATE_DEPENDENTS if c in frame.columns]
    out = suppress(frame, "n", threshold=threshold, margins=[groups], dependents=deps)
    hidden = out["suppressed"]
    out = out.drop("suppressed").with_columns(_rest=pl.col("n") - pl.col("count"))
    for column in ("count", "_rest"):
        out = suppress(
            out, column, threshold=threshold, margins=[groups], dependents=[*deps, "_rest", "n"]
        )
        hidden = hidden | out["suppressed"]
        out = out.drop("suppressed")
    return out.drop("_rest").with_columns(suppressed=hidden)


def _counts(
    frame: pl.DataFrame,
    column: str,
    threshold: int,
    margins: Sequence[Sequence[str]],
    dependents: list[str],
) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    return suppress(
        frame,
        column,
        threshold=threshold,
        margins=margins,
        dependents=[d for d in dependents if d in frame.columns],
    )


def _scalar(value: int, view: SurveyView) -> int | None:
    if not view.public:
        return value
    return suppress(pl.DataFrame({"n": [value]}), "n", threshold=view.threshold, margins=[])["n"][0]


def survey_view(result: SurveyResult, *, public: bool, threshold: int) -> SurveyView:
    """The frames to show, suppressed when ``public``."""
    est = result.public.table if result.public else pl.DataFrame()
    sat = result.satisfaction.table if result.satisfaction else pl.DataFrame()
    themes = result.themes.table if result.themes else pl.DataFrame()
    side = result.side_by_side.table if result.side_by_side else pl.DataFrame()
    margins = result.weighting.table if result.weighting else pl.DataFrame()
    model = result.satisfaction.model if result.satisfaction else None
    effects = model.table if model else pl.DataFrame()
    examples = result.themes.examples if result.themes else pl.DataFrame()
    quarantine = result.quarantine
    if public:
        est = _estimates(est, threshold, ["indicator", "dimension"])
        sat = _estimates(sat, threshold, ["item", "dimension"])
        themes = _counts(
            themes, "respondents", threshold, [], ["share", "weighted_share", "ci_low", "ci_high"]
        )
        margins = _counts(
            margins, "respondents", threshold, [["variable"]], ["sample_share", "weighted_share"]
        )
        effects = _counts(
            effects, "n", threshold, [["term"]], ["estimate", "ci_low", "ci_high", "p_value"]
        )
        quarantine = _counts(quarantine, "records", threshold, [["table"]], [])
        if not side.is_empty():
            side = _counts(
                side,
                "vawg_crimes",
                threshold,
                [()],
                ["rate_per_1000", "rate_ci_low", "rate_ci_high"],
            )
            keep = [c for c in side.columns if not c.startswith(SURVEY_COLUMNS)]
            side = side.select(keep)
            for name in SURVEY_COLUMNS:
                part = est.filter(pl.col("indicator") == name, pl.col("dimension") == "district")
                side = side.join(
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
        examples = pl.DataFrame(schema={"theme": pl.String, "quote": pl.String})
    return SurveyView(
        public, threshold, est, sat, themes, side, margins, effects, quarantine, examples
    )


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


# ---------------------------------------------------------------- formatting


def _pct(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.{digits}f}%"


def _ci(row: dict[str, Any] | None, *, points: bool = False) -> str:
    if not row or row.get("ci_low") is None:
        return ""
    if points:
        return f"95% CI {100 * row['ci_low']:+.1f} to {100 * row['ci_high']:+.1f} points"
    return f"95% CI {_pct(row['ci_low'])}–{_pct(row['ci_high'])}"


def _value(row: dict[str, Any] | None) -> float | None:
    return None if row is None else row.get("estimate")


def _kpi(value: str, label: str, ci: str) -> str:
    return (
        f'<div class="kpi"><div class="v">{html.escape(value)}</div><div class="l">'
        f'{html.escape(label)}</div><div class="ci">{html.escape(ci)}</div></div>'
    )


def _label(level: str, dimension: str = "") -> str:
    if dimension in ("outcome_group", "outcome"):
        return HEADLINE_GROUPS.get(level, level.replace("_", " "))
    return level.replace("_", " ")


def _labels(frame: pl.DataFrame) -> list[str]:
    dims = (
        frame["dimension"].to_list()
        if "dimension" in frame.columns
        else (frame["term"].to_list() if "term" in frame.columns else [""] * frame.height)
    )
    return [_label(level, dim) for level, dim in zip(frame["level"].to_list(), dims, strict=True)]


def _p_text(column: str) -> pl.Expr:
    return pl.col(column).map_elements(_p, return_dtype=pl.String)


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _shares_table(frame: pl.DataFrame, caption: str, *, rest: bool = True) -> str:
    frame = frame.with_columns(pl.Series("group", _labels(frame), dtype=pl.String))
    cols = [pl.col("group")]
    cols += [(pl.col(c) * 100).round(1).alias(f"{c} %") for c in ("estimate", "ci_low", "ci_high")]
    cols += [pl.col("n"), pl.col("n_effective").round(0).alias("effective n"), pl.col("small_base")]
    if rest and "vs_rest" in frame.columns:
        cols += [
            (pl.col("vs_rest") * 100).round(1).alias("vs rest of Kent (points)"),
            _p_text("vs_rest_p_holm").alias("p (Holm)"),
        ]
    return table_html(frame.select(cols), caption=caption)


def _dot_plot(
    frames: list[tuple[str, pl.DataFrame, str]],
    title: str,
    *,
    percent: bool = True,
    log_x: bool = False,
) -> str:
    fig = go.Figure()
    for name, frame, colour in frames:
        if frame.is_empty():
            continue
        scale = 100 if percent else 1
        x = [None if v is None else v * scale for v in frame["estimate"].to_list()]
        lo = [
            None if (v is None or e is None) else (e - v) * scale
            for v, e in zip(frame["ci_low"].to_list(), frame["estimate"].to_list(), strict=True)
        ]
        hi = [
            None if (v is None or e is None) else (v - e) * scale
            for v, e in zip(frame["ci_high"].to_list(), frame["estimate"].to_list(), strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_labels(frame),
                mode="markers",
                name=name,
                marker={"color": colour, "size": 10},
                error_x={"type": "data", "array": hi, "arrayminus": lo, "color": colour},
            )
        )
    fig.update_layout(title=title, xaxis_title="%" if percent else "", legend={"orientation": "h"})
    if log_x:
        fig.update_xaxes(type="log")
        fig.add_vline(x=1, line_dash="dot", line_color=_GREY)
    height = 120 + 28 * max((f.height for _, f, _ in frames), default=1)
    return figure_html(fig, height=max(300, height))


def _part(frame: pl.DataFrame, key: str, value: str, dimension: str) -> pl.DataFrame:
    if frame.is_empty():
        return frame
    return frame.filter(pl.col(key) == value, pl.col("dimension") == dimension)


# ---------------------------------------------------------------- sections


def _significant(view: SurveyView, indicator: str, sign: int) -> list[str]:
    rows = (
        _part(view.estimates, "indicator", indicator, "district")
        .filter(
            pl.col("vs_rest_p_holm") < 0.05, pl.col("vs_rest") * sign > 0, ~pl.col("small_base")
        )
        .sort("estimate", descending=sign > 0)
    )
    return [f"{r['level']} ({_pct(r['estimate'])})" for r in rows.to_dicts()]


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
            "(differences that survive a Holm correction for 13 comparisons)."
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
        if model is not None:
            years = view.effects.filter(pl.col("term") == "years_to_outcome").to_dicts()
            if years and years[0]["estimate"] is not None and model.kind == "logistic":
                text += (
                    f"; each extra year to an outcome multiplies the odds of being satisfied "
                    f"by {years[0]['estimate']:.2f} (95% CI {years[0]['ci_low']:.2f}–"
                    f"{years[0]['ci_high']:.2f})"
                )
        points.append(text + ".")
    if result.side_by_side and not view.side.is_empty():
        rates = view.side.filter(pl.col("rate_per_1000").is_not_null()).sort("rate_per_1000")
        if rates.height >= 2:
            lo, hi = rates.row(0, named=True), rates.row(-1, named=True)
            points.append(
                f"Recorded VAWG crime runs from {lo['rate_per_1000']:.1f} per 1,000 women and girls "
                f"a year ({lo['district']}) to {hi['rate_per_1000']:.1f} ({hi['district']}); "
                "recorded crime is only what is reported, and most of it is not (see below)."
            )
    if result.weighting or result.weight_source:
        points.append(
            f"Weights: {result.weight_source}. Design effect {result.design_effect:.2f}: the "
            f"{_scalar(result.public.n, view) if result.public else 0:,} answers carry the "
            f"precision of about {result.n_effective:,.0f} from a random sample."
        )
    body = (
        f'<div class="kpis">{"".join(kpis)}</div>'
        f'<div class="callout"><ul>{"".join(f"<li>{html.escape(p)}</li>" for p in points)}'
        "</ul></div>"
    )
    if result.weighting and not result.weighting.converged:
        body += '<p class="warning">Raking did not converge: weights meet the margins only approximately.</p>'
    return Section("Summary", body)


def _safety(view: SurveyView) -> Section:
    est = view.estimates
    night = _part(est, "indicator", "unsafe_night_share", "district").sort("estimate")
    day = _part(est, "indicator", "unsafe_day_share", "district")
    order = night["level"].to_list()
    day = day.sort(
        pl.col("level").replace_strict({v: i for i, v in enumerate(order)}, default=len(order))
    )
    chart = _dot_plot(
        [("at night", night, _ACCENT), ("by day", day, _GREY)],
        "Feel unsafe in the town centre, by district (95% CI)",
    )
    diff = _part(est, "indicator", "unsafe_night_minus_day", "district")
    body = chart + _shares_table(
        night.sort("estimate", descending=True),
        "Feel unsafe at night (score 1-2 of 5), by district",
    )
    body += _shares_table(
        diff.sort("estimate", descending=True),
        "Unsafe at night minus unsafe by day, same respondents (paired), by district",
    )
    subs = []
    for dim, title in (("age_band", "By age band"), ("sex", "By sex")):
        rows = pl.concat(
            [_part(est, "indicator", i, dim) for i in ("unsafe_night_share", "unsafe_day_share")],
            how="vertical",
        )
        if rows.is_empty():
            continue
        table = rows.select(
            pl.col("indicator")
            .replace({"unsafe_night_share": "at night", "unsafe_day_share": "by day"})
            .alias("when"),
            pl.col("level").alias("group"),
            *[
                (pl.col(c) * 100).round(1).alias(f"{c} %")
                for c in ("estimate", "ci_low", "ci_high")
            ],
            "n",
            pl.col("n_effective").round(0).alias("effective n"),
            "small_base",
        )
        subs.append(Section(title, table_html(table)))
    return Section("Feeling safe in town centres", body, subsections=tuple(subs))


def _harassment(view: SurveyView) -> Section:
    est = view.estimates
    parts = []
    for dim, title in (("age_band", "age band"), ("sex", "sex"), ("district", "district")):
        h = _part(est, "indicator", "harassment_share", dim)
        r = _part(est, "indicator", "not_reported_share", dim)
        if dim == "age_band":
            parts.append(
                _dot_plot(
                    [
                        ("experienced harassment or crime", h, _ACCENT),
                        ("did not report it (of those)", r, _GREY),
                    ],
                    f"Harassment and non-reporting by {title} (95% CI)",
                )
            )
        parts.append(_shares_table(h, f"Experienced harassment or crime, by {title}"))
        parts.append(
            _shares_table(
                r, f"Did not report it (base: those who experienced it and answered), by {title}"
            )
        )
    return Section("Harassment and reporting", "".join(parts))


def _reasons(result: SurveyResult, view: SurveyView) -> Section:
    if result.themes is None or view.themes.is_empty():
        return Section("Why people did not report", "<p>No reasons were given.</p>")
    t = view.themes
    fig = go.Figure(
        go.Bar(
            x=[None if v is None else 100 * v for v in t["share"].to_list()][::-1],
            y=t["theme"].to_list()[::-1],
            orientation="h",
            marker_color=_ACCENT,
        )
    )
    fig.update_layout(title="Share of reasons mentioning each theme", xaxis_title="%")
    reasons = _scalar(result.themes.reasons, view)
    unclassified = _scalar(result.themes.unclassified, view)
    body = (
        f"<p>{reasons if reasons is not None else 'Few'} people gave a reason for not "
        f"reporting; {unclassified if unclassified is not None else 'few'} matched no theme. "
        "A reason can mention several themes, so shares add to more than 100%.</p>"
    )
    body += figure_html(fig, height=120 + 30 * t.height)
    body += table_html(
        t.select(
            "theme",
            "respondents",
            (pl.col("share") * 100).round(1).alias("share %"),
            (pl.col("weighted_share") * 100).round(1).alias("weighted %"),
            (pl.col("ci_low") * 100).round(1).alias("ci low %"),
            (pl.col("ci_high") * 100).round(1).alias("ci high %"),
            "keywords",
        ),
        caption="Themes (keyword dictionary)",
    )
    if not view.public and not view.examples.is_empty():
        body += (
            '<p class="warning">Quotes below are restricted: free text can identify '
            "people. They never appear in public output.</p>"
        )
        body += table_html(view.examples.select("theme", "quote"), caption="Example reasons")
    return Section("Why people did not report", body)


def _satisfaction(result: SurveyResult, view: SurveyView) -> Section:
    sat = view.satisfaction
    if result.satisfaction is None or sat.is_empty():
        return Section("Victims' satisfaction", "<p>No victims' satisfaction survey is loaded.</p>")
    s = result.satisfaction
    items = sat.filter(pl.col("dimension") == "all").with_columns(
        level=pl.col("item").replace(ITEMS)
    )
    body = (
        f"<p>{_scalar(s.responses, view)} responses; {_scalar(s.linked, view)} linked to a "
        f"recorded crime, {_scalar(s.with_outcome, view)} of them with an outcome. "
        f"Satisfied = score {s.params.settings['satisfied_min']}-7 on the 1-7 scale.</p>"
    )
    body += _dot_plot([("% satisfied", items, _ACCENT)], "Victims satisfied, by item (95% CI)")
    subs = []
    for dim, title in (
        ("outcome_group", "By outcome group"),
        ("offence_group", "By offence group"),
        ("time_to_outcome", "By time from recording to outcome"),
    ):
        part = _part(sat, "item", "whole_experience", dim)
        subs.append(
            Section(
                title,
                _dot_plot(
                    [("whole experience", part, _ACCENT)],
                    f"Satisfied with the whole experience: {title.lower()}",
                )
                + _shares_table(part, "Satisfied with the whole experience", rest=False),
            )
        )
    model = s.model
    if model is None:
        subs.append(Section("Model", f'<p class="note">No model: {html.escape(s.model_note)}</p>'))
    else:
        eff = view.effects.filter(~pl.col("reference"))
        eff = eff.with_columns(
            level=pl.Series(
                [
                    f"{t.replace('_', ' ')}: {lab}"
                    for t, lab in zip(eff["term"].to_list(), _labels(eff), strict=True)
                ],
                dtype=pl.String,
            ),
            term=pl.lit(""),
        )
        chart = _dot_plot(
            [(model.measure, eff, _ACCENT)],
            f"Whole-experience satisfaction: {model.measure} (95% CI)",
            percent=False,
            log_x=model.kind == "logistic",
        )
        refs = view.effects.filter(pl.col("reference"))
        text = (
            f"<p>{'Logistic regression of satisfied (yes/no)' if model.kind == 'logistic' else 'Ordered probit of the 1-7 score'} "
            f"on outcome group, offence group and years to outcome; n = {_scalar(model.n, view)}. "
            f"Compared with: {', '.join(_labels(refs))}. "
            f"Likelihood-ratio test against no predictors: chi-square {model.lr_statistic:.1f} on "
            f"{model.lr_df} df, p {_p(model.lr_p_value)}; McFadden pseudo-R² {model.pseudo_r2:.3f}; "
            f"AIC {model.aic:.1f}.</p>"
        )
        notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in model.notes)
        table = table_html(
            view.effects.with_columns(
                pl.Series("group", _labels(view.effects), dtype=pl.String)
            ).select(
                pl.col("term").str.replace_all("_", " "),
                "group",
                pl.col("estimate").round(3).alias(model.measure),
                pl.col("ci_low").round(3),
                pl.col("ci_high").round(3),
                _p_text("p_value").alias("p"),
                "n",
                "reference",
            )
        )
        subs.append(Section("Model of whole-experience satisfaction", text + chart + table + notes))
    return Section("Victims' satisfaction", body, subsections=tuple(subs))


def _side(result: SurveyResult, view: SurveyView) -> Section:
    if result.side_by_side is None or view.side.is_empty():
        return Section("Recorded crime and the survey", "<p>No recorded crime is loaded.</p>")
    side = view.side
    names = ("harassment_share", "unsafe_night_share")
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=[INDICATORS[n][1] for n in names], horizontal_spacing=0.08
    )
    for col, name in enumerate(names, start=1):
        est = side[name].to_list()
        fig.add_trace(
            go.Scatter(
                x=side["rate_per_1000"].to_list(),
                y=[None if v is None else 100 * v for v in est],
                error_y={
                    "type": "data",
                    "color": "#c9bfd6",
                    "array": [
                        None if (h is None or e is None) else 100 * (h - e)
                        for h, e in zip(side[f"{name}_ci_high"].to_list(), est, strict=True)
                    ],
                    "arrayminus": [
                        None if (lo is None or e is None) else 100 * (e - lo)
                        for lo, e in zip(side[f"{name}_ci_low"].to_list(), est, strict=True)
                    ],
                },
                mode="markers+text",
                text=side["district"].to_list(),
                textposition="top center",
                textfont={"size": 10},
                marker={"color": _ACCENT, "size": 9},
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(
            title_text="recorded VAWG per 1,000 women and girls a year", row=1, col=col
        )
        fig.update_yaxes(title_text="% of respondents" if col == 1 else "", row=1, col=col)
    table = side.select(
        "district",
        "vawg_crimes",
        pl.col("rate_per_1000").round(2).alias("per 1,000 a year"),
        pl.col("rate_ci_low").round(2).alias("ci low"),
        pl.col("rate_ci_high").round(2).alias("ci high"),
        *[(pl.col(n) * 100).round(1).alias(f"{INDICATORS[n][1]} %") for n in SURVEY_COLUMNS],
    )
    corr = result.side_by_side.correlations.with_columns(
        pl.col("indicator").replace({k: v[1] for k, v in INDICATORS.items()}),
        pl.col("spearman_rho").round(2),
        _p_text("p_value"),
    )
    sbs = result.side_by_side
    body = (
        f"<p>In-scope VAWG crimes recorded {sbs.params.period[0]} to {sbs.params.period[1]} "
        f"({sbs.years:.1f} years) per 1,000 women and girls of all ages a year, beside the "
        "survey. A district can record little and still have many women who experience "
        "harassment: the gap is what is not reported.</p>"
        if sbs.params.period
        else ""
    )
    if sbs.unplaced:
        body += (
            f'<p class="note">{_scalar(sbs.unplaced, view)} in-scope crimes have no district '
            "(no LSOA in the area reference) and are not in the rates.</p>"
        )
    body += (
        figure_html(fig, height=480)
        + table_html(table)
        + table_html(
            corr, caption="Spearman rank correlation with the recorded rate (13 districts)"
        )
    )
    return Section("Recorded crime and the survey", body)


def _weighting(result: SurveyResult, view: SurveyView) -> Section:
    parts = [
        f"<p>Weights: {html.escape(result.weight_source)}. Kish design effect "
        f"{result.design_effect:.2f}; effective sample size {result.n_effective:,.0f}.</p>"
    ]
    r = result.weighting
    if r is not None:
        parts.append(
            f"<p>Raking {'converged' if r.converged else 'did NOT converge'} after {r.iterations} "
            f"iterations (largest margin error {r.max_margin_error:.1e}); weights capped at "
            f"{r.trim_ratio:g} x the median ({_scalar(r.trimmed, view)} trimmed); largest weight "
            f"{r.max_weight_ratio:.1f} x the median. Margins: {html.escape(r.params.settings['margins'])}.</p>"
        )
        parts += [f'<p class="note">{html.escape(n)}</p>' for n in r.notes]
        parts.append(
            table_html(
                view.margins.select(
                    "variable",
                    "level",
                    "respondents",
                    *[
                        (pl.col(c) * 100).round(2).alias(f"{c.replace('_', ' ')} %")
                        for c in ("target_share", "sample_share", "weighted_share")
                    ],
                ),
                caption="Margins: population target, raw sample and weighted sample",
            )
        )
    if view.quarantine.is_empty():
        parts.append("<p>No survey row was quarantined at load.</p>")
    else:
        parts.append(
            table_html(
                view.quarantine,
                caption="Survey rows quarantined at load (not used; see quarantine.csv)",
            )
        )
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in result.notes]
    return Section("Weighting and data quality", "".join(parts))


def _methods(result: SurveyResult, view: SurveyView) -> Section:
    s = result.params.settings
    items = [
        (
            "Unsafe",
            f"a score of 1 to {s['survey_unsafe_max']} on the 1 (very unsafe) to 5 (very "
            "safe) scale. Every share's base is those who answered the item.",
        ),
        (
            "Night vs day",
            "each respondent's own difference (unsafe at night minus unsafe by day), "
            "averaged over those who answered both: a paired difference, so the pairing is in the CI.",
        ),
        (
            "Not reported",
            "reported = N among those asked (people who experienced harassment or "
            "crime and answered).",
        ),
        (
            "Weighting",
            "raking (iterative proportional fitting; Deming & Stephan 1940) to population "
            "margins by district, sex and age band, weights capped at a multiple of the median and "
            "re-raked (Kalton & Flores-Cervantes 2003). Kish (1965) design effect and effective sample "
            "size. A supplied weight column is used as given unless raking is asked for.",
        ),
        (
            "Confidence intervals",
            f"linearisation (Taylor series) variance for a weighted ratio "
            f"(Woodruff 1971; Lumley 2010), treating districts, ages and sexes as domains of the whole "
            f"sample; {s['survey_ci_method']} intervals for shares (Clopper-Pearson on the effective "
            "sample size at 0% or 100%, Korn & Graubard 1998), Wald for means and differences. "
            "Districts are compared with the rest of Kent, with Holm's (1979) correction across "
            "districts; 'all districts equal' is a Wald chi-square test.",
        ),
        (
            "Small bases",
            f"estimates on fewer than {s['survey_min_effective_base']} effective "
            "respondents are flagged small_base and shown, not hidden.",
        ),
        (
            "Reasons",
            "a transparent keyword dictionary (listed in the table): a reason mentions a "
            "theme when it contains one of its keywords as whole words; the dictionary is the "
            "survey_theme_dictionary setting.",
        ),
        (
            "Satisfied",
            f"a score of {s['survey_satisfied_min']} to 7 on the 1-7 scale. Responses "
            "link to crimes by crime_ref; outcome groups are the Home Office headline groups; time to "
            "outcome is recording to outcome date.",
        ),
        (
            "Model",
            f"{s['survey_satisfaction_model']} regression of whole-experience satisfaction on "
            "outcome group, offence group and years to outcome (Hosmer, Lemeshow & Sturdivant 2013; "
            "McKelvey & Zavoina 1975), Wald CIs.",
        ),
        (
            "Recorded crime",
            "in-scope VAWG crimes (vawg scope settings) placed in a district by "
            "LSOA, per 1,000 women and girls (ONS mid-2019, all ages) a year, exact Poisson CI "
            "(Garwood 1936); Spearman rank correlation across districts.",
        ),
    ]
    assumptions = [
        "The survey is self-selected: weighting corrects its mix of district, sex and age, not "
        "the choice to take part, so people who answer may still differ from those who do not.",
        "Male population margins are modelled (female x 0.96), not ONS estimates.",
        "Respondents of sex U or with no age band keep their sample share in raking.",
        "The victims' survey is unweighted: it describes those who answered.",
        "Recorded crime counts crimes (a victim may have several) and only those reported.",
    ]
    body = (
        "<dl>"
        + "".join(f"<dt><b>{html.escape(k)}</b></dt><dd>{html.escape(v)}</dd>" for k, v in items)
        + "</dl>"
    )
    body += (
        "<h3>Assumptions</h3><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in assumptions)
        + "</ul>"
    )
    if view.public:
        body += f'<p class="note">Disclosure control: {html.escape(RULE_TEXT.format(limit=view.threshold - 1))}</p>'
    return Section("Methods, definitions and assumptions", body)


def survey_html(result: SurveyResult, *, public: bool, threshold: int) -> str:
    """The report as one self-contained HTML page."""
    view = survey_view(result, public=public, threshold=threshold)
    sections = [_summary(result, view)]
    if result.public is not None:
        sections += [_safety(view), _harassment(view), _reasons(result, view)]
    sections += [
        _satisfaction(result, view),
        _side(result, view),
        _weighting(result, view),
        _methods(result, view),
    ]
    return render_page(
        "Public safety and victims' satisfaction surveys",
        sections,
        classification=Classification.public(threshold) if public else Classification.restricted(),
        subtitle="How safe people feel, what they experience and report, and how victims rate "
        "the service — weighted to the Kent population, with 95% confidence intervals.",
    )
