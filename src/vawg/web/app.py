"""The dashboard's app: sign-in, the page list for the user's role, filters, one error handler.

Run by ``vawg serve`` as ``streamlit run app.py -- --db FILE --users FILE [--config FILE]``.

Access: nobody sees a page before signing in (:mod:`vawg.web.auth`). After sign-in the page
list (``st.navigation``) holds only the pages the role may see. An analyst-only page's address
is, for a viewer, bound to a refusal that draws nothing else, so typing the address shows the
refusal and no data is queried. Before sign-in every address shows the sign-in form, so a deep
link still works once the user has signed in.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from vawg.config import Settings, load_settings
from vawg.errors import VawgError
from vawg.schema import OFFENCE_GROUPS
from vawg.web import data
from vawg.web.auth import LoginThrottle, authenticate, load_users
from vawg.web.context import PageContext
from vawg.web.errors import show_error
from vawg.web.filters import default_filters, sidebar_filters
from vawg.web.pages import drivers, outcomes, overview, place, profile, rfgv, surveys

__all__ = ["PAGES", "AppConfig", "PageSpec", "main", "parse_args"]

log = logging.getLogger("vawg.web")

USER_KEY = "vawg_user"


@dataclass(frozen=True)
class PageSpec:
    """A dashboard page: its address, title, icon, how to draw it and who may see it."""

    url_path: str
    title: str
    icon: str
    render: Callable[[PageContext], None]
    analyst_only: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", ":material/dashboard:", overview.render),
    PageSpec("profile", "Perpetrator profile", ":material/groups:", profile.render),
    PageSpec("rfgv", "Perpetrator list (RFGV)", ":material/lock:", rfgv.render, True),
    PageSpec("place", "Place and hotspots", ":material/map:", place.render),
    PageSpec("drivers", "Drivers", ":material/thermostat:", drivers.render),
    PageSpec("outcomes", "Outcomes and audit", ":material/gavel:", outcomes.render),
    PageSpec("surveys", "Surveys", ":material/forum:", surveys.render),
)


@dataclass(frozen=True)
class AppConfig:
    """Where the data, users and settings are (from the command line)."""

    db: Path
    users: Path
    settings: Settings


def parse_args(argv: Sequence[str]) -> AppConfig:
    """The app's options, as ``vawg serve`` passes them after ``--``."""
    parser = argparse.ArgumentParser(prog="vawg-dashboard")
    parser.add_argument("--db", type=Path, default=Path("vawg.duckdb"))
    parser.add_argument("--users", type=Path, default=Path("vawg-users.toml"))
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--set", action="append", default=[], dest="sets")
    args, _ = parser.parse_known_args(list(argv))
    return AppConfig(args.db, args.users, load_settings(args.config, args.sets))


@st.cache_resource
def _throttle() -> LoginThrottle:
    """One throttle per server process, shared by every session."""
    return LoginThrottle()


def _client() -> str:
    return st.context.ip_address or "unknown"


def _login(config: AppConfig) -> None:
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        st.markdown("## :material/shield_person: VAWG insight")
        st.caption("Violence against women and girls: the analyst dashboard. Sign in to continue.")
        with st.form("login", border=True):
            name = st.text_input("User name", key="login_name", autocomplete="username")
            password = st.text_input(
                "Password", type="password", key="login_password", autocomplete="current-password"
            )
            submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
        if submitted:
            users = load_users(config.users)
            user = authenticate(users, name, password, client=_client(), throttle=_throttle())
            if user is None:
                log.warning("failed sign-in for %r from %s", name, _client())
                st.error("Wrong user name or password.", icon=":material/block:")
                return
            log.info("signed in: %s (%s) from %s", user.name, user.role, _client())
            st.session_state[USER_KEY] = (user.name, user.role)
            st.rerun()
        st.caption("Access is logged. Repeated failures slow down further attempts.")
    if config.db.exists():
        # Compute every page for the default filters while the user types the password.
        db, stamp = str(config.db.resolve()), data.db_stamp(config.db)
        opts = data.options(db, stamp, config.settings)
        start = default_filters(
            opts.first_month, opts.last_month, opts.default_start, opts.default_end
        )
        data.warm_all(db, stamp, config.settings, start)


