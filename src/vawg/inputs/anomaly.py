"""Feed anomaly check: months whose counts fall far outside what the rest of the series says.

A records-system migration, a failed extract or a double load shows up as a month with far
fewer (or more) crimes than the months around it, in every crime type at once. Such months are
flagged before any model uses them, and models can leave them out.

Method (a sequential leave-one-out median test, in the spirit of Rosner's 1983 generalized
ESD procedure, on the log scale):

1. Counts are put on a per-day scale (months have 28 to 31 days) and, with 24 or more months,
   divided by a seasonal index (per calendar month, the median ratio of the month's rate to
   its rolling median, scaled to average 1). For every month still unflagged, the *expected*
   count is the median of the other unflagged months' adjusted rates within ``window`` months
   either side (leave-one-out; a month never contributes to its own expectation), scaled back
   by the month's days and seasonal index.
2. Its z-score is ``log(count / expected) / sqrt(1 / expected + cv^2)``: Poisson noise plus the
   ordinary month-to-month variation of a force's recorded crime (``cv``, a coefficient of
   variation). With 12 or more months ``cv`` is estimated robustly from the series itself
   (1.4826 x the median absolute log ratio, less the Poisson part; at least 0.05, as recorded
   crime rarely varies less than that from month to month); with fewer
   months there is too little to estimate it and the ``default_cv`` (0.08: seasonal swings of
   about +/-10% are normal) is used.
3. The single most extreme month is flagged if ``|z| > z_threshold`` (default 3), and the
   expectations are recomputed without it; repeat until no month exceeds the threshold or
   flagging another would leave fewer than half the months unflagged.

Why sequential and leave-one-out: a plain median of all months breaks down when a feed
problem spans several months of a short series. In the real Kent police.uk files
(2018-10 .. 2019-01) two of four months are low; the first pass flags 2018-12 (its expectation
comes from the other three months), the second flags 2018-11 against the two good months,
and then the remaining two agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from vawg.errors import InputError
from vawg.results import Params, ResultMixin

__all__ = ["ANOMALY_CITATION", "AnomalyResult", "feed_anomalies"]

ANOMALY_CITATION = (
    "Rosner B (1983) Percentage points for a generalized ESD many-outlier procedure. "
    "Technometrics 25(2):165-172 (sequential outlier removal); Hampel FR (1974) The influence "
    "curve and its role in robust estimation. JASA 69:383-393 (median / MAD)."
)


@dataclass(frozen=True)
class AnomalyResult(ResultMixin):
    """Flags per series and month. ``table``: series, month, count, expected, ratio, z,
    flagged, direction, step (the pass that flagged it). ``flagged``: months flagged in any
    series."""

    params: Params
    table: pl.DataFrame
    flagged: tuple[date, ...]
    cv: dict[str, float]
    z_threshold: float
    window: int

    def flagged_in(self, series_prefix: str) -> tuple[date, ...]:
        """Months flagged in the series whose name starts with ``series_prefix``, in order."""
        rows = self.table.filter(
            pl.col("flagged") & pl.col("series").str.starts_with(series_prefix)
        )
        return tuple(sorted(set(rows["month"].to_list())))


def _expected(rate: np.ndarray, active: np.ndarray, window: int) -> np.ndarray:
    """Leave-one-out median of the active neighbours' daily rates within ``window`` months."""
    n = rate.size
    out = np.full(n, np.nan)
    for i in range(n):
        lo, hi = max(0, i - window), min(n, i + window + 1)
        others = [rate[j] for j in range(lo, hi) if j != i and active[j]]
        if others:
            out[i] = float(np.median(others))
    return out


def _days_in_month(month: date) -> int:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (following - month).days


def _seasonal_index(months: list[date], rate: np.ndarray, window: int) -> np.ndarray:
    """Per calendar month, the median ratio of the rate to its rolling median (mean 1)."""
    level = _expected(rate, np.ones(rate.size, dtype=bool), window)
    ratio = rate / level
    index = np.ones(12)
    calendar = np.array([m.month for m in months])
    for m in range(1, 13):
        values = ratio[(calendar == m) & np.isfinite(ratio)]
        if values.size:
            index[m - 1] = float(np.median(values))
    index = index / index.mean()
    return np.asarray(index[calendar - 1], dtype=np.float64)


