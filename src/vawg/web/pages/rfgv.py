"""The restricted RFGV list: perpetrators ranked by recency, frequency, gravity and victims."""

from __future__ import annotations

import streamlit as st

from vawg.profile.rfgv import TOP_BAND
from vawg.web import data
from vawg.web.charts import show_table
from vawg.web.context import PageContext
from vawg.web.pages.common import plain_points, wait_for

__all__ = ["render", "rfgv_points"]


def rfgv_points(view: data.RfgvView) -> list[str]:
    """The list's main points in words, from the Result's own numbers (nothing computed)."""
    start, end = view.window
    if not view.scored:
        return [f"Nobody was recorded for a VAWG crime from {start:%-d %b %Y} to {end:%-d %b %Y}."]
    points = [
        f"{view.scored:,} {'person was' if view.scored == 1 else 'people were'} scored: "
        f"everyone recorded as a suspect or offender in a VAWG crime from {start:%-d %b %Y} "
        f"to {end:%-d %b %Y}."
    ]
    if view.top_band_people is not None:
        band = f"a score of {view.top_band_score:g} or more, of {view.top_band_score / TOP_BAND:g}"
        people = view.top_band_people
        if people == 0:
            points.append(f"Nobody scored in the top band ({band}).")
        else:
            share = view.top_band_harm_share
            points.append(
                f"{people:,} {'person' if people == 1 else 'people'} scored in the top band "
                f"({band}): {people / view.scored:.1%} of those scored"
                + (
                    f", whose crimes did {share:.1%} of the harm of all the crimes scored."
                    if share is not None
                    else "."
                )
            )
    return points


def render(ctx: PageContext) -> None:
    """Draw the RFGV list (analysts only: the data function refuses anyone else)."""
    data.require_analyst(ctx.role)
    st.title("Perpetrator list (RFGV)")
    st.warning(
        "OFFICIAL-SENSITIVE: person-level. For tasking by authorised analysts only; do not "
        "forward, print or publish.",
        icon=":material/lock:",
    )
    st.caption(ctx.describe())
    job = data.later(data.rfgv_list, ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, ctx.role)
    view = wait_for(job, "the RFGV scores")
    start, end = view.window
    plain_points(rfgv_points(view))
    st.caption(
        f"Scored over the crimes recorded from {start:%-d %b %Y} to {end:%-d %b %Y}: "
        "the whole period selected."
    )
    table = view.table
    top = st.slider(
        "Show the top", 10, max(10, min(500, table.height)), min(50, max(10, table.height)), step=10
    )
    show_table(
        ctx,
        table.head(top),
        "perpetrator list",
        caption=view.method,
        height=min(36 * top + 40, 720),
        labels={
            "rank": "Rank",
            "person_id": "Person",
            "last_recorded": "Last crime recorded",
            "days_since_last": "Days since",
            "crimes": "Crimes",
            "harm_days": "Harm (days of prison)",
            "victims": "Victims",
            "recency": "Recency score",
            "frequency": "Frequency score",
            "gravity": "Harm score",
            "victims_score": "Victims score",
            "score": "Total score",
        },
        decimals=1,
    )
