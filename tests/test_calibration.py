"""Slow: the calibration benchmark in small: 95% intervals cover the planted truth and tests
keep their false-positive rate on null data.

Rows listed in ``KNOWN_SHORTFALLS`` (with the reason) are left out of the gates and checked to
still fall short by a strict xfail, so a fix shows up. Fails when an effect's coverage is clearly below 85% (its Wilson 95% upper limit is under 0.85)
or a test's false-positive rate clearly exceeds 10% (its Wilson lower limit is over 0.10), or
when more than 10% of LSOAs are declared hot spots on null data. A point estimate alone would
fail by chance: with 12 seeds and about 30 effects, some coverage falls under 85% one run in
three when every interval is exact. Hot-spot *detection* is reported by the benchmark, not
gated here. The full table (40 seeds at scale 0.1, 10 at scale 1.0) is ``docs/calibration.md``,
made by ``benchmarks/calibration.py``, which this test reuses.

Run with ``pytest -m slow tests/test_calibration.py`` (about 15 minutes on 2 shared cores).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "calibration.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibration_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_intervals_cover_the_planted_truth() -> None:
    bench = _bench()
    frame = bench.run(range(500, 512), 0.1, log=False)
    assert frame.filter(frame["kind"] == "error").height == 0, frame.filter(
        frame["kind"] == "error"
    )
    table = bench.summary(frame)
    assert bench.failures(table, null=False) == []
    assert table.filter(table["kind"] == "coverage").height >= 25


@pytest.mark.slow
def test_null_forces_keep_the_false_positive_rate() -> None:
    bench = _bench()
    frame = bench.run(range(600, 612), 0.1, null=True, log=False)
    assert frame.filter(frame["kind"] == "error").height == 0
    table = bench.summary(frame)
    assert bench.failures(table, null=True) == []
    assert table.filter(table["kind"] == "test").height >= 15


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="the known shortfalls of benchmarks/calibration.py")
def test_known_shortfalls_are_still_short() -> None:
    # When this passes (strict xfail then fails), a known shortfall has been fixed: take it off
    # KNOWN_SHORTFALLS so the main gates cover it again.
    bench = _bench()
    frame = bench.run(range(600, 612), 0.1, null=True, log=False)
    assert bench.failures(bench.summary(frame), null=True, known=True) == []
