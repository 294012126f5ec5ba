"""The survey report's victims' satisfaction section."""

from __future__ import annotations

import html
import math
import re

import polars as pl

from vawg.report import fmt
from vawg.report.page import Section, details_html, note_html, paragraphs, table_html
from vawg.report.survey._format import (
    _ACCENT,
    _dot_plot,
    _group_words,
    _label,
    _p_text,
    _part,
    _shares_table,
    _short_label,
)
from vawg.report.survey.view import SurveyView, count_text
from vawg.survey import SurveyResult
from vawg.survey.satisfaction import ITEMS, SatisfactionModel, SatisfactionResult

_CODES_NOTE = (
    '<p class="note">Numbers in brackets are the Home Office outcome types in each group; NFIB '
    "is the National Fraud Intelligence Bureau, to which some crimes are passed.</p>"
)


def surveyed_text(s: SatisfactionResult) -> str:
    """When the victims' survey ran, in months (or that its responses carry no dates)."""
    if s.surveyed is None:
        return "The responses carry no survey dates."
    return f"Victims answered the survey in {fmt.period(*s.surveyed)}."


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
        f"Satisfied means a score of {s.params.settings['satisfied_min']} to 7 on a scale of "
        "1 to 7. "
        f"{html.escape(surveyed_text(s))} The victims' survey is not weighted: it describes "
        "those who answered.</p>"
    )
    body += _dot_plot(
        [("% satisfied", items, _ACCENT)], "Victims satisfied, by part of the service (95% CI)"
    )
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
                + _shares_table(
                    part, "Satisfied with the whole experience", rest=False, public=view.public
                )
                + (_CODES_NOTE if dim == "outcome_group" else ""),
            )
        )
    model = s.model
    if model is None:
        subs.append(Section("Model", f'<p class="note">No model: {html.escape(s.model_note)}</p>'))
    else:
        subs.append(_model_section(model, view))
    return Section("Victims' satisfaction", body, subsections=tuple(subs))


_TERMS = {
    "outcome_group": "outcome group",
    "offence_group": "offence group",
    "years_to_outcome": "time to outcome",
    "kept_informed": "kept informed",
}
_LEVELS = {"per year": "each extra year", "satisfied": "satisfied with being kept informed"}


def odds_words(ratio: float | None) -> str:
    """An odds ratio in words: ``58% higher odds``, ``61% lower odds``, ``5.8 times the odds``."""
    if ratio is None or not math.isfinite(ratio):
        return "–"
    if ratio >= 2:
        return f"{ratio:.1f} times the odds"
    change = (ratio - 1) * 100
    if round(change) == 0:
        return "the same odds"
    return f"{abs(change):.0f}% {'higher' if change > 0 else 'lower'} odds"


def likely_words(ratio: float | None) -> str:
    """An odds ratio of being satisfied in plain words, for the main text (the ratio itself
    goes in the model's details): ``far more likely`` (3 times the odds or more), ``more
    likely``, ``about as likely`` (within 5%), ``less likely``, ``far less likely`` (a third of
    the odds or less)."""
    if ratio is None or not math.isfinite(ratio):
        return "–"
    if ratio >= 3:
        return "far more likely"
    if ratio <= 1 / 3:
        return "far less likely"
    if abs(ratio - 1) < 0.05:
        return "about as likely"
    return "more likely" if ratio > 1 else "less likely"


def _odds_interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    if low >= 2:
        return f"{low:.1f} to {high:.1f} times the odds"
    return f"{odds_words(low).removesuffix(' odds')} to {odds_words(high)}"


def _group(term: str, level: str) -> str:
    words = _label(level, term)
    return _LEVELS.get(words, words)


def _note_words(note: str) -> str:
    """A model note naming coded groups (``outcome_group: other, out_of_court (…``) in words."""
    found = re.match(r"^(outcome_group|offence_group): (.*?) (\(.*)$", note)
    if found is None:
        return note
    term, levels, rest = found.groups()
    return f"{_TERMS[term].capitalize()}: {_group_words(term, levels)} {rest}"


