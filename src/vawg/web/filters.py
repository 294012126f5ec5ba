"""The dashboard's global filters: period, district, offence group and the domestic abuse flag.

:class:`Filters` is a frozen value (hashable, so it keys the caches). :func:`apply_filters`
narrows a :class:`~vawg.scope.Scope` to the filters, so every page and every library function
that takes a Scope sees the same selection. :func:`sidebar_filters` draws only the widgets that
apply to the page (:data:`FILTERS` names them); the selection is kept in the session, so a
filter hidden on one page holds again on the next, and in the address (``?period=Apr+2019&
period=Mar+2021&district=Thanet``), so a reload or a shared link opens the same selection.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import ibis.expr.types as ir

from vawg.config import Settings
from vawg.query import Tables
from vawg.schema.labels import label as words
from vawg.scope import Scope, vawg_scope

__all__ = [
    "DOMESTIC_ABUSE_CHOICES",
    "FILTERS",
    "Filters",
    "apply_filters",
    "default_filters",
    "filtered_scope",
    "label",
    "month_end",
    "narrow",
    "offence_groups",
    "sidebar_filters",
]

FILTERS = ("period", "district", "offence_group", "domestic_abuse")
"""Every filter a page may apply, by name (a page lists those that apply to it)."""

DOMESTIC_ABUSE_CHOICES = {"all": "All", "yes": "Domestic abuse", "no": "Not domestic abuse"}


def label(code: str | None) -> str:
    """An offence group in words, from the one label table (:mod:`vawg.schema.labels`)."""
    return words(code, "offence_group")


def month_end(month: date) -> date:
    """The last day of ``month``'s calendar month."""
    first_next = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class Filters:
    """What the user selected; empty tuples mean "all"."""

    start: date
    end: date
    districts: tuple[str, ...] = ()
    offence_groups: tuple[str, ...] = ()
    domestic_abuse: str = "all"

    def settings(self, base: Settings) -> Settings:
        """``base`` with the period (and the RFGV window: the whole period) set by the filter."""
        return base.replace(
            period_start=self.start,
            period_end=self.end,
            rfgv_window_days=(self.end - self.start).days + 1,
        )

    def period(self) -> str:
        """The period in words: ``1 Apr 2017 to 31 Mar 2022``."""
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    def selections(self, applied: tuple[str, ...] = FILTERS, *, joiner: str = ", ") -> str:
        """The selections other than the period that apply, in words (``all …`` when none)."""
        parts = []
        if "district" in applied:
            parts.append(joiner.join(self.districts) if self.districts else "all districts")
        if "offence_group" in applied:
            parts.append(
                joiner.join(label(g) for g in self.offence_groups)
                if self.offence_groups
                else "all offence groups"
            )
        if "domestic_abuse" in applied and self.domestic_abuse != "all":
            parts.append(DOMESTIC_ABUSE_CHOICES[self.domestic_abuse].lower())
        return "; ".join(parts)

    def describe(self, applied: tuple[str, ...] = FILTERS) -> str:
        """One line saying what is selected, for captions and CSV headers."""
        parts = [self.period()] if "period" in applied else []
        if selections := self.selections(applied):
            parts.append(selections)
        return "; ".join(parts) if parts else "no filters apply"

    def slug(self, applied: tuple[str, ...] = FILTERS) -> str:
        """The selection for a file name: ``2017-04-to-2022-03_thanet_rape_da-no``."""
        parts = [f"{self.start:%Y-%m}-to-{self.end:%Y-%m}"] if "period" in applied else []
        if "district" in applied and self.districts:
            parts.append(
                "-".join(self.districts)
                if len(self.districts) <= 3
                else f"{len(self.districts)}-districts"
            )
        if "offence_group" in applied and self.offence_groups:
            parts.append(
                "-".join(self.offence_groups)
                if len(self.offence_groups) <= 3
                else f"{len(self.offence_groups)}-groups"
            )
        if "domestic_abuse" in applied and self.domestic_abuse != "all":
            parts.append(f"da-{self.domestic_abuse}")
        text = "_".join(parts).lower()
        return re.sub(r"[^a-z0-9_]+", "-", text).strip("-_")


def apply_filters(crimes: ir.Table, tables: Tables, filters: Filters) -> ir.Table:
    """``crimes`` narrowed to the districts, offence groups and domestic abuse flag selected."""
    if filters.offence_groups:
        crimes = crimes.filter(crimes.offence_group.isin(list(filters.offence_groups)))
    if filters.domestic_abuse == "yes":
        crimes = crimes.filter(crimes.domestic_abuse)
    elif filters.domestic_abuse == "no":
        crimes = crimes.filter(~crimes.domestic_abuse)
    if filters.districts:
        areas = tables.areas.filter(tables.areas.district.isin(list(filters.districts)))
        crimes = crimes.semi_join(areas.select("lsoa_code"), "lsoa_code")
    return crimes


def narrow(scope: Scope, tables: Tables, filters: Filters) -> Scope:
    """``scope`` (for the filter's period) narrowed to the filter's other selections."""
    crimes = apply_filters(scope.crimes, tables, filters)
    refs = crimes.select("crime_ref")
    return dataclasses.replace(
        scope,
        crimes=crimes,
        offenders=scope.offenders.semi_join(refs, "crime_ref"),
        victims=scope.victims.semi_join(refs, "crime_ref"),
    )


