"""Benchmark: loading a large crimes extract, against a plain pandas baseline.

Generates a valid crimes.csv (and the same rows as Parquet, every column a string) with numpy
and polars in a temporary folder, then measures, each in a fresh child process so that peak
memory is its own:

- ``vawg csv``: :func:`vawg.store.load_paths` on the CSV (hash and line count, read, type and
  check every value and rule, duplicate keys, write to a new DuckDB file as one delivery);
- ``vawg pq``: the same on the Parquet file;
- ``vawg enc``: the CSV again into an encrypted database (``--encrypted``);
- ``duckdb``: DuckDB by itself, no contract: ``CREATE TABLE AS FROM read_csv`` with the types it
  guesses, into a new database file (the floor for a loader built on DuckDB on this machine);
- ``pandas``: a plain pandas script that reads the same CSV and applies the same validations
  (required values, types, enums, patterns, ranges, the cross-column rules, duplicate keys) and
  builds the clean frame and the quarantine records, but writes no database.

Runs every contestant ``--rounds`` times (3 unless told), one of each per round, the order
turned by one place every round (a Latin square: each contestant takes each place in turn,
and none runs twice in a row), so that a busy minute on a shared machine falls on all of
them alike. (Reversing the order every other round ran pandas twice in a row at each
turn, and on this host a process right after one like it runs faster: pandas took 4.8 s
then, 6 s otherwise.) Prints each one's median time (and its range), rows/s, peak
resident memory (``ru_maxrss`` of the child) and the speed ratio to pandas: each round's
pandas time over vawg's in the same round, the median of those ratios and how many rounds
met the target, the CPU seconds of every thread (a fairer comparison on a busy machine, where
DuckDB's threads compete for cores and pandas' single thread barely notices), then where the
time of a CSV load goes (``--profile``). ``--broken 0.01`` breaks 1% of the rows' values in
known ways (a bad date, an unknown offence group, a repeated crime_ref), so both sides have
quarantine work and their counts can be compared. ``--damaged 0.001`` also damages records as
a careless export would (a stray quote, a byte that is not UTF-8, a bare carriage return),
which sends vawg down its recovery path; pandas cannot read past such damage, and its counts
show what it loses. Targets (issue 17): >= 500,000 rows/s from CSV, >= 4x pandas and < 1 GB
peak for 1M crimes, with and without broken rows. The last measured figures, and where they
were measured, are in ``docs/performance.md`` ("Ingest").

    python benchmarks/ingest.py --rows 1000000 [--rounds 3] [--broken 0.01] [--damaged 0.001]
        [--profile] [--encrypted] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from vawg.schema import LOCATION_TYPES, OFFENCE_GROUPS

GROUPS = list(OFFENCE_GROUPS)
PLACES = list(LOCATION_TYPES)
CODES = ["8N", "105A", "008/01", "19C", "3", "8L", "9"]


# --- data ---------------------------------------------------------------------------------------


def generate(rows: int, seed: int = 0) -> pl.DataFrame:
    """``rows`` valid crimes, every column a string (null = an empty field), as the contract reads."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2017-04-01")
    recorded = start + rng.integers(0, 5 * 365, rows).astype("timedelta64[D]")
    committed = (
        recorded.astype("datetime64[m]")
        - rng.integers(0, 30 * 1440, rows).astype("timedelta64[m]")
        + np.timedelta64(1440, "m")  # up to the day after recording is allowed
    )
    committed = np.minimum(committed, recorded.astype("datetime64[m]") + np.timedelta64(2879, "m"))
    until = committed + rng.integers(0, 600, rows).astype("timedelta64[m]")
    has_until = rng.random(rows) < 0.5
    place = rng.random(rows)  # < 0.5 LSOA only, < 0.8 both, else coordinates only
    has_outcome = rng.random(rows) < 0.6
    outcome_date = recorded + rng.integers(0, 400, rows).astype("timedelta64[D]")
    frame = pl.DataFrame(
        {
            "crime_ref": pl.int_range(0, rows, eager=True).cast(pl.String).str.zfill(8),
            "recorded_date": pl.Series(recorded).dt.strftime("%Y-%m-%d"),
            "committed_from": pl.Series(committed.astype("datetime64[ms]")).dt.strftime(
                "%Y-%m-%d %H:%M"
            ),
            "committed_to": pl.Series(until.astype("datetime64[ms]")).dt.strftime("%Y-%m-%d %H:%M"),
            "offence_code": pl.Series(rng.choice(CODES, rows)),
            "offence_group": pl.Series(rng.choice(GROUPS, rows)),
            "domestic_abuse": pl.Series(rng.choice(["Y", "N"], rows, p=[0.35, 0.65])),
            "location_type": pl.Series(rng.choice(PLACES, rows)),
            "lsoa_code": pl.Series(rng.integers(0, 1_000_000, rows)).cast(pl.String).str.zfill(6),
            "easting": pl.Series(rng.integers(500_000, 650_000, rows)).cast(pl.String),
            "northing": pl.Series(rng.integers(100_000, 200_000, rows)).cast(pl.String),
            "outcome_code": pl.Series(rng.integers(1, 23, rows)).cast(pl.String),
            "outcome_date": pl.Series(outcome_date).dt.strftime("%Y-%m-%d"),
        }
    )
    empty = pl.lit(None, dtype=pl.String)  # written as an empty field

    def keep(mask: np.ndarray, column: str, value: pl.Expr | None = None) -> pl.Expr:
        then = pl.col(column) if value is None else value
        return pl.when(pl.Series(mask)).then(then).otherwise(empty).alias(column)

    return frame.with_columns(
        ("C" + pl.col("crime_ref")).alias("crime_ref"),
        keep(has_until, "committed_to"),
        keep(place < 0.8, "lsoa_code", "E01" + pl.col("lsoa_code")),
        keep(place >= 0.5, "easting"),
        keep(place >= 0.5, "northing"),
        keep(has_outcome, "outcome_code"),
        keep(has_outcome, "outcome_date"),
    )


