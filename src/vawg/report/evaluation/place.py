"""Sections of the place (Safer Streets) evaluation: the pooled result, one per intervention.

A result that cannot support a conclusion is stated plainly, first, and its numbers are not
printed in the main text; the restricted report shows them in the diagnostics, marked as not
fit for conclusions.
"""

from __future__ import annotations

import polars as pl

from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.evaluation.place import InterventionEvaluation
from vawg.evaluation.pooled import PooledEvaluation
from vawg.report.evaluation._format import (
    SCANNED_LABELS,
    cannot_box,
    esc,
    estimate_text,
    kpi,
    money,
    money_interval,
    number,
    ratio_text,
)
from vawg.report.evaluation.charts import event_study_chart, synthetic_chart
from vawg.report.fmt import change, change_interval
from vawg.report.page import Section, figure_html, paragraphs, table_html
from vawg.results import Estimate, excludes

__all__ = ["intervention_section", "place_summary", "pooled_section"]


def _before_the_start(p_value: float | None) -> str:
    """What the periods before the start say together (the event study's joint test), under
    its chart: one period outside its interval is what chance gives among several."""
    if p_value is None:
        return ""
    if p_value < 0.05:
        verdict = (
            "differ from the last one before it, taken together (a joint test at the 5% level): "
            "the treated areas were not steady against the comparison areas before the start"
        )
    else:
        verdict = (
            "do not differ clearly from the last one before it, taken together (a joint test at "
            "the 5% level); a single period outside its interval is what chance gives among "
            "several"
        )
    return paragraphs(f"The periods before the start {verdict}.")


def _counts_table(counts: dict[str, int | None]) -> str:
    frame = pl.DataFrame(
        {
            "areas": ["treated", "ring (displacement)", "matched comparison"],
            "crimes_before": [counts[f"{g}_before"] for g in ("treated", "ring", "comparison")],
            "crimes_after": [counts[f"{g}_after"] for g in ("treated", "ring", "comparison")],
        },
        schema={"areas": pl.String, "crimes_before": pl.Int64, "crimes_after": pl.Int64},
    )
    return table_html(frame, caption="Crimes before and after the start", labels=SCANNED_LABELS)


def about(e: Estimate | None) -> str:
    """An estimated number of crimes or days: ``≈ 25`` (an estimate, not a count)."""
    return "–" if e is None else f"≈ {number(e.estimate)}"


def _interval(e: Estimate | None, digits: int = 0) -> str:
    if e is None:
        return ""
    return f"95% CI {number(e.ci_low, digits)} to {number(e.ci_high, digits)}"


def _effect_cards(
    rate: Estimate | None,
    saved: Estimate | None,
    harm: Estimate | None,
    net: Estimate | None,
    cost: Estimate | None,
    cost_harm: Estimate | None,
) -> str:
    """The effect in figures. When its interval holds no change, each card says "not clear"
    first and gives the point estimate and interval only as detail: a PCC quoting a card must
    not quote "28% fewer" or a cost per crime averted that may be no crime at all."""
    clear = excludes(rate, 1.0)
    if rate is None:
        first = kpi(
            "not estimated", "against the comparison areas", "no usable estimate (see the finding)"
        )
    elif clear:
        first = kpi(
            change(rate.estimate, "crimes"),
            "against the comparison areas",
            change_interval(rate.ci_low, rate.ci_high),
        )
    else:
        first = kpi(
            "no clear change",
            "against the comparison areas",
            f"point estimate {change(rate.estimate, 'crimes')}; "
            f"{change_interval(rate.ci_low, rate.ci_high)}",
        )
    cards = [first]
    for value, label in (
        (saved, "estimated crimes averted"),
        (harm, "estimated days of harm averted"),
        (net, "estimated crimes averted net of displacement into the ring"),
    ):
        if clear is False and value is not None:
            cards.append(
                kpi("not clear", label, f"point estimate {about(value)}; {_interval(value)}")
            )
        else:
            cards.append(kpi(about(value), label, _interval(value)))
    for unit_cost, averted, label in (
        (cost, saved, "cost per crime averted"),
        (cost_harm, harm, "cost per day of harm averted"),
    ):
        if clear is False and unit_cost is not None:
            cards.append(
                kpi(
                    "not clear",
                    label,
                    "the interval includes no change, so what was averted may be nothing",
                )
            )
        else:
            cards.append(_cost_card(unit_cost, averted, label))
    return f'<div class="kpis">{"".join(cards)}</div>'


