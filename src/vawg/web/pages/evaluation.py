"""Safer Streets and the programme: where next (targeting) and did it work (evaluation)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vawg.report.evaluation.charts import event_study_chart, survival_chart
from vawg.report.targeting.map import targeting_area_map, targeting_map_figure
from vawg.report.targeting.report import near_repeat_reading
from vawg.web import data
from vawg.web.charts import show_chart, show_table, styled
from vawg.web.context import PageContext
from vawg.web.pages.common import disclosure_note

__all__ = ["render"]


def _targeting(ctx: PageContext) -> None:
    result = data.targeting_result(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public)
    n = result.top_rank
    st.caption(
        f"Public-place VAWG in the evening and at night, whole force, {ctx.filters.start:%d %b %Y} "
        f"to {ctx.filters.end:%d %b %Y}: places ranked by harm with 95% rank intervals."
    )
    if result.table.height:
        title = f"Harm by LSOA (top {n} marked)"
        fig = targeting_area_map(result, title=title)
        caption = "LSOA boundaries; hover for each LSOA's name and rank."
        if fig is None:
            fig = targeting_map_figure(result.table, top_n=n, title=title)
            caption = "No LSOA boundaries: symbols at LSOA centroids, area proportional to harm."
        shown = result.table.drop([c for c in ("easting", "northing") if c in result.table.columns])
        show_chart(
            ctx,
            styled(fig, height=560),
            shown,
            "targeting ranking",
            caption=caption,
            key="targeting-map",
        )
    if result.towns.height:
        show_table(ctx, result.towns, "town centres by harm", key="targeting-towns")
    if result.coverage.height:
        show_table(ctx, result.coverage, "share of harm in the top N", key="targeting-coverage")
    st.markdown(near_repeat_reading(result.knox))
    for note in result.notes:
        st.caption(note)


def _places(ctx: PageContext, place: object) -> None:
    from vawg.evaluation.analysis import PlaceEvaluationResult

    if not isinstance(place, PlaceEvaluationResult):
        st.info("No interventions are loaded (interventions.csv), so no place is evaluated.")
        return
    pooled = place.pooled
    if pooled is not None:
        (st.success if pooled.can_conclude else st.warning)(
            f"All interventions together: {pooled.conclusion}"
        )
        if pooled.event_study.height:
            fig = event_study_chart(pooled.event_study, pooled.event_width, "All interventions")
            show_chart(
                ctx,
                styled(fig, height=340, legend=False),
                pooled.event_study,
                "pooled event study",
                key="pooled-es",
            )
    summary = place.table.select("intervention_id", "name", "start_date", "conclusion")
    show_table(ctx, summary, "each intervention", key="interventions")


def _programmes(ctx: PageContext, programme: object) -> None:
    from vawg.programme.analysis import ProgrammeEvaluationResult

    if not isinstance(programme, ProgrammeEvaluationResult):
        st.info("No programme participants are loaded, so no programme is evaluated.")
        return
    for p in programme.programmes:
        (st.success if p.can_conclude else st.warning)(f"{p.programme}: {p.conclusion}")
        curve = "any victim: all participants"
        if p.curves.height and p.curves.filter(pl.col("curve") == curve).height:
            fig = survival_chart(p.curves, curve, "Not yet reoffended")
            show_chart(
                ctx,
                styled(fig, height=340),
                p.curves,
                f"{p.programme} curves",
                key=f"km-{p.programme}",
            )
        show_table(ctx, p.hazard_ratios, f"{p.programme} hazard ratios", key=f"hr-{p.programme}")


WHERE, PLACES, PROGRAMME = "Where next", "Did it work: places", "Did it work: programme"
"""The page's three parts, one drawn at a time. The address holds the label itself
(``?part=Where+next``): Streamlit binds a choice to the address by what it shows."""


def render(ctx: PageContext) -> None:
    """Draw the Safer Streets and programme page: the part chosen at the top.

    One part at a time rather than tabs: tabs send every part and hide all but one (a chart in
    a hidden tab has no box on the page), and the run of the page waited for the slow
    evaluation even when the user only looks at where next. The choice is bound to the
    address, so a reload or a shared link opens the same part.
    """
    st.title("Safer Streets and the programme")
    disclosure_note(ctx)
    part = st.segmented_control(
        "Show",
        [WHERE, PLACES, PROGRAMME],
        default=WHERE,
        required=True,
        key="part",
        bind="query-params",
    )
    if part == WHERE:
        _targeting(ctx)
        return
    with st.spinner("evaluating interventions and programmes (the first time takes a while)"):
        place, programme = data.evaluation_result(ctx.db_key, ctx.stamp, ctx.settings, ctx.public)
    if part == PLACES:
        _places(ctx, place)
    else:
        _programmes(ctx, programme)
