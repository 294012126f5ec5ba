"""Surveys: the PCC's public safety survey and the victims' satisfaction survey."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.survey.satisfaction import ITEMS
from vawg.web import data
from vawg.web.charts import PALETTE, show_chart, show_table, styled, wrapped
from vawg.web.context import PageContext
from vawg.web.pages.common import details, disclosure_note, main_points, wait_for

__all__ = ["render"]

_INDICATORS = {
    "unsafe_night_share": "Feel unsafe in town at night",
    "harassment_share": "Experienced harassment",
    "not_reported_share": "Did not report it (of those harassed)",
}
_DIMENSIONS = {"district": "District", "age_band": "Age band", "sex": "Sex"}


def _bars(frame: pl.DataFrame, x: str, title: str, colour: str) -> go.Figure:
    """Shares as bars across the page, labels down the side (readable on a phone), with their
    95% intervals."""
    fig = go.Figure(
        go.Bar(
            y=[wrapped(str(v)) for v in frame[x].to_list()],
            x=frame["estimate"].to_list(),
            orientation="h",
            marker_color=colour,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (frame["ci_high"] - frame["estimate"]).to_list(),
                "arrayminus": (frame["estimate"] - frame["ci_low"]).to_list(),
            },
        )
    )
    fig.update_layout(title=title, xaxis_tickformat=".0%", yaxis_title=None)
    fig.update_xaxes(nticks=5, tickangle=0, rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return fig


def render(ctx: PageContext) -> None:
    """Draw the surveys page."""
    st.title("Surveys")
    st.caption("County-wide surveys: the period and crime filters do not apply to them.")
    job = data.later(data.survey_result, ctx.db_key, ctx.stamp, ctx.settings, ctx.public)
    survey = wait_for(job, "the survey estimates")
    source, deff, notes, view = (
        survey.weight_source,
        survey.design_effect,
        survey.notes,
        survey.view,
    )
    main_points(survey.main_points)
    disclosure_note(ctx)
    est = view.estimates
    overall = est.filter(pl.col("dimension") == "all", pl.col("indicator").is_in(list(_INDICATORS)))
    overall = overall.with_columns(pl.col("indicator").replace_strict(_INDICATORS).alias("label"))
    left, right = st.columns(2, gap="large")
    with left:
        show_chart(
            ctx,
            styled(
                _bars(overall, "label", "Public survey: headline shares (95% CI)", PALETTE[0]),
                legend=False,
            ),
            overall.drop("label"),
            "public survey headline",
            caption="Shares of all respondents, except 'did not report it': a share of those "
            "harassed.",
        )
    with right:
        indicator = st.selectbox(
            "Indicator",
            list(_INDICATORS),
            format_func=_INDICATORS.__getitem__,
            key="survey_indicator",
        )
        dimension = st.selectbox(
            "By", list(_DIMENSIONS), format_func=_DIMENSIONS.__getitem__, key="survey_dimension"
        )
        part = est.filter(pl.col("indicator") == indicator, pl.col("dimension") == dimension).sort(
            "level"
        )
        show_chart(
            ctx,
            styled(
                _bars(
                    part,
                    "level",
                    f"{_INDICATORS[indicator]}, by {_DIMENSIONS[dimension].lower()} (95% CI)",
                    PALETTE[2],
                ),
                legend=False,
            ),
            part,
            f"survey {indicator} by {dimension}",
        )
    if view.themes is not None and view.themes.height:
        themes = view.themes.sort("weighted_share", descending=True, nulls_last=True)
        given = themes.filter(pl.col("respondents").fill_null(1) > 0)
        none = themes.filter(pl.col("respondents") == 0)["theme"].to_list()
        fig = go.Figure(
            go.Bar(
                y=[wrapped(t[:1].upper() + t[1:]) for t in given["theme"].to_list()],
                x=given["weighted_share"].to_list(),
                orientation="h",
                marker_color=PALETTE[1],
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (given["ci_high"] - given["weighted_share"]).to_list(),
                    "arrayminus": (given["weighted_share"] - given["ci_low"]).to_list(),
                },
            )
        )
        fig.update_layout(
            title="Why harassment was not reported (share of reasons given, 95% CI)",
            xaxis_tickformat=".0%",
        )
        fig.update_xaxes(nticks=4, tickangle=0)
        fig.update_yaxes(autorange="reversed")
        caption = (
            "No respondent's words matched: " + "; ".join(none) + " (the words searched for "
            "may miss how people put it, so this is not evidence that no one gave the reason)."
            if none
            else ""
        )
        show_chart(
            ctx,
            styled(fig, height=420, legend=False),
            themes.drop("keywords"),
            "reasons not reported",
            caption=caption,
        )
    if view.satisfaction is not None and view.satisfaction.height:
        sat = view.satisfaction.filter(pl.col("dimension") == "all").with_columns(
            pl.col("item").replace_strict(ITEMS, default=pl.col("item"))
        )
        show_chart(
            ctx,
            styled(
                _bars(sat, "item", "Victims' satisfaction: share satisfied (95% CI)", PALETTE[4]),
                legend=False,
            ),
            sat,
            "victim satisfaction",
        )
    if view.side is not None and view.side.height:
        with st.expander("Recorded crime beside the survey, by district"):
            show_table(
                ctx,
                view.side,
                "survey side by side",
                labels={
                    "district": "District",
                    "female_population": "Women and girls",
                    "vawg_crimes": "VAWG crimes",
                    "rate_per_1000": "Crimes per 1,000 women and girls a year",
                    "rate_ci_low": "95% CI from",
                    "rate_ci_high": "to",
                },
                percent=[c for c in view.side.columns if "_share_ci_" in c],
                decimals=2,
            )
    details(
        [f"Weights: {source}; design effect {deff:.2f}.", *notes],
        title="How the survey was weighted",
    )
