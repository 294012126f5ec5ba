"""The twice-yearly audit: one financial half-year against the half before and the same half a
year earlier, for every criminal justice agency the data covers, with the victim's voice.

Figures (all for the scope the settings describe, VAWG by default):

- Police outcomes for crimes *recorded* in each half, with **equal follow-up**: each half's
  outcomes as they stood the same number of days after its end as the audited half has had up to
  the extract's ``as_of`` date. Older halves are not flattered by extra time to close cases.
- Police outcomes *assigned* in each half (the Home Office's second count base).
- Time to outcome (Kaplan–Meier, open cases censored) with medians and intervals, with the same
  equal follow-up: each half's crimes are followed to the same number of days after its end, and
  an outcome reached later counts as still open then.
- Attrition, CPS and court stage tables (``cjs_events``), and victims' satisfaction (when a
  victim survey is loaded).

A change is called *improved* or *worse* only when it is statistically meaningful: its test
(two-proportion z or Fisher's exact for rates; log-rank for time to outcome) survives a
Benjamini–Hochberg false discovery rate of ``fdr`` across every comparison in the audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.outcomes.agencies import AgencyResult, agency_counts, agency_rates, agency_timeliness
from vawg.outcomes.attrition import AttritionResult, attrition, attrition_counts, cjs_present
from vawg.outcomes.cases import DIMENSIONS, outcome_cases
from vawg.outcomes.halves import Half, halves_between, parse_half
from vawg.outcomes.headlines import HEADLINE_SCHEMA, headline_family
from vawg.outcomes.proportions import CITATIONS
from vawg.outcomes.rates import (
    BETTER_WHEN,
    CHANGE_SCHEMA,
    changes,
    outcome_counts,
    rates_from_counts,
)
from vawg.outcomes.satisfaction import ITEMS, satisfaction_counts, satisfaction_rates
from vawg.outcomes.survival import CITATION as KM_CITATION
from vawg.outcomes.survival import (
    MEDIAN_REPLICATES,
    SurvivalResult,
    log_rank,
    median_difference_interval,
    survival_by_dimension,
)
from vawg.query import Tables
from vawg.results import Params, ResultMixin, to_jsonable
from vawg.spatial.placement import Placement
from vawg.stats import adjusted_list
from vawg.threads import in_order

__all__ = [
    "BETTER",
    "HEADLINE_MEASURES",
    "MEASURE_LABELS",
    "AuditResult",
    "comparable_rates",
    "comparators",
    "half_year_audit",
    "headline",
    "judged_changes",
    "survival_rows",
]

HEADLINE_MEASURES = (
    "charge_rate",
    "victim_not_supporting_rate",
    "open_share",
    "median_days_to_outcome",
)
MEASURE_LABELS: dict[str, str] = {
    "charge_rate": "Charge/summons rate",
    "victim_not_supporting_rate": "Victim does not support action",
    "open_share": "Still under investigation",
    "median_days_to_outcome": "Median days from recording to any police outcome",
    "cps_charge_rate": "CPS charging decisions to charge",
    "conviction_rate": "Verdicts that were convictions",
    **{f"satisfied_{k}": f"Victims satisfied: {v.lower()}" for k, v in ITEMS.items()},
}
BETTER = {
    **BETTER_WHEN,
    "cps_charge_rate": "higher",
    "conviction_rate": "higher",
    **{f"satisfied_{k}": "higher" for k in ITEMS},
}
ROLES = ("current", "previous", "year_earlier")


@dataclass(frozen=True)
class AuditResult(ResultMixin):
    """The half-year audit. ``table`` is the headline (recorded base, equal follow-up):
    ``role, half, measure, numerator, denominator, estimate, ci_low, ci_high``.

    ``counts``/``rates``: both count bases by dimension; ``changes``: every comparison with its
    interval, p-value, BH q-value and verdict; ``survival``: Kaplan–Meier by half and dimension;
    ``attrition`` (every half at the same follow-up); ``agencies`` (None without
    ``cjs_events``); ``satisfaction`` (None without a victim survey); ``exclusions``: the scope
    rules' counts. ``public``: disclosure applied. ``headlines``: the pre-declared headline
    comparisons (``Settings.audit_headlines``), Holm-adjusted as their own family
    (:func:`vawg.outcomes.headlines.headline_family`).
    """

    params: Params
    half: Half
    previous: Half
    year_earlier: Half
    as_of: date
    follow_up_days: int
    fdr: float
    table: pl.DataFrame
    counts: pl.DataFrame
    rates: pl.DataFrame
    changes: pl.DataFrame
    survival: SurvivalResult
    attrition: AttritionResult
    agencies: AgencyResult | None
    satisfaction: pl.DataFrame | None
    survey_coverage: dict[str, int] = field(default_factory=dict)
    exclusions: pl.DataFrame = field(default_factory=pl.DataFrame)
    public: bool = False
    threshold: int | None = None
    headlines: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=HEADLINE_SCHEMA))
    placement: Placement | None = None
    """How the crimes were placed in districts (None in a public Result: not released)."""

    @property
    def roles(self) -> dict[str, Half]:
        """``current``, ``previous``, ``year_earlier`` → half."""
        return {"current": self.half, "previous": self.previous, "year_earlier": self.year_earlier}

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON: ``headline[role][measure] = {estimate, ci_low, ci_high}`` and tables."""

        def triple(row: dict[str, Any] | None) -> dict[str, Any]:
            keys = ("estimate", "ci_low", "ci_high")
            return {k: to_jsonable(row[k]) if row else None for k in keys}

        def figures(
            base_rates: pl.DataFrame, measures: tuple[str, ...], count_key: str
        ) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for role, half in self.roles.items():
                part = base_rates.filter(pl.col("half") == half.label)
                entry: dict[str, Any] = {
                    "half": half.label,
                    "start": half.start.isoformat(),
                    "end": half.end.isoformat(),
                }
                rows = {r["measure"]: r for r in part.iter_rows(named=True)}
                first = next(iter(rows.values()), None)
                entry[count_key] = to_jsonable(first["denominator"]) if first else None
                for m in measures:
                    entry[m] = triple(rows.get(m))
                out[role] = entry
            return out

        recorded = self.table
        assigned = self.rates.filter(
            (pl.col("base") == "assigned") & (pl.col("dimension") == "all")
        )
        verdicts = self.changes
        return {
            "half": self.half.label,
            "as_of": self.as_of.isoformat(),
            "follow_up_days": self.follow_up_days,
            "public": self.public,
            "disclosure_threshold": self.threshold,
            "false_discovery_rate": self.fdr,
            "headline": figures(recorded, HEADLINE_MEASURES, "recorded"),
            "outcomes_assigned": figures(
                assigned, ("charge_rate", "victim_not_supporting_rate"), "assigned"
            ),
            "headline_comparisons": to_jsonable(self.headlines),
            "improved": to_jsonable(verdicts.filter(pl.col("verdict") == "improved")),
            "worse": to_jsonable(verdicts.filter(pl.col("verdict") == "worse")),
            "changes": to_jsonable(verdicts),
            "rates": to_jsonable(self.rates),
            "outcome_counts": to_jsonable(self.counts),
            "time_to_outcome": to_jsonable(self.survival.table),
            "attrition": to_jsonable(self.attrition.table),
            "agency_stages": to_jsonable(self.agencies.table) if self.agencies else None,
            "agency_results": to_jsonable(self.agencies.counts) if self.agencies else None,
            "agency_timeliness": to_jsonable(self.agencies.timeliness) if self.agencies else None,
            "victim_satisfaction": to_jsonable(self.satisfaction),
            "survey_coverage": to_jsonable(self.survey_coverage) or None,
            "scope_exclusions": to_jsonable(self.exclusions),
            "params": to_jsonable(self.params),
        }