def damage(path: Path, share: float, seed: int = 2) -> int:
    """Damage ``share`` of the records of the CSV at ``path``, one way each; return how many.

    A third get a stray quote opening their recorded_date, a third the byte 0xE9 (Latin-1 'é',
    not UTF-8) in their crime_ref, a third a bare carriage return in their crime_ref.
    """
    lines = path.read_bytes().split(b"\n")
    rng = np.random.default_rng(seed)
    rows = rng.choice(np.arange(1, len(lines) - 1), int(share * (len(lines) - 2)), replace=False)
    for row, kind in zip(rows.tolist(), rng.integers(0, 3, rows.size).tolist(), strict=True):
        ref, rest = lines[row].split(b",", 1)
        lines[row] = (
            ref + b',"' + rest if kind == 0 else ref + (b"\xe9," if kind == 1 else b"\r,") + rest
        )
    path.write_bytes(b"\n".join(lines))
    return int(rows.size)


def corrupt(frame: pl.DataFrame, share: float, seed: int = 1) -> tuple[pl.DataFrame, int]:
    """Break ``share`` of the rows, one known way each; return the frame and rows broken.

    A third get an impossible date, a third an unknown offence group, a third repeat the
    previous row's crime_ref (so the earlier row is kept and this one quarantined).
    """
    rng = np.random.default_rng(seed)
    rows = rng.choice(np.arange(1, frame.height), int(share * frame.height), replace=False)
    kind = np.full(frame.height, -1)
    kind[rows] = rng.integers(0, 3, rows.size)
    previous = frame["crime_ref"].shift(1)
    frame = frame.with_columns(
        pl.when(pl.Series(kind == 0))
        .then(pl.lit("2020-02-30"))
        .otherwise(pl.col("recorded_date"))
        .alias("recorded_date"),
        pl.when(pl.Series(kind == 1))
        .then(pl.lit("robbery"))
        .otherwise(pl.col("offence_group"))
        .alias("offence_group"),
        pl.when(pl.Series(kind == 2))
        .then(previous)
        .otherwise(pl.col("crime_ref"))
        .alias("crime_ref"),
    )
    # A repeat is no duplicate when the row before was broken too: if it was quarantined, only
    # clean rows count; if it took its own predecessor's ref, the repeated ref is now unique.
    harmless = int(np.sum((kind[1:] == 2) & (kind[:-1] >= 0)))
    return frame, int(rows.size) - harmless


