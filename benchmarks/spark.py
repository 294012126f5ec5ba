"""Time and memory of the VAWG scope and crimes per month: DuckDB, Spark local[N], plain pandas.

The workload, the same ibis code on both engines: :func:`vawg.scope.vawg_scope` (its exclusion
counts), in-scope crimes with distinct perpetrators and victims, and
:func:`vawg.query.crimes_per_month`, all pulled to Python. ``duckdb``: on the loaded store.
``spark``: on ``local[N]`` over the Parquet that ``vawg export`` writes, opened with
:func:`vawg.scale.spark_tables`; session start and opening the tables are timed apart. Both run
the workload twice (cold, then warm). ``pandas``: the same figures written plainly in pandas
from the same Parquet. Every engine runs in a fresh child process so its peak resident memory
is its own; for Spark the JVM's peak (VmHWM) is added to Python's. Figures are checked against
each other and against the generator's ``truth.json``.

``--analyses`` also times the analyses it names, or every one (profile, drivers, hotspots,
outcomes, audit, survey: the functions ``vawg <analysis>`` calls, with the same tables) on
DuckDB and on Spark, once each after the workload; their JSON agreement is what
tests/test_spark_parity.py checks. ``--geography england`` runs on the national synthetic force.

    PYTHONPATH=src .venv/bin/python benchmarks/spark.py                 # scale 1 (~180k crimes)
    PYTHONPATH=src .venv/bin/python benchmarks/spark.py --scale 0.2 --cores 2 --keep /tmp/b
    PYTHONPATH=src .venv/bin/python benchmarks/spark.py --scale 1 --analyses
    PYTHONPATH=src .venv/bin/python benchmarks/spark.py --geography england --scale 1 \
        --driver-memory 8g --keep /tmp/n --analyses hotspots outcomes   # national, chosen analyses
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
from datetime import date
from pathlib import Path
from typing import Any

# Run as a script, this folder comes first on sys.path, and its profile.py would shadow the
# standard library's profile module, which pyspark imports (through cProfile).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

HERE = Path(__file__).resolve()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds (user + system) of this process: steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _period(truth: dict[str, Any]) -> tuple[date, date]:
    return date.fromisoformat(truth["period"]["start"]), date.fromisoformat(truth["period"]["end"])


def _workload(tables: Any, period: tuple[date, date]) -> dict[str, Any]:
    """The measured work (ibis, any backend): scope, headline counts, crimes per month."""
    from vawg.config import Settings
    from vawg.query import crimes_per_month
    from vawg.scope import vawg_scope

    scope = vawg_scope(tables, Settings(period_start=period[0], period_end=period[1]))
    crimes, offenders, victims = scope.crimes, scope.offenders, scope.victims
    counts = (
        crimes.aggregate(crimes_in_scope=crimes.count())
        .cross_join(offenders.aggregate(distinct_offenders=offenders.person_id.nunique()))
        .cross_join(victims.aggregate(distinct_victims=victims.person_id.nunique()))
        .to_polars()
        .row(0, named=True)
    )
    per_month = crimes_per_month(tables).to_polars()
    return {
        **{k: int(v) for k, v in counts.items()},
        "excluded": [int(n) for n in scope.exclusions["crimes_excluded"]],
        "months": per_month.height,
        "crimes_recorded": int(per_month["crimes"].sum()),
    }


ANALYSES = ("profile", "drivers", "hotspots", "outcomes", "audit", "survey")


def _analyses(tables: Any, names: tuple[str, ...]) -> dict[str, float]:
    """Seconds each named analysis takes on ``tables`` (default settings, as ``vawg <analysis>``)."""
    from vawg.config import Settings
    from vawg.models.drivers import drivers
    from vawg.outcomes.audit import half_year_audit
    from vawg.outcomes.cases import as_of_date
    from vawg.outcomes.halves import Half
    from vawg.outcomes.summary import outcome_summary
    from vawg.profile import profile
    from vawg.spatial.analysis import hotspot_analysis
    from vawg.survey import survey_analysis

    settings = Settings()

    def audit(t: Any, s: Settings) -> Any:
        day = as_of_date(t)
        half = Half.of(day) if Half.of(day).end == day else Half.of(day).previous()
        return half_year_audit(t, s, half)

    runs = {
        "profile": profile,
        "drivers": drivers,
        "hotspots": hotspot_analysis,
        "outcomes": outcome_summary,
        "audit": audit,
        "survey": survey_analysis,
    }
    seconds = {}
    for name in names:
        run = runs[name]
        started = time.perf_counter()
        run(tables, settings)
        seconds[name] = time.perf_counter() - started
        print(f"  {name}: {seconds[name]:.1f} s", file=sys.stderr, flush=True)  # as it goes
    return seconds


def _timed(tables: Any, period: tuple[date, date]) -> tuple[dict[str, Any], float, float]:
    started = time.perf_counter()
    cold = _workload(tables, period)
    cold_seconds = time.perf_counter() - started
    started = time.perf_counter()
    warm = _workload(tables, period)
    assert warm == cold, (warm, cold)
    return cold, cold_seconds, time.perf_counter() - started


def _child_duckdb(
    db: Path, parquet: Path, period: tuple[date, date], cores: int, analyses: tuple[str, ...] = ()
) -> dict[str, Any]:
    from vawg.query import connect

    cpu = _cpu()
    tables = connect(db)
    figures, cold, warm = _timed(tables, period)
    return {
        "cold_seconds": cold,
        "warm_seconds": warm,
        "cpu_seconds": _cpu() - cpu,
        "analysis_seconds": _analyses(tables, analyses),
        "peak_mb": _peak_mb(),
        "figures": figures,
    }


def _jvm_status(session: Any) -> tuple[float, float]:
    """The driver JVM's peak resident memory (MB) and CPU seconds, from /proc."""
    pid = int(session.sparkContext._jvm.java.lang.ProcessHandle.current().pid())
    status = Path(f"/proc/{pid}/status").read_text()
    hwm = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(hwm.split()[1]) / 1024, (int(fields[11]) + int(fields[12])) / ticks


