"""``vawg ingest`` and ``vawg status``: load a delivery, and show the deliveries loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import DbOption, console, progress_bar
from vawg.ingest import InputFile
from vawg.keys import KEY_VARIABLE
from vawg.safe_csv import RESTRICTED, write_csv
from vawg.store import DEFAULT_DB, LoadResult, load_paths, status

__all__ = ["FLAGGED_EXIT", "ingest", "ingest_and_report", "status_command"]

FLAGGED_EXIT = 3
"""Exit code of a load that finished but quarantined more of a file than allowed."""

QUARANTINE_HEADER = ("file", "line", "last_line", "column", "value", "reason")


def _number(value: int) -> str:
    return f"{value:,}" if value else "·"


def _show(result: LoadResult, max_quarantined: float) -> None:
    title = "Load" if result.delivery is None else f"Delivery {result.delivery}"
    if result.replace:
        title += " (full replacement)"
    table = Table(title=title, show_lines=False)
    # What changed is worth columns only when something was not simply added.
    changed = any(f.updated or f.withdrawn or f.unchanged_rows for f in result.files)
    right = (
        "read",
        "loaded",
        "quarantined",
        *(("added", "updated", "withdrawn") if changed else ()),
    )
    widest = max((len(Path(f.file).name) for f in result.files), default=4)
    table.add_column("file", min_width=min(widest, 40), overflow="fold")
    for name in right:
        # Fold rather than cut: nothing is shown as "…" on a narrow terminal.
        table.add_column(name, justify="right", overflow="fold")
    for f in result.files:
        bad = f"[red]{f.quarantined:,}[/]" if f.quarantined else "0"
        if f.flagged:
            bad = f"[bold red]{f.quarantined:,} ({f.share:.0%})[/]"
        name = escape(Path(f.file).name)
        if Path(f.file).stem != f.kind:
            name += f" [dim]({f.kind})[/]"
        if f.status != "loaded":
            name += " [dim]unchanged[/]"
        counts = [f"{f.read:,}", f"{f.loaded:,}", bad]
        if changed:
            counts += [_number(f.added), _number(f.updated), _number(f.withdrawn)]
        table.add_row(name, *counts)
    totals = [f"[b]{result.read:,}[/]", f"[b]{result.loaded:,}[/]", f"[b]{result.quarantined:,}[/]"]
    table.add_row("[b]total[/]", *totals, *([""] * (len(right) - 3)))
    console.print(table)
    for f in result.files:
        for note in f.notes:
            console.print(f"  [yellow]note[/] {escape(Path(f.file).name)}: {escape(note)}")
    for name, rows in result.withdrawn:
        console.print(f"  [yellow]withdrawn[/] {rows:,} {name} rows the full replacement lacks")
    for orphan in result.orphans:
        console.print(
            f"  [red]moved to quarantine[/] {orphan.rows:,} {orphan.table} rows whose "
            f"{orphan.column} is no longer in {orphan.target}"
        )
    for note in result.notes:
        console.print(f"  [yellow]note[/] {escape(note)}")
    for f in result.flagged:
        console.print(
            f"  [bold red]flagged[/] {escape(Path(f.file).name)}: {f.share:.1%} of its records "
            f"were quarantined (more than --max-quarantined {max_quarantined:g}); check the file "
            "(its encoding, delimiter, columns) and load it again"
        )
    for skipped in result.skipped:
        console.print(f"  [dim]skipped {escape(skipped)} (not a known input file)[/]")
    if result.delivery is None:
        console.print("  nothing new: every file was loaded before with the same content")
    state = "encrypted" if result.encrypted else "[yellow]not encrypted[/]"
    console.print(f"  the database is {state}")


def ingest_and_report(
    paths: list[Path],
    db: Path,
    kind: str | None = None,
    *,
    encoding: str = "utf-8",
    replace: bool = False,
    label: str | None = None,
    max_quarantined: float = 0.05,
    require_encryption: bool = False,
) -> LoadResult:
    """Load ``paths`` into ``db`` with a progress bar; write quarantine.csv when needed."""
    with progress_bar() as progress:
        task = progress.add_task("loading", total=None)

        def on_files(files: list[InputFile]) -> None:
            progress.update(task, total=len(files))

        def on_file(file: InputFile) -> None:
            progress.update(task, description=f"loading {file.path.name}", advance=1)

        result = load_paths(
            paths,
            db,
            kind=kind,
            encoding=encoding,
            replace=replace,
            label=label,
            max_quarantined=max_quarantined,
            require_encryption=require_encryption,
            on_file=on_file,
            on_files=on_files,
        )
    _show(result, max_quarantined)
    if result.quarantine:
        target = db.resolve().parent / "quarantine.csv"
        write_csv(
            target,
            QUARANTINE_HEADER,
            result.quarantine,
            marking=f"{RESTRICTED}: values from the input files, quarantined at load "
            f"(delivery {result.delivery}); keep it as you keep the extract",
        )
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
    encoding: Annotated[
        str,
        typer.Option(help="Encoding of the CSV files, e.g. cp1252 for Windows-1252 exports."),
    ] = "utf-8",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="The delivery is a full extract: withdraw rows of its tables it does not hold.",
        ),
    ] = False,
    delivery: Annotated[
        str | None,
        typer.Option(help="Name of the delivery (default: the names of the paths)."),
    ] = None,
    max_quarantined: Annotated[
        float,
        typer.Option(
            help="Flag a file with more than this share of its records quarantined, and exit "
            f"with code {FLAGGED_EXIT}.",
            min=0.0,
            max=1.0,
        ),
    ] = 0.05,
    unencrypted: Annotated[
        bool,
        typer.Option(
            "--unencrypted",
            help=f"Allow person-level data in a database without a key ({KEY_VARIABLE}).",
        ),
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="A mapping file (TOML) for a force's own export: see `vawg mapping`.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Load a delivery: every record loaded or quarantined with its line, never lost.

    A delivery (everything one run loads) updates the rows it holds, identified
    by key (a crime by crime_ref), and keeps the others; --replace withdraws the
    rest. A damaged record (a stray quote, a bad byte) costs only itself.
    Loading is atomic and idempotent. Rows that break the data contract go to
    quarantine.csv beside the database (OFFICIAL-SENSITIVE, for its owner only).
    Person-level data needs an encrypted database: set VAWG_DB_KEY or store a
    key in the OS keyring (keyring set vawg-insight database).
    A .xlsx workbook named like a contract file (crimes.xlsx) is read like the CSV;
    its quarantine records name the sheet and row. A force's own export needs --mapping.

    Example: vawg ingest extract-2024-03/ --db vawg.duckdb --encoding cp1252
    """
    workbooks = [p for p in paths if p.suffix.lower() == ".xlsx"]
    if mapping is not None or workbooks:
        from vawg.cli.mapping import ingest_mapped

        ingest_mapped(
            paths if mapping is not None else workbooks,
            db,
            mapping,
            kind,
            require_encryption=not unencrypted,
        )
        paths = [] if mapping is not None else [p for p in paths if p not in workbooks]
    if not paths:
        return
    result = ingest_and_report(
        paths,
        db,
        kind,
        encoding=encoding,
        replace=replace,
        label=delivery,
        max_quarantined=max_quarantined,
        require_encryption=not unencrypted,
    )
    if result.flagged:
        raise typer.Exit(FLAGGED_EXIT)


