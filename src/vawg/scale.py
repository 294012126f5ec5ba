"""Scale out: put the store on a cluster as Parquet and open it there as :class:`Tables` on Spark.

Every analysis queries the store through ibis (:mod:`vawg.query`), so the same functions run on
an existing Spark (a force's Databricks, Synapse or Fabric, or a local one) once the tables are
there. :func:`export_parquet` writes every contract table from the DuckDB store as Parquet, one
folder per table; :func:`spark_tables` opens those folders, or the same tables registered in a
Spark catalog, as :class:`Tables` on ibis's PySpark backend; :func:`check_spark` runs the scope
and crimes per month there and says whether DuckDB agrees. :func:`local_spark` starts a small
local session (tests, benchmarks, trying it out). PySpark is optional:
``pip install 'vawg-insight[spark]'`` (and Java 17 or 21).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import polars as pl

from vawg.config import Settings
from vawg.errors import InputError
from vawg.query import Tables, crimes_per_month
from vawg.schema import TABLES
from vawg.scope import vawg_scope
from vawg.store import connect

if TYPE_CHECKING:
    from ibis.backends.pyspark import Backend as SparkBackend
    from pyspark.sql import SparkSession

__all__ = [
    "ExportResult",
    "SparkCheck",
    "TableExport",
    "check_spark",
    "export_parquet",
    "local_spark",
    "spark_tables",
]

_INSTALL = "install the Spark extra: pip install 'vawg-insight[spark]' (needs Java 17 or 21)"
# Parquet files DuckDB writes per table before starting another; a few hundred MB each suits
# Spark's default 128 MB input splits and keeps a national extract to a handful of files.
_FILE_SIZE = "256MB"
# A storage URI (abfss://, s3a://, dbfs:/, file://); two letters at least, so not C:/ on Windows.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:/")


@dataclass(frozen=True)
class TableExport:
    """One exported table: its name, rows written and folder."""

    name: str
    rows: int
    path: Path


@dataclass(frozen=True)
class ExportResult:
    """Every contract table written as Parquet under ``out_dir``, one folder per table."""

    out_dir: Path
    tables: tuple[TableExport, ...]


def export_parquet(db: Path, out_dir: Path, *, overwrite: bool = False) -> ExportResult:
    """Write every contract table of the store to ``out_dir/<table>/`` as Parquet files.

    Columns and types are the store's (DATE, TIMESTAMP without time zone, BIGINT, DOUBLE,
    BOOLEAN, VARCHAR, plus ``_file`` and ``_line``). The files hold person-level data: keep them
    where the database itself may be kept. Nothing is written if a table folder already holds
    files, unless ``overwrite`` (which replaces those folders' contents).
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir}: is a file; give a folder to write the tables into")
    folders = {name: out_dir / name for name in TABLES}
    occupied = [name for name, p in folders.items() if p.is_dir() and any(p.iterdir())]
    if occupied and not overwrite:
        raise InputError(
            f"--out {out_dir}: the folders for {', '.join(occupied)} already hold files; "
            "pass --overwrite to replace them, or give another --out"
        )
    con = connect(db, read_only=True)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, folder in folders.items():
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            con.execute(
                f'COPY (SELECT * FROM "{name}") TO {_literal(str(folder))} '
                f"(FORMAT parquet, COMPRESSION zstd, FILE_SIZE_BYTES '{_FILE_SIZE}'"
                f"{', OVERWRITE true' if overwrite else ''})"
            )
            written.append(TableExport(name, int(rows[0]) if rows else 0, folder))
    finally:
        con.close()
    return ExportResult(out_dir, tuple(written))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def local_spark(
    master: str = "local[2]",
    *,
    driver_memory: str = "1g",
    warehouse_dir: Path | None = None,
    app_name: str = "vawg",
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """A local SparkSession set up for vawg: UTC, Arrow transfers, no UI, errors-only logging.

    On a cluster, use the session the platform gives you instead (e.g. ``spark`` in a
    Databricks notebook). ``warehouse_dir`` holds any Spark databases created in the session
    (default: ``vawg-spark-warehouse`` in the temporary folder, so nothing lands in the working
    directory); the catalog is in memory, so no Hive metastore files are written either.
    ``conf``: further Spark settings, applied last.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(f"pyspark is not installed; {_INSTALL}") from None
    warehouse = warehouse_dir or Path(tempfile.gettempdir()) / "vawg-spark-warehouse"
    if not re.fullmatch(r"local(\[(\d+|\*)\])?", master):
        raise InputError(
            f"master {master!r}: local_spark starts a local Spark only (local, local[N] or "
            "local[*]); on a cluster pass the platform's SparkSession to spark_tables"
        )
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_tables(session: SparkSession, source: str | Path) -> Tables:
    """The store's tables on Spark, from Parquet folders or from a Spark database.

    ``source`` is either a location holding one Parquet folder per table, as
    :func:`export_parquet` writes them, or the name of a Spark database. A location is a
    :class:`~pathlib.Path`, an existing local folder, or a URI such as
    ``abfss://vawg@lake.dfs.core.windows.net/kent``, ``s3a://bucket/kent`` or
    ``dbfs:/Volumes/force/vawg/export``; its folders are registered as temporary views
    ``vawg_<table>_<hash of the location>``, so two locations never collide. Any other string
    names a Spark database (schema) whose tables have the contract's names, optionally with its
    catalog: ``"vawg"`` or ``"force_catalog.vawg"`` (Databricks Unity Catalog, Synapse, Fabric).
    Like every ibis PySpark connection, this sets the session's time zone to UTC.
    """
    backend = ibis.pyspark.connect(session)
    text = str(source)
    if isinstance(source, Path) or _URI.match(text) or Path(text).is_dir():
        return _from_parquet(backend, text)
    return _from_database(backend, text)


def _from_parquet(backend: SparkBackend, location: str) -> Tables:
    from pyspark.errors import AnalysisException

    local = None if _URI.match(location) else Path(location)
    if local is not None:
        if not local.is_dir():
            raise InputError(
                f"source {location}: no such folder; export the store with "
                "`vawg export --db FILE --out DIR` and pass DIR"
            )
        missing = [name for name in TABLES if not (local / name).is_dir()]
        if missing:
            raise InputError(
                f"source {location}: no folder for {', '.join(missing)}; export every table "
                "with `vawg export --db FILE --out DIR` and pass DIR"
            )
    base = location.rstrip("/")
    # Views are named per location, so two locations opened in one session never collide.
    tag = hashlib.sha1(base.encode()).hexdigest()[:8]
    views = {name: f"vawg_{name}_{tag}" for name in TABLES}

    def register(name: str) -> None:
        try:
            backend.read_parquet(f"{base}/{name}", table_name=views[name])
        except AnalysisException as error:
            first = str(error).splitlines()[0]
            raise InputError(
                f"source {location}: Spark cannot read {base}/{name} ({first}); "
                "check the location and that `vawg export` wrote it"
            ) from None

    # Spark runs a small job per folder to read its schema; run them side by side (about half
    # the wall time on 2 cores, more on a cluster reading from object storage).
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(register, TABLES))
    tables = {name: backend.table(view) for name, view in views.items()}
    return Tables(backend, **tables)


def _from_database(backend: SparkBackend, database: str) -> Tables:
    from pyspark.errors import AnalysisException

    try:
        found = set(backend.list_tables(database=database))
    except AnalysisException:
        raise InputError(
            f"source {database!r}: neither a folder nor a database in the Spark catalog; "
            "pass the folder `vawg export` wrote, or the database holding the tables"
        ) from None
    missing = [name for name in TABLES if name not in found]
    if missing:
        raise InputError(
            f"source {database!r}: the Spark database has no {', '.join(missing)} table; "
            "register every table `vawg export` writes (one Parquet folder each)"
        )
    return Tables(backend, **{name: backend.table(name, database=database) for name in TABLES})


@dataclass(frozen=True)
class SparkCheck:
    """The scope's counts and crimes per month computed on Spark, and whether DuckDB agrees.

    ``exclusions``: as :attr:`vawg.scope.Scope.exclusions`. ``counts``: crimes_in_scope,
    distinct_offenders, distinct_victims (one row). ``crimes_per_month``: month, crimes.
    ``differences``: the names of the parts whose DuckDB result differs (empty when every part
    is identical); None when no DuckDB store was given.
    """

    period: tuple[date, date]
    exclusions: pl.DataFrame
    counts: pl.DataFrame
    crimes_per_month: pl.DataFrame
    differences: tuple[str, ...] | None


def _parts(tables: Tables, settings: Settings) -> tuple[tuple[date, date], dict[str, pl.DataFrame]]:
    scope = vawg_scope(tables, settings)
    crimes, offenders, victims = scope.crimes, scope.offenders, scope.victims
    counts = (
        crimes.aggregate(crimes_in_scope=crimes.count())
        .cross_join(offenders.aggregate(distinct_offenders=offenders.person_id.nunique()))
        .cross_join(victims.aggregate(distinct_victims=victims.person_id.nunique()))
    )
    per_month = crimes_per_month(tables).to_polars().sort("month")
    return scope.period, {
        "exclusions": scope.exclusions,
        "counts": counts.to_polars().cast(pl.Int64),
        "crimes_per_month": per_month.with_columns(pl.col("crimes").cast(pl.Int64)),
    }


def check_spark(spark: Tables, settings: Settings, duckdb: Tables | None = None) -> SparkCheck:
    """Run the VAWG scope and crimes per month on ``spark``; compare with ``duckdb`` if given.

    Use it to confirm that a copy of the store on a cluster gives the same answers as the
    DuckDB file it came from (exactly: counts are integers, so any difference is a fault).
    """
    period, on_spark = _parts(spark, settings)
    differences = None
    if duckdb is not None:
        _, on_duckdb = _parts(duckdb, settings)
        differences = tuple(
            name for name, frame in on_spark.items() if not frame.equals(on_duckdb[name])
        )
    return SparkCheck(period, **on_spark, differences=differences)
