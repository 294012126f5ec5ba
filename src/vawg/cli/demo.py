"""``vawg demo``: generate a synthetic Kent, load it, run every analysis, write the reports.

The demo needs nothing of the user's: the synthetic force is built from the shipped Kent and
Medway reference. What it runs is :data:`STEPS`, one ordered list in this module: each step
calls the same functions as its command and writes the analyst and the public versions.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from threadpoolctl import threadpool_limits

from vawg import threads
from vawg.cli._app import app
from vawg.cli.audit import analyst_audit, run_audit, run_outcomes
from vawg.cli.common import analysed_on, console, output_manifest, progress_bar
from vawg.cli.drivers import write_drivers, write_hotspots
from vawg.cli.evaluate import analyst_evaluations, run_evaluate, run_target
from vawg.cli.ingest import ingest_and_report
from vawg.cli.open_data import write_open_drivers, write_open_hotspots, write_open_outcomes
from vawg.cli.profile import run_profile
from vawg.cli.survey import analyse_surveys, write_survey
from vawg.cli.web import dashboard_hint, run_publish
from vawg.config import Settings
from vawg.datasets import police_uk_kent_months
from vawg.errors import InputError, VawgError
from vawg.ingest.boundaries import shipped_boundaries
from vawg.models.drivers import drivers
from vawg.models.open_data import open_data_drivers
from vawg.opensite import MadeResults, site_overview
from vawg.outcomes.open_data import open_data_outcomes
from vawg.outcomes.summary import outcome_summary
from vawg.profile import disclose_overview, profile
from vawg.report.maps import start_renderer
from vawg.spatial.analysis import hotspot_analysis
from vawg.spatial.open_data import open_data_hotspots
from vawg.spatial.public import disclose_hotspots
from vawg.survey import disclose_survey
from vawg.synth import generate
from vawg.targeting.analysis import targeting

__all__ = ["OPEN_STEPS", "STEPS", "DemoStep", "demo"]

ALL = ("html", "json", "csv")
PUBLIC = ("html", "json")


Analyse = Callable[[Path, Settings], Any]
"""(database, settings) -> the analysis, reading the database only."""
Restricted = Callable[[Path, Path, Settings, Any], list[Path]]
"""(database, reports folder, settings, the analysis) -> the analyst report files written."""
Public = Callable[[Path, Path, Settings, MadeResults, Any], list[Path]]
"""(database, reports folder, settings, the public Results so far, the analysis) -> the public
report files written, each release recorded in the database's release log first."""


