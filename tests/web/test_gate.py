"""The gate in front of the dashboard, called as ASGI middleware with a recording inner app.

(The same gate in front of the real server is tested over HTTP in test_http.py.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from pathlib import Path
from typing import Any

import pytest

from vawg.config import Settings
from vawg.web.access import Access
from vawg.web.auth import save_user
from vawg.web.gate import Gate, client_address, networks, safe_next

PROXIES = networks(["10.0.0.0/8", "127.0.0.1"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("192.0.2.7", ["203.0.113.9"], ("192.0.2.7", False)),  # not a proxy: header ignored
        ("127.0.0.1", ["203.0.113.9"], ("203.0.113.9", True)),
        ("127.0.0.1", ["198.51.100.1, 203.0.113.9"], ("203.0.113.9", True)),  # rightmost
        ("127.0.0.1", ["203.0.113.9, 10.1.2.3"], ("203.0.113.9", True)),  # skip our proxies
        ("127.0.0.1", ["203.0.113.9", "10.1.2.3"], ("203.0.113.9", True)),  # two headers
        ("127.0.0.1", ["<script>, 10.1.2.3"], ("10.1.2.3", True)),  # junk stops the walk
        ("127.0.0.1", [], ("127.0.0.1", True)),
        (None, ["203.0.113.9"], ("unknown", False)),
    ],
)
def test_the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise(
    peer: str | None, forwarded: list[str], expected: tuple[str, bool]
) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected
    # With no proxy trusted, nothing a client sends changes who it is.
    assert client_address(peer, forwarded, ())[0] == (peer or "unknown")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/rfgv", "/rfgv"),
        ("/place?district=Thanet", "/place?district=Thanet"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/vawg/signout", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        (None, "/"),
    ],
)
def test_return_addresses_stay_on_the_dashboard(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


class Inner:
    """An ASGI app that records the scope it was given and answers 200 (or a download)."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            return
        headers = [(b"content-type", b"text/csv")]
        if scope["path"].startswith("/media/"):
            headers.append((b"content-disposition", b'attachment; filename="vawg-x_2017-04.csv"'))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})


