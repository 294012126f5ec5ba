"""``vawg profile``: the VAWG perpetrator problem profile (HTML, JSON, CSV)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import ConfigOption, DbOption, SetOption, console, settings_from
from vawg.cli.demo import STEPS
from vawg.config import Settings
from vawg.errors import InputError
from vawg.profile import profile as build_profile
from vawg.profile.opendata import open_data_profile
from vawg.profile.public import disclose, disclose_open_data
from vawg.query import Tables, connect
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
        if public:
            opened = disclose_open_data(opened, settings.disclosure_threshold)
        return write_open_data(opened, out_dir, formats, settings.disclosure_threshold)
    result = build_profile(tables, settings, harm_weights=harm_weights)
    if public:
        result = disclose(result, settings.disclosure_threshold)
    return write_profile(result, out_dir, formats)


def _demo_step(db: Path, out_dir: Path, settings: Settings) -> list[Path]:
    return [
        *run_profile(db, out_dir, settings, public=False),
        *run_profile(db, out_dir, settings, public=True, formats=("html", "json")),
    ]


STEPS.append(("perpetrator problem profile", _demo_step))


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@app.command()
def profile(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    from_: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First recorded date (inclusive)."),
    ] = None,
    to: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last recorded date (inclusive)."),
    ] = None,
    format: Annotated[
        list[Format] | None,
        typer.Option("--format", help="html, json or csv (repeatable; default all three)."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the files, or a file for one --format.")
    ] = Path("profile"),
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

    Without --from/--to the period is the last five complete financial years in the data. The
    analyst version lists priority perpetrators; --public writes the disclosure-controlled one.
    With no force extract loaded, police.uk street files are profiled in open-data mode.

    Example: vawg profile --db vawg.duckdb --out reports --public
    """
    overrides = list(set_ or [])
    if from_ is not None:
        overrides.append(f"period_start={_day(from_)}")
    if to is not None:
        overrides.append(f"period_end={_day(to)}")
    settings = settings_from(config, overrides)
    if (settings.period_start is None) != (settings.period_end is None):
        raise InputError("give both --from and --to (or neither, for the default period)")
    formats = tuple(f.value for f in format) if format else FORMATS
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
