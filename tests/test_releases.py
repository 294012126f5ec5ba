"""The release log: every public release recorded in the database and checked against the ones
before it. The documents here are hand-made public outputs (JSON), so each expected refusal is
worked out by hand."""

from __future__ import annotations

import gc
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vawg.config import Settings
from vawg.errors import InputError
from vawg.leaks import is_count
from vawg.releases import _problems, filters_of, record_release, release_log, released_figures
from vawg.store import connect

PERIOD = (date(2021, 4, 1), date(2022, 3, 31))
FILTERS = filters_of(Settings())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "vawg.duckdb"
    connect(path).close()  # an empty store
    return path


def _document(crimes: int, dover: int, **extra: object) -> dict[str, object]:
    return {
        "crimes_in_scope": crimes,
        "by_district": [
            {"district": "Dover", "crimes": dover, "rate_per_1000": 1.2345},
            {"district": "Thanet", "crimes": None},
        ],
        "params": {"seed": 7, "settings": {"repeat_min_crimes": 2}},
        **extra,
    }


def test_the_figures_of_a_release_are_its_counts() -> None:
    figures = released_figures(_document(120, 45, window_days=3))
    # Counts only: no rates, no withheld (null) cells, nothing under settings, no day counts.
    assert figures == {"crimes_in_scope": 120, "by_district[0].crimes": 45}


def test_a_release_is_recorded_with_its_period_filters_and_hash(db: Path) -> None:
    first = record_release(
        db,
        "profile",
        _document(120, 45),
        period=PERIOD,
        filters=FILTERS,
        threshold=5,
        now=datetime(2022, 5, 1, 9, 0),
    )
    assert (first.release_id, first.figures, first.repeat) == (1, 2, False)
    log = release_log(db)
    row = log.row(0, named=True)
    assert (row["output"], row["period_start"], row["period_end"]) == ("profile", *PERIOD)
    assert row["figures_sha256"] == first.figures_sha256 and len(first.figures_sha256) == 64
    assert (
        row["released_at"] == datetime(2022, 5, 1, 9, 0) and '"victim_sex": "F"' in row["filters"]
    )
    # The same output again: recorded, marked as a repeat of release 1.
    again = record_release(
        db, "profile", _document(120, 45), period=PERIOD, filters=FILTERS, threshold=5
    )
    assert (again.release_id, again.repeat, again.first) == (2, True, 1)


def test_a_release_whose_counts_differ_from_earlier_ones_by_a_small_number_is_refused(
    db: Path,
) -> None:
    record_release(db, "profile", _document(120, 45), period=PERIOD, filters=FILTERS, threshold=5)
    # 47 is not a multiple of 5 (it breaks the rule itself) and 47 - 45 = 2 gives two crimes
    # away by subtraction from the first release: refused, and nothing is recorded.
    with pytest.raises(InputError, match="refused by the release log") as caught:
        record_release(
            db, "hotspots", _document(125, 47), period=PERIOD, filters=FILTERS, threshold=5
        )
    assert "differ by 2" in str(caught.value) and "nothing was published" in str(caught.value)
    assert release_log(db).height == 1
    # Rounded counts always differ by multiples of 5: accepted.
    later = record_release(
        db, "hotspots", _document(125, 50), period=PERIOD, filters=FILTERS, threshold=5
    )
    assert later.release_id == 2 and not later.repeat


def test_small_counts_within_one_release_are_refused(db: Path) -> None:
    with pytest.raises(InputError, match="crimes_in_scope = 3 breaks the rule"):
        record_release(db, "x", _document(3, 0), period=None, filters=FILTERS, threshold=5)


