"""Where each synthetic crime happened: a grid point inside its LSOA, and codes left blank.

The generator decides each crime's LSOA first (:mod:`vawg.synth.victims`); this module gives it
British National Grid coordinates that lie strictly inside that LSOA's shipped boundary, so a
point-in-polygon placement recovers the true LSOA exactly (the test truth stays right). Points
are drawn around the LSOA's population-weighted centroid with a spread that shrinks for small
LSOAs (a town-centre LSOA is a few hundred metres across): a draw that falls outside the
polygon, or on its edge after rounding to whole metres, is drawn again (up to 40 times), and
any left over is put at a fixed interior point of the polygon. An LSOA with no shipped polygon
(the national synthetic force outside Kent and Medway) keeps the older placing: its centroid
plus 150 m of normal noise, and its crimes keep their codes (nothing could place them back).

A real extract often gives coordinates without an LSOA code. ``blank_share`` of the crimes with
coordinates have their code left empty (the data contract allows it when both coordinates are
given), so every analysis has to place them by coordinates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

from vawg.errors import InputError
from vawg.ingest.boundaries import Boundaries

__all__ = ["DEFAULT_BLANK_SHARE", "blank_codes", "points_in_lsoas"]

DEFAULT_BLANK_SHARE = 0.2
_MAX_SPREAD_M = 150.0
_MIN_SPREAD_M = 20.0
_REDRAWS = 40
_FALLBACK_SPREAD_M = 150.0


def points_in_lsoas(
    codes: npt.NDArray[np.object_] | list[str],
    anchor_e: npt.NDArray[np.float64],
    anchor_n: npt.NDArray[np.float64],
    unit_e: npt.NDArray[np.float64],
    unit_n: npt.NDArray[np.float64],
    boundaries: Boundaries,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Whole-metre points strictly inside each row's LSOA polygon, and which rows had one.

    ``codes`` are the rows' LSOA codes; ``anchor_*`` their population-weighted centroids;
    ``unit_*`` standard normal draws (the first try; redraws come from ``rng``). A row whose
    LSOA has no polygon in ``boundaries`` (outside Kent and Medway, for the national force) is
    put at its centroid plus normal noise of ``_FALLBACK_SPREAD_M`` metres, as before polygons
    were shipped; the third array is False for those rows.
    """
    unique, inverse = np.unique(np.asarray(codes, dtype=object).astype(str), return_inverse=True)
    shapes = boundaries.polygons_for(unique.tolist())
    has_polygon = np.asarray([p is not None for p in shapes], dtype=bool)[inverse]
    east = np.round(anchor_e + _FALLBACK_SPREAD_M * unit_e)
    north = np.round(anchor_n + _FALLBACK_SPREAD_M * unit_n)
    rows = np.flatnonzero(has_polygon)
    if rows.size:
        e, n = _inside(
            shapes, inverse[rows], anchor_e[rows], anchor_n[rows], unit_e[rows], unit_n[rows], rng
        )
        east[rows], north[rows] = e, n
    return east.astype(np.int64), north.astype(np.int64), has_polygon


def _inside(
    shapes: npt.NDArray[np.object_],
    index: npt.NDArray[np.intp],
    anchor_e: npt.NDArray[np.float64],
    anchor_n: npt.NDArray[np.float64],
    unit_e: npt.NDArray[np.float64],
    unit_n: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Points strictly inside ``shapes[index]`` (one per row), drawn around the anchors.

    Each polygon's size and interior point are worked out once, not once a row.
    """
    polygons = shapes[index]
    spread = np.clip(np.sqrt(shapely.area(shapes)) / 4.0, _MIN_SPREAD_M, _MAX_SPREAD_M)[index]
    inside_anchor = shapely.contains_xy(polygons, np.round(anchor_e), np.round(anchor_n))
    interior = shapely.point_on_surface(shapes)[index]
    base_e = np.where(inside_anchor, anchor_e, shapely.get_x(interior))
    base_n = np.where(inside_anchor, anchor_n, shapely.get_y(interior))
    east = np.round(base_e + spread * unit_e)
    north = np.round(base_n + spread * unit_n)
    todo = np.flatnonzero(~shapely.contains_xy(polygons, east, north))
    for _ in range(_REDRAWS):
        if todo.size == 0:
            break
        east[todo] = np.round(base_e[todo] + spread[todo] * rng.standard_normal(todo.size))
        north[todo] = np.round(base_n[todo] + spread[todo] * rng.standard_normal(todo.size))
        todo = todo[~shapely.contains_xy(polygons[todo], east[todo], north[todo])]
    if todo.size:
        east[todo] = np.round(base_e[todo])
        north[todo] = np.round(base_n[todo])
        still = todo[~shapely.contains_xy(polygons[todo], east[todo], north[todo])]
        if still.size:  # an interior point so close to an edge that rounding moved it out
            east[still] = np.floor(shapely.get_x(interior[still]))
            north[still] = np.floor(shapely.get_y(interior[still]))
    return east, north


def blank_codes(
    has_coordinates: npt.NDArray[np.bool_], share: float, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """Which rows lose their LSOA code: ``share`` of those with coordinates, at random."""
    if not 0.0 <= share <= 1.0:
        raise InputError(
            f"blank_lsoa_share = {share!r} must be between 0 and 1 (e.g. 0.2: a fifth of the "
            "crimes with coordinates have no LSOA code)"
        )
    return has_coordinates & (rng.random(has_coordinates.size) < share)
