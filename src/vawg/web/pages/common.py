"""What every page shows: which disclosure rule applies, and progress while a Result is made."""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

from vawg.report.bulletin import bullet_points
from vawg.results import MainPoint
from vawg.web import data
from vawg.web.context import PageContext
from vawg.web.jobs import Job

__all__ = [
    "details",
    "disclosure_note",
    "main_points",
    "main_points_html",
    "plain_points",
    "wait_for",
]

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


_DIRECTION_COLOURS = {"better": "green", "worse": "red"}
"""Streamlit's colour for a clear change's direction (see BulletPoint.css_class)."""


def main_points(points: Sequence[MainPoint], *, title: str = "Main points") -> None:
    """The analysis' main points as the reports open with them: one sentence each, a PCC can
    quote, with its interval and whether the change is statistically clear (words from
    :mod:`vawg.report.bulletin`; nothing is computed here)."""
    if not points:
        return
    lines = []
    for point in bullet_points(tuple(points)):
        line = f"- {_plain(point.text)}"
        if point.status_text:
            status = f"*{_plain(point.status_text)}.*"
            # Coloured as the reports colour it: green for the better, red for the worse.
            colour = _DIRECTION_COLOURS.get(point.direction or "")
            line += f" :{colour}[{status}]" if colour else f" {status}"
        if point.note:
            line += f" {_plain(point.note)}"
        lines.append(line)
    with st.container(border=True):
        st.markdown(f"**{title}**\n\n" + "\n".join(lines))


def plain_points(points: Sequence[str], *, title: str = "Main points") -> None:
    """Main points already written as plain sentences (from a Result's numbers)."""
    if not points:
        return
    with st.container(border=True):
        st.markdown(f"**{title}**\n\n" + "\n".join(f"- {_plain(p)}" for p in points))


def main_points_html(
    points: Sequence[str], *, title: str = "Main points", caption: str = ""
) -> None:
    """Main points already written as HTML sentences by a report (names escaped there, the
    lead in ``<b>``), as the hot-spot report opens with them."""
    if not points:
        return
    items = "".join(f"<li>{point}</li>" for point in points)
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.markdown(f"<ul>{items}</ul>", unsafe_allow_html=True)
        if caption:
            st.caption(caption)


def details(notes: Sequence[str], *, title: str = "How this was made") -> None:
    """Method notes (how crimes were placed, weights, tests) folded away under ``title``."""
    notes = [n for n in notes if n]
    if not notes:
        return
    with st.expander(title):
        for note in notes:
            st.caption(note)


def _plain(text: str) -> str:
    """``text`` shown as written in Markdown (no emphasis or HTML from its characters)."""
    return html.escape(text).replace("*", "\\*").replace("_", "\\_").replace("$", "\\$")
