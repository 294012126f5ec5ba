"""LSOA boundaries: the shipped Kent and Medway polygons, or a force's own ``areas.geojson``.

Boundaries do three jobs: they place a crime (or a police.uk row) that has coordinates but no
usable LSOA code in its LSOA (:mod:`vawg.spatial.placement`), they give queen-contiguity
neighbours, and they draw the maps. Everything is held in British National Grid metres
(EPSG:27700), the grid the force extract's easting/northing use.

* :func:`shipped_boundaries`: the 1,065 Kent and Medway LSOA 2011 polygons that ship with the
  package (``vawg/datasets/kent_lsoa_boundaries.geojson.gz``; see its PROVENANCE.md).
* :func:`read_boundaries`: any other force's polygons, from GeoJSON, GeoPackage or shapefile.
  The LSOA code is read from ``lsoa_code`` or an ONS name such as ``LSOA11CD``/``LSOA21CD``,
  the name from ``lsoa_name``/``LSOA11NM``/``LSOA21NM``, the district from ``district`` or
  ``LAD..NM``. Longitude/latitude files are moved to the grid with the same pinned Helmert
  transformation the shipped files were built with (about 2 m accuracy). Nothing is dropped
  silently: features without a code or a polygon, repaired rings and repeated codes (their
  parts are joined) are listed in ``problems``.
* :func:`boundaries_for`: the ``boundaries`` setting's file when set, else the shipped ones.

LSOA codes alone cannot be drawn or used for contiguity outside Kent and Medway unless a
force loads its own boundaries; crimes with codes are still counted by code.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely

from vawg.config import Settings
from vawg.errors import InputError

__all__ = [
    "SHIPPED_SOURCE",
    "WGS84_TO_BNG_PIPELINE",
    "Boundaries",
    "boundaries_for",
    "lonlat_to_bng",
    "read_boundaries",
    "shipped_boundaries",
]

# WGS84 lon/lat -> OSGB36 British National Grid via the OS 7-parameter Helmert (EPSG:1314,
# accuracy about 2 m): what PROJ itself picks when the OSTN15 grid is absent. Pinned, so every
# machine gives the same grid positions (scripts/build_reference.py uses the same pipeline).
WGS84_TO_BNG_PIPELINE = (
    "+proj=pipeline "
    "+step +proj=unitconvert +xy_in=deg +xy_out=rad "
    "+step +proj=push +v_3 "
    "+step +proj=cart +ellps=WGS84 "
    "+step +inv +proj=helmert +x=446.448 +y=-125.157 +z=542.06 +rx=0.15 +ry=0.247 +rz=0.842 "
    "+s=-20.489 +convention=position_vector "
    "+step +inv +proj=cart +ellps=airy "
    "+step +proj=pop +v_3 "
    "+step +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy"
)
SHIPPED_SOURCE = "shipped Kent and Medway LSOA 2011 boundaries (ONS, generalised; OGL v3)"
ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; contains ONS data © Crown "
    "copyright (Open Government Licence v3.0)."
)
CODE_PROPERTIES = ("lsoa_code", "lsoa11cd", "lsoa21cd", "lsoa01cd", "code")
NAME_PROPERTIES = ("lsoa_name", "lsoa11nm", "lsoa21nm", "lsoa01nm", "name")
DISTRICT_PROPERTIES = ("district", "lad19nm", "lad17nm", "lad21nm", "lad22nm", "lad23nm", "ladnm")
SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")

Polygons = npt.NDArray[np.object_]

LOCATE_MEMO = 4
"""How many answers of :meth:`Boundaries.locate` each Boundaries keeps (the points' bytes as
the key): at Kent scale one answer is about 6 MB."""


@dataclass(frozen=True, eq=False)
class Boundaries:
    """LSOA polygons in British National Grid metres, one per code, sorted by code.

    ``polygons`` holds shapely Polygons/MultiPolygons aligned with ``codes``; ``names`` and
    ``districts`` are None where the source has none. ``problems`` lists what was repaired or
    left out, in words.
    """

    codes: tuple[str, ...]
    polygons: Polygons
    names: tuple[str | None, ...]
    districts: tuple[str | None, ...]
    source: str
    problems: tuple[str, ...] = field(default=())
    attribution: str = ""

    @property
    def n(self) -> int:
        """Number of LSOAs."""
        return len(self.codes)

    def __getstate__(self) -> dict[str, Any]:
        """The fields without what is worked out from them (the prepared polygons, the index,
        the kept answers and their lock): a Result carrying Boundaries comes back from the
        demo's worker processes, and a lock cannot be pickled."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @cached_property
    def _prepared(self) -> Polygons:
        shapely.prepare(self.polygons)
        return self.polygons

    @cached_property
    def _index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def frame(self) -> pl.DataFrame:
        """lsoa_code, lsoa_name, district: one row per polygon."""
        return pl.DataFrame(
            {"lsoa_code": list(self.codes), "lsoa_name": list(self.names)},
            schema={"lsoa_code": pl.String, "lsoa_name": pl.String},
        ).with_columns(pl.Series("district", list(self.districts), dtype=pl.String))

    def polygons_for(self, codes: Sequence[str]) -> Polygons:
        """The polygon of each code (None where there is none), in the order given."""
        index = self._index
        out = np.empty(len(codes), dtype=object)
        out[:] = [self.polygons[index[c]] if c in index else None for c in codes]
        return out

    def locate(self, easting: npt.ArrayLike, northing: npt.ArrayLike) -> npt.NDArray[np.object_]:
        """The LSOA code whose polygon holds each point (None outside every polygon or NaN).

        One vectorised STRtree query: a tree over the points, queried with every polygon,
        prepared once per Boundaries (GEOS prepares the geometry it is asked about, so asking
        with the polygons tests each point against a prepared polygon: about a fifth faster
        than asking with the points). A point exactly on a shared edge belongs to both
        polygons; it goes to the first code in sort order, so the answer is repeatable.
        """
        x = np.ascontiguousarray(easting, dtype=np.float64)
        y = np.ascontiguousarray(northing, dtype=np.float64)
        # Every analysis places the same in-scope crimes again (the demo nine times, the
        # dashboard at every filter): the last few answers are kept, by the points' bytes.
        points = hashlib.blake2b(x.size.to_bytes(8, "little"), digest_size=16)
        points.update(x.tobytes())
        points.update(y.tobytes())
        digest = points.digest()
        memo, lock = self._located
        with lock:
            if digest in memo:
                memo.move_to_end(digest)
                return memo[digest].copy()
        out = self._locate(x, y)
        with lock:
            memo[digest] = out.copy()
            while len(memo) > LOCATE_MEMO:
                memo.popitem(last=False)
        return out

    @cached_property
    def _located(self) -> tuple[OrderedDict[bytes, npt.NDArray[np.object_]], threading.Lock]:
        """The kept answers of :meth:`locate`, and the lock the dashboard's threads share."""
        return OrderedDict(), threading.Lock()

    def _locate(
        self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.object_]:
        out = np.full(x.size, None, dtype=object)
        ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if ok.size == 0 or self.n == 0:
            return out
        points = shapely.STRtree(shapely.points(x[ok], y[ok]))
        polygon_idx, point_idx = points.query(self._prepared, predicate="intersects")
        order = np.lexsort((polygon_idx, point_idx))
        point_idx, polygon_idx = point_idx[order], polygon_idx[order]
        first = np.ones(point_idx.size, dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        codes = np.asarray(self.codes, dtype=object)
        out[ok[point_idx[first]]] = codes[polygon_idx[first]]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description (no geometry)."""
        return {
            "source": self.source,
            "lsoas": self.n,
            "problems": list(self.problems),
            "attribution": self.attribution,
        }


def lonlat_to_bng(
    longitude: npt.ArrayLike, latitude: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """WGS84 longitude/latitude to British National Grid metres (pinned Helmert, ~2 m)."""
    lon = np.asarray(longitude, dtype=np.float64)
    lat = np.asarray(latitude, dtype=np.float64)
    east, north = _transformer().transform(lon, lat)
    return np.asarray(east, dtype=np.float64), np.asarray(north, dtype=np.float64)


@cache
def _transformer() -> Any:
    from pyproj import Transformer

    return Transformer.from_pipeline(WGS84_TO_BNG_PIPELINE)


def _to_bng(polygons: Polygons) -> Polygons:
    def move(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        east, north = lonlat_to_bng(xy[:, 0], xy[:, 1])
        return np.column_stack([east, north])

    return np.asarray(shapely.transform(polygons, move), dtype=object)


def _pick(columns: Sequence[str], wanted: Sequence[str]) -> str | None:
    lower = {c.lower(): c for c in columns}
    for name in wanted:
        if name in lower:
            return lower[name]
    return None


def _polygonal(geom: Any) -> Any:
    """The polygonal part of a repaired geometry (make_valid can return a collection)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts)


