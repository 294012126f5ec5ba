"""What every page shows: which disclosure rule applies to the figures on it."""

from __future__ import annotations

import streamlit as st

from vawg.disclosure import RULE_TEXT
from vawg.web.context import PageContext

__all__ = ["disclosure_note"]


def disclosure_note(ctx: PageContext) -> None:
    """Say which rule applies to what the user sees."""
    threshold = ctx.settings.disclosure_threshold
    if ctx.public:
        st.caption(
            ":material/shield: Disclosure-controlled. " + RULE_TEXT.format(limit=threshold - 1)
        )
    else:
        st.caption(
            ":material/lock: Analyst view: counts are not suppressed. OFFICIAL-SENSITIVE; "
            "publish nothing from this page that has not been through the disclosure rule."
        )
