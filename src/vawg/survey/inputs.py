"""Read the two reference files a user may give the survey analysis: margins and themes.

These are small settings files, not survey data (the survey itself is loaded by
:func:`vawg.store.load_paths` under the data contract). Each reader turns a CSV into the plain
value the analysis takes and refuses a file it cannot use with one line naming the fix.

``margins.csv``: ``variable,level,population`` — variable is ``district``, ``sex`` or
``age_band``; population a count (or share) > 0; only proportions within a variable are used.

``themes.csv``: ``theme,keyword`` — one row per keyword; ``*`` at the end of a keyword matches
any ending (``embarrass*``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from vawg.errors import InputError
from vawg.survey.margins import Margins, margins_from_frame

__all__ = ["read_margins", "read_theme_dictionary"]


def _read(path: Path, columns: tuple[str, ...], what: str) -> pl.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: no such {what} file; check the path")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.ComputeError, UnicodeDecodeError, pl.exceptions.NoDataError) as error:
        raise InputError(
            f"{path}: not a readable CSV ({str(error).splitlines()[0]}); save it as UTF-8 CSV"
        ) from None
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: no column {', '.join(missing)}; a {what} file has columns {', '.join(columns)}"
        )
    if frame.height == 0:
        raise InputError(f"{path}: the {what} file has no rows")
    return frame


def read_margins(path: Path) -> Margins:
    """User margins from ``path`` (see module docstring)."""
    frame = _read(path, ("variable", "level", "population"), "margins")
    return margins_from_frame(
        frame.select("variable", "level", "population"), source=f"user margins ({path.name})"
    )


def read_theme_dictionary(path: Path) -> dict[str, tuple[str, ...]]:
    """``{theme: keywords}`` from ``path`` (see module docstring)."""
    frame = _read(path, ("theme", "keyword"), "theme dictionary")
    out: dict[str, list[str]] = {}
    for theme, keyword in frame.select("theme", "keyword").iter_rows():
        if not theme or not theme.strip() or not keyword or not keyword.strip():
            raise InputError(f"{path}: a row has an empty theme or keyword; fill it in or drop it")
        out.setdefault(theme.strip(), []).append(keyword.strip().lower())
    return {theme: tuple(words) for theme, words in out.items()}
