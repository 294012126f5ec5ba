"""Signing in, reloading, signing out, lockout and stopping the server, in a real browser.

One server for the module that trusts 127.0.0.1 as its reverse proxy, so each browser context
can be a different client (its own X-Forwarded-For), with a lockout after 3 failures and a users
file (and audit log) of its own. The last test starts ``vawg serve`` itself and stops it with
SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.web.conftest import (
    ANALYST,
    IDLE,
    ROOT,
    SPARE,
    VIEWER,
    WebData,
    free_port,
    own_users,
    served,
    snapshot,
)
from typer.testing import CliRunner

from vawg.cli import app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def gated(
    web_data: WebData, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    users = own_users(web_data, tmp_path_factory.mktemp("signin"))
    sets = ("dashboard_trusted_proxies=127.0.0.1", "dashboard_lockout_failures=3")
    with served(web_data, *sets, users=users) as base:
        yield base, users


def client(browser: Browser, address: str) -> Page:
    """A new browser (its own cookies) that the server sees as ``address``."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"X-Forwarded-For": address}
    )
    return context.new_page()


def submit(page: Page, user: tuple[str, str]) -> float:
    """Fill and send the sign-in form; return the seconds until the next page loaded."""
    page.get_by_role("textbox", name="User name").fill(user[0])
    page.get_by_role("textbox", name="Password").fill(user[1])
    started = time.perf_counter()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return time.perf_counter() - started


def in_dashboard(page: Page) -> None:
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)


