"""The manifest every output carries: which inputs, which settings, which version, when.

A published figure must be traceable to the data and the choices that made it, and
reproducible. :func:`build_manifest` describes one command's run:

- **inputs**: every delivery in the database (number, name, when loaded, full replacement or
  not, the period it covers) and each of its files' kind, file name and SHA-256, plus one
  ``digest`` over all those hashes — two outputs with the same digest were made from the same
  data;
- **settings** as used (with ``--set`` and the settings file applied) and the **seed** of every
  random procedure;
- the **version** of vawg-insight and the **time** (UTC) the output was made;
- the **marking** of a restricted output (``OFFICIAL-SENSITIVE``).

It never holds a local path: files appear by name only, and a setting naming a file (harm
weights, a theme dictionary) by its name and SHA-256. :mod:`vawg.report.stamp` writes it into
each output file (a ``manifest`` key in JSON, a footer in HTML, a sidecar beside CSV). A
release log keeps the manifests of what was published.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from vawg.config import Settings
from vawg.safe_csv import RESTRICTED
from vawg.store import connect, deliveries, is_encrypted

__all__ = ["MANIFEST_FORMAT", "build_manifest", "product_version"]

MANIFEST_FORMAT = 1
"""Bumped when a key of the manifest changes meaning."""


def product_version() -> str:
    """The installed vawg-insight version."""
    try:
        return version("vawg-insight")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _setting(value: Any) -> Any:
    """A setting as JSON, a file named in it reduced to its name and content hash."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_setting(v) for v in value]
    if isinstance(value, str) and ("/" in value or "\\" in value or Path(value).is_file()):
        path = Path(value)
        named: dict[str, Any] = {"file": path.name}
        if path.is_file():
            named["sha256"] = _file_digest(path)
        return named
    return value


def _settings(settings: Settings) -> dict[str, Any]:
    return {f.name: _setting(getattr(settings, f.name)) for f in dataclasses.fields(settings)}


def _inputs(db: Path) -> tuple[list[dict[str, Any]], bool]:
    if not db.exists():
        return [], False
    con = connect(db, read_only=True)
    try:
        held, encrypted = deliveries(con), is_encrypted(con)
    finally:
        con.close()
    return [
        {
            "delivery": d.delivery,
            "name": d.label,
            "loaded_at": d.loaded_at.isoformat(),
            "replace": d.replace,
            "period": [
                d.period_from.isoformat() if d.period_from else None,
                d.period_to.isoformat() if d.period_to else None,
            ],
            "files": [{"kind": f.kind, "name": f.name, "sha256": f.sha256} for f in d.files],
        }
        for d in held
    ], encrypted


def build_manifest(
    db: Path,
    *,
    command: str,
    settings: Settings | None = None,
    public: bool = False,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The manifest of an output made by ``command`` (e.g. ``"vawg profile --public"``).

    ``db`` is the database the output was made from; ``settings`` those used (their ``seed`` is
    the seed); ``public`` says whether the output is the disclosure-controlled one.
    """
    inputs, encrypted = _inputs(db)
    hashes = sorted(f["sha256"] for d in inputs for f in d["files"])
    when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "format": MANIFEST_FORMAT,
        "product": "vawg-insight",
        "version": product_version(),
        "created": when.isoformat().replace("+00:00", "Z"),
        "command": command,
        "marking": None if public else RESTRICTED,
        "seed": settings.seed if settings is not None else None,
        "settings": _settings(settings) if settings is not None else None,
        "inputs": {
            "digest": hashlib.sha256("\n".join(hashes).encode()).hexdigest(),
            "deliveries": inputs,
        },
        "database_encrypted": encrypted,
    }
