"""Time and peak memory of every pipeline step at growing scale, and how each cost grows.

The pipeline is the demo's (:data:`vawg.cli.demo.STEPS`), step by step: ``synth`` (the
synthetic force, CSV), ``ingest`` (:func:`vawg.store.load_paths` into a new DuckDB file), then
profile, drivers, hotspots, survey, outcomes, audit, evaluate, target and publish, each
writing its analyst and public reports as the demo does. Every step runs in a fresh child process, so its wall time,
CPU seconds and peak resident memory (``ru_maxrss``) are its own. Scales are Kent multiples
(``--scales 0.2 1 5``); ``--england S`` adds the national synthetic force
(``vawg synth --geography england --scale S``; S = 1 is about 30 times Kent) when the installed
generator has it.

The table printed (and written with ``--json``) has one row per step and scale; the slopes
are least-squares fits of log(time) and log(memory) on log(crimes in the extract) over the
scales measured: 1 means cost grows in proportion to the data, above 1 faster than the data.
On a busy shared machine the CPU seconds are the steadier measure; the wall times are kept
beside them.

    PYTHONPATH=src .venv/bin/python benchmarks/national.py --scales 0.2 1 5 --json out.json
    PYTHONPATH=src .venv/bin/python benchmarks/national.py --scales --england 1 --keep /big/dir

``--together`` runs the analyses in one process, in the demo's order with one
:class:`~vawg.opensite.MadeResults`, as ``vawg demo`` runs them: the open site then takes the
public Results the earlier steps made instead of computing them again. Each step's times are
its own; its peak memory is the process's high-water mark when it ended.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run as a script, this folder comes first on sys.path, and its profile.py would shadow the
# standard library's profile module (imported by pyspark and cProfile).
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

HERE = Path(__file__).resolve()
ANALYSES = (
    "profile",
    "drivers",
    "hotspots",
    "survey",
    "outcomes",
    "audit",
    "evaluate",
    "target",
    "publish",
)
STEPS = ("synth", "ingest", *ANALYSES)


def _usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def _child(step: str, data: str, db: str, reports: str, scale: float, geography: str) -> dict:
    """Run one step in this (fresh) process; its seconds, CPU seconds, peak memory, rows.

    ``seconds`` and ``cpu_seconds`` are the whole child's; ``work_seconds`` and
    ``work_cpu_seconds`` leave out importing the package (about 3 CPU seconds, the same at
    every scale), so their growth is the step's own.
    """
    started = time.perf_counter()
    from typer.testing import CliRunner

    from vawg.cli import app
    from vawg.cli.demo import STEPS as DEMO_STEPS
    from vawg.config import Settings
    from vawg.opensite import MadeResults
    from vawg.store import load_paths
    from vawg.synth import generate

    imported, before = time.perf_counter(), _usage()["cpu_seconds"]
    rows = None
    if step == "synth":
        if geography == "kent":
            rows = sum(generate(Path(data), scale=scale, seed=0).row_counts.values())
        else:
            args = ["synth", "--out", data, "--scale", str(scale), "--geography", geography]
            outcome = CliRunner().invoke(app, args)
            if outcome.exit_code != 0:
                raise RuntimeError(outcome.output)
    elif step == "ingest":
        Path(db).unlink(missing_ok=True)
        rows = load_paths([Path(data)], Path(db)).loaded
    else:
        wanted = f"vawg {step}"
        demo_step = next(s for s in DEMO_STEPS if wanted in s.title)
        Path(reports).mkdir(parents=True, exist_ok=True)
        # A fresh MadeResults: each step runs in its own process, publish makes every Result.
        rows = len(demo_step.run(Path(db), Path(reports), Settings(), MadeResults()))
    usage = _usage()
    return {
        "seconds": time.perf_counter() - started,
        **usage,
        "work_seconds": time.perf_counter() - imported,
        "work_cpu_seconds": usage["cpu_seconds"] - before,
        "rows_or_files": rows,
    }


def _together(steps: list[str], db: str, reports: str) -> dict[str, dict]:
    """Run the analysis ``steps`` one after another in this (fresh) process, as ``vawg demo``
    does: one :class:`~vawg.opensite.MadeResults`, so the open site takes the public Results
    the earlier steps made. Each step's wall and CPU seconds are its own; its ``peak_mb`` is the
    process's high-water mark when the step ended (so far, not the step's alone)."""
    from vawg.cli.demo import STEPS as DEMO_STEPS
    from vawg.config import Settings
    from vawg.errors import VawgError
    from vawg.opensite import MadeResults

    made, out = MadeResults(), {}
    Path(reports).mkdir(parents=True, exist_ok=True)
    for step in steps:
        demo_step = next(s for s in DEMO_STEPS if f"vawg {step}" in s.title)
        started, before = time.perf_counter(), _usage()["cpu_seconds"]
        try:
            rows = len(demo_step.run(Path(db), Path(reports), Settings(), made))
        except VawgError as error:  # e.g. no interventions in the national extract
            out[step] = {"skipped": str(error)}
            print(f"  {step}: skipped: {error}", file=sys.stderr, flush=True)
            continue
        usage = _usage()
        out[step] = {
            "seconds": time.perf_counter() - started,
            "cpu_seconds": usage["cpu_seconds"] - before,
            "peak_mb": usage["peak_mb"],
            "rows_or_files": rows,
            "one_process": True,
        }
        print(f"  {step}: {json.dumps(out[step])}", file=sys.stderr, flush=True)
    return out


def _in_child(call: str) -> Any:
    """``bench.<call>`` in a fresh Python process; its JSON answer, or {"error": ...}."""
    code = (
        "import json, importlib.util, sys; "
        f"spec = importlib.util.spec_from_file_location('bench_national', {str(HERE)!r}); "
        "bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench); "
        f"r = bench.{call}; print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": (out.stderr or out.stdout).strip().splitlines()[-1][:300]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_step(step: str, root: Path, scale: float, geography: str) -> dict[str, Any]:
    data, db, reports = root / "data", root / "vawg.duckdb", root / "reports"
    return _in_child(
        f"_child({step!r}, {str(data)!r}, {str(db)!r}, {str(reports)!r}, {scale!r}, {geography!r})"
    )


def _crimes(root: Path) -> int:
    truth = json.loads((root / "data" / "truth.json").read_text(encoding="utf-8"))
    return int(truth["headline"]["crimes_in_extract"])


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def run_scale(
    root: Path, scale: float, geography: str, steps: tuple[str, ...], *, together: bool = False
) -> dict[str, Any]:
    """Every step at one scale, in order, in ``root``; stops at the first step that fails.
    ``together``: the analyses in one process, as the demo runs them (:func:`_together`)."""
    root.mkdir(parents=True, exist_ok=True)
    measured: dict[str, Any] = {}
    alone = [s for s in steps if not together or s not in ANALYSES]
    for step in alone:
        got = _run_step(step, root, scale, geography)
        measured[step] = got
        print(f"  {geography} {scale:g} {step}: {json.dumps(got)}", file=sys.stderr, flush=True)
        if "error" in got:
            break
    analyses = [s for s in steps if together and s in ANALYSES]
    if analyses and not any("error" in m for m in measured.values()):
        got = _in_child(
            f"_together({analyses!r}, {str(root / 'vawg.duckdb')!r}, {str(root / 'reports')!r})"
        )
        measured.update(got if "error" not in got else {analyses[0]: got})
    out: dict[str, Any] = {"geography": geography, "scale": scale, "steps": measured}
    if (root / "data" / "truth.json").exists():
        out["crimes"] = _crimes(root)
        out["input_mb"] = _size_mb(root / "data")
    if (root / "vawg.duckdb").exists():
        out["database_mb"] = _size_mb(root / "vawg.duckdb")
    return out


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log(y) on log(x); None with fewer than two usable points."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def growth(runs: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Per step: the log-log slopes of wall time, CPU time and peak memory on crimes."""
    out = {}
    for step in STEPS:
        ok = [r for r in runs if "crimes" in r and "seconds" in r["steps"].get(step, {})]
        xs = [float(r["crimes"]) for r in ok]
        out[step] = {
            measure: slope(xs, [r["steps"][step][measure] for r in ok])
            for measure in ("seconds", "cpu_seconds", "work_cpu_seconds", "peak_mb")
            if all(measure in r["steps"][step] for r in ok)
        }
    return out


