"""The audit's pre-declared headline comparisons, tested as their own small family.

The full audit grid compares hundreds of rates (every measure by every district, offence group
and relationship, against two earlier halves) and corrects them all together, so a real change
in a headline figure can disappear among them. A bulletin instead declares a few headline
comparisons in advance (``Settings.audit_headlines``: by default the charge rate, the
victim-withdrawal rate, time to outcome and victims' satisfaction), each for the whole scope
against the same half a year earlier (same season, same follow-up), and tests them at their own
level with Holm's step-down correction (Holm 1979), which controls the chance of any false
"improved" or "worse" among them. The grid stays, corrected on its own, as the appendix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from vawg.stats import adjusted_list

__all__ = ["HEADLINE_SCHEMA", "headline_family", "headline_row"]

HEADLINE_SCHEMA: dict[str, pl.DataType] = {
    "measure": pl.String(),
    "base": pl.String(),
    "from_half": pl.String(),
    "to_half": pl.String(),
    "from_estimate": pl.Float64(),
    "to_estimate": pl.Float64(),
    "to_ci_low": pl.Float64(),
    "to_ci_high": pl.Float64(),
    "difference": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "p_value": pl.Float64(),
    "p_holm": pl.Float64(),
    "test": pl.String(),
    "better_when": pl.String(),
    "verdict": pl.String(),
}
"""One row per declared measure; ``verdict``: improved, worse, no clear change, or not
available (the measure could not be compared: no survey, no data in one of the halves, or a
figure withheld in the public version)."""


def headline_row(changes: pl.DataFrame, measure: str) -> dict[str, Any] | None:
    """The whole-scope comparison of ``measure`` against the same half a year earlier."""
    part = changes.filter(
        (pl.col("measure") == measure)
        & (pl.col("comparison") == "year_earlier")
        & ((pl.col("value") == "all") | (pl.col("dimension") == "agency"))
    ).sort("dimension", "value")
    return part.row(0, named=True) if part.height else None


def _interval_holds_none(row: Mapping[str, Any]) -> bool:
    """Whether a time-to-outcome row's interval of the change in the median includes no
    change: its log-rank test compares whole curves, and a verdict is never stronger than the
    interval printed beside it."""
    low, high = row.get("ci_low"), row.get("ci_high")
    if row.get("test") != "log-rank" or low is None or high is None:
        return False
    return bool(low <= 0 <= high)


def headline_family(
    changes: pl.DataFrame,
    measures: Sequence[str],
    better_when: Mapping[str, str],
    *,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """The rows of ``changes`` (the audit grid) for the declared ``measures``, with p-values
    adjusted by Holm across these comparisons only and a verdict at ``alpha``.

    ``better_when`` maps a measure to ``higher`` or ``lower``. A measure with no comparison
    gets a row of nulls with verdict ``not available`` (said, never dropped).
    """
    rows = [(m, headline_row(changes, m)) for m in measures]
    adjusted = adjusted_list(
        [None if r is None or r["p_value"] is None else float(r["p_value"]) for _, r in rows],
        "holm",
    )
    out: list[dict[str, Any]] = []
    for (measure, row), p_holm in zip(rows, adjusted, strict=True):
        better = better_when.get(measure, "higher")
        if row is None:
            out.append({"measure": measure, "better_when": better, "verdict": "not available"})
            continue
        sign = row.get("sign")
        if sign is None:
            d = row["difference"]
            sign = 0 if d is None else (d > 0) - (d < 0)
        if p_holm is None:
            verdict = "not available"
        elif p_holm < alpha and sign != 0 and not _interval_holds_none(row):
            improved = sign > 0 if better == "higher" else sign < 0
            verdict = "improved" if improved else "worse"
        else:
            verdict = "no clear change"
        out.append(
            {
                **{k: row[k] for k in HEADLINE_SCHEMA if k in row},
                "p_holm": p_holm,
                "better_when": better,
                "verdict": verdict,
            }
        )
    return pl.DataFrame(out, schema=HEADLINE_SCHEMA)
