"""``vawg demo``: generate a synthetic Kent, load it, run every analysis, write the reports.

The demo needs nothing of the user's: the synthetic force is built from the shipped Kent and
Medway reference. What it runs is :data:`STEPS`, one ordered list in this module: each step
calls the same functions as its command and writes the analyst and the public versions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from vawg.cli._app import app
from vawg.cli.audit import analyst_audit, run_audit, run_outcomes
from vawg.cli.common import analysed_on, console, output_manifest
from vawg.cli.drivers import write_drivers, write_hotspots
from vawg.cli.evaluate import analyst_evaluations, run_evaluate, run_target
from vawg.cli.ingest import ingest_and_report
from vawg.cli.open_data import write_open_drivers, write_open_hotspots, write_open_outcomes
from vawg.cli.profile import run_profile
from vawg.cli.survey import analyse_surveys, write_survey
from vawg.cli.web import dashboard_hint, run_publish
from vawg.config import Settings
from vawg.datasets import police_uk_kent_months
from vawg.errors import InputError
from vawg.models.drivers import drivers
from vawg.models.open_data import open_data_drivers
from vawg.opensite import MadeResults
from vawg.outcomes.open_data import open_data_outcomes
from vawg.outcomes.summary import outcome_summary
from vawg.profile import profile
from vawg.spatial.analysis import hotspot_analysis
from vawg.spatial.open_data import open_data_hotspots
from vawg.spatial.public import disclose_hotspots
from vawg.survey import disclose_survey
from vawg.synth import generate
from vawg.targeting.analysis import targeting

__all__ = ["OPEN_STEPS", "STEPS", "DemoStep", "demo"]

ALL = ("html", "json", "csv")
PUBLIC = ("html", "json")


@dataclass(frozen=True)
class DemoStep:
    """One analysis of the demo: what it is, and how to run it on (database, reports folder,
    settings, the public Results made so far), returning the files it wrote. A step keeps its
    public Result in ``made``, so the open site, last, takes it instead of making it again."""

    title: str
    run: Callable[[Path, Path, Settings, MadeResults], list[Path]]


def _profile(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analysed_on(db, lambda t: profile(t, settings))
    return [
        *run_profile(db, reports, settings, public=False, analysed=result),
        *run_profile(
            db, reports, settings, public=True, formats=PUBLIC, made=made, analysed=result
        ),
    ]


def _drivers(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analysed_on(db, lambda t: drivers(t, settings))
    return [
        *write_drivers(result, reports, settings, public=False, formats=ALL, db=db),
        *write_drivers(result, reports, settings, public=True, formats=PUBLIC, db=db),
    ]


def _hotspots(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analysed_on(db, lambda t: hotspot_analysis(t, settings))
    made.places = disclose_hotspots(result, settings)
    return [
        *write_hotspots(result, reports, settings, public=False, formats=(*ALL, "png"), db=db),
        *write_hotspots(made.places, reports, settings, public=True, formats=PUBLIC, db=db),
    ]


def _surveys(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analyse_surveys(db, settings)
    made.survey = disclose_survey(result, settings)
    return [
        *write_survey(result, reports, settings, public=False, formats=ALL, db=db),
        *write_survey(made.survey, reports, settings, public=True, formats=PUBLIC, db=db),
    ]


def _outcomes(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    summary = analysed_on(db, lambda t: outcome_summary(t, settings))
    return [
        *run_outcomes(db, reports, settings, public=False, analysed=summary),
        *run_outcomes(db, reports, settings, public=True, made=made, analysed=summary),
    ]


def _audit(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analyst_audit(db, settings)
    return [
        *run_audit(db, reports, settings, public=False, analysed=result),
        *run_audit(db, reports, settings, public=True, analysed=result),
    ]


def _evaluate(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    analysed = analyst_evaluations(db, settings)
    made.evaluation, made.programme, written = run_evaluate(
        db, reports, settings, public=True, analysed=analysed
    )
    return [*run_evaluate(db, reports, settings, public=False, analysed=analysed)[2], *written]


def _target(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    ranked = analysed_on(db, lambda t: targeting(t, settings))
    made.targeting, written = run_target(
        db, reports, settings, public=True, formats=PUBLIC, analysed=ranked
    )
    return [
        *run_target(db, reports, settings, public=False, formats=ALL, analysed=ranked)[1],
        *written,
    ]


def _open_site(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    pages = run_publish(db, reports / "site", settings, made)
    return [p for p in pages if p.name == "index.html"]


STEPS: tuple[DemoStep, ...] = (
    DemoStep("perpetrator problem profile (vawg profile)", _profile),
    DemoStep("drivers: deprivation, pubs, town centres, weather (vawg drivers)", _drivers),
    DemoStep("hot spots, Getis-Ord G* (vawg hotspots)", _hotspots),
    DemoStep("public and victims' surveys (vawg survey)", _surveys),
    DemoStep("criminal justice outcomes (vawg outcomes)", _outcomes),
    DemoStep("half-year audit (vawg audit)", _audit),
    DemoStep("did it work? Safer Streets and the perpetrator programme (vawg evaluate)", _evaluate),
    DemoStep("where next: targeting map, near repeats, repeat locations (vawg target)", _target),
    # last: the open site carries the public versions of the analyses above
    DemoStep("open transparency site (vawg publish)", _open_site),
)
"""What the demo runs, in order."""


def _open_profile(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    return run_profile(db, reports, settings, public=False)


def _open_outcomes(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analysed_on(db, open_data_outcomes)
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


def _open_drivers(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analysed_on(db, lambda t: open_data_drivers(t, k=settings.hotspot_k))
    manifest = output_manifest(db, "drivers", settings, public=False)
    return write_open_drivers(
        result, reports, ALL, public=False, settings=settings, db=db, manifest=manifest
    )


def _open_hotspots(db: Path, reports: Path, settings: Settings, made: MadeResults) -> list[Path]:
    result = analysed_on(db, lambda t: open_data_hotspots(t, settings))
    manifest = output_manifest(db, "hotspots", settings, public=False)
    return write_open_hotspots(
        result, reports, settings, ALL, public=False, db=db, manifest=manifest
    )


OPEN_STEPS: tuple[DemoStep, ...] = (
    DemoStep("open-data profile (vawg profile)", _open_profile),
    DemoStep("police.uk outcome categories (vawg outcomes)", _open_outcomes),
    DemoStep("area model, violence and sexual offences (vawg drivers)", _open_drivers),
    DemoStep("hot spots, violence and sexual offences (vawg hotspots)", _open_hotspots),
    DemoStep("open transparency site from open data (vawg publish)", _open_site),
)
"""What ``vawg demo --open-data`` runs, in order, on the shipped police.uk Kent months."""

OPEN_LEFT = (
    "open data cannot support the VAWG profile, the survey, the audit or the evaluations: "
    "they need a force extract (vawg ingest) and survey responses"
)


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
    if open_data:
        files = police_uk_kent_months(data)
        console.print(f"[green]wrote[/] {len(files)} police.uk Kent street files to {data}")
    else:
        with console.status(f"generating a synthetic Kent at scale {scale} (seed {seed})"):
            synthetic = generate(data, scale=scale, seed=seed)
        console.print(f"[green]generated[/] {data} ({sum(synthetic.row_counts.values()):,} rows)")
    if db.exists():
        db.unlink()
    ingest_and_report([data], db)
    steps = OPEN_STEPS if open_data else STEPS
    settings = Settings()
    made = MadeResults()
    written: list[tuple[str, Path]] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("analyses", total=len(steps))
        for step in steps:
            progress.update(task, description=step.title)
            written += [(step.title, path) for path in step.run(db, reports, settings, made)]
            progress.advance(task)
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