def _table(runs: list[dict[str, Any]], slopes: dict[str, dict[str, float | None]]) -> str:
    """Markdown: per step and scale, wall seconds / CPU seconds (without imports) / peak GB."""
    head = "| step | " + " | ".join(f"{r['geography']} {r['scale']:g}" for r in runs)
    head += " | slope wall | slope CPU | slope CPU without imports | slope memory |"
    lines = [head, "|" + "---|" * (len(runs) + 5)]
    for step in STEPS:
        cells = []
        for r in runs:
            m = r["steps"].get(step, {})
            if "seconds" not in m:
                cells.append("failed" if "error" in m else "not run" if "skipped" in m else "–")
                continue
            work = f" ({m['work_cpu_seconds']:.1f})" if "work_cpu_seconds" in m else ""
            cells.append(
                f"{m['seconds']:.0f} s / {m['cpu_seconds']:.1f}{work} s CPU / "
                f"{m['peak_mb'] / 1024:.2f} GB"
            )
        s = slopes[step]
        keys = ("seconds", "cpu_seconds", "work_cpu_seconds", "peak_mb")
        fmt = [("–" if s.get(k) is None else f"{s[k]:.2f}") for k in keys]
        lines.append(f"| {step} | " + " | ".join(cells) + " | " + " | ".join(fmt) + " |")
    return "\n".join(lines)


