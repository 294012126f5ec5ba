"""Slow: over many synthetic forces, the 95% intervals cover the planted truth about 95% of the
time, and with nothing planted about 5% of headline effects are significant.

Run with ``pytest -m slow tests/models/test_coverage.py`` (about 5 minutes); the full table
comes from ``benchmarks/coverage.py``, which this test reuses.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "coverage.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_intervals_cover_the_planted_truth_about_95_percent() -> None:
    bench = _bench()
    frame = bench.coverage(range(500, 520), 0.1)
    covered, runs = int(frame["covered"].sum()), frame.height
    low, high = bench.wilson(covered, runs)
    assert low <= 0.95 <= high or 0.9 <= covered / runs <= 0.99, (covered, runs)
    worst = frame.group_by("effect").agg(pl.col("covered").mean()).sort("covered")
    assert worst["covered"][0] >= 0.7, worst


@pytest.mark.slow
def test_null_forces_give_about_5_percent_significant() -> None:
    bench = _bench()
    frame = bench.coverage(range(600, 620), 0.1, null=True).filter(pl.col("headline"))
    share = float((frame["p_value"] < 0.05).mean())
    assert share <= 0.12, share
