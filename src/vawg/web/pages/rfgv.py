"""The restricted RFGV list: perpetrators ranked by recency, frequency, gravity and victims."""

from __future__ import annotations

import streamlit as st

from vawg.web import data
from vawg.web.charts import show_table
from vawg.web.context import PageContext
from vawg.web.pages.common import wait_for

__all__ = ["render"]


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
