"""Things worth saying about loaded rows that are not errors.

police.uk rows with no location, or with an LSOA outside the area reference, load (they are
real published rows) but are counted and reported so nothing is quietly left out of maps. The
area reference is the loaded ``areas`` table when it has rows, otherwise the shipped Kent and
Medway LSOAs.
"""

from __future__ import annotations

import duckdb

from vawg import datasets
from vawg.ingest.stage import StagedFile

__all__ = ["file_notes"]


def _reference_codes(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """SQL relation of known LSOA codes, and what it is called in a note."""
    row = con.execute("SELECT count(*) FROM areas").fetchone()
    if row is not None and row[0] > 0:
        return "(SELECT lsoa_code FROM areas)", "the loaded area reference"
    path = str(datasets.dataset_path("kent_lsoa.csv")).replace("'", "''")
    return (
        f"(SELECT lsoa_code FROM read_csv('{path}', header = true, all_varchar = true))",
        "the shipped Kent and Medway LSOAs",
    )


def file_notes(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> tuple[str, ...]:
    """Counts of loaded rows that analyses will treat specially, in words."""
    if staged.file.table.name not in ("police_street", "police_outcomes"):
        return ()
    codes, where = _reference_codes(con)
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE lsoa_code IS NULL AND longitude IS NULL), "
        f"count(*) FILTER (WHERE lsoa_code IS NOT NULL AND lsoa_code NOT IN {codes}) "
        f"FROM {staged.clean}"
    ).fetchone()
    assert row is not None
    notes = []
    if row[0]:
        notes.append(f"{row[0]:,} rows have no location")
    if row[1]:
        notes.append(f"{row[1]:,} rows have an LSOA outside {where}")
    return tuple(notes)
