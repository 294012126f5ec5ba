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

The default weights ship in ``vawg/datasets/harm_weights.csv``; most are assumptions or from
memory and are marked so (``status``). ``--harm-weights FILE`` (setting ``harm_weights_file``)
loads another table in the same columns, e.g. one built from the official CCHI spreadsheet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.datasets import dataset_path
from vawg.errors import InputError
from vawg.profile.data import ProfileData
from vawg.results import Estimate, Params, ResultMixin
from vawg.schema import OFFENCE_GROUPS

__all__ = [
    "HARM_WEIGHT_COLUMNS",
    "TOP_SHARES",
    "HarmResult",
    "gini",
    "harm",
    "load_harm_weights",
    "lorenz_curve",
    "top_share",
]

HARM_WEIGHT_COLUMNS = ("key_type", "key", "label", "weight_days", "status", "source")
TOP_SHARES = (0.01, 0.05, 0.10, 0.20)
VERIFIED_STATUSES = ("verified", "official")
CITATION = (
    "Sherman, L., Neyroud, P. W. & Neyroud, E. (2016) The Cambridge Crime Harm Index: measuring "
    "total harm from crime based on sentencing guidelines. Policing 10(3), 171-183, "
    "doi:10.1093/police/paw003. Lorenz, M. O. (1905) Methods of measuring the concentration of "
    "wealth. JASA 9(70), 209-219. Efron, B. & Tibshirani, R. J. (1993) An Introduction to the "
    "Bootstrap. Chapman & Hall."
)
FloatArray = npt.NDArray[np.float64]


def load_harm_weights(path: Path | str | None = None) -> pl.DataFrame:
    """The harm weight table: the shipped default, or ``path`` in the same six columns.

    Checks every row: ``key_type`` is ``offence_code`` or ``offence_group``, ``weight_days`` is a
    number of 0 or more, no key appears twice, and every offence group has a weight (the
    fallback for crimes whose code is not listed).
    """
    source = Path(path) if path else dataset_path("harm_weights.csv")
    if not source.is_file():
        raise InputError(
            f"--harm-weights {source}: no such file; give a CSV with columns "
            f"{','.join(HARM_WEIGHT_COLUMNS)}"
        )
    try:
        frame = pl.read_csv(io.BytesIO(source.read_bytes()), infer_schema=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
        raise InputError(
            f"--harm-weights {source}: not a readable CSV ({error}); fix the file"
        ) from None
    missing = [c for c in HARM_WEIGHT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"--harm-weights {source}: missing column(s) {', '.join(missing)}; the columns are "
            f"{','.join(HARM_WEIGHT_COLUMNS)}"
        )
    frame = frame.select(HARM_WEIGHT_COLUMNS).with_columns(
        pl.col("key_type", "key", "status").str.strip_chars(),
        weight_days=pl.col("weight_days").str.strip_chars().cast(pl.Float64, strict=False),
    )
    bad_type = frame.filter(~pl.col("key_type").is_in(["offence_code", "offence_group"]))
    if bad_type.height:
        raise InputError(
            f"--harm-weights {source}: key_type {bad_type['key_type'][0]!r} on key "
            f"{bad_type['key'][0]!r}; use offence_code or offence_group"
        )
    bad_weight = frame.filter(pl.col("weight_days").is_null() | (pl.col("weight_days") < 0))
    if bad_weight.height:
        raise InputError(
            f"--harm-weights {source}: key {bad_weight['key'][0]!r} has no usable weight_days; "
            "give a number of days of 0 or more"
        )
    dupes = frame.filter(pl.struct("key_type", "key").is_duplicated())
    if dupes.height:
        raise InputError(
            f"--harm-weights {source}: {dupes['key_type'][0]} {dupes['key'][0]!r} is listed more "
            "than once; keep one row per key"
        )
    groups = set(frame.filter(pl.col("key_type") == "offence_group")["key"].to_list())
    absent = [g for g in OFFENCE_GROUPS if g not in groups]
    if absent:
        raise InputError(
            f"--harm-weights {source}: no weight for offence group(s) {', '.join(absent)}; add an "
            "offence_group row for each (it is the fallback for codes not listed)"
        )
    unknown = sorted(groups - set(OFFENCE_GROUPS))
    if unknown:
        raise InputError(
            f"--harm-weights {source}: unknown offence group(s) {', '.join(unknown)}; use "
            f"{', '.join(OFFENCE_GROUPS)}"
        )
    return frame.with_columns(source_file=pl.lit(str(source)))


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
    distinct, counts = np.unique(values, return_counts=True)  # ascending
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
    crimes_weighted_by_code: int
    crimes_weighted_by_group: int
    weights_source: str

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
                "CCHI-style harm weights (days of custody); harm per perpetrator summed over his "
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
        weights_source=str(weights["source_file"][0]) if weights.height else "",
    )
