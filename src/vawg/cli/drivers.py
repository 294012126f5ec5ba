"""``vawg drivers`` and ``vawg hotspots``: why VAWG happens where and when it does, and where."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    SetOption,
    console,
    settings_from,
    write_outputs,
)
from vawg.cli.demo import STEPS
from vawg.config import Settings
from vawg.errors import InputError
from vawg.models.drivers import EFFECT_KEYS, DriversResult, drivers
from vawg.query import connect
from vawg.report.drivers import LABELS, drivers_csv_rows, drivers_html, drivers_json
from vawg.report.hotspots import hotspots_csv_rows, hotspots_html, hotspots_json
from vawg.report.maps import hotspot_map_png, lsoa_polygons
from vawg.spatial.analysis import HotspotAnalysis, hotspot_analysis
from vawg.store import DEFAULT_DB

__all__ = ["drivers_command", "hotspots_command", "run_drivers", "run_hotspots"]


class Format(StrEnum):
    """Output formats."""

    html = "html"
    json = "json"


class WeightsKind(StrEnum):
    """Spatial weights for the hot spots."""

    knn = "knn"
    queen = "queen"
    distance = "distance"


FromOption = Annotated[
    datetime | None,
    typer.Option("--from", formats=["%Y-%m-%d"], help="First recorded date of the period."),
]
ToOption = Annotated[
    datetime | None,
    typer.Option("--to", formats=["%Y-%m-%d"], help="Last recorded date of the period."),
]
ExcludeOption = Annotated[
    bool,
    typer.Option(
        "--exclude-anomalies",
        help="Leave out the months the feed check flags in the force extract.",
    ),
]
PublicOption = Annotated[
    bool, typer.Option("--public", help="Disclosure-controlled output: small counts suppressed.")
]
OutOption = Annotated[Path, typer.Option("--out", help="Folder to write the report into.")]


def _period(settings: Settings, start: datetime | None, end: datetime | None) -> Settings:
    changes = {}
    if start is not None:
        changes["period_start"] = start.date()
    if end is not None:
        changes["period_end"] = end.date()
    return settings.replace(**changes) if changes else settings


def _write_drivers(
    result: DriversResult,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool,
    formats: tuple[str, ...],
) -> list[Path]:
    stem = "drivers-public" if public else "drivers"
    threshold = settings.disclosure_threshold
    return write_outputs(
        out_dir,
        stem,
        formats,
        html=lambda: drivers_html(result, public=public, threshold=threshold),
        json_data=lambda: drivers_json(result, public=public, threshold=threshold),
        csv_rows=lambda: drivers_csv_rows(result),
    )


def run_drivers(
    db: Path,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool = False,
    exclude_anomalies: bool = False,
    formats: tuple[str, ...] = ("html", "json", "csv"),
) -> list[Path]:
    """Fit every driver model on ``db`` and write the report files into ``out_dir``."""
    result = drivers(connect(db), settings, exclude_anomalies=exclude_anomalies)
    return _write_drivers(result, out_dir, settings, public=public, formats=formats)


def _write_hotspots(
    result: HotspotAnalysis,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool,
    formats: tuple[str, ...],
    strict_png: bool = False,
) -> list[Path]:
    stem = "hotspots-public" if public else "hotspots"
    threshold = settings.disclosure_threshold
    written = write_outputs(
        out_dir,
        stem,
        formats,
        html=lambda: hotspots_html(result, public=public, threshold=threshold),
        json_data=lambda: hotspots_json(result, public=public, threshold=threshold),
        csv_rows=lambda: hotspots_csv_rows(result, public=public, threshold=threshold),
    )
    if "png" in formats:
        polygons = lsoa_polygons(Path(result.geojson)) if result.geojson else None
        for place, prefix in (("all", ""), ("public", "public_")):
            if place not in result.by_place:
                continue
            path = out_dir / f"{stem}-map-{place}.png"
            try:
                hotspot_map_png(
                    result.table,
                    path,
                    prefix=prefix,
                    title=f"G* hot spots of in-scope VAWG, {place} places",
                    polygons=polygons,
                )
            except InputError:
                if strict_png:
                    raise
                continue  # PNG maps are optional beside the report unless asked for
            written.append(path)
    return written


def run_hotspots(
    db: Path,
    out_dir: Path,
    settings: Settings,
    *,
    public: bool = False,
    exclude_anomalies: bool = False,
    weights: str = "knn",
    geojson: Path | None = None,
    formats: tuple[str, ...] = ("html", "json", "csv", "png"),
) -> list[Path]:
    """Run the hot-spot analysis on ``db`` and write the report files (PNG maps when
    vl-convert-python is installed) into ``out_dir``."""
    result = hotspot_analysis(
        connect(db),
        settings,
        exclude_anomalies=exclude_anomalies,
        weights_kind=weights,
        geojson=geojson,
    )
    return _write_hotspots(result, out_dir, settings, public=public, formats=formats)


def _demo_drivers(db: Path, out_dir: Path, settings: Settings) -> list[Path]:
    result = drivers(connect(db), settings)
    return [
        *_write_drivers(result, out_dir, settings, public=False, formats=("html", "json", "csv")),
        *_write_drivers(result, out_dir, settings, public=True, formats=("html", "json")),
    ]


def _demo_hotspots(db: Path, out_dir: Path, settings: Settings) -> list[Path]:
    result = hotspot_analysis(connect(db), settings)
    return [
        *_write_hotspots(
            result, out_dir, settings, public=False, formats=("html", "json", "csv", "png")
        ),
        *_write_hotspots(result, out_dir, settings, public=True, formats=("html", "json")),
    ]


STEPS.append(("drivers: deprivation, pubs, town centres, temperature, birthdays", _demo_drivers))
STEPS.append(("hot spots (Getis-Ord G*)", _demo_hotspots))


@app.command("drivers")
def drivers_command(
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.html,
    start: FromOption = None,
    end: ToOption = None,
    exclude_anomalies: ExcludeOption = False,
    public: PublicOption = False,
    out: OutOption = Path("."),
) -> None:
    """Drivers of VAWG: deprivation, pubs, town centres, temperature, birthdays and age.

    Checks the monthly feed for anomalous months first, then fits a negative binomial model of
    crimes per LSOA (population as exposure), a daily model of crimes against temperature
    (calendar controlled, with a spline for the shape) and a self-controlled birthday model,
    each effect a rate ratio with its 95% confidence interval.

    Example: vawg drivers --db vawg.duckdb --format html --out reports
    """
    settings = _period(settings_from(config, set_), start, end)
    with console.status("fitting the driver models"):
        result = drivers(connect(db), settings, exclude_anomalies=exclude_anomalies)
        paths = _write_drivers(result, out, settings, public=public, formats=(format.value,))
    table = Table(title="Drivers of VAWG (rate ratios, 95% CI)")
    for name in ("effect", "rate ratio", "95% CI", "p"):
        table.add_column(name, justify="left" if name == "effect" else "right")
    for key in EFFECT_KEYS:
        e = result.effects[key]
        table.add_row(
            LABELS[key],
            f"{e.estimate:.3f}",
            f"{e.ci_low:.3f} to {e.ci_high:.3f}",
            "–" if e.p_value is None else f"{e.p_value:.3g}",
        )
    console.print(table)
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
    format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.html,
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
        typer.Option("--geojson", help="LSOA polygons (areas.geojson) for a choropleth map."),
    ] = None,
    png: Annotated[
        bool, typer.Option("--png", help="Also write PNG maps (needs vl-convert-python).")
    ] = False,
) -> None:
    """Hot spots: Getis-Ord G* over LSOAs with permutation inference and FDR control.

    Finds LSOA neighbourhoods with more in-scope crime than chance (all places, public places,
    homes), persistent and emerging hot spots across financial years, and how concentrated
    crime is in the busiest 5% of LSOAs. Maps work offline.

    Example: vawg hotspots --db vawg.duckdb --format html --out reports
    """
    settings = _period(settings_from(config, set_), start, end)
    formats = (format.value, "png") if png else (format.value,)
    with console.status("finding hot spots"):
        result = hotspot_analysis(
            connect(db),
            settings,
            exclude_anomalies=exclude_anomalies,
            weights_kind=weights.value,
            geojson=geojson,
        )
        paths = _write_hotspots(
            result, out, settings, public=public, formats=formats, strict_png=png
        )
    table = Table(title="Hot spots (G*, FDR-controlled)")
    for name in ("place", "hot spots", "before FDR", "cold spots"):
        table.add_column(name, justify="left" if name == "place" else "right")
    for place, r in result.by_place.items():
        table.add_row(place, str(r.hot_spots), str(r.hot_unadjusted), str(r.cold_spots))
    console.print(table)
    for path in paths:
        console.print(f"[green]wrote[/] {path}")
