"""Vectorised categorical draws shared by the generator's modules.

Most draws pick a category from one of a few probability rows (one row per relationship,
place class, day of week, ...), so the draw is done per row with ``searchsorted`` on that
row's cumulative distribution: no per-element Python loop and no n x k matrices.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["categorical"]


def categorical(
    table: npt.NDArray[np.float64], keys: npt.NDArray[np.int64], rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """For each element i, a category drawn from row ``keys[i]`` of ``table``.

    Rows are weights (normalised here); a row used by some key must have a positive sum.
    """
    u = rng.random(keys.size)
    cum = np.cumsum(np.asarray(table, dtype=np.float64), axis=1)
    out = np.zeros(keys.size, dtype=np.int64)
    for k in np.unique(keys):
        mask = keys == k
        out[mask] = np.searchsorted(cum[k] / cum[k, -1], u[mask], side="right")
    return np.minimum(out, table.shape[1] - 1).astype(np.int64)
