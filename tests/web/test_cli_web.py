"""`vawg users add`, `vawg serve` and `vawg publish` as commands (the browser tests run them)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from vawg.cli import app
from vawg.cli.web import serve_command
from vawg.web.auth import load_users, verify_password

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


def test_serve_runs_streamlit_headless_on_the_loopback_address(tmp_path: Path) -> None:
    command = serve_command(tmp_path / "v.duckdb", tmp_path / "u.toml", port=8600)
    joined = " ".join(command)
    assert "-m streamlit run" in joined and joined.split(" ")[4].endswith("web/app.py")
    assert "--server.address 127.0.0.1" in joined and "--server.port 8600" in joined
    assert "--browser.gatherUsageStats false" in joined and "--server.headless true" in joined
    assert command[command.index("--") + 1 :][:2] == [
        "--db",
        str((tmp_path / "v.duckdb").resolve()),
    ]


def test_publish_writes_a_checked_site(site: Path) -> None:
    # `site` is built by run_publish, the function `vawg publish` and `vawg demo` call.
    assert (site / "index.html").exists()
    result = runner.invoke(app, ["publish", "--help"])
    assert result.exit_code == 0 and "Example: vawg publish" in result.output