def _median_row(
    table: pl.DataFrame, half: str, dimension: str, value: str
) -> dict[str, Any] | None:
    found = table.filter(
        (pl.col("half") == half) & (pl.col("dimension") == dimension) & (pl.col("value") == value)
    )
    return found.row(0, named=True) if found.height else None


def _survival_changes(
    survival: SurvivalResult,
    counts: dict[str, pl.DataFrame],
    current: str,
    comparators: dict[str, str],
    *,
    seed: int = 0,
    replicates: int = MEDIAN_REPLICATES,
) -> pl.DataFrame:
    """Median days now vs then, tested with the log-rank test on the whole curves; the
    change in the median has a percentile bootstrap interval over crimes
    (:func:`~vawg.outcomes.survival.median_difference_interval`, ``replicates`` from
    ``seed``)."""
    rows: list[dict[str, Any]] = []
    pending: list[tuple[dict[str, Any], pl.DataFrame, pl.DataFrame]] = []
    for dimension, dur in counts.items():
        by = None if dimension == "all" else dimension
        values = ["all"] if by is None else sorted(dur[by].unique().to_list())
        for value in values:
            cell = dur if by is None else dur.filter(pl.col(by) == value)
            now = _median_row(survival.table, current, dimension, value)
            for name, label in comparators.items():
                then = _median_row(survival.table, label, dimension, value)
                if now is None or then is None:
                    continue
                a, b = cell.filter(pl.col("half") == current), cell.filter(pl.col("half") == label)
                p, excess = log_rank(a, b)
                diff = _minus(now["median_days"], then["median_days"])
                # Direction: the medians when they differ, else the log-rank's observed minus
                # expected outcomes now (more outcomes than expected = faster = fewer days).
                sign = 0 if diff is None else (diff > 0) - (diff < 0)
                if sign == 0 and excess == excess:
                    sign = -((excess > 0) - (excess < 0))
                row = {
                    "base": "recorded",
                    "dimension": dimension,
                    "value": value,
                    "measure": "median_days_to_outcome",
                    "comparison": name,
                    "from_half": label,
                    "to_half": current,
                    "from_estimate": then["median_days"],
                    "from_ci_low": then["ci_low"],
                    "from_ci_high": then["ci_high"],
                    "to_estimate": now["median_days"],
                    "to_ci_low": now["ci_low"],
                    "to_ci_high": now["ci_high"],
                    "difference": diff,
                    "ci_low": None,
                    "ci_high": None,
                    "p_value": p,
                    "test": "log-rank",
                    "sign": sign,
                }
                rows.append(row)
                if diff is not None:
                    pending.append((row, a, b))
    intervals = _median_intervals([(a, b) for _, a, b in pending], replicates, seed)
    for (row, _, _), (low, high) in zip(pending, intervals, strict=True):
        row["ci_low"] = None if math.isnan(low) else low
        row["ci_high"] = None if math.isnan(high) else high
    return pl.DataFrame(rows, schema=_CHANGE_SCHEMA)


