"""``vawg mapping check|init`` and ``vawg ingest --mapping``: a force's own export, mapped."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import console
from vawg.errors import InputError
from vawg.mapping import (
    MappedLoad,
    check,
    draft,
    load_mapping,
    load_translation,
    translate,
    workbook_mapping,
)
from vawg.safe_csv import write_csv

__all__ = ["ingest_mapped", "mapping_app"]

mapping_app = typer.Typer(
    help="Map a force's own export (its column names, codes and values) to the data contract.\n\n"
    "Example: vawg mapping check extract/ --mapping force.toml",
    no_args_is_help=True,
)
app.add_typer(mapping_app, name="mapping")

FilesArgument = Annotated[
    list[Path], typer.Argument(help="Source files (.csv or .xlsx) or folders.", show_default=False)
]
MappingOption = Annotated[
    Path, typer.Option("--mapping", help="The mapping file (TOML).", show_default=False)
]


def _lines(lines: tuple[int, ...], most: int = 8) -> str:
    shown = ", ".join(str(n) for n in lines[:most])
    return shown + (f" … (+{len(lines) - most})" if len(lines) > most else "")


def _sources(result: MappedLoad, verb: str) -> None:
    table = Table(title=f"Source rows {verb}")
    for name in ("source", "rows", verb, "quarantined", "blank rows skipped"):
        table.add_column(name, justify="left" if name == "source" else "right")
    for s in result.sources:
        bad = f"[red]{s.quarantined:,}[/]" if s.quarantined else "0"
        table.add_row(
            escape(Path(s.label).name), f"{s.rows:,}", f"{s.loaded:,}", bad, f"{s.blank:,}"
        )
    console.print(table)


def ingest_mapped(
    paths: list[Path],
    db: Path,
    mapping_file: Path | None,
    kind: str | None = None,
    *,
    require_encryption: bool = False,
) -> MappedLoad:
    """Translate ``paths`` with the mapping, load them, show the counts in the source's terms.

    Without a mapping file, each path is a workbook in the contract's names (``crimes.xlsx``).
    """
    if mapping_file is not None:
        translation = translate(load_mapping(mapping_file), paths)
        result = load_translation(translation, db, require_encryption=require_encryption)
    else:
        translations = [translate(workbook_mapping(p, kind), [p]) for p in paths]
        first = translations[0]
        for other in translations[1:]:
            first.sources += other.sources
            for table, by_source in other.tables.items():
                first.tables.setdefault(table, {}).update(by_source)
        result = load_translation(first, db, require_encryption=require_encryption)
    _sources(result, "loaded")
    for f in result.load.files:
        if f.status == "unchanged":
            console.print(
                f"  [dim]{escape(Path(f.file).parent.name)}/{Path(f.file).name}: unchanged[/]"
            )
    if result.fresh:
        target = db.resolve().parent / "quarantine.csv"
        write_csv(target, ("file", "line", "column", "value", "reason"), result.fresh)
        console.print(
            f"[red]{len(result.fresh):,} quarantine records[/] (source file, line, column and "
            f"value) written to {target}"
        )
    return result


@mapping_app.command("check")
def check_command(files: FilesArgument, mapping: MappingOption) -> None:
    """List every value the mapping cannot place, with its count and rows, before loading.

    The files are translated and loaded into a throwaway database, so the list is exactly what
    `vawg ingest --mapping` would quarantine from these files (checks against rows already in
    your database are not run). Unmapped values come first.

    Example: vawg mapping check extract/ --mapping force.toml
    """
    findings, trial = check(load_mapping(mapping), files)
    _sources(trial, "would load")
    if not findings:
        console.print("[green]every value is mapped and every row would load[/]")
        return
    table = Table(title="Values that would be quarantined")
    for name in ("file", "column", "value", "rows", "lines", "reason"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for f in findings:
        table.add_row(
            escape(Path(f.file).name),
            escape(f.column),
            escape(f.value),
            f"{f.count:,}",
            _lines(f.lines),
            escape(f.reason),
        )
    console.print(table)
    unmapped = sum(f.count for f in findings if f.unmapped)
    console.print(
        f"{sum(f.count for f in findings):,} values in "
        f"{sum(s.quarantined for s in trial.sources):,} rows would be quarantined; "
        f"values missing from the mapping: {unmapped:,}"
    )


@mapping_app.command("init")
def init_command(
    files: FilesArgument,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the draft here (default: print it).", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
    """Draft a mapping from the files' headers and values, for you to check and complete.

    Example: vawg mapping init extract/pairs.csv --out force.toml
    """
    paths = [p for f in files for p in (sorted(f.iterdir()) if f.is_dir() else [f])]
    text = draft([p for p in paths if p.suffix.lower() in (".csv", ".xlsx")])
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.exists() and not force:
        raise InputError(f"{out}: exists; pass --force to overwrite it")
    out.write_text(text, encoding="utf-8")
    console.print(f"draft mapping written to {out}; check it with `vawg mapping check`")
