"""`vawg users add`, `vawg serve` and `vawg publish` as commands (the browser tests run them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.cli.web import serve_command
from vawg.web.auth import load_users, verify_password
from vawg.web.server import streamlit_options

runner = CliRunner()


def test_users_add_reads_the_password_from_stdin_and_stores_only_a_hash(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    result = runner.invoke(
        app,
        ["users", "add", "alice", "--role", "analyst", "--users", str(users), "--password-stdin"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "added alice (analyst)" in result.output
    stored = load_users(users)["alice"]
    assert stored.role == "analyst"
    assert verify_password("a-long-password", stored.password_hash)
    assert "a-long-password" not in users.read_text()
    again = runner.invoke(
        app,
        ["users", "add", "alice", "--role", "viewer", "--users", str(users), "--password-stdin"],
        input="another-password\n",
    )
    assert "updated alice (viewer)" in again.output
    assert load_users(users)["alice"].role == "viewer"


def test_users_add_refuses_a_bad_role(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "al",
            "--role",
            "admin",
            "--users",
            str(tmp_path / "u.toml"),
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert result.exit_code != 0
    assert "analyst, viewer" in str(result.exception)


def test_serve_refuses_a_missing_database_or_users_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0
    assert "vawg ingest" in str(result.exception)
    db = tmp_path / "x.duckdb"
    db.write_bytes(b"")
    result = runner.invoke(app, ["serve", "--db", str(db), "--users", str(tmp_path / "u.toml")])
    assert "vawg users add" in str(result.exception)


def test_serve_runs_the_gated_server_on_the_loopback_address(tmp_path: Path) -> None:
    command = serve_command(tmp_path / "v.duckdb", tmp_path / "u.toml", port=8600, parent=42)
    assert command[1:3] == ["-m", "vawg.web.server"]
    pairs = dict(zip(command[3::2], command[4::2], strict=False))
    assert pairs["--db"] == str((tmp_path / "v.duckdb").resolve())
    assert (pairs["--port"], pairs["--address"], pairs["--parent-pid"]) == (
        "8600",
        "127.0.0.1",
        "42",
    )
    options = streamlit_options(8600, "127.0.0.1")
    assert options["server.headless"] is True and options["browser.gatherUsageStats"] is False
    assert options["client.showErrorDetails"] == "none"
    assert options["server.enableXsrfProtection"] is True


def test_serve_names_the_install_command_when_the_dashboard_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "streamlit" else real(name, *a),
    )
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code != 0
    message = str(result.exception)
    assert "the dashboard needs streamlit" in message
    assert "pip install 'vawg-insight[web]'" in message
    assert "dashboard on" not in result.output  # nothing announced


def test_users_add_sso_and_list_show_how_each_user_signs_in(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    result = runner.invoke(
        app, ["users", "add", "sam", "--role", "viewer", "--sso", "--users", str(users)]
    )
    assert result.exit_code == 0, result.output
    runner.invoke(
        app,
        ["users", "add", "al", "--role", "analyst", "--users", str(users), "--password-stdin"],
        input="a-long-password\n",
    )
    listed = runner.invoke(app, ["users", "list", "--users", str(users)])
    assert listed.exit_code == 0, listed.output
    rows = {
        line.split()[1]: line
        for line in listed.output.splitlines()
        if "│" in line and "user" not in line
    }
    assert "single sign-on" in rows["sam"] and "password" in rows["al"]


def test_publish_writes_a_checked_site(site: Path) -> None:
    # `site` is built by run_publish, the function `vawg publish` and `vawg demo` call.
    assert (site / "index.html").exists()
    result = runner.invoke(app, ["publish", "--help"])
    assert result.exit_code == 0 and "Example: vawg publish" in result.output
