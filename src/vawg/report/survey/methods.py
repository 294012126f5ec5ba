"""The survey report's closing sections: how the sample was weighted, and the methods."""

from __future__ import annotations

import html

import polars as pl

from vawg.report.page import Section, table_html
from vawg.report.survey.view import SurveyView, count_text
from vawg.survey import SurveyResult


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
            f"{r.trim_ratio:g} x the median ({count_text(r.trimmed)} trimmed); largest weight "
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
    if view.rule is not None:
        rule = " ".join(view.rule["method"])
        body += f'<p class="note">Disclosure control: {html.escape(rule)}</p>'
    return Section("Methods, definitions and assumptions", body)
