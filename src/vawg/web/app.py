"""The dashboard's pages: the session check, the page list for the user's role, filters, audit.

Run by the dashboard server (:mod:`vawg.web.server`, started by ``vawg serve``) through its
script (:mod:`vawg.web.script.dashboard`); it is never
reached before sign-in, which happens on a plain HTTP page (:mod:`vawg.web.signin`) in front
of it. Each run finds the session from the header the gate (:mod:`vawg.web.gate`) set, checks
that it is still live and that the users file still gives the user the same role, and ends it
otherwise; run on its own (``streamlit run`` on the script) it shows nothing but how to start it.

After sign-in the page list (``st.navigation``) holds only the pages the role may see. An
analyst-only page's address is, for a viewer, bound to a refusal that draws nothing else, so
typing the address shows the refusal and no data is queried. Each page lists the filters that
apply to it; only those are drawn. Every page view (with its filters) is written to the audit
log, and so is every refusal.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from vawg.errors import VawgError
from vawg.web import data
from vawg.web.access import Access, current
from vawg.web.charts import use_light_figures
from vawg.web.context import PageContext
from vawg.web.errors import show_error
from vawg.web.filters import FILTERS, offence_groups, sidebar_filters
from vawg.web.gate import CLIENT_HEADER, SESSION_HEADER
from vawg.web.options import AppConfig, parse_args
from vawg.web.pages import (
    drivers,
    evaluation,
    outcomes,
    overview,
    place,
    profile,
    rfgv,
    surveys,
)
from vawg.web.sessions import Session

__all__ = ["PAGES", "AppConfig", "PageSpec", "main", "parse_args"]

log = logging.getLogger("vawg.web")

_AUDITED = "vawg_audited"


@dataclass(frozen=True)
class PageSpec:
    """A dashboard page: its address, title, icon, how to draw it, who may see it, and which
    filters apply to it (``note`` says why others do not)."""

    url_path: str
    title: str
    icon: str
    render: Callable[[PageContext], None]
    analyst_only: bool = False
    applies: tuple[str, ...] = FILTERS
    note: str = ""


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", ":material/dashboard:", overview.render),
    PageSpec("profile", "Perpetrator profile", ":material/groups:", profile.render),
    PageSpec(
        "rfgv",
        "Perpetrator list (RFGV)",
        ":material/lock:",
        rfgv.render,
        analyst_only=True,
        note="The list is scored over the whole period selected.",
    ),
    PageSpec(
        "place",
        "Place and hotspots",
        ":material/map:",
        place.render,
        note="Hot spots are found over every LSOA; a district selection zooms the map.",
    ),
    PageSpec(
        "drivers",
        "Drivers",
        ":material/thermostat:",
        drivers.render,
        applies=("period",),
        note="The models need every area and every day: only the period applies here.",
    ),
    PageSpec("outcomes", "Outcomes and audit", ":material/gavel:", outcomes.render),
    PageSpec(
        "surveys",
        "Surveys",
        ":material/forum:",
        surveys.render,
        applies=(),
        note="County-wide surveys: no filter applies to them.",
    ),
    PageSpec(
        "evaluation",
        "Safer Streets and programme",
        ":material/fact_check:",
        evaluation.render,
        applies=("period",),
        note="Targeting uses the period; the evaluations always use the whole extract.",
    ),
)


def _link(text: str, href: str) -> None:
    """A link that opens in this tab (Streamlit's markdown links open a new one)."""
    st.html(f'<p style="font-size:1.05rem"><a href="{href}">{text}</a></p>')


def _ended(reason: str) -> None:
    """The session is over: say so, show nothing else, offer the sign-in page."""
    st.markdown("## :material/lock_clock: Signed out")
    words = {
        "idle": "Your session ended after a time without use.",
        "lifetime": "Your session reached its time limit.",
        "role": "Your account changed (the users file); sign in again.",
    }
    st.info(words.get(reason, "You are not signed in."), icon=":material/info:")
    _link("Sign in again", f"/vawg/signin?ended={reason or 'signed-out'}")


def _refusal(spec: PageSpec, access: Access, session: Session) -> Callable[[], None]:
    def refuse() -> None:
        access.record("page-refused", session.user, session.client, spec.url_path)
        st.error(
            f"**{spec.title}** is for analysts only. Your account can see the "
            "disclosure-controlled pages listed on the left.",
            icon=":material/lock:",
        )

    return refuse


def _context(config: AppConfig, session: Session, spec: PageSpec) -> PageContext:
    """Draw the filters that apply to ``spec`` (in the entry script, so the selection is shared
    by every page) and make the page's context."""
    stamp = data.db_stamp(config.db)
    opts = data.options(str(config.db.resolve()), stamp, config.settings)
    groups = offence_groups(config.settings)
    filters = sidebar_filters(
        applies=spec.applies,
        first_month=opts.first_month,
        last_month=opts.last_month,
        default_start=opts.default_start,
        default_end=opts.default_end,
        districts=opts.districts,
        offence_groups=groups,
        note=spec.note,
        grid=opts.grid if session.role != "analyst" else (),
    )
    return PageContext(
        config.db,
        stamp,
        config.settings,
        session.user,
        session.role,
        filters,
        spec.applies,
        session.client,
    )


def _page(spec: PageSpec, holder: dict[str, PageContext]) -> Callable[[], None]:
    def draw() -> None:
        spec.render(holder["ctx"])

    return draw


# On a phone, the maps' district names (a text trace at 11 px) would run into each other.
_PHONE_CSS = (
    "<style>@media (max-width: 640px) { .stPlotlyChart g.textpoint text "
    "{ font-size: 8px !important; } }</style>"
)


def _sidebar_account(session: Session) -> None:
    """Who is signed in, and the sign-out form (posted to the server, with the session's own
    token against cross-site forgery)."""
    with st.sidebar:
        st.markdown(f":material/account_circle: **{session.user}** · {session.role}")
        st.html(
            '<form method="post" action="/vawg/signout" style="margin:0">'
            f'<input type="hidden" name="token" value="{session.form_token}">'
            '<button type="submit" style="font:inherit;padding:.3rem .9rem;border-radius:.5rem;'
            'border:1px solid #ccc;background:#fff;cursor:pointer">Sign out</button></form>'
        )


def _audit_view(access: Access, session: Session, path: str, ctx: PageContext | None) -> None:
    """Write a page view to the audit log once per page and selection (not on every redraw)."""
    what = path if ctx is None else f"{path}: {ctx.describe()}"
    if st.session_state.get(_AUDITED) != what:
        access.record("page", session.user, session.client, what)
        st.session_state[_AUDITED] = what


def _watch(access: Access, token: str, client: str) -> None:
    """Clear an open page soon after its session ends, even if nobody touches it.

    A fragment reruns by itself every third of the idle timeout (at least every minute); when
    the session is over it reruns the page, which then shows only "Signed out".
    """
    every = max(60.0, access.sessions.idle / 3)

    @st.fragment(run_every=every)
    def check() -> None:
        if access.sessions.get(token, client) is None:
            st.rerun(scope="app")

    check()


def _signed_in(access: Access) -> tuple[str, Session] | None:
    """The live session of this browser (touched: in use now), or None (audited once)."""
    headers = st.context.headers
    token = headers.get(SESSION_HEADER.decode()) or ""
    client = headers.get(CLIENT_HEADER.decode()) or "unknown"
    reason = access.sessions.why_ended(token) or (
        "role" if access.sessions.get(token, client) else ""
    )
    session = access.session(token, client)
    if session is None:
        st.session_state["vawg_ended"] = reason or st.session_state.get("vawg_ended", "")
        return None
    access.sessions.touch(token)
    return token, session


def main(argv: Sequence[str] | None = None) -> None:
    """Draw the app for this run, and log how long the server took over it.

    The log line separates the server's share of a page's time from the browser's (drawing
    the charts), which ``benchmarks/web_pages.py`` reports side by side.
    """
    started = time.perf_counter()
    drawn = _draw(argv)
    if drawn is not None:
        log.info("page %s: script run %.3f s", drawn, time.perf_counter() - started)


def _draw(argv: Sequence[str] | None) -> str | None:
    """Draw the app for this run; the page drawn (its address), or None when none was."""
    st.set_page_config(
        page_title="VAWG insight", page_icon=":material/shield_person:", layout="wide"
    )
    use_light_figures()
    access = current()
    if access is None:
        st.error(
            "Start the dashboard with `vawg serve` (it signs users in and checks every request).",
            icon=":material/block:",
        )
        return None
    config = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        signed_in = _signed_in(access)
    except VawgError as error:
        show_error(error)
        return None
    if signed_in is None:
        _ended(str(st.session_state.get("vawg_ended", "")))
        return None
    token, session = signed_in
    _watch(access, token, session.client)
    holder: dict[str, PageContext] = {}
    pages = []
    specs: dict[str, PageSpec] = {}
    for index, spec in enumerate(PAGES):
        allowed = session.role == "analyst" or not spec.analyst_only
        if allowed:
            specs[spec.url_path] = spec
        pages.append(
            st.Page(
                _page(spec, holder) if allowed else _refusal(spec, access, session),
                title=spec.title if allowed else "Not available",
                icon=spec.icon,
                # the first page lives at the root URL ...
                url_path="" if index == 0 else spec.url_path,
                default=index == 0,
                visibility="visible" if allowed else "hidden",
            )
        )
    first = PAGES[0]
    if first.url_path in specs:  # ... and at its own name too, so a link to it keeps working
        pages.append(
            st.Page(
                _page(first, holder),
                title=first.title,
                icon=first.icon,
                url_path=first.url_path,
                visibility="hidden",
            )
        )
    page = st.navigation(pages, position="sidebar")
    _sidebar_account(session)
    st.html(_PHONE_CSS)  # style only: Streamlit applies it without drawing anything
    shown = specs.get(page.url_path or PAGES[0].url_path)
    try:
        if shown is not None:
            ctx = holder["ctx"] = _context(config, session, shown)
            _audit_view(access, session, shown.url_path, ctx)
        page.run()
        if shown is not None and access.ahead:
            data.prefetch_all(ctx.db_key, ctx.stamp, ctx.settings, ctx.filters, public=ctx.public)
    except Exception as error:  # the one handler: nothing escapes to Streamlit's trace view
        show_error(error)
    return page.url_path or PAGES[0].url_path