def _median_intervals(
    pairs: list[tuple[pl.DataFrame, pl.DataFrame]], replicates: int, seed: int
) -> list[tuple[float, float]]:
    """Each pair's bootstrap interval, on a small pool of threads.

    numpy draws the resamples without the interpreter, and each interval draws from its own
    generator (from ``seed``), so the results do not depend on the threads. At national scale
    there are 670 intervals, 30 s on one core.
    """
    return in_order(
        lambda pair: median_difference_interval(*pair, replicates=replicates, seed=seed), pairs
    )


def _minus(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or a != a or b != b:
        return None
    return float(a) - float(b)


_CHANGE_SCHEMA = {**CHANGE_SCHEMA, "sign": pl.Int64}


def judge(all_changes: pl.DataFrame, fdr: float) -> pl.DataFrame:
    """Add the Benjamini–Hochberg ``q_value`` across every row, and ``verdict``:
    ``improved``/``worse`` where q < ``fdr`` (and, for time to outcome, the interval of the
    change in the median leaves out no change), else ``no clear change``."""
    frame = all_changes.with_columns(
        pl.col("p_value").fill_nan(None),
    )
    q = adjusted_list(frame["p_value"].to_list(), "fdr_bh")
    frame = frame.with_columns(q_value=pl.Series(q, dtype=pl.Float64))
    better = pl.col("measure").replace_strict(BETTER, default="higher")
    sign = pl.coalesce(pl.col("sign"), pl.col("difference").sign().cast(pl.Int64))
    good = pl.when(better == "higher").then(sign > 0).otherwise(sign < 0)
    # a time-to-outcome row is never called changed when its interval of the change in the
    # median includes no change (its log-rank test compares the whole curves)
    holds_none = (
        (pl.col("test") == "log-rank") & (pl.col("ci_low") <= 0) & (pl.col("ci_high") >= 0)
    ).fill_null(False)
    verdict = (
        pl.when(
            pl.col("q_value").is_not_null() & (pl.col("q_value") < fdr) & (sign != 0) & ~holds_none
        )
        .then(pl.when(good).then(pl.lit("improved")).otherwise(pl.lit("worse")))
        .otherwise(pl.lit("no clear change"))
    )
    return frame.with_columns(better_when=better, verdict=verdict)


def _as_rates(frame: pl.DataFrame, base: str, dimension: str, value: pl.Expr) -> pl.DataFrame:
    return frame.select(
        base=pl.lit(base),
        half="half",
        dimension=pl.lit(dimension),
        value=value,
        measure="measure",
        numerator="numerator",
        denominator="denominator",
        estimate="estimate",
        ci_low="ci_low",
        ci_high="ci_high",
    )


def comparable_rates(
    agencies: AgencyResult | None, satisfaction: pl.DataFrame | None
) -> list[pl.DataFrame]:
    """Agency and satisfaction rates in the shape of outcome rates, for comparisons."""
    out = []
    if agencies is not None:
        out.append(_as_rates(agencies.table, "cjs", "agency", pl.col("agency")))
    if satisfaction is not None:
        sat = satisfaction.with_columns(
            measure=pl.lit("satisfied_") + pl.col("item"),
            numerator="satisfied",
            denominator="answered",
        )
        out.append(_as_rates(sat, "victim_survey", "outcome_group", pl.col("group")))
    return out


def comparators(half: Half) -> dict[str, str]:
    """The halves ``half`` is compared with, by name."""
    return {"previous": half.previous().label, "year_earlier": half.year_earlier().label}


def judged_changes(
    rates: pl.DataFrame,
    survival_changes: pl.DataFrame,
    extra: list[pl.DataFrame],
    half: Half,
    fdr: float,
) -> pl.DataFrame:
    """Every comparison of the audit, judged together (one BH family): the outcome rates', the
    time-to-outcome rows already made (:func:`_survival_changes`) and those of ``extra`` (agency
    and satisfaction rates in the shape of outcome rates, :func:`comparable_rates`). The public
    audit calls this again on the published rates."""
    against = comparators(half)
    parts = [changes(rates, half.label, against), survival_changes]
    parts += [changes(more, half.label, against) for more in extra]
    parts = [
        p if "sign" in p.columns else p.with_columns(sign=pl.lit(None, pl.Int64)) for p in parts
    ]
    return judge(pl.concat([p.select(list(_CHANGE_SCHEMA)) for p in parts]), fdr)


def survival_rows(judged: pl.DataFrame) -> pl.DataFrame:
    """The time-to-outcome comparisons of a judged grid, as :func:`judged_changes` takes them."""
    return judged.filter(pl.col("measure") == "median_days_to_outcome").select(list(_CHANGE_SCHEMA))


def headline(rates: pl.DataFrame, survival: SurvivalResult, roles: dict[str, Half]) -> pl.DataFrame:
    """The four headline measures per role (recorded base, scope as a whole)."""
    rows = []
    for role, half in roles.items():
        part = rates.filter(
            (pl.col("base") == "recorded")
            & (pl.col("dimension") == "all")
            & (pl.col("half") == half.label)
        )
        for r in part.iter_rows(named=True):
            rows.append(
                {
                    "role": role,
                    "half": half.label,
                    "measure": r["measure"],
                    "numerator": r["numerator"],
                    "denominator": r["denominator"],
                    "estimate": r["estimate"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                }
            )
        km = survival.table.filter((pl.col("dimension") == "all") & (pl.col("half") == half.label))
        k = km.row(0, named=True) if km.height else None
        rows.append(
            {
                "role": role,
                "half": half.label,
                "measure": "median_days_to_outcome",
                "numerator": None,
                "denominator": k["n"] if k else None,
                "estimate": k["median_days"] if k else None,
                "ci_low": k["ci_low"] if k else None,
                "ci_high": k["ci_high"] if k else None,
            }
        )
    schema = {
        "role": pl.String,
        "half": pl.String,
        "measure": pl.String,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "estimate": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema).with_columns(
        pl.col("estimate", "ci_low", "ci_high").fill_nan(None)
    )


def half_year_audit(
    tables: Tables,
    settings: Settings,
    half: Half | str,
    *,
    as_of: date | None = None,
    fdr: float = 0.05,
    level: float = 0.95,
) -> AuditResult:
    """Audit ``half`` (e.g. ``"2021H2"``) against the previous half and the same half a year
    earlier. ``as_of`` defaults to the extract's latest recorded or outcome date."""
    half = parse_half(half) if isinstance(half, str) else half
    if not 0 < fdr < 1:
        raise InputError(f"fdr={fdr}: give a false discovery rate between 0 and 1, e.g. 0.05")
    cases = outcome_cases(tables, settings, as_of=as_of)
    if cases.as_of < half.end:
        raise InputError(
            f"--half {half.label} ends {half.end} but the extract only runs to {cases.as_of}; "
            f"audit a completed half, e.g. {Half.of(cases.as_of).previous().label}"
        )
    roles = {"current": half, "previous": half.previous(), "year_earlier": half.year_earlier()}
    halves = sorted(roles.values())
    follow_up = cases.as_of - half.end
    counts = pl.concat(
        [
            outcome_counts(
                cases.table, halves, base="recorded", as_of=cases.as_of, follow_up=follow_up
            ),
            outcome_counts(cases.table, halves, base="assigned", as_of=cases.as_of),
        ]
    )
    rates = rates_from_counts(counts, level=level)
    survival, durations_by = survival_by_dimension(
        cases.table, halves, cases.as_of, tuple(DIMENSIONS), follow_up=follow_up
    )
    first = min(h.start for h in halves)
    attr = attrition(
        attrition_counts(
            cases.table,
            tables.cjs_events if cjs_present(tables.cjs_events) else None,
            halves_between(first, half.end),
            as_of=cases.as_of,
            follow_up=follow_up,
        ),
        cases.as_of,
        follow_up=follow_up,
        level=level,
    )
    agencies = None
    if cjs_present(tables.cjs_events):
        a_counts = agency_counts(cases.table, tables.cjs_events, halves)
        agencies = AgencyResult(
            Params(
                method="CJS stage activity by event date",
                citation="Wilson (1927); Conover (1999) §3.2",
            ),
            agency_rates(a_counts, halves, level=level),
            a_counts,
            agency_timeliness(cases.table, tables.cjs_events, halves, level=level),
        )
    satisfaction: pl.DataFrame | None = None
    coverage: dict[str, int] = {}
    if int(tables.victim_survey.count().execute()) > 0:
        s_counts, coverage = satisfaction_counts(cases.table, tables.victim_survey, halves)
        satisfaction = satisfaction_rates(s_counts, level=level)
    judged = judged_changes(
        rates,
        _survival_changes(
            survival, durations_by, half.label, comparators(half), seed=settings.seed
        ),
        comparable_rates(agencies, satisfaction),
        half,
        fdr,
    )
    params = Params(
        method=(
            "Half-year audit of criminal justice outcomes: both Home Office count bases, equal "
            "follow-up for the recorded base and for time to outcome, Kaplan-Meier time to "
            "outcome (change in the median: percentile bootstrap over crimes, "
            f"{MEDIAN_REPLICATES} replicates), BH-adjusted tests"
        ),
        citation=f"{CITATIONS}; {KM_CITATION}",
        period=(halves[0].start, half.end),
        seed=settings.seed,
        settings={k: to_jsonable(v) for k, v in vars(settings).items()},
    )
    return AuditResult(
        params=params,
        half=half,
        previous=roles["previous"],
        year_earlier=roles["year_earlier"],
        as_of=cases.as_of,
        follow_up_days=follow_up.days,
        fdr=fdr,
        table=headline(rates, survival, roles),
        counts=counts,
        rates=rates,
        changes=judged,
        survival=survival,
        attrition=attr,
        agencies=agencies,
        satisfaction=satisfaction,
        survey_coverage=coverage,
        exclusions=cases.exclusions,
        placement=cases.placement,
        headlines=headline_family(judged, settings.audit_headlines, BETTER, alpha=fdr),
    )
