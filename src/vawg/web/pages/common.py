"""What every page shows: which disclosure rule applies to the figures on it."""

from __future__ import annotations

import streamlit as st

from vawg.web import data
from vawg.web.context import PageContext

__all__ = ["disclosure_note"]


def disclosure_note(ctx: PageContext) -> None:
    """Say which rule applies to what the user sees."""
    if ctx.public:
        st.caption(":material/shield: Disclosure-controlled. " + data.rule_summary(ctx.settings))
    else:
        st.caption(
            ":material/lock: Analyst view: every count is exact, small ones included. "
            "OFFICIAL-SENSITIVE; publish nothing from this page that has not been through the "
            "disclosure rule."
        )
