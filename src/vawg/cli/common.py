"""Options and helpers shared by every command: --db, --config, --set, output writing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vawg.config import Settings, load_settings
from vawg.safe_csv import write_csv
from vawg.store import DEFAULT_DB

__all__ = [
    "ConfigOption",
    "DbOption",
    "SetOption",
    "console",
    "settings_from",
    "write_outputs",
]

console = Console()

DbOption = Annotated[
    Path, typer.Option("--db", help="The DuckDB database file.", show_default=True)
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Settings file (TOML); default ./vawg.toml if present."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a setting, name=value (repeatable).", show_default=False),
]

DEFAULT_DB_PATH = DEFAULT_DB


def settings_from(config: Path | None, overrides: list[str] | None) -> Settings:
    """Settings from the defaults, the TOML file and the --set pairs."""
    return load_settings(config, overrides or [])


def write_outputs(
    out_dir: Path,
    stem: str,
    formats: tuple[str, ...],
    *,
    html: Callable[[], str],
    json_data: Callable[[], Any],
    csv_rows: Callable[[], tuple[Sequence[str], Sequence[Sequence[Any]]]],
) -> list[Path]:
    """Write ``stem``.html/.json/.csv into ``out_dir`` for each of ``formats``; return the paths.

    Each output is built only if its format is asked for; JSON is indented UTF-8.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if "html" in formats:
        path = out_dir / f"{stem}.html"
        path.write_text(html(), encoding="utf-8")
        written.append(path)
    if "json" in formats:
        path = out_dir / f"{stem}.json"
        path.write_text(json.dumps(json_data(), indent=2, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    if "csv" in formats:
        path = out_dir / f"{stem}.csv"
        write_csv(path, *csv_rows())
        written.append(path)
    return written