def call(
    gate: Gate,
    path: str,
    *,
    kind: str = "http",
    headers: dict[str, str] | None = None,
    peer: str = "127.0.0.1",
) -> tuple[int, dict[bytes, bytes], list[dict[str, Any]]]:
    """Send one request through the gate; return the status, the headers and what was sent."""
    sent: list[dict[str, Any]] = []
    scope = {
        "type": kind,
        "path": path,
        "method": "GET",
        "query_string": b"",
        "scheme": "http" if kind == "http" else "ws",
        "client": (peer, 5555),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # In a thread of its own: the browser tests may leave an event loop running in this one.
    worker = threading.Thread(target=lambda: asyncio.run(gate(scope, receive, send)))
    worker.start()
    worker.join(30)
    start = sent[0]
    if start["type"] == "websocket.close":
        return 403, {}, sent
    if start["type"] == "websocket.accept":
        return 101, {}, sent
    return start["status"], dict(start["headers"]), sent


@pytest.fixture()
def access(tmp_path: Path) -> Access:
    users = tmp_path / "users.toml"
    save_user(users, "alice", "analyst", "alice-password-1")
    return Access(users, Settings().replace(dashboard_trusted_proxies=("127.0.0.1",)))


def test_internal_endpoints_are_closed_even_to_a_signed_in_user(access: Access) -> None:
    inner = Inner()
    gate = Gate(inner, access=access)
    token = access.sign_in("alice", "alice-password-1", "127.0.0.1").token
    cookie = {"cookie": f"vawg_session={token}"}
    for path in (
        "/_stcore/metrics",
        "/_stcore/agent/interact",
        "/_stcore/script-health-check",
        "/auth/login",
        "/oauth2callback",
    ):
        assert call(gate, path, headers=cookie)[0] == 404, path
    assert call(gate, "/_stcore/health")[0] == 200  # the proxy's health check: open
    assert inner.scopes and all(s["path"] == "/_stcore/health" for s in inner.scopes)


def test_without_a_session_pages_go_to_sign_in_and_everything_else_is_refused(
    access: Access,
) -> None:
    inner = Inner()
    gate = Gate(inner, access=access)
    status, headers, _ = call(gate, "/rfgv", headers={"accept": "text/html"})
    assert status == 303 and headers[b"location"] == b"/vawg/signin?next=/rfgv"
    assert call(gate, "/favicon.ico", headers={"accept": "image/*"})[0] == 401
    for path in ("/_stcore/host-config", "/static/js/main.js", "/media/abc.csv"):
        assert call(gate, path, headers={"accept": "text/html"})[0] == 401, path
    assert call(gate, "/_stcore/stream", kind="websocket")[0] == 403
    # A made-up session or one sent as a header of ours does not help.
    forged = {"cookie": "vawg_session=made-up", "x-vawg-session": "made-up"}
    assert call(gate, "/_stcore/stream", kind="websocket", headers=forged)[0] == 403
    assert not inner.scopes


def test_a_session_passes_with_the_gates_own_headers_only(access: Access) -> None:
    inner = Inner()
    gate = Gate(inner, access=access)
    token = access.sign_in("alice", "alice-password-1", "203.0.113.9").token
    sent = {
        "cookie": f"vawg_session={token}",
        "x-forwarded-for": "203.0.113.9",
        "x-vawg-client": "someone-else",
        "x-vawg-session": "forged",
    }
    assert call(gate, "/_stcore/stream", kind="websocket", headers=sent)[0] == 101
    scope = inner.scopes[-1]
    ours = [(k, v) for k, v in scope["headers"] if k.startswith(b"x-vawg-")]
    assert sorted(ours) == [(b"x-vawg-client", b"203.0.113.9"), (b"x-vawg-session", token.encode())]
    assert scope["client"] == ("203.0.113.9", 0)
    # The same cookie from another address is no session (bound to the client).
    moved = dict(sent, **{"x-forwarded-for": "198.51.100.1"})
    assert call(gate, "/_stcore/stream", kind="websocket", headers=moved)[0] == 403


def test_a_fetched_download_is_not_cached_and_not_audited_by_the_gate(access: Access) -> None:
    # Streamlit's browser code fetches a download button's file when the button is drawn:
    # the gate cannot tell that from a click, so the page logs downloads (on the click).
    gate = Gate(Inner(), access=access)
    token = access.sign_in("alice", "alice-password-1", "127.0.0.1").token
    status, headers, _ = call(gate, "/media/abc.csv", headers={"cookie": f"vawg_session={token}"})
    assert status == 200
    assert headers[b"cache-control"] == b"no-store"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert [e.event for e in access.audit] == ["sign-in"]


def test_single_sign_on_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    save_user(users, "sam", "viewer", None)
    settings = Settings().replace(
        dashboard_trusted_proxies=("10.0.0.0/8",), dashboard_sso_header="X-Remote-User"
    )
    access = Access(users, settings)
    inner = Inner()
    gate = Gate(inner, access=access)
    # From the proxy: signed in, the cookie is set, the header is not passed on.
    status, headers, _ = call(
        gate, "/", headers={"x-remote-user": "sam", "accept": "text/html"}, peer="10.0.0.2"
    )
    assert status == 200 and headers[b"set-cookie"].startswith(b"vawg_session=")
    assert b"HttpOnly" in headers[b"set-cookie"] and b"SameSite=Lax" in headers[b"set-cookie"]
    assert all(k != b"x-remote-user" for k, _ in inner.scopes[-1]["headers"])
    # From anywhere else the header means nothing.
    status, _, _ = call(
        gate, "/", headers={"x-remote-user": "sam", "accept": "text/html"}, peer="192.0.2.1"
    )
    assert status == 303
    assert [e.event for e in access.audit] == ["sign-in"]
    assert ipaddress.ip_address("10.0.0.2") in networks(settings.dashboard_trusted_proxies)[0]
