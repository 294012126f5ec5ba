"""``generate(parquet=True)``: the same tables as CSV, so the same truth and the same database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from vawg.store import load_paths
from vawg.synth import generate

TABLES = ("crimes", "people", "involvements", "cjs_events", "areas", "weather")


@pytest.mark.parametrize("geography", ["kent", "england"])
def test_parquet_and_csv_give_the_same_database(tmp_path: Path, geography: str) -> None:
    scale = 0.02 if geography == "kent" else 0.002
    csv = generate(tmp_path / "csv", scale=scale, seed=4, geography=geography)
    parquet = generate(tmp_path / "pq", scale=scale, seed=4, geography=geography, parquet=True)
    assert parquet.files["crimes"].suffix == ".parquet"
    assert not (tmp_path / "pq" / "crimes.csv").exists()
    assert parquet.truth == csv.truth  # the truth is read back from whichever was written
    loaded = {}
    for name, result in (("csv", csv), ("pq", parquet)):
        db = tmp_path / f"{name}.duckdb"
        load = load_paths([result.out_dir], db)
        assert load.quarantined == 0 and load.read == load.loaded
        loaded[name] = db
    con = duckdb.connect()
    con.execute(f"ATTACH '{loaded['csv']}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{loaded['pq']}' AS b (READ_ONLY)")
    for table in TABLES:
        columns = [
            r[0]
            for r in con.execute(
                f"SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' "
                f"AND table_name = '{table}' AND NOT starts_with(column_name, '_')"
            ).fetchall()
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        n = con.execute(f"SELECT count(*) FROM a.{table}").fetchone()
        assert n is not None and n[0] > 0, table
        diff = con.execute(
            f"SELECT count(*) FROM ((SELECT {select} FROM a.{table}) "
            f"EXCEPT ALL (SELECT {select} FROM b.{table}))"
        ).fetchone()
        assert diff == (0,), table
