"""Planted-effect recovery of ``vawg evaluate`` over several seeds (the numbers behind
docs/evaluation.md's "Does it find what was planted?").

For each seed the synthetic force is generated twice, with its planted effects (Safer Streets:
public-place evening and night VAWG x0.8 in the treated LSOAs from the start, a share displaced
into the ring; the perpetrator programme: a recorded hazard ratio) and with ``--null`` (none),
loaded, and both evaluations run with the default settings. One CSV row per run and estimate:

* ``pooled``: the pooled Safer Streets rate ratio against the planted 0.8 (1 on null forces);
* ``intervention``: each intervention's rate ratio against its planted ratio;
* ``ring``: each intervention's ring ratio against its expected ring ratio (displacement);
* ``programme``: the Cox hazard ratio against the recorded marginal hazard ratio.

``covered`` says whether the 95% interval holds the truth; ``concluded`` whether the report
drew a conclusion (too few crimes, too short a period or differing pre-trends stop it). The
summary printed at the end is the coverage per estimate and kind, with the median estimate.

Run: nice -n 10 PYTHONPATH=src .venv/bin/python benchmarks/evaluation_recovery.py \
    --seeds 1-10 --scale 0.5 --out evaluation-recovery.csv
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from vawg.config import Settings
from vawg.evaluation.analysis import place_evaluation
from vawg.programme.analysis import programme_evaluation
from vawg.query import connect
from vawg.results import Estimate
from vawg.stats import wilson_interval
from vawg.store import load_paths
from vawg.synth import generate

FIELDS = (
    "seed",
    "kind",
    "estimate",
    "name",
    "truth",
    "value",
    "ci_low",
    "ci_high",
    "covered",
    "concluded",
    "seconds",
)


def _seeds(text: str) -> list[int]:
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]


def _row(
    seed: int, kind: str, estimate: str, name: str, truth: float | None, value: Estimate | None
) -> dict[str, Any]:
    return {
        "seed": seed,
        "kind": kind,
        "estimate": estimate,
        "name": name,
        "truth": truth,
        "value": None if value is None else value.estimate,
        "ci_low": None if value is None else value.ci_low,
        "ci_high": None if value is None else value.ci_high,
        "covered": None if value is None or truth is None else value.contains(truth),
    }


def run(seed: int, scale: float, null: bool, settings: Settings) -> list[dict[str, Any]]:
    """Generate, load and evaluate one force; one row per estimate."""
    start = time.perf_counter()
    kind = "null" if null else "planted"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = generate(root / "data", scale=scale, seed=seed, null=null)
        db = root / "vawg.duckdb"
        load_paths([root / "data"], db)
        tables = connect(db)
        place = place_evaluation(tables, settings)
        programme = programme_evaluation(tables, settings)
        tables.backend.disconnect()
    truth = data.truth["planted"]
    streets = truth["safer_streets"]
    rows = []
    if place.pooled is not None:
        row = _row(seed, kind, "pooled", "all", streets["rate_ratio"], place.pooled.rate_ratio)
        rows.append({**row, "concluded": place.pooled.can_conclude})
    planted = {i["intervention_id"]: i for i in streets["interventions"]}
    for e in place.interventions:
        iv = planted.get(e.intervention.intervention_id, {})
        ident = e.intervention.intervention_id
        rows.append(
            {
                **_row(seed, kind, "intervention", ident, iv.get("rate_ratio", 1.0), e.rate_ratio),
                "concluded": e.can_conclude,
            }
        )
        ring_truth = iv.get("ring_rate_ratio_expected", 1.0) if not null else 1.0
        rows.append(
            {**_row(seed, kind, "ring", ident, ring_truth, e.ring_ratio), "concluded": None}
        )
    recorded = truth["programme"]
    for p in programme.programmes:
        hr_truth = recorded.get("hazard_ratio_marginal", 1.0) if not null else 1.0
        rows.append(
            {
                **_row(seed, kind, "programme", p.programme, hr_truth, p.hazard_ratio),
                "concluded": p.can_conclude,
            }
        )
    seconds = round(time.perf_counter() - start, 1)
    return [{**r, "seconds": seconds} for r in rows]


def summary(path: Path) -> pl.DataFrame:
    """Coverage of the 95% intervals per estimate and kind (with its Wilson interval), the
    median estimate, and the share of intervals below 1 (the power to see a fall)."""
    frame = pl.read_csv(path)
    table = (
        frame.filter(pl.col("covered").is_not_null())
        .group_by("kind", "estimate")
        .agg(
            runs=pl.col("seed").n_unique(),
            estimates=pl.len(),
            covered=pl.col("covered").cast(pl.Int64).sum(),
            coverage=pl.col("covered").cast(pl.Float64).mean(),
            median_truth=pl.col("truth").median(),
            median_estimate=pl.col("value").median(),
            below_one=(pl.col("ci_high") < 1).cast(pl.Float64).mean(),
            concluded=pl.col("concluded").cast(pl.Float64).mean(),
        )
        .sort("kind", "estimate")
    )
    wilson = [
        wilson_interval(c, n) for c, n in zip(table["covered"], table["estimates"], strict=True)
    ]
    return table.with_columns(
        wilson_low=pl.Series([w[0] for w in wilson]).round(2),
        wilson_high=pl.Series([w[1] for w in wilson]).round(2),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-5", help="e.g. 1-10 or 1,3,5")
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=Path("evaluation-recovery.csv"))
    parser.add_argument("--summary-only", action="store_true", help="summarise --out again")
    args = parser.parse_args()
    if not args.summary_only:
        settings = Settings()
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            for seed in _seeds(args.seeds):
                for null in (False, True):
                    rows = run(seed, args.scale, null, settings)
                    writer.writerows(rows)
                    handle.flush()
                    print(f"seed {seed} {'null' if null else 'planted'}: {rows[0]['seconds']} s")
    with pl.Config(tbl_rows=20, tbl_cols=14, tbl_width_chars=160):
        print(summary(args.out))


if __name__ == "__main__":
    main()