def _cost_card(cost: Estimate | None, averted: Estimate | None, label: str) -> str:
    """A cost per unit averted, or why there is none (never a bare dash)."""
    if cost is not None:
        return kpi(money(cost.estimate), label, money_interval(cost))
    if averted is not None and not averted.estimate > 0:
        return kpi("none", label, "the estimate averts nothing, so there is no cost per unit")
    return kpi("not estimated", label, "no cost recorded, or no usable estimate")


def place_summary(result: PlaceEvaluationResult) -> str:
    """The headline: the pooled finding, then one line per intervention."""
    body = ""
    pooled = result.pooled
    if pooled is not None:
        statement = esc(pooled.conclusion)
        body += (
            cannot_box(pooled.conclusion)
            if not pooled.can_conclude
            else f'<div class="callout"><b>All {len(pooled.included)} interventions together:</b> {statement}</div>'
        )
    rows = []
    for e in result.interventions:
        iv = e.intervention
        rows.append(
            {
                "intervention": f"{iv.name} ({iv.intervention_id})",
                "started": iv.start,
                "finding": e.conclusion,
            }
        )
    body += table_html(
        pl.DataFrame(rows), caption="Each intervention", max_rows=100, labels=SCANNED_LABELS
    )
    for note in result.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return body


def pooled_section(p: PooledEvaluation, public: bool) -> str:
    """All interventions together (stacked difference-in-differences)."""
    body = (
        cannot_box(p.conclusion)
        if not p.can_conclude
        else f'<div class="callout">{esc(p.conclusion)}</div>'
    )
    if p.can_conclude or not public:
        if not p.can_conclude:
            body += paragraphs("Diagnostics only (not fit for conclusions, see above):")
        body += _effect_cards(
            p.rate_ratio, p.crimes_averted, p.harm_averted, p.net_crimes_averted,
            p.cost_per_crime_averted, p.cost_per_harm_day_averted,
        )  # fmt: skip
        if p.ring_ratio is not None:
            body += paragraphs(
                f"The rings around the areas, against the same comparison areas: rate ratio "
                f"{ratio_text(p.ring_ratio)}; crimes displaced into them "
                f"{estimate_text(p.displaced_crimes)}."
            )
        if p.cost is not None:
            body += paragraphs(f"Total cost of the included interventions: {money(p.cost)}.")
    body += _counts_table(p.counts)
    body += paragraphs(
        "Included: "
        + ", ".join(p.included)
        + "."
        + (
            " Left out: " + "; ".join(f"{i} ({why})" for i, why in p.excluded) + "."
            if p.excluded
            else ""
        )
    )
    if p.event_study.height:
        body += figure_html(
            event_study_chart(
                p.event_study,
                p.event_width,
                "All interventions: rate ratio by period from the start",
            ),
            height=360,
        )
    body += _before_the_start(p.event_leads_p_value)
    if p.pre_trend is not None:
        body += paragraphs(
            "Trend before the start, treated against comparison areas: x"
            f"{ratio_text(p.pre_trend.ratio_per_year)} a year "
            f"({'differs' if p.pre_trend.differs else 'no clear difference'})."
        )
    for note in p.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return body


def _balance(e: InterventionEvaluation) -> str:
    if e.balance.is_empty():
        return ""
    unbalanced = e.balance.filter(~pl.col("balanced"))["covariate"].to_list()
    text = (
        "Every covariate is balanced (standardised difference under 0.1)."
        if not unbalanced
        else "Not balanced (standardised difference 0.1 or more): "
        + ", ".join(unbalanced)
        + ". The area fixed effects absorb differences in level; a difference in trend would "
        "show in the pre-trend test."
    )
    return table_html(
        e.balance,
        caption="Balance: treated against all candidates and the matched comparisons",
        labels=SCANNED_LABELS,
    ) + paragraphs(text)


