"""``vawg ingest`` and ``vawg status``: load input files, and show what is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import DbOption, console
from vawg.ingest import InputFile
from vawg.safe_csv import write_csv
from vawg.store import DEFAULT_DB, LoadResult, load_paths, status

__all__ = ["ingest", "ingest_and_report", "status_command"]


def _show(result: LoadResult) -> None:
    table = Table(title="Load", show_lines=False)
    for name, justify in (
        ("file", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("read", "right"),
        ("loaded", "right"),
        ("quarantined", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for f in result.files:
        bad = f"[red]{f.quarantined:,}[/]" if f.quarantined else "0"
        table.add_row(Path(f.file).name, f.kind, f.status, f"{f.read:,}", f"{f.loaded:,}", bad)
    table.add_row(
        "[b]total[/]",
        "",
        "",
        f"[b]{result.read:,}[/]",
        f"[b]{result.loaded:,}[/]",
        f"[b]{result.quarantined:,}[/]",
    )
    console.print(table)
    for f in result.files:
        for note in f.notes:
            console.print(f"  [yellow]note[/] {escape(Path(f.file).name)}: {escape(note)}")
    for skipped in result.skipped:
        console.print(f"  [dim]skipped {escape(skipped)} (not a known input file)[/]")


def ingest_and_report(paths: list[Path], db: Path, kind: str | None = None) -> LoadResult:
    """Load ``paths`` into ``db`` with a progress bar; write quarantine.csv when needed."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("loading", total=None)

        def on_files(files: list[InputFile]) -> None:
            progress.update(task, total=len(files))

        def on_file(file: InputFile) -> None:
            progress.update(task, description=f"loading {file.path.name}", advance=1)

        result = load_paths(paths, db, kind=kind, on_file=on_file, on_files=on_files)
    _show(result)
    if result.quarantine:
        target = db.resolve().parent / "quarantine.csv"
        write_csv(target, ("file", "line", "column", "value", "reason"), result.quarantine)
        console.print(
            f"[red]{len(result.quarantine):,} quarantine records[/] in {result.quarantined:,} rows "
            f"written to {target}"
        )
    return result


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders to load.", show_default=False)
    ],
    db: DbOption = DEFAULT_DB,
    kind: Annotated[
        str | None,
        typer.Option(
            help="Kind of every file, when names don't tell (e.g. crimes, police_street)."
        ),
    ] = None,
) -> None:
    """Load input files into the database: every row loaded or quarantined, never lost.

    Loading is atomic (all or nothing) and idempotent (an unchanged file changes nothing; a
    changed file replaces its earlier rows). Rows that break the data contract go to
    quarantine.csv beside the database with file, line, column, value and reason.

    Example: vawg ingest extract/ police-uk/2019-01-kent-street.csv --db vawg.duckdb
    """
    ingest_and_report(paths, db, kind)


@app.command("status")
def status_command(db: DbOption = DEFAULT_DB) -> None:
    """Show what is loaded: one row per file with its counts and content hash.

    Example: vawg status --db vawg.duckdb
    """
    rows = status(db)
    table = Table(title=f"Loaded into {db}")
    for name in ("file", "kind", "loaded at", "read", "loaded", "quarantined", "sha256"):
        table.add_column(
            name, justify="right" if name in ("read", "loaded", "quarantined") else "left"
        )
    for file, kind, when, read, loaded, quarantined, digest in rows:
        table.add_row(file, kind, when, f"{read:,}", f"{loaded:,}", f"{quarantined:,}", digest)
    console.print(table if rows else f"{db}: nothing loaded yet; use `vawg ingest PATH --db {db}`")
