"""``vawg reference``: any force's area reference, from the national reference in the package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import console
from vawg.reference import (
    BOUNDARY_DOWNLOAD,
    district_table,
    find_force,
    force_reference,
    force_table,
    read_lsoa_population,
    write_force_reference,
)

__all__ = ["build", "districts", "forces_command"]

reference_app = typer.Typer(
    help="Area references for any of the 43 police forces of England and Wales (LSOAs, IMD, "
    "population, pubs, force), cut from the national reference shipped with the package.\n\n"
    "Example: vawg reference build --force 'West Yorkshire' --out west-yorkshire",
    no_args_is_help=True,
)
app.add_typer(reference_app, name="reference")


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "-"


@reference_app.command("build")
def build(
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder to write the files into.", metavar="FOLDER"),
    ],
    force: Annotated[
        str | None,
        typer.Option(
            "--force",
            help="Police force area: name, data.police.uk id or ONS code (e.g. Kent, "
            "'Greater Manchester', thames-valley, E23000032).",
            metavar="NAME",
        ),
    ] = None,
    districts: Annotated[
        str | None,
        typer.Option(
            "--districts",
            help="Instead of a force: local authority districts, comma-separated names or codes.",
            metavar="A,B",
        ),
    ] = None,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            help="LSOA 2011 boundaries (GeoJSON, any extent) to cut the chosen LSOAs from, "
            "written as areas.geojson.",
            metavar="FILE",
        ),
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option(
            "--population",
            help="LSOA population CSV (code and population columns) to use instead of IoD2019 "
            "mid-2015; required for Welsh LSOAs.",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Write a force's area reference (areas.csv and more), ready for vawg ingest.

    Writes areas.csv (the data contract's area table), district_population.csv,
    lsoa_reference.csv (every shipped column: names, IMD rank and domains) and a README saying
    what is missing. Pubs are district totals; town centres are not flagged. Boundaries are
    cut from a GeoJSON you download (the command names it when none is given).

    Example: vawg reference build --force 'West Yorkshire' --out west-yorkshire
    """
    chosen = [d.strip() for d in districts.split(",") if d.strip()] if districts else None
    pop = read_lsoa_population(population) if population is not None else None
    ref = force_reference(
        force=force,
        districts=chosen,
        population=pop,
        population_source=str(population) if population is not None else None,
    )
    written = write_force_reference(ref, out, boundaries=boundaries)
    table = Table(title=f"{ref.label}: written to {written.out_dir}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for frame, path in (
        (ref.areas, written.files["areas"]),
        (ref.district_population, written.files["district_population"]),
        (ref.lsoas, written.files["lsoa_reference"]),
    ):
        table.add_row(path.name, f"{frame.height:,}")
    if "boundaries" in written.files:
        kept = ref.areas.height - len(written.boundaries_missing or ())
        table.add_row("areas.geojson", f"{kept:,}")
    console.print(table)
    console.print(
        f"{ref.areas.height:,} LSOAs in {ref.lsoas['district_code'].n_unique():,} districts; "
        f"population: {escape(ref.population_source)}."
    )
    for note in ref.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if written.boundaries_missing:
        console.print(
            f"[yellow]note:[/] {len(written.boundaries_missing):,} LSOAs have no polygon in "
            f"{escape(str(boundaries))} (first: {', '.join(written.boundaries_missing[:3])})."
        )
    if boundaries is None:
        console.print(
            "[yellow]no boundaries:[/] crimes are placed by their LSOA code only, and maps and "
            f"contiguity need polygons. Download {escape(BOUNDARY_DOWNLOAD)}, then run again "
            "with --boundaries FILE."
        )
    console.print(f"next: vawg ingest {escape(str(written.files['areas']))}")


@reference_app.command("forces")
def forces_command() -> None:
    """List the 43 police force areas: names, ids, districts, LSOAs and population.

    A force can be named by its name, its police.uk id or its ONS code (E23000032 for Kent).
    People are the IoD2019 mid-2015 total (England only); females are ONS mid-2019.

    Example: vawg reference forces
    """
    frame = force_table()
    table = Table(
        title="Police force areas of England and Wales",
        caption="people: IoD2019 mid-2015 (England only); females: ONS mid-2019",
        box=box.SIMPLE,
    )
    table.add_column("force", ratio=1)
    for name in ("police.uk id", "LADs", "LSOAs", "people", "females"):
        justify = "left" if name == "police.uk id" else "right"
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in frame.iter_rows(named=True):
        table.add_row(
            row["force"],
            row["police_uk_id"],
            _number(row["districts"]),
            _number(row["lsoas"]),
            _number(row["population"]),
            _number(row["females"]),
        )
    console.print(table)
    console.print("Welsh forces: no LSOA population or deprivation is shipped (see PROVENANCE.md).")


@reference_app.command("districts")
def districts(
    force: Annotated[
        str | None,
        typer.Option("--force", help="Only this force's districts.", metavar="NAME"),
    ] = None,
) -> None:
    """List local authority districts (2019) with their force, LSOAs and population.

    Example: vawg reference districts --force Kent
    """
    frame = district_table(find_force(force) if force else None)
    table = Table(
        title="Districts (local authorities, 2019)",
        caption="people: IoD2019 mid-2015 (England only); pubs and bars: ONS 2018",
        box=box.SIMPLE,
    )
    table.add_column("district", ratio=1)
    table.add_column("code", no_wrap=True)
    table.add_column("force", ratio=1)
    for name in ("LSOAs", "people", "pubs"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in frame.sort(pl.col("force"), pl.col("district")).iter_rows(named=True):
        table.add_row(
            row["district"],
            row["district_code"],
            row["force"],
            _number(row["lsoas"]),
            _number(row["population"]),
            _number(row["pubs"]),
        )
    console.print(table)