def intervention_section(e: InterventionEvaluation, public: bool) -> Section:
    """One intervention: statement first, then the evidence."""
    iv = e.intervention
    body = (
        cannot_box(e.conclusion)
        if not e.can_conclude
        else f'<div class="callout">{esc(e.conclusion)}</div>'
    )
    body += paragraphs(
        f"{iv.type.replace('_', ' ')}; started {iv.start}"
        + (f", ended {iv.end}" if iv.end else "")
        + f"; cost {money(iv.cost)}"
        + (f"; {iv.funder}" if iv.funder else "")
        + f". Area: {iv.area}"
        + (f" ({', '.join(iv.lsoas)})" if iv.lsoas and not public else "")
        + f". {e.before_months} months before and {e.after_months} after the start "
        f"(from {e.first_after})."
    )
    if e.can_conclude or not public:
        if not e.can_conclude:
            body += paragraphs("Diagnostics only (not fit for conclusions, see above):")
        body += _effect_cards(
            e.rate_ratio, e.crimes_averted, e.harm_averted, e.net_crimes_averted,
            e.cost_per_crime_averted, e.cost_per_harm_day_averted,
        )  # fmt: skip
    body += _counts_table(e.counts)
    if not public and e.comparisons:
        body += paragraphs(f"Comparison LSOAs: {', '.join(e.comparisons)}.")
    body += _balance(e)
    if e.event_study.height:
        body += figure_html(
            event_study_chart(
                e.event_study,
                e.event_width,
                f"{iv.name}: rate ratio by {e.event_width} from the start",
            ),
            height=340,
        )
    if e.event_study.height:
        body += _before_the_start(e.event_leads_p_value)
    if e.pre_trend is not None:
        body += paragraphs(
            "Trend before the start, treated against comparison areas: x"
            f"{ratio_text(e.pre_trend.ratio_per_year)} a year "
            f"({'differs: see above' if e.pre_trend.differs else 'no clear difference'})."
        )
    if e.synthetic.height:
        body += figure_html(
            synthetic_chart(e.synthetic, f"{iv.name}: synthetic control"), height=320
        )
    fit = e.synthetic_fit
    if fit:
        interval = (
            f"placebo interval {e.synthetic_ratio.ci_low:.2f} to {e.synthetic_ratio.ci_high:.2f}"
            if e.synthetic_ratio
            else "too few good placebos for an interval"
        )
        body += paragraphs(
            f"Synthetic control (second estimator): ratio of crimes after the start to the "
            f"synthetic control's {fit['ratio']:.2f} ({interval}; placebo p = "
            f"{fit['p_value'] if fit['p_value'] is None else round(float(fit['p_value']), 3)}); "
            f"fit before the start: root mean squared gap {float(fit['pre_rmspe'] or 0):.2f} "
            f"crimes a quarter against an average of {float(fit['pre_mean'] or 0):.2f}."
        )
    if e.displacement is not None:
        d = e.displacement
        wdq = (
            f"{d.wdq:.2f} ({'–' if d.ci_low is None else f'{d.ci_low:.2f}'} to "
            f"{'–' if d.ci_high is None else f'{d.ci_high:.2f}'}): {d.reading}"
            if d.wdq is not None
            else "not meaningful: the treated areas did not fall against the comparison areas"
        )
        body += paragraphs(f"Weighted displacement quotient: {wdq}.")
    if e.ring_ratio is not None and (e.can_conclude or not public):
        body += paragraphs(f"Ring against comparison areas: rate ratio {ratio_text(e.ring_ratio)}.")
    for note in e.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return Section(iv.name, body, anchor=f"iv-{iv.intervention_id.lower()}")