def _assemble(
    codes: list[str | None],
    names: list[str | None],
    districts: list[str | None],
    polygons: Polygons,
    source: str,
    problems: list[str],
    attribution: str = "",
) -> Boundaries:
    n = len(codes)
    missing_code = [i for i, c in enumerate(codes) if not c]
    if missing_code:
        problems.append(
            f"{len(missing_code)} feature(s) without an LSOA code were left out "
            f"(feature numbers {', '.join(str(i + 1) for i in missing_code[:5])})"
        )
    broken = [i for i in range(n) if polygons[i] is not None and not shapely.is_valid(polygons[i])]
    if broken:
        repaired = shapely.make_valid(polygons[broken])
        for j, i in enumerate(broken):
            polygons[i] = _polygonal(repaired[j])
        problems.append(
            f"{len(broken)} invalid polygon(s) repaired (e.g. {', '.join(str(codes[i]) for i in broken[:3])})"
        )
    missing_geom = [
        i
        for i in range(n)
        if codes[i] and (polygons[i] is None or shapely.get_type_id(polygons[i]) not in (3, 6))
    ]
    if missing_geom:
        problems.append(
            f"{len(missing_geom)} LSOA(s) without a usable polygon were left out "
            f"({', '.join(str(codes[i]) for i in missing_geom[:5])})"
        )
    unusable = set(missing_geom)
    keep = [i for i in range(n) if codes[i] and i not in unusable]
    by_code: dict[str, list[int]] = {}
    for i in keep:
        by_code.setdefault(str(codes[i]), []).append(i)
    repeated = sorted(c for c, rows in by_code.items() if len(rows) > 1)
    if repeated:
        problems.append(
            f"{len(repeated)} LSOA code(s) appear in more than one feature; their parts were "
            f"joined ({', '.join(repeated[:5])})"
        )
    ordered = sorted(by_code)
    merged = np.empty(len(ordered), dtype=object)
    for k, code in enumerate(ordered):
        rows = by_code[code]
        merged[k] = polygons[rows[0]] if len(rows) == 1 else shapely.union_all(polygons[rows])
    return Boundaries(
        codes=tuple(ordered),
        polygons=merged,
        names=tuple(names[by_code[c][0]] for c in ordered),
        districts=tuple(districts[by_code[c][0]] for c in ordered),
        source=source,
        problems=tuple(problems),
        attribution=attribution,
    )


