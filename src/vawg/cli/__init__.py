"""The ``vawg`` command line: thin commands that parse, call the library and print.

Each command module below defines its commands on :data:`vawg.cli._app.app`, which lists them
in :data:`vawg.cli._app.COMMAND_PANELS` order in ``vawg --help``; :func:`main` turns any
:class:`~vawg.errors.VawgError` into one clear line on stderr and exit code 1.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

from vawg.cli import (
    audit,
    demo,
    drivers,
    evaluate,
    ingest,
    mapping,
    profile,
    reference,
    scale,
    survey,
    synth,
    web,
)
from vawg.cli._app import app
from vawg.errors import VawgError

__all__ = ["app", "main"]

COMMAND_MODULES = (
    audit,
    demo,
    drivers,
    evaluate,
    ingest,
    mapping,
    profile,
    reference,
    scale,
    survey,
    synth,
    web,
)
"""The modules whose commands make up ``vawg``."""


def main() -> None:
    """Entry point of the ``vawg`` console script."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # usage errors: Typer's own message and exit code
        show = getattr(error, "show", None)
        if callable(show):
            show()
        sys.exit(int(getattr(error, "exit_code", 2)))
    except typer.Abort:
        Console(stderr=True).print("[yellow]aborted[/]")
        sys.exit(1)
    except VawgError as error:
        Console(stderr=True).print(
            f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except Exception as error:  # a bug, not bad input: one line, the traceback on request
        if os.environ.get("VAWG_DEBUG"):
            raise
        first = (str(error).splitlines() or [""])[0]
        Console(stderr=True).print(
            f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(first)}; "
            "this is a fault in vawg-insight, not in your data: please report it, with the "
            "traceback from re-running the command with VAWG_DEBUG=1",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(2)
    except KeyboardInterrupt:
        Console(stderr=True).print(
            "[yellow]interrupted: nothing was changed by the unfinished step[/]"
        )
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
