"""The dashboard's audit log: who did what, from where, when; one JSON object a line, appended.

Every sign-in, failed or refused sign-in, lockout, unlock, sign-out, ended session, page view and
download is one line::

    {"at": "2026-12-06T09:14:03.512+00:00", "event": "sign-in", "user": "alice",
     "client": "10.2.3.4", "detail": "password"}

The file is only ever appended to (opened with ``O_APPEND``, one ``write`` per line, flushed to
disk), created readable by its owner only, and never rewritten by the product: keep it on a
file system the server may append to but not truncate (``chattr +a`` on Linux) to make it
tamper-evident. It is also the memory of the sign-in guard (:mod:`vawg.web.guard`): failures,
lockouts and unlocks are read back from it, so a lockout survives a restart and ``vawg users
unlock`` (another process) takes effect on the running server. Several processes may append to
the same file; each reads what the others wrote with :meth:`AuditLog.read_new`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vawg.errors import InputError

__all__ = ["EVENTS", "AuditEvent", "AuditLog", "audit_path"]

log = logging.getLogger("vawg.web")

EVENTS = (
    "sign-in",  # detail: password | sso
    "sign-in-failed",  # wrong password or unknown name
    "sign-in-refused",  # detail: locked | wait N s | unknown sso user ...
    "locked",  # detail: after N failures
    "unlocked",  # detail: who unlocked (the operating-system user)
    "signed-out",
    "session-ended",  # detail: idle | lifetime | users file changed
    "page",  # detail: page path and the filters
    "page-refused",  # a viewer asked for an analyst page
    "download",  # detail: the file name
)
"""Every kind of event, in the words the log uses."""


@dataclass(frozen=True)
class AuditEvent:
    """One line of the log. ``at`` is seconds since the epoch (UTC)."""

    at: float
    event: str
    user: str
    client: str
    detail: str = ""

    def to_json(self) -> str:
        """The event as one line of JSON (time as ISO 8601 UTC, milliseconds)."""
        when = datetime.fromtimestamp(self.at, UTC).isoformat(timespec="milliseconds")
        return json.dumps(
            {
                "at": when,
                "event": self.event,
                "user": self.user,
                "client": self.client,
                "detail": self.detail,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> AuditEvent:
        """Parse one line written by :meth:`to_json`."""
        raw = json.loads(line)
        return cls(
            datetime.fromisoformat(raw["at"]).timestamp(),
            str(raw["event"]),
            str(raw["user"]),
            str(raw["client"]),
            str(raw.get("detail", "")),
        )


def audit_path(users: Path, setting: str = "") -> Path:
    """The audit log: the ``dashboard_audit_log`` setting, else beside the users file."""
    if setting:
        return Path(setting)
    return users.with_name(f"{users.stem}.audit.jsonl")


class AuditLog:
    """Append events to the log; read back what any process appended since the last read."""

    def __init__(self, path: Path, *, clock: Callable[[], float]) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._offset = 0
        self._pending = b""

    def now(self) -> float:
        """The time the log stamps events with (the injected clock)."""
        return self._clock()

    def append(self, event: str, user: str, client: str, detail: str = "") -> AuditEvent:
        """Write one event now; return it. An unknown event kind is a programming error."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}; use one of {', '.join(EVENTS)}")
        record = AuditEvent(self._clock(), event, user, client, detail)
        line = (record.to_json() + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as error:
            raise InputError(
                f"{self.path}: cannot write the dashboard audit log ({error.strerror}); "
                "make its folder writable or set dashboard_audit_log"
            ) from None
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        return record

    def read_new(self) -> list[AuditEvent]:
        """Events appended (by any process) since the last call; all of them on the first."""
        with self._lock:
            try:
                with self.path.open("rb") as handle:
                    size = handle.seek(0, os.SEEK_END)
                    if size < self._offset:  # the file was replaced: start again
                        self._offset, self._pending = 0, b""
                    handle.seek(self._offset)
                    chunk = handle.read()
            except FileNotFoundError:
                return []
            self._offset += len(chunk)
            data = self._pending + chunk
            *lines, self._pending = data.split(b"\n")
            return [event for line in lines if (event := _parse(line)) is not None]

    def __iter__(self) -> Iterator[AuditEvent]:
        """Every event in the file, oldest first (for reports and tests)."""
        if not self.path.exists():
            return iter(())
        lines = self.path.read_bytes().split(b"\n")
        return iter([event for line in lines if (event := _parse(line)) is not None])


def _parse(line: bytes) -> AuditEvent | None:
    """One line as an event; a damaged line is logged and skipped (it must not stop sign-in)."""
    if not line.strip():
        return None
    try:
        return AuditEvent.from_json(line.decode("utf-8"))
    except (ValueError, KeyError, TypeError):
        log.warning("audit log: skipped a damaged line: %r", line[:200])
        return None
