"""The manifest on every output: inputs' hashes, settings, version, seed and time, no paths.

Expected hashes are recomputed here with :mod:`hashlib` from the fixture files; the inputs
digest is rebuilt from them as the manifest module documents it (SHA-256 of the sorted file
hashes joined by newlines).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vawg.cli.profile import run_profile
from vawg.config import Settings
from vawg.leaks import scan_files
from vawg.manifest import build_manifest, product_version
from vawg.report.page import PLOTLY_JS
from vawg.report.stamp import stamp_outputs
from vawg.store import load_paths

HERE = Path(__file__).resolve().parent
ROLLING = HERE / "data" / "ingest" / "rolling"
HAND = HERE / "data" / "profile" / "hand_extract"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("manifest") / "vawg.duckdb"
    load_paths([ROLLING / "2024-01"], db)
    load_paths([ROLLING / "2024-02"], db)
    return db


def test_the_manifest_lists_every_delivery_with_its_files_hashes(rolled: Path) -> None:
    settings = Settings(seed=7, period_years=2)
    made = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    manifest = build_manifest(rolled, command="vawg profile", settings=settings, created=made)
    assert manifest["version"] == product_version()
    assert manifest["created"] == "2026-01-02T03:04:05Z"
    assert manifest["seed"] == 7
    assert manifest["settings"]["period_years"] == 2
    assert manifest["marking"] == "OFFICIAL-SENSITIVE"
    deliveries = manifest["inputs"]["deliveries"]
    assert [(d["delivery"], d["name"], d["replace"], d["period"]) for d in deliveries] == [
        (1, "2024-01", False, ["2024-01-03", "2024-01-20"]),
        (2, "2024-02", False, ["2024-01-10", "2024-02-14"]),
    ]
    for d, month in zip(deliveries, ("2024-01", "2024-02"), strict=True):
        assert sorted((f["kind"], f["name"], f["sha256"]) for f in d["files"]) == sorted(
            (p.stem, p.name, _sha(p)) for p in (ROLLING / month).glob("*.csv")
        )
    hashes = sorted(
        _sha(p) for month in ("2024-01", "2024-02") for p in (ROLLING / month).glob("*.csv")
    )
    assert manifest["inputs"]["digest"] == hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def test_the_manifest_holds_no_local_path(rolled: Path, tmp_path: Path) -> None:
    weights = tmp_path / "private folder" / "my-harm-weights.csv"
    weights.parent.mkdir()
    weights.write_text("offence_group,weight\n", encoding="utf-8")
    settings = Settings(harm_weights_file=str(weights))
    text = json.dumps(build_manifest(rolled, command="vawg profile", settings=settings))
    assert str(tmp_path) not in text and str(rolled.parent) not in text
    assert str(ROLLING) not in text
    assert "private folder" not in text
    named = build_manifest(rolled, command="vawg profile", settings=settings)["settings"]
    assert named["harm_weights_file"] == {"file": "my-harm-weights.csv", "sha256": _sha(weights)}


def test_stamping_puts_the_manifest_in_each_kind_of_file(tmp_path: Path, rolled: Path) -> None:
    manifest = build_manifest(rolled, command="vawg test", settings=Settings(), public=True)
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>hello</p></body></html>", encoding="utf-8")
    data = tmp_path / "data.json"
    data.write_text('{"a": 1}\n', encoding="utf-8")
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")

    written = stamp_outputs([page, data, table], manifest)

    assert written == [page, data, table, tmp_path / "table.csv.manifest.json"]
    assert json.loads(data.read_text(encoding="utf-8")) == {"a": 1, "manifest": manifest}
    assert table.read_text(encoding="utf-8") == "a,b\n1,2\n"  # the CSV itself is unchanged
    side = json.loads((tmp_path / "table.csv.manifest.json").read_text(encoding="utf-8"))
    assert side == {"file": "table.csv", "manifest": manifest}
    text = page.read_text(encoding="utf-8")
    embedded = re.search(r'<script type="application/json" id="vawg-manifest">(.*?)</script>', text)
    assert embedded is not None and json.loads(embedded.group(1)) == manifest
    assert text.index('<footer class="vawg-manifest"') < text.index("</body>")
    assert "Made by vawg-insight" in text and "OFFICIAL-SENSITIVE" not in text
    # a public page's footer is for the public: no command line, digest or seed in its text
    footer = text.split('<footer class="vawg-manifest"')[1].split("</footer>")[0]
    assert "vawg test" not in footer and "digest" not in footer and "seed" not in footer


def test_the_leak_walker_reads_a_manifest_as_provenance_not_counts(
    tmp_path: Path, rolled: Path
) -> None:
    # Delivery numbers (1, 2) and the manifest's format (1) are small integers under count-like
    # keys; they describe the output, they are not figures of it. A small count beside the
    # manifest is still found (the counter-check).
    manifest = build_manifest(rolled, command="vawg test", settings=Settings(), public=True)
    data = tmp_path / "data.json"
    data.write_text('{"crimes": 10}\n', encoding="utf-8")
    stamp_outputs([data], manifest)
    assert scan_files([data], threshold=10) == []
    data.write_text('{"crimes": 3}\n', encoding="utf-8")
    stamp_outputs([data], manifest)
    assert [(f.where, f.what) for f in scan_files([data], threshold=10)] == [("crimes", "count 3")]


def test_restricted_outputs_are_marked_and_for_their_owner_only(
    tmp_path: Path, rolled: Path
) -> None:
    manifest = build_manifest(rolled, command="vawg test", settings=Settings())
    page = tmp_path / "page.html"
    page.write_text("<html><body></body></html>", encoding="utf-8")
    table = tmp_path / "people.csv"
    table.write_text("a\n1\n", encoding="utf-8")
    written = stamp_outputs([page, table], manifest)
    assert "<strong>OFFICIAL-SENSITIVE</strong>" in page.read_text(encoding="utf-8")
    assert {p.stat().st_mode & 0o777 for p in written} == {0o600}


def test_every_file_a_command_writes_carries_the_manifest(tmp_path: Path) -> None:
    db = tmp_path / "hand.duckdb"
    load_paths([HAND], db)
    settings = Settings(period_years=2, profile_bootstrap_replicates=99, seed=3)
    written = run_profile(db, tmp_path / "out", settings, public=False)
    assert written
    for path in written:
        if path.name.endswith(".manifest.json"):
            continue
        if path.name == PLOTLY_JS:  # third-party code shared by the folder's reports
            assert not path.with_name(path.name + ".manifest.json").exists()
            continue
        if path.suffix == ".json":
            found = json.loads(path.read_text(encoding="utf-8"))["manifest"]
        elif path.suffix == ".html":
            found = json.loads(
                re.search(
                    r'id="vawg-manifest">(.*?)</script>', path.read_text(encoding="utf-8")
                ).group(1)  # type: ignore[union-attr]
            )
        else:
            side = path.with_name(path.name + ".manifest.json")
            assert side in written
            found = json.loads(side.read_text(encoding="utf-8"))["manifest"]
        assert found["command"] == "vawg profile"
        assert found["seed"] == 3
        assert found["inputs"]["deliveries"][0]["name"] == "hand_extract"
        assert path.stat().st_mode & 0o777 == 0o600  # the analyst profile is restricted
