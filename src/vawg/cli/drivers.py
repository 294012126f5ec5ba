"""``vawg drivers`` and ``vawg hotspots``: why VAWG happens where and when it does, and where."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    Engine,
    EngineOption,
    FormatOption,
    FromOption,
    OutOption,
    SetOption,
    SourceOption,
    ToOption,
    close_tables,
    console,
    open_tables,
    out_is_file,
    output_manifest,
    period_settings,
    released,
    report_formats,
    settings_from,
    write_outputs,
)
from vawg.cli.open_data import write_open_drivers, write_open_hotspots
from vawg.config import Settings
from vawg.errors import InputError
from vawg.inputs.open_data import flagged_police_months, open_data_only
from vawg.models.drivers import EFFECT_KEYS, DriversResult, drivers
from vawg.models.open_data import open_data_drivers
from vawg.models.public import disclose_drivers
from vawg.report.drivers import LABELS, drivers_csv_rows, drivers_html, drivers_json
from vawg.report.hotspots import (
    hotspot_map_figures,
    hotspots_csv_rows,
    hotspots_html,
    hotspots_json,
)
from vawg.report.maps import choropleth_png
from vawg.report.stamp import stamp_outputs
from vawg.spatial.analysis import HotspotAnalysis, hotspot_analysis
from vawg.spatial.open_data import open_data_hotspots
from vawg.spatial.public import disclose_hotspots
from vawg.store import DEFAULT_DB

__all__ = [
    "drivers_command",
    "hotspots_command",
    "write_drivers",
    "write_hotspots",
]


class WeightsKind(StrEnum):
    """Spatial weights for the hot spots."""

    knn = "knn"
    queen = "queen"
    distance = "distance"


ExcludeOption = Annotated[
    bool,
    typer.Option(
        "--exclude-anomalies",
        help="Leave out the months the feed check flags in the force extract.",
    ),
]
PublicOption = Annotated[
    bool,
    typer.Option("--public", help="Public output: small counts withheld, the rest rounded."),
]


def write_drivers(
    result: DriversResult,
    out: Path,
    settings: Settings,
    *,
    public: bool,
    formats: tuple[str, ...],
    db: Path,
) -> list[Path]:
    """Write the drivers report in ``formats`` to ``out`` (a file or a folder, see --out); a
    public report is made from the public Result, recorded first in ``db``'s release log."""
    stem = "drivers-public" if public else "drivers"
    if public:
        result = released(db, "drivers", result, disclose_drivers, settings)
    shown = result
    return write_outputs(
        out,
        stem,
        formats,
        html=lambda: drivers_html(shown),
        json_data=lambda: drivers_json(shown),
        csv_rows=lambda: drivers_csv_rows(shown),
        manifest=output_manifest(db, "drivers", settings, public=public),
    )


def write_hotspots(
    result: HotspotAnalysis,
    out: Path,
    settings: Settings,
    *,
    public: bool,
    formats: tuple[str, ...],
    db: Path,
    strict_png: bool = False,
) -> list[Path]:
    """Write the hot-spot report in ``formats`` to ``out`` (a file or a folder, see --out); a
    ``png`` format adds maps beside it. A public report is made from the public Result,
    recorded first in ``db``'s release log."""
    stem = "hotspots-public" if public else "hotspots"
    if public:
        result = released(db, "hotspots", result, disclose_hotspots, settings)
    shown = result
    manifest = output_manifest(db, "hotspots", settings, public=public)
    written = write_outputs(
        out,
        stem,
        formats,
        html=lambda: hotspots_html(shown),
        json_data=lambda: hotspots_json(shown),
        csv_rows=lambda: hotspots_csv_rows(shown),
        manifest=manifest,
    )
    if "png" in formats:
        figures = hotspot_map_figures(shown)
        for name, figure in figures.items():
            folder, base = (out.parent, out.stem) if out_is_file(out) else (out, stem)
            path = folder / f"{base}-{name}.png"
            try:
                choropleth_png(figure, path)
            except InputError:
                if strict_png:
                    raise
                continue  # PNG maps are optional beside the report unless asked for
            written += stamp_outputs([path], manifest)
    return written


