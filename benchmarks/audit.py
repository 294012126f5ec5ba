"""Time and memory of the half-year audit, against a plain pandas baseline.

The baseline reads the same crimes/people/involvements CSVs with pandas, applies the default
VAWG scope, and counts the headline charge / victim-does-not-support / open shares for the three
halves on the recorded base with equal follow-up (no intervals, no breakdowns, no survival, no
agencies): a floor for the cheapest useful answer. Each run is a fresh child process, so its peak
resident memory is its own.

    python benchmarks/audit.py                  # synthetic force at scale 1.0
    python benchmarks/audit.py --scale 0.2
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_audit(db: Path) -> dict[str, float]:
    from vawg.config import Settings
    from vawg.outcomes.audit import half_year_audit
    from vawg.outcomes.public import disclose_audit
    from vawg.query import connect

    started = time.perf_counter()
    result = half_year_audit(connect(db), Settings(), "2021H2")
    audit_seconds = time.perf_counter() - started
    disclose_audit(result, Settings())
    return {
        "seconds": time.perf_counter() - started,
        "audit_seconds": audit_seconds,
        "peak_mb": _peak_mb(),
        "comparisons": result.changes.height,
    }


def _child_baseline(data: Path) -> dict[str, float]:
    import pandas as pd

    started = time.perf_counter()
    crimes = pd.read_csv(
        data / "crimes.csv", parse_dates=["recorded_date", "outcome_date", "committed_from"]
    )
    people = pd.read_csv(data / "people.csv", parse_dates=["date_of_birth"])
    inv = pd.read_csv(data / "involvements.csv")
    inv = inv.merge(people, on="person_id").merge(
        crimes[["crime_ref", "committed_from"]], on="crime_ref"
    )
    age = (inv["committed_from"] - inv["date_of_birth"]).dt.days / 365.25
    victims = set(inv.loc[(inv.role == "victim") & (inv.sex == "F"), "crime_ref"])
    perps = set(
        inv.loc[
            inv.role.isin(["suspect", "offender"]) & (inv.sex == "M") & (age >= 18), "crime_ref"
        ]
    )
    scope = crimes[
        crimes.crime_ref.isin(victims & perps)
        & ((crimes.domestic_abuse == "Y") | (crimes.offence_group != "other"))
    ]
    as_of = max(crimes.recorded_date.max(), crimes.outcome_date.max())
    end = pd.Timestamp("2022-03-31")
    lag = as_of - end
    out = {}
    for label, start, stop in (
        ("2020H2", "2020-10-01", "2021-03-31"),
        ("2021H1", "2021-04-01", "2021-09-30"),
        ("2021H2", "2021-10-01", "2022-03-31"),
    ):
        part = scope[(scope.recorded_date >= start) & (scope.recorded_date <= stop)]
        snapshot = pd.Timestamp(stop) + lag
        closed = part.outcome_date.notna() & (part.outcome_date <= snapshot)
        code = part.outcome_code.where(closed)
        out[label] = (
            float((code == 1).mean()),
            float(code.isin([14, 16]).mean()),
            float((~closed).mean()),
        )
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(), "halves": len(out)}


def _run(kind: str, path: Path) -> dict[str, float]:
    code = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, 'benchmarks'); import audit; "
        f"print(json.dumps(audit._child_{kind}(Path({str(path)!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, db = Path(tmp) / "data", Path(tmp) / "vawg.duckdb"
        # Build the data in a child too: Linux carries the peak RSS of a parent over into the
        # children it forks, so the parent must stay small.
        setup = (
            "from pathlib import Path; from vawg.synth import generate; "
            "from vawg.store import load_paths; "
            f"generate(Path({str(data)!r}), scale={args.scale}, seed=0); "
            f"load_paths([Path({str(data)!r})], Path({str(db)!r}))"
        )
        subprocess.run([sys.executable, "-c", setup], check=True)
        ours = _run("audit", db)
        baseline = _run("baseline", data)
    print(
        json.dumps(
            {
                "scale": args.scale,
                "audit": ours,
                "pandas_baseline": baseline,
                "time_ratio": ours["seconds"] / baseline["seconds"],
                "memory_ratio": ours["peak_mb"] / baseline["peak_mb"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