def _refusal(spec: PageSpec) -> Callable[[], None]:
    def refuse() -> None:
        log.warning("viewer %s refused %s", st.session_state.get(USER_KEY), spec.url_path)
        st.error(
            f"**{spec.title}** is for analysts only. Your account can see the "
            "disclosure-controlled pages listed on the left.",
            icon=":material/lock:",
        )

    return refuse


def _context(config: AppConfig, name: str, role: str) -> PageContext:
    """Draw the filters (in the entry script, so their state is shared by every page)."""
    stamp = data.db_stamp(config.db)
    opts = data.options(str(config.db.resolve()), stamp, config.settings)
    groups = tuple(
        g
        for g in OFFENCE_GROUPS
        if g in config.settings.vawg_offence_groups
        or (g == "other" and config.settings.include_domestic_abuse)
    )
    filters = sidebar_filters(
        first_month=opts.first_month,
        last_month=opts.last_month,
        default_start=opts.default_start,
        default_end=opts.default_end,
        districts=opts.districts,
        offence_groups=groups,
        grid=opts.grid if role != "analyst" else None,
    )
    return PageContext(config.db, stamp, config.settings, name, role, filters)


def _page(spec: PageSpec, holder: dict[str, PageContext]) -> Callable[[], None]:
    def draw() -> None:
        spec.render(holder["ctx"])

    return draw


def _sidebar_account(name: str, role: str) -> None:
    with st.sidebar:
        st.markdown(f":material/account_circle: **{name}** · {role}")
        if st.button("Sign out", icon=":material/logout:", key="logout"):
            st.session_state.clear()
            st.rerun()


def main(argv: Sequence[str] | None = None) -> None:
    """Draw the app for this rerun."""
    st.set_page_config(
        page_title="VAWG insight", page_icon=":material/shield_person:", layout="wide"
    )
    config = parse_args(sys.argv[1:] if argv is None else argv)
    signed_in = st.session_state.get(USER_KEY)
    if signed_in is None:
        # Every address shows the sign-in form (and keeps the address for after sign-in).
        pages = [
            st.Page(
                lambda: _login(config),
                title="Sign in",
                url_path=spec.url_path,
                default=index == 0,
            )
            for index, spec in enumerate(PAGES)
        ]
        page = st.navigation(pages, position="hidden")
        try:
            page.run()
        except VawgError as error:
            show_error(error)
        return
    name, role = signed_in
    try:
        current = load_users(config.users).get(name)
    except VawgError as error:
        show_error(error)
        return
    if current is None or current.role != role:
        # Removed from the users file, or given another role: sign in again.
        log.warning("session of %s (%s) ended: the users file changed", name, role)
        st.session_state.clear()
        st.rerun()
    holder: dict[str, PageContext] = {}
    pages = []
    allowed_paths = set()
    for index, spec in enumerate(PAGES):
        allowed = role == "analyst" or not spec.analyst_only
        if allowed:
            allowed_paths.add(spec.url_path)
        pages.append(
            st.Page(
                _page(spec, holder) if allowed else _refusal(spec),
                title=spec.title if allowed else "Not available",
                icon=spec.icon,
                url_path=spec.url_path,
                default=index == 0,
                visibility="visible" if allowed else "hidden",
            )
        )
    page = st.navigation(pages, position="sidebar")
    _sidebar_account(name, role)
    try:
        if page.url_path in allowed_paths or page.url_path == "":  # "" is the default page
            holder["ctx"] = _context(config, name, role)
        page.run()
    except Exception as error:  # the one handler: nothing escapes to Streamlit's trace view
        show_error(error)


if __name__ == "__main__":
    main()
