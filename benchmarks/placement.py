"""Placing crimes in LSOAs by their coordinates: vawg against geopandas and DuckDB spatial.

The same ``--points`` random points (seeded; uniform over the bounding box of Kent and Medway,
so about half fall inside an LSOA) are placed in the 1,065 shipped LSOA boundaries by:

- ``vawg``: :meth:`vawg.ingest.boundaries.Boundaries.locate` (one shapely STRtree query for all
  points, ``intersects``, ties to the first code), what every analysis uses;
- ``geopandas``: ``geopandas.sjoin(points, polygons, predicate="intersects")`` and the same
  tie rule, the usual pandas-world baseline;
- ``duckdb``: the spatial extension from the ``duckdb-extension-spatial`` package, loaded by
  path: an inner ``ST_Intersects`` join of a points table with the polygons as WKB, points
  with no match filled in afterwards. (A LEFT JOIN would do that in SQL, but with DuckDB
  1.5.5 and its spatial extension a LEFT JOIN on ``ST_Intersects`` over 200,000 of these
  points returned 691 points not at all and 20,065 matched points a second time with no
  polygon: rows lost and rows invented. One reason placement uses shapely.)

Each runs in a fresh child process, so its peak resident memory (``ru_maxrss``) is its own; the
time excludes building the input and reading the boundaries (all three parse the same shipped
file first). All three must give the same LSOA for every point.

Run: PYTHONPATH=src .venv/bin/python benchmarks/placement.py [--points 2000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def _points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    from vawg.ingest.boundaries import shipped_boundaries

    minx, miny, maxx, maxy = shapely.total_bounds(shipped_boundaries().polygons)
    rng = np.random.default_rng(seed)
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def _vawg(x: np.ndarray, y: np.ndarray) -> list[str | None]:
    from vawg.ingest.boundaries import shipped_boundaries

    b = shipped_boundaries()
    b.locate(x[:10], y[:10])  # build the tree outside the timing
    _mark_cpu()
    start = time.perf_counter()
    out = b.locate(x, y)
    _report(start)
    return list(out)


def _geopandas(x: np.ndarray, y: np.ndarray) -> list[str | None]:
    import geopandas as gpd

    from vawg.ingest.boundaries import shipped_boundaries

    b = shipped_boundaries()
    polygons = gpd.GeoDataFrame({"code": list(b.codes)}, geometry=list(b.polygons), crs=27700)
    _mark_cpu()
    start = time.perf_counter()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=27700)
    joined = gpd.sjoin(points, polygons, predicate="intersects", how="left")
    joined = joined.reset_index().sort_values(["index", "code"]).drop_duplicates("index")
    out = joined["code"].tolist()
    _report(start)
    return [c if isinstance(c, str) else None for c in out]


def _duckdb(x: np.ndarray, y: np.ndarray) -> list[str | None]:
    import duckdb
    import duckdb_extension_spatial
    import pyarrow as pa
    import shapely

    from vawg.ingest.boundaries import shipped_boundaries

    folder = Path(duckdb_extension_spatial.__file__).parent
    extension = next(folder.rglob("spatial.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    b = shipped_boundaries()
    polygons = pa.table({"code": list(b.codes), "wkb": shapely.to_wkb(b.polygons).tolist()})
    con.register("polygons_in", polygons)
    con.execute(
        "CREATE TABLE polygons AS SELECT code, ST_GeomFromWKB(wkb) AS geom FROM polygons_in"
    )
    _mark_cpu()
    start = time.perf_counter()
    con.register("points_in", pa.table({"i": np.arange(x.size), "x": x, "y": y}))
    rows = con.execute(
        """
        SELECT p.i, min(g.code) AS code
        FROM points_in p JOIN polygons g ON ST_Intersects(g.geom, ST_Point(p.x, p.y))
        GROUP BY p.i
        """
    ).fetchall()
    out: list[str | None] = [None] * x.size
    for i, code in rows:
        out[i] = code
    _report(start)
    return out


def _report(start: float) -> None:
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": usage.ru_utime + usage.ru_stime - _CPU_AT_START[0],
                "peak_mb": usage.ru_maxrss / 1024,
            }
        ),
        file=sys.stderr,
    )


_CPU_AT_START = [0.0]


def _mark_cpu() -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _CPU_AT_START[0] = usage.ru_utime + usage.ru_stime


RUNNERS = {"vawg": _vawg, "geopandas": _geopandas, "duckdb": _duckdb}


def child(name: str, n: int, out: Path) -> None:
    x, y = _points(n)
    codes = RUNNERS[name](x, y)
    out.write_text(json.dumps(codes), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2_000_000)
    parser.add_argument("--child", choices=sorted(RUNNERS))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.points, args.out)
        return
    import tempfile

    results, answers = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        for name in RUNNERS:
            out = Path(folder) / f"{name}.json"
            run = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    name,
                    "--points",
                    str(args.points),
                    "--out",
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            results[name] = json.loads(run.stderr.strip().splitlines()[-1])
            answers[name] = json.loads(out.read_text(encoding="utf-8"))
    inside = sum(c is not None for c in answers["vawg"])
    print(f"\n{args.points:,} points, {inside:,} inside an LSOA; 1,065 shipped boundaries\n")
    print(
        "| placement | time (s) | CPU (s, all threads) | points/s | peak memory (MB) "
        "| time vs vawg | same answers |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    base = results["vawg"]["seconds"]
    for name, r in results.items():
        same = "yes" if answers[name] == answers["vawg"] else "NO"
        print(
            f"| {name} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
            f"{args.points / r['seconds']:,.0f} | {r['peak_mb']:.0f} | "
            f"{r['seconds'] / base:.1f}x | {same} |"
        )


if __name__ == "__main__":
    main()
