"""Crime harm: a weight per crime, harm per perpetrator, and how concentrated harm is.

Each in-scope crime gets a harm weight in days of custody, Cambridge Crime Harm Index style
(Sherman, Neyroud & Neyroud 2016): the weight of its Home Office offence code when the table
has one, else the weight of its offence group. A perpetrator's harm is the sum of the weights of
the in-scope crimes he is linked to (a crime with two perpetrators counts in full for each).

Concentration: the share of all perpetrator harm caused by the most harmful 1%, 5%, 10% and 20%
of perpetrators, read off the Lorenz curve (Lorenz 1905) drawn through the points
(i/n, cumulative harm share of the i least harmful); between points the curve is straight, so a
fraction of a person counts pro rata (10% of 19 perpetrators = the top 1.9 of them). The Gini
coefficient is one minus twice the area under that curve. Intervals: percentile bootstrap
(Efron & Tibshirani 1993) resampling perpetrators with replacement, seeded.

The default weights are the Cambridge Crime Harm Index 2026 medians of the Home Office offence
subgroup each offence group belongs to (:mod:`vawg.profile.harm_weights`); ``--harm-weights FILE``
loads another table or the official CCHI per-code sheet. Medians hide a wide range within a
subgroup (stalking and harassment: 2 to 252 days), so the concentration headline is shown with a
**sensitivity line**: the same top shares (with their bootstrap intervals) when every crime
takes its subgroup's mean score, and when every crime counts equally (weight 1, i.e. the
concentration of crimes among perpetrators).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.profile.data import ProfileData
from vawg.profile.harm_weights import HARM_WEIGHT_COLUMNS, describe, load_harm_weights
from vawg.results import Estimate, Params, ResultMixin

__all__ = [
    "HARM_WEIGHT_COLUMNS",
    "SENSITIVITY",
    "TOP_SHARES",
    "HarmResult",
    "gini",
    "harm",
    "load_harm_weights",
    "lorenz_curve",
    "top_share",
]

SENSITIVITY = ("as weighted", "CCHI 2026 subgroup means", "equal weights (every crime 1)")
TOP_SHARES = (0.01, 0.05, 0.10, 0.20)
VERIFIED_STATUSES = ("verified", "official", "official (cchi sheet)")
CITATION = (
    "Sherman, L., Neyroud, P. W. & Neyroud, E. (2016) The Cambridge Crime Harm Index: measuring "
    "total harm from crime based on sentencing guidelines. Policing 10(3), 171-183, "
    "doi:10.1093/police/paw003. Lorenz, M. O. (1905) Methods of measuring the concentration of "
    "wealth. JASA 9(70), 209-219. Efron, B. & Tibshirani, R. J. (1993) An Introduction to the "
    "Bootstrap. Chapman & Hall."
)
FloatArray = npt.NDArray[np.float64]


def top_share(sorted_desc: FloatArray, p: float) -> float:
    """Share of the total held by the top ``p`` of the population, pro rata between people."""
    n = sorted_desc.size
    total = float(sorted_desc.sum())
    if n == 0 or total <= 0:
        return float("nan")
    k = p * n
    whole = int(np.floor(k))
    part = k - whole
    head = float(sorted_desc[:whole].sum())
    if whole < n:
        head += part * float(sorted_desc[whole])
    return head / total


def _weighted_top_shares(
    sorted_desc: FloatArray, weights: npt.NDArray[np.int64], shares: tuple[float, ...]
) -> FloatArray:
    """Top shares for each row of integer ``weights`` (multiplicities of a bootstrap sample)."""
    w = weights.astype(np.float64)
    n = w.sum(axis=1, keepdims=True)
    total = w @ sorted_desc
    before = np.cumsum(w, axis=1) - w
    out = np.empty((w.shape[0], len(shares)))
    for j, p in enumerate(shares):
        take = np.clip(p * n - before, 0.0, w)
        out[:, j] = (take @ sorted_desc) / total
    return out


def _weighted_gini(sorted_asc: FloatArray, weights: npt.NDArray[np.int64]) -> FloatArray:
    w = weights.astype(np.float64)
    population = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True)
    cum = np.cumsum(w * sorted_asc, axis=1)
    harm = cum / cum[:, -1:]
    dp = np.diff(population, axis=1, prepend=0.0)
    prev = np.concatenate([np.zeros((w.shape[0], 1)), harm[:, :-1]], axis=1)
    area = (dp * (harm + prev) / 2.0).sum(axis=1)
    return np.asarray(1.0 - 2.0 * area, dtype=np.float64)


def gini(values: FloatArray) -> float:
    """Gini coefficient: one minus twice the area under the Lorenz curve (no small-n factor)."""
    if values.size == 0 or float(values.sum()) <= 0:
        return float("nan")
    asc = np.sort(values)
    return float(_weighted_gini(asc, np.ones((1, asc.size), dtype=np.int64))[0])


def lorenz_curve(values: FloatArray, points: int = 101) -> pl.DataFrame:
    """The Lorenz curve at ``points`` evenly spaced population shares (0 to 1), interpolated."""
    asc = np.sort(values)
    n = asc.size
    total = float(asc.sum())
    population = np.linspace(0.0, 1.0, max(points, 2))
    if n == 0 or total <= 0:
        return pl.DataFrame({"population_share": population, "harm_share": population * np.nan})
    xs = np.arange(n + 1) / n
    ys = np.concatenate([[0.0], np.cumsum(asc) / total])
    return pl.DataFrame(
        {"population_share": population, "harm_share": np.interp(population, xs, ys)}
    )


def _bootstrap(values: FloatArray, replicates: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """Bootstrap top shares (replicates x len(TOP_SHARES)) and Gini values.

    Resampling n perpetrators with replacement is the same as drawing how many times each
    distinct harm value is picked from a multinomial with the values' frequencies, so the work
    scales with the number of distinct values, not of perpetrators.
    """
    # To a millionth of a day: per-person sums that differ only in their last bits (summed in
    # another order, as another engine may) are one value, so the draws do not depend on it.
    distinct, counts = np.unique(np.round(values, 6), return_counts=True)  # ascending
    n = int(values.size)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(replicates, 4_000_000 // max(distinct.size, 1)))
    desc = distinct[::-1].copy()
    shares, ginis = [], []
    done = 0
    while done < replicates:
        size = min(chunk, replicates - done)
        draws = rng.multinomial(n, counts / n, size=size)
        shares.append(_weighted_top_shares(desc, draws[:, ::-1], TOP_SHARES))
        ginis.append(_weighted_gini(distinct, draws))
        done += size
    return np.vstack(shares), np.concatenate(ginis)


@dataclass(frozen=True)
class HarmResult(ResultMixin):
    """Harm by offence group, harm concentration among perpetrators, the weights used.

    ``table``/``concentration``: top_pct, perpetrators (p x n), harm_share, ci_low, ci_high.
    ``sensitivity``: weighting (``SENSITIVITY``), top_pct, harm_share, ci_low, ci_high, gini:
    the same shares under the subgroup means and under equal weights. ``weights_table``: which
    weight table was used, in words.
    ``lorenz``: population_share, harm_share (101 points). ``weights``: every weight in the
    table with the crimes it was applied to. ``assumed_weights``: the applied weights whose
    status is not verified (listed in the report's methods).
    """

    params: Params
    table: pl.DataFrame
    concentration: pl.DataFrame
    lorenz: pl.DataFrame
    gini: Estimate
    by_offence_group: pl.DataFrame
    weights: pl.DataFrame
    assumed_weights: pl.DataFrame
    perpetrators: int
    crime_harm_days: float
    perpetrator_harm_days: float
    crimes_weighted_by_code: int | None
    crimes_weighted_by_group: int | None
    weights_source: str
    weights_table: str
    sensitivity: pl.DataFrame

    @property
    def harm_share_top_10pct(self) -> Estimate:
        """The Kent headline: the share of harm caused by the most harmful 10%."""
        row = self.concentration.filter(pl.col("top_pct") == 10).row(0, named=True)
        return Estimate(row["harm_share"], row["ci_low"], row["ci_high"])


def _applied_weights(data: ProfileData, weights: pl.DataFrame) -> pl.DataFrame:
    used = data.cube.group_by(key_type=pl.col("harm_basis"), key=pl.col("harm_key")).agg(
        pl.col("crimes").sum().cast(pl.Int64)
    )
    return (
        weights.join(used, on=["key_type", "key"], how="left")
        .with_columns(pl.col("crimes").fill_null(0).cast(pl.Int64))
        .drop("source_file")
    )


def _shares(
    values: FloatArray, replicates: int, seed: int
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """Top shares, their bootstrap limits and the Gini of per-person values."""
    desc = np.sort(values)[::-1]
    point = np.array([top_share(desc, p) for p in TOP_SHARES])
    if values.size >= 2 and float(values.sum()) > 0:
        boot, _ = _bootstrap(values, replicates, seed)
        return (
            point,
            np.quantile(boot, 0.025, axis=0),
            np.quantile(boot, 0.975, axis=0),
            gini(values),
        )
    nan = np.full(len(TOP_SHARES), np.nan)
    return point, nan, nan, gini(values)


def _sensitivity(data: ProfileData, values: FloatArray, replicates: int, seed: int) -> pl.DataFrame:
    """The top shares as weighted, under the subgroup means, and under equal weights."""
    offenders, crimes = data.offenders, data.crimes
    pairs = offenders.select("crime_ref", "person_id").join(
        crimes.select("crime_ref", "offence_group"), "crime_ref"
    )
    per = pairs.group_by("person_id", "offence_group").aggregate(crimes=pairs.count())
    mix = pl.from_arrow(per.to_pyarrow())
    assert isinstance(mix, pl.DataFrame)
    shipped = load_harm_weights()
    means = dict(
        shipped.filter(pl.col("key_type") == "offence_group")
        .select("key", pl.col("mean_days").fill_null(pl.col("weight_days")))
        .iter_rows()
    )
    rows: list[dict[str, Any]] = []
    for label, by_group in (
        (SENSITIVITY[0], None),
        (SENSITIVITY[1], means),
        (SENSITIVITY[2], {g: 1.0 for g in means}),
    ):
        if by_group is None:
            person = values
        else:
            person = (
                mix.with_columns(
                    h=pl.col("crimes").cast(pl.Float64)
                    * pl.col("offence_group").replace_strict(by_group, return_dtype=pl.Float64)
                )
                .group_by("person_id")
                .agg(pl.col("h").sum())["h"]
                .to_numpy()
            )
        point, low, high, g = _shares(np.asarray(person, dtype=np.float64), replicates, seed)
        for j, p in enumerate(TOP_SHARES):
            rows.append(
                {
                    "weighting": label,
                    "top_pct": round(p * 100),
                    "harm_share": float(point[j]),
                    "ci_low": float(low[j]),
                    "ci_high": float(high[j]),
                    "gini": g,
                }
            )
    return pl.DataFrame(rows)


def harm(data: ProfileData, weights: pl.DataFrame, *, replicates: int, seed: int) -> HarmResult:
    """Harm weights applied to the in-scope crimes and the concentration of harm."""
    offenders = data.offenders
    per_person = offenders.group_by("person_id").aggregate(harm_days=offenders.harm_days.sum())
    values = np.asarray(
        per_person.select("harm_days").to_pyarrow().column(0).to_numpy(zero_copy_only=False),
        dtype=np.float64,
    )
    by_group = (
        data.cube.group_by("offence_group")
        .agg(pl.col("crimes").sum().cast(pl.Int64), pl.col("harm_days").sum())
        .sort("harm_days", descending=True)
    )
    crime_total = float(by_group["harm_days"].sum()) if by_group.height else 0.0
    by_group = by_group.with_columns(
        harm_share=pl.col("harm_days") / crime_total if crime_total > 0 else pl.lit(None)
    )
    applied = _applied_weights(data, weights)
    basis = applied.group_by("key_type").agg(pl.col("crimes").sum())
    by_basis: dict[str, Any] = dict(basis.iter_rows())

    desc = np.sort(values)[::-1]
    n = values.size
    if n >= 2 and float(values.sum()) > 0:
        boot, boot_gini = _bootstrap(values, replicates, seed)
        lows = np.quantile(boot, 0.025, axis=0)
        highs = np.quantile(boot, 0.975, axis=0)
        gini_ci = (float(np.quantile(boot_gini, 0.025)), float(np.quantile(boot_gini, 0.975)))
    else:
        lows = highs = np.full(len(TOP_SHARES), np.nan)
        gini_ci = (float("nan"), float("nan"))
    concentration = pl.DataFrame(
        {
            "top_pct": [round(p * 100) for p in TOP_SHARES],
            "perpetrators": [p * n for p in TOP_SHARES],
            "harm_share": [top_share(desc, p) for p in TOP_SHARES],
            "ci_low": lows.tolist(),
            "ci_high": highs.tolist(),
        }
    )
    assumed = applied.filter(
        ~pl.col("status").str.to_lowercase().is_in(VERIFIED_STATUSES), pl.col("crimes") > 0
    )
    return HarmResult(
        params=Params(
            method=(
                f"harm weights: {describe(weights)} (days of custody); harm per perpetrator summed over his "
                "in-scope crimes; top shares from the interpolated Lorenz curve; percentile "
                f"bootstrap intervals ({replicates} replicates over perpetrators)"
            ),
            citation=CITATION,
            period=data.period,
            seed=seed,
            settings={"replicates": replicates},
        ),
        table=concentration,
        concentration=concentration,
        lorenz=lorenz_curve(values),
        gini=Estimate(gini(values), *gini_ci),
        by_offence_group=by_group,
        weights=applied,
        assumed_weights=assumed,
        perpetrators=int(n),
        crime_harm_days=crime_total,
        perpetrator_harm_days=float(values.sum()),
        crimes_weighted_by_code=int(by_basis.get("offence_code", 0)),
        crimes_weighted_by_group=int(by_basis.get("offence_group", 0)),
        # The file's name only: a machine's path never reaches an output.
        weights_source=Path(str(weights["source_file"][0])).name if weights.height else "",
        weights_table=describe(weights),
        sensitivity=_sensitivity(data, values, replicates, seed),
    )
