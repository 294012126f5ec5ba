"""Time and memory of the synthetic force generator, against a naive row-loop baseline.

Each scale runs in a fresh child process, so its peak resident memory (``ru_maxrss``) is its
own. The baseline writes the same number of crimes, people and involvements as the real
generator at a small scale, one Python loop iteration per row, into pandas and CSV: it plants
nothing and models nothing, so it is a floor for what a row-by-row design would cost.

    python benchmarks/synth.py                       # scale 1.0, baseline at 0.05
    python benchmarks/synth.py --scale 1 --scale 10  # target: scale 1.0 < 60 s and < 2 GB
    python benchmarks/synth.py --geography england --scale 1 --baseline-scale 0
                                                     # the national force (about 30x Kent);
                                                     # target: fits a 24 GB machine, < 10 min

Each run prints its wall and CPU time, peak resident memory, crimes and rows, and the time of
each generator step (from its progress callback), so a step that grows faster than the volume
shows up.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_generate(
    scale: float, seed: int, out: Path, geography: str = "kent", parquet: bool = False
) -> dict[str, object]:
    from vawg.synth import generate

    steps: dict[str, float] = {}
    cpu_steps: dict[str, float] = {}
    last = [time.perf_counter(), _cpu_seconds(), "start"]

    def progress(step: str, _done: float) -> None:
        now, cpu_now = time.perf_counter(), _cpu_seconds()
        name = str(last[2])
        steps[name] = steps.get(name, 0.0) + now - float(last[0])
        cpu_steps[name] = cpu_steps.get(name, 0.0) + cpu_now - float(last[1])
        last[:] = [now, cpu_now, step]

    started, cpu = time.perf_counter(), _cpu_seconds()
    result = generate(
        out, scale=scale, seed=seed, geography=geography, progress=progress, parquet=parquet
    )
    size = sum(p.stat().st_size for p in out.iterdir())
    seconds = time.perf_counter() - started
    steps.pop("start", None)
    cpu_steps.pop("start", None)
    return {
        "scale": scale,
        "geography": geography,
        "kents": result.truth["geography"]["volume_in_kents_at_scale_1"] * scale,
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "peak_mb": _peak_mb(),
        "crimes": result.row_counts["crimes"],
        "rows": sum(result.row_counts.values()),
        "megabytes": size / 1e6,
        "steps": steps,
        "cpu_steps": cpu_steps,
    }


def _child_baseline(crimes: int, people: int, involvements: int, out: Path) -> dict[str, float]:
    import pandas as pd

    rng = random.Random(0)
    groups = ["violence_with_injury", "violence_without_injury", "stalking", "harassment",
              "coercive_control", "rape", "other_sexual", "drink_spiking", "other"]  # fmt: skip
    places = ["dwelling", "street", "licensed_premises", "unknown"]
    started = time.perf_counter()
    crime_rows = []
    for i in range(crimes):
        day = date(2016, 10, 1) + timedelta(days=rng.randrange(2190))
        crime_rows.append(
            {
                "crime_ref": f"KT{10_000_001 + i}",
                "recorded_date": day.isoformat(),
                "committed_from": f"{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}",
                "offence_group": rng.choice(groups),
                "domestic_abuse": rng.choice("YN"),
                "location_type": rng.choice(places),
                "lsoa_code": f"E0{rng.randrange(1_000_000, 1_034_000)}",
            }
        )
    people_rows = []
    for i in range(people):
        dob = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
        people_rows.append(
            {"person_id": f"P{1_000_001 + i}", "sex": rng.choice("MF"), "date_of_birth": dob}
        )
    inv_rows = []
    for _ in range(involvements):
        inv_rows.append(
            {
                "crime_ref": f"KT{10_000_001 + rng.randrange(crimes)}",
                "person_id": f"P{1_000_001 + rng.randrange(people)}",
                "role": rng.choice(["victim", "suspect"]),
            }
        )
    for name, rows in (("crimes", crime_rows), ("people", people_rows), ("inv", inv_rows)):
        pd.DataFrame(rows).to_csv(out / f"{name}.csv", index=False)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "crimes": crimes,
        "rows": crimes + people + involvements,
    }


def _run_child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append", help="scale(s) to time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--geography", choices=("kent", "england"), default="kent", help="where (default kent)"
    )
    parser.add_argument("--parquet", action="store_true", help="write Parquet instead of CSV")
    parser.add_argument("--baseline-scale", type=float, default=0.05, help="0 to skip")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        kind, *rest = args.child
        if kind == "generate":
            result: dict[str, Any] = _child_generate(
                float(rest[0]), int(rest[1]), Path(rest[2]), rest[3], rest[4] == "parquet"
            )
        else:
            result = _child_baseline(int(rest[0]), int(rest[1]), int(rest[2]), Path(rest[3]))
        print(json.dumps(result))
        return

    scales = args.scale or [1.0]
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            r = _run_child(
                [
                    "generate",
                    str(scale),
                    str(args.seed),
                    str(Path(tmp) / f"s{scale}"),
                    args.geography,
                    "parquet" if args.parquet else "csv",
                ]
            )
            print(
                f"vawg.synth {args.geography} scale {scale:g} ({r['kents']:.1f} x Kent): "
                f"{r['seconds']:.1f} s wall ({r['cpu_seconds']:.1f} s CPU), peak "
                f"{r['peak_mb']:,.0f} MB, {r['crimes']:,.0f} crimes, {r['rows']:,.0f} rows in all "
                f"files ({r['megabytes']:,.0f} MB of {'Parquet' if args.parquet else 'CSV'})"
            )
            print(
                "  steps, wall / CPU s: "
                + ", ".join(f"{k} {v:.1f}/{r['cpu_steps'][k]:.1f}" for k, v in r["steps"].items())
            )
        if args.baseline_scale > 0:
            small = _run_child(
                [
                    "generate",
                    str(args.baseline_scale),
                    str(args.seed),
                    str(Path(tmp) / "small"),
                    "kent",
                    "csv",
                ]
            )
            from vawg.synth import generate

            counts = generate(Path(tmp) / "counts", scale=args.baseline_scale).row_counts
            base_dir = Path(tmp) / "baseline"
            base_dir.mkdir()
            b = _run_child(
                [
                    "baseline",
                    str(counts["crimes"]),
                    str(counts["people"]),
                    str(counts["involvements"]),
                    str(base_dir),
                ]
            )
            rows = counts["crimes"] + counts["people"] + counts["involvements"]
            print(
                f"at scale {args.baseline_scale:g} ({rows:,} force-extract rows): vawg.synth "
                f"{small['seconds']:.2f} s (everything, incl. surveys and truth), naive row loop "
                f"{b['seconds']:.2f} s for the three force tables alone "
                f"({b['seconds'] / max(small['seconds'], 1e-9):.1f}x)"
            )


if __name__ == "__main__":
    main()