@cache
def shipped_boundaries() -> Boundaries:
    """The 1,065 Kent and Medway LSOA 2011 polygons shipped with the package (parsed once)."""
    from vawg.datasets import kent_lsoa_boundaries_geojson

    collection = json.loads(kent_lsoa_boundaries_geojson())
    features = collection["features"]
    polygons = np.asarray([shapely.geometry.shape(f["geometry"]) for f in features], dtype=object)
    props = [f["properties"] for f in features]
    return _assemble(
        [p["lsoa_code"] for p in props],
        [p.get("lsoa_name") for p in props],
        [p.get("district") for p in props],
        polygons,
        SHIPPED_SOURCE,
        [],
        ATTRIBUTION,
    )


def _is_lonlat(polygons: Polygons) -> bool:
    bounds = shapely.total_bounds(polygons[[g is not None for g in polygons]])
    return bool(
        np.all(np.isfinite(bounds))
        and bounds[0] >= -180
        and bounds[2] <= 180
        and bounds[1] >= -90
        and bounds[3] <= 90
    )


def read_boundaries(path: Path) -> Boundaries:
    """LSOA polygons from a GeoJSON, GeoPackage or shapefile (any CRS; moved to BNG metres)."""
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise InputError(
            f"{path}: no such boundaries file; give LSOA polygons as areas.geojson "
            "(or leave the boundaries setting empty for the shipped Kent and Medway ones)"
        )
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"{path}: boundaries must be {', '.join(SUFFIXES)}; got {path.suffix or 'no suffix'}"
        )
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises its own errors for unreadable files
        raise InputError(f"{path}: cannot read the boundaries ({error})") from None
    columns = [str(c) for c in frame.columns if c != "geometry"]
    code_column = _pick(columns, CODE_PROPERTIES)
    if code_column is None:
        raise InputError(
            f"{path}: no LSOA code property; found {', '.join(columns) or 'none'}. Name it "
            "lsoa_code (or LSOA11CD / LSOA21CD as ONS does)"
        )
    name_column = _pick(columns, NAME_PROPERTIES)
    district_column = _pick(columns, DISTRICT_PROPERTIES)
    polygons = np.asarray(frame.geometry.to_numpy(), dtype=object)
    problems: list[str] = []
    crs = frame.crs
    if crs is None:
        if _is_lonlat(polygons):
            problems.append("no coordinate system given; read as WGS84 longitude/latitude")
            polygons = _to_bng(polygons)
        else:
            problems.append("no coordinate system given; read as British National Grid metres")
    elif crs.is_geographic:
        polygons = _to_bng(polygons)
    elif crs.to_epsg() != 27700:
        polygons = np.asarray(frame.to_crs(27700).geometry.to_numpy(), dtype=object)

    def text(column: str | None) -> list[str | None]:
        if column is None:
            return [None] * len(frame)
        return [
            None if v is None or v != v or str(v).strip() == "" else str(v).strip()
            for v in frame[column].tolist()
        ]

    return _assemble(
        text(code_column),
        text(name_column),
        text(district_column),
        polygons,
        path.name,
        problems,
    )


_READ_CACHE: dict[tuple[str, int, int], Boundaries] = {}


def boundaries_for(settings: Settings) -> Boundaries:
    """The boundaries the ``boundaries`` setting names, or the shipped Kent and Medway ones.

    A file is read once per process while it is unchanged (path, size and modification time).
    """
    if not settings.boundaries:
        return shipped_boundaries()
    path = Path(settings.boundaries).expanduser()
    if not path.exists():
        raise InputError(
            f"boundaries = {settings.boundaries!r}: no such file; give the path of the force's "
            "LSOA polygons (areas.geojson) or leave it empty for the shipped Kent and Medway ones"
        )
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _READ_CACHE:
        _READ_CACHE.clear()
        _READ_CACHE[key] = read_boundaries(path)
    return _READ_CACHE[key]
