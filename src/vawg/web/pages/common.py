"""What every page shows: which disclosure rule applies, and progress while a Result is made."""

from __future__ import annotations

import time
from typing import TypeVar

import streamlit as st

from vawg.web import data
from vawg.web.context import PageContext
from vawg.web.jobs import Job

__all__ = ["disclosure_note", "wait_for"]

T = TypeVar("T")

WAITING = "Computing"
"""How a page's progress line starts (the browser tests wait for it to go)."""


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


def wait_for(job: Job[T], what: str) -> T:
    """The job's result; until it is there, a progress line saying what is being computed.

    The line is redrawn four times a second: each redraw lets Streamlit stop this run at once
    when the user changes a filter (the computation goes on in the background and is kept).
    """
    if job.done():
        return job.result()
    line = st.empty()
    started = time.monotonic()
    while not job.wait(0.25):
        line.caption(
            f":material/hourglass_top: {WAITING} {what} for this selection… "
            f"{time.monotonic() - started:.0f} s"
        )
    line.empty()
    return job.result()
