"""The Typer application every command module registers on, and how its help reads.

Two things about the help are declared here, once, for every command:

- **Order and grouping**: :data:`COMMAND_PANELS` lists every command in the order ``vawg --help``
  shows them, under a heading for each step of the work (a test checks that every command is
  listed, and that nothing listed is missing).
- **Readable types**: Typer prints an option's Python type (``<bool>``, ``<list[str]>``,
  ``<path>``). Here a flag shows no type, and a value shows a word (``PATH``, ``DATE``,
  ``INTEGER``, ``html|json``) or the metavar its option declares (``NAME=VALUE``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

__all__ = ["COMMAND_PANELS", "app"]

COMMAND_PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Load the data", ("ingest", "mapping", "status", "reference", "synth", "demo")),
    (
        "Analyse",
        ("profile", "drivers", "hotspots", "survey", "outcomes", "audit", "target", "evaluate"),
    ),
    ("Share", ("publish", "serve", "users")),
    ("Scale out", ("export", "spark-check")),
)
"""Every command, in the order of ``vawg --help``, under the heading of its step."""

_ORDER = [name for _, names in COMMAND_PANELS for name in names]
_PANEL = {name: panel for panel, names in COMMAND_PANELS for name in names}

_WORDS: dict[Any, str] = {
    int: "INTEGER",
    float: "NUMBER",
    str: "TEXT",
    dt.date: "DATE",
    dt.datetime: "DATE",
}


def _type_word(param: TyperOption | TyperArgument) -> str:
    """A plain word for what ``param`` takes: its metavar, its choices, or its type."""
    if param.metavar is not None and isinstance(param, TyperOption):
        return param.metavar
    desc = param.type_descriptor
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    annotation = desc.annotation
    if desc.is_list:
        annotation = getattr(annotation, "__args__", (str,))[0]
    if desc.is_path or (isinstance(annotation, type) and issubclass(annotation, PurePath)):
        return "PATH"
    return _WORDS.get(annotation, "TEXT")


class _ReadableOption(TyperOption):
    """A Typer option whose help shows no type for a flag and a word for a value."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return _type_word(self)


class _ReadableArgument(TyperArgument):
    """A Typer argument whose help shows a word for its type (``PATH ...`` for several)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        word = _type_word(self)
        return f"{word} ..." if self.nargs != 1 else word


def _readable(command: Any, ctx: Any) -> Any:
    """Give ``command`` (and a group's subcommands) readable help types, in place."""
    params: list[Any] = list(command.params)
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = _ReadableOption
        elif type(param) is TyperArgument:
            param.__class__ = _ReadableArgument
    for sub in getattr(command, "commands", {}).values():
        _readable(sub, ctx)
    return command


class VawgGroup(TyperGroup):
    """The ``vawg`` group: commands in :data:`COMMAND_PANELS` order, help with readable types."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            return None
        panel = _PANEL.get(cmd_name)
        if panel is not None and hasattr(command, "rich_help_panel"):
            command.rich_help_panel = panel
        return _readable(command, ctx)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _readable(self, ctx)
        super().format_help(ctx, formatter)


app = typer.Typer(
    name="vawg",
    cls=VawgGroup,
    help="vawg-insight: evidence on violence against women and girls from police-recorded crime.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
