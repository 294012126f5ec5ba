"""Safer Streets and the programme: where next (targeting) and did it work (evaluation)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from vawg.report.evaluation.charts import event_study_chart, survival_chart
from vawg.report.targeting.map import targeting_area_map, targeting_map_figure
from vawg.report.targeting.report import near_repeat_reading
from vawg.schema.labels import label
from vawg.web import data
from vawg.web.charts import (
    as_rate,
    change_axis,
    change_words,
    interval_words,
    show_chart,
    show_map,
    show_table,
    show_text_table,
    styled,
)
from vawg.web.context import PageContext
from vawg.web.pages.common import details, disclosure_note, main_points, plain_points
from vawg.wording import unclear

_TOP = {"surely": "Surely", "might be": "Might be", "no": "No"}
_LEGEND_ABOVE = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0}


__all__ = ["render"]


def _hazard_words(ratio: float | None, low: float | None, high: float | None) -> str:
    """A hazard ratio in words, "no clear difference" first when its interval holds 1."""
    if ratio is None:
        return "–"
    words = as_rate(change_words(ratio))
    if low is not None and high is not None and low <= 1 <= high:
        return "N" + unclear("difference", words)[1:]
    return words[:1].upper() + words[1:]


def _targeting(ctx: PageContext) -> None:
    result = data.targeting_result(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public)
    n = result.top_rank
    main_points(result.main_points)
    st.caption(
        f"Public-place VAWG in the evening and at night, whole force, {ctx.filters.period()}: "
        "places ranked by harm. A rank is uncertain: each has a 95% interval, and a place "
        f"'might be' in the top {n} when its interval reaches rank {n}."
    )
    if result.table.height:
        title = f"Where harm was greatest: neighbourhoods surely or possibly in the top {n}"
        fig = targeting_area_map(result, title=title)
        caption = "Hover for each neighbourhood's name and rank."
        if fig is None:
            fig = targeting_map_figure(result.table, top_n=n, title=title)
            caption = "Each symbol is a neighbourhood, its area proportional to harm."
        shown = result.table.drop([c for c in ("easting", "northing") if c in result.table.columns])
        show_map(
            ctx,
            styled(fig, height=560),
            shown,
            "targeting ranking",
            caption=caption,
            key="targeting-map",
        )
    if result.towns.height:
        st.markdown("**Town centres ranked by harm**")
        towns = result.towns.with_columns(
            pl.col("top_n").replace_strict(_TOP, default=pl.col("top_n"))
        )
        show_table(
            ctx,
            towns,
            "town centres by harm",
            key="targeting-towns",
            labels={
                "town_centre": "Town centre",
                "district": "District",
                "lsoas": "Neighbourhoods",
                "crimes": "Crimes",
                "harm_days": "Harm (days of prison)",
                "harm_share": "Share of harm",
                "rank": "Rank",
                "best_rank": "Rank: 95% interval from",
                "worst_rank": "to",
                "top_n_share": f"How often in the top {n}",
                "top_n": f"In the top {n}?",
                "unsafe_at_night_share": "Feel unsafe at night",
                "unsafe_ci_low": "95% CI from",
                "unsafe_ci_high": "to",
            },
            percent=["unsafe_ci_low", "unsafe_ci_high"],
            decimals=0,
            widths={"town_centre": "medium", "district": "medium"},
        )
    if result.coverage.height:
        st.markdown("**Share of harm in the places ranked highest**")
        show_table(
            ctx,
            result.coverage,
            "share of harm in the top N",
            key="targeting-coverage",
            labels={
                "up_to_rank": "Places ranked 1 to",
                "harm_share": "Share of harm",
                "ci_low": "95% CI from",
                "ci_high": "to",
                "crime_share": "Share of crimes",
            },
        )
    st.markdown(near_repeat_reading(result.knox))
    details(result.notes)


def _places(ctx: PageContext, place: object) -> None:
    from vawg.evaluation.analysis import PlaceEvaluationResult

    if not isinstance(place, PlaceEvaluationResult):
        st.info("No interventions are loaded (interventions.csv), so no place is evaluated.")
        return
    main_points(place.main_points)
    pooled = place.pooled
    if pooled is not None:
        # A conclusion in neutral blue: green would read as "it worked" whatever it says.
        (st.info if pooled.can_conclude else st.warning)(
            f"All interventions together: {pooled.conclusion}"
        )
        before = _before_the_start(pooled)
        if before:
            st.warning(before)
        if pooled.event_study.height:
            fig = event_study_chart(
                pooled.event_study,
                pooled.event_width,
                "All interventions: treated against comparison areas, by period from the start",
            )
            study = pooled.event_study
            change_axis(fig, [*study["ci_low"].to_list(), *study["ci_high"].to_list()], axis="y")
            fig.update_layout(yaxis_title="crimes: % more or fewer")
            show_chart(
                ctx,
                styled(fig, height=340, legend=False),
                pooled.event_study,
                "all interventions by period",
                key="pooled-es",
                caption=f"Each point: crimes in the treated areas against the comparison areas, "
                f"relative to the last {pooled.event_width} before the start (set at no "
                "change), with its 95% interval. If most points before the start sit above (or "
                f"below) no change, that last {pooled.event_width} may itself have been unusual: "
                "read the estimate with that in mind.",
            )
    summary = place.table.select(
        "name",
        pl.col("type").map_elements(
            lambda t: label(t, "intervention_type"), return_dtype=pl.String
        ),
        "start_date",
        "conclusion",
    )
    st.markdown("**Each intervention**")
    show_text_table(
        ctx,
        summary,
        "each intervention",
        key="interventions",
        wide="conclusion",
        labels={
            "name": "Intervention",
            "type": "Type",
            "start_date": "Started",
            "conclusion": "What the data show",
        },
    )


def _before_the_start(pooled: object) -> str:
    """A warning when the treated areas were not steady against the comparison areas before
    the start (the analysis' own tests; nothing decided here)."""
    trend = getattr(pooled, "pre_trend", None)
    if trend is not None and trend.differs:
        per_year = trend.ratio_per_year
        return (
            "Read with care: before the start, the treated areas were on a different trend "
            f"from the comparison areas ({change_words(per_year.estimate, unit='crimes')} a "
            "year, 95% interval "
            f"{interval_words(per_year.ci_low, per_year.ci_high, per_year.estimate)}), so the "
            "comparison areas cannot stand for what would have happened."
        )
    # the periods before the start: the analysis' own caution (its joint test, or its fallback
    # when the periods cannot be tested together), not a second rule here
    cautions = getattr(pooled, "cautions", ())
    if cautions:
        return " ".join(cautions)
    return ""


def _programmes(ctx: PageContext, programme: object) -> None:
    from vawg.programme.analysis import ProgrammeEvaluationResult

    if not isinstance(programme, ProgrammeEvaluationResult):
        st.info("No programme participants are loaded, so no programme is evaluated.")
        return
    if programme.main_points:
        main_points(programme.main_points)
    else:
        plain_points(["No programme has enough participants followed up to draw a conclusion yet."])
    for p in programme.programmes:
        (st.info if p.can_conclude else st.warning)(f"{p.programme}: {p.conclusion}")
        curve = "any victim: all participants"
        if p.curves.height and p.curves.filter(pl.col("curve") == curve).height:
            fig = survival_chart(
                p.curves,
                curve,
                "Share not yet reoffended, by days since referral",
                sampled=ctx.public,  # read at a few points only: joined by lines, not steps
            )
            fig.update_layout(legend=_LEGEND_ABOVE)
            show_chart(
                ctx,
                styled(fig, height=360),
                p.curves,
                f"{p.programme} curves",
                key=f"km-{p.programme}",
            )
        st.markdown(f"**{p.programme}: reoffending against similar people not referred**")
        hr = p.hazard_ratios
        shown = hr.select(
            pl.col("outcome")
            .str.replace("any victim", "Any victim")
            .str.replace("same victim", "The same victim"),
            pl.col("group").str.slice(0, 1).str.to_uppercase() + pl.col("group").str.slice(1),
            "participants",
            "comparisons",
            "reoffended_participants",
            "reoffended_comparisons",
            pl.Series(
                "change",
                [
                    _hazard_words(r, lo, hi)
                    for r, lo, hi in zip(
                        hr["hazard_ratio"].to_list(),
                        hr["ci_low"].to_list(),
                        hr["ci_high"].to_list(),
                        strict=True,
                    )
                ],
            ),
            pl.Series(
                "interval",
                [
                    as_rate(interval_words(lo, hi, r))
                    for r, lo, hi in zip(
                        hr["hazard_ratio"].to_list(),
                        hr["ci_low"].to_list(),
                        hr["ci_high"].to_list(),
                        strict=True,
                    )
                ],
            ),
            pl.col("note").fill_null(""),
        )
        show_table(
            ctx,
            shown,
            f"{p.programme} reoffending",
            key=f"hr-{p.programme}",
            labels={
                "outcome": "Reoffending against",
                "group": "Participants",
                "participants": "People",
                "comparisons": "Compared with",
                "reoffended_participants": "Reoffended",
                "reoffended_comparisons": "Compared: reoffended",
                "change": "Rate of reoffending, against the comparison",
                "interval": "95% interval",
                "note": "Note",
            },
            caption="Where the 95% interval runs from lower to higher, the data cannot tell "
            "the two groups apart: no clear difference.",
            widths={"change": "large", "interval": "medium"},
        )


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
        _places(_own_period(ctx, place), place)
    else:
        _programmes(_own_period(ctx, programme), programme)


def _own_period(ctx: PageContext, result: object) -> PageContext:
    """The context for an evaluation's downloads: stamped and named with the period the
    evaluation covers (always the whole extract), not the period filter, which does not apply
    to it; no other filter applies either."""
    months = getattr(result, "months", None)
    if months is not None:  # Safer Streets: whole calendar months
        first, last = months
        return ctx.with_own_period(
            f"{first:%b %Y} to {last:%b %Y} in whole calendar months (the whole extract; "
            "the period filter does not apply)",
            f"{first:%Y-%m}-to-{last:%Y-%m}",
        )
    last_day = getattr(result, "last_day", None)
    if last_day is not None:  # the programmes: referrals and follow-up to the last day
        return ctx.with_own_period(
            f"the whole extract to {last_day:%-d %b %Y} (the period filter does not apply)",
            f"to-{last_day:%Y-%m-%d}",
        )
    return ctx
