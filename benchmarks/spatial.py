"""Gi* speed and memory: vawg.spatial.gistar against esda.G_Local(star=True), same input.

Two inputs, each with 999 conditional permutations and the same seed:

* the 1,065 Kent + Medway LSOAs (shipped population-weighted centroids);
* a national lattice: the 32,844 English LSOA 2011 population-weighted centroids from
  ../shared/data/raw/ons-lsoa2011-pop-weighted-centroids (projected to British National Grid
  with pyproj), or, if that file is absent, 33,000 synthetic points.

Counts are negative binomial draws (seeded). Weights: 6 nearest neighbours, binary, self
included. Each run is timed (wall clock, best of ``--repeat``) and its peak traced memory
measured (tracemalloc: Python and numpy allocations in this process; esda's parallel mode
works in subprocesses, whose memory is not counted). Results must be identical: G* and z to
1e-9, permutation p-values exactly (as esda's float32).

Run: PYTHONPATH=src .venv/bin/python benchmarks/spatial.py [--repeat 3] [--skip-parallel]
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from vawg.datasets import kent_lsoas
from vawg.spatial.gistar import gi_star
from vawg.spatial.weights import SpatialWeights, knn_weights

CENTROIDS = (
    Path(__file__).resolve().parents[2]
    / "shared/data/raw/ons-lsoa2011-pop-weighted-centroids"
    / "Lower_Layer_Super_Output_Areas_December_2011_Population_Weighted_Centroids.csv"
)
PERMUTATIONS, SEED = 999, 20260101


def national() -> tuple[str, list[str], np.ndarray, np.ndarray]:
    if CENTROIDS.exists():
        from pyproj import Transformer

        t = pl.read_csv(CENTROIDS).filter(pl.col("lsoa11cd").str.starts_with("E01"))
        e, n = Transformer.from_crs(4326, 27700, always_xy=True).transform(
            t["X"].to_numpy(), t["Y"].to_numpy()
        )
        return "England LSOA centroids", t["lsoa11cd"].to_list(), np.asarray(e), np.asarray(n)
    rng = np.random.default_rng(0)
    ids = [f"E01{i:06d}" for i in range(33_000)]
    return (
        "33,000 synthetic points",
        ids,
        rng.uniform(100_000, 650_000, 33_000),
        rng.uniform(0, 650_000, 33_000),
    )


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    best = float("inf")
    result = None
    peak = 0.0
    for _ in range(repeat):
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        del result
        gc.collect()
    result = fn()
    return result, best, peak


def esda_gi(y: np.ndarray, w: Any, n_jobs: int, keep: bool) -> Any:
    import esda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda's notice about its 'directed' default
        return esda.G_Local(
            y,
            w,
            transform="B",
            star=True,
            permutations=PERMUTATIONS,
            seed=SEED,
            n_jobs=n_jobs,
            keep_simulations=keep,
        )


def run(label: str, weights: SpatialWeights, repeat: int, parallel: bool) -> None:
    y = np.random.default_rng(1).negative_binomial(2, 0.1, weights.n).astype(float)
    w = weights.to_libpysal()
    mine, t_mine, m_mine = measure(
        lambda: gi_star(y, weights, permutations=PERMUTATIONS, seed=SEED), repeat
    )
    cases = [
        ("esda, n_jobs=1, keep_simulations=False", 1, False),
        ("esda, n_jobs=1 (defaults otherwise)", 1, True),
    ]
    if parallel:
        cases.append(("esda, n_jobs=-1 (its default)", -1, True))
    print(f"\n## {label}: n = {weights.n:,}, {PERMUTATIONS} permutations, {weights.description}\n")
    print("| implementation | time (s) | peak traced memory (MiB) | time vs vawg | identical |")
    print("|---|---:|---:|---:|---|")
    print(f"| vawg.spatial.gistar | {t_mine:.2f} | {m_mine:.0f} | 1.0x | — |")
    for name, jobs, keep in cases:
        ref, t_ref, m_ref = measure(lambda jobs=jobs, keep=keep: esda_gi(y, w, jobs, keep), repeat)
        same = (
            np.abs(mine.gi - ref.Gs).max() <= 1e-12
            and np.abs(mine.gi_z - ref.Zs).max() <= 1e-9
            and np.array_equal(mine.p_sim.astype(np.float32), ref.p_sim)
        )
        print(
            f"| {name} | {t_ref:.2f} | {m_ref:.0f} | {t_ref / t_mine:.1f}x | {'yes' if same else 'NO'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-parallel", action="store_true", help="skip esda with n_jobs=-1")
    args = parser.parse_args()
    t = kent_lsoas()
    kent = knn_weights(t["lsoa_code"], t["easting"], t["northing"], k=6)
    run("Kent + Medway LSOAs", kent, args.repeat, not args.skip_parallel)
    label, ids, e, n = national()
    run(label, knn_weights(ids, e, n, k=6), max(1, args.repeat - 1), not args.skip_parallel)


if __name__ == "__main__":
    main()
