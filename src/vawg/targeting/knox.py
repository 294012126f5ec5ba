"""Near repeats: the Knox test with Monte Carlo inference over space-time bands.

Does one public-place offence raise the risk of another nearby in the following days, and for
how far and how long? Every pair of offences is classed by how far apart they are (distance
bands, metres, from the British National Grid coordinates) and how many days apart
(time bands). If place and time were unrelated, the number of pairs close in both would be
what shuffling the dates among the offences gives, keeping every location fixed (Knox 1964).
The **Knox ratio** of a cell is its observed pairs over the mean of the shuffles (the
expected pairs); its **p-value** is the share of shuffles with at least as many pairs
``(1 + #{shuffled >= observed}) / (1 + R)``. This is the method of the Near Repeat Calculator
(Ratcliffe 2009) used by Johnson & Bowers (2004) and Johnson et al. (2007) for burglary and by
later studies for violence and sexual offences.

Bands: distance edges ``0 < d1 < ... < dk`` give bands [0, d1], (d1, d2], ..., (dk-1, dk] and a
last band "more than dk"; time edges in whole days likewise ([0, t1] days, (t1, t2], ..., more
than tk). Pairs are counted once (i < j). Only pairs within the largest distance edge are
enumerated (a k-d tree); the "more than dk" row is the all-pairs count of each time band (from
sorted dates, the same in every shuffle) less the near pairs, so the test runs on tens of
thousands of offences.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.spatial import cKDTree

from vawg.errors import InputError
from vawg.results import Params, ResultMixin
from vawg.threads import workers

__all__ = ["KNOX_CITATION", "KnoxResult", "band_labels", "knox_test"]

KNOX_CITATION = (
    "Knox EG (1964) The detection of space-time interactions. Applied Statistics 13(1):25-30; "
    "Ratcliffe JH (2009) Near Repeat Calculator (version 1.3), Temple University and the "
    "National Institute of Justice; Johnson SD, Bowers KJ (2004) The burglary as clue to the "
    "future: the beginnings of prospective hot-spotting. European Journal of Criminology "
    "1(2):237-255; Johnson SD et al. (2007) Space-time patterns of risk: a cross national "
    "assessment of residential burglary victimization. J Quant Criminol 23:201-219."
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def band_labels(edges: tuple[float, ...], unit: str) -> list[str]:
    """Readable band names: ``0-100 m``, ``100-200 m`` (over 100, up to 200) ... ``more than
    800 m``; whole days ``0-7 days``, ``8-14 days`` ..."""
    labels = []
    for i, (low, high) in enumerate(pairwise(edges)):
        start = f"{low:g}"
        if unit == "days":
            start = f"{int(low)}" if i == 0 else f"{int(low) + 1}"
        labels.append(f"{start}-{high:g} {unit}")
    labels.append(f"more than {edges[-1]:g} {unit}")
    return labels


ABOVE_CHANCE_LEVEL = 0.05
"""A cell has clearly more pairs than chance when its shuffle p-value is below this."""


@dataclass(frozen=True)
class KnoxResult(ResultMixin):
    """The Knox table.

    ``table``: one row per cell: distance_band, time_band, distance_index, time_index,
    observed (pairs), expected, knox_ratio, p_value, above_chance (p below 0.05 and more pairs
    than expected: decided here, so a public table can say it without its p-value, which the
    true count narrows). ``events``: offences tested; ``pairs``:
    all pairs; ``near_pairs``: pairs within the largest distance edge.
    """

    params: Params
    table: pl.DataFrame
    events: int | None  # None: withheld (public version)
    pairs: int | None  # None in the public version
    near_pairs: int | None
    distance_edges: tuple[float, ...]
    time_edges: tuple[float, ...]
    permutations: int


def _check_edges(edges: tuple[float, ...], name: str) -> tuple[float, ...]:
    values = tuple(float(e) for e in edges)
    if len(values) < 2 or values[0] != 0 or any(a >= b for a, b in pairwise(values)):
        raise InputError(
            f"knox_test: {name}={values} must be 2 or more increasing numbers from 0, "
            "e.g. 0,100,200,400"
        )
    return values


def _band(values: npt.ArrayLike, edges: tuple[float, ...]) -> IntArray:
    """0 for [0, e1], i for (e_i, e_i+1], len(edges) - 1 for beyond the last edge."""
    return np.searchsorted(np.asarray(edges[1:]), np.asarray(values), side="left").astype(np.int64)


def _time_totals(days: IntArray, edges: tuple[float, ...]) -> IntArray:
    """All pairs per time band (same under every shuffle of the dates)."""
    ordered = np.sort(days)
    n = ordered.size
    index = np.arange(n)
    within = [
        int((np.searchsorted(ordered, ordered + edge, side="right") - index - 1).sum())
        for edge in edges[1:]
    ]
    pairs = n * (n - 1) // 2
    cumulative = np.asarray([*within, pairs], dtype=np.int64)
    return np.diff(cumulative, prepend=0)


class _NearPairs:
    """The near pairs (within the largest distance edge), sorted by distance band and then by
    offence, and how many fall in each time band for a given set of dates.

    A pair's time band is read from its gap in days against the whole-day time edges (a gap of
    ``g`` days is within an edge ``e`` when ``g <= floor(e)``), counted band by band on the
    smallest integer type that holds the dates, rather than looked up pair by pair.
    """

    def __init__(
        self,
        first: IntArray,
        second: IntArray,
        band: IntArray,
        bands: int,
        days: IntArray,
        time_edges: tuple[float, ...],
        totals: IntArray,
    ) -> None:
        order = np.lexsort((second, first, band))
        self.first = first[order].astype(np.int32)
        self.second = second[order].astype(np.int32)
        self.bounds = np.searchsorted(band[order], np.arange(bands + 1))
        span = int(days.max() - days.min()) if days.size else 0
        self.dtype = np.int16 if span <= np.iinfo(np.int16).max else np.int32
        top = int(np.iinfo(self.dtype).max)
        self.origin = int(days.min()) if days.size else 0
        self.edges = [min(int(np.floor(e)), top) for e in time_edges[1:]]
        self.bands = bands
        self.totals = totals

    def count(self, days: IntArray) -> IntArray:
        """Near pairs per (distance band, time band) for ``days`` (one per offence)."""
        local = (days - self.origin).astype(self.dtype)
        gap = np.take(local, self.first)
        gap -= np.take(local, self.second)
        np.abs(gap, out=gap)
        out = np.empty((self.bands, len(self.edges) + 1), dtype=np.int64)
        for b in range(self.bands):
            part = gap[self.bounds[b] : self.bounds[b + 1]]
            within = [np.count_nonzero(part <= edge) for edge in self.edges]
            out[b] = np.diff(np.asarray([*within, part.size], dtype=np.int64), prepend=0)
        return out

    def table(self, days: IntArray) -> IntArray:
        """The whole Knox table for ``days``: the near pairs by band, then every other pair
        (``totals``, all pairs per time band, less the near ones) as the last row."""
        near = self.count(days)
        return np.vstack([near, self.totals - near.sum(axis=0)])


def knox_test(
    easting: npt.ArrayLike,
    northing: npt.ArrayLike,
    day: npt.ArrayLike,
    *,
    distance_edges: tuple[float, ...] = (0, 100, 200, 400, 800),
    time_edges: tuple[float, ...] = (0, 7, 14, 28, 56),
    permutations: int = 999,
    seed: int = 0,
) -> KnoxResult:
    """The Knox table of offences at (``easting``, ``northing``) metres on whole ``day`` s."""
    d_edges = _check_edges(distance_edges, "distance_edges")
    t_edges = _check_edges(time_edges, "time_edges")
    if permutations < 99:
        raise InputError(f"knox_test: permutations={permutations}; use 99 or more (999 is usual)")
    x = np.asarray(easting, dtype=np.float64)
    y = np.asarray(northing, dtype=np.float64)
    t = np.asarray(day, dtype=np.int64)
    if not (x.shape == y.shape == t.shape):
        raise InputError("knox_test: easting, northing and day must have one value per offence")
    if x.size < 3:
        raise InputError(f"knox_test: {x.size} offences; the test needs at least 3")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise InputError("knox_test: every offence needs finite coordinates")
    n_d, n_t = len(d_edges), len(t_edges)  # bands including the "more than" band
    near = cKDTree(np.column_stack([x, y])).query_pairs(r=d_edges[-1], output_type="ndarray")
    band = _band(np.hypot(x[near[:, 0]] - x[near[:, 1]], y[near[:, 0]] - y[near[:, 1]]), d_edges)
    counter = _NearPairs(
        near[:, 0], near[:, 1], band, n_d - 1, t, t_edges, _time_totals(t, t_edges)
    )
    observed = counter.table(t)
    rng = np.random.default_rng(seed)
    shuffled = np.empty((permutations, n_d, n_t), dtype=np.int64)
    # About ten million near pairs nationally and a thousand shuffles: the shuffles are drawn
    # in order from the one generator, counted a few at a time on every core.
    threads = workers()
    size = 4 * threads  # shuffles drawn at a time
    with ThreadPoolExecutor(threads) as pool:
        for start in range(0, permutations, size):
            batch = [t[rng.permutation(t.size)] for _ in range(min(size, permutations - start))]
            for r, table in enumerate(pool.map(counter.table, batch), start):
                shuffled[r] = table
    expected = shuffled.mean(axis=0)
    p_value = (1 + (shuffled >= observed).sum(axis=0)) / (1 + permutations)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.nan)
    d_labels, t_labels = band_labels(d_edges, "m"), band_labels(t_edges, "days")
    rows = [
        {
            "distance_band": d_labels[a],
            "time_band": t_labels[b],
            "distance_index": a,
            "time_index": b,
            "observed": int(observed[a, b]),
            "expected": float(expected[a, b]),
            "knox_ratio": float(ratio[a, b]),
            "p_value": float(p_value[a, b]),
            "above_chance": bool(p_value[a, b] < ABOVE_CHANCE_LEVEL and ratio[a, b] > 1),
        }
        for a in range(n_d)
        for b in range(n_t)
    ]
    return KnoxResult(
        params=Params(
            method=(
                f"Knox test, {permutations} Monte Carlo shuffles of the dates (locations fixed); "
                "one-sided p-values"
            ),
            citation=KNOX_CITATION,
            seed=seed,
            settings={"distance_edges": list(d_edges), "time_edges": list(t_edges)},
        ),
        table=pl.DataFrame(rows),
        events=int(x.size),
        pairs=int(x.size * (x.size - 1) // 2),
        near_pairs=int(near.shape[0]),
        distance_edges=d_edges,
        time_edges=t_edges,
        permutations=permutations,
    )
