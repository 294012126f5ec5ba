"""How concentrated crime is: the share of crimes in the top 5% of LSOAs, against chance.

The "law of crime concentration" (Weisburd 2015) says a small share of places holds a large
share of crime. With few crimes per place, some concentration appears by chance alone (more
places than crimes: Bernasco & Steenbeek 2017), so the observed share is shown beside what the
same number of crimes would give if spread at random in proportion to population
(multinomial draws, seeded): the mean and the 2.5-97.5% range of that chance share. The Gini
coefficient and a Lorenz curve (cumulative share of crimes against share of LSOAs, busiest
first) complete the picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.errors import InputError
from vawg.results import Params, ResultMixin

__all__ = ["CONCENTRATION_CITATION", "ConcentrationResult", "concentration", "top_share"]

CONCENTRATION_CITATION = (
    "Weisburd D (2015) The law of crime concentration and the criminology of place. "
    "Criminology 53(2):133-157; Bernasco W, Steenbeek W (2017) More places than crimes: "
    "implications for evaluating the law of crime concentration at place. J Quant Criminol "
    "33:451-467."
)


def top_share(values: npt.ArrayLike, share: float = 0.05) -> float:
    """Share of the total held by the top ``ceil(share * n)`` values."""
    y = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = y.sum()
    if total <= 0:
        return math.nan
    k = max(1, math.ceil(share * y.size))
    return float(y[:k].sum() / total)


def _gini(values: npt.NDArray[np.float64]) -> float:
    y = np.sort(values)
    n = y.size
    total = y.sum()
    if total <= 0:
        return math.nan
    index = np.arange(1, n + 1)
    return float((2 * (index * y).sum()) / (n * total) - (n + 1) / n)


@dataclass(frozen=True)
class ConcentrationResult(ResultMixin):
    """Share of crimes in the top ``top_fraction`` of LSOAs, with a chance benchmark.

    ``table``: the Lorenz curve (share_of_lsoas, share_of_crimes), busiest LSOAs first.
    """

    params: Params
    table: pl.DataFrame
    top_fraction: float
    lsoas: int
    top_lsoas: int
    crimes: int
    top_share: float
    top_population_share: float
    chance_share: float
    chance_low: float
    chance_high: float
    gini: float


def concentration(
    counts: pl.DataFrame,
    *,
    top_fraction: float = 0.05,
    simulations: int = 999,
    seed: int = 0,
    params: Params | None = None,
) -> ConcentrationResult:
    """Concentration of ``counts`` (lsoa_code, crimes, population) across LSOAs."""
    for column in ("lsoa_code", "crimes", "population"):
        if column not in counts.columns:
            raise InputError(
                f"concentration: no {column!r} column; columns are {', '.join(counts.columns)}"
            )
    if not 0 < top_fraction < 1:
        raise InputError(f"concentration: top_fraction={top_fraction} must be in (0, 1), e.g. 0.05")
    frame = counts.sort(["crimes", "lsoa_code"], descending=[True, False])
    y = frame["crimes"].cast(pl.Float64).to_numpy()
    population = frame["population"].cast(pl.Float64).to_numpy()
    total = int(y.sum())
    if total == 0:
        raise InputError("concentration: there are no crimes to measure the concentration of")
    n = y.size
    k = max(1, math.ceil(top_fraction * n))
    observed = top_share(y, top_fraction)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(total, population / population.sum(), size=simulations)
    # the k largest of each draw, summed: a partial sort, not a full one (32,844 LSOAs nationally)
    chance = np.partition(draws, n - k, axis=1)[:, n - k :].sum(axis=1) / total
    cumulative = np.concatenate([[0.0], np.cumsum(y) / total])
    lorenz = pl.DataFrame(
        {
            "share_of_lsoas": np.arange(n + 1) / n,
            "share_of_crimes": cumulative,
        }
    )
    step = max(1, n // 200)
    lorenz = lorenz.gather_every(step)
    if lorenz["share_of_lsoas"][-1] < 1.0:
        lorenz = pl.concat(
            [lorenz, pl.DataFrame({"share_of_lsoas": [1.0], "share_of_crimes": [1.0]})]
        )
    return ConcentrationResult(
        params=params
        or Params(
            method=f"share of crimes in the top {top_fraction:.0%} of LSOAs; chance benchmark "
            f"from {simulations} multinomial allocations by population",
            citation=CONCENTRATION_CITATION,
            seed=seed,
        ),
        table=lorenz,
        top_fraction=top_fraction,
        lsoas=n,
        top_lsoas=k,
        crimes=total,
        top_share=observed,
        top_population_share=float(population[:k].sum() / population.sum()),
        chance_share=float(chance.mean()),
        chance_low=float(np.quantile(chance, 0.025)),
        chance_high=float(np.quantile(chance, 0.975)),
        gini=_gini(y),
    )
