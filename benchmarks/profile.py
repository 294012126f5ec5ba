"""Time and memory of the perpetrator problem profile, against a plain pandas baseline.

``ours``: :func:`vawg.profile.profile` (scope, volume, place, people, harm with 999 bootstrap
replicates, RFGV, timing) and :func:`vawg.profile.public.disclose` on the loaded DuckDB store;
report rendering (HTML + JSON) is timed apart. ``pandas``: the same headline figures written
plainly in pandas (scope with ages, in-scope crimes, distinct perpetrators and victims,
home/public/unknown, repeats, harm per perpetrator and the top-10% share, by offence group and
financial year) from the same store, read with ``DuckDB -> pandas``; its read and compute times
are given apart. Each run is a fresh child process, so its peak resident memory is its own.

    PYTHONPATH=src .venv/bin/python benchmarks/profile.py                    # scales 1 and 10
    PYTHONPATH=src .venv/bin/python benchmarks/profile.py --scales 1 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds (user + system) of this process: steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child_ours(db: Path) -> dict[str, float]:
    from vawg.config import Settings
    from vawg.profile import profile
    from vawg.profile.public import disclose
    from vawg.query import connect
    from vawg.report.profile import profile_html, profile_json

    tables = connect(db)
    started, cpu = time.perf_counter(), _cpu()
    result = profile(tables, Settings())
    profile_seconds = time.perf_counter() - started
    public = disclose(result, Settings())
    seconds = time.perf_counter() - started
    cpu_seconds = _cpu() - cpu
    rendered = time.perf_counter()
    profile_html(result), profile_json(result), profile_html(public)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "profile_seconds": profile_seconds,
        "render_seconds": time.perf_counter() - rendered,
        "peak_mb": _peak_mb(),
        "crimes_in_scope": float(result.crimes_in_scope or 0),
        "harm_share_top_10pct": result.harm.harm_share_top_10pct.estimate,
    }


def _child_pandas(db: Path) -> dict[str, float]:
    import duckdb
    import numpy as np
    import pandas as pd

    started, cpu = time.perf_counter(), _cpu()
    con = duckdb.connect(str(db), read_only=True)
    crimes = con.sql(
        "SELECT crime_ref, recorded_date, committed_from, offence_code, offence_group, "
        "domestic_abuse, location_type FROM crimes"
    ).df()
    people = con.sql("SELECT person_id, sex, date_of_birth FROM people").df()
    inv = con.sql("SELECT crime_ref, person_id, role FROM involvements").df()
    con.close()
    read = time.perf_counter() - started
    computing = time.perf_counter()
    weights = pd.read_csv(Path("src/vawg/datasets/harm_weights.csv"))
    by_code = weights[weights.key_type == "offence_code"].set_index("key").weight_days
    by_group = weights[weights.key_type == "offence_group"].set_index("key").weight_days
    start, end = pd.Timestamp("2017-04-01"), pd.Timestamp("2022-03-31")
    crimes["recorded_date"] = pd.to_datetime(crimes["recorded_date"])
    period = crimes[(crimes.recorded_date >= start) & (crimes.recorded_date <= end)]
    inv = inv.merge(people, on="person_id").merge(
        period[["crime_ref", "committed_from"]], on="crime_ref"
    )
    when = pd.to_datetime(inv.committed_from)
    dob = pd.to_datetime(inv.date_of_birth)
    before = (when.dt.month * 100 + when.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    inv["age"] = when.dt.year - dob.dt.year - before.astype(int)
    victims = inv[(inv.role == "victim") & (inv.sex == "F")]
    adults = inv[inv.role.isin(["suspect", "offender"]) & (inv.sex == "M") & (inv.age >= 18)]
    scope = period[
        period.crime_ref.isin(victims.crime_ref)
        & period.crime_ref.isin(adults.crime_ref)
        & (period.domestic_abuse | (period.offence_group != "other"))
    ].copy()
    offenders = adults[adults.crime_ref.isin(scope.crime_ref)].drop_duplicates(
        ["crime_ref", "person_id"]
    )
    victims = victims[victims.crime_ref.isin(scope.crime_ref)].drop_duplicates(
        ["crime_ref", "person_id"]
    )
    place = np.where(
        scope.location_type == "dwelling",
        "home",
        np.where(scope.location_type == "unknown", "unknown", "public"),
    )
    places = pd.Series(place).value_counts()
    scope["harm"] = scope.offence_code.map(by_code).fillna(scope.offence_group.map(by_group))
    per_off = (
        offenders.merge(scope[["crime_ref", "harm"]], on="crime_ref")
        .groupby("person_id")
        .harm.sum()
        .sort_values(ascending=False)
    )
    k = int(np.ceil(0.1 * len(per_off)))
    scope["fy"] = scope.recorded_date.dt.year - (scope.recorded_date.dt.month < 4)
    figures = {
        "crimes_in_scope": len(scope),
        "distinct_offenders": offenders.person_id.nunique(),
        "distinct_victims": victims.person_id.nunique(),
        "home": int(places.get("home", 0)),
        "public": int(places.get("public", 0)),
        "repeat_victims": int((victims.groupby("person_id").size() >= 2).sum()),
        "repeat_offenders": int((offenders.groupby("person_id").size() >= 2).sum()),
        "top10": float(per_off.head(k).sum() / per_off.sum()),
        "by_group": scope.groupby("offence_group").size().to_dict(),
        "by_fy": scope.groupby("fy").size().to_dict(),
    }
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu() - cpu,
        "read_seconds": read,
        "compute_seconds": time.perf_counter() - computing,
        "peak_mb": _peak_mb(),
        "crimes_in_scope": float(figures["crimes_in_scope"]),
        "harm_share_top_10pct": figures["top10"],
    }


def _run(kind: str, db: Path) -> dict[str, float]:
    # Loaded by path: a module named ``profile`` on sys.path would shadow the standard one.
    code = (
        "import json, importlib.util; from pathlib import Path; "
        "spec = importlib.util.spec_from_file_location('bench_profile', 'benchmarks/profile.py'); "
        "bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench); "
        f"print(json.dumps(bench._child_{kind}(Path({str(db)!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _setup(root: Path, scale: float) -> Path:
    data, db = root / f"scale{scale:g}", root / f"scale{scale:g}.duckdb"
    if not db.exists():
        # Built in a child: Linux carries a parent's peak RSS over into the children it forks.
        code = (
            "from pathlib import Path; from vawg.synth import generate; "
            "from vawg.store import load_paths; "
            f"generate(Path({str(data)!r}), scale={scale}, seed=0); "
            f"load_paths([Path({str(data)!r})], Path({str(db)!r}))"
        )
        subprocess.run([sys.executable, "-c", code], check=True, stderr=subprocess.DEVNULL)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--keep", type=Path, help="Folder to keep (and reuse) generated data in.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the best is kept.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        report = []
        for scale in args.scales:
            db = _setup(root, scale)
            ours = min((_run("ours", db) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            base = min((_run("pandas", db) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            assert ours["crimes_in_scope"] == base["crimes_in_scope"], (ours, base)
            report.append(
                {
                    "scale": scale,
                    "ours": ours,
                    "pandas_baseline": base,
                    "speedup_vs_pandas_total": base["seconds"] / ours["seconds"],
                    "speedup_vs_pandas_compute_only": base["compute_seconds"] / ours["seconds"],
                    "cpu_ratio_pandas_over_ours": base["cpu_seconds"] / ours["cpu_seconds"],
                    "load_average": list(os.getloadavg()),
                }
            )
            print(json.dumps(report[-1], indent=2), flush=True)


if __name__ == "__main__":
    main()
