"""``vawg synth``: write a synthetic force extract (Kent, England or one force) with known truth."""

from __future__ import annotations

import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import check_period, console, parse_day
from vawg.errors import InputError
from vawg.synth import SynthResult, generate

__all__ = ["Geography", "synth"]


class Geography(StrEnum):
    """Where the synthetic force lives (see vawg.synth.geography)."""

    kent = "kent"
    england = "england"


_SHOW_PROGRESS_AFTER = 1.0  # seconds


def _check(scale: float, start: date, end: date) -> None:
    if not scale > 0:
        raise InputError(
            f"--scale {scale}: must be greater than 0 (1.0 = Kent-sized); e.g. --scale 0.2"
        )
    check_period(start, end)


class _LateProgress:
    """A Rich progress bar that only appears once generation has taken over a second."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("generating", total=1.0)
        self.shown = False

    def __call__(self, step: str, done: float) -> None:
        if not self.shown and time.perf_counter() - self.started > _SHOW_PROGRESS_AFTER:
            self.progress.start()
            self.shown = True
        self.progress.update(self.task, completed=done, description=f"generating: {step}")

    def close(self) -> None:
        if self.shown:
            self.progress.stop()


def _summary(result: SynthResult, seconds: float) -> None:
    files = Table(title=f"Written to {result.out_dir}")
    files.add_column("file")
    files.add_column("rows", justify="right")
    for name, path in result.files.items():
        rows = result.row_counts.get(name)
        files.add_row(path.name, f"{rows:,}" if rows is not None else "")
    console.print(files)
    h = result.truth["headline"]
    planted = result.truth["planted"]
    ratio = h["home_crimes"] / h["public_crimes"] if h["public_crimes"] else float("nan")
    truth = Table(title="Headline truth (default VAWG scope)", show_header=False)
    truth.add_column("what")
    truth.add_column("value", justify="right")
    for label, value in (
        ("crimes in scope", f"{h['crimes_in_scope']:,}"),
        ("distinct male offenders 18+", f"{h['distinct_offenders']:,}"),
        ("distinct female victims", f"{h['distinct_victims']:,}"),
        ("home : public", f"{ratio:.2f} : 1"),
        ("harm share of the top 10% of offenders", f"{h['harm_share_top_10pct']:.1%}"),
        ("planted RR per degree C of tmax", f"{planted['daily']['tmax_per_degree']:g}"),
        (
            "planted birthday RR (offender / victim)",
            f"{planted['birthday']['offender_birthday']:g} / "
            f"{planted['birthday']['victim_birthday']:g}",
        ),
    ):
        truth.add_row(label, value)
    console.print(truth)
    geo = result.truth["geography"]
    console.print(
        f"[green]done[/] in {seconds:.1f} s; every planted parameter is in "
        f"{result.files['truth']} (synthetic data on {geo['lsoas']:,} real LSOAs of "
        f"{geo['label']}: not real figures)."
    )


@app.command("synth")
def synth(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder to write the files into.", show_default=False, metavar="FOLDER"
        ),
    ],
    scale: Annotated[
        float,
        typer.Option(
            help="Size: multiplies people and crimes (1.0 = the geography's own size: Kent-sized "
            "for Kent, national for England)."
        ),
    ] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 0,
    from_: Annotated[
        date,
        typer.Option(
            "--from", parser=parse_day, metavar="DATE", help="First recorded date to generate."
        ),
    ] = date(2017, 4, 1),
    to: Annotated[
        date,
        typer.Option(
            "--to", parser=parse_day, metavar="DATE", help="Last recorded date to generate."
        ),
    ] = date(2022, 3, 31),
    null: Annotated[
        bool, typer.Option("--null", help="Plant no effects (every rate ratio 1), same volumes.")
    ] = False,
    geography: Annotated[
        Geography | None,
        typer.Option(
            "--geography",
            help="kent (Kent and Medway, the default) or england (all 32,844 English LSOAs in "
            "39 police force areas; --scale 1 is national volume, about 30 times Kent).",
            show_default=False,
        ),
    ] = None,
    parquet: Annotated[
        bool,
        typer.Option(
            "--parquet", help="Write the tables as Parquet (same values, smaller) instead of CSV."
        ),
    ] = False,
    force: Annotated[
        str | None,
        typer.Option(
            "--force",
            help="One English police force area of the national reference (e.g. 'Greater "
            "Manchester'); --scale 1 is that force's volume.",
            metavar="NAME",
        ),
    ] = None,
    blank_lsoa_share: Annotated[
        float,
        typer.Option(
            "--blank-lsoa-share",
            help="Share of crimes with coordinates written without an LSOA code (0 to 1).",
        ),
    ] = 0.2,
) -> None:
    """Write a synthetic force extract whose truth is known (Kent, England or one force).

    Writes crimes, people, involvements, CJS events, areas, weather and both surveys in the
    data-contract format, plus truth.json (every planted effect and the true headline values)
    and a README. Nothing in it is real: it has Kent's rates, on real LSOAs of Kent, of
    England (--geography england) or of one English force (--force NAME).

    Example: vawg synth --out synthetic --scale 0.2 --seed 1
    """
    start, end = from_, to
    _check(scale, start, end)
    where = geography.value if geography is not None else ("england" if force else "kent")
    began = time.perf_counter()
    bar = _LateProgress()
    try:
        result = generate(
            out,
            scale=scale,
            seed=seed,
            start=start,
            end=end,
            null=null,
            progress=bar,
            geography=where,
            force=force,
            parquet=parquet,
            blank_lsoa_share=blank_lsoa_share,
        )
    finally:
        bar.close()
    _summary(result, time.perf_counter() - began)
