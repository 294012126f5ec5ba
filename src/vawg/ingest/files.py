"""Find input files, recognise their kind, and read their header.

A file's kind comes from its name (``crimes.csv``, ``2018-10-kent-street.csv``, …) or is given
by the user. A file that cannot be used at all — missing, a header that is not text in the
file's encoding, not Parquet, or lacking a required column — raises one
:class:`~vawg.errors.VawgError` naming the file, the problem and the fix, before anything is
loaded. A bad byte further down costs only its record (see :mod:`vawg.ingest.read`).
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vawg.errors import ContractError, InputError
from vawg.ingest.lines import Scan, scan
from vawg.schema import TABLES, Table, table

__all__ = ["InputFile", "discover", "encoding_name", "recognise"]

SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class InputFile:
    """One file ready to load: its kind, format, headers, encoding and one scan of its bytes."""

    path: Path
    table: Table
    format: str  # "csv" or "parquet"
    headers: tuple[str, ...]
    scan: Scan
    encoding: str = "utf-8"

    @property
    def name(self) -> str:
        """The file's absolute path (where its rows came from)."""
        return str(self.path)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the file's bytes."""
        return self.scan.sha256


def encoding_name(name: str) -> str:
    """The codec's canonical name, refusing unknown ones and those that are not ASCII-based.

    The reader finds line breaks, quotes and commas as bytes, so only encodings that write
    them as ASCII do (UTF-8, Windows-1252, Latin-1, ...); UTF-16 does not.
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise InputError(
            f"--encoding {name}: unknown encoding; use e.g. utf-8, cp1252 (Windows-1252) or latin-1"
        ) from None
    if info.name in ("utf-8", "utf-8-sig"):
        return "utf-8"
    probe = '\n\r",azAZ09'
    if probe.encode(info.name, "strict") != probe.encode("ascii"):
        raise InputError(
            f"--encoding {name}: not supported (line breaks and commas are not single ASCII "
            "bytes in it); re-save the file as CSV UTF-8"
        )
    return info.name


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


def _csv_headers(path: Path, encoding: str) -> tuple[str, ...]:
    """The header row: the file's first physical line, which must be text in ``encoding``."""
    with path.open("rb") as handle:
        line = handle.readline(1 << 20)
    line = line.split(b"\r", 1)[0].rstrip(b"\n")
    try:
        text = line.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError:
        hint = " (or pass --encoding cp1252 for a Windows-1252 file)" if encoding == "utf-8" else ""
        raise InputError(
            f"{path}: not {'UTF-8' if encoding == 'utf-8' else encoding} text{hint}; export it "
            "as CSV (UTF-8, comma-separated) and load it again"
        ) from None
    first = next(csv.reader(io.StringIO(text)), None)
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


def _open(path: Path, kind: str | None, encoding: str) -> InputFile:
    target = table(kind) if kind else recognise(path)
    if target is None:
        names = ", ".join(f"{p}.csv" for t in TABLES.values() for p in t.file_patterns)
        raise InputError(
            f"{path}: cannot tell what kind of file this is; name it one of {names} "
            f"(or .parquet), or pass --kind"
        )
    fmt = "parquet" if path.suffix.lower() == ".parquet" else "csv"
    headers = _parquet_headers(path) if fmt == "parquet" else _csv_headers(path, encoding)
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
    return InputFile(
        path.resolve(), target, fmt, headers, scan(path), encoding if fmt == "csv" else "utf-8"
    )


def discover(
    paths: list[Path], kind: str | None = None, encoding: str = "utf-8"
) -> tuple[list[InputFile], list[Path]]:
    """Input files under ``paths`` in load order, and the files in folders that were skipped.

    A folder contributes every file whose name is recognised; other files in it (a README, a
    ``truth.json``) are skipped and listed. A file named explicitly must be recognised (or
    ``kind`` given). Files come back referenced tables first (people, crimes, then involvements).
    ``encoding`` is that of every CSV file (Parquet has its own).
    """
    encoding = encoding_name(encoding)
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
                    found.append(_open(child, kind, encoding))
                else:
                    skipped.append(child)
        else:
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(
                    f"{path}: not a .csv or .parquet file; export the table as CSV (UTF-8)"
                )
            found.append(_open(path, kind, encoding))
    order = list(TABLES)
    found.sort(key=lambda f: (order.index(f.table.name), f.name))
    unique = list({f.name: f for f in found}.values())
    return unique, skipped