def _child_spark(
    db: Path,
    parquet: Path,
    period: tuple[date, date],
    cores: int,
    analyses: tuple[str, ...] = (),
    driver_memory: str = "2g",
) -> dict[str, Any]:
    from vawg.scale import local_spark, spark_tables

    started = time.perf_counter()
    session = local_spark(f"local[{cores}]", driver_memory=driver_memory)
    start_seconds = time.perf_counter() - started
    opened = time.perf_counter()
    tables = spark_tables(session, parquet)
    open_seconds = time.perf_counter() - opened
    cpu = _cpu()
    figures, cold, warm = _timed(tables, period)
    analysis_seconds = _analyses(tables, analyses)
    jvm_mb, jvm_cpu = _jvm_status(session)
    session.stop()
    return {
        "start_seconds": start_seconds,
        "open_seconds": open_seconds,
        "cold_seconds": cold,
        "warm_seconds": warm,
        "cpu_seconds_python": _cpu() - cpu,
        "cpu_seconds_jvm_whole_run": jvm_cpu,
        "analysis_seconds": analysis_seconds,
        "peak_mb": _peak_mb() + jvm_mb,
        "peak_mb_jvm": jvm_mb,
        "figures": figures,
    }


def _child_pandas(
    db: Path, parquet: Path, period: tuple[date, date], cores: int, analyses: tuple[str, ...] = ()
) -> dict[str, Any]:
    import pandas as pd

    started, cpu = time.perf_counter(), _cpu()
    crimes = pd.read_parquet(
        parquet / "crimes",
        columns=["crime_ref", "recorded_date", "committed_from", "offence_group", "domestic_abuse"],
    )
    people = pd.read_parquet(parquet / "people", columns=["person_id", "sex", "date_of_birth"])
    inv = pd.read_parquet(parquet / "involvements", columns=["crime_ref", "person_id", "role"])
    read = time.perf_counter() - started
    recorded = pd.to_datetime(crimes.recorded_date)
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    period_crimes = crimes[(recorded >= start) & (recorded <= end)]
    inv = inv.merge(people, on="person_id").merge(
        crimes[["crime_ref", "committed_from"]], on="crime_ref"
    )
    when = pd.to_datetime(inv.committed_from)
    dob = pd.to_datetime(inv.date_of_birth)
    before = (when.dt.month * 100 + when.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    inv["age"] = when.dt.year - dob.dt.year - before.astype(int)
    victims = inv[(inv.role == "victim") & (inv.sex == "F")]
    perps = inv[inv.role.isin(["suspect", "offender"]) & (inv.sex == "M")]
    adults = perps[perps.age >= 18]
    has_victim = period_crimes[period_crimes.crime_ref.isin(victims.crime_ref)]
    has_perp = has_victim[has_victim.crime_ref.isin(perps.crime_ref)]
    has_adult = has_perp[has_perp.crime_ref.isin(adults.crime_ref)]
    scope = has_adult[has_adult.domestic_abuse | (has_adult.offence_group != "other")]
    refs = scope.crime_ref
    months = recorded.dt.to_period("M").value_counts()
    figures = {
        "crimes_in_scope": len(scope),
        "distinct_offenders": int(adults[adults.crime_ref.isin(refs)].person_id.nunique()),
        "distinct_victims": int(victims[victims.crime_ref.isin(refs)].person_id.nunique()),
        "excluded": [
            len(crimes) - len(period_crimes),
            len(period_crimes) - len(has_victim),
            len(has_victim) - len(has_perp),
            len(has_perp) - len(has_adult),
            len(has_adult) - len(scope),
        ],
        "months": len(months),
        "crimes_recorded": int(months.sum()),
    }
    return {
        "seconds": time.perf_counter() - started,
        "read_seconds": read,
        "cpu_seconds": _cpu() - cpu,
        "peak_mb": _peak_mb(),
        "figures": figures,
    }


def _run(
    kind: str,
    db: Path,
    parquet: Path,
    period: tuple[date, date],
    cores: int,
    analyses: tuple[str, ...],
    driver_memory: str,
) -> dict[str, Any]:
    memory = f", driver_memory={driver_memory!r}" if kind == "spark" else ""
    code = (
        "import json, importlib.util, sys; from pathlib import Path; from datetime import date; "
        f"spec = importlib.util.spec_from_file_location('bench_spark', {str(HERE)!r}); "
        "bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench); "
        f"r = bench._child_{kind}(Path({str(db)!r}), Path({str(parquet)!r}), "
        f"(date.fromisoformat({period[0].isoformat()!r}), "
        f"date.fromisoformat({period[1].isoformat()!r})), {cores}, {analyses!r}{memory}); "
        "print(json.dumps(r))"
    )
    print(f"{kind}:", file=sys.stderr, flush=True)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _setup(
    root: Path, scale: float, geography: str
) -> tuple[Path, Path, dict[str, Any], dict[str, float]]:
    """Generate, load and export (in a child: a parent's peak RSS carries over into forks).

    Kent keeps its old folder names, so a kept folder from an earlier run is reused."""
    name = f"scale{scale:g}" if geography == "kent" else f"{geography}{scale:g}"
    data, db, parquet = root / name, root / f"{name}.duckdb", root / f"{name}-pq"
    if geography == "kent" and not parquet.exists():
        parquet = root / "pq"
    times: dict[str, float] = {}
    if not db.exists():
        code = (
            "import json, time; from pathlib import Path; from vawg.synth import generate; "
            "from vawg.store import load_paths; from vawg.scale import export_parquet; "
            "t0 = time.perf_counter(); "
            f"generate(Path({str(data)!r}), scale={scale}, seed=0, geography={geography!r}); "
            "t1 = time.perf_counter(); "
            f"load_paths([Path({str(data)!r})], Path({str(db)!r})); t2 = time.perf_counter(); "
            f"export_parquet(Path({str(db)!r}), Path({str(parquet)!r}), overwrite=True); "
            "print(json.dumps({'generate_seconds': t1 - t0, 'load_seconds': t2 - t1, "
            "'export_seconds': time.perf_counter() - t2}))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        times = json.loads(out.stdout.strip().splitlines()[-1])
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    return db, parquet, truth, times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Synthetic force's scale.")
    parser.add_argument(
        "--geography",
        default="kent",
        choices=("kent", "england"),
        help="Synthetic Kent, or England (scale 1 is about 30 times Kent).",
    )
    parser.add_argument("--driver-memory", default="2g", help="Spark driver's memory (local).")
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=ENGINES,
        default=list(ENGINES),
        help="Engines to run (default all; their figures must agree with each other).",
    )
    parser.add_argument("--cores", type=int, default=2, help="N in Spark's local[N].")
    parser.add_argument("--keep", type=Path, help="Folder to keep (and reuse) generated data in.")
    parser.add_argument(
        "--analyses",
        nargs="*",
        choices=ANALYSES,
        help="Also time these analyses on DuckDB and Spark (all of them when none is named).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        db, parquet, truth, setup = _setup(root, args.scale, args.geography)
        period = _period(truth)
        analyses = () if args.analyses is None else tuple(args.analyses or ANALYSES)
        runs = {}
        for kind in args.engines:
            runs[kind] = _run(kind, db, parquet, period, args.cores, analyses, args.driver_memory)
            print(f"{kind}: {json.dumps(runs[kind])}", file=sys.stderr, flush=True)
    expected = {k: truth["headline"][k] for k in ("crimes_in_scope", "distinct_offenders")}
    first = runs[args.engines[0]]["figures"]
    for kind, run in runs.items():
        assert run["figures"] == first, (kind, run, first)
        got = {k: run["figures"][k] for k in expected}
        assert got == expected, (kind, got, expected)
    report: dict[str, Any] = {
        "geography": args.geography,
        "scale": args.scale,
        "crimes": truth["headline"]["crimes_in_extract"],
        "setup": setup,
        **runs,
        "engines_agree_with_truth_json": True,
        "load_average": list(os.getloadavg()),
    }
    if {"duckdb", "spark"} <= runs.keys():
        duck, spark = runs["duckdb"], runs["spark"]
        report["spark_over_duckdb_warm"] = spark["warm_seconds"] / duck["warm_seconds"]
        report["spark_over_duckdb_cold_with_start"] = (
            spark["start_seconds"] + spark["open_seconds"] + spark["cold_seconds"]
        ) / duck["cold_seconds"]
        report["analysis_spark_over_duckdb"] = {
            name: spark["analysis_seconds"][name] / seconds
            for name, seconds in duck["analysis_seconds"].items()
        }
    if {"duckdb", "pandas"} <= runs.keys():
        report["pandas_over_duckdb_warm"] = (
            runs["pandas"]["seconds"] / runs["duckdb"]["warm_seconds"]
        )
    print(json.dumps(report, indent=2), flush=True)


ENGINES = ("duckdb", "spark", "pandas")

if __name__ == "__main__":
    main()
