"""Drivers: deprivation, pubs and town centres (area model), temperature, birthdays, age."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from vawg.models.mainpoints import drivers_main_points
from vawg.schema.labels import label
from vawg.web import data
from vawg.web.charts import (
    PALETTE,
    change_axis,
    change_words,
    interval_words,
    show_chart,
    show_table,
    styled,
    wrapped,
)
from vawg.web.context import PageContext
from vawg.web.pages.common import details, disclosure_note, main_points, wait_for
from vawg.wording import unclear

__all__ = ["render"]

_LABELS = {
    "imd_decile_step": "Area one step (a tenth) less deprived",
    "pubs": "One more pub in the area",
    "town_centre": "Area in a town centre",
    "tmax_per_degree": "1 °C warmer day (max)",
    "offender_birthday": "Perpetrator's birthday",
    "victim_birthday": "Victim's birthday",
}

_PLACES = {"all": "All places", "public": "Public places", "home": "Home"}

_SHORT = {
    "imd_decile_step": "A tenth less deprived",
    "pubs": "One more pub",
    "town_centre": "In a town centre",
}
"""The area model's terms in a few words, for labels down the side of a phone-width chart."""

ROW_PX = 56
"""Height of each row of a forest plot: room for a two-line label without touching the next."""


def area_labels(outcomes: list[str], terms: list[str]) -> list[str]:
    """Each area-model row's label: the place, then the term, on two short lines."""
    return [
        f"{_PLACES.get(o, o)}<br>{_SHORT.get(t) or _LABELS.get(t, t)}"
        for o, t in zip(outcomes, terms, strict=True)
    ]


def forest_height(rows: int) -> int:
    """A forest plot's height: a row's room for each estimate, plus the axes and title."""
    return max(300, ROW_PX * rows + 110)


def _series(code: str) -> str:
    """A temperature-model series in words: a place, else an offence group."""
    return _PLACES.get(code) or label(code, "offence_group")


def _forest(frame: pl.DataFrame, label: str, title: str, *, wrap: bool = True) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=frame["estimate"].to_list(),
            y=[wrapped(v) if wrap else v for v in frame[label].to_list()],
            mode="markers",
            marker={"size": 11, "color": PALETTE[0]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (frame["ci_high"] - frame["estimate"]).to_list(),
                "arrayminus": (frame["estimate"] - frame["ci_low"]).to_list(),
            },
        )
    )
    fig.add_vline(x=1, line_dash="dot", line_color="#888")
    fig.update_layout(title=title, xaxis_title="% more or fewer crimes")
    change_axis(fig, [*frame["ci_low"].to_list(), *frame["ci_high"].to_list()])
    return fig


def against_expected(ratio: float | None) -> str:
    """Crimes on a day against the number expected, in words: ``12% more crimes than
    expected``, ``2.1 times as many crimes as expected``, ``about as many crimes as expected``."""
    words = change_words(ratio, unit="crimes")
    if words == "–":
        return words
    if words == "about the same":
        return "about as many crimes as expected"
    return f"{words} {'as' if 'times as many' in words else 'than'} expected"


def _clear(ratio: float | None, low: float | None, high: float | None) -> str:
    """A ratio in words, "no clear difference" first when its interval holds 1."""
    if ratio is None:
        return "–"
    if low is not None and high is not None and low < 1 < high:
        return "N" + unclear("difference", change_words(ratio))[1:]
    return change_words(ratio)


def _age_table(table: pl.DataFrame, reference: str) -> pl.DataFrame:
    """The age rates for reading: roles and bands in words, ratios as % more or fewer."""
    words = pl.Series
    return table.select(
        pl.col("role").replace_strict(
            {"offender": "Perpetrators (men 18+)", "victim": "Victims (women and girls)"},
            default=pl.col("role"),
        ),
        pl.col("age_band").str.replace("-", "–"),
        "people",
        "population",
        "rate_per_1000",
        "ci_low",
        "ci_high",
        words(
            "against",
            [
                _clear(r, lo, hi)
                for r, lo, hi in zip(
                    table["rate_ratio"], table["rr_ci_low"], table["rr_ci_high"], strict=True
                )
            ],
        ),
        words(
            "against_ci",
            [
                "reference" if b == reference else interval_words(lo, hi, r)
                for b, r, lo, hi in zip(
                    table["age_band"],
                    table["rate_ratio"],
                    table["rr_ci_low"],
                    table["rr_ci_high"],
                    strict=True,
                )
            ],
        ),
    )