@app.command("drivers")
def drivers_command(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    start: FromOption = None,
    end: ToOption = None,
    exclude_anomalies: ExcludeOption = False,
    public: PublicOption = False,
    out: OutOption = Path("."),
    engine: EngineOption = Engine.duckdb,
    source: SourceOption = None,
) -> None:
    """Drivers of VAWG: deprivation, pubs, town centres, temperature, birthdays and age.

    Checks the monthly feed for anomalous months first, then fits a negative binomial model of
    crimes per LSOA (population as exposure), a daily model of crimes against temperature
    (calendar controlled, with a spline for the shape) and a self-controlled birthday model,
    each effect a rate ratio with its 95% confidence interval. With police.uk files alone, the
    area model of violence and sexual offences (all sexes: not VAWG), saying what it cannot show.

    Example: vawg drivers --db vawg.duckdb --format html --out reports
    """
    settings = period_settings(settings_from(config, set_), start, end)
    formats = report_formats(out, format)
    tables = open_tables(db, engine, source)
    if open_data_only(tables):
        with console.status("fitting the area model to police.uk open data"):
            try:
                skipped = flagged_police_months(tables, settings) if exclude_anomalies else ()
                found = open_data_drivers(tables, k=settings.hotspot_k, exclude_months=skipped)
            finally:
                close_tables(tables)
        paths = write_open_drivers(
            found,
            out,
            formats,
            public=public,
            settings=settings,
            db=db,
            manifest=output_manifest(db, "drivers", settings, public=public),
        )
        for path in paths:
            console.print(f"[green]wrote[/] {path}")
        return
    with console.status("fitting the driver models"):
        try:
            result = drivers(tables, settings, exclude_anomalies=exclude_anomalies)
        finally:
            close_tables(tables)  # a public report records its release in the database
        paths = write_drivers(result, out, settings, public=public, formats=formats, db=db)
    table = Table(title="Drivers of VAWG (rate ratios, 95% CI)")
    for name in ("effect", "rate ratio", "95% CI", "p"):
        table.add_column(name, justify="left" if name == "effect" else "right")
    for key in EFFECT_KEYS:
        e = result.effects[key]
        if not math.isfinite(e.estimate):
            table.add_row(LABELS[key], "not estimated", "–", "–")
            continue
        table.add_row(
            LABELS[key],
            f"{e.estimate:.3f}",
            f"{e.ci_low:.3f} to {e.ci_high:.3f}",
            "–" if e.p_value is None or not math.isfinite(e.p_value) else f"{e.p_value:.3g}",
        )
    console.print(table)
    for model, reason in result.errors.items():
        console.print(f"[yellow]not estimated[/] ({escape(model)}): {escape(reason)}")
    if result.anomalies.flagged:
        months = ", ".join(m.strftime("%Y-%m") for m in result.anomalies.flagged)
        console.print(f"[yellow]feed check flagged[/] {months}")
    for path in paths:
        console.print(f"[green]wrote[/] {path}")


@app.command("hotspots")
def hotspots_command(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: FormatOption = None,
    start: FromOption = None,
    end: ToOption = None,
    exclude_anomalies: ExcludeOption = False,
    public: PublicOption = False,
    out: OutOption = Path("."),
    weights: Annotated[
        WeightsKind, typer.Option("--weights", help="Neighbours: knn (centroids), queen, distance.")
    ] = WeightsKind.knn,
    geojson: Annotated[
        Path | None,
        typer.Option(
            "--geojson",
            help="LSOA boundaries (areas.geojson) to place crimes and draw maps; default: the "
            "boundaries setting, else the shipped Kent and Medway LSOAs.",
        ),
    ] = None,
    png: Annotated[
        bool,
        typer.Option(
            "--png", help="Also write PNG maps beside the report (needs vl-convert-python)."
        ),
    ] = False,
    engine: EngineOption = Engine.duckdb,
    source: SourceOption = None,
) -> None:
    """Hot spots: Getis-Ord G* over LSOAs, z-test p-values with FDR control.

    Places every in-scope crime in its LSOA (by code, else by coordinates), then finds LSOA
    neighbourhoods with a higher rate per resident than the force (all places, public places,
    homes), with permutation p-values beside as a check; persistent and emerging hot spots
    across financial years; how concentrated crime is in the busiest 5% of LSOAs. Maps over
    the LSOA boundaries, offline. With police.uk files alone, hot spots of violence and sexual
    offences (all sexes: not VAWG) placed by code or coordinates, saying what they cannot show.

    Example: vawg hotspots --db vawg.duckdb --format html --out reports
    """
    settings = period_settings(settings_from(config, set_), start, end)
    if geojson is not None:
        settings = settings.replace(boundaries=str(geojson))
    formats = report_formats(out, format)
    formats = (*formats, "png") if png else formats
    with console.status("finding hot spots"):
        tables = open_tables(db, engine, source)
        if open_data_only(tables):
            try:
                skipped = flagged_police_months(tables, settings) if exclude_anomalies else ()
                found = open_data_hotspots(
                    tables, settings, weights_kind=weights.value, exclude_months=skipped
                )
            finally:
                close_tables(tables)  # a public report records its release in the database
            for path in write_open_hotspots(
                found,
                out,
                settings,
                formats,
                public=public,
                db=db,
                manifest=output_manifest(db, "hotspots", settings, public=public),
            ):
                console.print(f"[green]wrote[/] {path}")
            return
        try:
            result = hotspot_analysis(
                tables,
                settings,
                exclude_anomalies=exclude_anomalies,
                weights_kind=weights.value,
            )
        finally:
            close_tables(tables)
        paths = write_hotspots(
            result, out, settings, public=public, formats=formats, db=db, strict_png=png
        )
    table = Table(title="Hot spots (G*, false discovery rate 5%)")
    for name in ("place", "confirmed hot spots", "exploratory", "cold spots"):
        table.add_column(name, justify="left" if name == "place" else "right")
    for place, r in result.by_place.items():
        table.add_row(
            place, str(r.hot_spots), str(r.hot_unadjusted - r.hot_spots), str(r.cold_spots)
        )
    console.print(table)
    console.print(result.placement.sentence())
    for path in paths:
        console.print(f"[green]wrote[/] {path}")