# --- the pandas baseline ----------------------------------------------------------------------


def pandas_load(path: Path) -> tuple[int, int, int]:
    """Read ``path`` with pandas and apply the contract's checks; (read, loaded, quarantined)."""
    import pandas as pd

    # A record pandas cannot read (a stray quote, a bad byte) would stop it: skip such lines, as
    # the loose reading a pandas user would reach for does (their rows are lost, not counted).
    raw = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        on_bad_lines="skip",
        encoding="utf-8",
        encoding_errors="replace",
    )
    # Trimmed text, empty = missing. (Not .replace("", None): with a scalar, pandas pads.)
    v = {c: (t := raw[c].str.strip()).where(t != "") for c in raw.columns}
    n = len(raw)
    line = pd.Series(np.arange(2, n + 2), index=raw.index)
    problems: list[pd.DataFrame] = []

    def flag(mask: pd.Series, column: str, value: pd.Series | None, reason: str) -> None:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            shown = value[mask] if value is not None else None
            problems.append(
                pd.DataFrame(
                    {"line": line[mask], "column": column, "value": shown, "reason": reason}
                )
            )

    def parse(column: str, fmts: tuple[str, ...]) -> pd.Series:
        out = pd.to_datetime(v[column], format=fmts[0], errors="coerce")
        for fmt in fmts[1:]:
            out = out.fillna(pd.to_datetime(v[column], format=fmt, errors="coerce"))
        flag(v[column].notna() & out.isna(), column, v[column], "not a date")
        return out

    def matches(column: str, pattern: str) -> pd.Series:
        # False for a missing value whatever the string dtype returns for it.
        return v[column].notna() & v[column].str.fullmatch(pattern).fillna(False).astype(bool)

    def integer(column: str, low: float, high: float) -> pd.Series:
        whole = matches(column, r"[+-]?[0-9]+(\.0*)?")
        out = pd.to_numeric(v[column].where(whole), errors="coerce")
        flag(v[column].notna() & out.isna(), column, v[column], "not a whole number")
        flag(out < low, column, v[column], "below the minimum")
        flag(out > high, column, v[column], "above the maximum")
        return out

    for column in ("crime_ref", "recorded_date", "committed_from", "offence_group"):
        flag(v[column].isna(), column, None, "required value missing")
    for column in ("domestic_abuse", "location_type"):
        flag(v[column].isna(), column, None, "required value missing")
    recorded = parse("recorded_date", ("%Y-%m-%d",))
    committed = parse("committed_from", ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"))
    until = parse("committed_to", ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"))
    outcome_date = parse("outcome_date", ("%Y-%m-%d",))
    code_ok = matches("offence_code", r"[0-9]{1,3}[A-Z]?(/[0-9]{2})?")
    flag(v["offence_code"].notna() & ~code_ok, "offence_code", v["offence_code"], "not a code")
    for column, allowed in (("offence_group", GROUPS), ("location_type", PLACES)):
        flag(v[column].notna() & ~v[column].isin(allowed), column, v[column], "not one of")
    da = v["domestic_abuse"]
    flag(da.notna() & ~da.isin(["Y", "N"]), "domestic_abuse", da, "not Y or N")
    lsoa_ok = matches("lsoa_code", r"E01\d{6}")
    flag(v["lsoa_code"].notna() & ~lsoa_ok, "lsoa_code", v["lsoa_code"], "not in the form")
    easting = integer("easting", 0, 700_000)
    northing = integer("northing", 0, 1_300_000)
    outcome = integer("outcome_code", 1, 22)
    # Row rules (skipped where a value failed to parse, as the loader does).
    flag(committed.dt.normalize() > recorded + pd.Timedelta(days=1), "committed_from", None, "r1")
    flag(until < committed, "committed_to", None, "r2")
    no_grid = easting.isna() | northing.isna()
    flag(v["lsoa_code"].isna() & no_grid, "lsoa_code", None, "r3")
    flag(easting.isna() != northing.isna(), "easting", None, "r4")
    flag(outcome.notna() & outcome_date.isna(), "outcome_date", None, "r5")
    flag(outcome_date < recorded, "outcome_date", None, "r6")
    flag(outcome.isna() & outcome_date.notna(), "outcome_code", None, "r7")
    # Duplicate keys among otherwise clean rows: the first is kept.
    bad_lines = pd.concat(problems)["line"].unique() if problems else np.array([], dtype=int)
    clean = ~line.isin(bad_lines)
    dup = v["crime_ref"].where(clean).duplicated(keep="first") & clean & v["crime_ref"].notna()
    flag(dup, "crime_ref", v["crime_ref"], "duplicate crime_ref")
    quarantine = pd.concat(problems) if problems else pd.DataFrame()
    bad = quarantine["line"].nunique() if len(quarantine) else 0
    loaded = pd.DataFrame(
        {
            "crime_ref": v["crime_ref"],
            "recorded_date": recorded.dt.date,
            "committed_from": committed,
            "committed_to": until,
            "offence_code": v["offence_code"],
            "offence_group": v["offence_group"],
            "domestic_abuse": da == "Y",
            "location_type": v["location_type"],
            "lsoa_code": v["lsoa_code"],
            "easting": easting.astype("Int64"),
            "northing": northing.astype("Int64"),
            "outcome_code": outcome.astype("Int64"),
            "outcome_date": outcome_date.dt.date,
        }
    )[~line.isin(quarantine["line"] if len(quarantine) else [])]
    return n, len(loaded), int(bad)


def duckdb_alone(path: Path) -> int:
    """DuckDB by itself, no contract: the file into a new database with the types it guesses.

    The floor for any loader built on DuckDB on this machine (no checks, no quarantine, no line
    numbers, no hash); rows loaded."""
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        con = duckdb.connect(str(Path(folder) / "alone.duckdb"))
        con.execute("CREATE TABLE crimes AS FROM read_csv(?)", [str(path)])
        row = con.execute("SELECT count(*) FROM crimes").fetchone()
        con.close()
    assert row is not None
    return int(row[0])


# --- one measurement per child process ---------------------------------------------------------


def _peak_mb() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _cpu() -> float:
    """CPU seconds of this process, every thread (DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(task: str, path: Path, profile: bool) -> None:
    # Libraries are imported before the clock starts, in every child: the command line imports
    # them when it starts (``vawg.cli`` imports pandas), and pandas' own import is no part of
    # reading a file. (DuckDB imports pandas on a connection's first query with parameters:
    # 0.2 s that a load timed from a bare interpreter would count and ``vawg ingest`` never
    # waits for.)
    import pandas  # noqa: F401

    from vawg.store import load_paths

    key = "benchmark-key-0123456789abcdef" if task == "encrypted" else None
    steps: dict[str, float] = {}
    if profile:
        _instrument(steps)
    before = _peak_mb()
    cpu = _cpu()
    started = time.perf_counter()
    if task == "pandas":
        read, loaded, quarantined = pandas_load(path)
    elif task == "duckdb":
        read = loaded = duckdb_alone(path)
        quarantined = 0
    else:
        with tempfile.TemporaryDirectory() as folder:
            [load] = load_paths([path], Path(folder) / "bench.duckdb", key=key).files
            read, loaded, quarantined = load.read, load.loaded, load.quarantined
    seconds = time.perf_counter() - started
    result = {
        "cpu": _cpu() - cpu,
        "task": task,
        "seconds": seconds,
        "read": read,
        "loaded": loaded,
        "quarantined": quarantined,
        "peak_mb": _peak_mb(),
        "start_mb": before,
        "steps": steps,
    }
    print(json.dumps(result))


def _instrument(steps: dict[str, float]) -> None:
    """Time the file hash, the read, each step of stage() and the insert, by wrapping them."""
    # (vawg.ingest re-exports the function stage(), so fetch the modules by name.)
    files = importlib.import_module("vawg.ingest.files")
    stage = importlib.import_module("vawg.ingest.stage")
    store = importlib.import_module("vawg.store")
    loading = importlib.import_module("vawg.loading")

    def timed(module: object, name: str, label: str) -> None:
        real = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                steps[label] = steps.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, wrapper)

    read = importlib.import_module("vawg.ingest.read")
    deliveries = importlib.import_module("vawg.deliveries")
    timed(files, "scan", "hash + line count")
    timed(stage, "read_checked", "read + check every value (before the transaction)")
    timed(read, "_recover", "  of which the recovery path")
    timed(stage, "_flag_repeats", "stage: repeated keys")
    timed(stage, "_flag_orphans", "stage: references")
    timed(stage, "_with_extra", "stage: errors found after reading")
    timed(loading, "stage", "stage (all)")
    timed(deliveries, "_insert", "apply: write the rows")
    timed(loading, "apply", "apply (all)")
    timed(loading, "file_notes", "notes")
    timed(loading, "_load_one", "load one file (all)")
    timed(store, "_after_load", "after the load (references)")
    timed(store, "_load", "the transaction (all, with its commit)")


@dataclass(frozen=True)
class Run:
    """One measurement, as the child process reported it."""

    task: str
    seconds: float
    cpu: float
    read: int
    loaded: int
    quarantined: int
    peak_mb: float
    start_mb: float
    steps: dict[str, float]

    @property
    def rate(self) -> float:
        return self.read / self.seconds


def _measure(task: str, path: Path, profile: bool) -> Run:
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, "--path", str(path)]
        + (["--profile"] if profile else []),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr}")
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to generate")
    parser.add_argument(
        "--rounds", type=int, default=3, help="times to run each contestant (medians are shown)"
    )
    parser.add_argument("--profile", action="store_true", help="time each step of a CSV load")
    parser.add_argument(
        "--broken", type=float, default=0.0, help="share of rows to break (e.g. 0.01)"
    )
    parser.add_argument(
        "--damaged", type=float, default=0.0, help="share of records to damage (e.g. 0.001)"
    )
    parser.add_argument("--encrypted", action="store_true", help="also load into an encrypted db")
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.path, args.profile)
        return
    if args.write:
        frame = generate(args.rows)
        expected = 0
        if args.broken:
            frame, expected = corrupt(frame, args.broken)
        frame.write_csv(args.write / "crimes.csv")
        frame.write_parquet(args.write / "crimes.parquet")
        if args.damaged:
            expected += damage(args.write / "crimes.csv", args.damaged)
        print(expected)
        return

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        # Generated in a child too: a child inherits its parent's peak memory (ru_maxrss
        # survives fork and exec), so the parent must never hold the data.
        started = time.perf_counter()
        command = [sys.executable, __file__, "--write", str(folder), "--rows", str(args.rows)]
        done = subprocess.run(
            [*command, "--broken", str(args.broken), "--damaged", str(args.damaged)],
            capture_output=True,
            text=True,
            check=True,
        )
        expected = int(done.stdout.strip().splitlines()[-1])
        csv_path, parquet_path = folder / "crimes.csv", folder / "crimes.parquet"
        size = csv_path.stat().st_size / 1024**2
        print(
            f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s: "
            f"crimes.csv {size:,.0f} MB, crimes.parquet "
            f"{parquet_path.stat().st_size / 1024**2:,.0f} MB"
            + (f"; {expected:,} rows broken on purpose" if expected else "")
            + (" (the Parquet file has no damaged records)" if args.damaged else "")
        )
        tasks = ["csv", "parquet", *(["encrypted"] if args.encrypted else []), "duckdb", "pandas"]
        runs: dict[str, list[Run]] = {task: [] for task in tasks}
        for round_ in range(args.rounds):
            turn = round_ % len(tasks)
            for task in tasks[turn:] + tasks[:turn]:
                runs[task].append(
                    _measure(task, csv_path if task != "parquet" else parquet_path, False)
                )
        profiled = _measure("csv", csv_path, True) if args.profile else None

    _report(runs, profiled)


def _median_run(runs: list[Run]) -> Run:
    """The run of median time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda r: r.seconds)[(len(runs) - 1) // 2]


def _report(runs: dict[str, list[Run]], profiled: Run | None) -> None:
    """Print each contestant's median run, the ratios to pandas round by round, the targets."""
    pandas = runs["pandas"]
    rounds = len(pandas)
    print()
    print(
        f"{rounds} round(s); each row is a contestant's median run (time range over the rounds in "
        "brackets)"
    )
    print(
        f"{'':10} {'seconds':>8} {'(range)':>13} {'rows/s':>10} {'CPU s':>6} {'peak MB':>8} "
        f"{'(start)':>8} {'vs pandas':>9}  read/loaded/quarantined"
    )
    names = {
        "csv": "vawg csv",
        "parquet": "vawg pq",
        "encrypted": "vawg enc",
        "duckdb": "duckdb *",
        "pandas": "pandas",
    }

    def ratios(task: str) -> list[float]:
        """pandas' time over ``task``'s, round by round."""
        return [p.seconds / r.seconds for p, r in zip(pandas, runs[task], strict=True)]

    for task, series in runs.items():
        r = _median_run(series)
        times = [x.seconds for x in series]
        spread = f"({min(times):.2f}-{max(times):.2f})"
        print(
            f"{names[task]:10} {r.seconds:8.2f} {spread:>13} {r.rate:10,.0f} {r.cpu:6.1f} "
            f"{max(x.peak_mb for x in series):8,.0f} {r.start_mb:8,.0f} "
            f"{statistics.median(ratios(task)):8.1f}x  {r.read:,}/{r.loaded:,}/{r.quarantined:,}"
        )
    csv_run = _median_run(runs["csv"])
    paired = ratios("csv")
    ratio = statistics.median(paired)
    met = sum(x >= 4 for x in paired)
    cpu_ratio = statistics.median(p.cpu / r.cpu for p, r in zip(pandas, runs["csv"], strict=True))
    peak = max(x.peak_mb for x in runs["csv"])
    print()
    print(
        f"targets (medians): >= 500,000 rows/s from CSV: "
        f"{'met' if csv_run.rate >= 500_000 else 'MISSED'} ({csv_run.rate:,.0f}); >= 4x pandas: "
        f"{'met' if ratio >= 4 else 'MISSED'} ({ratio:.2f}x, met in {met} of {rounds} rounds: "
        f"{', '.join(f'{x:.2f}' for x in paired)}; {cpu_ratio:.1f}x in CPU seconds); "
        f"< 1 GB peak: {'met' if peak < 1024 else 'MISSED'} ({peak:,.0f} MB, the highest)"
    )
    print(
        "(peak MB: the child process's highest peak resident memory; start: before the load began)"
    )
    alone = _median_run(runs["duckdb"])
    print(
        f"* duckdb: DuckDB by itself, no contract (guessed types, no checks, quarantine, line "
        f"numbers or hash): {alone.rate:,.0f} rows/s, {statistics.median(ratios('duckdb')):.1f}x "
        f"pandas; vawg takes "
        f"{statistics.median(r.seconds / a.seconds for r, a in zip(runs['csv'], runs['duckdb'], strict=True)):.2f}x "
        f"its time"
    )
    if profiled is not None:
        print()
        print(f"where a CSV load's {profiled.seconds:.2f} s go (nested steps overlap):")
        for step, seconds in profiled.steps.items():
            print(f"  {step:52} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
