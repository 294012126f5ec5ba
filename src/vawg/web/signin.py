"""The sign-in and sign-out pages: plain HTTP forms, before any dashboard code runs.

``GET /vawg/signin`` shows the form; ``POST /vawg/signin`` checks the password through
:meth:`vawg.web.access.Access.sign_in` (throttled, locked, audited) and, on success, sets the
session cookie and returns the browser to the address it first asked for. Every submission gets
an answer: the page again with what went wrong, including "wait N s" (HTTP 429, with
``Retry-After``) when the attempt came too soon, or "locked" (403). ``POST /vawg/signout`` ends
the session. Both forms carry a token against cross-site request forgery: the sign-in form a
random one also set as a strict cookie, the sign-out form the session's own.

Sign-in happens here rather than inside the Streamlit app so that the session cookie can be
``HttpOnly`` (scripts in the page cannot read it) and so that nothing of the dashboard (not even
its WebSocket) is reachable before sign-in.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from vawg.web.access import Access
from vawg.web.gate import CLIENT_HEADER, SESSION_COOKIE, safe_next, session_cookie

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["ENDED", "routes"]

CSRF_COOKIE = "vawg_signin"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
_MAX_FORM = 8192
ENDED = {
    "idle": "Your session ended after a time without use. Sign in again to continue.",
    "lifetime": "Your session reached its time limit. Sign in again to continue.",
    "signed-out": "You have signed out.",
    "role": "Your account changed. Sign in again to continue.",
}
"""Why the sign-in page is shown again (the ``ended`` query parameter), in words."""

_TEMPLATES = Environment(
    loader=PackageLoader("vawg.web", "templates"),
    autoescape=select_autoescape(default=True),
)


def _client(request: Request) -> str:
    return request.headers.get(CLIENT_HEADER.decode(), "unknown")


def _secure(request: Request) -> bool:
    return bool(request.scope.get("vawg.secure"))


def _page(
    request: Request, access: Access, *, message: str = "", status: int = 200, name: str = ""
) -> Response:
    # One token per browser (kept while its cookie lives), so two tabs can both sign in.
    token = request.cookies.get(CSRF_COOKIE, "")
    if not _TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(16)
    notice = ENDED.get(request.query_params.get("ended", ""), "")
    body = _TEMPLATES.get_template("signin.html").render(
        message=message,
        notice=notice,
        name=name[:64],
        token=token,
        next=safe_next(request.query_params.get("next")),
        lockout=access.settings.dashboard_lockout_failures,
    )
    response = HTMLResponse(body, status_code=status)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        path="/vawg/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > _MAX_FORM:
        return {}
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=10)
    return {key: values[0] for key, values in fields.items()}


def routes(access: Access) -> list[Route]:
    """The sign-in routes, bound to the server's :class:`Access`."""

    async def signin_page(request: Request) -> Response:
        client = _client(request)
        if access.session(request.cookies.get(SESSION_COOKIE), client) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), 303)
        return _page(request, access)

    async def signin(request: Request) -> Response:
        client = _client(request)
        form = await _form(request)
        expected = request.cookies.get(CSRF_COOKIE, "")
        sent = form.get("token", "")
        if not expected or not hmac.compare_digest(expected, sent):
            return _page(
                request,
                access,
                message="The sign-in form had expired; please sign in again.",
                status=400,
            )
        outcome = await run_in_threadpool(
            access.sign_in, form.get("name", ""), form.get("password", ""), client
        )
        if outcome.token is None:
            response = _page(
                request,
                access,
                message=outcome.message,
                status=outcome.status,
                name=form.get("name", "").strip(),
            )
            if outcome.status == 429:
                response.headers["Retry-After"] = str(max(1, int(-(-outcome.retry_after // 1))))
            return response
        response = RedirectResponse(safe_next(form.get("next")), 303)
        response.headers.append(
            "set-cookie", session_cookie(outcome.token, secure=_secure(request))
        )
        response.delete_cookie(CSRF_COOKIE, path="/vawg/")
        return response

    async def signout(request: Request) -> Response:
        client = _client(request)
        token = request.cookies.get(SESSION_COOKIE)
        session = access.session(token, client)
        form = await _form(request)
        if session is None or token is None:
            return RedirectResponse("/vawg/signin", 303)
        if not hmac.compare_digest(session.form_token, form.get("token", "")):
            return PlainTextResponse("Sign-out refused: the form did not come from this page.", 403)
        access.end_session(token, client, "sign-out")
        response = RedirectResponse(f"/vawg/signin?ended={quote('signed-out')}", 303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
        return response

    return [
        Route("/vawg/signin", signin_page, methods=["GET"]),
        Route("/vawg/signin", signin, methods=["POST"]),
        Route("/vawg/signout", signout, methods=["POST"]),
    ]