def render(ctx: PageContext) -> None:
    """Draw the drivers page."""
    st.title("Drivers")
    st.caption(f"{ctx.describe()}; the whole force area.")
    job = data.later(
        data.drivers_result, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.public
    )
    result = wait_for(job, "the driver models")
    main_points(drivers_main_points(result))
    disclosure_note(ctx)
    effects = result.table.with_columns(
        pl.col("key").replace_strict(_LABELS, default=pl.col("key")).alias("effect")
    )
    fig = _forest(effects, "effect", "What goes with more VAWG crime (95% intervals)")
    show_chart(ctx, styled(fig, height=380, legend=False), effects, "driver effects")
    for name, error in result.errors.items():
        st.warning(f"{name}: {error}")
    if result.area is not None:
        area = result.area.table
        if area.filter(pl.col("model").str.contains("negative binomial")).height:
            area = area.filter(pl.col("model").str.contains("negative binomial"))
        area = area.with_columns(
            pl.Series("label", area_labels(area["outcome"].to_list(), area["term"].to_list())),
            pl.col("rate_ratio").alias("estimate"),
        )
        fig = _forest(
            area,
            "label",
            "Neighbourhoods (LSOAs): what goes with more crime, by place",
            wrap=False,
        )
        show_chart(
            ctx,
            styled(fig, height=forest_height(area.height), legend=False),
            area.drop("label", "estimate"),
            "area model",
        )
    if result.daily is not None:
        daily = result.daily.table.with_columns(
            pl.col("rate_ratio").alias("estimate"),
            pl.col("series").map_elements(_series, return_dtype=pl.String).alias("shown"),
        )
        fig = _forest(daily, "shown", "Each 1 °C warmer day, by place and offence group")
        shown = daily.drop("estimate", "shown")
        show_chart(ctx, styled(fig, height=460, legend=False), shown, "temperature model")
    if result.birthday is not None:
        profile = result.birthday.profile
        fig = go.Figure()
        for index, role in enumerate(("offender", "victim")):
            part = profile.filter(pl.col("role") == role)
            fig.add_scatter(
                x=part["offset"].to_list(),
                y=part["ratio"].to_list(),
                mode="lines+markers",
                name={"offender": "Perpetrator's birthday", "victim": "Victim's birthday"}.get(
                    role, role
                ),
                line_color=PALETTE[index],
            )
        fig.add_hline(y=1, line_dash="dot", line_color="#888")
        fig.update_layout(
            title="Crimes around the birthday, against the number expected",
            xaxis_title="days from the birthday",
        )
        change_axis(fig, profile["ratio"].to_list(), axis="y")
        on_day = []
        for row in result.table.iter_rows(named=True):
            if row["key"] in ("offender_birthday", "victim_birthday"):
                on_day.append(
                    f"{_LABELS[row['key']]}: {against_expected(row['estimate'])} (95% "
                    f"interval {interval_words(row['ci_low'], row['ci_high'], row['estimate'])})"
                )
        show_chart(
            ctx,
            styled(fig, height=340),
            profile,
            "birthday profile",
            caption="On the day itself: " + "; ".join(on_day) + ". The days around it are "
            "shown without intervals."
            if on_day
            else "Shown without intervals.",
        )
    if result.age is not None and not ctx.public:
        title = "Age: people involved per 1,000 residents of their sex and age band"
        with st.expander(title):
            reference = result.age.reference_band
            show_table(
                ctx,
                _age_table(result.age.table, reference),
                "age rates",
                labels={
                    "role": "Who",
                    "age_band": "Age band",
                    "people": "People involved",
                    "population": "Residents",
                    "rate_per_1000": "Per 1,000 residents, whole period (not a yearly rate)",
                    "ci_low": "95% interval from",
                    "ci_high": "to",
                    "against": f"Against ages {reference.replace('-', '–')}",
                    "against_ci": "95% interval",
                },
                caption="Distinct people over the whole period, per 1,000 residents of the "
                "same sex and age band; perpetrators' populations are estimated from women's, "
                "so their rates are indicative.",
            )
    details(result.notes, title="How the models were made")
