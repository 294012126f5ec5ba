"""The open site's "Did it work?" page: Safer Streets, the perpetrator programme, where next.

Rendered from public Results only (made by :func:`vawg.opensite.open_site_results` through
``disclose_evaluation``, ``disclose_programme`` and ``disclose_targeting``): an intervention that
cannot support a conclusion shows the plain reason and no number; the programme's survival
curves only at 3, 6, 12 and 24 months; town centres by name, never a crime's place. Nothing
here changes a number.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl

from vawg.evaluation.analysis import PlaceEvaluationResult
from vawg.programme.analysis import ProgrammeEvaluationResult
from vawg.report.evaluation.charts import event_study_chart, survival_chart
from vawg.report.evaluation.place import event_data
from vawg.report.evaluation.programme import curve_data
from vawg.report.fmt import change, change_interval, span
from vawg.report.page import PALETTE, Section, disclosure_rule, paragraphs, table_html
from vawg.report.site.parts import (
    CLEAR_NOTE,
    SitePage,
    chart,
    kpis_html,
    main_points_section,
)
from vawg.report.targeting.map import rank_note, targeting_map_data, targeting_map_html
from vawg.results import excludes
from vawg.targeting.analysis import TargetingResult
from vawg.wording import with_estimate

__all__ = ["evaluation_page"]


def _month_end(month: date) -> date:
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def _places(page: SitePage, result: PlaceEvaluationResult) -> None:
    pooled = result.pooled
    body = ""
    if pooled is not None:
        body += f'<div class="{"callout" if pooled.can_conclude else "warning"}">'
        body += f"<b>All {len(pooled.included)} interventions together:</b> "
        body += f"{pooled.conclusion}</div>"
        if pooled.can_conclude and pooled.rate_ratio is not None:
            e = pooled.rate_ratio
            clear = excludes(e, 1.0)
            body += kpis_html(
                [
                    (
                        change(e.estimate, "crimes") if clear else "no clear change",
                        "against matched areas"
                        if clear
                        else f"against matched areas ({with_estimate(change(e.estimate))})",
                    ),
                    (
                        change_interval(e.ci_low, e.ci_high, e.estimate).removeprefix("95% CI "),
                        "95% confidence interval",
                    ),
                ]
            )
        if pooled.event_study.height:
            es = pooled.event_study.select("label", "rate_ratio", "ci_low", "ci_high")
            fig = event_study_chart(
                es, pooled.event_width, "Before and after the start, against matched areas"
            )
            body += chart(
                page,
                "safer-streets-event-study",
                fig,
                es,
                measure="ratio",
                legend=False,
                table=event_data(pooled.event_study),
            )
            body += paragraphs(
                "Each point is how the treated areas moved against the matched areas, relative "
                f"to the last {pooled.event_width} before the start (period −1, set at no "
                "change); the bars are 95% intervals. The headline figure does not rest on "
                f"that one {pooled.event_width}: it compares the whole period before the start "
                "with the whole period after, in the treated areas against the matched areas."
            )
    rows = [
        {
            "intervention": e.intervention.name,
            "started": f"{e.intervention.start:%b %Y}",
            "finding": e.conclusion,
        }
        for e in result.interventions
    ]
    body += table_html(pl.DataFrame(rows), caption="Each intervention", max_rows=100)
    body += paragraphs(
        "Each intervention's public-place evening and night VAWG is compared with similar "
        "areas that were not treated, over the same months (the change in the treated areas set "
        "against the change in the similar ones). Where "
        "too few crimes were recorded, the period is too short, or the areas were already "
        "drifting apart before the start, no figure is given."
    )
    page.sections.append(Section("Safer Streets", body, anchor="safer-streets"))


def _programme(page: SitePage, result: ProgrammeEvaluationResult) -> None:
    for p in result.programmes:
        body = f'<div class="{"callout" if p.can_conclude else "warning"}">{p.conclusion}</div>'
        curves = p.curves.filter(pl.col("curve") == "any victim: all participants")
        if curves.height:
            shown = curves.select(
                "group",
                "days",
                pl.col("survival").alias("not_reoffended_share"),
                pl.col("ci_low").alias("not_reoffended_ci_low"),
                pl.col("ci_high").alias("not_reoffended_ci_high"),
            )
            fig = survival_chart(
                p.curves,
                "any victim: all participants",
                "Share not yet reoffended",
                sampled=result.public,
            )
            # the site colours each trace by its place; a band takes its curve's colour
            for index, trace in enumerate(fig.data):
                if trace.fill == "toself":
                    trace.update(fillcolor=PALETTE[(index - 1) % len(PALETTE)])
            body += chart(
                page,
                f"programme-{p.programme.lower()}",
                fig,
                shown,
                measure="share",
                height=420,
                table=curve_data(p.curves, "any victim: all participants"),
            )
            body += paragraphs(
                "The public version shows the curve at 0, 3, 6 and 12 months only (and at 24 "
                "months where enough men were still followed), joined by straight lines: it "
                "does not show when, between those points, men reoffended. The shaded bands are "
                "95% intervals."
            )
        page.sections.append(Section(f"Perpetrator programme: {p.programme}", body))


def _targeting(page: SitePage, result: TargetingResult) -> None:
    if not result.towns.height:
        return
    wanted = ("rank", "town_centre", "harm_share", "best_rank", "worst_rank", "top_n")
    towns = result.towns.select(c for c in wanted if c in result.towns.columns)
    n = min(result.top_rank, result.towns.height)
    body = paragraphs(
        "Town centres ranked by the harm of public-place VAWG in the evening and at night "
        f"(crimes recorded in {span(result.params.period)}), with "
        "the range of ranks each could have had by chance (95%). 'surely' means surely in the "
        f"top {n}; 'might be' that the range reaches into it. Ranks are of the full "
        "figures, among the town centres shown."
    )
    note = rank_note(towns["rank"].to_list(), "town centres") if "rank" in towns.columns else ""
    body += table_html(
        towns,
        caption="Town centres by harm" + (f". {note}" if note else ""),
        max_rows=50,
        percent=[c for c in ("harm_share",) if c in towns.columns],
        labels={
            "town_centre": "town centre",
            "harm_share": "share of the harm in town centres",
            "best_rank": "best rank",
            "worst_rank": "worst rank",
            "top_n": f"in the top {n}",
        },
    )
    page.add_csv("town-centres-by-harm", towns)
    drawn = targeting_map_html(
        result, title=f"Which LSOAs could be in the top {result.top_rank} for harm"
    )
    if drawn is not None:
        body += drawn
        page.add_csv("lsoas-by-harm", targeting_map_data(result))
    page.sections.append(Section("Where next", body, anchor="where-next"))


def evaluation_page(
    evaluation: PlaceEvaluationResult | None,
    programme: ProgrammeEvaluationResult | None,
    where: TargetingResult | None,
) -> SitePage | None:
    """Did it work, and where next (None when there is nothing to show)."""
    if evaluation is None and programme is None:
        return None
    page = SitePage(
        "evaluation",
        "Did it work?",
        "Safer Streets interventions and the perpetrator programme, against matched comparisons.",
    )
    if evaluation is not None and evaluation.params.period is not None:
        # the Safer Streets months (first day of the first to last day of the last), not the
        # site's period: the analyses compare the years either side of each start
        first, last = evaluation.params.period
        page.period = (first, _month_end(last))
    shown = evaluation or programme
    if shown is not None:
        page.rule = disclosure_rule(shown.params.settings)
    points = [
        *(evaluation.main_points if evaluation is not None else ()),
        *(programme.main_points if programme is not None else ()),
    ]
    if points:
        page.sections.append(main_points_section(points, note=CLEAR_NOTE))
    if evaluation is not None:
        _places(page, evaluation)
    if programme is not None:
        _programme(page, programme)
    if where is not None:
        _targeting(page, where)
    return page