def audit(users: Path) -> list[dict[str, str]]:
    text = users.with_name("users.audit.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def test_a_deep_link_signs_in_survives_a_reload_and_signs_out(
    gated: tuple[str, Path], browser: Browser
) -> None:
    base, users = gated
    page = client(browser, "192.0.2.1")
    page.goto(f"{base}/surveys")
    assert page.url == f"{base}/vawg/signin?next=/surveys"
    snapshot(page, "signin-page")
    submit(page, VIEWER)
    in_dashboard(page)
    assert page.url == f"{base}/surveys"
    expect(page.get_by_role("heading", name="Surveys")).to_be_visible(timeout=120_000)
    cookie = next(c for c in page.context.cookies() if c["name"] == "vawg_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("vawg_session") == -1  # scripts cannot read it
    page.reload()
    in_dashboard(page)
    assert page.url == f"{base}/surveys"
    expect(page.get_by_role("heading", name="Surveys")).to_be_visible(timeout=120_000)
    assert page.get_by_role("textbox", name="Password").count() == 0
    # Sign out: back to the sign-in page, and the dashboard is closed again.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.url.startswith(f"{base}/vawg/signin")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{base}/")
    assert page.get_by_role("textbox", name="User name").is_visible()
    events = [(e["event"], e["user"], e["client"]) for e in audit(users)]
    assert ("sign-in", "vic", "192.0.2.1") in events
    assert ("signed-out", "vic", "192.0.2.1") in events
    assert any(e["event"] == "page" and e["detail"].startswith("surveys") for e in audit(users))
    page.context.close()


def test_a_download_is_audited_when_clicked_and_not_when_drawn(
    gated: tuple[str, Path], browser: Browser
) -> None:
    base, users = gated
    # Straight from 127.0.0.1 (no X-Forwarded-For): Chromium fetches a download without the
    # context's extra headers, so a client named by the header would not be signed in for it.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/")
    submit(page, ANALYST)
    in_dashboard(page)
    buttons = page.get_by_role("button", name="CSV")
    expect(buttons.first).to_be_visible(timeout=120_000)
    assert buttons.count() >= 3
    page.wait_for_timeout(2000)  # time for the browser to fetch whatever it fetches
    mine = [e for e in audit(users) if e["client"] == "127.0.0.1"]
    assert [e for e in mine if e["event"] == "download"] == []
    with page.expect_download() as info:
        buttons.first.click()
    assert info.value.suggested_filename.startswith("vawg-crimes-per-month_")
    page.wait_for_timeout(1000)
    downloads = [
        (e["user"], e["detail"])
        for e in audit(users)
        if e["client"] == "127.0.0.1" and e["event"] == "download"
    ]
    assert downloads == [(ANALYST[0], info.value.suggested_filename)]
    page.context.close()


def test_a_second_client_is_not_slowed_and_the_account_locks_after_three_failures(
    gated: tuple[str, Path], browser: Browser
) -> None:
    base, users = gated
    attacker = client(browser, "198.51.100.7")
    attacker.goto(f"{base}/vawg/signin")
    submit(attacker, (SPARE[0], "not-the-password"))
    expect(attacker.get_by_text("Wrong user name or password. Wait 1 s")).to_be_visible()
    submit(attacker, (SPARE[0], "still-not-it"))  # at once: refused, not checked, not dropped
    expect(attacker.get_by_text("Too many failed sign-ins: wait 1 s")).to_be_visible()
    # A colleague elsewhere signs in at once, to another account and to the same one.
    colleague = client(browser, "192.0.2.2")
    colleague.goto(f"{base}/")
    seconds = submit(colleague, ANALYST)
    in_dashboard(colleague)
    assert seconds < 3.0, seconds
    colleague.context.close()
    owner = client(browser, "192.0.2.3")
    owner.goto(f"{base}/")
    submit(owner, SPARE)
    in_dashboard(owner)
    owner.context.close()
    # Three failures in a row from three places lock the account, for everyone.
    for index, address in enumerate(("203.0.113.1", "203.0.113.2", "203.0.113.3")):
        guesser = client(browser, address)
        guesser.goto(f"{base}/vawg/signin")
        submit(guesser, (SPARE[0], f"guess-number-{index}"))
        if index == 2:
            expect(
                guesser.get_by_text("This account is locked after 3 failed sign-ins")
            ).to_be_visible()
            snapshot(guesser, "signin-locked")
        guesser.context.close()
    owner = client(browser, "192.0.2.3")
    owner.goto(f"{base}/")
    submit(owner, SPARE)
    expect(owner.get_by_text("This account is locked")).to_be_visible()
    result = CliRunner().invoke(app, ["users", "unlock", SPARE[0], "--users", str(users)])
    assert result.exit_code == 0, result.output
    submit(owner, SPARE)
    in_dashboard(owner)
    owner.context.close()
    attacker.context.close()
    kinds = [e["event"] for e in audit(users) if e["user"] == SPARE[0]]
    assert kinds.count("locked") == 1 and kinds.count("unlocked") == 1
    assert "sign-in-refused" in kinds


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def test_sigterm_to_vawg_serve_stops_its_server(web_data: WebData, page: Page) -> None:
    port = free_port()
    vawg = Path(sys.executable).with_name("vawg")
    command = [str(vawg), "serve", "--db", str(web_data.db), "--users", str(web_data.users)]
    command += ["--port", str(port), "--set", "hotspot_permutations=99"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "dashboard on" in line:
                break
        assert f"dashboard on http://127.0.0.1:{port}" in "".join(lines), lines
        server = _children(process.pid)
        assert len(server) == 1
        page.goto(f"http://127.0.0.1:{port}/")
        assert page.get_by_role("textbox", name="User name").is_visible()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while (_port_open(port) or Path(f"/proc/{server[0]}").exists()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert not _port_open(port), "the server still listens after SIGTERM"
        assert not Path(f"/proc/{server[0]}").exists(), "the server process is still running"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_the_sign_in_page_reads_on_a_phone(gated: tuple[str, Path], browser: Browser) -> None:
    base, _ = gated
    context: Any = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/vawg/signin?ended=idle")
    expect(page.get_by_text("Your session ended after a time without use.")).to_be_visible()
    box = page.get_by_role("button", name="Sign in").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    snapshot(page, "signin-phone")
    context.close()
