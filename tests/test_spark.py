"""The same ibis queries on Spark as on DuckDB: the scope fixture, crimes per month, synthetic data.

The hand-made scope fixture (tests/data/scope/, answers worked out in its README and in
tests/test_scope.py) is loaded into DuckDB, exported to Parquet with ``export_parquet`` and
opened on a local Spark (``local[2]``) with ``spark_tables``; every result must equal the hand
answer and DuckDB's, row for row and column for column. One SparkSession serves the module.
Skipped only when pyspark or Java is missing (CI installs the [spark] extra and has Java).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from vawg.cli import app
from vawg.config import Settings
from vawg.errors import InputError
from vawg.query import Tables, connect, in_memory
from vawg.scale import check_spark, export_parquet, local_spark, spark_tables
from vawg.schema import TABLES
from vawg.scope import Scope, default_period, vawg_scope
from vawg.store import load_paths
from vawg.synth import generate

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


_MISSING = [
    reason
    for reason, missing in (
        (
            "pyspark is not installed (pip install 'vawg-insight[spark]')",
            importlib.util.find_spec("pyspark") is None,
        ),
        ("no Java runtime (java on PATH or JAVA_HOME); Spark needs Java 17 or 21", not _java()),
    )
    if missing
]

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(bool(_MISSING), reason="; ".join(_MISSING)),
    # pyspark 4.0 leaves the local socket it collects results through to the garbage
    # collector (pyspark/util.py `_load_from_socket`: "automatically closed when
    # garbage-collected"), which warns ResourceWarning on every collect.
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    # pyspark 4.0's Arrow-to-pandas conversion calls astype(copy=False), deprecated in pandas 3.
    pytest.mark.filterwarnings(
        "ignore:The copy keyword is deprecated:DeprecationWarning:pyspark.sql.pandas.types"
    ),
]


DATA = Path(__file__).parent / "data" / "scope"
PERIOD = Settings(period_start=date(2020, 4, 1), period_end=date(2021, 3, 31))
runner = CliRunner()


@pytest.fixture(scope="module")
def duck_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("spark-scope") / "scope.duckdb"
    assert load_paths([DATA], db).quarantined == 0
    return db


@pytest.fixture(scope="module")
def duck(duck_db: Path) -> Tables:
    return connect(duck_db)


@pytest.fixture(scope="module")
def parquet(duck_db: Path) -> Path:
    out = duck_db.parent / "parquet"
    export_parquet(duck_db, out)
    return out


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    session = local_spark(
        "local[2]",
        driver_memory="512m",
        warehouse_dir=tmp_path_factory.mktemp("warehouse"),
        # Tiny data: the JVM's quick compiler and a serial collector cut start-up CPU.
        conf={"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"},
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sparked(spark: SparkSession, parquet: Path) -> Tables:
    return spark_tables(spark, parquet)


def _frame(expr: ir.Table, *keys: str) -> pl.DataFrame:
    """The expression's rows sorted by ``keys``, timestamps at microseconds (DuckDB's unit)."""
    frame = expr.to_polars().sort(*keys)
    return frame.with_columns(pl.col(pl.Datetime).dt.cast_time_unit("us"))


# --- export (no Spark needed) ----------------------------------------------------------------


def test_export_writes_every_table_with_its_rows(duck_db: Path, tmp_path: Path) -> None:
    result = export_parquet(duck_db, tmp_path / "out")
    rows = {t.name: t.rows for t in result.tables}
    assert list(rows) == list(TABLES)
    # 13 crimes, 11 people and 28 involvements in the fixture's CSVs; the other tables are empty.
    assert (rows["crimes"], rows["people"], rows["involvements"]) == (13, 11, 28)
    assert sum(rows.values()) == 13 + 11 + 28
    back = pl.read_parquet(tmp_path / "out" / "crimes" / "*.parquet")
    assert sorted(back["crime_ref"]) == [f"S{i:02d}" for i in range(1, 14)]
    assert back.schema["committed_from"] == pl.Datetime("us")
    assert back.schema["domestic_abuse"] == pl.Boolean


def test_export_refuses_to_overwrite_unless_asked(duck_db: Path, tmp_path: Path) -> None:
    export_parquet(duck_db, tmp_path)
    with pytest.raises(InputError, match="--overwrite"):
        export_parquet(duck_db, tmp_path)
    again = export_parquet(duck_db, tmp_path, overwrite=True)
    assert {t.name: t.rows for t in again.tables}["crimes"] == 13
    assert len(list((tmp_path / "crimes").glob("*.parquet"))) == 1


# --- the scope on Spark ----------------------------------------------------------------------


def test_scope_on_spark_gives_the_hand_answers(sparked: Tables, duck: Tables) -> None:
    spark_scope, duck_scope = vawg_scope(sparked, PERIOD), vawg_scope(duck, PERIOD)

    # Exclusions, from tests/data/scope/README.md: 13 crimes; S02 and S04 outside the period,
    # S05 no female victim, S06 no male perpetrator, S07 (17) and S08 (no DOB) no adult
    # perpetrator, S10 'other' without DA.
    assert spark_scope.exclusions["crimes_excluded"].to_list() == [2, 1, 1, 2, 1]
    assert spark_scope.exclusions["crimes_remaining"].to_list() == [11, 10, 9, 7, 6]
    assert spark_scope.no_date_of_birth_crimes == duck_scope.no_date_of_birth_crimes == 1
    assert_frame_equal(spark_scope.exclusions, duck_scope.exclusions)

    crimes = _frame(spark_scope.crimes, "crime_ref")
    assert crimes["crime_ref"].to_list() == ["S01", "S03", "S09", "S11", "S12", "S13"]
    # Every column, value and type the same as DuckDB's (timestamps, booleans, nulls).
    assert_frame_equal(crimes, _frame(duck_scope.crimes, "crime_ref"))

    # M16 in S13 is under 18; M18 turns 18 on the day of S09; M30 was born 1990-01-01, so he is
    # 30 on 2020-05-31 (S01) and 2020-10-01 (S11) and 31 on 2021-03-30 (S03).
    offenders = _frame(spark_scope.offenders, "crime_ref", "person_id")
    assert offenders.rows() == [
        ("S01", "M30", 30),
        ("S03", "M30", 31),
        ("S09", "M18", 18),
        ("S11", "M30", 30),
        ("S12", "M25", 25),
        ("S13", "M45", 45),
    ]
    assert_frame_equal(offenders, _frame(duck_scope.offenders, "crime_ref", "person_id"))

    # Victims' ages on committed_from: F1 (born 1995-06-15) is 24 on 2020-05-31 and 25 on
    # 2020-10-01 and 2020-12-01; F2 (born 2001-01-01) is 20 on 2021-03-30 and 19 in 2020.
    # Relationships as in involvements.csv; the male victim MVIC in S12 is out of scope.
    victims = _frame(spark_scope.victims, "crime_ref", "person_id")
    assert victims.rows() == [
        ("S01", "F1", "partner", 24),
        ("S03", "F2", "stranger", 20),
        ("S09", "F2", "stranger", 19),
        ("S11", "F1", "partner", 25),
        ("S12", "F2", "acquaintance", 19),
        ("S13", "F1", "stranger", 25),
    ]
    assert_frame_equal(victims, _frame(duck_scope.victims, "crime_ref", "person_id"))


def test_check_spark_agrees_with_duckdb_and_the_hand_answers(sparked: Tables, duck: Tables) -> None:
    result = check_spark(sparked, PERIOD, duck)
    assert result.differences == ()
    assert result.period == (date(2020, 4, 1), date(2021, 3, 31))
    # In scope: S01, S03, S09, S11, S12, S13; perpetrators M30, M18, M25, M45; victims F1, F2.
    assert result.counts.row(0, named=True) == {
        "crimes_in_scope": 6,
        "distinct_offenders": 4,
        "distinct_victims": 2,
    }
    # recorded_date months in crimes.csv: S02 March 2020; S01 June; S05, S06 July; S07, S08,
    # S09 September; S10, S11 October; S12 November; S13 December; S03 March 2021; S04 April.
    assert result.crimes_per_month.rows() == [
        (date(2020, 3, 1), 1),
        (date(2020, 6, 1), 1),
        (date(2020, 7, 1), 2),
        (date(2020, 9, 1), 3),
        (date(2020, 10, 1), 2),
        (date(2020, 11, 1), 1),
        (date(2020, 12, 1), 1),
        (date(2021, 3, 1), 1),
        (date(2021, 4, 1), 1),
    ]
    assert result.exclusions["crimes_remaining"].to_list() == [11, 10, 9, 7, 6]


def test_an_in_memory_table_in_several_chunks_goes_to_spark_over_arrow(
    sparked: Tables,
) -> None:
    """A query's Arrow result comes in chunks; PySpark's Arrow transfer refuses those and, with
    a warning, copies row by row instead (minutes for millions of rows). in_memory sends one
    chunk: no fallback, and the rows arrive as they were."""
    import warnings

    import pyarrow as pa

    part = pa.table(
        {
            "crime_ref": ["A1", "A2", None],
            "recorded_date": [date(2020, 1, 1), None, date(2021, 3, 31)],
            "outcome_code": pa.array([1, None, 16], pa.int64()),
        }
    )
    chunked = pa.concat_tables([part, part.slice(0, 2)])
    assert chunked.column("crime_ref").num_chunks == 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = sparked.backend.to_pyarrow(in_memory(chunked))
    fallbacks = [w for w in caught if "Arrow optimization" in str(w.message)]
    assert fallbacks == []
    assert back.to_pylist() == chunked.to_pylist()


def test_default_period_on_spark(sparked: Tables) -> None:
    # The latest recorded_date is 2021-04-01 (S04), so the last complete year ends 2021-03-31.
    assert default_period(sparked, Settings(period_years=1)) == (
        date(2020, 4, 1),
        date(2021, 3, 31),
    )


# --- a synthetic force, from a Spark database ------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """A small synthetic Kent (scale 0.02, ~3,600 crimes): its DuckDB store, Parquet, truth."""
    root = tmp_path_factory.mktemp("spark-synthetic")
    generate(root / "extract", scale=0.02, seed=1)
    db = root / "synthetic.duckdb"
    assert load_paths([root / "extract"], db).quarantined == 0
    export_parquet(db, root / "parquet")
    truth = json.loads((root / "extract" / "truth.json").read_text(encoding="utf-8"))
    return db, root / "parquet", truth


def _headlines(scope: Scope) -> pl.DataFrame:
    """Distinct perpetrators and victims, and in-scope crimes at home, in public, unknown."""
    crimes, offenders, victims = scope.crimes, scope.offenders, scope.victims
    place = crimes.location_type
    heads = (
        offenders.aggregate(distinct_offenders=offenders.person_id.nunique())
        .cross_join(victims.aggregate(distinct_victims=victims.person_id.nunique()))
        .cross_join(
            crimes.aggregate(
                crimes_in_scope=crimes.count(),
                home_crimes=(place == "dwelling").sum(),
                public_crimes=((place != "dwelling") & (place != "unknown")).sum(),
                unknown_location_crimes=(place == "unknown").sum(),
            )
        )
    )
    return heads.to_polars()


def test_synthetic_force_from_a_spark_database(
    spark: SparkSession, synthetic: tuple[Path, Path, dict[str, Any]]
) -> None:
    db, parquet, truth = synthetic
    # What a force's platform does: external tables over the exported folders, in a database.
    spark.sql("CREATE DATABASE IF NOT EXISTS vawg_lake")
    with ThreadPoolExecutor(max_workers=4) as pool:  # each infers its schema with a Spark job
        list(
            pool.map(
                lambda name: spark.sql(
                    f"CREATE TABLE IF NOT EXISTS vawg_lake.{name} USING parquet "
                    f"LOCATION '{(parquet / name).as_posix()}'"
                ),
                TABLES,
            )
        )
    period = Settings(
        period_start=date.fromisoformat(truth["period"]["start"]),
        period_end=date.fromisoformat(truth["period"]["end"]),
    )
    # "catalog.database", as with Databricks Unity Catalog; the plain database name works too.
    on_spark = vawg_scope(spark_tables(spark, "spark_catalog.vawg_lake"), period)
    plain = spark_tables(spark, "vawg_lake")
    assert plain.crimes.count().to_pyarrow().as_py() == truth["headline"]["crimes_in_extract"]
    on_duckdb = vawg_scope(connect(db), period)
    assert_frame_equal(on_spark.exclusions, on_duckdb.exclusions)

    # The generator counts its own truth with polars from the people it simulated
    # (vawg/synth/truth.py), independently of vawg.scope; both engines must match it exactly.
    heads = _headlines(on_spark)
    expected = truth["headline"]
    assert heads.row(0, named=True) == {key: expected[key] for key in heads.columns}
    assert_frame_equal(heads, _headlines(on_duckdb), check_dtypes=False)


def test_cli_export(duck_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--db", str(duck_db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # One Parquet folder per table of the store, empty ones included; rows 13 + 11 + 28.
    tables = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert sorted(p.name for p in tables) == sorted(TABLES)  # every table of the contract
    assert f"wrote 52 rows in {len(tables)} tables" in result.output
    again = runner.invoke(app, ["export", "--db", str(duck_db), "--out", str(tmp_path)])
    assert isinstance(again.exception, InputError)


def test_cli_spark_check_reports_a_different_database(
    spark: SparkSession, parquet: Path, synthetic: tuple[Path, Path, dict[str, Any]]
) -> None:
    # The hand fixture's Parquet on Spark against the synthetic DuckDB store: every part differs.
    period = ["--set", "period_start=2020-04-01", "--set", "period_end=2021-03-31"]
    other_db = synthetic[0]
    result = runner.invoke(app, ["spark-check", str(parquet), "--db", str(other_db), *period])
    assert "6 crimes in scope, 4 perpetrators, 2 victims" in result.output
    assert "13 crimes recorded in 9 months" in result.output
    assert isinstance(result.exception, InputError)
    assert "differ in: exclusions, counts, crimes_per_month" in str(result.exception)


def test_clear_errors_for_a_bad_source(spark: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        spark_tables(spark, tmp_path / "nowhere")
    (tmp_path / "crimes").mkdir()
    with pytest.raises(InputError, match="no folder for people"):
        spark_tables(spark, tmp_path)
    with pytest.raises(InputError, match="neither a folder nor a database"):
        spark_tables(spark, "no_such_database")
