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
from vawg.ingest.boundaries import Boundaries

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
    boundaries: Boundaries | Path,
    ids: Sequence[str],
    easting: npt.ArrayLike | None = None,
    northing: npt.ArrayLike | None = None,
) -> SpatialWeights:
    """Queen contiguity between the LSOA polygons of ``boundaries``, in ``ids`` order.

    ``boundaries`` is a :class:`~vawg.ingest.boundaries.Boundaries` (the shipped Kent and
    Medway polygons or a force's own) or the path of a polygon file. Two LSOAs are neighbours
    when their polygons share at least one boundary point (shapely's STRtree ``touches`` /
    ``intersects`` query, which gives libpysal's ``Queen`` on a clean coverage). Islands (no
    shared boundary point, e.g. an LSOA on an island) are joined to the nearest centroid: the
    given population-weighted one when ``easting``/``northing`` are passed, else a point inside
    the polygon.
    """
    import shapely

    if isinstance(boundaries, Path):
        from vawg.ingest.boundaries import read_boundaries

        boundaries = read_boundaries(boundaries)
    codes = tuple(str(i) for i in ids)
    polygons = boundaries.polygons_for(codes)
    missing = [c for c, p in zip(codes, polygons, strict=True) if p is None]
    if missing:
        raise InputError(
            f"{boundaries.source}: no polygon for {len(missing)} LSOAs (e.g. "
            f"{', '.join(missing[:3])}); supply polygons for every LSOA in areas.csv "
            "(the boundaries setting) or use k-nearest-neighbour weights"
        )
    tree = shapely.STRtree(polygons)
    rows, cols = tree.query(polygons, predicate="intersects")
    keep = rows != cols
    rows, cols = rows[keep].astype(np.int64), cols[keep].astype(np.int64)
    if easting is not None and northing is not None:
        _, xy = _coordinates(codes, easting, northing)
    else:
        points = shapely.point_on_surface(polygons)
        xy = np.column_stack([shapely.get_x(points), shapely.get_y(points)])
    matrix = _join_islands(_binary(rows, cols, len(codes)), xy)
    return SpatialWeights(
        codes,
        matrix,
        "queen",
        0.0,
        "queen contiguity between LSOA polygons (islands joined to their nearest centroid)",
    )
