"""Options and helpers shared by every command: --db, --config, --set, output writing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vawg.config import Settings, load_settings
from vawg.store import DEFAULT_DB

__all__ = ["ConfigOption", "DbOption", "SetOption", "console", "settings_from"]

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
