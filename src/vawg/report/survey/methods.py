"""The survey report's closing sections: how the sample was weighted, and the methods."""

from __future__ import annotations

import html

import polars as pl

from vawg.report import fmt
from vawg.report.page import Section, details_html, paragraphs, table_html
from vawg.report.survey.view import SurveyView, count_text
from vawg.schema.labels import label
from vawg.survey import SurveyResult
from vawg.survey.analysis import WEIGHT_SOURCES


def _weighted_by(view: SurveyView) -> str:
    """The raking variables in words: "district, sex and age band"."""
    names = [label(v, "field") for v in dict.fromkeys(view.margins["variable"].to_list())]
    if not names:
        return "district, sex and age"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def weighting_words(result: SurveyResult, view: SurveyView) -> str:
    """How the public survey's answers were weighted, and what that does to its intervals,
    in words (the method's names are in the weighting details and the methods)."""
    n = count_text(result.public.n) if result.public else "–"
    wider = round(100 * result.interval_widening)
    cost = (
        f" Because some people then count for more than others, the {n} answers are about as "
        f"precise as {round(result.n_effective, -1):,.0f} unweighted ones: the intervals are "
        f"about {wider}% wider than an unweighted sample of the same size would give."
        if wider >= 1
        else ""
    )
    if result.weight_source == WEIGHT_SOURCES["equal"]:
        return "The answers are not weighted: every answer counts the same."
    if result.weight_source == WEIGHT_SOURCES["supplied"]:
        return "The answers carry the weights supplied with the survey, used as given." + cost
    own = (
        "The survey's own weights were adjusted"
        if "supplied" in result.weight_source
        else ("The answers were weighted")
    )
    return f"{own} so that the mix of {_weighted_by(view)} matches Kent's population." + cost


def _weighting(result: SurveyResult, view: SurveyView) -> Section:
    parts = [f"<p>{html.escape(weighting_words(result, view))}</p>"]
    r = result.weighting
    if r is not None:
        if not r.converged:
            parts.append(
                '<p class="warning">The weighted answers match Kent\'s population only '
                "approximately.</p>"
            )
        parts.append(f"<p>Population figures: {html.escape(r.params.settings['margins'])}.</p>")
        parts += [f'<p class="note">{html.escape(n)}</p>' for n in r.notes]
        margins = view.margins.with_columns(
            pl.Series(
                "level",
                [
                    label(lv, "sex") if var == "sex" else lv
                    for var, lv in zip(view.margins["variable"], view.margins["level"], strict=True)
                ],
                dtype=pl.String,
            ),
            pl.col("variable").replace_strict(
                {v: label(v, "field") for v in view.margins["variable"].unique()}
            ),
        )
        parts.append(
            table_html(
                margins.select(
                    "variable",
                    "level",
                    "respondents",
                    "target_share",
                    "sample_share",
                    "weighted_share",
                ),
                caption="Kent's population, the people who answered, and the answers once weighted",
                labels={
                    "variable": "",
                    "target_share": "population %",
                    "sample_share": "answered %",
                    "weighted_share": "weighted %",
                },
                percent=["target_share", "sample_share", "weighted_share"],
            )
        )
        parts.append(
            details_html(
                "Weighting details",
                paragraphs(
                    f"Weights: {result.weight_source}. "
                    f"Raking {'converged' if r.converged else 'did not converge'} after "
                    f"{r.iterations} iterations (largest margin error "
                    f"{fmt.small(r.max_margin_error)}); weights capped at {r.trim_ratio:g} times "
                    f"the median ({count_text(r.trimmed)} trimmed); largest weight "
                    f"{r.max_weight_ratio:.1f} times the median. Kish design effect "
                    f"{result.design_effect:.2f} (intervals wider by its square root); "
                    f"effective sample size {round(result.n_effective, -1):,.0f}."
                ),
            )
        )
    if view.quarantine.is_empty():
        parts.append("<p>Every survey response could be used: none was set aside as an error.</p>")
    else:
        parts.append(
            table_html(
                view.quarantine,
                caption="Survey responses set aside as errors when the data were loaded (not used)",
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
            "answered 'no' to whether they reported it, among those asked (people who "
            "experienced harassment or crime and answered).",
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
            "Districts are compared with the rest of Kent; a difference is called clear when it "
            "stays clear after Holm's (1979) correction for comparing every district.",
        ),
        (
            "Small bases",
            f"estimates on fewer than {s['survey_min_effective_base']} effective respondents "
            + (
                "are not shown (a dash)."
                if view.public
                else "are marked 'too few to rely on' and shown."
            ),
        ),
        (
            "Reasons",
            "a published list of words for each theme (in the table): a reason mentions a "
            "theme when it contains one of its words or phrases as whole words, and a reason can "
            "mention several themes.",
        ),
        (
            "Satisfied",
            f"a score of {s['survey_satisfied_min']} to 7 on the 1-7 scale. Responses "
            "link to crimes by the crime reference; outcome groups are the Home Office headline "
            "groups; time to outcome runs from recording to the outcome date.",
        ),
        (
            "Model",
            f"{'logistic' if s['survey_satisfaction_model'] == 'logistic' else 'ordered probit'} "
            "regression of whole-experience satisfaction on outcome group, offence group, years "
            "to outcome and being kept informed (Hosmer, Lemeshow & Sturdivant 2013; McKelvey & "
            "Zavoina 1975), Wald CIs.",
        ),
        (
            "Recorded crime",
            "in-scope VAWG crimes placed in a district by their neighbourhood (LSOA), per "
            "1,000 women and girls (ONS mid-2019, all ages) a year, exact Poisson CI "
            "(Garwood 1936); Spearman rank correlation across districts.",
        ),
    ]
    assumptions = [
        "The survey is self-selected: weighting corrects its mix of district, sex and age, not "
        "the choice to take part, so people who answer may still differ from those who do not.",
        "Male population margins are modelled (female x 0.96), not ONS estimates.",
        "Respondents who did not state their sex or age keep their sample share in raking.",
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
    if view.rule is not None:
        rule = " ".join(view.rule["method"])
        body += f'<p class="note">Disclosure control: {html.escape(rule)}</p>'
    return Section("Methods, definitions and assumptions", body)
