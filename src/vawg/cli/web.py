"""``vawg serve``, ``vawg publish`` and ``vawg users``: the dashboard and the open site.

``vawg serve`` checks everything it can before it says where the dashboard is: its Python
packages (the ``web`` extra), the database, the users file, the port and the settings; then it
starts the server (``python -m vawg.web.server``) as a child, announces the address once the
server answers, and passes SIGTERM, SIGINT (Ctrl-C) and SIGHUP on to it, so stopping ``vawg
serve`` stops the server (which also stops by itself if ``vawg serve`` is killed outright).
"""

from __future__ import annotations

import getpass
import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from vawg.cli._app import app
from vawg.cli.common import (
    ConfigOption,
    DbOption,
    SetOption,
    console,
    output_manifest,
    settings_from,
)
from vawg.config import Settings
from vawg.errors import InputError
from vawg.report.stamp import stamp_outputs
from vawg.store import DEFAULT_DB
from vawg.web.audit import AuditLog, audit_path
from vawg.web.guard import SignInGuard

if TYPE_CHECKING:
    from vawg.opensite import MadeResults

__all__ = [
    "DEFAULT_USERS",
    "WEB_PACKAGES",
    "dashboard_hint",
    "missing_web_packages",
    "publish",
    "run_publish",
    "serve",
    "serve_command",
    "users_add",
    "users_list",
    "users_unlock",
]

WEB_PACKAGES = ("streamlit", "starlette", "uvicorn", "jinja2")
"""What the dashboard imports beyond the core install (the ``web`` extra)."""

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
    parent: int | None = None,
    warm: bool = True,
) -> list[str]:
    """The command line of the dashboard server (also used by the browser tests)."""
    command = [
        sys.executable,
        "-m",
        "vawg.web.server",
        "--db",
        str(db.resolve()),
        "--users",
        str(users.resolve()),
        "--port",
        str(port),
        "--address",
        address,
    ]
    if config is not None:
        command += ["--config", str(config.resolve())]
    for item in overrides or []:
        command += ["--set", item]
    if parent is not None:
        command += ["--parent-pid", str(parent)]
    if not warm:
        command.append("--no-warm")
    return command


