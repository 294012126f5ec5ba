"""Sections of the place (Safer Streets) evaluation: the pooled result, one per intervention.

A result that cannot support a conclusion is stated plainly, first, and its numbers are not
printed in the main text; the restricted report shows them in the diagnostics, marked as not
fit for conclusions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import polars as pl

from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.evaluation.place import InterventionEvaluation
from vawg.evaluation.pooled import PooledEvaluation
from vawg.report.evaluation._format import (
    SCANNED_LABELS,
    cannot_box,
    esc,
    kpi,
    money,
    money_interval,
    number,
)
from vawg.report.evaluation.charts import event_study_chart, synthetic_chart
from vawg.report.fmt import change, change_interval
from vawg.report.fmt import p_value as fmt_p
from vawg.report.page import Section, details_html, figure_html, paragraphs, table_html
from vawg.results import Estimate, excludes
from vawg.schema.labels import label as words_for
from vawg.wording import unclear, with_estimate

__all__ = ["intervention_section", "place_summary", "pooled_section"]


def event_data(table: pl.DataFrame) -> pl.DataFrame:
    """The event study's numbers for its data table, in words: each period's change against
    the comparison areas relative to the reference period, with its interval."""
    rows = []
    for row in table.iter_rows(named=True):
        ratio, low, high = row["rate_ratio"], row["ci_low"], row["ci_high"]
        reference = row["offset"] == -1
        rows.append(
            {
                "period from the start": row["label"],
                "change relative to the last period before the start": "reference"
                if reference
                else change(ratio),
                "95% CI": "" if reference or low is None else change_interval(low, high, ratio)[7:],
            }
        )
    return pl.DataFrame(rows, schema=[*rows[0]] if rows else None)


def _before_the_start(p_value: float | None, width: str = "quarter") -> str:
    """What the periods before the start say together (the event study's joint test), under
    its chart, with what a reader should not make of single periods."""
    reference = paragraphs(
        f"Each point is how the treated areas moved against the comparison areas, relative to "
        f"the last {width} before the start (period −1, set at no change); the bars are 95% "
        f"intervals. The headline figure does not rest on that one {width}: it compares the "
        "whole period before the start with the whole period after, in the treated areas "
        "against the comparison areas."
    )
    if p_value is None:
        return reference
    if p_value < 0.05:
        verdict = (
            "differ from the last one before it, taken together, by more than chance would "
            "often give: the treated areas were not steady against the comparison areas before "
            "the start"
        )
    else:
        verdict = (
            "do not differ clearly from the last one before it, taken together. Among several "
            "periods, one or two outside their intervals can be "
            "chance; but if most of them sit above (or below) 0% (no change), the last period "
            "before the start may itself have been unusual, and the periods should be read with "
            "that in mind"
        )
    return reference + paragraphs(f"The periods before the start {verdict}.")


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


def rounded(value: float) -> str:
    """An estimated number to two significant figures (whole numbers under 100), with a real
    minus sign: ``5,800``, ``−290``, ``25``. The estimates are too uncertain for more."""
    if not math.isfinite(value):
        return "–"
    if abs(value) >= 100:
        value = round(value, 1 - math.floor(math.log10(abs(value))))
    text = number(value)
    return "0" if text.strip("-0") == "" else text.replace("-", "\u2212")


def estimate_text(e: Estimate | None, unit: str = "crimes") -> str:
    """An estimated number with its interval, rounded as :func:`rounded`: ``about 18 (95% CI
    −19 to 43)``."""
    if e is None:
        return "–"
    words = about(e, unit)
    if words.endswith(")"):  # "none averted (estimate 12 more crimes, 95% CI …)"
        return f"{words[:-1]}, {_interval(e)})"
    return f"{words} ({_interval(e)})"


def about(e: Estimate | None, unit: str = "crimes") -> str:
    """An estimated number of crimes or days averted: ``about 5,800`` (an estimate, not a
    count); when the estimate is more crimes, not fewer, it says so in words: ``none averted
    (estimate 12 more crimes)``, never ``about −12``. ``unit``: ``crimes`` or ``days of
    harm``."""
    if e is None:
        return "–"
    shown = rounded(e.estimate)
    if shown == "0":
        return "none averted (estimate 0)"
    if shown.startswith("\u2212"):
        size = shown[1:]
        one = unit.replace("crimes", "crime").replace("days", "day")
        return f"none averted (estimate {size} more {one if size == '1' else unit})"
    return f"about {shown}"


def ratio_words(e: Estimate | None, unit: str = "crimes") -> str:
    """A rate ratio in words with its interval, "no clear change" first when the interval
    includes none: ``no clear change (estimate 23% more crimes, 95% CI 17% fewer to 82%
    more)``."""
    if e is None:
        return "–"
    words = change(e.estimate, unit)
    interval = change_interval(e.ci_low, e.ci_high, e.estimate)
    return f"{words} ({interval})" if excludes(e, 1.0) else unclear("change", words, interval)


def _two(value: float) -> str:
    """Two decimals, never a negative zero."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _names(codes: Sequence[str], names: Mapping[str, str]) -> str:
    """LSOAs by name (the code where the area reference has no name), in name order."""
    return ", ".join(sorted(names.get(c, c) for c in codes))


def _month(day: object) -> str:
    """A date as its month: ``January 2020``."""
    return f"{day:%B %Y}"


def _interval(e: Estimate | None) -> str:
    if e is None:
        return ""
    return f"95% CI {rounded(e.ci_low)} to {rounded(e.ci_high)}"


def _effect_cards(
    rate: Estimate | None,
    saved: Estimate | None,
    harm: Estimate | None,
    net: Estimate | None,
    cost: Estimate | None,
    cost_harm: Estimate | None,
) -> str:
    """The effect in figures. When its interval holds no change, each card says "not clear"
    first and gives the estimate and interval only as detail: a PCC quoting a card must
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
            change_interval(rate.ci_low, rate.ci_high, rate.estimate),
        )
    else:
        first = kpi(
            "no clear change",
            "against the comparison areas",
            with_estimate(
                change(rate.estimate, "crimes"),
                change_interval(rate.ci_low, rate.ci_high, rate.estimate),
            ),
        )
    cards = [first]
    for value, label, unit in (
        (saved, "estimated crimes averted", "crimes"),
        (harm, "estimated days of harm averted", "days of harm"),
        (net, "estimated crimes averted net of displacement into the ring", "crimes"),
    ):
        if clear is False and value is not None:
            words = about(value, unit)
            detail = (
                estimate_text(value, unit)
                if words.startswith("none")
                else with_estimate(rounded(value.estimate), _interval(value))
            )
            cards.append(kpi("not clear", label, detail))
        else:
            cards.append(kpi(about(value, unit), label, _interval(value)))
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
    if averted is not None and not round(averted.estimate) > 0:
        return kpi("none", label, f"next to nothing was averted, so there is no {label}")
    if averted is not None and not averted.ci_low > 0:
        return kpi(
            "not clear",
            label,
            f"what was averted may be nothing (its interval includes none), so no {label} "
            "can be given",
        )
    if cost is not None:
        return kpi(money(cost.estimate), label, money_interval(cost))
    return kpi("not estimated", label, "no cost recorded, or no usable estimate")


def _diagnostics(
    rate: Estimate | None,
    saved: Estimate | None,
    harm: Estimate | None,
    net: Estimate | None,
    cost: Estimate | None,
) -> str:
    """The figures of a result that cannot support a conclusion, for analysts only: a folded
    plain table, never headline tiles a reader could quote as findings."""
    rows = [
        ("change against the comparison areas", ratio_words(rate)),
        ("estimated crimes averted", estimate_text(saved)),
        ("estimated days of harm averted", estimate_text(harm, "days of harm")),
        ("estimated crimes averted net of displacement", estimate_text(net)),
        (
            "cost per crime averted",
            "none: about nothing is averted"
            if saved is not None and not round(saved.estimate) > 0
            else "no limit: the interval of crimes averted includes none"
            if saved is not None and not saved.ci_low > 0
            else (f"{money(cost.estimate)} ({money_interval(cost)})" if cost else "–"),
        ),
    ]
    frame = pl.DataFrame(rows, schema=["measure", "estimate (95% CI)"], orient="row")
    return details_html(
        "Diagnostics (not fit for conclusions: see the finding above)",
        table_html(frame, caption="Diagnostic figures, not findings"),
    )


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
                "intervention": iv.name,
                "started": f"{iv.start:%b %Y}",
                "finding": e.conclusion,
            }
        )
    body += table_html(
        pl.DataFrame(rows), caption="Each intervention", max_rows=100, labels=SCANNED_LABELS
    )
    for note in result.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return body


def pooled_section(
    p: PooledEvaluation, public: bool, names: Mapping[str, str] | None = None
) -> str:
    """All interventions together (stacked difference-in-differences); ``names``: each
    intervention's name by its code, so the text names places, not codes."""
    named = names or {}
    body = (
        cannot_box(p.conclusion)
        if not p.can_conclude
        else f'<div class="callout">{esc(p.conclusion)}</div>'
    )
    if p.can_conclude:
        body += _effect_cards(
            p.rate_ratio, p.crimes_averted, p.harm_averted, p.net_crimes_averted,
            p.cost_per_crime_averted, p.cost_per_harm_day_averted,
        )  # fmt: skip
    elif not public:
        body += _diagnostics(
            p.rate_ratio, p.crimes_averted, p.harm_averted, p.net_crimes_averted,
            p.cost_per_crime_averted,
        )  # fmt: skip
    if p.can_conclude or not public:
        if p.ring_ratio is not None:
            body += paragraphs(
                f"The rings around the areas, against the same comparison areas: "
                f"{ratio_words(p.ring_ratio)}; estimated crimes displaced into them "
                f"{estimate_text(p.displaced_crimes)}."
            )
        if p.cost is not None:
            body += paragraphs(f"Total cost of the included interventions: {money(p.cost)}.")
    body += _counts_table(p.counts)
    body += paragraphs(
        "Included: "
        + ", ".join(named.get(i, i) for i in p.included)
        + "."
        + (
            " Left out: " + "; ".join(f"{named.get(i, i)} ({why})" for i, why in p.excluded) + "."
            if p.excluded
            else ""
        )
    )
    if p.event_study.height:
        body += figure_html(
            event_study_chart(
                p.event_study,
                p.event_width,
                "All interventions: change in crimes by period from the start",
            ),
            height=360,
            data=event_data(p.event_study),
        )
        body += _before_the_start(p.event_leads_p_value, p.event_width)
    if p.pre_trend is not None:
        body += _pre_trend(p.pre_trend.ratio_per_year, p.pre_trend.differs)
    for note in p.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return body


def _pre_trend(per_year: Estimate, differs: bool) -> str:
    """The difference in trend before the start, in words ("no clear difference" first)."""
    interval = change_interval(per_year.ci_low, per_year.ci_high, per_year.estimate)
    words = f"{change(per_year.estimate, 'crimes')} a year"
    if differs:
        return paragraphs(
            "Before the start the treated areas were on a different trend from the comparison "
            f"areas: {words} ({interval}). The comparison areas cannot stand for what would "
            "have happened."
        )
    return paragraphs(
        "Before the start, no clear difference in trend from the comparison areas "
        f"({with_estimate(words, interval)})."
    )


def _balance(e: InterventionEvaluation) -> str:
    """How alike the treated and comparison areas were: one sentence in the text, the table
    (a model diagnostic) for the model details."""
    if e.balance.is_empty():
        return ""
    unbalanced = e.balance.filter(~pl.col("balanced"))["covariate"].to_list()
    text = (
        "The comparison areas are alike the treated ones on everything matched."
        if not unbalanced
        else "The comparison areas are not closely alike the treated ones on: "
        + ", ".join(unbalanced)
        + ". The model allows for a steady difference in level between areas; a difference "
        "in trend would show in the trend before the start."
    )
    return paragraphs(text) + table_html(
        e.balance,
        caption="Balance: treated against all candidates and the matched comparisons "
        "(standardised difference under 0.1 = well matched)",
        labels=SCANNED_LABELS,
    )


def intervention_section(e: InterventionEvaluation, public: bool) -> Section:
    """One intervention: statement first, then the evidence; model diagnostics folded."""
    iv = e.intervention
    body = (
        cannot_box(e.conclusion)
        if not e.can_conclude
        else f'<div class="callout">{esc(e.conclusion)}</div>'
    )
    body += paragraphs(
        f"{words_for(iv.type, 'intervention_type')}; started {_month(iv.start)}"
        + (f", ended {_month(iv.end)}" if iv.end else "")
        + f"; cost {money(iv.cost)}"
        + (f"; {iv.funder}" if iv.funder else "")
        + f". Area: {iv.area}"
        + (f": {_names(iv.lsoas, e.area_names)}" if iv.lsoas and not public else "")
        + f". {e.before_months} months before and {e.after_months} after the start "
        f"(from {_month(e.first_after)})."
    )
    if e.can_conclude:
        body += _effect_cards(
            e.rate_ratio, e.crimes_averted, e.harm_averted, e.net_crimes_averted,
            e.cost_per_crime_averted, e.cost_per_harm_day_averted,
        )  # fmt: skip
    elif not public:
        body += _diagnostics(
            e.rate_ratio, e.crimes_averted, e.harm_averted, e.net_crimes_averted,
            e.cost_per_crime_averted,
        )  # fmt: skip
    body += _counts_table(e.counts)
    if not public and e.comparisons:
        body += paragraphs(
            f"Comparison neighbourhoods (LSOAs): {_names(e.comparisons, e.area_names)}."
        )
    if e.event_study.height:
        body += figure_html(
            event_study_chart(
                e.event_study,
                e.event_width,
                f"{iv.name}: change in crimes by {e.event_width} from the start",
            ),
            height=340,
            data=event_data(e.event_study),
        )
        body += _before_the_start(e.event_leads_p_value, e.event_width)
    if e.pre_trend is not None:
        body += _pre_trend(e.pre_trend.ratio_per_year, e.pre_trend.differs)
    # where no conclusion can be drawn (analysts only), the other estimates are diagnostics too
    diagnostic = "" if e.can_conclude else "Diagnostic only, not fit for conclusions: "
    others = ""
    if e.ring_ratio is not None and (e.can_conclude or not public):
        others += paragraphs(
            f"{diagnostic}The ring around the areas (where crime could have moved to), against "
            f"the comparison areas: {ratio_words(e.ring_ratio)}."
        )
    if e.synthetic.height:
        body += figure_html(
            synthetic_chart(e.synthetic, f"{iv.name}: synthetic control"), height=320
        )
    fit = e.synthetic_fit
    if fit:
        interval = (
            f"{change(e.synthetic_ratio.ci_low)} to {change(e.synthetic_ratio.ci_high)}"
            if e.synthetic_ratio
            else "too few good comparisons for an interval"
        )
        others += paragraphs(
            f"{diagnostic}A second estimate, against a weighted blend of similar areas that "
            f"tracked the treated areas before the start: "
            f"{change(float(fit['ratio'] or 0), 'crimes')} after the start (approximate interval "
            f"{interval})."
        )
    details = _balance(e)
    if e.can_conclude:
        body += others
    else:
        details = others + details
    if fit:
        p_value, average = fit["p_value"], fit["pre_mean"]
        against = (
            f"against an average of {float(average):.2f}"
            if average is not None
            else "(the treated areas' average is not published: over the areas and quarters "
            "it is their exact count)"
        )
        details += paragraphs(
            "Synthetic control: ratio of crimes after the start to the synthetic control's "
            f"{float(fit['ratio'] or 0):.2f}; placebo "
            f"{'p not available' if p_value is None else fmt_p(float(p_value))}; fit before the "
            f"start: root mean squared gap {float(fit['pre_rmspe'] or 0):.2f} crimes a quarter "
            f"{against}."
        )
    if e.displacement is not None:
        d = e.displacement
        wdq = (
            f"{_two(d.wdq)} ({'–' if d.ci_low is None else _two(d.ci_low)} to "
            f"{'–' if d.ci_high is None else _two(d.ci_high)}): {d.reading}"
            if d.wdq is not None
            else "not meaningful: the treated areas did not fall against the comparison areas"
        )
        details += paragraphs(
            f"Weighted displacement quotient (above 0: benefits spread to the ring; below 0: "
            f"crime moved there): {wdq}."
        )
    if e.ring_ratio is not None and (e.can_conclude or not public):
        details += paragraphs(
            f"The ring around the treated areas, against comparison areas: "
            f"{change(e.ring_ratio.estimate, 'crimes')} "
            f"({change_interval(e.ring_ratio.ci_low, e.ring_ratio.ci_high, e.ring_ratio.estimate)})."
        )
    if details:
        body += details_html("Model details", details)
    for note in e.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return Section(iv.name, body, anchor=f"iv-{iv.intervention_id.lower()}")
