"""Sections of the perpetrator programme evaluation."""

from __future__ import annotations

import polars as pl

from vawg.programme.analysis import ProgrammeEvaluation
from vawg.report.evaluation._format import (
    SCANNED_LABELS,
    cannot_box,
    esc,
    interval_text,
    kpi,
    number,
    pct,
    ratio_text,
)
from vawg.report.evaluation.charts import survival_chart
from vawg.report.page import Section, figure_html, paragraphs, table_html

__all__ = ["programme_section"]


def programme_section(p: ProgrammeEvaluation, public: bool) -> Section:
    """One programme: the finding first, then the groups, curves and balance."""
    body = (
        cannot_box(p.conclusion)
        if not p.can_conclude
        else f'<div class="callout">{esc(p.conclusion)}</div>'
    )
    harm = ratio_text(p.harm_ratio) if p.harm_ratio else "–"
    cards = [
        kpi(number(p.analysed), "participants analysed", f"of {number(p.referrals)} referrals"),
        kpi(number(p.comparisons), "matched comparisons"),
        kpi(
            f"{p.hazard_ratio.estimate:.2f}" if p.hazard_ratio else "–",
            "hazard ratio of a next VAWG offence (1 = no difference)",
            interval_text(p.hazard_ratio),
        ),
        kpi(
            f"{p.same_victim_hazard_ratio.estimate:.2f}" if p.same_victim_hazard_ratio else "–",
            "hazard ratio, against the same victim",
            interval_text(p.same_victim_hazard_ratio),
        ),
        kpi(
            f"{p.harm_ratio.estimate:.2f}" if p.harm_ratio else "–",
            "harm of reoffending, participants over comparisons",
            harm,
        ),
    ]
    if p.can_conclude or not public:
        body += f'<div class="kpis">{"".join(cards)}</div>'
    excluded = [f"{n if n is not None else 'fewer than 5'} {why}" for why, n in p.excluded.items()]
    if excluded:
        body += paragraphs("Referrals left out: " + "; ".join(excluded) + ".")
    if p.hazard_ratios.height:
        body += table_html(
            p.hazard_ratios.drop("programme"),
            caption="Hazard ratios by outcome and group (completers and non-completers apart)",
            max_rows=50,
            labels=SCANNED_LABELS,
        )
        body += paragraphs(
            "Completion is known only at the end, and men who reoffend may be more likely to "
            "leave, so the completer and non-completer rows describe who did better, not what "
            "completing caused."
        )
    for curve in ("any victim: all participants", "same victim: all participants"):
        if p.curves.height and p.curves.filter(pl.col("curve") == curve).height:
            body += figure_html(
                survival_chart(p.curves, curve, f"Not yet reoffended ({curve})"), height=360
            )
    if public and p.curves.height:
        body += paragraphs(
            "Published at 3, 6, 12 and 24 months only, where enough men had reoffended and were "
            "still followed: a step of the full curve is one man's reoffence date."
        )
    if p.mean_harm_participants is not None:
        body += paragraphs(
            f"Harm of reoffending in the follow-up (days, per man followed that long, "
            f"{number(p.harm_people)} men): participants {number(p.mean_harm_participants, 1)}, "
            f"comparisons {number(p.mean_harm_comparisons, 1)}; ratio {harm}."
        )
    if p.reoffended_share:
        body += paragraphs(
            f"Reoffended within the follow-up: participants "
            f"{pct(p.reoffended_share.get('participant'))}, comparisons "
            f"{pct(p.reoffended_share.get('comparison'))}."
        )
    if p.balance.height:
        body += table_html(
            p.balance,
            caption="Balance: participants against all candidates and matched comparisons",
            labels=SCANNED_LABELS,
        )
    for note in p.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return Section(f"Programme: {p.programme}", body, anchor=f"programme-{p.programme.lower()}")
