"""The shipped Home Office offence code table: rebuilt from the raw list, and spot-checked by hand."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from vawg.mapping.values import offence_code_groups

REPO = Path(__file__).resolve().parents[2]
RAW = REPO.parent / "shared" / "data" / "raw"
SHIPPED = REPO / "src" / "vawg" / "datasets" / "offence_codes.csv"


def test_hand_copied_codes() -> None:
    groups = offence_code_groups()
    # From the ONS list's headings, read by hand: 19C under "rape", 20A under
    # "other-sexual-offences", 8N under "violence-with-injury", 8L and 8R under "harassment".
    assert groups["19C"] == "rape"
    assert groups["20A"] == "other_sexual"
    assert groups["8N"] == "violence_with_injury"
    assert groups["105A"] == "violence_without_injury"
    assert groups["8L"] == groups["8R"] == "harassment"
    assert groups["8Q"] == "stalking"
    assert groups["46"] == "other"  # shoplifting
    assert "4.1" not in groups  # dotted codes break the contract's pattern: left out


def test_added_row_is_marked() -> None:
    with SHIPPED.open(encoding="utf-8") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    assert rows["8U"]["source"] == "added"
    assert {r["source"] for c, r in rows.items() if c != "8U"} == {"ons-2017-18"}


@pytest.mark.skipif(not RAW.is_dir(), reason="shared/data/raw is absent")
def test_rebuild_gives_the_same_bytes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build", REPO / "scripts" / "build_offence_codes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.build(RAW)
    out = tmp_path / "offence_codes.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("code", "description", "ons_heading", "offence_group", "source"))
        writer.writerows(rows)
    assert out.read_bytes() == SHIPPED.read_bytes()
