"""``vawg profile``: the VAWG perpetrator problem profile (HTML, JSON, CSV)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    FromOption,
    OutOption,
    SetOption,
    ToOption,
    console,
    output_formats,
    period_settings,
    settings_from,
)
from vawg.config import Settings
from vawg.errors import InputError
from vawg.profile import profile as build_profile
from vawg.profile.opendata import open_data_profile
from vawg.profile.public import disclose, disclose_open_data
from vawg.query import Tables, connect
from vawg.releases import record_result
from vawg.report.profile import write_open_data, write_profile
from vawg.store import DEFAULT_DB

__all__ = ["profile", "run_profile"]

FORMATS = ("html", "json", "csv")


class Format(StrEnum):
    """Output formats of ``vawg profile``."""

    html = "html"
    json = "json"
    csv = "csv"


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
) -> list[Path]:
    """Profile the data in ``db`` and write the report files into ``out_dir``.

    ``open_data``: ``None`` = open-data mode only when no force extract is loaded.
    """
    tables = connect(db)
    use_open = open_data if open_data is not None else not _has_force_extract(tables)
    if use_open:
        if int(tables.police_street.count().to_pyarrow().as_py()) == 0:
            raise InputError(
                f"{db}: no force extract and no police.uk street files are loaded; load "
                "crimes.csv, people.csv and involvements.csv (or *-street.csv) with `vawg ingest`"
            )
        opened = open_data_profile(tables)
        tables.backend.disconnect()
        if public:
            opened = disclose_open_data(opened, settings)
            record_result(db, "profile (open data)", opened, settings)
        return write_open_data(opened, out_dir, formats)
    result = build_profile(tables, settings, harm_weights=harm_weights)
    tables.backend.disconnect()
    if public:
        result = disclose(result, settings)
        record_result(db, "profile", result, settings)
    return write_profile(result, out_dir, formats)


@app.command()
def profile(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    format: Annotated[
        list[Format] | None,
        typer.Option("--format", help="html, json or csv (repeatable; default all three)."),
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
) -> None:
    """The VAWG perpetrator problem profile: volume, place, people, harm, RFGV and timing.

    The analyst version lists priority perpetrators; --public writes the disclosure-controlled one.
    With no force extract loaded, police.uk street files are profiled in open-data mode.

    Example: vawg profile --db vawg.duckdb --out reports --public
    """
    settings = period_settings(settings_from(config, set_), from_, to)
    formats = output_formats(out, [f.value for f in format or ()], FORMATS, FORMATS)
    with console.status("building the profile"):
        written = run_profile(
            db,
            out,
            settings,
            public=public,
            formats=formats,
            harm_weights=harm_weights,
            open_data=True if open_data else None,
        )
    table = Table(title="Perpetrator problem profile" + (" (public)" if public else ""))
    table.add_column("file")
    for path in written:
        table.add_row(str(path))
    console.print(table)