@dataclass(frozen=True)
class DemoStep:
    """One analysis of the demo: its title, how to ``analyse`` the database, write the analyst
    (``restricted``) reports and write the ``public`` ones (each None when the step has none).

    The analysis and the analyst reports only read the database, so they may run in a worker
    process on a copy of it; the public reports are written by the demo's own process, in the
    order of the steps, because each is first recorded in the release log, in the database. A
    step keeps its public Result in ``made``, so the open site, last, takes it instead of
    making it again. Each callable is a module-level function (or a partial of one), so a
    worker can be handed it."""

    title: str
    analyse: Analyse | None
    restricted: Restricted | None
    public: Public | None = None

    def analysed(self, db: Path, settings: Settings) -> Any:
        """The analysis of ``db`` (None for a step without one)."""
        return self.analyse(db, settings) if self.analyse is not None else None

    def written(self, db: Path, reports: Path, settings: Settings, analysed: Any) -> list[Path]:
        """The analyst report files written from ``analysed``."""
        return self.restricted(db, reports, settings, analysed) if self.restricted else []

    def run(self, db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
        """The whole step in this process: analyse ``db``, then write the analyst reports, then
        the public ones; returns every file written."""
        analysed = self.analysed(db, settings)
        files = self.written(db, reports, settings, analysed)
        if self.public is not None:
            files += self.public(db, reports, settings, made, analysed)
        return files


def _analysed_with(analysis: Callable[..., Any], db: Path, settings: Settings) -> Any:
    """``analysis(tables, settings=settings)`` on the database ``db``."""
    return analysed_on(db, functools.partial(analysis, settings=settings))


def _with_settings(analysis: Callable[..., Any]) -> Analyse:
    """A step's analysis that takes the tables and the settings: a partial of a module-level
    function, so that a worker process can be handed it."""
    return functools.partial(_analysed_with, analysis)


def _profile(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    return run_profile(db, reports, settings, public=False, analysed=result)


def _public_profile(
    db: Path, reports: Path, settings: Settings, made: MadeResults, result: Any
) -> list[Path]:
    return run_profile(
        db, reports, settings, public=True, formats=PUBLIC, made=made, analysed=result
    )


def _drivers(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    return write_drivers(result, reports, settings, public=False, formats=ALL, db=db)


def _public_drivers(
    db: Path, reports: Path, settings: Settings, made: MadeResults, result: Any
) -> list[Path]:
    return write_drivers(result, reports, settings, public=True, formats=PUBLIC, db=db)


def _hotspots(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    return write_hotspots(result, reports, settings, public=False, formats=(*ALL, "png"), db=db)


def _public_hotspots(
    db: Path, reports: Path, settings: Settings, made: MadeResults, result: Any
) -> list[Path]:
    made.places = disclose_hotspots(result, settings)
    return write_hotspots(made.places, reports, settings, public=True, formats=PUBLIC, db=db)


def _surveys(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    return write_survey(result, reports, settings, public=False, formats=ALL, db=db)


def _public_surveys(
    db: Path, reports: Path, settings: Settings, made: MadeResults, result: Any
) -> list[Path]:
    made.survey = disclose_survey(result, settings)
    return write_survey(made.survey, reports, settings, public=True, formats=PUBLIC, db=db)


def _outcomes(db: Path, reports: Path, settings: Settings, summary: Any) -> list[Path]:
    return run_outcomes(db, reports, settings, public=False, analysed=summary)


def _public_outcomes(
    db: Path, reports: Path, settings: Settings, made: MadeResults, summary: Any
) -> list[Path]:
    return run_outcomes(db, reports, settings, public=True, made=made, analysed=summary)


def _audit(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    return run_audit(db, reports, settings, public=False, analysed=result)


def _public_audit(
    db: Path, reports: Path, settings: Settings, made: MadeResults, result: Any
) -> list[Path]:
    return run_audit(db, reports, settings, public=True, analysed=result)


def _evaluate(db: Path, reports: Path, settings: Settings, analysed: Any) -> list[Path]:
    return run_evaluate(db, reports, settings, public=False, analysed=analysed)[2]


def _public_evaluate(
    db: Path, reports: Path, settings: Settings, made: MadeResults, analysed: Any
) -> list[Path]:
    made.evaluation, made.programme, written = run_evaluate(
        db, reports, settings, public=True, analysed=analysed
    )
    return written


def _target(db: Path, reports: Path, settings: Settings, ranked: Any) -> list[Path]:
    return run_target(db, reports, settings, public=False, formats=ALL, analysed=ranked)[1]


def _public_target(
    db: Path, reports: Path, settings: Settings, made: MadeResults, ranked: Any
) -> list[Path]:
    made.targeting, written = run_target(
        db, reports, settings, public=True, formats=PUBLIC, analysed=ranked
    )
    return written


def _open_site(
    db: Path, reports: Path, settings: Settings, made: MadeResults, overview: Any
) -> list[Path]:
    if overview is not None:  # the front page's overview, made in a worker
        made.overview = disclose_overview(overview, settings)
    pages = run_publish(db, reports / "site", settings, made)
    return [p for p in pages if p.name == "index.html"]


STEPS: tuple[DemoStep, ...] = (
    DemoStep(
        "perpetrator problem profile (vawg profile)",
        _with_settings(profile),
        _profile,
        _public_profile,
    ),
    DemoStep(
        "drivers: deprivation, pubs, town centres, weather (vawg drivers)",
        _with_settings(drivers),
        _drivers,
        _public_drivers,
    ),
    DemoStep(
        "hot spots, Getis-Ord G* (vawg hotspots)",
        _with_settings(hotspot_analysis),
        _hotspots,
        _public_hotspots,
    ),
    DemoStep(
        "public and victims' surveys (vawg survey)", analyse_surveys, _surveys, _public_surveys
    ),
    DemoStep(
        "criminal justice outcomes (vawg outcomes)",
        _with_settings(outcome_summary),
        _outcomes,
        _public_outcomes,
    ),
    DemoStep("half-year audit (vawg audit)", analyst_audit, _audit, _public_audit),
    DemoStep(
        "did it work? Safer Streets and the perpetrator programme (vawg evaluate)",
        analyst_evaluations,
        _evaluate,
        _public_evaluate,
    ),
    DemoStep(
        "where next: targeting map, near repeats, repeat locations (vawg target)",
        _with_settings(targeting),
        _target,
        _public_target,
    ),
    # last: the open site carries the public versions of the analyses above
    DemoStep(
        "open transparency site (vawg publish)", _with_settings(site_overview), None, _open_site
    ),
)
"""What the demo runs, in order."""

HANDED_OUT: tuple[DemoStep, ...] = (
    *STEPS[6:7],  # the evaluations
    *STEPS[0:3],  # profile, drivers, hot spots
    STEPS[5],  # the audit
    *STEPS[3:5],  # surveys, outcomes
    STEPS[7],  # targeting
    STEPS[8],  # the open site's front page
)
"""The order :func:`run_steps` hands the analyses to its worker processes: the longest (the
evaluations, 8 s of the analyses' 24 s at Kent scale) first, then the others in the order
their public reports are written, but the audit (4 s, the next longest) before the surveys
and outcomes, so that it does not finish last (about 1 s less at Kent scale); the open site's
front page last, so that only the site's pages are left to write after the others. Steps not
listed follow in their own order."""


def _open_profile(db: Path, reports: Path, settings: Settings, _: Any) -> list[Path]:
    return run_profile(db, reports, settings, public=False)


def _analyse_open_outcomes(db: Path, settings: Settings) -> Any:
    return analysed_on(db, open_data_outcomes)


def _open_outcomes(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    manifest = output_manifest(db, "outcomes", settings, public=False)
    return write_open_outcomes(
        result,
        reports,
        "outcomes-open-data",
        ALL,
        public=False,
        settings=settings,
        db=db,
        manifest=manifest,
    )


def _analyse_open_drivers(db: Path, settings: Settings) -> Any:
    return analysed_on(db, functools.partial(open_data_drivers, k=settings.hotspot_k))


def _open_drivers(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    manifest = output_manifest(db, "drivers", settings, public=False)
    return write_open_drivers(
        result, reports, ALL, public=False, settings=settings, db=db, manifest=manifest
    )


def _open_hotspots(db: Path, reports: Path, settings: Settings, result: Any) -> list[Path]:
    manifest = output_manifest(db, "hotspots", settings, public=False)
    return write_open_hotspots(
        result, reports, settings, ALL, public=False, db=db, manifest=manifest
    )


OPEN_STEPS: tuple[DemoStep, ...] = (
    DemoStep("open-data profile (vawg profile)", None, _open_profile),
    DemoStep(
        "police.uk outcome categories (vawg outcomes)", _analyse_open_outcomes, _open_outcomes
    ),
    DemoStep(
        "area model, violence and sexual offences (vawg drivers)",
        _analyse_open_drivers,
        _open_drivers,
    ),
    DemoStep(
        "hot spots, violence and sexual offences (vawg hotspots)",
        _with_settings(open_data_hotspots),
        _open_hotspots,
    ),
    DemoStep("open transparency site from open data (vawg publish)", None, None, _open_site),
)
"""What ``vawg demo --open-data`` runs, in order, on the shipped police.uk Kent months."""

OPEN_LEFT = (
    "open data cannot support the VAWG profile, the survey, the audit or the evaluations: "
    "they need a force extract (vawg ingest) and survey responses"
)


def default_jobs() -> int:
    """How many worker processes the demo's analyses run in: one per core this process may
    use, at most two (the reports are written by one process, which the workers keep busy)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(2, cores or 1))


@contextlib.contextmanager
def _workers(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """``jobs`` worker processes for the analyses (None for one process), started now so that
    importing the package in them overlaps generating and loading the force. On POSIX they are
    forked from a server that imported this module once; elsewhere each is spawned."""
    if jobs <= 1:
        yield None
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload([__name__, *_FIRST_USE])
    try:
        pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_ready)
    except (OSError, ImportError, NotImplementedError) as error:  # no process semaphores here
        console.print(f"[yellow]analyses in one process:[/] no worker processes here ({error})")
        yield None
        return
    # Starting a worker waits for the server to import the package (2 s): done on a thread,
    # so that the force is generated meanwhile.
    starting = threading.Thread(target=lambda: [pool.submit(int) for _ in range(jobs)])
    starting.start()
    try:
        yield pool
    except BaseException:
        starting.join()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    starting.join()
    pool.shutdown(wait=True)


_FIRST_USE = ("ibis.backends.duckdb", "altair", "esda", "vawg.report.site")
"""Modules the analyses and reports import when first used (0.7 s in all, with what they
import): imported once by the server the workers are forked from, while the force is
generated, not by each worker while the cores are busy. (The server leaves out any that
will not import.)"""


def _ready() -> None:
    """A new worker: one thread each (:func:`_one_thread_each`), and what every worker does
    first paid now, while the force is still being generated and loaded (the workers have
    nothing to do before the database exists): the map renderer started and the shipped
    boundaries read (about 0.5 s). The renderer is not started in the server the workers are
    forked from: it runs threads of its own, which a forked process would not have."""
    _one_thread_each()
    start_renderer()
    shipped_boundaries()


def _one_thread_each() -> None:
    """Each worker works on one thread (its linear algebra, and the analyses' own pools of
    threads): the demo's processes already keep the cores busy, and more threads only took
    turns away from them. At Kent scale the evaluations took 12 s in a worker with two threads
    of each, beside about 8 s alone; the demo took 31 s with them and 28 s without."""
    threadpool_limits(1, user_api="blas")
    threads.limit(1)


def _snapshot_error(error: VawgError, copy: Path, db: Path) -> VawgError:
    """``error`` from a worker, naming the database rather than the workers' copy of it."""
    return type(error)(str(error).replace(str(copy), str(db)))


def run_steps(
    steps: tuple[DemoStep, ...],
    db: Path,
    reports: Path,
    settings: Settings,
    made: MadeResults,
    *,
    pool: ProcessPoolExecutor | None = None,
    started: Callable[[DemoStep], None] = lambda step: None,
) -> list[tuple[str, Path]]:
    """Run ``steps`` on ``db``, writing into ``reports``: each step's title with every file it
    wrote, in the order of ``steps``.

    With a ``pool``, the analyses and their analyst reports are made side by side in its
    processes, each reading its own copy of the database (a process writing the release log
    must have the file to itself), while this process writes the public reports and records
    their releases in the order of ``steps``, as one process would: the same files and the
    same release log. The longest analyses start first, so they do not hold up the end.

    Linear algebra runs on one thread either way (:func:`_one_thread_each`): the last digits
    of a fitted figure can depend on how many threads summed it, and the files must not depend
    on ``--jobs``."""
    with threadpool_limits(1, user_api="blas"):
        if pool is None:
            written: list[tuple[str, Path]] = []
            for step in steps:
                started(step)
                written += [(step.title, p) for p in step.run(db, reports, settings, made)]
            return written
        return _side_by_side(steps, db, reports, settings, made, pool, started)


def _side_by_side(
    steps: tuple[DemoStep, ...],
    db: Path,
    reports: Path,
    settings: Settings,
    made: MadeResults,
    pool: ProcessPoolExecutor,
    started: Callable[[DemoStep], None],
) -> list[tuple[str, Path]]:
    """:func:`run_steps` with a pool.

    Every analysis is handed out first. As each comes back, its analyst reports are handed
    out too (behind the analyses still waiting) and this process writes its public reports at
    once: the public reports, and the open site after them, wait on the analyses only, never
    on an analyst report, and the workers write the last analyst reports while this process
    writes the site.
    """
    with tempfile.TemporaryDirectory(prefix=".vawg-analyses-", dir=db.parent) as folder:
        copy = Path(folder) / db.name
        shutil.copyfile(db, copy)
        analyses: dict[str, Future[Any]] = {}
        for step in [s for s in HANDED_OUT if s in steps] + [
            s for s in steps if s not in HANDED_OUT
        ]:
            if step.analyse is not None:
                analyses[step.title] = _submit(pool, step.analysed, copy, settings)
        analyst: dict[str, Future[list[Path]]] = {}
        public: dict[str, list[Path]] = {}
        try:
            for step in steps:
                started(step)
                analysed = _outcome(
                    analyses.get(step.title),
                    copy,
                    db,
                    step,
                    functools.partial(step.analysed, db, settings),
                )
                if step.restricted is not None:
                    analyst[step.title] = _submit(
                        pool, step.written, copy, reports, settings, analysed
                    )
                if step.public is not None:
                    public[step.title] = step.public(db, reports, settings, made, analysed)
            written: list[tuple[str, Path]] = []
            for step in steps:
                files = (
                    _outcome(
                        analyst[step.title],
                        copy,
                        db,
                        step,
                        functools.partial(_analysed_and_written, step, db, reports, settings),
                    )
                    if step.title in analyst
                    else []
                )
                written += [(step.title, p) for p in [*files, *public.get(step.title, [])]]
        finally:
            futures = [*analyses.values(), *analyst.values()]
            for future in futures:
                future.cancel()
            # a running task still reads the copy: wait for it before the folder goes
            for future in futures:
                with contextlib.suppress(BaseException):
                    future.exception()
    return written


def _submit(pool: ProcessPoolExecutor, task: Callable[..., Any], *args: Any) -> Future[Any]:
    """``task(*args)`` handed to ``pool``, or done in this process when the pool has stopped
    (a worker was killed)."""
    try:
        return pool.submit(task, *args)
    except BrokenProcessPool:
        done: Future[Any] = Future()
        try:
            done.set_result(task(*args))
        except BaseException as error:  # given back by the future, as a worker's would be
            done.set_exception(error)
        return done


def _analysed_and_written(
    step: DemoStep, db: Path, reports: Path, settings: Settings
) -> list[Path]:
    """A step's analyst reports made from the start in this process, after a worker stopped
    while writing them. (The analysis is made again rather than kept: keeping every step's
    analysis to the end, for this rare case, would hold them all in this process at once.)"""
    return step.written(db, reports, settings, step.analysed(db, settings))


def _outcome(
    future: Future[Any] | None, copy: Path, db: Path, step: DemoStep, again: Callable[[], Any]
) -> Any:
    """What a worker's ``future`` gave (None when there is none). A worker's error names the
    database, not the worker's copy of it; a worker that stopped (killed when out of memory?)
    is said, and its task done ``again`` in this process."""
    if future is None:
        return None
    try:
        return future.result()
    except VawgError as error:
        raise _snapshot_error(error, copy, db) from None
    except BrokenProcessPool as error:
        console.print(
            f"[yellow]{step.title}: its worker process stopped ({error}); "
            "done again in this process[/]"
        )
        return again()


def _where_to_look(
    data: Path,
    db: Path,
    written: list[tuple[str, Path]],
    reports: Path,
    label: str = "synthetic data and the planted truth",
) -> list[str]:
    """Lines naming every place to look, each path whole (never shortened to fit a column)."""
    lines = [
        "[b]Where to look[/]",
        f"  {label}",
        f"    {data.resolve()}",
    ]
    lines += ["  database", f"    {db.resolve()}"]
    for title in dict.fromkeys(title for title, _ in written):
        files = [path for name, path in written if name == title]
        pages = [path for path in files if path.suffix == ".html"] or files
        others = len(files) - len(pages)
        more = f" [dim](+{others} JSON/CSV/PNG beside them)[/]" if others else ""
        lines.append(f"  {title}{more}")
        lines += [f"    {path.resolve()}" for path in pages]
    lines += ["  every report file", f"    {reports.resolve()}"]
    return lines


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option(help="Folder for the data, database and reports.", metavar="FOLDER")
    ] = Path("demo-output"),
    scale: Annotated[float, typer.Option(help="Size of the synthetic force (1.0 = Kent).")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic force.")] = 0,
    open_data: Annotated[
        bool,
        typer.Option(
            "--open-data",
            help="Use the real police.uk Kent months shipped with the package instead "
            "(2018-10 to 2019-01): what open data alone can show.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            help="Worker processes for the analyses (1: all in this process). "
            "Default: one per core, at most 2.",
            min=1,
        ),
    ] = None,
) -> None:
    """Build a synthetic Kent, load it, run every analysis and write the reports.

    Needs no data of yours: the synthetic force is generated from the real Kent and Medway area
    reference shipped with the package, with known planted effects (see data/truth.json).

    With --open-data, loads the real police.uk Kent months shipped with the package instead
    and runs what open data alone supports, saying what it cannot show.

    Example: vawg demo --out demo-output --scale 0.2
    """
    if scale <= 0:
        raise InputError(f"--scale {scale}: must be greater than 0, e.g. --scale 0.2")
    started = time.perf_counter()
    data, reports = out / "data", out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    db = out / "vawg.duckdb"
    steps = OPEN_STEPS if open_data else STEPS
    with _workers(jobs or default_jobs()) as pool:
        if open_data:
            files = police_uk_kent_months(data)
            console.print(f"[green]wrote[/] {len(files)} police.uk Kent street files to {data}")
        else:
            with console.status(f"generating a synthetic Kent at scale {scale} (seed {seed})"):
                synthetic = generate(data, scale=scale, seed=seed)
            rows = sum(synthetic.row_counts.values())
            console.print(f"[green]generated[/] {data} ({rows:,} rows)")
        if db.exists():
            db.unlink()
        ingest_and_report([data], db)
        with progress_bar() as progress:
            task = progress.add_task("analyses", total=len(steps))
            written = run_steps(
                steps,
                db,
                reports,
                Settings(),
                MadeResults(),
                pool=pool,
                started=lambda step: progress.update(
                    task, description=step.title, completed=steps.index(step)
                ),
            )
    if open_data:
        where = _where_to_look(data, db, written, reports, "police.uk Kent files (real, OGL v3)")
    else:
        where = _where_to_look(data / "truth.json", db, written, reports)
    for line in where:
        console.print(line, soft_wrap=True, highlight=False)
    if open_data:
        console.print(f"[yellow]not from open data:[/] {OPEN_LEFT}")
    else:
        console.print(
            Panel.fit(dashboard_hint(db), title="the analyst dashboard", border_style="blue")
        )
    console.print(
        Panel.fit(
            f"Done in {time.perf_counter() - started:.0f} s. Open the HTML reports in a browser; "
            "they work offline.",
            border_style="green",
        )
    )