def test_a_whole_number_mean_is_not_read_as_a_count(db: Path) -> None:
    # A national run's programme evaluation: the participants' mean harm came out at exactly
    # 148 days, 3 from an earlier release's 145. A mean is no count: published. The same
    # number under a count's name is still refused (the counter-check).
    record_release(db, "profile", _document(120, 145), period=PERIOD, filters=FILTERS, threshold=5)
    mean = {"programmes": [{"mean_harm_participants": 148, "median_days_to_charge": 31}]}
    record_release(db, "evaluation", mean, period=PERIOD, filters=FILTERS, threshold=5)
    with pytest.raises(InputError, match="participants = 148 breaks the rule"):
        count = {"programmes": [{"participants": 148}]}
        record_release(db, "evaluation", count, period=PERIOD, filters=FILTERS, threshold=5)


def test_an_evaluations_whole_number_diagnostics_are_not_read_as_counts(db: Path) -> None:
    # Kent at scale 5: the synthetic control's gap before the start came out at exactly 2.00
    # crimes a quarter and a balance row's standardised difference at 0; read as counts, they
    # refused the evaluation and then the open site ("... = 2 breaks the rule"). Diagnostics
    # and money are published; the same numbers under counts' names are still refused.
    place = {
        "interventions": [
            {
                "cost": 12_345,
                "synthetic_fit": {"pre_rmspe": 2.0, "post_rmspe": 3.0, "placebos": 10},
                "balance": [{"smd_before": 1.0, "smd_after": 0.0}],
                "displacement_quotient": {"success": 0.0, "buffer_change": 0.0},
            }
        ]
    }
    record_release(db, "evaluation", {"place": place}, period=PERIOD, filters=FILTERS, threshold=5)
    for name in ("pre_rmspe", "smd_after", "cost", "success"):
        assert not is_count(f"place.interventions[0].x.{name}")
    with pytest.raises(InputError, match="treated_after = 2 breaks the rule"):
        counts = {"place": {"interventions": [{"counts": {"treated_after": 2}}]}}
        record_release(db, "evaluation", counts, period=PERIOD, filters=FILTERS, threshold=5)


def test_an_empty_log_reads_as_no_releases(db: Path) -> None:
    assert release_log(db).height == 0


def _problems_by_every_pair(
    figures: dict[str, int], earlier: list[tuple[int, str, str, int]], threshold: int
) -> list[str]:
    """The differencing rule as written: for each figure, every known figure in sorted order,
    the first whose value differs from it by 1 to threshold - 1 (no search, no de-duplication)."""
    out = [
        f"{n} = {v} breaks the rule"
        for n, v in figures.items()
        if 0 < v < threshold or (threshold > 1 and v % threshold)
    ]
    if threshold <= 1:
        return out
    known = sorted(
        [(v, f"this release's {n}") for n, v in figures.items()]
        + [(v, f"release {rid} ({output}) {n}") for rid, output, n, v in earlier]
    )
    for name, value in figures.items():
        for other, where in known:
            if other != value and abs(other - value) < threshold:
                out.append(f"{name} = {value} and {where} = {other} differ by {abs(value - other)}")
                break
    return out


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(0, 40), max_size=30),
    earlier_values=st.lists(st.integers(0, 40), max_size=30),
    threshold=st.integers(1, 7),
)
def test_the_differencing_check_finds_what_a_scan_of_every_pair_finds(
    values: list[int], earlier_values: list[int], threshold: int
) -> None:
    # Few distinct values, many repeats: the shape of a national release (0, 5, 10, ...).
    figures = {f"f{i}": v for i, v in enumerate(values)}
    earlier = [(1 + i % 3, "site", f"e{i}", v) for i, v in enumerate(earlier_values)]
    assert _problems(figures, earlier, threshold) == _problems_by_every_pair(
        figures, earlier, threshold
    )


def test_a_read_only_connection_left_to_the_garbage_collector_does_not_stop_a_release(
    db: Path,
) -> None:
    # An analysis that drops its read-only connection inside a reference cycle leaves the file
    # held until the collector runs; recording a release must still open it for writing.
    gc.disable()
    try:
        held = [connect(db, read_only=True)]
        held.append(held)  # type: ignore[arg-type]
        del held
        release = record_release(
            db, "profile", _document(120, 45), period=PERIOD, filters=FILTERS, threshold=5
        )
    finally:
        gc.enable()
    assert release.release_id == 1
