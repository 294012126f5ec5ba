"""Evaluation speed and memory: the sparse fixed-effects Poisson fit against statsmodels' GLM,
and the Knox test as the number of offences grows.

1. **Difference-in-differences.** A stacked panel like the pooled Safer Streets estimate: 8
   stacks of 22 LSOAs (3 treated, 9 comparison, 10 ring) over 70 months (12,320 rows, about 740
   fixed effects), counts drawn from a Poisson model with a planted rate ratio of 0.8 (seeded).
   ``vawg.evaluation.did.did_poisson`` (IRLS on a sparse design) against statsmodels' GLM on the
   dense design (the baseline): wall time (best of ``--repeat``), peak traced memory, and the
   check that both give the same coefficient (to 1e-6) and standard error (quasi-Poisson).
2. **Knox test.** ``vawg.targeting.knox.knox_test`` with 999 shuffles on 1,000, 4,000 and 16,000
   offences spread over a 40 x 40 km county with town-centre clusters (seeded): wall time, peak
   memory and the number of near pairs (the work grows with them, not with all pairs).

Run: PYTHONPATH=src .venv/bin/python benchmarks/evaluation.py [--repeat 3]
(On a shared machine set OPENBLAS_NUM_THREADS=1: BLAS threads fighting for two cores made a
dense GLM fit take 20 s instead of 0.3 s.)
"""

from __future__ import annotations

import argparse
import gc
import math
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm

from vawg.evaluation.did import did_poisson
from vawg.targeting.knox import knox_test

SEED = 20260101


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    best, peak, result = float("inf"), 0.0, None
    for _ in range(repeat):
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return result, best, peak


def stacked_panel(seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for stack in range(8):
        season = rng.normal(0, 0.15, 70)
        for unit in range(22):
            level = rng.normal(0.0, 0.6)
            treated, ring = unit < 3, 3 <= unit < 13
            for month in range(70):
                post = month >= 40
                mu = math.exp(level + season[month] + (math.log(0.8) if treated and post else 0))
                rows.append(
                    (
                        f"s{stack}",
                        f"s{stack}:u{unit}",
                        f"s{stack}:m{month}",
                        f"u{unit}",
                        int(rng.poisson(mu)),
                        int(treated and post),
                        int(ring and post),
                    )
                )
    return pl.DataFrame(
        rows,
        schema=["stack", "unit", "period", "lsoa", "crimes", "treated_post", "ring_post"],
        orient="row",
    )


def dense_glm(panel: pl.DataFrame) -> tuple[float, float]:
    """The baseline: statsmodels GLM on the dense design with the same fixed effects."""
    units = panel["unit"].unique().sort().to_list()
    periods = panel["period"].unique().sort().to_list()
    u = {v: i for i, v in enumerate(units)}
    p = {v: i for i, v in enumerate(periods)}
    firsts = set(panel.group_by("stack").agg(pl.col("period").min())["period"].to_list())
    keep = [i for v, i in p.items() if v not in firsts]
    x = np.column_stack(
        [
            panel.select("treated_post", "ring_post").to_numpy().astype(float),
            np.eye(len(units))[[u[v] for v in panel["unit"]]],
            np.eye(len(periods))[[p[v] for v in panel["period"]]][:, keep],
        ]
    )
    fit = sm.GLM(panel["crimes"].to_numpy().astype(float), x, family=sm.families.Poisson()).fit()
    phi = max(1.0, fit.pearson_chi2 / fit.df_resid)
    return float(fit.params[0]), float(fit.bse[0] * math.sqrt(phi))


def offences(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    towns = rng.uniform(0, 40_000, (20, 2))
    which = rng.integers(0, 20, n)
    near = rng.random(n) < 0.6
    x = np.where(near, towns[which, 0] + rng.normal(0, 400, n), rng.uniform(0, 40_000, n))
    y = np.where(near, towns[which, 1] + rng.normal(0, 400, n), rng.uniform(0, 40_000, n))
    return x, y, rng.integers(0, 365, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    panel = stacked_panel(SEED)
    print(f"stacked panel: {panel.height:,} rows, {panel['unit'].n_unique()} units, "
          f"{panel['period'].n_unique()} periods")  # fmt: skip
    mine, t_mine, m_mine = measure(
        lambda: did_poisson(
            panel, unit="unit", period="period", terms=("treated_post", "ring_post"), stack="stack"
        ),
        args.repeat,
    )
    base, t_base, m_base = measure(lambda: dense_glm(panel), args.repeat)
    assert abs(mine.coef[0] - base[0]) < 1e-6, (mine.coef[0], base[0])
    assert abs(math.sqrt(mine.cov[0, 0]) - base[1]) < 1e-6 * max(1.0, base[1])
    print(f"  sparse IRLS (vawg):      {t_mine:7.3f} s  peak {m_mine:7.1f} MiB  "
          f"rate ratio {mine.effects['treated_post'].estimate:.3f}")  # fmt: skip
    print(f"  dense GLM (statsmodels): {t_base:7.3f} s  peak {m_base:7.1f} MiB  "
          f"(same coefficient and SE)")  # fmt: skip
    print(f"  speed-up {t_base / t_mine:.1f}x, memory {m_base / max(m_mine, 1e-9):.1f}x")
    for n in (1_000, 4_000, 16_000):
        x, y, t = offences(n, SEED)
        result, seconds, peak = measure(
            lambda x=x, y=y, t=t: knox_test(x, y, t, permutations=999, seed=SEED), 1
        )
        print(f"Knox test, {n:>6,} offences: {seconds:7.2f} s  peak {peak:7.1f} MiB  "
              f"{result.near_pairs:,} near pairs of {result.pairs:,}")  # fmt: skip


if __name__ == "__main__":
    main()
