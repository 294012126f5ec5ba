"""Every analysis gives the same JSON on Spark as on DuckDB: ``vawg <analysis> --engine spark``.

A synthetic force at scale 0.1 (seed 0, about 19,000 crimes) is loaded into DuckDB, exported
with ``vawg export`` and read on a local Spark (``local[2]``) with ``--engine spark --source``.
Each analysis command writes its JSON report from both engines; the two must agree: every
string, boolean and integer exactly, every float to 1e-9 (relative to its size, at least 1).
The DuckDB answers are checked against known answers in each analysis's own tests; here the
Spark run is also anchored to the generator's truth.json (crimes in scope, distinct
perpetrators and victims).

One SparkSession serves the module (the CLI's ``local_spark`` finds it with ``getOrCreate``).
Skipped only when pyspark or Java is missing, as tests/test_spark.py is.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.scale import export_parquet, local_spark
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
        ("pyspark is not installed", importlib.util.find_spec("pyspark") is None),
        ("no Java runtime (java on PATH or JAVA_HOME)", not _java()),
    )
    if missing
]

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(bool(_MISSING), reason="; ".join(_MISSING)),
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings(
        "ignore:The copy keyword is deprecated:DeprecationWarning:pyspark.sql.pandas.types"
    ),
]

runner = CliRunner()
TOLERANCE = 1e-9

# command, its JSON file in a report folder (--format json --out FOLDER)
ANALYSES = {
    "profile": "profile-restricted.json",  # the analyst version (not --public)
    "drivers": "drivers.json",
    "hotspots": "hotspots.json",
    "outcomes": "outcomes.json",
    "audit": None,  # audit-<half>.json: the one JSON file written
    "survey": "survey.json",
}


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """The synthetic force's DuckDB store, its Parquet export and its truth.json."""
    root = tmp_path_factory.mktemp("spark-parity")
    generate(root / "extract", scale=0.1, seed=0)
    db = root / "force.duckdb"
    assert load_paths([root / "extract"], db).quarantined == 0
    export_parquet(db, root / "parquet")
    truth = json.loads((root / "extract" / "truth.json").read_text(encoding="utf-8"))
    return db, root / "parquet", truth


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    session = local_spark(
        "local[2]",
        driver_memory="1g",
        warehouse_dir=tmp_path_factory.mktemp("warehouse"),
        conf={"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"},
    )
    yield session
    session.stop()


def differences(a: Any, b: Any, path: str = "$") -> list[str]:
    """Where two JSON values differ: exact for everything but floats, floats to TOLERANCE."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}: keys {sorted(set(a) ^ set(b))}"] if a.keys() != b.keys() else []
        for key in a.keys() & b.keys():
            out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{path}: {len(a)} items against {len(b)}"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    if isinstance(a, float) and isinstance(b, float):
        ok = abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))
        return [] if ok else [f"{path}: {a!r} against {b!r}"]
    if type(a) is not type(b) or a != b:
        return [f"{path}: {a!r} against {b!r}"]
    return []


def test_differences_catches_what_it_must() -> None:
    assert differences({"n": 3, "x": 0.5, "s": "a"}, {"n": 3, "x": 0.5 + 1e-12, "s": "a"}) == []
    assert differences({"n": 3}, {"n": 4}) == ["$.n: 3 against 4"]
    assert differences({"n": 3}, {"n": 3.0}) == ["$.n: 3 against 3.0"]  # a count became a float
    assert differences([0.5], [0.5 + 1e-6]) == ["$[0]: 0.5 against 0.500001"]
    assert differences({"a": [1, 2]}, {"a": [1]}) == ["$.a: 2 items against 1"]
    assert differences({"a": 1}, {"b": 1}) == ["$: keys ['a', 'b']"]


def _report(args: list[str], out: Path, name: str | None) -> Any:
    result = runner.invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = [out / name] if name else sorted(out.glob("*.json"))
    assert len(files) == 1 and files[0].exists(), list(out.iterdir())
    return json.loads(files[0].read_text(encoding="utf-8"))


@pytest.mark.parametrize("analysis", list(ANALYSES))
def test_analysis_json_is_the_same_on_spark(
    analysis: str,
    force: tuple[Path, Path, dict[str, Any]],
    spark: SparkSession,
    tmp_path: Path,
) -> None:
    db, parquet, truth = force
    base = [analysis, "--db", str(db)]
    on_duckdb = _report(base, tmp_path / "duckdb", ANALYSES[analysis])
    on_spark = _report(
        [*base, "--engine", "spark", "--source", str(parquet)],
        tmp_path / "spark",
        ANALYSES[analysis],
    )
    # The manifest says when each file was made; every figure, and the rest of the manifest
    # (inputs, settings, version), must be the same.
    for report in (on_duckdb, on_spark):
        report.get("manifest", {}).pop("created", None)
    assert differences(on_duckdb, on_spark) == []
    if analysis == "profile":
        # Anchored to the generator's own count of its truth (vawg/synth/truth.py).
        for key in ("crimes_in_scope", "distinct_offenders", "distinct_victims"):
            assert on_spark[key] == truth["headline"][key], key


def test_engine_options_are_checked(force: tuple[Path, Path, dict[str, Any]]) -> None:
    db, parquet, _ = force
    no_source = runner.invoke(app, ["drivers", "--db", str(db), "--engine", "spark"])
    assert no_source.exit_code == 1
    assert "--engine spark needs --source" in str(no_source.exception)
    stray = runner.invoke(app, ["drivers", "--db", str(db), "--source", str(parquet)])
    assert stray.exit_code == 1
    assert "only read with --engine spark" in str(stray.exception)