def _period(start: object, end: object) -> str:
    if start is None:
        return "·"
    return f"{start} to {end}" if start != end else str(start)


@app.command("status")
def status_command(db: DbOption = DEFAULT_DB) -> None:
    """Show the deliveries loaded, newest first: their periods, files and what changed.

    Example: vawg status --db vawg.duckdb
    """
    held = status(db)
    if not held.deliveries:
        console.print(f"{db}: nothing loaded yet; use `vawg ingest PATH --db {db}`")
        return
    state = "encrypted" if held.encrypted else "not encrypted"
    table = Table(title=f"Deliveries in {db} ({state}), newest first")
    for name, justify in (
        ("#", "right"),
        ("delivery", "left"),
        ("loaded at", "left"),
        ("period", "left"),
        ("loaded", "right"),
        ("quarantined", "right"),
        ("changes", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for d in reversed(held.deliveries):
        changes = f"+{d.added:,} ~{d.updated:,} -{d.withdrawn + d.orphaned:,}"
        table.add_row(
            str(d.delivery),
            escape(d.label) + (" [b](replace)[/]" if d.replace else ""),
            f"{d.loaded_at:%Y-%m-%d %H:%M}",
            _period(d.period_from, d.period_to),
            f"{d.loaded:,}",
            f"{d.quarantined:,}",
            changes,
        )
    console.print(table)
    console.print("  changes: +added ~updated -withdrawn (or moved to quarantine as orphans)")
    files = Table(title="Files")
    for name, justify in (
        ("#", "right"),
        ("file", "left"),
        ("read", "right"),
        ("loaded", "right"),
        ("quarantined", "right"),
        ("period", "left"),
        ("sha256", "left"),
    ):
        files.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for d in reversed(held.deliveries):
        for f in d.files:
            name = escape(f.name) + (f" [dim]({f.kind})[/]" if Path(f.name).stem != f.kind else "")
            files.add_row(
                str(d.delivery),
                name,
                f"{f.read:,}",
                f"{f.loaded:,}",
                f"{f.quarantined:,}",
                _period(f.period_from, f.period_to),
                f.sha256[:12],
            )
    console.print(files)
