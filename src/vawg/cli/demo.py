"""``vawg demo``: generate a synthetic Kent, load it, run every analysis, write the reports.

The demo needs nothing of the user's: the synthetic force is built from the shipped Kent and
Medway reference. Each analysis adds itself to :data:`STEPS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import console
from vawg.cli.ingest import ingest_and_report
from vawg.config import Settings
from vawg.errors import InputError
from vawg.synth import generate

__all__ = ["STEPS", "demo"]

Step = Callable[[Path, Path, Settings], list[Path]]
"""A demo step: (database, output folder, settings) → the files it wrote."""

STEPS: list[tuple[str, Step]] = []
"""Analyses the demo runs, in order, as (what it is, how to run it)."""


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the data, database and reports.")] = Path(
        "demo-output"
    ),
    scale: Annotated[float, typer.Option(help="Size of the synthetic force (1.0 = Kent).")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic force.")] = 0,
) -> None:
    """Build a synthetic Kent, load it, run every analysis and write the reports.

    Needs no data of yours: the synthetic force is generated from the real Kent and Medway area
    reference shipped with the package, with known planted effects (see data/truth.json).

    Example: vawg demo --out demo-output --scale 0.2
    """
    if scale <= 0:
        raise InputError(f"--scale {scale}: must be greater than 0, e.g. --scale 0.2")
    started = time.perf_counter()
    data, reports = out / "data", out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    db = out / "vawg.duckdb"
    with console.status(f"generating a synthetic Kent at scale {scale} (seed {seed})"):
        synthetic = generate(data, scale=scale, seed=seed)
    console.print(f"[green]generated[/] {data} ({sum(synthetic.row_counts.values()):,} rows)")
    if db.exists():
        db.unlink()
    ingest_and_report([data], db)
    settings = Settings()
    written: list[tuple[str, Path]] = []
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        for title, step in STEPS:
            task = progress.add_task(title, total=None)
            written += [(title, path) for path in step(db, reports, settings)]
            progress.remove_task(task)
    table = Table(title="Where to look", show_header=True)
    table.add_column("what")
    table.add_column("file")
    table.add_row("synthetic data and the planted truth", str(data / "truth.json"))
    table.add_row("database", str(db))
    for title in dict.fromkeys(title for title, _ in written):
        files = [path for name, path in written if name == title]
        pages = [path for path in files if path.suffix == ".html"] or files
        others = len(files) - len(pages)
        more = f" (+{others} JSON/CSV/PNG beside)" if others else ""
        table.add_row(title, "\n".join(str(path) for path in pages) + more)
    console.print(table)
    from vawg.cli.web import dashboard_hint  # the web commands register on the demo's STEPS

    console.print(Panel.fit(dashboard_hint(db), title="the analyst dashboard", border_style="blue"))
    console.print(
        Panel.fit(
            f"Done in {time.perf_counter() - started:.0f} s. Open the HTML reports in a browser; "
            "they work offline.",
            border_style="green",
        )
    )