def _model_section(model: SatisfactionModel, view: SurveyView) -> Section:
    """The model's effects in words (odds, with their intervals), its chart, and its details
    (method, fit statistics, p-values) in a fold."""
    effects = view.effects
    terms, levels = effects["term"].to_list(), effects["level"].to_list()
    groups = [_group(t, v) for t, v in zip(terms, levels, strict=True)]
    named = effects.with_columns(
        pl.Series("what", [_TERMS.get(t, t.replace("_", " ")) for t in terms], dtype=pl.String),
        pl.Series("group", groups, dtype=pl.String),
        pl.Series(
            "short",
            [_LEVELS.get(w, w) for w in map(_short_label, levels, terms)],
            dtype=pl.String,
        ),
    )
    refs = named.filter(pl.col("reference"))
    eff = named.filter(~pl.col("reference"))
    odds = model.measure == "odds ratio"
    chart = _dot_plot(
        [
            (
                model.measure,
                eff.with_columns(
                    level=pl.concat_str(pl.col("what"), pl.lit(": "), pl.col("short")),
                    term=pl.lit(""),
                ),
                _ACCENT,
            )
        ],
        "Whole-experience satisfaction: the odds of being satisfied against the comparison "
        "group (95% CI)"
        if odds
        else f"Whole-experience satisfaction: {model.measure} (95% CI)",
        percent=False,
        log_x=odds,
        x_title="times the odds (1 = the same)" if odds else model.measure,
    )
    compared = ", ".join(f"{w}: {g}" for w, g in zip(refs["what"], refs["group"], strict=True))
    intro = paragraphs(
        "What goes with being satisfied with the whole experience, each part allowing for the "
        f"others, among {count_text(model.n)} victims whose crime has an outcome. Each group is "
        f"compared with: {compared}."
    )
    clear = (pl.col("ci_low") > 1) | (pl.col("ci_high") < 1)
    rows = eff.with_columns(
        pl.col("estimate").map_elements(odds_words, return_dtype=pl.String).alias("odds"),
        pl.struct("ci_low", "ci_high")
        .map_elements(lambda r: _odds_interval(r["ci_low"], r["ci_high"]), return_dtype=pl.String)
        .alias("interval"),
        pl.when(pl.col("estimate").is_null()).then(None).otherwise(clear).alias("clear"),
    )
    if odds:
        # The main text in words ("far more likely"); the odds ratios and their intervals are
        # in the model's details below.
        table = table_html(
            rows.with_columns(
                pl.col("estimate")
                .map_elements(likely_words, return_dtype=pl.String)
                .alias("likely")
            ).select("what", "group", "likely", "clear", "n"),
            caption="How likely each group was to be satisfied, against the comparison group",
            labels={
                "what": "",
                "likely": "satisfied with the whole experience",
                "clear": "clear difference",
                "n": "responses",
            },
        )
    else:
        table = table_html(
            rows.select("what", "group", pl.col("estimate").round(2), "clear", "n"),
            labels={"what": "", "estimate": model.measure, "n": "responses"},
        )
    if view.public and effects["estimate"].is_null().any():
        table += '<p class="note">A dash: too few responses in that group to show its effect.</p>'
    details = paragraphs(
        f"Method used: {model.method_used}; n = {count_text(model.n)}. "
        f"Likelihood-ratio test against no predictors: chi-square {model.lr_statistic:.1f} on "
        f"{model.lr_df} df, {fmt.p_value(model.lr_p_value)}; McFadden pseudo-R² "
        f"{model.pseudo_r2:.3f}; AIC {model.aic:.1f}."
    )
    if odds:
        details += table_html(
            rows.select("what", "group", "odds", "interval"),
            caption="Odds of being satisfied, against the comparison group",
            labels={"what": "", "odds": "odds of being satisfied", "interval": "95% CI"},
        )
    details += table_html(
        named.select(
            "what",
            "group",
            *[
                pl.col(c).map_elements(lambda v: f"{v:.3f}", return_dtype=pl.String)
                for c in ("estimate", "ci_low", "ci_high")
            ],
            _p_text("p_value").alias("p"),
            "reference",
        ),
        labels={"what": "", "estimate": model.measure, "ci_low": "95% CI from", "ci_high": "to"},
    )
    details += "".join(note_html(_note_words(n)) for n in (model.method_note, *model.notes) if n)
    return Section(
        "Model of whole-experience satisfaction",
        intro + table + chart + details_html("Model details", details),
    )
