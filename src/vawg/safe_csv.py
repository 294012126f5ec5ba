"""CSV export that a spreadsheet cannot be tricked into running.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel
and LibreOffice as a formula (CSV formula injection, OWASP). Every CSV vawg-insight writes goes
through :func:`write_csv`, which prefixes such text cells with an apostrophe. Numbers are left
alone, so a negative number stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["escape_cell", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """The value, with an apostrophe in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` under ``header`` to ``path`` (UTF-8), escaping every cell; return rows written."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([escape_cell(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else escape_cell(v) for v in row])
            count += 1
    return count
