"""The served dashboard over plain HTTP: closed endpoints, sign-in, throttling, lockout, timeout.

Two real servers, started as ``vawg serve`` starts them: one that trusts 127.0.0.1 as its
reverse proxy (so each test sends its own X-Forwarded-For and is its own client), one that
trusts no proxy and ends sessions after 3 s without use. Each has its own users file and so its
own audit log.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.conftest import ANALYST, SPARE, VIEWER, WebData, own_users, served
from typer.testing import CliRunner

from vawg.cli import app


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """A cookie-keeping HTTP client that does not follow redirects (one browser, no JS)."""

    def __init__(self, base: str, forwarded_for: str | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}

    def request(
        self, path: str, data: dict[str, str] | None = None, accept: str = "text/html"
    ) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers={**self.headers, "Accept": accept}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def sign_in(
        self, name: str, password: str, next_: str = "/"
    ) -> tuple[int, dict[str, str], str]:
        status, _, page = self.request(f"/vawg/signin?next={urllib.parse.quote(next_)}")
        assert status == 200, page
        token = re.search(r'name="token" value="([^"]+)"', page)
        assert token is not None
        fields = {"token": token.group(1), "name": name, "password": password, "next": next_}
        return self.request("/vawg/signin", fields)

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((c for c in self.jar if c.name == name), None)


def audit(users: Path) -> list[dict[str, str]]:
    path = users.with_name("users.audit.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def proxied(
    web_data: WebData, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    users = own_users(web_data, tmp_path_factory.mktemp("proxied"))
    sets = ("dashboard_trusted_proxies=127.0.0.1", "dashboard_lockout_failures=3")
    with served(web_data, *sets, users=users) as base:
        yield base, users


@pytest.fixture(scope="module")
def direct(
    web_data: WebData, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    users = own_users(web_data, tmp_path_factory.mktemp("direct"))
    sets = ("dashboard_session_idle_minutes=0.05",)  # 3 s
    with served(web_data, *sets, users=users) as base:
        yield base, users


def test_metrics_and_other_internal_endpoints_do_not_answer(proxied: tuple[str, Path]) -> None:
    base, _ = proxied
    anonymous = Client(base, "192.0.2.10")
    assert anonymous.request("/_stcore/metrics", accept="*/*")[0] == 404
    assert anonymous.request("/_stcore/agent/openapi.json", accept="*/*")[0] == 404
    status, headers, body = anonymous.request("/_stcore/health", accept="*/*")
    assert (status, body) == (200, "ok")
    assert headers["x-content-type-options"] == "nosniff"
    for path in ("/_stcore/host-config", "/static/", "/media/x.csv", "/_stcore/upload_file/a/b"):
        assert anonymous.request(path, accept="*/*")[0] == 401, path
    status, headers, _ = anonymous.request("/place?district=Thanet")
    assert status == 303
    assert headers["location"] == "/vawg/signin?next=/place%3Fdistrict%3DThanet"
    # Signed in, the pages' endpoints answer; metrics still do not.
    analyst = Client(base, "192.0.2.11")
    assert analyst.sign_in(*ANALYST)[0] == 303
    assert analyst.request("/_stcore/host-config", accept="*/*")[0] == 200
    assert analyst.request("/")[0] == 200
    assert analyst.request("/_stcore/metrics", accept="*/*")[0] == 404


def test_sign_in_sets_an_http_only_cookie_and_returns_to_the_address_asked_for(
    proxied: tuple[str, Path],
) -> None:
    base, users = proxied
    client = Client(base, "192.0.2.20")
    status, headers, _ = client.sign_in(*VIEWER, next_="/surveys")
    assert status == 303 and headers["location"] == "/surveys"
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Lax" in headers["set-cookie"]
    assert client.cookie("vawg_session") is not None
    assert client.request("/vawg/signin")[0] == 303  # signed in: the form sends you on
    last = audit(users)[-1]
    assert (last["event"], last["user"], last["client"]) == ("sign-in", "vic", "192.0.2.20")
    # A form without its token (a forged cross-site post) is refused.
    forged = Client(base, "192.0.2.21")
    status, _, page = forged.request(
        "/vawg/signin", {"name": VIEWER[0], "password": VIEWER[1], "token": "x" * 22}
    )
    assert status == 400 and "expired" in page


def test_rapid_submissions_are_each_answered_one_checked_the_rest_told_to_wait(
    proxied: tuple[str, Path],
) -> None:
    base, _ = proxied
    client = Client(base, "192.0.2.30")
    status, _, page = client.request("/vawg/signin")
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert status == 200 and token is not None
    fields = {"token": token.group(1), "name": "nobody", "password": "wrong-password"}
    answers: list[tuple[int, dict[str, str], str]] = []

    def submit() -> None:
        answers.append(client.request("/vawg/signin", fields))

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a[0] for a in answers)
    assert statuses == [401, 429, 429, 429, 429], statuses
    for status, headers, page in answers:
        if status == 429:
            assert headers["retry-after"] == "1"
            assert "Too many failed sign-ins: wait 1 s before trying again." in page


def test_a_second_client_is_not_slowed_by_the_first_clients_failures(
    proxied: tuple[str, Path],
) -> None:
    base, _ = proxied
    attacker = Client(base, "198.51.100.66")
    assert attacker.sign_in(ANALYST[0], "a-wrong-guess")[0] == 401
    time.sleep(1.05)  # wait out the 1 s before the second guess
    assert attacker.sign_in(ANALYST[0], "a-wrong-guess")[0] == 401
    status, _, page = attacker.sign_in(ANALYST[0], ANALYST[1])
    assert status == 429 and "wait 2 s" in page  # even the right password: too soon
    # The analyst at her own desk signs in at once, and so does a colleague.
    started = time.monotonic()
    assert Client(base, "192.0.2.40").sign_in(*ANALYST)[0] == 303
    assert Client(base, "192.0.2.41").sign_in(*VIEWER)[0] == 303
    assert time.monotonic() - started < 3.0


def test_the_account_locks_after_n_failures_and_unlock_works_on_the_running_server(
    proxied: tuple[str, Path],
) -> None:
    base, users = proxied
    pages = [
        Client(base, f"203.0.113.{i}").sign_in(SPARE[0], "guess-number-x")[2] for i in (1, 2, 3)
    ]
    assert "Wrong user name or password." in pages[0]
    assert "locked after 3 failed sign-ins" in pages[2]
    status, _, page = Client(base, "192.0.2.50").sign_in(*SPARE)
    assert status == 403 and "vawg users unlock" in page
    assert [e["event"] for e in audit(users) if e["user"] == SPARE[0]][-2:] == [
        "locked",
        "sign-in-refused",
    ]
    result = CliRunner().invoke(app, ["users", "unlock", SPARE[0], "--users", str(users)])
    assert result.exit_code == 0, result.output
    assert Client(base, "192.0.2.50").sign_in(*SPARE)[0] == 303
    listed = CliRunner().invoke(app, ["users", "list", "--users", str(users)])
    assert "lee" in listed.output and "locked" not in listed.output.split("lee", 1)[1][:60]


def test_proxy_headers_are_ignored_when_no_proxy_is_trusted(direct: tuple[str, Path]) -> None:
    base, users = direct
    client = Client(base, "203.0.113.99")
    assert client.sign_in("nobody", "wrong-password")[0] == 401
    last = audit(users)[-1]
    assert (last["event"], last["client"]) == ("sign-in-failed", "127.0.0.1")


def test_a_session_ends_after_the_idle_time(direct: tuple[str, Path]) -> None:
    base, users = direct
    client = Client(base)
    assert client.sign_in(*VIEWER)[0] == 303
    assert client.request("/")[0] == 200
    time.sleep(3.5)
    status, headers, _ = client.request("/")
    assert status == 303 and headers["location"] == "/vawg/signin"
    assert "Max-Age=0" in headers["set-cookie"]  # the dead cookie is cleared
    ended = [e for e in audit(users) if e["event"] == "session-ended"]
    assert ended and (ended[-1]["user"], ended[-1]["detail"]) == ("vic", "idle")
