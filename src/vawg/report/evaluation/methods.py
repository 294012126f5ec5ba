"""The methods section of the evaluation report: plain English first, then the detail.

Each item is a heading and a plain-text paragraph; the page escapes both.
"""

from __future__ import annotations

from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.programme.analysis import ProgrammeEvaluationResult
from vawg.report.evaluation._format import esc

__all__ = ["methods_html"]


def _place(result: PlaceEvaluationResult) -> list[tuple[str, str]]:
    s = result.params.settings
    first, last = result.months
    return [
        (
            "In plain English.",
            "To know whether crime fell because of an "
            "intervention, the treated areas are compared with similar areas that were not treated, "
            "over the same months: if both fell by a fifth, the intervention did nothing; if only "
            "the treated areas fell, it probably did. The comparison areas are chosen to be like "
            "the treated ones before the start (same kind of place, similar crime level and trend, "
            "deprivation and pubs), and the report checks that they were (the balance table) and "
            "that the two were moving together before the start (the pre-trend test and the "
            "event-study chart). Where the data are too thin to tell, the report says so instead "
            "of giving a number.",
        ),
        (
            "What is counted.",
            f"{result.outcome}, from {first:%B %Y} to {last:%B %Y}. "
            "The month an intervention started in is left out when it started part-way through.",
        ),
        (
            "Comparison areas.",
            "For each treated LSOA the "
            f"{s.get('evaluation_comparisons_per_area')} nearest LSOAs (Mahalanobis distance; Rubin "
            "1980) on crimes a month and their trend before the start, deprivation "
            f"({'the deprivation decile' if result.imd == 'imd_decile' else 'the deprivation score'}) and pubs, exactly alike on town-centre status, chosen without "
            "replacement from LSOAs neither treated nor in any ring. Standardised differences "
            "under 0.1 mark good balance (Austin 2009); above 0.25 on any characteristic the "
            "comparison is a poor match (Rubin 2001; Stuart 2010), and the finding says so "
            "in its own words.",
        ),
        (
            "Difference-in-differences.",
            "A Poisson model of monthly counts with a fixed "
            "effect for every area and every month (classic two-way fixed effects; Angrist & "
            "Pischke 2009): the rate ratio says how much the treated areas changed relative to the "
            "comparison areas. Two-way fixed effects, not Callaway & Sant'Anna (2021), because each "
            "intervention is one group starting on one date against areas never treated, where it "
            "is unbiased; the problems of staggered starts (Goodman-Bacon 2021) are avoided by "
            "stacking the interventions for the pooled estimate (Cengiz et al. 2019). Quasi-Poisson "
            "standard errors for one intervention; cluster-robust by LSOA when pooled. The model is "
            "fitted by iteratively reweighted least squares (McCullagh & Nelder 1989).",
        ),
        (
            "Event study and pre-trends.",
            "The same model with one rate ratio per quarter "
            "(half-year or year when quarters hold too few crimes) relative to the last one before "
            "the start; a linear difference in trend before the start with p < 0.05 means the "
            "comparison cannot stand for what would have happened, and no conclusion is drawn. "
            "The periods before the start are also tested together (a Wald test that each has "
            "the rate ratio of the last one; Wooldridge 2010, §4.2.3): a dip or a spike the "
            "linear test misses puts a caution beside the finding.",
        ),
        (
            "Synthetic control (second estimator).",
            "Abadie & Gardeazabal (2003), Abadie, "
            "Diamond & Hainmueller (2010): non-negative weights summing to one on the 30 most "
            "similar candidate LSOAs, chosen to track the treated areas' quarterly counts before "
            "the start; placebo-in-space p-value and an approximate placebo interval.",
        ),
        (
            "Displacement.",
            "The ring of LSOAs within "
            f"{float(s.get('evaluation_ring_metres', 0)):g} m: its own rate ratio against the "
            "comparison areas, and the weighted displacement quotient of Bowers & Johnson (2003) "
            "with a Poisson bootstrap interval (above 0: benefits spread to the ring; below 0: "
            "crime moved there).",
        ),
        (
            "Crimes and harm averted, cost.",
            "Crimes averted = observed after the start x "
            "(1 / rate ratio - 1); harm averted = crimes averted x the average harm (days, CCHI "
            "style) of these crimes in the treated areas; net = less the crimes displaced into the "
            "ring. Cost per crime averted = cost / crimes averted; when the interval of crimes "
            "averted reaches zero the cost has no upper limit.",
        ),
        (
            "When no conclusion is drawn.",
            "Fewer than "
            f"{s.get('evaluation_min_crimes')} crimes in the treated areas before or after the "
            f"start; fewer than {s.get('evaluation_min_pre_months')} months before or "
            f"{s.get('evaluation_min_post_months')} after; or trends that differed before the "
            "start. The report's settings can change these thresholds.",
        ),
        ("Citations.", result.params.citation),
    ]


