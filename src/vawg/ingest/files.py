"""Find input files, recognise their kind, and read their header.

A file's kind comes from its name (``crimes.csv``, ``2018-10-kent-street.csv``, …) or is given
by the user. A file that cannot be used at all — missing, not UTF-8 text, not Parquet, or
lacking a required column — raises one :class:`~vawg.errors.VawgError` naming the file, the
problem and the fix, before anything is loaded.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vawg.errors import ContractError, InputError
from vawg.schema import TABLES, Table, table

__all__ = ["InputFile", "discover", "recognise"]

SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class InputFile:
    """One file ready to load: its kind, format, headers and content hash."""

    path: Path
    table: Table
    format: str  # "csv" or "parquet"
    headers: tuple[str, ...]
    sha256: str

    @property
    def name(self) -> str:
        """The file's key in the database: its absolute path."""
        return str(self.path)


def recognise(path: Path) -> Table | None:
    """The table a file holds, judged by its name, or ``None`` when the name says nothing."""
    stem = path.name.lower()
    for suffix in SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        return None
    for candidate in TABLES.values():
        if any(fnmatch.fnmatchcase(stem, pattern) for pattern in candidate.file_patterns):
            return candidate
    return None


def _sha256(path: Path, *, text: bool) -> str:
    """The file's SHA-256; with ``text``, also refuse it unless every byte is UTF-8 text."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            if text:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as error:
                    line = lines + block.count(b"\n", 0, max(error.start, 0))
                    raise InputError(
                        f"{path}: line {line} is not UTF-8 text; export the file as CSV "
                        "(UTF-8, comma-separated) and load it again"
                    ) from None
                lines += block.count(b"\n")
    if text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: the file ends inside a character, so it is not UTF-8 text; export it "
                "as CSV (UTF-8, comma-separated) and load it again"
            ) from None
    return digest.hexdigest()


def _csv_headers(path: Path) -> tuple[str, ...]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 text; export it as CSV (UTF-8, comma-separated) and load it again"
        ) from None
    if not first:
        raise ContractError(f"{path}: the file is empty; a CSV needs a header row and data rows")
    if any("\x00" in h for h in first):
        raise InputError(
            f"{path}: the header holds NUL bytes, so this is a binary file, not CSV text; "
            "export the table as CSV (UTF-8)"
        )
    return tuple(h.strip() for h in first)


def _parquet_headers(path: Path) -> tuple[str, ...]:
    try:
        rows = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{_quote(path)}')").fetchall()
    except duckdb.Error:
        raise InputError(
            f"{path}: not a readable Parquet file; re-export it, or save it as CSV"
        ) from None
    return tuple(str(r[0]) for r in rows)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _open(path: Path, kind: str | None) -> InputFile:
    target = table(kind) if kind else recognise(path)
    if target is None:
        names = ", ".join(f"{p}.csv" for t in TABLES.values() for p in t.file_patterns)
        raise InputError(
            f"{path}: cannot tell what kind of file this is; name it one of {names} "
            f"(or .parquet), or pass --kind"
        )
    fmt = "parquet" if path.suffix.lower() == ".parquet" else "csv"
    headers = _parquet_headers(path) if fmt == "parquet" else _csv_headers(path)
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if duplicated:
        raise ContractError(
            f"{path}: the header repeats {', '.join(duplicated)}; give every column a unique name"
        )
    missing = [h for h in target.required_headers if h not in headers]
    if missing:
        raise ContractError(
            f"{path}: required column {', '.join(missing)} is absent from the header; "
            f"add it (see docs/data-contract.md, table {target.name})"
        )
    return InputFile(path.resolve(), target, fmt, headers, _sha256(path, text=fmt == "csv"))


def discover(paths: list[Path], kind: str | None = None) -> tuple[list[InputFile], list[Path]]:
    """Input files under ``paths`` in load order, and the files in folders that were skipped.

    A folder contributes every file whose name is recognised; other files in it (a README, a
    ``truth.json``) are skipped and listed. A file named explicitly must be recognised (or
    ``kind`` given). Files come back referenced tables first (people, crimes, then involvements).
    """
    found: list[InputFile] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder; check the path")
        if path.is_dir():
            for child in sorted(p for p in path.iterdir() if p.is_file()):
                if kind is None and recognise(child) is None:
                    skipped.append(child)
                elif child.suffix.lower() in SUFFIXES:
                    found.append(_open(child, kind))
                else:
                    skipped.append(child)
        else:
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(
                    f"{path}: not a .csv or .parquet file; export the table as CSV (UTF-8)"
                )
            found.append(_open(path, kind))
    order = list(TABLES)
    found.sort(key=lambda f: (order.index(f.table.name), f.name))
    unique = list({f.name: f for f in found}.values())
    return unique, skipped