PIPELINE_MINUTES, PIPELINE_GB = 10.0, 8.0  # issue 17's targets for the national run


def verdicts(runs: list[dict[str, Any]]) -> list[str]:
    """For each national run: the pipeline's time (ingest and every analysis; generating the
    synthetic data is no part of a user's pipeline) and its peak memory, against the targets.
    A run that did not ingest, or whose analyses did not all run, is said to be partial."""
    lines = []
    for run in runs:
        if run["geography"] == "kent":
            continue
        steps = run["steps"]
        timed = {k: v for k, v in steps.items() if k != "synth" and "seconds" in v}
        seconds = sum(v["seconds"] for v in timed.values())
        peak = max((v["peak_mb"] for v in timed.values()), default=0.0) / 1024
        missing = [k for k in ("ingest", *ANALYSES) if k not in timed]
        skipped = [k for k in missing if "skipped" in steps.get(k, {})]
        absent = [k for k in missing if k not in skipped]
        time_ok = seconds / 60 < PIPELINE_MINUTES and not absent
        memory_ok = peak < PIPELINE_GB
        lines.append(
            f"{run['geography']} {run['scale']:g}: pipeline {seconds / 60:.1f} min "
            f"(target < {PIPELINE_MINUTES:g}): {'met' if time_ok else 'MISSED'}; peak "
            f"{peak:.2f} GB (target < {PIPELINE_GB:g}): {'met' if memory_ok else 'MISSED'}"
            + (f"; not run, the data cannot support them: {', '.join(skipped)}" if skipped else "")
            + (f"; PARTIAL, not measured: {', '.join(absent)}" if absent else "")
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="*", default=[0.2, 1.0, 5.0])
    parser.add_argument("--england", type=float, nargs="*", default=[], help="England scales.")
    parser.add_argument("--steps", nargs="*", default=list(STEPS), choices=STEPS)
    parser.add_argument("--keep", type=Path, help="Folder to keep the data and databases in.")
    parser.add_argument("--json", type=Path, help="Also write the measurements here.")
    parser.add_argument("--add", type=Path, help="Earlier --json output to include in the table.")
    parser.add_argument(
        "--together",
        action="store_true",
        help="run the analyses in one process, as vawg demo does (the open site reuses Results)",
    )
    args = parser.parse_args()
    earlier = json.loads(args.add.read_text())["runs"] if args.add else []
    tmp = tempfile.mkdtemp(prefix="vawg-national-")
    root = args.keep or Path(tmp)
    runs = list(earlier)
    try:
        plan = [("kent", s) for s in args.scales] + [("england", s) for s in args.england]
        for geography, scale in plan:
            where = root / f"{geography}-{scale:g}"
            runs.append(
                run_scale(where, scale, geography, tuple(args.steps), together=args.together)
            )
            if args.json:  # after every scale, so a long run that stops keeps what it measured
                args.json.write_text(json.dumps({"runs": runs}, indent=2), encoding="utf-8")
            if args.keep is None:
                shutil.rmtree(where, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    runs.sort(key=lambda r: r.get("crimes", 0))
    slopes = growth(runs)
    report = {"runs": runs, "slopes": slopes, "load_average": list(os.getloadavg())}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(_table(runs, slopes))
    for line in verdicts(runs):
        print(line)
    print(json.dumps({"slopes": slopes, "load_average": report["load_average"]}, indent=2))


if __name__ == "__main__":
    main()
