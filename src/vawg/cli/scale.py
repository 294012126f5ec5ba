"""``vawg export`` and ``vawg spark-check``: put the store on a cluster, and check Spark agrees."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import ConfigOption, DbOption, SetOption, console, settings_from
from vawg.config import Settings
from vawg.errors import InputError
from vawg.manifest import build_manifest
from vawg.query import connect
from vawg.report.stamp import mark_folder
from vawg.scale import ExportResult, SparkCheck, check_spark, export_parquet, local_spark
from vawg.scale import spark_tables as open_spark_tables
from vawg.store import DEFAULT_DB

__all__ = ["export", "run_export", "run_spark_check", "spark_check"]


def run_export(db: Path, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Export every table of ``db`` to Parquet under ``out_dir``; the folders written.

    The export holds person-level data: it is marked (``MANIFEST.json``, OFFICIAL-SENSITIVE)
    and readable by its owner only.
    """
    folders = [t.path for t in export_parquet(db, out_dir, overwrite=overwrite).tables]
    mark_folder(out_dir, build_manifest(db, command="vawg export"))
    return folders


def run_spark_check(
    source: str, settings: Settings, *, db: Path | None = None, cores: int = 2
) -> SparkCheck:
    """Start a local Spark, open ``source`` on it and run :func:`vawg.scale.check_spark`."""
    if cores < 1:
        raise InputError(f"--cores {cores}: give 1 or more")
    duckdb = connect(db) if db is not None else None
    session = local_spark(f"local[{cores}]")
    return check_spark(open_spark_tables(session, source), settings, duckdb)


def _show_export(result: ExportResult) -> None:
    table = Table(title=f"Parquet export to {result.out_dir}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("folder")
    for t in result.tables:
        table.add_row(t.name, f"{t.rows:,}", str(t.path))
    console.print(table)


@app.command()
def export(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write one Parquet folder per table into.")
    ],
    db: DbOption = DEFAULT_DB,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace table folders that already hold files.")
    ] = False,
) -> None:
    """Export every table of the store as Parquet (one folder per table) for Spark or a lake.

    The files hold person-level data: they are marked OFFICIAL-SENSITIVE (MANIFEST.json) and
    readable by their owner only; keep them where the database itself may be kept.

    Open them on Spark with vawg.scale.spark_tables (see docs/scale-out.md).

    Example: vawg export --db vawg.duckdb --out export/
    """
    result = export_parquet(db, out, overwrite=overwrite)
    mark_folder(out, build_manifest(db, command="vawg export"))
    _show_export(result)
    console.print(
        f"[green]wrote[/] {sum(t.rows for t in result.tables):,} rows in "
        f"{len(result.tables)} tables; on Spark: spark_tables(spark, {str(out)!r})"
    )


@app.command("spark-check")
def spark_check(
    source: Annotated[
        str,
        typer.Argument(
            help="Folder (or URI) `vawg export` wrote, or a Spark database holding the tables."
        ),
    ],
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB store to compare with (the one the export came from)."),
    ] = None,
    cores: Annotated[int, typer.Option("--cores", help="Cores for the local Spark.")] = 2,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Run the VAWG scope and crimes per month on a local Spark; with --db, check DuckDB agrees.

    Needs the Spark extra (pip install 'vawg-insight\\[spark]') and Java 17 or 21.

    Exits with an error naming the parts that differ, if any do.

    Example: vawg spark-check export/ --db vawg.duckdb
    """
    settings = settings_from(config, set_)
    with console.status("starting Spark and running the scope there..."):
        result = run_spark_check(source, settings, db=db, cores=cores)
    start, end = result.period
    table = Table(title=f"VAWG scope on Spark, {start} to {end}")
    for name in result.exclusions.columns:
        table.add_column(name, justify="right" if name.startswith("crimes") else "left")
    for row in result.exclusions.iter_rows():
        table.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row))
    console.print(table)
    counts = result.counts.row(0, named=True)
    per_month = result.crimes_per_month
    console.print(
        f"{counts['crimes_in_scope']:,} crimes in scope, {counts['distinct_offenders']:,} "
        f"perpetrators, {counts['distinct_victims']:,} victims; "
        f"{int(per_month['crimes'].sum()):,} crimes recorded in {per_month.height} months"
    )
    if result.differences is None:
        return
    if result.differences:
        raise InputError(
            f"Spark and DuckDB ({db}) differ in: {', '.join(result.differences)}; "
            "check that the export is complete and of this database"
        )
    console.print(f"[green]identical[/] to DuckDB ({db}): exclusions, counts, crimes per month")
