"""The dashboard's global filters: period, district, offence group and the domestic abuse flag.

:class:`Filters` is a frozen value (hashable, so it keys the query cache). :func:`apply_filters`
narrows a :class:`~vawg.scope.Scope` to the filters, so every page and every library function
that takes a Scope sees the same selection. :func:`sidebar_filters` draws the widgets; their
values live in the session state and so carry over from page to page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import ibis.expr.types as ir

from vawg.config import Settings
from vawg.query import Tables
from vawg.scope import Scope, vawg_scope

__all__ = [
    "DOMESTIC_ABUSE_CHOICES",
    "Filters",
    "apply_filters",
    "default_filters",
    "filtered_scope",
    "label",
    "month_end",
    "narrow",
    "sidebar_filters",
]

DOMESTIC_ABUSE_CHOICES = {"all": "All", "yes": "Domestic abuse", "no": "Not domestic abuse"}

_LABELS = {
    "violence_with_injury": "Violence with injury",
    "violence_without_injury": "Violence without injury",
    "stalking": "Stalking",
    "harassment": "Harassment",
    "coercive_control": "Coercive control",
    "rape": "Rape",
    "other_sexual": "Other sexual offences",
    "drink_spiking": "Drink spiking",
    "other": "Other (domestic abuse)",
}


def label(code: str | None) -> str:
    """A readable label for an offence group (or any snake_case code)."""
    if code is None:
        return "Unknown"
    return _LABELS.get(code, code.replace("_", " ").capitalize())


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
        """``base`` with the period replaced by the filter's."""
        return base.replace(period_start=self.start, period_end=self.end)

    def describe(self) -> str:
        """One line saying what is selected, for captions and CSV footers."""
        parts = [f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"]
        parts.append(", ".join(self.districts) if self.districts else "all districts")
        parts.append(
            ", ".join(label(g) for g in self.offence_groups)
            if self.offence_groups
            else "all offence groups"
        )
        if self.domestic_abuse != "all":
            parts.append(DOMESTIC_ABUSE_CHOICES[self.domestic_abuse].lower())
        return "; ".join(parts)


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


def _reset() -> None:
    import streamlit as st

    for key in ("filter_period", "filter_districts", "filter_groups", "filter_domestic_abuse"):
        st.session_state.pop(key, None)  # a widget without state starts from its default


def sidebar_filters(
    *,
    first_month: date,
    last_month: date,
    default_start: date,
    default_end: date,
    districts: tuple[str, ...],
    offence_groups: tuple[str, ...],
    grid: tuple[tuple[str, date, date], ...] | None = None,
) -> Filters:
    """Draw the filter widgets in the sidebar and return the selection.

    The widgets keep their values in the session state under ``filter_*`` keys, and are drawn
    on every page, so a selection made on one page holds on the next. ``grid`` (a viewer's):
    the period is one of these public periods (label, first day, last day), not any months.
    """
    import streamlit as st

    if grid:
        return _grid_filters(grid, default_start, default_end, districts, offence_groups)
    months = _months(first_month, last_month)
    default = default_period_months(first_month, last_month, default_start, default_end)
    stored = st.session_state.get("filter_period")
    if stored is not None and (
        not isinstance(stored, tuple | list) or any(m not in months for m in stored)
    ):
        del st.session_state["filter_period"]  # another database: back to the default
    with st.sidebar:
        st.markdown("### Filters")
        period: tuple[date, date] = st.select_slider(
            "Period (recorded)",
            options=months,
            value=default,
            format_func=lambda m: f"{m:%b %Y}",
            key="filter_period",
        )
        start, end = period
        chosen_districts = st.multiselect(
            "District", districts, key="filter_districts", placeholder="All districts"
        )
        chosen_groups = st.multiselect(
            "Offence group",
            offence_groups,
            format_func=label,
            key="filter_groups",
            placeholder="All offence groups",
        )
        flag = st.radio(
            "Domestic abuse flag",
            list(DOMESTIC_ABUSE_CHOICES),
            format_func=DOMESTIC_ABUSE_CHOICES.__getitem__,
            key="filter_domestic_abuse",
            horizontal=False,
        )
        st.button(
            "Reset filters",
            icon=":material/restart_alt:",
            width="stretch",
            on_click=_reset,
        )
    return Filters(
        start=start,
        end=month_end(end),
        districts=tuple(chosen_districts),
        offence_groups=tuple(chosen_groups),
        domestic_abuse=str(flag),
    )


def _grid_filters(
    grid: tuple[tuple[str, date, date], ...],
    default_start: date,
    default_end: date,
    districts: tuple[str, ...],
    offence_groups: tuple[str, ...],
) -> Filters:
    """A viewer's filters: the period is a financial quarter, half-year or run of years."""
    import streamlit as st

    labels = [label for label, _, _ in grid]
    spans = {label: (start, end) for label, start, end in grid}
    default = next(
        (label for label, start, end in grid if (start, end) == (default_start, default_end)),
        labels[-1],
    )
    if st.session_state.get("filter_grid_period") not in spans:
        st.session_state.pop("filter_grid_period", None)
    with st.sidebar:
        st.markdown("### Filters")
        chosen = st.selectbox(
            "Period (financial quarter, half-year or years)",
            labels,
            index=labels.index(default),
            key="filter_grid_period",
            help="Public figures are made only for whole financial quarters, half-years and years.",
        )
        start, end = spans[str(chosen)]
        chosen_districts = st.multiselect(
            "District", districts, key="filter_districts", placeholder="All districts"
        )
        chosen_groups = st.multiselect(
            "Offence group",
            offence_groups,
            format_func=label,
            key="filter_groups",
            placeholder="All offence groups",
        )
        flag = st.radio(
            "Domestic abuse flag",
            list(DOMESTIC_ABUSE_CHOICES),
            format_func=DOMESTIC_ABUSE_CHOICES.__getitem__,
            key="filter_domestic_abuse",
            horizontal=False,
        )
    return Filters(
        start=start,
        end=end,
        districts=tuple(chosen_districts),
        offence_groups=tuple(chosen_groups),
        domestic_abuse=str(flag),
    )
