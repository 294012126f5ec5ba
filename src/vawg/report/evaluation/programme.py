"""Sections of the perpetrator programme evaluation."""

from __future__ import annotations

import polars as pl

from vawg.programme.analysis import ProgrammeEvaluation
from vawg.report.evaluation._format import (
    SCANNED_LABELS,
    cannot_box,
    esc,
    kpi,
    number,
    pct,
)
from vawg.report.evaluation.charts import survival_chart
from vawg.report.evaluation.place import ratio_words
from vawg.report.fmt import change, change_interval
from vawg.report.fmt import p_value as fmt_p
from vawg.report.page import Section, details_html, figure_html, paragraphs, table_html
from vawg.results import Estimate, excludes
from vawg.wording import with_estimate

__all__ = ["curve_data", "programme_section"]


def harm_words(e: Estimate | None) -> str:
    """The ratio of harm in words: ``74% less harm (95% CI 45% less to 89% less)``."""
    if e is None:
        return "–"
    text = ratio_words(e, "harm").replace("fewer", "less")
    return text


def curve_data(curves: pl.DataFrame, curve: str) -> pl.DataFrame:
    """The survival curve's numbers for its data table: group, day, share and interval."""
    part = curves.filter(pl.col("curve") == curve).sort("group", "days", descending=[True, False])
    return pl.DataFrame(
        {
            "group": [f"{g}s" for g in part["group"].to_list()],
            "days from referral": part["days"].to_list(),
            "not yet reoffended": [pct(v) for v in part["survival"].to_list()],
            "95% CI": [
                f"{pct(lo)} to {pct(hi)}"
                for lo, hi in zip(part["ci_low"].to_list(), part["ci_high"].to_list(), strict=True)
            ],
        }
    )


def _rate(text: str) -> str:
    """A change in a rate (not a count): ``17% lower``, ``2.1 times as high``."""
    return text.replace("fewer", "lower").replace("more", "higher").replace("as many", "as high")


def _hazard_card(e: Estimate | None, label: str) -> str:
    if e is None:
        return kpi("–", label, "no estimate")
    interval = _rate(change_interval(e.ci_low, e.ci_high, e.estimate))
    if excludes(e, 1.0):
        return kpi(_rate(change(e.estimate)), label, interval)
    return kpi("no clear difference", label, with_estimate(_rate(change(e.estimate)), interval))


def _harm_card(e: Estimate | None) -> str:
    label = "harm of reoffending, participants against comparisons"
    if e is None:
        return kpi("–", label, "no estimate")
    interval = change_interval(e.ci_low, e.ci_high, e.estimate).replace("fewer", "less")
    if excludes(e, 1.0):
        return kpi(change(e.estimate).replace("fewer", "less"), label, interval)
    return kpi(
        "no clear difference",
        label,
        with_estimate(change(e.estimate).replace("fewer", "less"), interval),
    )


def programme_section(p: ProgrammeEvaluation, public: bool) -> Section:
    """One programme: the finding first, then the groups, curves and balance."""
    body = (
        cannot_box(p.conclusion)
        if not p.can_conclude
        else f'<div class="callout">{esc(p.conclusion)}</div>'
    )
    harm = harm_words(p.harm_ratio)
    cards = [
        kpi(number(p.analysed), "participants analysed", f"of {number(p.referrals)} referrals"),
        kpi(number(p.comparisons), "matched comparisons"),
        _hazard_card(
            p.hazard_ratio, "participants' rate of a next VAWG offence, against comparisons"
        ),
        _hazard_card(
            p.same_victim_hazard_ratio, "the same, against a woman he had offended against before"
        ),
        _harm_card(p.harm_ratio),
    ]
    if p.can_conclude or not public:
        body += f'<div class="kpis">{"".join(cards)}</div>'
    excluded = [f"{n if n is not None else 'fewer than 5'} {why}" for why, n in p.excluded.items()]
    if excluded:
        body += paragraphs("Referrals left out: " + "; ".join(excluded) + ".")
    if p.hazard_ratios.height:
        shown = p.hazard_ratios.drop("programme")
        words = [
            "–"
            if row["hazard_ratio"] is None
            else _rate(
                ratio_words(Estimate(row["hazard_ratio"], row["ci_low"], row["ci_high"]), "")
            )
            for row in shown.iter_rows(named=True)
        ]
        body += table_html(
            shown.select("outcome", "group")
            .with_columns(change=pl.Series(words, dtype=pl.String))
            .hstack(
                shown.select(
                    "participants",
                    "comparisons",
                    "reoffended_participants",
                    "reoffended_comparisons",
                )
            )
            .with_columns(note=shown["note"].fill_null("").replace("", "–")),
            caption="Reoffending of participants against their comparisons, by outcome and "
            "group (completers and non-completers apart); a dash in a row is explained in its "
            "note",
            max_rows=50,
            labels={"change": "participants' rate of reoffending against comparisons (95% CI)"},
        )
        body += paragraphs(
            "Completion is known only at the end, and men who reoffend may be more likely to "
            "leave, so the completer and non-completer rows describe who did better, not what "
            "completing caused."
        )
        details = table_html(
            shown.drop("note").with_columns(
                pl.col("p_value").map_elements(fmt_p, return_dtype=pl.String)
            ),
            caption="Hazard ratios (Cox model) with their 95% intervals and p-values",
            max_rows=50,
            labels={
                **SCANNED_LABELS,
                "ci_low": "95% CI low",
                "ci_high": "95% CI high",
                "p_value": "p-value",
            },
        )
    else:
        details = ""
    for curve in ("any victim: all participants", "same victim: all participants"):
        if p.curves.height and p.curves.filter(pl.col("curve") == curve).height:
            body += figure_html(
                survival_chart(p.curves, curve, f"Not yet reoffended ({curve})", sampled=public),
                height=400,
                data=curve_data(p.curves, curve),
            )
    if public and p.curves.height:
        body += paragraphs(
            "The public version shows the curve at 0, 3, 6 and 12 months only (and at 24 "
            "months where enough men had reoffended and were still followed), joined by "
            "straight lines: it does not show when, between those points, men reoffended. The "
            "shaded bands are 95% intervals."
        )
    if p.mean_harm_participants is not None:
        body += paragraphs(
            f"Harm of reoffending in the follow-up (days, per man followed that long, "
            f"{number(p.harm_people)} men): participants {number(p.mean_harm_participants, 1)}, "
            f"comparisons {number(p.mean_harm_comparisons, 1)}: {harm}."
        )
    if p.reoffended_share:
        body += paragraphs(
            f"Reoffended within the follow-up: participants "
            f"{pct(p.reoffended_share.get('participant'))}, comparisons "
            f"{pct(p.reoffended_share.get('comparison'))}."
            + (
                " A difference in harm with about as many men reoffending comes from how "
                "serious the reoffences were; a few very serious offences can move it a lot, so "
                "read it with its interval."
                if p.mean_harm_participants is not None
                else ""
            )
        )
    if p.balance.height:
        details += table_html(
            p.balance,
            caption="Balance: participants against all candidates and matched comparisons "
            "(standardised difference under 0.1 = well matched)",
            labels=SCANNED_LABELS,
        )
    if details:
        body += details_html("Model details", details)
    for note in p.notes:
        body += f'<p class="note">{esc(note)}</p>'
    return Section(f"Programme: {p.programme}", body, anchor=f"programme-{p.programme.lower()}")
