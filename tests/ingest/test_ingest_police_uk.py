"""The real police.uk Kent street files load whole, and their quirks are counted, not dropped.

Expected counts come from two places independent of the loader: the totals in the data's
PROVENANCE.md (59,444 rows, 22,353 "Violence and sexual offences"), and a direct count of the
CSV rows here with the :mod:`csv` module, checked against the shipped Kent and Medway LSOA codes
from :func:`vawg.datasets.kent_lsoas`. Skipped where the raw data is not available.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from vawg import datasets
from vawg.store import LoadResult, load_paths

from .conftest import queries

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "police-uk-kent-street"
pytestmark = pytest.mark.skipif(
    not RAW.is_dir(), reason=f"police.uk Kent files not available at {RAW} (build machine only)"
)
# PROVENANCE.md's table: file -> (data rows, "Violence and sexual offences", ASB rows).
PROVENANCE = {
    "2018-10-kent-street.csv": (19_396, 7_699, 2_049),
    "2018-11-kent-street.csv": (13_818, 5_037, 2_128),
    "2018-12-kent-street.csv": (8_438, 2_484, 2_306),
    "2019-01-kent-street.csv": (17_792, 7_133, 2_133),
}
FILES = tuple(PROVENANCE)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadResult, Path]:
    db = tmp_path_factory.mktemp("kent") / "vawg.duckdb"
    return load_paths([RAW], db), db


def _count(path: Path) -> Counter[str]:
    """Counts of the rows of one file, straight from the CSV."""
    codes = set(datasets.kent_lsoas()["lsoa_code"].to_list())
    counts: Counter[str] = Counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts["rows"] += 1
            counts["vso"] += row["Crime type"] == "Violence and sexual offences"
            counts["no_crime_id"] += row["Crime ID"] == ""
            counts["no_location"] += row["LSOA code"] == "" and row["Longitude"] == ""
            counts["outside"] += row["LSOA code"] != "" and row["LSOA code"] not in codes
    return counts


def test_every_row_loads_and_nothing_is_quarantined(loaded: tuple[LoadResult, Path]) -> None:
    result, db = loaded
    assert [Path(f.file).name for f in result.files] == list(FILES)
    assert result.skipped == (str(RAW / "PROVENANCE.md"),)
    assert (result.read, result.loaded, result.quarantined) == (59_444, 59_444, 0)
    assert result.quarantine == ()
    [[(total, vso)]] = queries(
        db,
        "SELECT count(*), count(*) FILTER (WHERE crime_type = 'Violence and sexual offences') "
        "FROM police_street",
    )
    assert (total, vso) == (59_444, 22_353)  # PROVENANCE.md


@pytest.mark.parametrize("name", FILES)
def test_counts_and_notes_match_a_direct_count(name: str, loaded: tuple[LoadResult, Path]) -> None:
    result, db = loaded
    counts = _count(RAW / name)
    [load] = [f for f in result.files if Path(f.file).name == name]
    assert (counts["rows"], counts["vso"], counts["no_crime_id"]) == PROVENANCE[name]
    assert (load.read, load.loaded, load.quarantined) == (counts["rows"], counts["rows"], 0)

    expected_notes = []
    if counts["no_location"]:
        expected_notes.append(f"{counts['no_location']:,} rows have no location")
    if counts["outside"]:
        expected_notes.append(
            f"{counts['outside']:,} rows have an LSOA outside the shipped Kent and Medway LSOAs"
        )
    assert load.notes == tuple(expected_notes)
    # The data has both quirks in every month (PROVENANCE.md): the notes are not empty.
    assert counts["no_location"] > 0 and counts["outside"] > 0

    file = str((RAW / name).resolve())  # the store keys files by their resolved path
    [[(rows, vso, anti_social, anti_social_type, months)]] = queries(
        db,
        "SELECT count(*), count(*) FILTER (WHERE crime_type = 'Violence and sexual offences'), "
        "count(*) FILTER (WHERE crime_id IS NULL), "
        "count(*) FILTER (WHERE crime_id IS NULL AND crime_type = 'Anti-social behaviour'), "
        f"list(DISTINCT strftime(month, '%Y-%m')) FROM police_street WHERE _file = '{file}'",
    )
    assert (rows, vso) == (counts["rows"], counts["vso"])
    # Anti-social behaviour rows have no Crime ID; they load, with a NULL crime_id.
    assert anti_social == anti_social_type == counts["no_crime_id"] > 0
    assert months == [name[:7]]  # month is the first of the file's month
