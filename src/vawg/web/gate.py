"""The gate in front of every request: who the client is, and nothing without a session.

An ASGI middleware that runs before Streamlit sees a request (HTTP or WebSocket):

1. **Client address.** The TCP peer, unless the peer is one of the trusted proxies
   (``dashboard_trusted_proxies``): then the rightmost address in ``X-Forwarded-For`` that is
   not itself a trusted proxy. With no trusted proxy set, proxy headers are ignored, so a client
   cannot pretend to be another (uvicorn's own proxy-header handling is switched off by the
   server for the same reason).
2. **Closed endpoints** answer 404 to everyone: Streamlit's ``/_stcore/metrics``, its agent API
   (``/_stcore/agent/…``), the script health check and its own OpenID routes (unused here).
3. **Open endpoints**: ``/_stcore/health`` (for the proxy's health check; says only "ok") and the
   sign-in pages under ``/vawg/``.
4. **Everything else needs a live session** (:mod:`vawg.web.sessions`): the page itself, the
   WebSocket the pages run over, the JavaScript bundle, media and downloads. Without one, a page
   address is redirected to the sign-in page (keeping the address to return to), anything else
   is refused (401; the WebSocket handshake is refused).
5. With single sign-on (``dashboard_sso_header``), a request from a trusted proxy that names a
   user in that header gets a session without a password, if the user is in the users file.
   The header is removed from requests that do not come from a trusted proxy.

The page scripts learn the session and client only from two headers the gate sets after
removing any a client sent (``x-vawg-session``, ``x-vawg-client``). Downloads are written to
the audit log by the page when the user clicks (:func:`vawg.web.charts.deferred_csv`), not here:
a browser fetches ``/media/…`` files it was never asked for. Every HTTP answer
gets ``nosniff``, a same-origin frame and referrer policy, and no caching of pages or media.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import quote

from vawg.web.access import Access

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CLIENT_HEADER",
    "SESSION_COOKIE",
    "SESSION_HEADER",
    "Gate",
    "client_address",
    "networks",
    "safe_next",
    "session_cookie",
]

SESSION_COOKIE = "vawg_session"
SESSION_HEADER = b"x-vawg-session"
CLIENT_HEADER = b"x-vawg-client"

_CLOSED = (
    "/_stcore/metrics",
    "/_stcore/agent",
    "/_stcore/script-health-check",
    "/auth/",
    "/oauth2callback",
)
_OPEN = ("/_stcore/health",)
_OPEN_PREFIX = "/vawg/"
_INTERNAL = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/")
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(items: Sequence[str]) -> tuple[Network, ...]:
    """The trusted proxies setting as networks (a bare address is a one-address network)."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: tuple[Network, ...]
) -> tuple[str, bool]:
    """(client address, whether it came through a trusted proxy).

    ``forwarded_for``: every ``X-Forwarded-For`` header value, in order. Only when ``peer`` is a
    trusted proxy are they read: right to left, skipping trusted proxies; the first other valid
    address is the client. A hop that is not an address stops the walk (the last trusted hop is
    taken), so a malformed header cannot inject text into the audit log.
    """
    if not peer:
        return "unknown", False
    if not _trusted(peer, trusted):
        return peer, False
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break
        client = hop
        if not _trusted(hop, trusted):
            break
    return client, True


def safe_next(target: str | None) -> str:
    """A local address to return to after sign-in ("/" for anything else: no open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or target.startswith(_OPEN_PREFIX)
        or any(ord(c) < 33 for c in target)
    ):
        return "/"
    return target


def session_cookie(token: str, *, secure: bool) -> str:
    """The ``Set-Cookie`` value for a session (browser session lifetime; the server ends it)."""
    flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
    return f"{SESSION_COOKIE}={token}{flags}"


def _cleared_cookie() -> str:
    return f"{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in scope["headers"] if k == name]


def _cookie(scope: Scope, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    for value in _headers(scope, b"cookie"):
        try:
            jar.load(value)
        except Exception:  # a malformed cookie header is no session
            return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class Gate:
    """ASGI middleware: resolve the client, close internal endpoints, require a session."""

    def __init__(self, app: ASGIApp, *, access: Access) -> None:
        self.app = app
        self.access = access
        settings = access.settings
        self.trusted = networks(settings.dashboard_trusted_proxies)
        self.sso = settings.dashboard_sso_header.lower().encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        peer = scope["client"][0] if scope.get("client") else None
        client, proxied = client_address(peer, _headers(scope, b"x-forwarded-for"), self.trusted)
        forwarded_proto = _headers(scope, b"x-forwarded-proto")
        secure = scope.get("scheme") in ("https", "wss") or (
            proxied and bool(forwarded_proto) and forwarded_proto[-1].strip() == "https"
        )
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in _CLOSED):
            await self._answer(scope, receive, send, 404, b"Not found")
            return
        sso_user = ""
        clean: list[tuple[bytes, bytes]] = []
        for key, value in scope["headers"]:
            if key.startswith(b"x-vawg-"):
                continue
            if self.sso and key == self.sso:
                if proxied:
                    sso_user = value.decode("latin-1").strip()
                continue  # never passed on: the pages learn the user from the session
            clean.append((key, value))
        token = _cookie(scope, SESSION_COOKIE)
        session = self.access.session(token, client)
        new_token = None
        if session is not None and sso_user and session.user != sso_user:
            self.access.end_session(token or "", client, "another single sign-on user")
            session = None
        if session is None and sso_user:
            new_token = self.access.sso_session(sso_user, client)
            if new_token is not None:
                token, session = new_token, self.access.sessions.get(new_token, client)
        clean.append((CLIENT_HEADER, client.encode("latin-1")))
        is_open = path in _OPEN or path.startswith(_OPEN_PREFIX)
        if session is None and not is_open:
            await self._refuse(scope, receive, send, clear=bool(token))
            return
        if session is not None and token:
            clean.append((SESSION_HEADER, token.encode("latin-1")))
        inner = dict(scope, headers=clean, client=(client, 0))
        inner["vawg.secure"] = secure
        if scope["type"] == "websocket":
            await self.app(inner, receive, send)
            return
        await self.app(inner, receive, self._sender(send, path, new_token, secure))

    def _sender(self, send: Send, path: str, new_token: str | None, secure: bool) -> Send:
        """Wrap ``send``: security headers and a new SSO session's cookie."""

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                if path.startswith("/media/") or path.startswith(_OPEN_PREFIX):
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                if new_token:
                    cookie = session_cookie(new_token, secure=secure)
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = dict(message, headers=headers)
            await send(message)

        return wrapped

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, *, clear: bool) -> None:
        """No session: refuse a WebSocket; send a page to sign-in; refuse anything else."""
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "sign in first"})
            return
        path: str = scope["path"]
        extra = [(b"set-cookie", _cleared_cookie().encode("latin-1"))] if clear else []
        accept = ",".join(_headers(scope, b"accept"))
        page = scope["method"] in ("GET", "HEAD") and "text/html" in accept
        if page and not path.startswith(_INTERNAL):
            query = scope.get("query_string", b"").decode("latin-1")
            target = safe_next(path + (f"?{query}" if query else ""))
            location = "/vawg/signin" + ("" if target == "/" else f"?next={quote(target)}")
            await self._answer(
                scope,
                receive,
                send,
                303,
                b"Sign in first",
                [(b"location", location.encode()), *extra],
            )
            return
        await self._answer(scope, receive, send, 401, b"Sign in first", extra)

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        body: bytes,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            *_SECURITY_HEADERS,
            *(extra or []),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