def filtered_scope(tables: Tables, settings: Settings, filters: Filters) -> Scope:
    """The VAWG scope for the filter's period, narrowed to its other selections.

    ``exclusions`` still describe the whole period (the scope rules), before these filters.
    """
    return narrow(vawg_scope(tables, filters.settings(settings)), tables, filters)


def _months(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = month_end(current) + timedelta(days=1)
    return months


def offence_groups(settings: Settings) -> tuple[str, ...]:
    """The offence groups the filter offers: those in scope under ``settings``."""
    from vawg.schema import OFFENCE_GROUPS

    return tuple(
        g
        for g in OFFENCE_GROUPS
        if g in settings.vawg_offence_groups or (g == "other" and settings.include_domestic_abuse)
    )


def default_period_months(
    first_month: date, last_month: date, default_start: date, default_end: date
) -> tuple[date, date]:
    """The first and last month the period slider starts on."""
    return (
        max(first_month, default_start.replace(day=1)),
        min(last_month, default_end.replace(day=1)),
    )


def default_filters(
    first_month: date, last_month: date, default_start: date, default_end: date
) -> Filters:
    """The filters a new session starts with (all districts, groups and flags)."""
    start, end = default_period_months(first_month, last_month, default_start, default_end)
    return Filters(start=start, end=month_end(end))


_KEYS = {
    "period": "period",
    "grid": "public-period",
    "district": "district",
    "offence_group": "group",
    "domestic_abuse": "da",
}
"""Each filter's widget key, which is also its name in the address (``?district=Thanet``)."""


def sidebar_filters(
    *,
    applies: tuple[str, ...],
    first_month: date,
    last_month: date,
    default_start: date,
    default_end: date,
    districts: tuple[str, ...],
    offence_groups: tuple[str, ...],
    note: str = "",
    grid: tuple[tuple[str, date, date], ...] = (),
) -> Filters:
    """Draw the widgets of the filters that apply to the page; return the whole selection.

    Each widget is bound to the address (Streamlit's ``bind="query-params"``: a reload or a
    shared link opens the same selection) and kept for the session when a page does not draw
    it (``persist_state="session"``), so a filter hidden on one page holds again on the next.
    ``grid`` (a viewer's): the period is one of these public periods (label, first day, last
    day), a financial quarter, half-year or run of years, not any run of months.
    """
    import streamlit as st

    labels = [text for text, _, _ in grid]
    spans = {text: (start, end) for text, start, end in grid}
    grid_default = next(
        (text for text, start, end in grid if (start, end) == (default_start, default_end)),
        labels[-1] if labels else "",
    )
    if st.session_state.get(_KEYS["grid"]) not in (None, *spans):
        del st.session_state[_KEYS["grid"]]  # another database: back to the default
    months = _months(first_month, last_month)
    default = default_filters(first_month, last_month, default_start, default_end)
    span = (default.start, default.end.replace(day=1))
    stored_period = st.session_state.get(_KEYS["period"])
    if stored_period is not None and (
        not isinstance(stored_period, tuple | list) or any(m not in months for m in stored_period)
    ):
        del st.session_state[_KEYS["period"]]  # another database: back to the default

    def reset() -> None:  # every widget back to its default (and out of the address)
        for key in _KEYS.values():
            st.session_state.pop(key, None)

    with st.sidebar:
        st.markdown("### Filters")
        if note:
            st.caption(note)
        if "period" in applies and grid:
            st.selectbox(
                "Period (financial quarter, half-year or years)",
                labels,
                index=labels.index(grid_default),
                key=_KEYS["grid"],
                help="Public figures are made only for whole financial quarters, half-years "
                "and years.",
                bind="query-params",
                persist_state="session",
            )
        elif "period" in applies:
            st.select_slider(
                "Period (recorded)",
                options=months,
                value=span,
                format_func=lambda m: f"{m:%b %Y}",
                help=f"The data hold crimes recorded from {first_month:%b %Y} to "
                f"{last_month:%b %Y}; the pages open on {span[0]:%b %Y} to {span[1]:%b %Y}.",
                key=_KEYS["period"],
                bind="query-params",
                persist_state="session",
            )
        if "district" in applies:
            st.multiselect(
                "District",
                districts,
                key=_KEYS["district"],
                placeholder="All districts",
                bind="query-params",
                persist_state="session",
            )
        if "offence_group" in applies:
            st.multiselect(
                "Offence group",
                offence_groups,
                format_func=label,
                key=_KEYS["offence_group"],
                placeholder="All offence groups",
                bind="query-params",
                persist_state="session",
            )
        if "domestic_abuse" in applies:
            st.radio(
                "Domestic abuse flag",
                list(DOMESTIC_ABUSE_CHOICES),
                format_func=DOMESTIC_ABUSE_CHOICES.__getitem__,
                key=_KEYS["domestic_abuse"],
                bind="query-params",
                persist_state="session",
            )
        if applies:
            st.button(
                "Reset filters", icon=":material/restart_alt:", width="stretch", on_click=reset
            )
    state = st.session_state
    if grid:
        first, end = spans[str(state.get(_KEYS["grid"], grid_default))]
    else:
        first, last = cast(tuple[date, date], state.get(_KEYS["period"], span))
        end = month_end(last)
    return Filters(
        start=first,
        end=end,
        districts=tuple(state.get(_KEYS["district"], ())),
        offence_groups=tuple(state.get(_KEYS["offence_group"], ())),
        domestic_abuse=str(state.get(_KEYS["domestic_abuse"], "all")),
    )
