"""How often do the drivers' 95% intervals cover the planted truth? Many seeds, one table.

For each seed a synthetic force is generated (vawg.synth, scale ``--scale``), loaded and run
through :func:`vawg.models.drivers.drivers`; each planted rate ratio is checked against its
95% interval:

* area model, home and public places: imd_decile_step, pubs, town_centre (planted per class);
* area model, all places: the same three against the generator's pseudo-true values (the
  projection of the mixture of two log-linear classes onto one log-linear model);
* tmax_per_degree; offender_birthday, victim_birthday and their +/-1 day windows.

With ``--null`` the forces have no effects and the table shows how often each headline effect
is significant at 5% (it should be near 5%). Coverage near 95% (and false positives near 5%)
means the intervals are honest; the Wilson 95% interval of each proportion says how near.

Run: PYTHONPATH=src .venv/bin/python benchmarks/coverage.py --seeds 40 --scale 0.1 [--null]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

import polars as pl

from vawg.config import Settings
from vawg.models.drivers import EFFECT_KEYS, drivers
from vawg.query import connect
from vawg.store import load_paths
from vawg.synth import generate

AREA = ("imd_decile_step", "pubs", "town_centre")
BIRTHDAY = (
    "offender_birthday",
    "victim_birthday",
    "offender_birthday_window",
    "victim_birthday_window",
)


def one_seed(seed: int, scale: float, null: bool, root: Path) -> list[dict[str, object]]:
    """One generated force: a row per checked effect (effect, truth, estimate, ci, covered)."""
    data = root / f"seed{seed}"
    generate(data, scale=scale, seed=seed, null=null)
    db = root / f"seed{seed}.duckdb"
    load_paths([data], db)
    truth = json.loads((data / "truth.json").read_text())["planted"]
    result = drivers(connect(db), Settings())
    checks = []
    if result.area is not None:
        for place in ("home", "public"):
            for key in AREA:
                checks.append(
                    (
                        f"{place}: {key}",
                        truth["area"][place][key],
                        result.area.fits[place].rate_ratios[key],
                    )
                )
        for key in AREA:
            checks.append(
                (f"all: {key}", truth["area"]["combined_pseudo_true"][key], result.effects[key])
            )
    checks.append(
        ("tmax_per_degree", truth["daily"]["tmax_per_degree"], result.effects["tmax_per_degree"])
    )
    if result.birthday is not None:
        for key in BIRTHDAY:
            checks.append((key, truth["birthday"][key], result.birthday.effects[key]))
    rows = [
        {
            "seed": seed,
            "effect": name,
            "truth": true,
            "estimate": e.estimate,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "p_value": e.p_value,
            "covered": e.contains(true),
            "headline": name.removeprefix("all: ") in EFFECT_KEYS,
        }
        for name, true, e in checks
    ]
    db.unlink()
    return rows


def wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def coverage(seeds: range, scale: float, null: bool = False) -> pl.DataFrame:
    """All rows for ``seeds`` (see :func:`one_seed`)."""
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            start = time.perf_counter()
            rows += one_seed(seed, scale, null, Path(tmp))
            print(f"seed {seed}: {time.perf_counter() - start:.0f} s", flush=True)
    return pl.DataFrame(rows)


def summary(frame: pl.DataFrame, null: bool) -> pl.DataFrame:
    """Per effect: runs, coverage (or share significant under the null) and its Wilson CI."""
    column = (pl.col("p_value") < 0.05) if null else pl.col("covered")
    out = frame.group_by("effect", maintain_order=True).agg(
        pl.len().alias("runs"),
        column.sum().alias("hits"),
        pl.col("estimate").mean().alias("mean_estimate"),
        pl.col("truth").first(),
    )
    lows, highs = zip(
        *(wilson(h, n) for h, n in zip(out["hits"], out["runs"], strict=True)), strict=True
    )
    name = "significant_at_5pct" if null else "coverage"
    return out.with_columns(
        (pl.col("hits") / pl.col("runs")).alias(name),
        pl.Series("wilson_low", lows),
        pl.Series("wilson_high", highs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--null", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="write every run as CSV here")
    args = parser.parse_args()
    frame = coverage(range(args.first_seed, args.first_seed + args.seeds), args.scale, args.null)
    if args.out:
        frame.write_csv(args.out)
    table = summary(frame, args.null)
    with pl.Config(tbl_rows=40, tbl_cols=12, tbl_width_chars=140, float_precision=3):
        print(table)
    if not args.null:
        pooled = int(frame["covered"].sum()), frame.height
        low, high = wilson(*pooled)
        print(
            f"pooled coverage: {pooled[0] / pooled[1]:.3f} ({pooled[0]}/{pooled[1]}; Wilson 95% {low:.3f}-{high:.3f})"
        )
    else:
        head = frame.filter(pl.col("headline"))
        k = int((head["p_value"] < 0.05).sum())
        print(
            f"headline effects significant at 5% under the null: {k}/{head.height} = {k / head.height:.3f}"
        )


if __name__ == "__main__":
    main()
