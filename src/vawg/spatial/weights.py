"""Spatial weights between LSOAs: who counts as whose neighbour, a documented choice.

Default: **k nearest neighbours (k = 6) between population-weighted centroids** in British
National Grid metres. Why: LSOAs are drawn to hold similar populations (about 1,500 people), so
they are tiny in town centres and huge in the countryside; a fixed distance band would give a
town-centre LSOA dozens of neighbours and a rural one none, whereas k nearest neighbours gives
every LSOA the same number of neighbours, adapts to density, leaves no islands, and needs only
the centroids that ship with the package. k = 6 is close to the average number of contiguous
(queen) neighbours of an English LSOA. When LSOA polygons are supplied (``areas.geojson``),
queen contiguity (shared boundary point) is available instead; an LSOA with no contiguous
neighbour (an island) is joined to its nearest centroid so no statistic is undefined. A distance
band is available for sensitivity checks.

Every matrix here is binary (1 = neighbour) with a zero diagonal; the Getis-Ord G* statistic
adds the self-weight itself. :meth:`SpatialWeights.to_libpysal` hands the same matrix to
libpysal/esda so results can be checked against the reference implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.spatial import cKDTree

from vawg.errors import InputError

__all__ = [
    "SpatialWeights",
    "distance_band_weights",
    "knn_weights",
    "queen_weights",
]

DEFAULT_K = 6


@dataclass(frozen=True, eq=False)
class SpatialWeights:
    """A binary neighbour matrix over ``ids`` (row i = the neighbours of ``ids[i]``).

    ``matrix`` is a CSR matrix with 1.0 for neighbours and a zero diagonal. ``kind`` is
    ``knn``, ``queen`` or ``distance``; ``parameter`` is k, 0 or the band in metres.
    """

    ids: tuple[str, ...]
    matrix: sp.csr_matrix
    kind: str
    parameter: float
    description: str

    @property
    def n(self) -> int:
        """Number of areas."""
        return len(self.ids)

    @property
    def cardinalities(self) -> npt.NDArray[np.int64]:
        """Number of neighbours of each area (self not counted)."""
        return np.diff(self.matrix.indptr).astype(np.int64)

    def to_libpysal(self) -> Any:
        """The same weights as a ``libpysal.weights.W`` (binary), for esda."""
        from libpysal.weights import W

        indptr, indices = self.matrix.indptr, self.matrix.indices
        neighbors = {
            self.ids[i]: [self.ids[j] for j in indices[indptr[i] : indptr[i + 1]]]
            for i in range(self.n)
        }
        weights = {key: [1.0] * len(value) for key, value in neighbors.items()}
        return W(neighbors, weights, id_order=list(self.ids), silence_warnings=True)


def _coordinates(
    ids: Iterable[object], easting: npt.ArrayLike, northing: npt.ArrayLike
) -> tuple[tuple[str, ...], npt.NDArray[np.float64]]:
    codes = tuple(str(i) for i in ids)
    xy = np.column_stack(
        [np.asarray(easting, dtype=np.float64), np.asarray(northing, dtype=np.float64)]
    )
    if len(codes) != xy.shape[0]:
        raise InputError(
            f"weights: {len(codes)} ids but {xy.shape[0]} coordinates; give one centroid per area"
        )
    if len(set(codes)) != len(codes):
        raise InputError("weights: area ids are not unique; give each LSOA once")
    if not np.isfinite(xy).all():
        bad = [codes[i] for i in np.flatnonzero(~np.isfinite(xy).all(axis=1))[:3]]
        raise InputError(
            f"weights: areas {', '.join(bad)} have no centroid; add easting/northing to areas.csv"
        )
    return codes, xy


def _binary(rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], n: int) -> sp.csr_matrix:
    data = np.ones(rows.size, dtype=np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def knn_weights(
    ids: Iterable[object],
    easting: npt.ArrayLike,
    northing: npt.ArrayLike,
    *,
    k: int = DEFAULT_K,
) -> SpatialWeights:
    """Each area's ``k`` nearest other centroids (not symmetric: i→j does not imply j→i).

    Ties at the k-th distance are broken by the k-d tree's order (areas with identical
    centroids are rare; the choice is then arbitrary but fixed).
    """
    codes, xy = _coordinates(ids, easting, northing)
    n = len(codes)
    if not 1 <= k < n:
        raise InputError(f"weights: k={k} must be between 1 and the number of areas - 1 ({n - 1})")
    _, found = cKDTree(xy).query(xy, k=k + 1)
    found = np.asarray(found, dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    cols = np.empty((n, k), dtype=np.int64)
    for i in range(n):
        others = found[i][found[i] != i][:k]
        cols[i] = others
    matrix = _binary(rows, cols.ravel(), n)
    return SpatialWeights(
        codes,
        matrix,
        "knn",
        float(k),
        f"{k} nearest neighbours between population-weighted centroids (BNG metres)",
    )


def distance_band_weights(
    ids: Iterable[object],
    easting: npt.ArrayLike,
    northing: npt.ArrayLike,
    *,
    threshold: float,
) -> SpatialWeights:
    """Every other centroid within ``threshold`` metres; an area with none gets its nearest."""
    codes, xy = _coordinates(ids, easting, northing)
    if not threshold > 0:
        raise InputError(f"weights: threshold={threshold} must be a distance in metres > 0")
    tree = cKDTree(xy)
    pairs = tree.query_pairs(threshold, output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(np.int64)
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(np.int64)
    matrix = _join_islands(_binary(rows, cols, len(codes)), xy)
    return SpatialWeights(
        codes,
        matrix,
        "distance",
        float(threshold),
        f"centroids within {threshold:,.0f} m (areas with none joined to their nearest)",
    )


def _join_islands(matrix: sp.csr_matrix, xy: npt.NDArray[np.float64]) -> sp.csr_matrix:
    islands = np.flatnonzero(np.diff(matrix.indptr) == 0)
    if islands.size == 0:
        return matrix
    _, nearest = cKDTree(xy).query(xy[islands], k=2)
    nearest = np.asarray(nearest, dtype=np.int64)[:, 1]
    extra = sp.csr_matrix(
        (np.ones(2 * islands.size), (np.r_[islands, nearest], np.r_[nearest, islands])),
        shape=matrix.shape,
    )
    rows, cols = (matrix + extra).nonzero()
    return _binary(rows.astype(np.int64), cols.astype(np.int64), matrix.shape[0])


def queen_weights(
    geojson: Path,
    ids: Sequence[str],
    easting: npt.ArrayLike | None = None,
    northing: npt.ArrayLike | None = None,
) -> SpatialWeights:
    """Queen contiguity from LSOA polygons in ``geojson`` (property ``lsoa_code``), in ``ids`` order.

    Islands (no shared boundary point, e.g. an LSOA on an island) are joined to the nearest
    centroid: the given population-weighted one when ``easting``/``northing`` are passed, else
    the polygon's own.
    """
    import geopandas as gpd
    from libpysal.weights import Queen

    if not geojson.exists():
        raise InputError(f"{geojson}: no such file; pass the LSOA polygons as areas.geojson")
    frame = gpd.read_file(geojson)
    if "lsoa_code" not in frame.columns:
        raise InputError(
            f"{geojson}: no lsoa_code property; found {', '.join(map(str, frame.columns))}"
        )
    codes = tuple(str(i) for i in ids)
    frame = frame.drop_duplicates("lsoa_code").set_index("lsoa_code")
    missing = [c for c in codes if c not in frame.index]
    if missing:
        raise InputError(
            f"{geojson}: no polygon for {len(missing)} LSOAs (e.g. {', '.join(missing[:3])}); "
            "supply polygons for every LSOA in areas.csv or use k-nearest-neighbour weights"
        )
    frame = frame.loc[list(codes)].reset_index()
    queen = Queen.from_dataframe(frame, ids="lsoa_code", use_index=False, silence_warnings=True)
    index = {c: i for i, c in enumerate(codes)}
    rows: list[int] = []
    cols: list[int] = []
    for code, neighbours in queen.neighbors.items():
        rows += [index[code]] * len(neighbours)
        cols += [index[n] for n in neighbours]
    if easting is not None and northing is not None:
        _, xy = _coordinates(codes, easting, northing)
    else:
        points = frame.geometry.representative_point()
        xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    matrix = _join_islands(
        _binary(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), len(codes)),
        xy,
    )
    return SpatialWeights(
        codes,
        matrix,
        "queen",
        0.0,
        "queen contiguity between LSOA polygons (islands joined to their nearest centroid)",
    )
