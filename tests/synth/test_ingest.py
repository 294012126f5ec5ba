"""Every generated file loads with nothing quarantined; a copy with broken rows quarantines
exactly those rows (and nothing else).

Rows are broken only in tables no other table refers to (involvements, cjs_events, areas,
weather and the surveys), so no quarantine can cascade through references and the expected
count per file is exactly the number of rows broken in it.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vawg.store import load_paths
from vawg.synth import SynthResult


def _load(folder: Path, db: Path) -> dict[str, Any]:
    result = load_paths([folder], db)
    files = {Path(f.file).name: f for f in result.files}
    for f in files.values():
        assert f.read == f.loaded + f.quarantined, f
    return files


def test_generated_files_load_cleanly(small: SynthResult, tmp_path: Path) -> None:
    files = _load(small.out_dir, tmp_path / "clean.duckdb")
    assert set(files) == {f"{name}.csv" for name in small.row_counts}
    for name, rows in small.row_counts.items():
        f = files[f"{name}.csv"]
        assert (f.read, f.loaded, f.quarantined) == (rows, rows, 0), name


def _break(
    path: Path, changes: list[tuple[int, str, Callable[[dict[str, str]], bool], str]]
) -> int:
    """Apply (nth matching data row, column, row filter, new value); return rows broken."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    broken: set[int] = set()
    for nth, column, wanted, value in changes:
        matches = [i for i, r in enumerate(rows) if wanted(r) and i not in broken]
        index = matches[nth]
        rows[index][column] = value
        broken.add(index)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(broken)


def test_broken_rows_are_quarantined_exactly(small: SynthResult, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(small.out_dir, copy)
    anything: Callable[[dict[str, str]], bool] = lambda r: True  # noqa: E731
    suspect: Callable[[dict[str, str]], bool] = lambda r: r["role"] == "suspect"  # noqa: E731
    expected = {
        "involvements.csv": _break(
            copy / "involvements.csv",
            [(5, "role", anything, "witness"), (10, "relationship", suspect, "partner")],
        ),
        "cjs_events.csv": _break(copy / "cjs_events.csv", [(3, "stage", anything, "sentencing")]),
        "areas.csv": _break(copy / "areas.csv", [(7, "imd_decile", anything, "11")]),
        "weather.csv": _break(
            copy / "weather.csv",
            [(2, "tmax_c", anything, "99.0"), (40, "date", anything, "2019-02-30")],
        ),
        "public_survey.csv": _break(
            copy / "public_survey.csv", [(4, "feel_safe_town_day", anything, "9")]
        ),
        "victim_survey.csv": _break(
            copy / "victim_survey.csv", [(1, "whole_experience", anything, "0")]
        ),
    }
    assert sum(expected.values()) == 8
    files = _load(copy, tmp_path / "broken.duckdb")
    for name, f in files.items():
        assert f.quarantined == expected.get(name, 0), name
