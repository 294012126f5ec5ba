"""Main points of the audit and the outcomes report, as numbers for the bulletin text.

- **Audit**: one point per pre-declared headline comparison (``AuditResult.headlines``): the
  figure in the audited half, its change on the same half a year earlier with the interval, and
  whether the change is clear after Holm's correction across the declared comparisons only.
- **Outcomes**: the charge rate and the victim-withdrawal rate among outcomes *assigned* in the
  latest half against the same half a year earlier (assigned outcomes need no follow-up, so the
  two halves compare fairly), Holm across the two; and the median time to an outcome.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from vawg.outcomes.audit import BETTER, MEASURE_LABELS, AuditResult
from vawg.outcomes.halves import Half
from vawg.outcomes.rates import changes
from vawg.outcomes.summary import OutcomeSummary
from vawg.results import Estimate, MainPoint
from vawg.stats import adjusted_list

__all__ = ["audit_main_points", "outcomes_main_points"]

_NAN = math.nan


def _span(label: str | None) -> tuple[date, date] | None:
    if not label:
        return None
    half = Half(int(label[:4]), int(label[-1]))
    return half.start, half.end


def _num(value: float | None) -> float:
    return _NAN if value is None else float(value)


def _measure(name: str) -> str:
    return "days" if name.startswith("median_days") else "share"


def audit_main_points(result: AuditResult) -> tuple[MainPoint, ...]:
    """One point per declared headline comparison, in the declared order."""
    n = result.headlines.height
    tested = (
        f"Holm's correction across the {n} pre-declared headline comparisons, "
        f"family-wise level {100 * result.fdr:.0f}%"
    )
    points = []
    for row in result.headlines.iter_rows(named=True):
        measure = row["measure"]
        available = row["verdict"] != "not available"
        kind = _measure(measure)
        points.append(
            MainPoint(
                topic=MEASURE_LABELS.get(measure, measure),
                measure=kind,
                value=(
                    Estimate(
                        _num(row["to_estimate"]), _num(row["to_ci_low"]), _num(row["to_ci_high"])
                    )
                    if available
                    else None
                ),
                period=_span(row["to_half"]) or (result.half.start, result.half.end),
                change=(
                    Estimate(
                        _num(row["difference"]),
                        _num(row["ci_low"]),
                        _num(row["ci_high"]),
                        row["p_holm"],
                    )
                    if available
                    else None
                ),
                change_kind="days" if kind == "days" else "points",
                comparison=_span(row["from_half"])
                or (result.year_earlier.start, result.year_earlier.end),
                comparison_value=row["from_estimate"],
                clear=None if not available else row["verdict"] in ("improved", "worse"),
                better_when=row["better_when"],
                tested=tested
                + (
                    " (log-rank test of the whole time-to-outcome curves)" if kind == "days" else ""
                ),
                note="" if available else "Not available for this half: see the tables below.",
            )
        )
    return tuple(points)


def outcomes_main_points(result: OutcomeSummary) -> tuple[MainPoint, ...]:
    """Charge and victim-withdrawal rates (assigned base, latest half against a year earlier)
    and the latest median time to outcome."""
    if not result.halves:
        return ()
    latest = max(result.halves)
    earlier = latest.year_earlier()
    whole = result.table.filter((pl.col("base") == "assigned") & (pl.col("dimension") == "all"))
    compared = changes(whole, latest.label, {"year_earlier": earlier.label})
    wanted = ("charge_rate", "victim_not_supporting_rate")
    rows = {r["measure"]: r for r in compared.iter_rows(named=True) if r["measure"] in wanted}
    adjusted = dict(
        zip(
            rows,
            adjusted_list([rows[m]["p_value"] for m in rows], "holm"),
            strict=True,
        )
    )
    tested = f"Holm's correction across these {len(rows)} comparisons, family-wise level 5%"
    points = []
    for measure in wanted:
        row = rows.get(measure)
        now = whole.filter((pl.col("half") == latest.label) & (pl.col("measure") == measure))
        if now.height == 0 or now["estimate"][0] is None:
            continue
        value = Estimate(_num(now["estimate"][0]), _num(now["ci_low"][0]), _num(now["ci_high"][0]))
        p = adjusted.get(measure)
        points.append(
            MainPoint(
                topic=MEASURE_LABELS[measure] + " (outcomes assigned in the half)",
                measure="share",
                value=value,
                period=(latest.start, latest.end),
                change=(
                    Estimate(_num(row["difference"]), _num(row["ci_low"]), _num(row["ci_high"]), p)
                    if row
                    else None
                ),
                change_kind="points",
                comparison=(earlier.start, earlier.end) if row else None,
                comparison_value=row["from_estimate"] if row else None,
                clear=None if p is None else p < 0.05,
                better_when=BETTER.get(measure),
                tested=tested,
            )
        )
    km = result.survival.table.filter(
        (pl.col("half") == latest.label) & (pl.col("dimension") == "all")
    )
    if km.height and km["median_days"][0] is not None and not math.isnan(km["median_days"][0]):
        k = km.row(0, named=True)
        points.append(
            MainPoint(
                topic=MEASURE_LABELS["median_days_to_outcome"],
                measure="days",
                value=Estimate(_num(k["median_days"]), _num(k["ci_low"]), _num(k["ci_high"])),
                period=(latest.start, latest.end),
                note="Kaplan–Meier median: crimes still open count up to the data date.",
            )
        )
    return tuple(points)
