"""Main points of the audit and the outcomes report, as numbers for the bulletin text.

- **Audit**: one point per pre-declared headline comparison (``AuditResult.headlines``): the
  figure in the audited half, its change on the same half a year earlier with the interval, and
  whether the change is clear after Holm's correction across the declared comparisons only.
- **Outcomes**: the charge rate and the victim-withdrawal rate among outcomes *assigned* in the
  latest half against the same half a year earlier (assigned outcomes need no follow-up, so the
  two halves compare fairly), and the median time to any police outcome against the same half a
  year earlier (log-rank test of the whole curves; crimes still open count up to the data
  date), Holm across the three.

A point resting on few survey responses says its base in its note, and one withheld from a
public report says why.
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
                topic=MEASURE_LABELS.get(measure, measure) + _audit_base(result, measure),
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
                    " (log-rank test of the whole time-to-outcome curves; the change in the median has a "
                    "bootstrap interval)"
                    if kind == "days"
                    else ""
                ),
                note=_base_note(result, measure) if available else _missing_note(result, measure),
            )
        )
    return tuple(points)


def _audit_base(result: AuditResult, measure: str) -> str:
    """The counting base of an audit headline, for its topic: the audit counts crimes recorded
    in the half with the outcome each had reached a fixed time after the half ended, unlike the
    outcomes report's main points (outcomes assigned in the half), so the two never read as the
    same figure."""
    if measure.startswith("satisfied_") or measure not in BETTER:
        return ""
    when = (
        "at the end of the half"
        if result.follow_up_days == 0
        else f"{result.follow_up_days:,} days after the half ended"
    )
    if measure.startswith("median_days"):
        return f" (crimes recorded in the half, outcomes up to {when.removeprefix('at ')})"
    return f" (of crimes recorded in the half, outcome as it stood {when})"


SMALL_BASE = 100
"""Survey responses below which a satisfaction main point says its base."""


def _answered(result: AuditResult, measure: str, half: Half) -> int | None:
    """The responses behind a satisfaction headline in ``half`` (None: none, or withheld)."""
    if result.satisfaction is None or not measure.startswith("satisfied_"):
        return None
    found = result.satisfaction.filter(
        (pl.col("item") == measure.removeprefix("satisfied_"))
        & (pl.col("half") == half.label)
        & (pl.col("group") == "all")
    )
    return found["answered"][0] if found.height else None


def _base_note(result: AuditResult, measure: str) -> str:
    n = _answered(result, measure, result.half)
    if n is None or n >= SMALL_BASE:
        return ""
    about = "about " if result.public else ""
    return (
        f"Based on only {about}{n:,} survey responses in the half: the interval is wide, so "
        "quote the range, not the single figure."
    )


def _missing_note(result: AuditResult, measure: str) -> str:
    if measure.startswith("satisfied_"):
        if result.satisfaction is None:
            return "No victim survey is loaded."
        if result.public:
            return (
                "Not published for this half: too few survey responses to show without risking "
                "identifying someone."
            )
        return "Too few survey responses in one of the two halves to compare."
    return "Not available for this half: see the tables below."


def _holds_none(row: dict[str, object] | None) -> bool:
    """Whether the interval of a change in median days includes no change (the log-rank test
    compares whole curves; the point is never stronger than the interval it prints)."""
    if row is None or row.get("ci_low") is None or row.get("ci_high") is None:
        return False
    return float(row["ci_low"]) <= 0 <= float(row["ci_high"])  # type: ignore[arg-type]


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
    km_change = (
        result.survival_change.filter(
            (pl.col("dimension") == "all") & (pl.col("comparison") == "year_earlier")
        )
        if result.survival_change.height
        else result.survival_change
    )
    km_row = km_change.row(0, named=True) if km_change.height else None
    family = [rows[m]["p_value"] for m in rows] + ([km_row["p_value"]] if km_row else [])
    adjusted_all = adjusted_list(family, "holm")
    adjusted = dict(zip(rows, adjusted_all[: len(rows)], strict=True))
    p_km = adjusted_all[len(rows)] if km_row else None
    tested = f"Holm's correction across these {len(family)} comparisons, family-wise level 5%"
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
                # its basis in words: outcomes given in the half, not crimes recorded in it
                topic=MEASURE_LABELS[measure] + ", as a share of all police outcomes given",
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
                topic=MEASURE_LABELS["median_days_to_outcome"] + ", for crimes recorded",
                measure="days",
                value=Estimate(_num(k["median_days"]), _num(k["ci_low"]), _num(k["ci_high"])),
                period=(latest.start, latest.end),
                change=(
                    Estimate(
                        _num(km_row["difference"]),
                        _num(km_row["ci_low"]),
                        _num(km_row["ci_high"]),
                        p_km,
                    )
                    if km_row
                    else None
                ),
                change_kind="days",
                comparison=(earlier.start, earlier.end) if km_row else None,
                comparison_value=km_row["from_estimate"] if km_row else None,
                clear=None
                if p_km is None or math.isnan(p_km)
                else p_km < 0.05 and not _holds_none(km_row),
                better_when=BETTER.get("median_days_to_outcome"),
                tested=tested
                + (
                    " (log-rank test of the whole time-to-outcome curves; the change in the median has a "
                    "bootstrap interval)"
                ),
                note="Crimes still without an outcome count up to the data date.",
            )
        )
    return tuple(points)
