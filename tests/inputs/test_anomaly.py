"""The feed anomaly check flags the real Kent police.uk months and leaves ordinary series alone.

Known answers: the real police.uk street files for Kent, 2018-10 to 2019-01 (shared data), in
which 2018-11 and 2018-12 are low for every crime type but anti-social behaviour (the files'
PROVENANCE.md); and hand-built series with one planted drop.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from vawg.inputs.anomaly import feed_anomalies
from vawg.inputs.frames import police_monthly_series
from vawg.query import connect
from vawg.store import load_paths

KENT = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "police-uk-kent-street"


def _months(n: int, first: date = date(2017, 4, 1)) -> list[date]:
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


@pytest.mark.skipif(not KENT.exists(), reason="shared/data/raw/police-uk-kent-street is not here")
def test_flags_the_low_kent_months(tmp_path: Path) -> None:
    db = tmp_path / "kent.duckdb"
    load_paths(sorted(KENT.glob("*-street.csv")), db)
    series = police_monthly_series(connect(db))
    # 4 months x 2 series; e.g. all but ASB: 17,347 / 11,690 / 6,132 / 15,659.
    assert series.filter(pl.col("series").str.contains("all but"))["count"].to_list() == [
        17347,
        11690,
        6132,
        15659,
    ]
    result = feed_anomalies(series)
    assert result.flagged == (date(2018, 11, 1), date(2018, 12, 1))
    flagged = result.table.filter(pl.col("flagged"))
    assert set(flagged["direction"].to_list()) == {"low"}
    assert flagged.height == 4  # both months in both series


def test_a_short_series_worked_by_hand() -> None:
    # 19,396 / 13,818 / 8,438 / 17,792 (every Kent row), per day 625.7 / 460.6 / 272.2 / 573.9.
    # Pass 1: Dec's expectation is the median of the other three rates, 573.9 x 31 days = 17,792;
    # log(8,438 / 17,792) = -0.746, / sqrt(1/17,792 + 0.08^2) = -9.3, the most extreme: flagged.
    # Pass 2 (Dec out): Nov against median(625.7, 573.9) x 30 = 17,994: log ratio -0.264,
    # z = -0.264 / 0.0803 = -3.3: flagged. Oct and Jan, each against the other, differ by 9%
    # (|z| = 1.1): both kept, and two of four months must stay unflagged anyway.
    monthly = pl.DataFrame(
        {
            "series": "kent",
            "month": _months(4, date(2018, 10, 1)),
            "count": [19396, 13818, 8438, 17792],
        }
    )
    result = feed_anomalies(monthly)
    table = result.table
    assert table["step"].to_list() == [0, 2, 1, 0]
    assert (
        table.filter(pl.col("month") == date(2018, 12, 1))["expected"][0] == 18594
    )  # final: good months
    assert result.cv["kent"] == 0.08


def test_one_planted_drop_in_a_long_seasonal_series() -> None:
    rng = np.random.default_rng(3)
    n = 60
    mu = 2500 * (1 + 0.1 * np.sin(np.arange(n) / 12 * 2 * np.pi)) * 1.01 ** (np.arange(n) / 12)
    counts = rng.poisson(mu)
    clean = pl.DataFrame({"series": "s", "month": _months(n), "count": counts})
    assert feed_anomalies(clean).flagged == ()
    counts[40] = int(counts[40] * 0.7)
    result = feed_anomalies(clean.with_columns(pl.Series("count", counts)))
    assert result.flagged == (_months(n)[40],)


def test_missing_columns_are_named() -> None:
    from vawg.errors import InputError

    with pytest.raises(InputError, match="no 'count' column"):
        feed_anomalies(pl.DataFrame({"series": ["a"], "month": [date(2020, 1, 1)]}))
