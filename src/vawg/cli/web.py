"""``vawg serve``, ``vawg publish`` and ``vawg users add``: the dashboard and the open site."""

from __future__ import annotations

import getpass
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from vawg.cli._app import app
from vawg.cli.common import ConfigOption, DbOption, SetOption, console, settings_from
from vawg.config import Settings
from vawg.errors import InputError
from vawg.store import DEFAULT_DB

__all__ = [
    "DEFAULT_USERS",
    "dashboard_hint",
    "publish",
    "run_publish",
    "serve",
    "serve_command",
    "users_add",
]

DEFAULT_USERS = Path("vawg-users.toml")

UsersOption = Annotated[
    Path,
    typer.Option("--users", help="Users file (TOML, hashed passwords).", show_default=True),
]

users_app = typer.Typer(
    help="Manage dashboard users (a TOML file of names, roles and scrypt hashes).\n\n"
    "Example: vawg users add alice --role analyst --users vawg-users.toml",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def serve_command(
    db: Path,
    users: Path,
    *,
    port: int = 8501,
    address: str = "127.0.0.1",
    config: Path | None = None,
    overrides: list[str] | None = None,
) -> list[str]:
    """The command line that starts the dashboard (also used by the browser tests)."""
    script = Path(__file__).resolve().parents[1] / "web" / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--server.fileWatcherType",
        "none",
        "--server.enableXsrfProtection",
        "true",
        "--client.showErrorDetails",
        "none",  # tracebacks could carry data: they go to the server log only
        "--client.disableDataExport",
        "true",  # every CSV goes through our formula-escaped download buttons
        "--theme.primaryColor",
        "#5b2a86",
        "--",
        "--db",
        str(db.resolve()),
        "--users",
        str(users.resolve()),
    ]
    if config is not None:
        command += ["--config", str(config.resolve())]
    for item in overrides or []:
        command += ["--set", item]
    return command


def dashboard_hint(db: Path, users: Path = DEFAULT_USERS) -> str:
    """How to start the dashboard on ``db`` (printed by the demo)."""
    return (
        f"vawg users add NAME --role analyst --users {users}   # once, asks for a password\n"
        f"vawg serve --db {db} --users {users}                 # then open http://127.0.0.1:8501"
    )


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    users: UsersOption = DEFAULT_USERS,
    address: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1 = this machine only).")
    ] = "127.0.0.1",
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Start the analyst dashboard (sign-in required; viewers see disclosure-controlled figures).

    Create users first with `vawg users add`. Stop with Ctrl-C.

    Example: vawg serve --db vawg.duckdb --port 8501 --users vawg-users.toml
    """
    if not db.exists():
        raise InputError(f"--db {db}: no database here; load data first with `vawg ingest`")
    if not users.exists():
        raise InputError(
            f"--users {users}: no users file; create one with "
            f"`vawg users add NAME --role analyst --users {users}`"
        )
    if not 1 <= port <= 65535:
        raise InputError(f"--port {port}: use a port from 1 to 65535, e.g. --port 8501")
    settings_from(config, set_)  # fail here, not in the browser, on a bad setting
    console.print(f"[green]dashboard[/] on http://{address}:{port} (Ctrl-C stops it)")
    command = serve_command(db, users, port=port, address=address, config=config, overrides=set_)
    raise typer.Exit(subprocess.call(command))


def run_publish(db: Path, out_dir: Path, settings: Settings) -> list[Path]:
    """Build the open site into ``out_dir`` (checked by the scanner); return its pages."""
    from vawg.opensite import open_site_results
    from vawg.query import connect
    from vawg.releases import filters_of, record_release
    from vawg.report.site import build_site
    from vawg.results import to_jsonable

    tables = connect(db)
    results = open_site_results(tables, settings)
    tables.backend.disconnect()
    record_release(
        db,
        "open site",
        to_jsonable(results),
        period=results.period,
        filters=filters_of(settings),
        threshold=settings.disclosure_threshold,
    )
    written = build_site(results, out_dir, settings)
    return [p for p in written if p.suffix == ".html"]


@app.command()
def publish(
    out: Annotated[Path, typer.Option("--out", help="Folder for the site.")],
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Build the open transparency site: static pages of disclosure-controlled figures and CSVs.

    Works offline and can be hosted anywhere. Every file is scanned before this succeeds: any
    count below the disclosure threshold or any person identifier fails the build.

    Example: vawg publish --out site --db vawg.duckdb
    """
    settings = settings_from(config, set_)
    with console.status("building the open site"):
        pages = run_publish(db, out, settings)
    for page in pages:
        console.print(f"[green]wrote[/] {page}")
    console.print(f"Open {out / 'index.html'} in a browser; copy the folder {out} to publish it.")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ - @).")],
    role: Annotated[str, typer.Option(help="analyst (everything) or viewer (public figures).")],
    users: UsersOption = DEFAULT_USERS,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a dashboard user, or change an existing user's role and password.

    The password is asked for twice (not echoed), or read from standard input with
    --password-stdin; only its salted scrypt hash is stored.

    Example: vawg users add alice --role analyst --users vawg-users.toml
    """
    from vawg.web.auth import ROLES, save_user

    if role not in ROLES:
        raise InputError(f"--role {role!r}: use one of {', '.join(ROLES)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("the two passwords differ; run the command again")
    created = save_user(users, name, role, password)
    console.print(f"[green]{'added' if created else 'updated'}[/] {name} ({role}) in {users}")
