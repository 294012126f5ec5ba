"""Rank places by harm, with rank intervals, and the share of harm a top-N set would cover.

A place's harm is the sum of the harm weights (days of custody, Cambridge Crime Harm Index
style) of its crimes. Ranks carry uncertainty: a place with 12 crimes this year could have had
9 or 16, and the order of places with similar harm is partly chance. The uncertainty comes
from a **Poisson bootstrap** of the crimes (Hanley & MacGibbon 2006; Chamandy et al. 2012):
each replicate gives every crime a Poisson(1) multiplicity, so each place's crime count is
Poisson around what was seen and its harm a compound of its own crimes' weights; places are
re-ranked in every replicate (ties share the best rank). A place's 95% **rank interval** runs
from the 2.5th to the 97.5th percentile of its replicate ranks (Goldstein & Spiegelhalter 1996
on league tables; Marshall & Spiegelhalter 1998). Reading it against a top N:

* **surely** in the top N: the whole interval is within the top N;
* **might be**: the interval reaches into the top N but does not lie within it;
* **no**: the interval starts below the top N.

``top_n_share`` is the share of replicates in which the place ranks in the top N. A place with no
crimes keeps harm 0 in every replicate (the bootstrap cannot create crimes where none were
recorded), so its interval is its observed rank.

Coverage: for each candidate size N, the N places with the most harm and the share of all
harm they hold, with a percentile interval from the same replicates (the set is fixed, its
share varies).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse, stats

from vawg.errors import InputError

__all__ = ["RANKING_CITATION", "STATUSES", "Ranking", "rank_places"]

RANKING_CITATION = (
    "Poisson bootstrap: Hanley JA, MacGibbon B (2006) Creating non-parametric bootstrap "
    "samples using Poisson frequencies. Computer Methods and Programs in Biomedicine "
    "83(1):57-62. Rank intervals for league tables: Goldstein H, Spiegelhalter DJ (1996) League "
    "tables and their limitations. JRSS A 159(3):385-443; Marshall EC, Spiegelhalter DJ (1998) "
    "Reliability of league tables of in vitro fertilisation clinics. BMJ 316:1701-1705. Harm: "
    "Sherman L, Neyroud P, Neyroud E (2016) The Cambridge Crime Harm Index. Policing "
    "10(3):171-183."
)
SURELY, MIGHT, NO = "surely", "might be", "no"
STATUSES = (SURELY, MIGHT, NO)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_CHUNK = 100


@dataclass(frozen=True)
class Ranking:
    """Per place (aligned with the place index): crimes, harm, rank, rank interval, p(top N),
    status; per candidate set size: the share of harm and its interval."""

    crimes: IntArray
    harm: FloatArray
    rank: IntArray
    best_rank: IntArray
    worst_rank: IntArray
    top_n_share: FloatArray
    status: tuple[str, ...]
    top_n: int
    set_sizes: tuple[int, ...]
    set_share: FloatArray
    set_low: FloatArray
    set_high: FloatArray
    set_crime_share: FloatArray
    replicates: int
    seed: int


def _competition_rank(harm: FloatArray) -> IntArray:
    return np.asarray(stats.rankdata(-harm, method="min", axis=-1), dtype=np.int64)


def rank_places(
    place: npt.ArrayLike,
    harm: npt.ArrayLike,
    n_places: int,
    *,
    top_n: int = 10,
    set_sizes: tuple[int, ...] = (5, 10, 20, 50),
    replicates: int = 999,
    seed: int = 0,
) -> Ranking:
    """Rank ``n_places`` places by the harm of their crimes.

    ``place[i]`` is the index (0 .. n_places - 1) of crime i's place and ``harm[i]`` its
    weight. The order of places in the result follows the index.
    """
    where = np.asarray(place, dtype=np.int64)
    weight = np.asarray(harm, dtype=np.float64)
    if where.shape != weight.shape:
        raise InputError("rank_places: place and harm must have one value per crime")
    if where.size and (where.min() < 0 or where.max() >= n_places):
        raise InputError(f"rank_places: place indices must lie in 0..{n_places - 1}")
    if np.any(weight < 0) or not np.all(np.isfinite(weight)):
        raise InputError("rank_places: harm weights must be finite and 0 or more")
    if where.size == 0:
        raise InputError("rank_places: no crimes to rank")
    if top_n < 1 or replicates < 99:
        raise InputError("rank_places: top_n must be 1 or more and replicates 99 or more")
    crimes = np.bincount(where, minlength=n_places).astype(np.int64)
    observed = np.bincount(where, weights=weight, minlength=n_places).astype(np.float64)
    rank = _competition_rank(observed)
    order = np.lexsort((np.arange(n_places), -observed))
    sizes = tuple(sorted({min(int(s), n_places) for s in set_sizes if int(s) >= 1}))
    sets = [order[:s] for s in sizes]
    design = sparse.csc_matrix(
        (weight, (np.arange(where.size), where)), shape=(where.size, n_places)
    )
    rng = np.random.default_rng(seed)
    ranks = np.empty((replicates, n_places), dtype=np.int32)
    shares = np.empty((replicates, len(sets)))
    done = 0
    while done < replicates:
        size = min(_CHUNK, replicates - done)
        draws = rng.poisson(1.0, size=(size, where.size)).astype(np.float64)
        totals = np.asarray(design.T @ draws.T).T
        ranks[done : done + size] = _competition_rank(totals)
        whole = totals.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            for j, members in enumerate(sets):
                shares[done : done + size, j] = totals[:, members].sum(axis=1) / whole
        done += size
    low = np.quantile(ranks, 0.025, axis=0, method="inverted_cdf").astype(np.int64)
    high = np.quantile(ranks, 0.975, axis=0, method="inverted_cdf").astype(np.int64)
    p_top = (ranks <= top_n).mean(axis=0)
    status = tuple(
        SURELY if hi <= top_n else (MIGHT if lo <= top_n else NO)
        for lo, hi in zip(low, high, strict=True)
    )
    total = float(observed.sum())
    total_crimes = int(crimes.sum())
    share = np.asarray([observed[m].sum() / total if total > 0 else np.nan for m in sets])
    crime_share = np.asarray(
        [crimes[m].sum() / total_crimes if total_crimes else np.nan for m in sets]
    )
    return Ranking(
        crimes=crimes,
        harm=observed,
        rank=rank,
        best_rank=low,
        worst_rank=high,
        top_n_share=p_top,
        status=status,
        top_n=top_n,
        set_sizes=sizes,
        set_share=share,
        set_low=np.nanquantile(shares, 0.025, axis=0) if sets else np.empty(0),
        set_high=np.nanquantile(shares, 0.975, axis=0) if sets else np.empty(0),
        set_crime_share=crime_share,
        replicates=replicates,
        seed=seed,
    )
