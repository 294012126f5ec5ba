"""Criminal justice outcomes over the whole period: every financial half-year on both count
bases, time to outcome, attrition, and the police.uk outcome categories when those are loaded.

Unlike the audit, the recorded base here is *as the data stand* on ``as_of`` (no equal
follow-up), so the most recent halves look more open: the table carries ``days_followed`` and
the report says so. Use ``vawg audit`` for like-with-like comparisons between halves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.outcomes.attrition import AttritionResult, attrition, attrition_counts, cjs_present
from vawg.outcomes.cases import outcome_cases
from vawg.outcomes.halves import Half, halves_between
from vawg.outcomes.police_uk import PoliceUkOutcomes, police_uk_outcomes
from vawg.outcomes.proportions import CITATIONS
from vawg.outcomes.rates import outcome_counts, rates_from_counts
from vawg.outcomes.survival import CITATION as KM_CITATION
from vawg.outcomes.survival import SurvivalResult, survival_by_dimension
from vawg.query import Tables
from vawg.results import Params, ResultMixin, to_jsonable

__all__ = ["OutcomeSummary", "outcome_summary"]


@dataclass(frozen=True)
class OutcomeSummary(ResultMixin):
    """Outcomes for every half in the period. ``table``: rates (both bases, by dimension)."""

    params: Params
    halves: tuple[Half, ...]
    as_of: date
    table: pl.DataFrame
    counts: pl.DataFrame
    survival: SurvivalResult
    attrition: AttritionResult
    police_uk: PoliceUkOutcomes | None
    exclusions: pl.DataFrame
    public: bool = False
    threshold: int | None = None


def _period(settings: Settings, as_of: date) -> tuple[date, date]:
    """The settings' period, else the last ``period_years`` financial years ending on or before
    ``as_of`` (the extract's date, so that recent outcomes count)."""
    fy_end_year = as_of.year if as_of >= date(as_of.year, 3, 31) else as_of.year - 1
    end = settings.period_end or date(fy_end_year, 3, 31)
    start = settings.period_start or date(end.year - settings.period_years, 4, 1)
    return start, end


def outcome_summary(
    tables: Tables, settings: Settings, *, as_of: date | None = None, level: float = 0.95
) -> OutcomeSummary:
    """Both count bases, Kaplan–Meier and attrition for each half of the settings' period."""
    cases = outcome_cases(tables, settings, as_of=as_of)
    start, end = _period(settings, cases.as_of)
    first = cases.table.recorded_date.min().to_pyarrow().as_py()
    start = max(start, first) if first is not None else start
    halves = [h for h in halves_between(start, min(end, cases.as_of)) if h.end <= cases.as_of]
    if not halves:
        last = min(end, cases.as_of)
        span = (
            f"the first crime is recorded on {start:%d %B %Y}, after the period ends "
            f"({last:%d %B %Y})"
            if start > last
            else f"{start:%d %B %Y} to {last:%d %B %Y} holds none"
        )
        raise InputError(
            f"no complete financial half-year (April to September, October to March): {span}. "
            "Outcomes are counted by half-year: set the period with --from/--to, or load a "
            "longer extract"
        )
    counts = pl.concat(
        [
            outcome_counts(cases.table, halves, base="recorded", as_of=cases.as_of),
            outcome_counts(cases.table, halves, base="assigned", as_of=cases.as_of),
        ]
    )
    survival, _ = survival_by_dimension(cases.table, halves, cases.as_of, ("offence_group",))
    cjs = tables.cjs_events if cjs_present(tables.cjs_events) else None
    attr = attrition(attrition_counts(cases.table, cjs, halves), cases.as_of, level=level)
    police = None
    if int(tables.police_street.count().execute()) > 0:
        police = police_uk_outcomes(tables, level=level)
    params = Params(
        method="Outcome rates on both Home Office count bases by financial half-year",
        citation=f"{CITATIONS}; {KM_CITATION}",
        period=(halves[0].start, halves[-1].end) if halves else None,
        settings={k: to_jsonable(v) for k, v in vars(settings).items()},
    )
    return OutcomeSummary(
        params,
        tuple(halves),
        cases.as_of,
        rates_from_counts(counts, level=level),
        counts,
        survival,
        attr,
        police,
        cases.exclusions,
    )
