"""``vawg demo --open-data``: the shipped police.uk Kent months load and the open reports are written."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.datasets import police_uk_kent_months

RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw" / "police-uk-kent-street"


def test_shipped_months_have_the_documented_rows(tmp_path: Path) -> None:
    files = police_uk_kent_months(tmp_path)
    assert [f.name for f in files] == [
        "2018-10-kent-street.csv",
        "2018-11-kent-street.csv",
        "2018-12-kent-street.csv",
        "2019-01-kent-street.csv",
    ]
    rows = []
    for f in files:
        with f.open(newline="", encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    assert len(rows) == 59_444  # PROVENANCE.md
    assert sum(r["Crime type"] == "Violence and sexual offences" for r in rows) == 22_353


@pytest.mark.skipif(not RAW.is_dir(), reason="shared/data/raw is absent")
def test_shipped_months_are_the_originals_byte_for_byte(tmp_path: Path) -> None:
    for path in police_uk_kent_months(tmp_path):
        assert filecmp.cmp(path, RAW / path.name, shallow=False)


def test_demo_open_data_writes_the_open_reports(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["demo", "--open-data", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    reports = tmp_path / "reports"
    for name in (
        "outcomes-open-data.html",
        "drivers-open-data.html",
        "profile-open-data-analyst.html",
        "hotspots-open-data.html",
    ):
        assert (reports / name).is_file(), name
    for page in ("index.html", "places.html", "outcomes.html"):
        assert (reports / "site" / page).is_file(), page
    assert "not from open data:" in out.output and "force extract" in out.output
