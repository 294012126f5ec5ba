"""The open site from police.uk open data alone (issue 14): ``vawg publish`` on the real Kent
street files.

Known answer: the site's counts per LSOA and per outcome category are a plain pandas count of
the raw files (per LSOA as in ``tests/spatial/test_open_data_hotspots.py``: by LSOA code, else
by the raw ONS polygon holding the point) put through the published rule, worked out here
without the product's code: a count of 1 to 4 is never shown, and a shown count is the raw
count rounded to the nearest multiple of 5 (halves up).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from tests.pages import assert_valid_html
from tests.spatial.test_open_data_hotspots import _expected
from typer.testing import CliRunner

from vawg.cli import app
from vawg.leaks import scan_folder
from vawg.store import load_paths

RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw" / "police-uk-kent-street"
pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason="shared/data/raw is absent")
BASE = 5  # the default disclosure threshold, the rounding base of the published rule


def _rounded(n: int) -> int:
    return (n + BASE // 2) // BASE * BASE


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("opensite") / "v.duckdb"
    load_paths(sorted(RAW.glob("*-street.csv")), path)
    return path


@pytest.fixture(scope="module")
def site(db: Path) -> Path:
    out = CliRunner().invoke(app, ["publish", "--db", str(db), "--out", str(db.parent / "site")])
    assert out.exit_code == 0, out.output
    return db.parent / "site"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _check(published: dict[str, int | None], raw: dict[str, int]) -> None:
    """Every raw count of 1 to 4 withheld; every shown count the raw one, rounded."""
    for key, n in raw.items():
        if 0 < n < BASE:
            assert published.get(key) is None, (key, n, published.get(key))
    shown = {k: v for k, v in published.items() if v is not None}
    for key, value in shown.items():
        assert value == _rounded(raw.get(key, 0)), (key, value, raw.get(key, 0))
    assert len(shown) >= 0.5 * len(published)


def test_counts_per_lsoa_are_the_raw_counts_under_the_rule(site: Path) -> None:
    per_lsoa, _, _ = _expected()
    rows = _csv(site / "data" / "hotspots-by-lsoa.csv")
    assert len(rows) == 1_065
    published = {r["lsoa_code"]: int(r["crimes"]) if r["crimes"] else None for r in rows}
    _check(published, per_lsoa)


def test_counts_per_outcome_category_are_the_raw_counts_under_the_rule(site: Path) -> None:
    frame = pd.concat(pd.read_csv(p, dtype=str) for p in sorted(RAW.glob("*-street.csv")))
    vso = frame[frame["Crime type"] == "Violence and sexual offences"]
    raw = vso["Last outcome category"].fillna("").value_counts().to_dict()
    rows = _csv(site / "data" / "outcome-categories.csv")
    published = {r["category"]: int(r["count"]) if r["count"] else None for r in rows}
    assert set(published) == set(raw)
    _check(published, raw)


def test_every_page_says_what_open_data_cannot_show(site: Path) -> None:
    for page in ("index.html", "places.html", "outcomes.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert_valid_html(text)
        assert "open data cannot show" in text.lower(), page
        assert "PUBLIC" in text
    methods = (site / "index.html").read_text(encoding="utf-8")
    assert "Not on this site: the VAWG profile" in methods
    assert "<svg" in (site / "places.html").read_text(encoding="utf-8")  # the LSOA map


@pytest.mark.parametrize("command", ["outcomes", "drivers", "hotspots", "profile"])
def test_public_open_data_reports_pass_the_leak_walker(
    db: Path, tmp_path: Path, command: str
) -> None:
    out = CliRunner().invoke(app, [command, "--db", str(db), "--public", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert any(name.endswith("-public.html") for name in written), written
    assert scan_folder(tmp_path, threshold=BASE) == []
