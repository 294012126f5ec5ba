"""Shared helpers for the ingest tests: the fixture folder, and a full dump of a database."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"
"""Hand-made fixtures, one folder per rule (see the README there)."""


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of ``db``, sorted, so two databases compare with ``==``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {
            name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in sorted(names)
        }
    finally:
        con.close()


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows of one query on ``db`` (opened read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def queries(db: Path, *sql: str) -> list[list[tuple[object, ...]]]:
    """The rows of several queries on ``db``, through one read-only connection."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [con.execute(q).fetchall() for q in sql]
    finally:
        con.close()


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder, in memory (/dev/shm) where there is one: databases open faster."""
    shm = Path("/dev/shm")
    fast = shm.is_dir() and os.access(shm, os.W_OK)
    return tempfile.TemporaryDirectory(dir=shm if fast else None, prefix="vawg-ingest-")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A fresh database path (not created yet)."""
    return tmp_path / "vawg.duckdb"
