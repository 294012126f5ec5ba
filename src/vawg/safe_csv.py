"""CSV export that a spreadsheet cannot be tricked into running, and that says what it holds.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel
and LibreOffice as a formula (CSV formula injection, OWASP). Every CSV vawg-insight writes goes
through :func:`write_csv`, which prefixes such text cells with an apostrophe. Numbers are left
alone, so a negative number stays a number.

A CSV holding person-level data (the load's quarantine.csv, a restricted export) is written with
a ``marking``: a first line ``# OFFICIAL-SENSITIVE: …`` (a spreadsheet shows it; pandas skips it
with ``comment="#"``) and file permissions for its owner only.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

__all__ = ["RESTRICTED", "escape_cell", "restrict", "write_csv"]

RESTRICTED = "OFFICIAL-SENSITIVE"
"""The Government Security Classification marking of person-level outputs."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """The value, with an apostrophe in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def restrict(path: Path) -> None:
    """Let only the file's owner read or write it (where the file system has permissions)."""
    os.chmod(path, 0o600)


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    marking: str | None = None,
) -> int:
    """Write ``rows`` under ``header`` to ``path`` (UTF-8), escaping every cell; return rows written.

    With ``marking`` (e.g. "OFFICIAL-SENSITIVE: person-level values"), the file starts with the
    line ``# <marking>`` and is created readable by its owner only.
    """
    count = 0
    if marking is not None:
        # Created with owner-only permissions, so the data is never readable by others.
        with suppress(FileNotFoundError):
            path.unlink()
        handle_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(handle_fd)
        restrict(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        if marking is not None:
            handle.write(f"# {marking}\n")
        writer = csv.writer(handle)
        writer.writerow([escape_cell(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else escape_cell(v) for v in row])
            count += 1
    return count