def _programme(result: ProgrammeEvaluationResult) -> list[tuple[str, str]]:
    s = result.params.settings
    return [
        (
            "In plain English.",
            "Men referred to the programme (who went on to start it) are "
            "compared with men who were not referred but looked the same on the day of the "
            "referral: as many offences in the previous two years and in the last three months, as "
            "long since the last one and between the last two, the same RFGV score, the same age, "
            "as much domestic abuse and as many offences against the victim of the latest one, and "
            "the same time left to be followed. The question is how soon each went on to commit "
            "another VAWG offence.",
        ),
        (
            "Matching.",
            "Risk-set matching (Lu 2005): on the referral date, each participant's "
            f"{s.get('programme_comparisons')} comparisons are the nearest (Mahalanobis; exactly "
            "alike on prior and recent offences, in bands) among perpetrators not yet referred who "
            f"had an in-scope offence in the {s.get('programme_lookback_days')} days before, their "
            "history summed up on that same date. A man referred later can be a comparison until "
            "his own referral, when his follow-up stops (leaving such men out altogether would "
            "leave only the men who stopped offending). Matching is with replacement (Abadie & "
            "Imbens 2006). Follow-up starts at the referral, not the programme's start date: "
            "starting it later would favour men who had not reoffended before they started.",
        ),
        (
            "Reoffending.",
            "Kaplan-Meier curves (Kaplan & Meier 1958) and a Cox proportional "
            "hazards model (Cox 1972; Efron ties and standard errors robust "
            "to a man appearing more than once, Lin & Wei 1989) of the time from referral to the "
            "next in-scope offence, against any victim and against a woman he had offended against "
            "before; censored at the end of the data. Harm of reoffending: the days of harm of offences in the "
            f"{s.get('programme_followup_days')} days after referral, for men followed that long; "
            "ratio of means with a bootstrap over matched sets.",
        ),
        (
            "When no conclusion is drawn.",
            "Fewer than 10 reoffences in either group, or "
            "groups still unalike after matching (a standardised difference above 0.25).",
        ),
        ("Citations.", result.params.citation),
    ]


def methods_html(
    place: PlaceEvaluationResult | None,
    programme: ProgrammeEvaluationResult | None,
    *,
    rule: dict[str, object] | None,
) -> str:
    """The methods section's HTML; ``rule``: the disclosure rule a public Result records."""
    items: list[tuple[str, str]] = []
    if place is not None:
        items += _place(place)
    if programme is not None:
        items += _programme(programme)
    if rule is not None:
        method = rule.get("method", [])
        shown = " ".join(str(m) for m in method) if isinstance(method, list) else str(method)
        items.append(
            (
                "Disclosure control.",
                f"{shown} An intervention or group that cannot support a conclusion carries no "
                "estimate. No person, and no place of a crime, is named.",
            )
        )
    # The headings and texts are plain text: escaped here, so that "p < 0.05" or "A & B"
    # read as written.
    return (
        "<ul>"
        + "".join(f"<li><b>{esc(heading)}</b> {esc(text)}</li>" for heading, text in items)
        + "</ul>"
    )
