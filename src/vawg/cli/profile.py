"""``vawg profile``: the VAWG perpetrator problem profile (HTML, JSON, CSV)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    Engine,
    EngineOption,
    FromOption,
    OutOption,
    SetOption,
    SourceOption,
    ToOption,
    close_tables,
    console,
    open_tables,
    output_formats,
    output_manifest,
    period_settings,
    released,
    settings_from,
)
from vawg.config import Settings
from vawg.errors import InputError
from vawg.opensite import MadeResults
from vawg.profile import ProfileResult
from vawg.profile import profile as build_profile
from vawg.profile.opendata import open_data_profile
from vawg.profile.public import disclose, disclose_open_data
from vawg.query import Tables
from vawg.report.profile import write_open_data, write_profile
from vawg.report.stamp import stamp_outputs
from vawg.store import DEFAULT_DB

__all__ = ["profile", "run_profile"]

FORMATS = ("html", "json", "csv")


class Format(StrEnum):
    """Output formats of ``vawg profile``."""

    html = "html"
    json = "json"
    csv = "csv"
    pdf = "pdf"


def _has_force_extract(tables: Tables) -> bool:
    return int(tables.crimes.count().to_pyarrow().as_py()) > 0


def run_profile(
    db: Path,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool,
    formats: tuple[str, ...] = FORMATS,
    harm_weights: Path | None = None,
    open_data: bool | None = None,
    tables: Tables | None = None,
    made: MadeResults | None = None,
    analysed: ProfileResult | None = None,
) -> list[Path]:
    """Profile the data in ``db`` (or in ``tables``, e.g. on Spark; the release log of a
    public profile stays in ``db``) and write the report files into ``out_dir``. A public
    profile is also kept in ``made`` when given (the demo's open site takes it from there).
    ``analysed``: the (analyst) profile already made from ``db``, written (or disclosed and
    written) instead of profiling again: the demo makes it once for both reports.

    ``open_data``: ``None`` = open-data mode only when no force extract is loaded. Every file
    written carries the run's manifest.
    """
    manifest = output_manifest(db, "profile", settings, public=public)
    if analysed is not None:
        return _write_made(analysed, db, out_dir, settings, public, formats, manifest, made)
    tables = tables if tables is not None else open_tables(db)
    use_open = open_data if open_data is not None else not _has_force_extract(tables)
    if use_open:
        if int(tables.police_street.count().to_pyarrow().as_py()) == 0:
            raise InputError(
                f"{db}: no force extract and no police.uk street files are loaded; load "
                "crimes.csv, people.csv and involvements.csv (or *-street.csv) with `vawg ingest`"
            )
        opened = open_data_profile(tables, settings)
        close_tables(tables)
        if public:
            opened = released(db, "profile (open data)", opened, disclose_open_data, settings)
        return stamp_outputs(write_open_data(opened, out_dir, formats), manifest)
    result = build_profile(tables, settings, harm_weights=harm_weights)
    close_tables(tables)
    return _write_made(result, db, out_dir, settings, public, formats, manifest, made)


def _write_made(
    result: ProfileResult,
    db: Path,
    out_dir: Path,
    settings: Settings,
    public: bool,
    formats: tuple[str, ...],
    manifest: dict[str, Any],
    made: MadeResults | None,
) -> list[Path]:
    """Write the profile ``result`` (disclosed, recorded and kept in ``made`` when public)."""
    if public:
        result = released(db, "profile", result, disclose, settings)
        if made is not None:
            made.profile = result
    return stamp_outputs(write_profile(result, out_dir, formats), manifest)


@app.command()
def profile(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    format: Annotated[
        list[Format] | None,
        typer.Option(
            "--format",
            help="html, json, csv or pdf (repeatable; default html, json and csv; pdf prints the "
            "HTML with Chromium and needs the browser extra).",
        ),
    ] = None,
    out: OutOption = Path("profile"),
    public: Annotated[
        bool,
        typer.Option("--public", help="Open version: small counts suppressed, no people listed."),
    ] = False,
    harm_weights: Annotated[
        Path | None,
        typer.Option("--harm-weights", help="Harm weights CSV in the shipped table's columns."),
    ] = None,
    open_data: Annotated[
        bool,
        typer.Option(
            "--open-data", help="Profile police.uk street files even if an extract is loaded."
        ),
    ] = False,
    engine: EngineOption = Engine.duckdb,
    source: SourceOption = None,
) -> None:
    """The VAWG perpetrator problem profile: volume, place, people, harm, RFGV and timing.

    The analyst version lists priority perpetrators; --public writes the disclosure-controlled one.
    With no force extract loaded, police.uk street files are profiled in open-data mode.

    Example: vawg profile --db vawg.duckdb --out reports --public
    """
    settings = period_settings(settings_from(config, set_), from_, to)
    formats = output_formats(out, [f.value for f in format or ()], (*FORMATS, "pdf"), FORMATS)
    tables = open_tables(db, engine, source)
    with console.status("building the profile"):
        written = run_profile(
            db,
            out,
            settings,
            public=public,
            formats=formats,
            harm_weights=harm_weights,
            open_data=True if open_data else None,
            tables=tables,
        )
    table = Table(title="Perpetrator problem profile" + (" (public)" if public else ""))
    table.add_column("file")
    for path in written:
        table.add_row(str(path))
    console.print(table)
