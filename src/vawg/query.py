"""The analysis query layer: ibis expressions over the store, DuckDB by default, Spark at scale.

Analyses never write SQL strings against the database directly: they build ibis expressions on
the tables :func:`connect` exposes, so the same function runs on the embedded DuckDB file or, for
a national-scale extract, on an existing Spark cluster (``pip install 'vawg-insight[spark]'``
and pass a SparkSession's tables to :func:`tables_from`). :func:`crimes_per_month` sets the
pattern.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import polars as pl
import pyarrow as pa
from ibis.backends import BaseBackend

from vawg import store
from vawg.errors import InputError
from vawg.schema import TABLES

__all__ = [
    "Tables",
    "connect",
    "crimes_per_month",
    "in_memory",
    "materialise",
    "month_of",
    "tables_from",
]

_COUNTER = itertools.count()


@dataclass(frozen=True)
class Tables:
    """The store's tables as ibis expressions, on whichever backend holds them."""

    backend: BaseBackend
    crimes: ir.Table
    people: ir.Table
    involvements: ir.Table
    areas: ir.Table
    weather: ir.Table
    cjs_events: ir.Table
    programme_participants: ir.Table
    public_survey: ir.Table
    victim_survey: ir.Table
    police_street: ir.Table
    police_outcomes: ir.Table
    interventions: ir.Table


def tables_from(backend: BaseBackend) -> Tables:
    """The store's tables on ``backend`` (DuckDB, or PySpark with the same table names)."""
    found = set(backend.list_tables())
    missing = [name for name in TABLES if name not in found]
    if missing:
        raise InputError(
            f"the database has no {', '.join(missing)} table; load data with `vawg ingest` first"
        )
    return Tables(backend, **{name: backend.table(name) for name in TABLES})


def connect(db: Path) -> Tables:
    """Open the DuckDB store read-only for analysis (with its key when it is encrypted).

    The connection comes from :func:`vawg.store.connect`, the one way the database is opened,
    so an encrypted store opens with ``VAWG_DB_KEY`` or the keyring's key, and a missing or
    wrong key is one clear error.
    """
    return tables_from(ibis.duckdb.from_connection(store.connect(db, read_only=True)))


def in_memory(data: pa.Table | pl.DataFrame) -> ir.Table:
    """``data`` (Arrow or polars) as an in-memory table any backend can join, in one chunk.

    On Spark, ibis hands an in-memory table to ``createDataFrame``, whose Arrow transfer
    refuses columns in several chunks (what a query's Arrow result or a filtered polars frame
    usually holds) and falls back, with a warning, to copying row by row in Python: minutes
    for a national extract's millions of rows. One chunk goes over Arrow.
    """
    table = data.to_arrow() if isinstance(data, pl.DataFrame) else data
    return ibis.memtable(table.combine_chunks())


def month_of(day: ir.DateValue) -> ir.DateValue:
    """The first day of ``day``'s month, as a date on every backend.

    Built from its year and month: ``truncate("M")`` compiles to ``date_trunc``, which returns
    a timestamp on Spark where DuckDB returns a date (and ibis drops a cast back to date, the
    type it already believes the result has)."""
    return ibis.date(day.year(), day.month(), 1)


def crimes_per_month(tables: Tables) -> ir.Table:
    """Crimes recorded per calendar month (the example every analysis query follows)."""
    crimes = tables.crimes
    month = month_of(crimes.recorded_date).name("month")
    return crimes.group_by(month).aggregate(crimes=crimes.count()).order_by("month")


def materialise(
    backend: BaseBackend, expr: ir.Table, stem: str, release: list[Callable[[], None]]
) -> ir.Table:
    """``expr`` computed once and held by the backend until the callable added to ``release``
    runs: a temporary table on DuckDB, a cached temporary view on Spark (ibis's PySpark backend
    has no temporary tables; ``cache`` persists the view's DataFrame, ``release`` unpersists it).

    For an expression several queries read (the in-scope crimes, say): each would otherwise
    derive it again from the stored tables.
    """
    name = f"_vawg_{stem}_{next(_COUNTER)}"
    if backend.name == "pyspark":
        # create_view registers the in-memory tables (harm weights) the expression reads.
        cached = backend.create_view(name, expr).cache()

        def unpersist() -> None:
            cached.release()
            backend.raw_sql(f"DROP VIEW IF EXISTS `{name}`")  # the same sqlglot fault as _drop

        release.append(unpersist)
        return cached
    backend.create_table(name, expr, temp=True)
    release.append(lambda: _drop(backend, name))
    return backend.table(name)


def _drop(backend: BaseBackend, name: str) -> None:
    # ibis 12's drop_table builds an empty DROP statement with sqlglot 30, so drop it directly.
    backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
