"""The survey report's victims' satisfaction section."""

from __future__ import annotations

import html

import polars as pl

from vawg.report import fmt
from vawg.report.page import Section, note_html, paragraphs, table_html
from vawg.report.survey._format import (
    _ACCENT,
    _dot_plot,
    _labels,
    _p_text,
    _part,
    _shares_table,
)
from vawg.report.survey.view import SurveyView, count_text
from vawg.survey import SurveyResult
from vawg.survey.satisfaction import ITEMS


def _satisfaction(result: SurveyResult, view: SurveyView) -> Section:
    sat = view.satisfaction
    if result.satisfaction is None or sat.is_empty():
        return Section("Victims' satisfaction", "<p>No victims' satisfaction survey is loaded.</p>")
    s = result.satisfaction
    items = sat.filter(pl.col("dimension") == "all").with_columns(
        level=pl.col("item").replace(ITEMS)
    )
    body = (
        f"<p>{count_text(s.responses)} responses; {count_text(s.linked)} linked to a "
        f"recorded crime, {count_text(s.with_outcome)} of them with an outcome. "
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
            log_x=model.measure == "odds ratio",
        )
        refs = view.effects.filter(pl.col("reference"))
        text = paragraphs(
            f"Method used: {model.method_used}, on outcome group, offence group, years to "
            f"outcome and being kept informed; n = {count_text(model.n)}. "
            f"Compared with: {', '.join(_labels(refs))}. "
            f"Likelihood-ratio test against no predictors: chi-square {model.lr_statistic:.1f} on "
            f"{model.lr_df} df, {fmt.p_value(model.lr_p_value)}; McFadden pseudo-R² "
            f"{model.pseudo_r2:.3f}; AIC {model.aic:.1f}."
        )
        notes = "".join(note_html(n) for n in (model.method_note, *model.notes) if n)
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
