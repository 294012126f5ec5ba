"""``vawg outcomes``, ``vawg drivers`` and ``vawg hotspots`` on police.uk open data only.

The commands compute the open-data Result when no force extract is loaded but police.uk street
files are (instead of stopping with "no crimes are loaded"), close the database, and call
:func:`write_open_outcomes` / :func:`write_open_drivers` / :func:`write_open_hotspots`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.markup import escape

from vawg.cli.common import console, out_is_file, released, write_outputs
from vawg.config import Settings
from vawg.models.open_data import OpenDataDrivers
from vawg.models.public import disclose_open_drivers
from vawg.outcomes.open_data import OpenDataOutcomes
from vawg.outcomes.public import disclose_open_outcomes
from vawg.report.maps import choropleth_png
from vawg.report.open_data import (
    open_drivers_csv_rows,
    open_drivers_html,
    open_hotspot_map_figure,
    open_hotspots_csv_rows,
    open_hotspots_html,
    open_outcomes_csv_rows,
    open_outcomes_html,
)
from vawg.report.stamp import stamp_outputs
from vawg.spatial.open_data import OpenDataHotspots
from vawg.spatial.public import disclose_open_hotspots

__all__ = ["write_open_drivers", "write_open_hotspots", "write_open_outcomes"]


def _say_limits(lines: tuple[str, ...], public: bool) -> None:
    console.print("[yellow]only police.uk open data is loaded[/]; open data cannot show:")
    for line in lines:
        console.print(f"  - {escape(line)}")
    if public:
        console.print(
            "[dim]--public: every figure here is counted from files police.uk already publishes; "
            "no person-level data is involved[/]"
        )


R = TypeVar("R", OpenDataOutcomes, OpenDataDrivers, OpenDataHotspots)


def _shown(
    result: R,
    disclose: Callable[[R, Settings], R],
    output: str,
    public: bool,
    settings: Settings,
    db: Path,
) -> R:
    """``result`` as the report shows it: for a public report its public version, recorded
    first in ``db``'s release log as ``output``."""
    return released(db, output, result, disclose, settings) if public else result


def write_open_outcomes(
    result: OpenDataOutcomes,
    out: Path,
    stem: str,
    formats: tuple[str, ...],
    *,
    public: bool,
    settings: Settings,
    db: Path,
    manifest: dict[str, Any],
) -> list[Path]:
    """Write the outcome categories of the loaded police.uk files (from
    :func:`vawg.outcomes.open_data.open_data_outcomes`, the database closed); returns the paths
    written. A public report is made from the public Result, recorded first in ``db``'s
    release log."""
    result = _shown(result, disclose_open_outcomes, "outcomes-open-data", public, settings, db)
    _say_limits(result.cannot_show, public)
    for row in result.police.groups.iter_rows(named=True):
        console.print(f"  {row['group_label']}: {row['count']:,}")
    return write_outputs(
        out,
        stem,
        formats,
        html=lambda: open_outcomes_html(result),
        json_data=result.to_dict,
        csv_rows=lambda: open_outcomes_csv_rows(result),
        manifest=manifest,
    )


def write_open_drivers(
    result: OpenDataDrivers,
    out: Path,
    formats: tuple[str, ...],
    *,
    public: bool,
    settings: Settings,
    db: Path,
    manifest: dict[str, Any],
) -> list[Path]:
    """Write the area model on the loaded police.uk files (from
    :func:`vawg.models.open_data.open_data_drivers`, the database closed); returns the paths
    written. A public report is made from the public Result, recorded first in ``db``'s
    release log."""
    result = _shown(result, disclose_open_drivers, "drivers-open-data", public, settings, db)
    _say_limits(result.cannot_show, public)
    console.print(f"[yellow]{escape(result.caveat)}[/]")
    if result.area is None:
        console.print(f"[red]area model not estimated:[/] {escape(result.error or '')}")
    else:
        for key, e in result.area.effects.items():
            if e.estimate != e.estimate:  # NaN: the term is not in the model (see the notes)
                console.print(f"  {key}: not estimated (see the report's notes)")
                continue
            console.print(
                f"  {key}: rate ratio {e.estimate:.3f} (95% CI {e.ci_low:.3f} to {e.ci_high:.3f})"
            )
    return write_outputs(
        out,
        "drivers-open-data-public" if public else "drivers-open-data",
        formats,
        html=lambda: open_drivers_html(result),
        json_data=result.to_dict,
        csv_rows=lambda: open_drivers_csv_rows(result),
        manifest=manifest,
    )


def write_open_hotspots(
    result: OpenDataHotspots,
    out: Path,
    settings: Settings,
    formats: tuple[str, ...],
    *,
    public: bool,
    db: Path,
    manifest: dict[str, Any],
) -> list[Path]:
    """Write the hot spots of police.uk violence and sexual offences (from
    :func:`vawg.spatial.open_data.open_data_hotspots`, the database closed); returns the paths
    written. A public report is made from the public Result, recorded first in ``db``'s
    release log."""
    result = _shown(result, disclose_open_hotspots, "hotspots-open-data", public, settings, db)
    _say_limits(result.cannot_show, public)
    console.print(f"[yellow]{escape(result.caveat)}[/]")
    console.print(escape(result.placement.sentence()))
    found = result.found
    console.print(
        f"  hot spots: {found.hot_spots:,}; exploratory: "
        f"{found.hot_unadjusted - found.hot_spots:,}; cold spots: {found.cold_spots:,}"
    )
    shown = result
    stem = "hotspots-open-data-public" if public else "hotspots-open-data"
    written = write_outputs(
        out,
        stem,
        tuple(f for f in formats if f != "png"),
        html=lambda: open_hotspots_html(shown),
        json_data=shown.to_dict,
        csv_rows=lambda: open_hotspots_csv_rows(shown),
        manifest=manifest,
    )
    if "png" in formats:
        figure = open_hotspot_map_figure(shown)
        if figure is None:
            console.print("[yellow]no PNG map: no LSOA of the area table has a boundary[/]")
        else:
            folder, base = (out.parent, out.stem) if out_is_file(out) else (out, stem)
            path = choropleth_png(figure, folder / f"{base}-map.png")
            written += stamp_outputs([path], manifest)
    return written