def missing_web_packages() -> list[str]:
    """The dashboard's packages that are not installed."""
    return [name for name in WEB_PACKAGES if importlib.util.find_spec(name) is None]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _run_server(command: list[str], health: str, url: str, *, timeout: float = 180.0) -> int:
    """Start the server, announce ``url`` once ``health`` answers, stop it when we are stopped."""
    child = subprocess.Popen(command)
    received: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        deadline = time.monotonic() + timeout
        while child.poll() is None and not received and not _answers(health):
            if time.monotonic() > deadline:
                child.terminate()
                raise InputError(f"the dashboard did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.3)
        if child.poll() is None and not received:
            console.print(f"[green]dashboard[/] on {url} (Ctrl-C stops it)")
        elif child.poll() not in (None, 0) and not received:
            raise InputError(
                f"the dashboard server stopped before it answered (exit {child.returncode}); "
                "see its messages above (is the port in use? try another --port)"
            )
        try:
            code = child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGTERM)
            code = child.wait()
        return 0 if received else code
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def dashboard_hint(db: Path, users: Path | None = None) -> str:
    """How to start the dashboard on ``db`` (printed by the demo); users beside the database."""
    users = users or db.with_name(DEFAULT_USERS.name)
    return (
        "Once, add yourself (it asks for a password):\n"
        f"  vawg users add NAME --role analyst --users {users}\n"
        "Then start it, open http://127.0.0.1:8501 and sign in:\n"
        f"  vawg serve --db {db} --users {users}"
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

    Create users first with `vawg users add`. Sign-ins, pages and downloads are written to the
    audit log beside the users file. Behind a reverse proxy or single sign-on, see
    docs/dashboard-access.md. Stop with Ctrl-C (or SIGTERM).

    Example: vawg serve --db vawg.duckdb --port 8501 --users vawg-users.toml
    """
    missing = missing_web_packages()
    if missing:
        raise InputError(
            f"the dashboard needs {', '.join(missing)} (the web extra): install it with "
            "`pip install 'vawg-insight[web]'` (`make install` does)"
        )
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
    from vawg.web.auth import load_users

    load_users(users)  # a broken users file fails here too
    command = serve_command(
        db, users, port=port, address=address, config=config, overrides=set_, parent=os.getpid()
    )
    local = "127.0.0.1" if address in ("0.0.0.0", "::", "") else address
    host = f"[{local}]" if ":" in local else local
    shown = f"[{address}]" if ":" in address else address
    code = _run_server(command, f"http://{host}:{port}/_stcore/health", f"http://{shown}:{port}")
    raise typer.Exit(code)


def run_publish(
    db: Path, out_dir: Path, settings: Settings, made: MadeResults | None = None
) -> list[Path]:
    """Build the open site into ``out_dir`` (checked by the scanner); return its pages.
    ``made``: public Results this run has made already (the demo's), taken as they are."""
    from vawg.inputs.open_data import open_data_only
    from vawg.opensite import (
        OpenDataSiteResults,
        OpenSiteResults,
        open_data_site_results,
        open_site_results,
    )
    from vawg.query import connect
    from vawg.releases import filters_of, record_release
    from vawg.report.site import build_site
    from vawg.results import to_jsonable

    tables = connect(db)
    try:
        results: OpenSiteResults | OpenDataSiteResults = (
            open_data_site_results(tables, settings)
            if open_data_only(tables)
            else open_site_results(tables, settings, made)
        )
    finally:
        tables.backend.disconnect()
    open_data = isinstance(results, OpenDataSiteResults)
    period = results.months if isinstance(results, OpenDataSiteResults) else results.period
    record_release(
        db,
        "open site (police.uk open data)" if open_data else "open site",
        to_jsonable(results),
        period=period,
        filters=filters_of(settings),
        threshold=settings.disclosure_threshold,
    )
    written = build_site(results, out_dir, settings)
    # Pages and data carry the manifest (the shipped plotly.js library does not).
    manifest = output_manifest(db, "publish", settings, public=True)
    stamp_outputs([p for p in written if p.suffix != ".js"], manifest)
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
    sso: Annotated[
        bool,
        typer.Option("--sso", help="Single sign-on only: no password (see dashboard_sso_header)."),
    ] = False,
) -> None:
    """Add a dashboard user, or change an existing user's role and password.

    The password is asked for twice (not echoed), or read from standard input with
    --password-stdin; only its salted scrypt hash is stored. With --sso the user has no
    password and signs in only through the force's single sign-on proxy.

    Example: vawg users add alice --role analyst --users vawg-users.toml
    """
    from vawg.web.auth import ROLES, save_user

    if role not in ROLES:
        raise InputError(f"--role {role!r}: use one of {', '.join(ROLES)}")
    password: str | None = None
    if sso and password_stdin:
        raise InputError("--sso users have no password: leave out --password-stdin")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sso:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("the two passwords differ; run the command again")
    created = save_user(users, name, role, password)
    console.print(f"[green]{'added' if created else 'updated'}[/] {name} ({role}) in {users}")


def _access_state(
    users: Path, config: Path | None, set_: list[str] | None
) -> tuple[Path, SignInGuard]:
    """The audit log's path and a guard replayed from it (who is locked now)."""
    settings = settings_from(config, set_)
    log = AuditLog(audit_path(users, settings.dashboard_audit_log), clock=time.time)
    guard = SignInGuard(lockout_after=settings.dashboard_lockout_failures)
    for event in log.read_new():
        guard.apply(event)
    return log.path, guard


@users_app.command("unlock")
def users_unlock(
    name: Annotated[str, typer.Argument(help="The locked user name.")],
    users: UsersOption = DEFAULT_USERS,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Unlock an account locked after too many failed sign-ins (takes effect at once).

    Writes an "unlocked" event, with who ran the command, to the audit log; a running
    dashboard reads it before the next sign-in.

    Example: vawg users unlock alice --users vawg-users.toml
    """
    path, guard = _access_state(users, config, set_)
    if not guard.is_locked(name):
        console.print(f"{name} is not locked (audit log {path})")
        return
    AuditLog(path, clock=time.time).append("unlocked", name, "command line", getpass.getuser())
    console.print(f"[green]unlocked[/] {name} (written to {path})")


@users_app.command("list")
def users_list(
    users: UsersOption = DEFAULT_USERS,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """List the dashboard users: name, role, how they sign in, and whether they are locked.

    Example: vawg users list --users vawg-users.toml
    """
    from rich.table import Table

    from vawg.web.auth import SSO_ONLY, load_users

    found = load_users(users)
    _, guard = _access_state(users, config, set_)
    table = Table("user", "role", "signs in with", "locked")
    for user in sorted(found.values(), key=lambda u: u.name):
        via = "single sign-on" if user.password_hash == SSO_ONLY else "password"
        table.add_row(user.name, user.role, via, "locked" if guard.is_locked(user.name) else "")
    console.print(table)
