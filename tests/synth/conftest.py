"""Synthetic forces for the synth tests, each generated once per session.

* ``small``: scale 0.05 (about 6,500 in-scope crimes): determinism, exact truth, ingest.
* ``medium``: scale 0.5 (about 67,000 in-scope crimes): headline targets multiplied up by 2,
  and the planted effects recovered from the files (enough events for birthday and area
  models; the victim survey has 750 responses).
* ``null_medium``: the same at ``null=True``: no planted effect may be significant.

``scoped`` opens the files of a generated folder in DuckDB and builds the default VAWG scope
with SQL written here, independently of ``vawg.synth.truth`` (which uses polars).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from vawg.synth import SynthResult, generate

START, END = date(2017, 4, 1), date(2022, 3, 31)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("small"), scale=0.05, seed=0)


@pytest.fixture(scope="session")
def medium(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("medium"), scale=0.5, seed=0)


@pytest.fixture(scope="session")
def null_medium(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("null_medium"), scale=0.5, seed=0, null=True)


def open_scoped(folder: Path, start: date = START, end: date = END) -> duckdb.DuckDBPyConnection:
    """DuckDB over the CSVs with ``in_scope`` (crimes) and ``flagged`` (involvements) tables."""
    con = duckdb.connect()
    for name in ("crimes", "people", "involvements", "areas", "weather", "victim_survey",
                 "public_survey", "cjs_events"):  # fmt: skip
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{folder / (name + '.csv')}', "
            "header = true, all_varchar = true)"
        )
    con.execute(
        """
        CREATE TABLE flagged AS
        SELECT i.crime_ref, i.person_id, i.role, p.sex,
               CAST(p.date_of_birth AS DATE) AS dob,
               CAST(LEFT(c.committed_from, 10) AS DATE) AS cdate,
               i.role = 'victim' AND p.sex = 'F' AS f_victim,
               coalesce(i.role IN ('suspect', 'offender') AND p.sex = 'M'
                   AND p.date_of_birth IS NOT NULL
                   AND (year(cdate) - year(dob)
                        - CASE WHEN month(cdate) < month(dob)
                                 OR (month(cdate) = month(dob) AND day(cdate) < day(dob))
                               THEN 1 ELSE 0 END) >= 18, false) AS m_adult
        FROM involvements i
        JOIN people p USING (person_id)
        JOIN crimes c USING (crime_ref)
        """
    )
    con.execute(
        f"""
        CREATE TABLE crime_flags AS
        SELECT c.*,
               CAST(c.recorded_date AS DATE) < DATE '{start}' AS before_start,
               CAST(c.recorded_date AS DATE) > DATE '{end}' AS after_end,
               c.crime_ref IN (SELECT crime_ref FROM flagged WHERE f_victim) AS has_f_victim,
               c.crime_ref IN (SELECT crime_ref FROM flagged WHERE m_adult) AS has_m_adult,
               c.domestic_abuse = 'Y' OR c.offence_group <> 'other' AS offence_ok
        FROM crimes c
        """
    )
    con.execute(
        """
        CREATE TABLE in_scope AS
        SELECT * FROM crime_flags
        WHERE NOT before_start AND NOT after_end AND has_f_victim AND has_m_adult AND offence_ok
        """
    )
    return con


@pytest.fixture
def con_small(small: SynthResult) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_scoped(small.out_dir)
    yield con
    con.close()


@pytest.fixture(scope="session")
def con_medium(medium: SynthResult) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_scoped(medium.out_dir)
    yield con
    con.close()


@pytest.fixture(scope="session")
def con_null(null_medium: SynthResult) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_scoped(null_medium.out_dir)
    yield con
    con.close()