def _series(
    months: list[date], counts: np.ndarray, z_threshold: float, default_cv: float, window: int
) -> tuple[list[dict[str, object]], float]:
    n = counts.size
    days = np.array([_days_in_month(m) for m in months], dtype=np.float64)
    safe = np.maximum(counts, 0.5)
    season = _seasonal_index(months, safe / days, window) if n >= 24 else np.ones(n)
    scale = days * season  # expected count = level (per day, deseasonalised) x scale
    rate = safe / scale
    active = np.ones(n, dtype=bool)
    step = np.zeros(n, dtype=np.int64)
    cv = default_cv
    if n >= 12:
        expected = _expected(rate, active, window) * scale
        log_ratio = np.log(safe / expected)
        spread = 1.4826 * float(np.median(np.abs(log_ratio - np.median(log_ratio))))
        poisson = float(np.median(1.0 / expected))
        cv = max(0.05, math.sqrt(max(0.0, spread**2 - poisson)))
    passes = 0
    while True:
        expected = _expected(rate, active, window) * scale
        z = np.log(safe / expected) / np.sqrt(1.0 / expected + cv**2)
        candidates = np.where(active & np.isfinite(z), np.abs(z), -np.inf)
        worst = int(np.argmax(candidates))
        remaining = int(active.sum())
        if candidates[worst] <= z_threshold or (remaining - 1) < n / 2:
            break
        passes += 1
        active[worst] = False
        step[worst] = passes
    # Final expectations: from the unflagged months only (flagged months keep theirs).
    final = _expected(rate, active, window) * scale
    final_z = np.log(safe / final) / np.sqrt(1.0 / final + cv**2)
    rows = []
    for i in range(n):
        flagged = not active[i]
        rows.append(
            {
                "month": months[i],
                "count": int(counts[i]),
                "expected": float(final[i]),
                "ratio": float(counts[i] / final[i]) if final[i] else math.nan,
                "z": float(final_z[i]),
                "flagged": flagged,
                "direction": ("low" if counts[i] < final[i] else "high") if flagged else "",
                "step": int(step[i]),
            }
        )
    return rows, cv


def feed_anomalies(
    monthly: pl.DataFrame,
    *,
    z_threshold: float = 3.0,
    default_cv: float = 0.08,
    window: int = 6,
    params: Params | None = None,
) -> AnomalyResult:
    """Flag anomalous months in ``monthly`` (series, month, count): one test per series.

    Every month of each series must be present (zeros included): a missing month is itself a
    feed problem and should be passed as a zero.
    """
    for column in ("series", "month", "count"):
        if column not in monthly.columns:
            raise InputError(
                f"feed check: no {column!r} column; columns are {', '.join(monthly.columns)}"
            )
    if not z_threshold > 0 or not default_cv > 0 or window < 1:
        raise InputError(
            f"feed check: z_threshold={z_threshold}, default_cv={default_cv} and window={window} "
            "must be positive (e.g. 3, 0.08, 6)"
        )
    rows: list[dict[str, object]] = []
    cvs: dict[str, float] = {}
    for (name,), group in monthly.sort("month").group_by(["series"], maintain_order=True):
        months = group["month"].to_list()
        counts = group["count"].cast(pl.Float64).to_numpy()
        if len(months) < 3:
            cvs[str(name)] = math.nan
            rows += [
                {
                    "series": name,
                    "month": m,
                    "count": int(c),
                    "expected": math.nan,
                    "ratio": math.nan,
                    "z": math.nan,
                    "flagged": False,
                    "direction": "",
                    "step": 0,
                }
                for m, c in zip(months, counts, strict=True)
            ]
            continue
        series_rows, cv = _series(months, counts, z_threshold, default_cv, window)
        cvs[str(name)] = cv
        rows += [{"series": name, **r} for r in series_rows]
    table = pl.DataFrame(
        rows,
        schema={
            "series": pl.String,
            "month": pl.Date,
            "count": pl.Int64,
            "expected": pl.Float64,
            "ratio": pl.Float64,
            "z": pl.Float64,
            "flagged": pl.Boolean,
            "direction": pl.String,
            "step": pl.Int64,
        },
    )
    flagged = tuple(sorted(set(table.filter(pl.col("flagged"))["month"].to_list())))
    return AnomalyResult(
        params=params
        or Params(
            method=f"sequential leave-one-out median test on log counts (|z| > {z_threshold})",
            citation=ANOMALY_CITATION,
        ),
        table=table,
        flagged=flagged,
        cv=cvs,
        z_threshold=z_threshold,
        window=window,
    )
