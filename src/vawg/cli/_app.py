"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="vawg",
    help="vawg-insight: evidence on violence against women and girls from police-recorded crime.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
