"""Criminal justice outcomes over the whole period: every financial half-year on both count
bases, time to outcome, attrition, and the police.uk outcome categories when those are loaded.

Unlike the audit, the recorded base here is *as the data stand* on ``as_of`` (no equal
follow-up), so the most recent halves look more open: the table carries ``days_followed`` and
the report says so. Use ``vawg audit`` for like-with-like comparisons between halves.

The period runs to the latest complete half-year by ``as_of`` (the half the audit reports), so
the two reports end at the same half. Attrition is given twice: as at the data date, and at an
equal follow-up of :data:`ATTRITION_FOLLOW_UP_DAYS` after each half's end for the halves that
have had that long (``attrition_equal``), so a chart of it compares like with like. The median
time to outcome of the latest half is compared with the same half a year earlier by the
log-rank test (``survival_change``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.outcomes.attrition import AttritionResult, attrition, attrition_counts, cjs_present
from vawg.outcomes.audit import _survival_changes
from vawg.outcomes.cases import outcome_cases
from vawg.outcomes.halves import Half, halves_between
from vawg.outcomes.police_uk import PoliceUkOutcomes, police_uk_outcomes
from vawg.outcomes.proportions import CITATIONS
from vawg.outcomes.rates import outcome_counts, rates_from_counts
from vawg.outcomes.survival import CITATION as KM_CITATION
from vawg.outcomes.survival import SurvivalResult, survival_by_dimension
from vawg.query import Tables
from vawg.results import Params, ResultMixin, to_jsonable
from vawg.spatial.placement import Placement

__all__ = ["ATTRITION_FOLLOW_UP_DAYS", "OutcomeSummary", "outcome_summary"]

ATTRITION_FOLLOW_UP_DAYS = 365
"""The equal follow-up (days after each half's end) of the attrition chart's halves."""


@dataclass(frozen=True)
class OutcomeSummary(ResultMixin):
    """Outcomes for every half in the period. ``table``: rates (both bases, by dimension).

    ``attrition``: as at the data date; ``attrition_equal``: every half that has had
    :data:`ATTRITION_FOLLOW_UP_DAYS` counted that long after its end (None: no such half).
    ``survival_change``: the latest half's median days to outcome against the same half a year
    earlier (whole scope; the audit's change schema, log-rank p-value), empty when either is
    missing."""

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
    attrition_equal: AttritionResult | None = None
    survival_change: pl.DataFrame = field(default_factory=pl.DataFrame)
    placement: Placement | None = None
    """How the crimes were placed in districts (None in a public Result: not released)."""


def _period(settings: Settings, as_of: date) -> tuple[date, date]:
    """The settings' period, else the ``period_years`` financial years before the last one
    ending on or before ``as_of`` (the extract's date), and on to ``as_of``: every complete
    half-year up to the data date, so the latest half the audit reports is here too."""
    fy_end_year = as_of.year if as_of >= date(as_of.year, 3, 31) else as_of.year - 1
    end = settings.period_end or as_of
    start = settings.period_start or date(fy_end_year - settings.period_years, 4, 1)
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
    survival, durations = survival_by_dimension(
        cases.table, halves, cases.as_of, ("offence_group",)
    )
    latest = halves[-1]
    earlier = latest.year_earlier()
    change = _survival_changes(
        survival,
        {"all": durations["all"]},
        latest.label,
        {"year_earlier": earlier.label} if earlier in halves else {},
        seed=settings.seed,
    )
    cjs = tables.cjs_events if cjs_present(tables.cjs_events) else None
    attr = attrition(attrition_counts(cases.table, cjs, halves), cases.as_of, level=level)
    follow_up = timedelta(days=ATTRITION_FOLLOW_UP_DAYS)
    followed = [h for h in halves if h.end + follow_up <= cases.as_of]
    attr_equal = (
        attrition(
            attrition_counts(cases.table, cjs, followed, as_of=cases.as_of, follow_up=follow_up),
            cases.as_of,
            follow_up=follow_up,
            level=level,
        )
        if followed
        else None
    )
    police = None
    if int(tables.police_street.count().execute()) > 0:
        police = police_uk_outcomes(tables, level=level)
    params = Params(
        method="Outcome rates on both Home Office count bases by financial half-year",
        citation=f"{CITATIONS}; {KM_CITATION}",
        period=(halves[0].start, halves[-1].end) if halves else None,
        seed=settings.seed,
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
        attrition_equal=attr_equal,
        survival_change=change,
        placement=cases.placement,
    )
